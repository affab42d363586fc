"""Peak memory of the streamed meetings CSV export (or the full dataset) at 1,000 and 100,000 rows.

Run on PostgreSQL (server-side cursors are what keep .iterator() flat there):

    DATABASE_URL=postgres://root@127.0.0.1:5432/partnership .venv/bin/python bench/export_memory.py
    BENCH_EXPORT=dataset DATABASE_URL=... .venv/bin/python bench/export_memory.py   # /export/dataset.json

It creates a throwaway test database (test_<name>), fills it with public meetings,
each with a participant, two organisations and two areas, streams the CSV export
through the real view, and prints peak traced memory (tracemalloc) for each size and
their ratio. Streaming is flat when the ratio stays near 1 while rows grow 100×.
Times are under tracemalloc, which slows Python several times over.
"""

import datetime
import os
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnership.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", "1000,100000").split(",")]
EXPORT = os.environ.get("BENCH_EXPORT", "csv")
BATCH = 5000


def fill(total: int) -> None:
    """Add public meetings until there are `total`."""
    from partnership.models import (
        CooperationArea,
        Meeting,
        MeetingArea,
        MeetingOrganisation,
        Official,
        Organisation,
        Participation,
        PressRelease,
        ReleaseStatus,
    )

    publisher, _ = Organisation.objects.get_or_create(slug="bench-asean", defaults={"name": "ASEAN Secretariat"})
    other, _ = Organisation.objects.get_or_create(slug="bench-un", defaults={"name": "United Nations"})
    release, _ = PressRelease.objects.get_or_create(
        slug="bench-release",
        defaults={
            "title": "Bench release",
            "publisher": publisher,
            "dateline_place": "Hà Nội",
            "date": datetime.date(2020, 1, 1),
            "body": "One.\n\nTwo.",
            "status": ReleaseStatus.PUBLISHED,
        },
    )
    official, _ = Official.objects.get_or_create(slug="bench-official", defaults={"name": "Miroslav Jenča"})
    areas = [
        CooperationArea.objects.get_or_create(slug=f"bench-area-{n}", defaults={"name": f"Sécurité {n}"})[0]
        for n in range(2)
    ]
    start = Meeting.objects.count()
    for offset in range(start, total, BATCH):
        meetings = Meeting.objects.bulk_create(
            Meeting(
                title=f"Réunion n° {n} — coopération ASEAN–ONU",
                slug=f"bench-meeting-{n}",
                date=datetime.date(2000 + n % 25, 1 + n % 12, 1 + n % 28),
                venue="ASEAN Secretariat",
                city="Jakarta",
                summary="Discussed cooperation on disaster management and the Sustainable Development Goals. " * 3,
                source=release,
                source_paragraph=1,
            )
            for n in range(offset, min(offset + BATCH, total))
        )
        Participation.objects.bulk_create(Participation(meeting=m, official=official, role="host") for m in meetings)
        MeetingOrganisation.objects.bulk_create(
            MeetingOrganisation(meeting=m, organisation=o) for m in meetings for o in (publisher, other)
        )
        MeetingArea.objects.bulk_create(MeetingArea(meeting=m, area=a) for m in meetings for a in areas)


def _export(query: str = ""):
    """The response of the export measured: the meetings CSV, or the whole public dataset."""
    from partnership.exports import dataset_download, export_csv

    if EXPORT == "dataset":
        return dataset_download(RequestFactory().get("/export/dataset.json"))
    return export_csv(RequestFactory().get(f"/export/meetings.csv{query}"), kind="meetings")


def measure() -> tuple[int, int, float, int]:
    """Stream the whole export; return (lines, bytes, seconds, peak traced bytes)."""
    # Warm up first (imports, URL resolver, FilterSet classes), so the peak is the export's own.
    for _ in _export("?year=1").streaming_content:
        pass
    tracemalloc.start()
    began = time.perf_counter()
    response = _export()
    size = lines = 0
    for chunk in response.streaming_content:
        size += len(chunk)
        lines += chunk.count(b"\n")
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return lines - 1, size, elapsed, peak


def main() -> None:
    setup_test_environment()
    # As in production: with DEBUG on, Django keeps every query's SQL, which would grow with the rows.
    settings.DEBUG = False
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    print(f"database: {connection.vendor} ({name})")
    try:
        peaks = {}
        for size in SIZES:
            fill(size)
            rows, nbytes, seconds, peak = measure()
            peaks[size] = peak
            print(
                f"{size:>7} meetings  {rows:>7} lines  {nbytes / 1e6:7.1f} MB of {EXPORT}"
                f"  {seconds:6.1f} s  peak {peak / 1e6:6.2f} MB"
            )
        smallest, largest = SIZES[0], SIZES[-1]
        print(f"peak memory ratio {largest:,} / {smallest:,} rows: {peaks[largest] / peaks[smallest]:.2f}")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
