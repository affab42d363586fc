"""Writes from proposals, merges and status changes (partnership/services.py)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from partnership import models
from partnership.intake import KnownNames, propose
from partnership.services import editor_create, meeting_create_from_proposal, records_merge, releases_set_status

from . import factories
from .test_intake import RELEASE_2015, RELEASE_ESCAP

pytestmark = pytest.mark.django_db

COUNTED = [
    models.Organisation,
    models.Official,
    models.Post,
    models.CooperationArea,
    models.Agreement,
    models.Meeting,
    models.Participation,
    models.MeetingOrganisation,
    models.MeetingArea,
    models.MeetingAgreement,
]


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def editor():
    return get_user_model().objects.create_user("editor", is_staff=True)


def draft(body: str, **values) -> models.PressRelease:
    publisher = values.pop("publisher", None) or models.Organisation.objects.create(name="Press office")
    return factories.release(body=body, publisher=publisher, status=models.ReleaseStatus.DRAFT, **values)


def test_confirming_the_2015_proposal_creates_exactly_the_records(editor):
    release = draft(RELEASE_2015, date=datetime.date(2015, 6, 30))
    proposal = propose(RELEASE_2015, KnownNames.from_database())
    before = counts()
    meeting = meeting_create_from_proposal(release=release, proposal=proposal, user=editor)
    after = counts()
    assert {name: after[name] - before[name] for name in after} == {
        "Organisation": 3,
        "Official": 2,
        "Post": 2,
        "CooperationArea": len([a for a in proposal.areas if a.match is None]),
        "Agreement": len(proposal.agreements),
        "Meeting": 1,
        "Participation": 2,
        "MeetingOrganisation": 3,
        "MeetingArea": len(proposal.areas),
        "MeetingAgreement": len(proposal.agreements),
    }
    assert (meeting.date, meeting.date_precision, meeting.venue, meeting.city) == (
        datetime.date(2015, 6, 26),
        "day",
        "ASEAN Secretariat",
        "Jakarta",
    )
    jenca = meeting.participations.get(official__name="Miroslav Jenča")
    assert jenca.post.title == "Assistant Secretary-General for Political Affairs"
    assert jenca.post.organisation.acronym == "UN"
    assert models.Organisation.objects.get(name="ASEAN Secretariat").parent.acronym == "ASEAN"
    declaration = models.Agreement.objects.get(title__startswith="Joint Declaration")
    assert (declaration.signed_date, declaration.signed_precision) == (datetime.date(2011, 1, 1), "year")


def test_every_link_carries_its_source_paragraph(editor):
    release = draft(RELEASE_2015)
    meeting = meeting_create_from_proposal(release=release, proposal=propose(RELEASE_2015), user=editor)
    links = [
        *meeting.participations.all(),
        *meeting.organisation_links.all(),
        *meeting.area_links.all(),
        *meeting.agreement_links.all(),
    ]
    assert links
    assert all(link.source == release and link.source_paragraph >= 1 for link in links)
    assert meeting.area_links.get(area__name="Maritime security").source_paragraph == 4


def test_a_bad_item_writes_nothing(editor):
    """Confirmation is atomic: one invalid record rolls back the meeting and every other record."""
    release = draft(RELEASE_2015)
    proposal = propose(RELEASE_2015)
    proposal.areas[-1].name = ""
    before = counts()
    with pytest.raises(ValidationError):
        meeting_create_from_proposal(release=release, proposal=proposal, user=editor)
    assert counts() == before


def test_excluded_items_are_not_created(editor):
    release = draft(RELEASE_2015)
    proposal = propose(RELEASE_2015)
    for item in proposal.areas:
        item.include = False
    before = models.CooperationArea.objects.count()
    meeting = meeting_create_from_proposal(release=release, proposal=proposal, user=editor)
    assert models.CooperationArea.objects.count() == before
    assert not meeting.areas.exists()


def test_a_release_gives_one_meeting(editor):
    release = draft(RELEASE_2015)
    meeting_create_from_proposal(release=release, proposal=propose(RELEASE_2015), user=editor)
    before = counts()
    with pytest.raises(ValidationError, match="already has a meeting"):
        meeting_create_from_proposal(release=release, proposal=propose(RELEASE_2015), user=editor)
    assert counts() == before


def test_second_release_links_known_records_and_creates_new_ones(seeded, editor):
    release = draft(RELEASE_ESCAP, publisher=models.Organisation.objects.get(slug="asean-secretariat"))
    proposal = propose(RELEASE_ESCAP, KnownNames.from_database())
    officials_before = models.Official.objects.count()
    meeting = meeting_create_from_proposal(release=release, proposal=proposal, user=editor)
    assert models.Official.objects.count() == officials_before + 3
    assert meeting.participants.filter(slug="le-luong-minh").exists()
    assert models.Official.objects.filter(name="Le Luong Minh").count() == 1
    assert meeting.areas.filter(slug="sustainable-development").exists()
    assert models.Organisation.objects.filter(acronym="ESCAP").count() == 1
    assert meeting.participations.get(official__name="Hongjoo Hahm").post.organisation.acronym == "ESCAP"


def test_created_records_are_in_the_history_with_the_editor(editor):
    release = draft(RELEASE_2015)
    meeting = meeting_create_from_proposal(release=release, proposal=propose(RELEASE_2015), user=editor)
    record = meeting.history.get()
    assert (record.history_type, record.history_user) == ("+", editor)
    assert "From release" in record.history_change_reason


def test_merge_moves_links_and_aliases_and_redirects(seeded, editor, client):
    survivor = models.Official.objects.get(slug="miroslav-jenca")
    duplicate = models.Official.objects.create(name="M. Jenca", aliases=["Jenca, Miroslav"])
    other = factories.meeting()
    models.Participation.objects.create(meeting=other, official=duplicate)
    # Both entries at the 2015 meeting: the duplicate's link is dropped, not doubled.
    meeting_2015 = models.Meeting.objects.get(slug="2015-06-26-jenca-le-luong-minh")
    models.Participation.objects.filter(meeting=meeting_2015, official=survivor).update(official=duplicate)
    models.Participation.objects.create(meeting=meeting_2015, official=survivor)
    old_url = duplicate.get_absolute_url()

    records_merge(survivor=survivor, duplicate=duplicate, user=editor)

    survivor.refresh_from_db()
    assert not models.Official.objects.filter(pk=duplicate.pk).exists()
    assert set(survivor.meetings.values_list("pk", flat=True)) == {other.pk, meeting_2015.pk}
    assert {"M. Jenca", "Jenca, Miroslav"} <= set(survivor.aliases)
    assert survivor.history.first().history_change_reason.startswith("Merged “M. Jenca”")
    assert survivor.history.first().history_user == editor
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == survivor.get_absolute_url()


def test_merge_of_organisations_moves_posts_releases_and_parties(seeded, editor):
    survivor = models.Organisation.objects.get(slug="united-nations")
    duplicate = models.Organisation.objects.create(name="The United Nations (UN)")
    official = factories.official()
    models.Post.objects.create(official=official, organisation=duplicate, title="Envoy")
    release = factories.release(publisher=duplicate)
    agreement = models.Agreement.objects.create(title="Some plan")
    agreement.parties.add(duplicate)
    records_merge(survivor=survivor, duplicate=duplicate, user=editor)
    assert official.posts.get().organisation == survivor
    release.refresh_from_db()
    assert release.publisher == survivor
    assert list(agreement.parties.all()) == [survivor]


def test_merge_refuses_different_kinds(seeded):
    with pytest.raises(ValidationError):
        records_merge(
            survivor=models.Official.objects.first(), duplicate=models.Organisation.objects.first(), user=None
        )


def test_publish_and_unpublish_are_recorded(editor):
    release = draft("Text.")
    assert releases_set_status(releases=[release], status="published", user=editor) == 1
    release.refresh_from_db()
    assert release.is_published
    assert release.history.first().history_user == editor
    assert releases_set_status(releases=[release], status="published", user=editor) == 0


def test_editor_account_gets_the_group_and_a_generated_password():
    user, password = editor_create(username="ana", email="ana@example.org")
    assert user.is_staff and not user.is_superuser
    assert user.groups.filter(name="Editors").exists()
    assert user.check_password(password) and len(password) >= 16
    with pytest.raises(ValidationError):
        editor_create(username="ana")


def test_editors_group_is_restored_with_its_permissions():
    """The migration creates the group; if a database flush removed it, creating an editor restores it."""
    from django.contrib.auth.models import Group

    Group.objects.filter(name="Editors").delete()
    user, _ = editor_create(username="bo")
    assert user.has_perm("partnership.add_pressrelease")
    assert user.has_perm("partnership.delete_participation")
    assert not user.has_perm("partnership.delete_official")


def test_confirming_writes_the_kept_outcomes_and_the_summary_with_their_paragraphs(editor):
    """Outcomes the editor unticked are not written; each written one cites its paragraph."""
    release = draft(RELEASE_2015, date=datetime.date(2015, 6, 30))
    proposal = propose(RELEASE_2015, KnownNames.from_database())
    proposal.outcomes[0].include = False
    kept = proposal.outcomes[1:]
    meeting = meeting_create_from_proposal(release=release, proposal=proposal, user=editor)
    assert meeting.summary == proposal.summary.text
    written = list(meeting.outcomes.order_by("position"))
    assert [(o.kind, o.text, o.source_paragraph) for o in written] == [(o.kind, o.text, o.paragraph) for o in kept]
    assert all(o.source_id == release.pk for o in written)


def test_a_new_area_is_created_under_its_suggested_parent(editor):
    release = draft("JAKARTA, 3 March 2020- The two sides met on 2 March and discussed cooperation in cyber hygiene.")
    proposal = propose(release.body, KnownNames.from_database())
    area = next(a for a in proposal.areas if a.match is None)
    area.suggested_parent = "cybersecurity"
    meeting = meeting_create_from_proposal(release=release, proposal=proposal, user=editor)
    created = meeting.areas.get(name=area.name)
    assert created.parent.slug == "cybersecurity"
