"""Record pages cached by version, across real processes: gunicorn's workers and a second Python
process that writes, sharing only the database and its cache table (tests/server.py)."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from .server import ProductionServer

pytestmark = pytest.mark.subprocess

MEETING = "/meetings/2015-06-26-jenca-le-luong-minh/"
OFFICIAL = "/officials/miroslav-jenca/"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = ProductionServer(tmp_path_factory.mktemp("server"), workers=4)
    try:
        yield running.start()
    finally:
        running.stop()


def many(server, path: str, count: int = 24):
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda _: server.get(path), range(count)))


def write(server, code: str) -> None:
    """Run code in another Python process (manage.py shell): its signals reach the workers only through the cache."""
    server.manage("shell", "-c", f"from partnership.models import *\nfrom partnership import services\n{code}")


def test_a_rename_in_another_process_is_on_every_workers_page_at_the_next_request(server):
    before = server.from_several_workers(MEETING, lambda: many(server, MEETING))
    assert all(r.status_code == 200 and "Miroslav Jenča" in r.text for r in before)
    assert len(server.worker_pids(MEETING)) >= 2, "the page was not cached by several workers"
    write(server, "o = Official.objects.get(slug='miroslav-jenca'); o.name = 'Miroslav Jenca Renamed'; o.save()")
    after = many(server, MEETING)
    assert all(r.status_code == 200 and "Miroslav Jenca Renamed" in r.text for r in after)


def test_an_unpublished_release_takes_its_facts_off_every_workers_pages(server):
    assert all(r.status_code == 200 and MEETING in r.text for r in many(server, OFFICIAL))
    write(
        server,
        "services.releases_set_status(releases=PressRelease.objects.all(), status=ReleaseStatus.DRAFT)",
    )
    assert {r.status_code for r in many(server, MEETING)} == {404}
    official = many(server, OFFICIAL)
    assert all(r.status_code == 200 and MEETING not in r.text for r in official)
