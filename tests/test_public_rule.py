"""The one public rule (partnership/models.py), on every surface at once.

A link is public when its own release is published and the records it hangs on are
public; a record first created from a release is public once a published release names
it. The data below builds the cases that used to leak: draft facts on a PUBLISHED meeting,
records created from an embargoed release, a published agreement taking into account a
draft one, filters naming draft records, and a merge into a record only a draft names.
Every surface (pages, search, exports, the dataset, the API, feeds, the sitemap and the
citations on pages) must agree.
"""

import json
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partnership import kinds, selectors
from partnership.intake import KnownNames, propose
from partnership.models import (
    Agreement,
    City,
    CooperationArea,
    Meeting,
    MeetingAgreement,
    MeetingArea,
    MeetingOrganisation,
    Official,
    Organisation,
    Outcome,
    Participation,
    Post,
    PressRelease,
    Relationship,
    ReleaseStatus,
    SlugRedirect,
    Venue,
)
from partnership.services import meeting_create_from_proposal, records_merge, releases_set_status

from . import factories
from .test_intake import RELEASE_ESCAP

MEETING = "2015-06-26-jenca-le-luong-minh"
PLAN = "long-term-plan-for-asean-un-cooperation"
# Every string only a draft holds: none may show on a public surface.
SECRETS = [
    "Embargoed release",
    "Secret Person",
    "secret-person",
    "Secret Org",
    "secret-org",
    "Secret Area",
    "secret-area",
    "Secret Accord",
    "secret-accord",
    "Secret outcome",
    "Secret relationship",
    "Secret post",
    "Unveiled later",
    "Secretville",
    "secretville",
    "Secret Hall",
    "secret-hall",
]


def text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8")


@pytest.fixture
def draft(seeded):
    """An embargoed release whose facts hang on the published 2015 meeting and its records."""
    release = factories.release(status=ReleaseStatus.DRAFT, title="Embargoed release")
    cite = {"source": release, "source_paragraph": 1}
    seen = {"first_seen": release}
    meeting = Meeting.objects.get(slug=MEETING)
    person = Official.objects.create(name="Secret Person", **seen)
    organisation = Organisation.objects.create(name="Secret Org", **seen)
    area = CooperationArea.objects.create(name="Secret Area", **seen)
    accord = Agreement.objects.create(title="Secret Accord", **cite)
    Participation.objects.create(meeting=meeting, official=person, **cite)
    MeetingOrganisation.objects.create(meeting=meeting, organisation=organisation, **cite)
    MeetingArea.objects.create(meeting=meeting, area=area, **cite)
    MeetingAgreement.objects.create(meeting=meeting, agreement=accord, **cite)
    outcome = Outcome.objects.create(meeting=meeting, kind="agreed", text="Secret outcome", **cite)
    outcome.areas.add(area)
    Relationship.objects.create(
        from_organisation=Organisation.objects.get(slug="asean"),
        to_organisation=Organisation.objects.get(slug="united-nations"),
        kind="cooperation",
        description="Secret relationship",
        **cite,
    )
    jenca = Official.objects.get(slug="miroslav-jenca")
    Post.objects.create(official=jenca, organisation=organisation, title="Secret post", **cite)
    # A published agreement builds on the draft one; a public party sits beside a draft one.
    plan = Agreement.objects.get(slug=PLAN)
    plan.takes_into_account.add(accord)
    plan.parties.add(organisation)
    # A record entered by hand (public) named only by the draft: public, but its draft link is not.
    hand = Official.objects.create(name="Hand Entered")
    Participation.objects.create(meeting=meeting, official=hand, role="chair", **cite)
    # A draft meeting names a city and a venue no published meeting names.
    factories.meeting(source=release, title="Embargoed release meeting", city="Secretville", venue="Secret Hall")
    return release


def surfaces() -> list[str]:
    """Every public surface where the draft's facts could show."""
    paths = kinds.public_paths()
    paths += [
        "/",
        reverse("partnership:meeting-detail", kwargs={"slug": MEETING}),
        reverse("partnership:agreement-detail", kwargs={"slug": PLAN}),
        reverse("partnership:organisation-detail", kwargs={"slug": "asean"}),
        reverse("partnership:organisation-detail", kwargs={"slug": "united-nations"}),
        reverse("partnership:official-detail", kwargs={"slug": "miroslav-jenca"}),
        reverse("partnership:official-detail", kwargs={"slug": "hand-entered"}),
        reverse("partnership:area-list"),
        reverse("partnership:area-vocabulary", kwargs={"extension": "ttl"}),
        reverse("partnership:meeting-network"),
        reverse("partnership:meeting-map"),
        reverse("partnership:about"),
        reverse("partnership:export-dataset"),
        reverse("partnership:sitemap"),
        "/search/?q=secret",
        "/search/?q=unveiled",
        "/api/meetings/?format=json",
        f"/api/agreements/{PLAN}/?format=json",
    ]
    paths += [f"/search/suggest/?kind={key}&q=secret" for key in kinds.KINDS]
    return paths


def test_draft_facts_on_a_published_meeting_show_on_no_surface(client, draft):
    for path in surfaces():
        response = client.get(path)
        assert response.status_code == 200, path
        body = text(response)
        leaked = [secret for secret in SECRETS if secret in body]
        assert not leaked, f"{path} shows {leaked}"


def test_the_public_facts_beside_them_still_show(client, draft):
    """The rule hides the draft's facts, not the meeting or its published facts."""
    page = text(client.get(reverse("partnership:meeting-detail", kwargs={"slug": MEETING})))
    assert "Miroslav Jenča" in page and "Hand Entered" not in page
    assert "Hand Entered" in text(client.get("/officials/"))
    plan = text(client.get(reverse("partnership:agreement-detail", kwargs={"slug": PLAN})))
    assert "ASEAN" in plan


def test_publishing_the_release_shows_its_facts_everywhere(client, draft):
    releases_set_status(releases=[draft], status=ReleaseStatus.PUBLISHED)
    page = text(client.get(reverse("partnership:meeting-detail", kwargs={"slug": MEETING})))
    for shown in ["Secret Person", "Secret Org", "Secret Area", "Secret Accord", "Secret outcome", "Hand Entered"]:
        assert shown in page
    assert "Secret Accord" in text(client.get(reverse("partnership:agreement-detail", kwargs={"slug": PLAN})))
    assert "Secret relationship" in text(client.get("/organisations/united-nations/"))
    assert "Secret Person" in text(client.get("/export/meetings.csv"))
    assert "/api/officials/secret-person/" in text(client.get(f"/api/meetings/{MEETING}/?format=json"))


def test_a_record_first_seen_in_a_draft_is_public_once_a_published_release_names_it(draft):
    person = Official.objects.get(slug="secret-person")
    assert not Official.objects.public().filter(pk=person.pk).exists()
    later = factories.meeting(title="A later public meeting")
    Participation.objects.create(meeting=later, official=person, source=later.source, source_paragraph=1)
    assert Official.objects.public().filter(pk=person.pk).exists()
    # Named only by hand-entered facts (no release), it would have stayed hidden.
    assert not Organisation.objects.public().filter(slug="secret-org").exists()


@pytest.mark.parametrize(
    ("path", "parameter", "slug"),
    [
        ("/meetings/", "official", "secret-person"),
        ("/meetings/", "organisation", "secret-org"),
        ("/meetings/", "area", "secret-area"),
        ("/meetings/", "agreement", "secret-accord"),
        ("/officials/", "organisation", "secret-org"),
        ("/agreements/", "party", "secret-org"),
        ("/agreements/", "area", "secret-area"),
        ("/organisations/", "parent", "secret-org"),
        ("/export/meetings.csv", "official", "secret-person"),
        ("/export/meetings.json", "agreement", "secret-accord"),
        ("/feeds/meetings/", "organisation", "secret-org"),
        ("/api/meetings/", "official", "secret-person"),
        ("/api/meetings/", "agreement", "secret-accord"),
        ("/api/officials/", "organisation", "secret-org"),
        ("/meetings/", "city", "secretville"),
        ("/export/meetings.csv", "city", "secretville"),
    ],
)
def test_a_filter_naming_a_draft_record_answers_as_for_an_unknown_one(client, draft, path, parameter, slug):
    """Same status, same message (but for the slug), no chip: the answer reveals nothing."""
    hidden = client.get(path, {parameter: slug})
    unknown = client.get(path, {parameter: "no-such-record"})
    assert hidden.status_code == unknown.status_code == 400
    assert text(hidden).replace(slug, "no-such-record") == text(unknown)


def test_a_filter_naming_a_public_record_finds_no_meeting_through_a_draft_link(client, draft):
    response = client.get("/api/meetings/", {"official": "hand-entered", "format": "json"})
    assert response.status_code == 200
    assert response.json()["count"] == 0
    assert client.get("/meetings/", {"official": "hand-entered"}).context["page_obj"].paginator.count == 0


def test_words_of_a_draft_post_find_nobody(client, draft):
    assert client.get("/api/officials/", {"post": "Secret post", "format": "json"}).json()["count"] == 0
    assert "Miroslav" not in text(client.get("/officials/", {"post": "Secret post"}))
    assert "Secret" not in text(client.get("/export/officials.csv", {"post": "Secret post"}))


def test_facets_and_counts_leave_out_draft_links(client, draft):
    response = client.get("/meetings/")
    facets = response.context["facets"]
    assert "secret-area" not in [choice.value for choice in facets["area"]]
    jenca = next(choice for choice in facets["official"] if choice.value == "miroslav-jenca")
    assert jenca.count == 1
    assert "hand-entered" not in [choice.value for choice in facets["official"]]
    assert "referred to at 1 meeting" in text(client.get("/agreements/"))


def test_extracting_an_embargoed_release_creates_hidden_records(client, seeded):
    """The ESCAP release's new people and organisations stay hidden until it is published."""
    asean_secretariat = Organisation.objects.get(slug="asean-secretariat")
    release = factories.release(
        body=RELEASE_ESCAP, publisher=asean_secretariat, status=ReleaseStatus.DRAFT, title="Unveiled later"
    )
    meeting_create_from_proposal(release=release, proposal=propose(RELEASE_ESCAP, KnownNames.from_database()))
    hahm = Official.objects.get(name="Hongjoo Hahm")
    escap = Organisation.objects.get(acronym="ESCAP")
    assert hahm.first_seen == release and escap.first_seen == release
    paths = [*surfaces(), "/search/?q=hahm", "/search/suggest/?kind=official&q=hahm"]
    for path in paths:
        body = text(client.get(path))
        assert "Hongjoo" not in body and "hongjoo-hahm" not in body and "ESCAP" not in body, path
    assert client.get(hahm.get_absolute_url()).status_code == 404
    assert client.get(f"/api/officials/{hahm.slug}/").status_code == 404

    releases_set_status(releases=[release], status=ReleaseStatus.PUBLISHED)
    assert client.get(hahm.get_absolute_url()).status_code == 200
    assert "Hongjoo Hahm" in text(client.get("/officials/"))
    assert "hongjoo-hahm" in text(client.get(reverse("partnership:sitemap")))


def test_merging_a_public_record_into_a_draft_only_record_is_refused(draft):
    """The public facts would move onto the draft's record and publish its name and slug."""
    survivor = Official.objects.get(slug="secret-person")
    duplicate = Official.objects.get(slug="miroslav-jenca")
    with pytest.raises(ValidationError, match="unpublished release"):
        records_merge(survivor=survivor, duplicate=duplicate)
    assert Official.objects.filter(slug="miroslav-jenca").exists()


def test_an_old_url_redirects_only_to_a_public_record(client, draft):
    """A merged record's old path answers 404, not a 301 naming the survivor's slug, while the survivor is hidden."""
    hidden = factories.official(name="Later Hidden")
    second = factories.release(title="Second release")
    hidden.first_seen = second
    hidden.save()
    duplicate = factories.official(name="Later Hidden Twice")
    old_path = duplicate.get_absolute_url()
    records_merge(survivor=hidden, duplicate=duplicate)
    assert client.get(old_path).status_code == 301

    releases_set_status(releases=[second], status=ReleaseStatus.DRAFT)
    response = client.get(old_path)
    assert response.status_code == 404
    assert hidden.get_absolute_url() not in response.get("Location", "") + text(response)
    assert SlugRedirect.objects.filter(old_path=old_path).exists()


def test_the_public_dataset_holds_only_public_records_and_loads_back(draft):
    data = selectors.public_dataset()
    dumped = json.dumps(data, ensure_ascii=False)
    assert not [secret for secret in SECRETS if secret in dumped]
    plan = next(row for row in data["agreements"] if row["slug"] == PLAN)
    assert "secret-accord" not in plan["takes_into_account"]
    assert PressRelease.objects.filter(status=ReleaseStatus.DRAFT).exists()


def test_a_place_a_draft_meeting_names_is_public_once_a_published_meeting_names_it(client, draft):
    assert not City.objects.public().filter(slug="secretville").exists()
    factories.meeting(title="Published meeting", city="Secretville", venue="Secret Hall")
    assert City.objects.public().filter(slug="secretville").exists()
    assert Venue.objects.public().filter(slug__startswith="secret-hall").exists()
    assert client.get("/meetings/", {"city": "secretville"}).status_code == 200
    # A place no meeting names (the gazetteer, an editor's entry) is public.
    City.objects.create(name="Nowhere Yet")
    assert City.objects.public().filter(slug="nowhere-yet").exists()


def test_existing_records_get_the_release_that_first_named_them(seeded):
    """The data migration: the earliest release among the facts naming a record; none for vocabulary."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("partnership.migrations.0011_first_seen")
    seed = PressRelease.objects.get()
    later = factories.release(status=ReleaseStatus.DRAFT, date=seed.date.replace(year=seed.date.year + 1))
    only_later = Official.objects.create(name="Only In The Draft")
    Participation.objects.create(
        meeting=Meeting.objects.get(slug=MEETING), official=only_later, source=later, source_paragraph=1
    )
    vocabulary = CooperationArea.objects.create(name="Named by nothing")

    migration.first_seen_from_provenance(apps, None)

    assert Official.objects.get(slug="miroslav-jenca").first_seen == seed
    assert Organisation.objects.get(slug="united-nations").first_seen == seed
    assert Official.objects.get(pk=only_later.pk).first_seen == later
    assert CooperationArea.objects.get(pk=vocabulary.pk).first_seen is None
    assert not Official.objects.public().filter(pk=only_later.pk).exists()


def test_a_draft_participation_draws_no_line_in_the_network(client, draft):
    """Two public people at a published meeting are linked only through public participations.

    Hand Entered is public (attested by a published meeting of their own) and sits at the 2015
    meeting beside Jenča only through the draft: the network must not join them.
    """
    hand = Official.objects.get(slug="hand-entered")
    elsewhere = factories.meeting(source=factories.release(status=ReleaseStatus.PUBLISHED))
    Participation.objects.create(meeting=elsewhere, official=hand, source=elsewhere.source, source_paragraph=1)
    html = text(client.get(reverse("partnership:meeting-network")))
    assert "Hand Entered" in html
    assert not re.search(r"Hand Entered and [^:<]*: \d+ meeting|and Hand Entered: \d+ meeting", html)
