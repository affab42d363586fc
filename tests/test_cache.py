import contextlib
import datetime
import threading
import time

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from partnership import cache as partnership_cache
from partnership import views
from partnership.models import Official

from . import factories


@pytest.mark.django_db(transaction=True)
def test_a_save_moves_the_generation_on():
    """A cached value is not read again after any knowledge-base record is saved."""
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert partnership_cache.cached("count", compute) == 1
    assert partnership_cache.cached("count", compute) == 1
    factories.area(name="Disaster management")
    assert partnership_cache.cached("count", compute) == 2


@pytest.mark.django_db(transaction=True)
def test_a_delete_moves_the_generation_on():
    area = factories.area(name="Peacekeeping")
    before = partnership_cache.generation()
    area.delete()
    assert partnership_cache.generation() > before


def test_a_value_another_worker_is_computing_is_waited_for_not_computed_twice():
    """The first requests after a save miss the same list in several workers: one computes it."""
    computed, got = [], []
    started = threading.Event()

    def slow():
        computed.append("first worker")
        started.set()
        time.sleep(0.3)
        return "the list"

    first = threading.Thread(target=lambda: got.append(partnership_cache.cached("stampede", slow)))
    first.start()
    started.wait()
    second = partnership_cache.cached("stampede", lambda: computed.append("second worker") or "computed again")
    first.join()
    assert second == got[0] == "the list"
    assert computed == ["first worker"]


def test_a_worker_failing_while_computing_leaves_the_others_to_compute_it_at_once():
    started = threading.Event()

    def failing():
        started.set()
        time.sleep(0.2)
        raise RuntimeError("the database went away")

    def first_worker():
        with contextlib.suppress(RuntimeError):
            partnership_cache.cached("failing", failing)

    first = threading.Thread(target=first_worker)
    first.start()
    started.wait()
    began = time.monotonic()
    assert partnership_cache.cached("failing", lambda: "computed here") == "computed here"
    assert time.monotonic() - began < partnership_cache.COMPUTING_WAIT
    first.join()


def test_the_baseline_view_needs_no_database():
    """The benchmark's ceiling view touches neither the database nor a template."""
    response = views.baseline(RequestFactory().get("/bench/baseline/"))
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_pages_are_cached_for_anonymous_visitors_only(client, django_user_model, django_assert_num_queries):
    """A second anonymous visit reads nothing from the database; a signed-in editor gets a freshly rendered
    about page (the lists and the home page, the same for everyone, are read from the cache)."""
    factories.meeting(title="Meeting on haze")
    assert client.get("/about/").status_code == 200
    with django_assert_num_queries(0):
        assert client.get("/about/").status_code == 200
    client.force_login(django_user_model.objects.create_user("editor", password="pw"))
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/about/").status_code == 200
    assert queries


@contextlib.contextmanager
def cache_round_trips():
    """The names of the cache operations made in the block, each one round trip to a shared cache."""
    backend, calls, depth = caches["default"], [], [0]
    names = ("get", "get_many", "set", "set_many", "add", "delete", "delete_many", "incr")
    for name in names:
        original = getattr(backend, name)

        def counted(*args, _name=name, _original=original, **kwargs):
            if not depth[0]:  # a backend's get_many may call its own get: one operation
                calls.append(_name)
            depth[0] += 1
            try:
                return _original(*args, **kwargs)
            finally:
                depth[0] -= 1

        setattr(backend, name, counted)
    try:
        yield calls
    finally:
        for name in names:
            delattr(backend, name)


@pytest.mark.django_db
def test_a_kept_page_is_read_with_its_generation_in_one_round_trip_and_another_workers_save_is_seen(client):
    """The hit of every page kept under the generation: one read, not the generation and then the page.
    The generation read with it is a guess from this process's last request; another worker's save
    moves it on without this process knowing, and the next request renders the page again."""
    official = factories.official(name="Kao Kim Hourn")
    assert "Kao Kim Hourn" in client.get("/officials/").text
    with cache_round_trips() as calls:
        assert "Kao Kim Hourn" in client.get("/officials/").text
    assert calls == ["get_many"]
    # Another worker's save: the row written, the generation moved, nothing in this process told.
    Official.objects.filter(pk=official.pk).update(name="Dr. Kao Kim Hourn")
    caches["default"].incr(partnership_cache.GENERATION_KEY)
    assert "Dr. Kao Kim Hourn" in client.get("/officials/").text


@pytest.mark.django_db
def test_the_home_page_is_kept_until_its_facts_or_the_meetings_it_shows_change(client, django_user_model):
    """Served to visitors and editors alike without a database read; a new title of a meeting it shows,
    or a new meeting, is there on the next request, a corrected summary of one it does not show is not
    a reason to render it again."""
    factories.area(name="Haze")
    older = factories.meeting(title="An old meeting", date=datetime.date(2001, 1, 1))
    shown = [factories.meeting(title=f"Meeting {n}", date=datetime.date(2015, 6, n)) for n in range(1, 6)]
    editor = Client()
    editor.force_login(django_user_model.objects.create_user("editor", password="pw"))
    assert "Meeting 5" in client.get("/").text
    older.summary = "Corrected."
    older.save()
    for reader in (client, editor):
        with CaptureQueriesContext(connection) as queries:
            assert "Meeting 5" in reader.get("/").text
        assert not [query for query in queries if "partnership_" in query["sql"]]
    shown[0].title = "Meeting on transboundary haze"
    shown[0].save()
    assert "Meeting on transboundary haze" in editor.get("/").text
    factories.meeting(title="The newest meeting", date=datetime.date(2016, 1, 1))
    assert "The newest meeting" in client.get("/").text


@pytest.mark.django_db
def test_the_home_page_tree_does_not_say_an_area_has_no_meetings(client, seeded):
    """The tree on the home page lists the areas without counts (the areas page counts them)."""
    text = client.get("/").text
    assert "no meetings yet" not in text
    assert 'href="/areas/' in text


@pytest.mark.django_db
def test_error_pages_are_not_cached(client):
    """Only 200 answers are stored (local-memory cache, as in the tests)."""
    assert client.get("/meetings/?page=0").status_code == 400
    assert client.get("/meetings/?page=0").status_code == 400
    assert not _page_keys()


def _page_keys():
    from django.core.cache import cache

    store = getattr(cache, "_cache", {})
    return [key for key in store if ":page:" in str(key)]
