import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnership.models import MeetingArea, Participation, Post
from partnership.names import name_key

from . import factories

pytestmark = pytest.mark.django_db


def test_name_keys_ignore_accents_case_and_punctuation():
    assert name_key("Jenča") == name_key("Jenca") == name_key("JENCA")
    assert name_key("Lê Lương Minh") == name_key("Le Luong Minh")
    assert name_key("Political-Security") == "political security"


def test_slugs_are_made_from_names_and_kept_unique():
    first = factories.official(name="Miroslav Jenča")
    second = factories.official(name="Miroslav Jenca")
    assert first.slug == "miroslav-jenca"
    assert second.slug == "miroslav-jenca-2"


def test_a_post_cannot_end_before_it_starts_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.post(start_date=datetime.date(2015, 5, 1), end_date=datetime.date(2014, 1, 1))


def test_a_post_ending_before_it_starts_gets_a_readable_error_on_clean():
    post = Post(
        official=factories.official(),
        organisation=factories.organisation(),
        title="Envoy",
        start_date=datetime.date(2015, 5, 1),
        end_date=datetime.date(2014, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        post.full_clean()
    assert "end before it starts" in str(error.value)


def test_a_month_precise_date_must_be_the_first_of_the_month():
    post = Post(
        official=factories.official(),
        organisation=factories.organisation(),
        title="Envoy",
        start_date=datetime.date(2015, 5, 14),
        start_precision="month",
    )
    with pytest.raises(ValidationError) as error:
        post.full_clean()
    assert "start_date" in error.value.message_dict


def test_an_official_takes_part_in_a_meeting_once():
    meeting, official = factories.meeting(), factories.official()
    Participation.objects.create(meeting=meeting, official=official)
    duplicate = Participation(meeting=meeting, official=official)
    with pytest.raises(ValidationError, match="already a participant"):
        duplicate.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_an_area_is_linked_to_a_meeting_once():
    meeting, area = factories.meeting(), factories.area()
    MeetingArea.objects.create(meeting=meeting, area=area)
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingArea.objects.create(meeting=meeting, area=area)


def test_a_source_needs_a_paragraph_and_a_paragraph_a_source():
    release = factories.release()
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.meeting(source=release, source_paragraph=None)


def test_a_cited_paragraph_must_exist_in_the_release():
    release = factories.release(body="One.\n\nTwo.")
    participation = Participation(
        meeting=factories.meeting(), official=factories.official(), source=release, source_paragraph=3
    )
    with pytest.raises(ValidationError, match="has 2 paragraphs"):
        participation.full_clean()


def test_an_area_cannot_sit_inside_itself():
    pillar = factories.area(name="Pillar")
    child = factories.area(name="Child", parent=pillar)
    pillar.parent = child
    with pytest.raises(ValidationError, match="inside itself"):
        pillar.full_clean()


def test_descendant_ids_walk_the_whole_tree():
    pillar = factories.area()
    middle = factories.area(parent=pillar)
    leaf = factories.area(parent=middle)
    factories.area()
    from partnership.models import CooperationArea

    assert CooperationArea.objects.descendant_ids([pillar]) == {pillar.pk, middle.pk, leaf.pk}


def test_drafts_hide_their_meetings_from_the_public():
    draft = factories.release(status="draft")
    hidden = factories.meeting(source=draft)
    shown = factories.meeting()
    from partnership.models import Meeting

    assert set(Meeting.objects.public()) == {shown}
    assert hidden not in Meeting.objects.public()


def test_every_record_has_a_page_url():
    meeting = factories.meeting()
    assert meeting.get_absolute_url() == f"/meetings/{meeting.slug}/"
    assert meeting.source.paragraph_url(2) == f"/releases/{meeting.source.slug}/#p2"
