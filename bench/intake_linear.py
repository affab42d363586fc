"""Is extraction linear in the text? Times propose() on growing inputs, before and after a change.

    .venv/bin/python bench/intake_linear.py                 # the engine in the work tree
    .venv/bin/python bench/intake_linear.py --before REV    # and the engine at a git revision beside it

Inputs: a run of capitalised words (the worst case for name and title rules), the shipped 2015
release repeated, and a paragraph of 'Full Name (ACRONYM)' pairs, at 12 KB and 60 KB (and 3 KB
for the slope). Each is timed once after a warm-up; an engine slower than LIMIT seconds on an
input is stopped and reported as such. Not a test: the figures go in the README.
"""

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 60.0
SIZES = [3_000, 12_000, 60_000]


def inputs(size: int) -> dict[str, str]:
    fixture = json.loads((ROOT / "fixtures" / "asean-un-2015.json").read_text(encoding="utf-8"))
    release = fixture["releases"][0]["body"]
    words = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel"]
    capitalised = " ".join(words[i % len(words)] for i in range(size // 6))
    acronyms = " ".join(f"Regional Centre For Echo Delta (RCED{i % 97}) and" for i in range(size // 40))
    return {
        "capitalised words": ("JAKARTA, 30 June 2015- " + capitalised)[:size],
        "releases repeated": ("\n\n".join([release] * (size // len(release) + 1)))[:size],
        "acronym pairs": ("JAKARTA, 30 June 2015- " + acronyms)[:size],
    }


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")
    import django

    django.setup()


def engine(revision: str | None):
    """propose() of the work tree, or of the single-module engine at a revision (loaded from git)."""
    setup_django()
    if revision is None:
        from partnership.intake import propose

        return propose
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{revision}:partnership/intake.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("partnership.intake_before")
    module.__package__ = "partnership"
    sys.modules[module.__name__] = module  # dataclasses look their module up
    exec(compile(source, f"{revision}:partnership/intake.py", "exec"), module.__dict__)  # noqa: S102
    return module.propose


def _time(revision, text, queue):
    propose = engine(revision)
    propose("JAKARTA, 30 June 2015- A warm-up.")
    start = time.perf_counter()
    propose(text)
    queue.put(time.perf_counter() - start)


def timed(revision: str | None, text: str) -> float | None:
    """Seconds for one propose(), or None when it ran past LIMIT (the process is stopped)."""
    queue = multiprocessing.Queue()
    process = multiprocessing.Process(target=_time, args=(revision, text, queue))
    process.start()
    process.join(LIMIT + 15)
    if process.is_alive():
        process.terminate()
        process.join()
        return None
    if process.exitcode != 0:
        raise SystemExit(f"the engine failed on a {len(text)}-character input")
    return queue.get()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a git revision whose partnership/intake.py to time beside the work tree")
    args = parser.parse_args()
    engines = [("before", args.before)] if args.before else []
    engines.append(("after", None))
    rows = []
    for size in SIZES:
        for name, text in inputs(size).items():
            row = [name, f"{len(text.encode()) / 1000:.0f} KB"]
            for _, revision in engines:
                seconds = timed(revision, text)
                row.append(f"> {LIMIT:.0f} s" if seconds is None else f"{seconds:.2f} s")
            rows.append(row)
            print(" | ".join(row), flush=True)
    header = ["input", "size", *(label for label, _ in engines)]
    print()
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
