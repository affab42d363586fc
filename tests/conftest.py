import json
from pathlib import Path

import pytest

from partnership.dataset import load_dataset

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "asean-un-2015.json"
SEED = ROOT.parent / "shared" / "seeds" / "000_8eeec6a8314245b6.txt"


def fixture_data() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


@pytest.fixture
def seeded(db):
    """The shipped 2015 release and every record it supports."""
    load_dataset(fixture_data())


@pytest.fixture(scope="session")
def seeded_once(django_db_setup, django_db_blocker):
    """The fixture loaded once for a whole session of read-only tests."""
    with django_db_blocker.unblock():
        load_dataset(fixture_data())


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache: rolled-back rows must not be served from an earlier test's cache."""
    from django.core.cache import cache

    cache.clear()
    yield
