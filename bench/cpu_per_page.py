"""CPU per rendered page, for two checkouts alternated: what a render costs the worker and its
PostgreSQL backend, whatever else the machine is doing.

    .venv/bin/python bench/cpu_per_page.py before=/path/to/other/checkout after=. [PATH ...]

On a machine shared with other work, throughput and latency move with the neighbours (B, the
bare view, moved from 831 to 1,522 req/s within one side-by-side run): a change of a tenth in a
page's cost does not show. CPU time moves far less. Each checkout in turn (ROUNDS rounds,
alternating) renders each path RENDERS times in a fresh process of its own, in-process through
the whole middleware stack, with no page kept whole (PAGE_CACHE=false, as the benchmark's
*rendered* phase), after 20 renders to warm the process, its connection's prepared statements and
the cache of parts. Prints, per path, the process's CPU and its PostgreSQL backend's (from
/proc, so on the same machine as the database) per render, and the wall time. The database is
the one `make bench` seeded; the paths default to the benchmark's typical meeting and busiest
official. Nothing here asserts.

Settings (environment): ROUNDS (2), RENDERS (300), and bench/run.py's BENCH_*.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

# The checkout measured: its app and its bench/run.py, however old; this file measures both alike.
ROOT = Path(os.environ.get("CPU_PER_PAGE_CHECKOUT", Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402 - needs ROOT on the path when run as a script

ROUNDS = int(os.environ.get("ROUNDS", "2"))
RENDERS = int(os.environ.get("RENDERS", "300"))
WARM_UP = 20


def measure(paths: list[str]) -> None:
    """In the checkout this runs from: one JSON line per path."""
    os.environ["PAGE_CACHE"] = "false"
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/6")
    run.setup_django()
    from django.db import connection
    from django.test import Client

    client = Client()
    for path in paths:
        for _ in range(WARM_UP):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code}")
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            (backend,) = cursor.fetchone()
        started = time.process_time(), backend_cpu(backend), time.perf_counter()
        for _ in range(RENDERS):
            client.get(path)
        ended = time.process_time(), backend_cpu(backend), time.perf_counter()
        app, database, wall = (1000 * (end - start) / RENDERS for start, end in zip(started, ended, strict=True))
        print(json.dumps({"path": path, "app": app, "database": database, "wall": wall}), flush=True)


def backend_cpu(pid: int) -> float:
    """Seconds of CPU a PostgreSQL backend has used (user and system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def default_paths() -> list[str]:
    run.setup_django()
    targets = run.choose_targets()
    return [targets["meeting"].get_absolute_url(), targets["busiest_official"].get_absolute_url()]


def main(arguments: list[str]) -> None:
    if arguments[:1] == ["--measure"]:
        measure(arguments[1:])
        return
    checkouts = [(name, Path(path).resolve()) for name, path in (a.split("=", 1) for a in arguments if "=" in a)]
    paths = [a for a in arguments if "=" not in a] or default_paths()
    if len(checkouts) != 2:
        raise SystemExit(__doc__)
    for round_number in range(1, ROUNDS + 1):
        shift = round_number % 2  # each checkout goes first in turn
        for name, checkout in checkouts[shift:] + checkouts[:shift]:
            command = [run.PYTHON, str(Path(__file__).resolve()), "--measure", *paths]
            environment = {**os.environ, "CPU_PER_PAGE_CHECKOUT": str(checkout)}
            done = subprocess.run(command, cwd=checkout, env=environment, capture_output=True, text=True, check=True)
            for line in done.stdout.splitlines():
                found = json.loads(line)
                print(
                    f"round {round_number} {name}: {found['path']}: app {found['app']:.2f} ms, "
                    f"database {found['database']:.2f} ms, both {found['app'] + found['database']:.2f} ms "
                    f"CPU a render; wall {found['wall']:.2f} ms",
                    flush=True,
                )


if __name__ == "__main__":
    main(sys.argv[1:])
