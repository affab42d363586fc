"""The production server with several workers: one cache for all, no scheme spoofing, errors in the log.

Each test runs against gunicorn (four workers, DEBUG off, plain HTTP as in the local
rehearsal) on its own SQLite file, never an in-process client: a per-worker cache or a
trusted forwarded header only shows with real processes.
"""

from concurrent.futures import ThreadPoolExecutor

import pytest

from .server import SUPERUSER, ProductionServer

pytestmark = pytest.mark.subprocess

RELEASE = "/releases/2015-06-30-un-and-asean-to-strengthen-cooperation/"
TEXT = "The UN and ASEAN will continue to strengthen cooperation"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = ProductionServer(tmp_path_factory.mktemp("server"), workers=4, API_THROTTLE_ANON="20/minute")
    try:
        yield running.start()
    finally:
        running.stop()


def many(server, path: str, count: int = 40, **kwargs):
    """count GETs, four at a time, each on a new connection so the workers share them."""
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda _: server.get(path, **kwargs), range(count)))


def test_the_production_cache_is_the_database_shared_by_every_worker(server):
    assert server.sql("SELECT name FROM sqlite_master WHERE name = 'partnership_cache'")
    many(server, RELEASE, 8)
    assert server.sql("SELECT COUNT(*) FROM partnership_cache")[0][0] > 0


def test_an_unpublished_release_is_gone_from_every_worker_on_the_next_request(server):
    pages = server.from_several_workers(RELEASE, lambda: many(server, RELEASE))
    assert all(r.status_code == 200 and TEXT in r.text for r in pages)
    assert len(server.worker_pids(RELEASE)) >= 2, "the page was not cached by several workers"
    (pk,) = server.sql("SELECT id FROM partnership_pressrelease")[0]
    editor = server.login(*SUPERUSER).session
    response = editor.post(
        server.url("/admin/partnership/pressrelease/"),
        data={
            "action": "unpublish",
            "_selected_action": pk,
            "index": 0,
            "csrfmiddlewaretoken": editor.cookies["csrftoken"],
        },
        headers={"Referer": server.url("/admin/partnership/pressrelease/")},
        allow_redirects=False,
    )
    assert response.status_code == 302
    assert server.sql("SELECT status FROM partnership_pressrelease") == [("draft",)]
    after = many(server, RELEASE)
    assert [r.status_code for r in after] == [404] * len(after)
    assert not any(TEXT in r.text for r in after)


def test_the_api_throttle_is_one_budget_for_every_worker(server):
    """20 a minute for the one client, however many workers share its requests: once it is spent,
    every worker refuses, asked until at least two have answered (a busy machine can give one
    worker a whole round)."""
    # One at a time: the budget's count is exact only for requests that do not overlap.
    statuses = [server.get("/api/areas/").status_code for _ in range(50)]
    assert statuses.count(200) == 20 and statuses.count(429) == 30
    later = server.from_several_workers("/api/areas/", lambda: many(server, "/api/areas/", 8))
    assert len(server.worker_pids("/api/areas/")) >= 2
    assert [response.status_code for response in later] == [429] * 8


@pytest.mark.parametrize("path", ["/", "/sitemap.xml"])
def test_a_local_client_cannot_make_the_app_claim_https(server, path):
    """SECURE_PROXY_SSL_HEADER is off: a forwarded scheme from 127.0.0.1 is not believed by gunicorn or Django."""
    spoofed = {"X-Forwarded-Proto": "https", "X-Forwarded-Ssl": "on", "Forwarded": "proto=https"}
    response = server.get(path, headers=spoofed)
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers
    assert "https://127.0.0.1" not in response.text
    if path == "/sitemap.xml":
        assert "http://127.0.0.1" in response.text


def test_a_server_error_is_logged_with_its_traceback(server):
    """A broken table makes a 500; its traceback is a JSON line on stderr, not on the page."""
    server.sql("ALTER TABLE partnership_official RENAME TO partnership_official_away")
    try:
        response = server.get("/officials/?broken=1")
    finally:
        server.sql("ALTER TABLE partnership_official_away RENAME TO partnership_official")
    assert response.status_code == 500
    assert "Traceback" not in response.text and "partnership_official" not in response.text
    errors = [e for e in server.json_log() if e["level"] == "ERROR" and e.get("path") == "/officials/"]
    assert errors, server.log()[-3000:]
    assert errors[-1]["logger"] == "django.request" and errors[-1]["status"] == 500
    assert "Traceback (most recent call last)" in errors[-1]["traceback"]
    assert "partnership_official" in errors[-1]["traceback"]


def test_a_lockout_is_logged_as_a_security_event(server):
    for _ in range(5):
        last = server.login("nobody-in-particular", "wrong")
    assert last.status_code == 429
    events = [e for e in server.json_log() if e["logger"].startswith("axes") and "Locking out" in e["message"]]
    assert events and "nobody-in-particular" in events[-1]["message"]
