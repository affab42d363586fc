"""Drafts never leak: 404 on their own pages, absent from every public page, and the admin is closed to the public."""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from partnership.models import (
    Agreement,
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
    ReleaseStatus,
)

from .surface import PUBLIC, PUBLIC_PATHS

pytestmark = pytest.mark.django_db

MARK = "Xqzdraft"  # in every draft record's text, and nowhere else
HIDDEN = "Zyxhidden"  # beside MARK: searching for MARK may echo the query, never this


@pytest.fixture
def draft(seeded):
    """A draft release and everything derived from it, linked to the published records."""
    publisher = Organisation.objects.get(slug="asean-secretariat")
    release = PressRelease.objects.create(
        title=f"{MARK} {HIDDEN} release on a meeting not yet announced",
        publisher=publisher,
        dateline_place="Jakarta",
        date=datetime.date(2016, 3, 1),
        body=f"{MARK} {HIDDEN} first paragraph.\n\n{MARK} second paragraph.",
        status=ReleaseStatus.DRAFT,
    )
    source = {"source": release, "source_paragraph": 1}
    meeting = Meeting.objects.create(
        title=f"{MARK} {HIDDEN} meeting", date=datetime.date(2016, 2, 1), summary=f"{MARK} {HIDDEN}", **source
    )
    jenca = Official.objects.get(slug="miroslav-jenca")
    un = Organisation.objects.get(slug="united-nations")
    post = Post.objects.create(official=jenca, organisation=un, title=f"{MARK} {HIDDEN} envoy", **source)
    Participation.objects.create(meeting=meeting, official=jenca, post=post, role="visitor", **source)
    MeetingOrganisation.objects.create(meeting=meeting, organisation=un, **source)
    MeetingArea.objects.create(meeting=meeting, area=CooperationArea.objects.get(slug="maritime-security"), **source)
    agreement = Agreement.objects.create(title=f"{MARK} {HIDDEN} accord", **source)
    MeetingAgreement.objects.create(meeting=meeting, agreement=agreement, **source)
    Outcome.objects.create(meeting=meeting, kind="agreed", text=f"{MARK} {HIDDEN} outcome", **source)
    return {"release": release, "meeting": meeting, "agreement": agreement}


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_no_public_page_mentions_a_draft(client, draft, path):
    response = client.get(path)
    assert response.status_code < 500
    body = b"".join(response) if response.streaming else response.content
    assert MARK.lower().encode() not in body.lower()


SEARCHABLE = [path for path, params in PUBLIC if "q" in params] or ["/"]


@pytest.mark.parametrize("path", SEARCHABLE)
def test_searching_for_a_draft_finds_nothing(client, draft, path):
    """List and search pages filtered by the draft's words show none of it."""
    response = client.get(path, {"q": MARK})
    assert response.status_code in (200, 400)
    body = b"".join(response) if response.streaming else response.content
    assert HIDDEN.lower().encode() not in body.lower()


def test_a_draft_release_and_its_meeting_are_404(client, draft):
    assert client.get(draft["release"].get_absolute_url()).status_code == 404
    assert client.get(draft["meeting"].get_absolute_url()).status_code == 404


def test_an_agreement_known_only_from_a_draft_is_404(client, draft):
    assert client.get(draft["agreement"].get_absolute_url()).status_code == 404


def test_publishing_the_release_shows_its_meeting(client, draft):
    """The converse: the 404 comes from the status, not from the records being broken."""
    PressRelease.objects.filter(pk=draft["release"].pk).update(status=ReleaseStatus.PUBLISHED)
    assert client.get(draft["release"].get_absolute_url()).status_code == 200
    assert client.get(draft["meeting"].get_absolute_url()).status_code == 200


# --- the admin -----------------------------------------------------------------------------


def admin_pages(objects) -> list[str]:
    """Every admin page: index, and each model's list, add, change, delete and history pages."""
    pages = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [reverse(f"{info}_changelist"), reverse(f"{info}_add")]
        instance = objects.get(model) or model.objects.first()
        if instance is not None:
            pages += [reverse(f"{info}_{view}", args=[instance.pk]) for view in ["change", "delete", "history"]]
    return pages


@pytest.fixture
def pages(draft):
    return admin_pages({PressRelease: draft["release"], Meeting: draft["meeting"], Agreement: draft["agreement"]})


@pytest.mark.parametrize("who", ["anonymous", "member of the public"])
def test_every_admin_page_sends_the_public_to_the_login(client, pages, who):
    if who != "anonymous":
        client.force_login(get_user_model().objects.create_user("someone", password="x"))
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], page


def test_staff_who_are_not_editors_read_the_records_but_change_nothing(client, pages):
    """Staff status opens the admin to read: record pages show, adding and deleting are
    forbidden, change pages have no save button, and users, groups and lockouts stay closed."""
    client.force_login(get_user_model().objects.create_user("someone", password="x", is_staff=True))
    own = {reverse("admin:index"), reverse("admin:password_change")}
    for page in pages:
        response = client.get(page)
        if page in own:
            assert response.status_code == 200 and MARK not in response.text, page
        elif not page.startswith("/admin/partnership/") or page.endswith(("/add/", "/delete/")):
            assert response.status_code == 403, page
        else:
            assert response.status_code == 200, page
            assert 'name="_save"' not in response.text, page


@pytest.mark.parametrize("who", ["anonymous", "member of the public"])
def test_admin_actions_and_writes_are_refused_to_the_public(client, draft, who):
    if who != "anonymous":
        client.force_login(get_user_model().objects.create_user("someone", password="x"))
    release = draft["release"]
    changelist = reverse("admin:partnership_pressrelease_changelist")
    response = client.post(changelist, {"action": "delete_selected", "_selected_action": [release.pk], "post": "yes"})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    change = reverse("admin:partnership_pressrelease_change", args=[release.pk])
    response = client.post(change, {"status": ReleaseStatus.PUBLISHED})
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    delete = reverse("admin:partnership_pressrelease_delete", args=[release.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    release.refresh_from_db()
    assert release.status == ReleaseStatus.DRAFT


def test_an_editor_sees_the_draft_in_the_admin(admin_client, draft):
    """The admin is where drafts are worked on; only editors get there."""
    response = admin_client.get(reverse("admin:partnership_pressrelease_changelist"))
    assert MARK in response.text
