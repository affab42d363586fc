#!/usr/bin/env python3
"""Fill a database with synthetic, proportional, deterministic records (bench/synthetic.py).

    .venv/bin/python bench/seed.py --meetings 20000 [--seed 2015] [--replace]

The database is the app's (DATABASE_URL, as for manage.py); migrate it first.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--meetings", type=int, default=2000, help="How many meetings (other records scale).")
    parser.add_argument("--seed", type=int, default=2015, help="The same seed and scale give the same data.")
    parser.add_argument("--replace", action="store_true", help="Delete every existing record first.")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
    import django

    django.setup()
    from bench.synthetic import SeedError, seed

    try:
        counts = seed(meetings=args.meetings, seed=args.seed, replace=args.replace)
    except SeedError as error:
        print(error, file=sys.stderr)
        return 2
    print("Generated " + ", ".join(f"{count} {kind}" for kind, count in counts.items()) + ".")
    return 0


if __name__ == "__main__":
    sys.exit(main())
