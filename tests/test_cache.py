import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from partnership import cache as partnership_cache
from partnership import views

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


def test_the_baseline_view_needs_no_database():
    """The benchmark's ceiling view touches neither the database nor a template."""
    response = views.baseline(RequestFactory().get("/bench/baseline/"))
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_pages_are_cached_for_anonymous_visitors_only(client, django_user_model, django_assert_num_queries):
    """A second anonymous visit reads nothing from the database; a signed-in editor gets a freshly rendered
    home page (the lists, the same for everyone, are read from the cache: tests/test_lists.py)."""
    factories.meeting(title="Meeting on haze")
    assert client.get("/").status_code == 200
    with django_assert_num_queries(0):
        assert "Meeting on haze" in client.get("/").text
    client.force_login(django_user_model.objects.create_user("editor", password="pw"))
    with CaptureQueriesContext(connection) as queries:
        assert "Meeting on haze" in client.get("/").text
    assert [query for query in queries if "partnership_meeting" in query["sql"]]


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
