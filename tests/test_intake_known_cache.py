"""The Extract screen's gazetteer is built once per state of the knowledge base, not per request.

Building it over tens of thousands of records takes seconds; it is kept per process and read
again only when a record is saved or deleted, or the tables no longer hold what it was built from.
"""

import pytest
from django.core.cache import cache
from django.db import transaction

from partnership.intake import KnownNames, propose
from partnership.models import Official

pytestmark = pytest.mark.django_db

RELEASE = "JAKARTA, 1 March 2019- H.E. Tran Van Binh met ASEAN officials."


def _matched(known: KnownNames) -> str | None:
    official = next(iter(propose(RELEASE, known).officials))
    return official.match.slug if official.match else None


def test_the_same_gazetteer_is_reused_while_nothing_changes(django_assert_max_num_queries):
    first = KnownNames.cached()
    with django_assert_max_num_queries(4):  # the tables' counts and highest ids, nothing rebuilt
        again = KnownNames.cached()
    assert again is first


def test_a_saved_official_is_matched_on_the_next_extraction():
    assert _matched(KnownNames.cached()) is None
    Official.objects.create(name="Tran Van Binh", slug="tran-van-binh")
    assert _matched(KnownNames.cached()) == "tran-van-binh"


def test_a_renamed_official_is_matched_by_the_new_name():
    official = Official.objects.create(name="Tran Van Binn", slug="tran-van-binh")
    assert _matched(KnownNames.cached()) is None
    official.name = "Tran Van Binh"
    official.save()
    assert _matched(KnownNames.cached()) == "tran-van-binh"


def test_rows_a_rollback_removed_are_not_served_after_the_cache_was_flushed():
    """A flushed cache starts the generation again; the table fingerprint still tells the states apart."""
    with transaction.atomic():
        Official.objects.create(name="Tran Van Binh", slug="tran-van-binh")
        cache.clear()
        assert _matched(KnownNames.cached()) == "tran-van-binh"
        transaction.set_rollback(True)
    cache.clear()
    assert _matched(KnownNames.cached()) is None
