"""Every record page of a kind rendered in turn on one warm connection: where one plan cannot serve every record.

    .venv/bin/python bench/warm_connection.py                 # areas, agreements, 300 officials, 300 organisations
    BENCH_PAGES=1000 BENCH_KINDS=cooperationarea,official .venv/bin/python bench/warm_connection.py

A worker's connection prepares a statement after its fifth run, and PostgreSQL may then keep one
generic plan for every value. A record whose best plan differs from the others' pays for that one:
an area's latest meetings read by walking every meeting by date took 2 s for a pillar with no
meeting of its own, once its worker had served ten other areas. Run on the database `make bench`
seeded (BENCH_DB), in-process, PAGE_CACHE=false, the shared cache emptied first, each kind's pages
(the first BENCH_PAGES by primary key) rendered once each in turn, twice: a first pass as a fresh
worker's, then a second pass on the same connection, after every statement has had its chance to be
prepared (the cache emptied again). Prints per kind and pass the median, the 95th percentile and
the slowest page. It measures and reports; it asserts nothing.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import run  # noqa: E402 - needs ROOT on the path when run as a script

PAGES = int(os.environ.get("BENCH_PAGES", "300"))
KINDS = os.environ.get("BENCH_KINDS", "cooperationarea,agreement,official,organisation").split(",")


def main() -> None:
    os.environ["PAGE_CACHE"] = "false"
    run.setup_django()
    from django.core.cache import cache
    from django.test import Client

    from partnership.models import Agreement, CooperationArea, Official, Organisation

    client = Client()
    for path in ["/", "/meetings/"]:  # the connection opened, the process past its first page
        client.get(path)
    for model in (CooperationArea, Agreement, Official, Organisation):
        if model._meta.model_name not in KINDS:
            continue
        paths = [record.get_absolute_url() for record in model.objects.public().order_by("pk")[:PAGES]]
        for label in ("first pass", "second pass"):
            cache.clear()  # each pass a first render of every page, the second on a connection that has prepared
            times = []
            for path in paths:
                started = time.perf_counter()
                response = client.get(path)
                times.append(((time.perf_counter() - started) * 1000, path))
                if response.status_code != 200:
                    print(f"{path} answered {response.status_code}", flush=True)
            ordered = sorted(ms for ms, _ in times)
            slowest_ms, slowest = max(times)
            print(
                f"{model._meta.verbose_name_plural}, {len(paths)} pages, {label}: "
                f"median {statistics.median(ordered):.0f} ms, p95 {ordered[int(len(ordered) * 0.95)]:.0f} ms, "
                f"slowest {slowest_ms:.0f} ms ({slowest})",
                flush=True,
            )


if __name__ == "__main__":
    main()
