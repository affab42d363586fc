import pytest

from bench.synthetic import Scale, SeedError, seed
from partnership.models import (
    CooperationArea,
    Meeting,
    MeetingArea,
    Official,
    Participation,
    PressRelease,
    ReleaseStatus,
)

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(
            Meeting.objects.order_by("pk").values_list("pk", "title", "slug", "date", "source_id", "source_paragraph")
        ),
        list(Participation.objects.order_by("pk").values_list("meeting_id", "official_id", "post_id")),
        list(MeetingArea.objects.order_by("pk").values_list("meeting_id", "area_id")),
        list(Official.objects.order_by("pk").values_list("name", "slug")),
    )


def test_the_same_seed_gives_the_same_data():
    seed(meetings=120, seed=7)
    first = snapshot()
    seed(meetings=120, seed=7, replace=True)
    assert snapshot() == first
    seed(meetings=120, seed=8, replace=True)
    assert snapshot() != first


def test_records_are_proportional_to_the_meetings():
    seed(meetings=400)
    scale = Scale(400)
    assert Meeting.objects.count() == 400
    assert Official.objects.count() == scale.officials
    assert PressRelease.objects.count() == 100
    assert CooperationArea.objects.filter(parent__isnull=False).count() == scale.areas
    assert 2 * 400 <= Participation.objects.count() <= 4 * 400
    assert Scale(200_000).officials == 10_000


def test_every_link_cites_a_paragraph_its_release_has():
    """Provenance holds: the cited paragraph exists in the cited release, as clean() requires."""
    seed(meetings=50)
    for meeting in Meeting.objects.select_related("source"):
        assert 1 <= meeting.source_paragraph <= len(meeting.source.paragraphs())
        meeting.full_clean()
    assert PressRelease.objects.filter(status=ReleaseStatus.PUBLISHED).exists()


def test_names_keep_their_diacritics():
    seed(meetings=400)
    names = " ".join(Official.objects.values_list("name", flat=True))
    assert any(letter in names for letter in "ăâđêôơưčšžłøü")


def test_new_records_after_seeding_get_fresh_keys():
    """Sequences are moved past the explicit keys the generator wrote."""
    seed(meetings=20)
    official = Official.objects.create(name="Someone New")
    assert official.pk == Official.objects.order_by("pk").last().pk


def test_it_refuses_to_add_to_existing_meetings():
    seed(meetings=10)
    with pytest.raises(SeedError, match="--replace"):
        seed(meetings=10)
