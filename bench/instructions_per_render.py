"""Instructions per first render, for two checkouts: the work a render costs the worker's process,
counted by callgrind, which the machine's load does not change.

    .venv/bin/python bench/instructions_per_render.py before=/path/to/other/checkout after=.

On this kind of machine the same code's first renders ran a third faster or slower from one run
to the next (an area's list in one year: 23-35 ms median, in-process), more than a change of a
tenth in their cost. Counting instructions takes that away. Each checkout renders, in-process
through the whole middleware stack under `valgrind --tool=callgrind`, WARM long-tail URLs and
then RENDERS more, each asked for once (first renders, as the long tail asks for them; no page
kept whole, the cache of parts kept between URLs as in production); and, in a second process, the
WARM URLs alone. The difference over RENDERS is what one first render costs. Each checkout has its
own Redis database (two processes sharing one would serve each other's parts), hash seeds are
fixed and the garbage collector is off while rendering, so the count repeats. The two checkouts
run side by side, each on a core. PostgreSQL's work is not counted (bench/cpu_per_page.py measures
it). The database is the one `make bench` seeded; the URLs are the long tail's lists of an area in
one year (bench/work/mix-long-tail.txt, written by `make bench`), 61 % of it. Nothing here asserts.

Settings (environment): WARM (20), RENDERS (60), INSTRUCTIONS_MATCH (a regular expression for the
URLs, default an area's list in one year), and bench/run.py's BENCH_*. About 4 minutes at the
defaults.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

# The checkout measured: its app and its bench/run.py, however old; this file measures both alike.
ROOT = Path(os.environ.get("INSTRUCTIONS_CHECKOUT", Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402 - needs ROOT on the path when run as a script

WARM = int(os.environ.get("WARM", "20"))
RENDERS = int(os.environ.get("RENDERS", "60"))
MATCH = os.environ.get("INSTRUCTIONS_MATCH", r"^/meetings/\?area=[^&]+&year=\d+$")
URLS = Path(__file__).resolve().parent / "work" / "mix-long-tail.txt"
REDIS_DATABASES = (7, 8)  # one per checkout, apart from the app's own


def render(count: int) -> None:
    """In the checkout this runs from: the first `count` matching URLs, each once."""
    import gc

    os.environ["PAGE_CACHE"] = "false"
    run.setup_django()
    from django.core.cache import cache
    from django.test import Client

    paths = [line.strip() for line in URLS.read_text().splitlines() if re.search(MATCH, line.strip())][:count]
    if len(paths) < count:
        raise SystemExit(f"{URLS} has {len(paths)} URLs matching {MATCH}, fewer than {count}.")
    cache.clear()
    gc.collect()
    gc.disable()  # a collection falls wherever the allocations take it: a count that would not repeat
    client = Client()
    for path in paths:
        response = client.get(path)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")


def counted(checkout: Path, count: int, redis_database: int) -> subprocess.Popen:
    """callgrind over a process of checkout rendering `count` URLs; its output names the total."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--callgrind-out-file=/dev/null",
        run.PYTHON,
        str(Path(__file__).resolve()),
        "--render",
        str(count),
    ]
    environment = {
        **os.environ,
        "INSTRUCTIONS_CHECKOUT": str(checkout),
        "BENCH_REDIS_URL": f"redis://127.0.0.1:6379/{redis_database}",
        "PYTHONHASHSEED": "0",
    }
    return subprocess.Popen(
        command, cwd=checkout, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def total(process: subprocess.Popen) -> int:
    out, err = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"callgrind run failed:\n{out}\n{err[-2000:]}")
    found = re.search(r"I\s+refs:\s+([\d,]+)", err)
    if found is None:
        raise SystemExit(f"no instruction count in callgrind's output:\n{err[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main(arguments: list[str]) -> None:
    if arguments[:1] == ["--render"]:
        render(int(arguments[1]))
        return
    checkouts = [(name, Path(path).resolve()) for name, path in (a.split("=", 1) for a in arguments if "=" in a)]
    if len(checkouts) != 2:
        raise SystemExit(__doc__)
    totals = {}
    for count in (WARM, WARM + RENDERS):
        running = [
            (name, counted(checkout, count, database))
            for (name, checkout), database in zip(checkouts, REDIS_DATABASES, strict=True)
        ]
        for name, process in running:
            totals[name, count] = total(process)
    for name, _checkout in checkouts:
        each = (totals[name, WARM + RENDERS] - totals[name, WARM]) / RENDERS
        print(f"{name}: {each / 1e6:.1f} million instructions per first render ({RENDERS} URLs after {WARM})")


if __name__ == "__main__":
    main(sys.argv[1:])
