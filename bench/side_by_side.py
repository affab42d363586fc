"""Two checkouts of the app measured side by side on the benchmark's database, in one run.

    .venv/bin/python bench/side_by_side.py before=/path/to/other/checkout after=.

Each checkout in turn (ROUNDS rounds, alternating) is served by its own gunicorn in the
production configuration, with the shared cache emptied first, and driven by wrk over the
benchmark's long tail (bench/work/mix-long-tail.txt, written by `make bench`) for
BENCH_MIX_SECONDS, while an editor saves a meeting through the admin every 5 seconds (none with
SIDE_BY_SIDE_SAVES=0). Within a round both are asked for the same URLs in the same order (wrk's
draw seeded with the round's number): a rare slow page drawn for one is drawn for the other.
The database must be the one `make bench` seeded, at its migration state for both checkouts.
Prints one line per run; it measures and reports, it asserts nothing.

With SIDE_BY_SIDE=rendered, each checkout is instead served with PAGE_CACHE=false (no page kept
whole) and wrk drives, for BENCH_SECONDS each, the benchmark's B (the bare view), then its record
pages and lists one at a time: every page rendered on every request, as the benchmark's
*rendered* phase does, each as a ratio to the same server's B.

With SIDE_BY_SIDE=first, each checkout (production configuration, the shared cache emptied, its
workers warmed on the home page and the unfiltered list) is asked for the same FIRST_RENDERS URLs
drawn from the long tail, one at a time: each one's first render through the whole stack, with
no other request competing for the CPU. Prints, per kind of URL, the median and the 95th
percentile of the times, and the same over the whole draw.

With SIDE_BY_SIDE_WARM=1 (mix and first), the database's tables and indexes are read into the
operating system's page cache before each checkout's run and every 15 s during it (bench/run.py's
kept_in_page_cache):
on a host that reclaims its page cache within minutes, the disk otherwise decides the long tail's
latencies, and which checkout it falls on.

Settings (environment): SIDE_BY_SIDE (mix, rendered or first), ROUNDS (2), SIDE_BY_SIDE_SAVES (1),
SIDE_BY_SIDE_WARM (0), FIRST_RENDERS (400), and bench/run.py's BENCH_*.
"""

import contextlib
import http.client
import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import mix, run  # noqa: E402 - needs ROOT on the path when run as a script

MODE = os.environ.get("SIDE_BY_SIDE", "mix")
ROUNDS = int(os.environ.get("ROUNDS", "2"))
SAVES = os.environ.get("SIDE_BY_SIDE_SAVES", "1") != "0"
FIRST_RENDERS = int(os.environ.get("FIRST_RENDERS", "400"))
WARM = os.environ.get("SIDE_BY_SIDE_WARM", "0") == "1"


def warm():
    """With SIDE_BY_SIDE_WARM=1, the database kept in the page cache during each checkout's run."""
    return run.kept_in_page_cache() if WARM else contextlib.nullcontext()


def serve(checkout: Path, **extra_env: str) -> subprocess.Popen:
    """gunicorn for checkout, on the benchmark's port, with the benchmark's environment."""
    if not run.port_free(run.PORT):
        raise SystemExit(f"port {run.PORT} is taken: set BENCH_PORT to a free one")
    args = [str(Path(run.PYTHON).parent / "gunicorn"), "partnership.wsgi", "--bind", f"{run.HOST}:{run.PORT}"]
    args += ["--workers", str(run.WORKERS), "--config", str(checkout / "gunicorn.conf.py")]
    log = open(run.WORK / f"side-by-side-{checkout.name}.log", "a")  # noqa: SIM115 - lives as long as the server
    app = subprocess.Popen(args, cwd=checkout, env={**os.environ, **run.APP_ENV, **extra_env}, stdout=log, stderr=log)
    run.wait_for(run.PORT, "/bench/baseline/")
    return app


def _in_turn(checkouts: list[tuple[str, Path]], round_number: int) -> list[tuple[str, Path]]:
    """The checkouts in this round's order: each goes first in turn, so whatever the order does
    (the machine's drift within a round, a server started just after another stopped) falls on
    both alike."""
    shift = round_number % len(checkouts)
    return checkouts[shift:] + checkouts[:shift]


def rendered(checkouts: list[tuple[str, Path]]) -> None:
    """Each checkout's pages rendered on every request, as ratios to its own B, round by round."""
    from django.test import Client

    pages = run.pages(run.choose_targets(), Client())
    rendered_pages = [(label, path) for label, path in pages if not path.startswith("/bench/")]
    base = f"http://{run.HOST}:{run.PORT}"
    for round_number in range(ROUNDS):
        for label, checkout in _in_turn(checkouts, round_number):
            app = serve(checkout, PAGE_CACHE="false")
            try:
                b = run.wrk(f"{base}/bench/baseline/")["rps"]
                print(f"round {round_number + 1} {label}: B {b:.0f} req/s", flush=True)
                for page, path in rendered_pages:
                    data = run.wrk(base + path)
                    print(
                        f"round {round_number + 1} {label}: {page}: {data['rps']:.0f} req/s, "
                        f"{data['rps'] / b:.3f} x B, p95 {data['p95_us'] / 1000:.0f} ms, non-2xx {data['non2xx']}",
                        flush=True,
                    )
            finally:
                run.stop(app)


def kind_of(path: str) -> str:
    """A URL's kind: its first path segment, and the names of its parameters ("meetings?area&year")."""
    route, _, query = path.partition("?")
    names = sorted({pair.partition("=")[0] for pair in query.split("&") if pair})
    return route.strip("/").split("/")[0] + (f"?{'&'.join(names)}" if names else "")


def first_renders(checkouts: list[tuple[str, Path]], paths: list[str]) -> None:
    """Each checkout's first render of the same long-tail URLs, one at a time, per kind of URL."""
    from django.core.cache import cache

    for round_number in range(ROUNDS):
        sample = random.Random(round_number + 1).sample(paths, min(FIRST_RENDERS, len(paths)))
        for label, checkout in _in_turn(checkouts, round_number):
            cache.clear()
            app = serve(checkout)
            connection = http.client.HTTPConnection(run.HOST, run.PORT, timeout=60)
            times: dict[str, list[float]] = defaultdict(list)
            try:
                with warm():
                    for path in ["/", "/meetings/"] * run.WORKERS:  # every worker past its first request
                        connection.request("GET", path)
                        connection.getresponse().read()
                    for path in sample:
                        started = time.perf_counter()
                        connection.request("GET", path)
                        response = connection.getresponse()
                        response.read()
                        times[kind_of(path)].append((time.perf_counter() - started) * 1000)
                        if response.status != 200:
                            print(f"round {round_number + 1} {label}: {path} answered {response.status}", flush=True)
            finally:
                connection.close()
                run.stop(app)
            every = [ms for kind in times.values() for ms in kind]
            for kind, found in [("every URL", every), *sorted(times.items(), key=lambda item: -len(item[1]))]:
                print(
                    f"round {round_number + 1} {label}: {kind}: {len(found)} URLs, "
                    f"median {statistics.median(found):.0f} ms, p95 {_percentile(found, 0.95):.0f} ms",
                    flush=True,
                )


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


def main() -> None:
    checkouts = [(label, Path(path).resolve()) for label, path in (arg.split("=", 1) for arg in sys.argv[1:])]
    paths = run.WORK / "mix-long-tail.txt"
    if len(checkouts) < 2 or (MODE in ("mix", "first") and not paths.exists()):
        raise SystemExit(__doc__)
    run.setup_django()
    if MODE == "rendered":
        rendered(checkouts)
        return
    if MODE == "first":
        first_renders(checkouts, paths.read_text(encoding="utf-8").split())
        return
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from partnership.models import Meeting

    area = run.choose_targets()["area"]
    edited = list(Meeting.objects.public().filter(area_links__area=area).order_by("-date")[:5])
    user = get_user_model().objects.filter(username="bench").first()
    if user is None:
        raise SystemExit("no 'bench' user: run make bench first")
    client = Client()
    client.force_login(user)
    session = client.cookies["sessionid"].value
    lists = ["/meetings/", f"/meetings/?area={area.slug}"]
    for round_number in range(ROUNDS):
        for label, checkout in _in_turn(checkouts, round_number):
            cache.clear()
            app = serve(checkout)
            try:
                editor = mix.Editor(run.HOST, run.PORT, session, [m.pk for m in edited], lists) if SAVES else None
                with warm():
                    data = mix.run_mix(
                        url=f"http://{run.HOST}:{run.PORT}",
                        paths_file=paths,
                        seconds=run.MIX_SECONDS,
                        connections=run.CONNECTIONS,
                        lua=ROOT / "bench" / "wrk_report.lua",
                        editor=editor,
                        seed=round_number + 1,
                    )
            finally:
                run.stop(app)
            saves = f", saves {len(editor.log.saves)} ok / {len(editor.log.failed)} failed" if editor else ""
            print(
                f"round {round_number + 1} {label}: {data['ok_rps']:.0f} req/s, p50 {data['p50_us'] / 1000:.0f} ms, "
                f"p95 {data['p95_us'] / 1000:.0f} ms, p99 {data['p99_us'] / 1000:.0f} ms, "
                f"max {data['max_us'] / 1000:.0f} ms, over 500 ms {data['over_500ms_pct']:.2f} %, "
                f"non-2xx {data['non2xx']}, socket errors {data['socket_errors']}{saves}",
                flush=True,
            )


if __name__ == "__main__":
    main()
