import pytest
from django.test import RequestFactory

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
