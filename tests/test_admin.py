"""The editors' admin: who may do what, preview, extract and confirm, duplicates, history, concurrent saves."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from partnership import models
from partnership.services import editor_create, editors_group

from . import factories
from .test_intake import RELEASE_ESCAP

pytestmark = pytest.mark.django_db

RECORDS = ["organisation", "official", "cooperationarea", "agreement", "pressrelease", "meeting"]
LINKS = ["post", "relationship"]
ROLES = ["anonymous", "staff", "editor", "superuser"]


def client_for(role: str) -> Client:
    client = Client()
    users = get_user_model().objects
    if role == "staff":
        client.force_login(users.create_user("staff", is_staff=True))
    elif role == "editor":
        client.force_login(editor_create(username="editor")[0])
    elif role == "superuser":
        client.force_login(users.create_superuser("root", "root@example.org", "pw"))
    return client


def some(model_name: str):
    return {
        "organisation": lambda: models.Organisation.objects.get(slug="asean"),
        "official": lambda: models.Official.objects.get(slug="miroslav-jenca"),
        "cooperationarea": lambda: models.CooperationArea.objects.get(slug="maritime-security"),
        "agreement": lambda: models.Agreement.objects.first(),
        "pressrelease": lambda: models.PressRelease.objects.first(),
        "meeting": lambda: models.Meeting.objects.first(),
        "post": lambda: models.Post.objects.first(),
        "relationship": lambda: models.Relationship.objects.first(),
    }[model_name]()


def status(client, url, method="get", data=None) -> int:
    return getattr(client, method)(url, data or {}).status_code


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/admin/login/" in response["Location"]


# -- the permission matrix ------------------------------------------------------------------

PAGE_EXPECTATIONS = {
    # page: {role: status}; anonymous is always sent to the login page
    "changelist": {"staff": 200, "editor": 200, "superuser": 200},
    "add": {"staff": 403, "editor": 200, "superuser": 200},
    "change": {"staff": 200, "editor": 200, "superuser": 200},
    "history": {"staff": 200, "editor": 200, "superuser": 200},
}


@pytest.mark.parametrize("model_name", RECORDS + LINKS)
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_for_record_pages(seeded, model_name, role):
    """Staff read every screen but cannot add; editors add and change; nobody anonymous gets in."""
    client = client_for(role)
    obj = some(model_name)
    urls = {
        "changelist": reverse(f"admin:partnership_{model_name}_changelist"),
        "add": reverse(f"admin:partnership_{model_name}_add"),
        "change": reverse(f"admin:partnership_{model_name}_change", args=[obj.pk]),
        "history": reverse(f"admin:partnership_{model_name}_history", args=[obj.pk]),
    }
    for page, url in urls.items():
        response = client.get(url)
        if role == "anonymous":
            assert is_login_redirect(response), (page, url)
        else:
            assert response.status_code == PAGE_EXPECTATIONS[page][role], (page, url)
    if role != "anonymous":
        change = client.get(urls["change"]).content.decode()
        can_save = 'name="_save"' in change
        assert can_save == (role in {"editor", "superuser"})


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_for_deleting(seeded, role):
    """Editors remove link rows (posts, relationships) but never records: duplicates are merged instead."""
    client = client_for(role)
    expected_record = {"anonymous": 302, "staff": 403, "editor": 403, "superuser": 200}[role]
    expected_link = {"anonymous": 302, "staff": 403, "editor": 200, "superuser": 200}[role]
    for model_name in RECORDS:
        url = reverse(f"admin:partnership_{model_name}_delete", args=[some(model_name).pk])
        assert status(client, url) == expected_record, model_name
    for model_name in LINKS:
        url = reverse(f"admin:partnership_{model_name}_delete", args=[some(model_name).pk])
        assert status(client, url) == expected_link, model_name


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_for_users_and_groups(db, role):
    client = client_for(role)
    expected = {"anonymous": 302, "staff": 403, "editor": 403, "superuser": 200}[role]
    for url in [
        reverse("admin:auth_user_changelist"),
        reverse("admin:auth_user_add"),
        reverse("admin:auth_group_changelist"),
    ]:
        assert status(client, url) == expected, url


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix_for_editor_actions(seeded, role):
    """Publish, extract, preview and merge are for editors (and superusers) only."""
    client = client_for(role)
    release = factories.release(
        body=RELEASE_ESCAP, publisher=models.Organisation.objects.get(slug="asean-secretariat"), status="draft"
    )
    allowed = role in {"editor", "superuser"}
    expected = 200 if allowed else (302 if role == "anonymous" else 403)
    extract = reverse("admin:partnership_pressrelease_extract", args=[release.pk])
    assert status(client, extract) == expected
    preview = reverse("admin:partnership_pressrelease_preview")
    assert status(client, preview, "post", {"text": "Hello"}) == expected

    client.post(
        reverse("admin:partnership_pressrelease_changelist"),
        {"action": "publish", "_selected_action": [release.pk]},
    )
    release.refresh_from_db()
    assert release.is_published == allowed

    survivor = models.Official.objects.get(slug="miroslav-jenca")
    duplicate = models.Official.objects.create(name="M. Jenča")
    client.post(
        reverse("admin:partnership_official_changelist"),
        {
            "action": "merge_records",
            "_selected_action": [survivor.pk, duplicate.pk],
            "post": "yes",
            "survivor": survivor.pk,
        },
    )
    assert models.Official.objects.filter(pk=duplicate.pk).exists() != allowed


@pytest.mark.parametrize("role", ["staff", "editor"])
def test_reverting_from_history_needs_the_change_permission(seeded, role):
    """simple-history's revert form saves on POST; staff who may only read the history are refused."""
    client = client_for(role)
    official = models.Official.objects.get(slug="miroslav-jenca")
    official.name = "Miroslav Jenča (renamed)"
    official.save()
    first = official.history.order_by("history_id").first()
    url = reverse("admin:partnership_official_simple_history", args=[official.pk, first.history_id])
    form = client.get(url)
    assert form.status_code == 200
    response = client.post(url, form_data(form))
    official.refresh_from_db()
    if role == "staff":
        assert response.status_code == 403
        assert official.name == "Miroslav Jenča (renamed)"
    else:
        assert response.status_code == 302
        assert official.name == "Miroslav Jenča"


def test_anonymous_visitors_never_see_drafts(seeded):
    client = Client()
    release = models.PressRelease.objects.get()
    meeting = models.Meeting.objects.get()
    assert client.get(release.get_absolute_url()).status_code == 200
    release.status = models.ReleaseStatus.DRAFT
    release.save()
    assert client.get(release.get_absolute_url()).status_code == 404
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert is_login_redirect(client.get(reverse("admin:index")))


def test_the_editors_group_cannot_touch_accounts(db):
    group = Group.objects.filter(name="Editors").first() or editors_group()
    permissions = set(group.permissions.values_list("content_type__app_label", flat=True))
    assert permissions == {"partnership"}


# -- helpers for posting admin forms ------------------------------------------------------------


def _put(data: dict, key: str, value) -> None:
    if value is None or value is False:
        return
    if value is True:
        data[key] = "on"
    elif isinstance(value, list | tuple):
        data[key] = [str(v) for v in value]
    else:
        data[key] = str(value)


def form_data(response, **changes) -> dict:
    """The data a browser would post back from an admin change form, with some fields changed."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        _put(data, form.add_prefix(name), form[name].value())
    for inline in response.context.get("inline_admin_formsets", []):
        formset = inline.formset
        for name in formset.management_form.fields:
            _put(data, formset.management_form.add_prefix(name), formset.management_form[name].value())
        for subform in formset.forms:
            for name in subform.fields:
                _put(data, subform.add_prefix(name), subform[name].value())
    data.update(changes)
    return data


def proposal_data(response, **changes) -> dict:
    """The data the extract screen posts back when the editor confirms without corrections."""
    data = {}
    meeting_form = response.context["meeting_form"]
    for name in meeting_form.fields:
        _put(data, meeting_form.add_prefix(name), meeting_form[name].value())
    for section in response.context["sections"]:
        formset = section["formset"]
        for name in formset.management_form.fields:
            _put(data, formset.management_form.add_prefix(name), formset.management_form[name].value())
        for subform in formset.forms:
            for name in subform.fields:
                _put(data, subform.add_prefix(name), subform[name].value())
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


# -- preview ---------------------------------------------------------------------------------------


def test_preview_sanitises_like_the_public_site(db):
    client = client_for("editor")
    text = (
        "**Bold** and [a link](https://asean.org) <script>alert(1)</script>\n\n"
        '[bad](javascript:alert(1)) <img src="x" onerror="alert(2)"> <iframe src="https://e.org"></iframe>'
    )
    html = client.post(reverse("admin:partnership_pressrelease_preview"), {"text": text}).content.decode()
    assert "<strong>Bold</strong>" in html
    assert 'href="https://asean.org"' in html
    assert 'id="p1"' in html and 'id="p2"' in html
    for unsafe in ["<script", "javascript:", "onerror", "<iframe", "<img"]:
        assert unsafe not in html


def test_release_form_has_the_preview_button_and_extract_link(seeded):
    client = client_for("editor")
    release = models.PressRelease.objects.get()
    page = client.get(reverse("admin:partnership_pressrelease_change", args=[release.pk])).content.decode()
    assert "release-preview-button" in page
    assert "partnership/admin/release-preview.js" in page
    assert reverse("admin:partnership_pressrelease_extract", args=[release.pk]) in page
    # No inline script (CSP): the preview's JavaScript is a static file.
    assert 'src="/static/partnership/admin/release-preview.js"' in page


# -- extract and confirm --------------------------------------------------------------------------


def escap_draft() -> models.PressRelease:
    return factories.release(
        title="ASEAN and ESCAP deepen cooperation",
        body=RELEASE_ESCAP,
        date=datetime.date(2015, 11, 12),
        dateline_place="Bangkok",
        publisher=models.Organisation.objects.get(slug="asean-secretariat"),
        status=models.ReleaseStatus.DRAFT,
    )


def test_extract_shows_the_proposal_and_writes_nothing(seeded):
    client = client_for("editor")
    release = escap_draft()
    before = models.Official.objects.count()
    response = client.get(reverse("admin:partnership_pressrelease_extract", args=[release.pk]))
    page = response.content.decode()
    assert "Shamshad Akhtar" in page and "Le Luong Minh" in page
    assert "new-badge" in page and "matched-badge" in page
    assert "2015-11-10" in page
    assert models.Official.objects.count() == before
    assert models.Meeting.objects.count() == 1


def test_confirm_creates_the_meeting_with_the_editors_corrections(seeded):
    client = client_for("editor")
    release = escap_draft()
    url = reverse("admin:partnership_pressrelease_extract", args=[release.pk])
    response = client.get(url)
    areas = [f["name"].value() for f in response.context["sections"][2]["formset"]]
    connectivity = areas.index("Connectivity")
    data = proposal_data(
        response,
        **{"meeting-title": "Le Luong Minh meets Shamshad Akhtar in Bangkok", f"areas-{connectivity}-include": None},
    )
    response = client.post(url, data)
    assert response.status_code == 302
    meeting = release.derived_meetings.get()
    assert response["Location"] == reverse("admin:partnership_meeting_change", args=[meeting.pk])
    assert meeting.title == "Le Luong Minh meets Shamshad Akhtar in Bangkok"
    assert meeting.date == datetime.date(2015, 11, 10)
    assert meeting.participations.count() == 4
    assert not meeting.areas.filter(name="Connectivity").exists()
    assert meeting.areas.filter(name="Disaster risk reduction").exists()
    assert meeting.history.get().history_user.username == "editor"
    # Confirming again creates nothing, and says why.
    again = client.post(url, data)
    assert again.status_code == 409
    assert "already extracted" in again.content.decode()
    assert release.derived_meetings.count() == 1


def test_confirm_with_a_bad_date_shows_the_error_and_writes_nothing(seeded):
    client = client_for("editor")
    release = escap_draft()
    url = reverse("admin:partnership_pressrelease_extract", args=[release.pk])
    data = proposal_data(client.get(url), **{"meeting-date": "10th of Nov"})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "is not a date" in response.content.decode()
    assert not release.derived_meetings.exists()


# -- duplicate guard ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_name", "fields", "existing_slug"),
    [
        ("official", {"name": "Miroslav JENCA", "honorific": "", "aliases": ""}, "miroslav-jenca"),
        ("organisation", {"name": "Asean", "kind": "other", "aliases": ""}, "asean"),
        ("cooperationarea", {"name": "Maritime Security", "aliases": ""}, "maritime-security"),
    ],
)
def test_duplicate_guard_warns_and_links_to_the_existing_record(seeded, model_name, fields, existing_slug):
    """A name or alias matching an existing record (accents and case aside) is refused with a link to it."""
    client = client_for("editor")
    model = {
        "official": models.Official,
        "organisation": models.Organisation,
        "cooperationarea": models.CooperationArea,
    }[model_name]
    existing = model.objects.get(slug=existing_slug)
    url = reverse(f"admin:partnership_{model_name}_add")
    data = {
        **fields,
        "slug": "",
        "description": "",
        "posts-TOTAL_FORMS": "0",
        "posts-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Already in the knowledge base" in page
    assert reverse(f"admin:partnership_{model_name}_change", args=[existing.pk]) in page
    count = model.objects.count()
    assert client.post(url, {**data, "save_anyway": "on"}).status_code == 302
    assert model.objects.count() == count + 1


def test_duplicate_guard_checks_aliases(seeded):
    client = client_for("editor")
    data = {"name": "Somebody New", "aliases": "SG Minh", "honorific": "", "slug": "", "description": ""}
    data |= {"posts-TOTAL_FORMS": "0", "posts-INITIAL_FORMS": "0"}
    response = client.post(reverse("admin:partnership_official_add"), data)
    assert "Le Luong Minh" in response.content.decode()


# -- history and concurrent saves -------------------------------------------------------------------


def test_changes_are_kept_with_who_and_what(seeded):
    client = client_for("editor")
    official = models.Official.objects.get(slug="le-luong-minh")
    url = reverse("admin:partnership_official_change", args=[official.pk])
    response = client.post(url, form_data(client.get(url), honorific="Mr"))
    assert response.status_code == 302
    latest = official.history.first()
    assert latest.history_user.username == "editor"
    assert latest.diff_against(latest.prev_record).changed_fields == ["honorific"]
    history_page = client.get(reverse("admin:partnership_official_history", args=[official.pk])).content.decode()
    assert "editor" in history_page


def test_second_of_two_concurrent_saves_is_refused(seeded):
    """Both editors open the form; the first save wins, the second is refused with a message, not applied."""
    first, second = client_for("editor"), Client()
    second.force_login(editor_create(username="second")[0])
    official = models.Official.objects.get(slug="le-luong-minh")
    url = reverse("admin:partnership_official_change", args=[official.pk])
    first_form, second_form = first.get(url), second.get(url)

    assert first.post(url, form_data(first_form, honorific="Dr")).status_code == 302
    response = second.post(url, form_data(second_form, honorific="Prof."))
    assert response.status_code == 200
    assert "after you opened it" in response.content.decode()
    official.refresh_from_db()
    assert official.honorific == "Dr"

    # After reloading, the second editor's change goes through.
    assert second.post(url, form_data(second.get(url), honorific="Prof.")).status_code == 302
    official.refresh_from_db()
    assert official.honorific == "Prof."


@pytest.mark.parametrize(
    ("path", "slug", "expected"),
    [
        ("/admin/partnership/meeting/", "2015-06-26-jenca-le-luong-minh", {"participant_count": 2, "area_count": 13}),
        ("/admin/partnership/official/", "miroslav-jenca", {"post_count": 1, "meeting_count": 1}),
        ("/admin/partnership/organisation/", "united-nations", {"post_count": 1, "meeting_count": 1}),
        (
            # The area vocabulary fills more than one page: search for the row.
            "/admin/partnership/cooperationarea/?q=Sustainable+development",
            "sustainable-development",
            {"meeting_count": 1, "agreement_count": 2},
        ),
        ("/admin/partnership/agreement/", "joint-declaration-on-comprehensive-partnership", {"meeting_count": 1}),
    ],
)
def test_changelists_count_each_records_links(admin_client, seeded, path, slug, expected):
    """The count columns count the links of each row (one declared subquery per column)."""
    response = admin_client.get(path)
    (row,) = [record for record in response.context["cl"].result_list if record.slug == slug]
    assert {name: getattr(row, name) for name in expected} == expected


def test_an_editor_adds_a_spelling_to_a_city_and_the_list_finds_it_by_that_name(seeded, client):
    """Cities are edited like every record: other spellings one per line, found by any of them after."""
    editor = client_for("editor")
    city = models.City.objects.get(slug="jakarta")
    url = reverse("admin:partnership_city_change", args=[city.pk])
    page = editor.get(url)
    assert page.status_code == 200
    assert "aliases-list" in page.text  # a list, not raw JSON
    response = editor.post(
        url,
        {
            "name": city.name,
            "slug": city.slug,
            "country": city.country,
            "latitude": city.latitude,
            "longitude": city.longitude,
            "aliases": "Djakarta\nBatavia",
        },
    )
    assert response.status_code == 302, response.text[:2000]
    city.refresh_from_db()
    assert {"Djakarta", "Batavia"} <= set(city.aliases)
    assert client.get("/meetings/?city=Batavia").status_code == 200
    assert "2015-06-26-jenca-le-luong-minh" in client.get("/meetings/?city=Batavia").text


def test_a_record_shows_the_release_it_was_first_seen_in(seeded):
    """Editors see why a record is hidden from the public: the draft it came from."""
    release = factories.release(status=models.ReleaseStatus.DRAFT, title="Embargoed release")
    person = models.Official.objects.create(name="Embargoed Person", first_seen=release)
    page = client_for("editor").get(reverse("admin:partnership_official_change", args=[person.pk]))
    assert page.status_code == 200
    assert "Embargoed release" in page.text


def _autocomplete_forms():
    """(model admin, field) for every search-as-you-type field on an add form, inlines included."""
    from django.contrib import admin

    found = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "partnership":
            continue
        for field in model_admin.autocomplete_fields:
            found.append((model._meta.model_name, "", field))
        for inline in model_admin.inlines:
            for field in inline.autocomplete_fields:
                found.append((model._meta.model_name, inline.model._meta.model_name, field))
    return found


@pytest.mark.parametrize("model_name, inline, field", _autocomplete_forms())
def test_a_search_as_you_type_field_posted_with_no_record_id_answers_with_the_form(seeded, model_name, inline, field):
    """A hand-edited or stale form posts "abc" where a record id goes: the form comes back with its
    errors (200), never a 500 from rendering the value again."""
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.org", "pw"))
    url = reverse(f"admin:partnership_{model_name}_add")
    form = client.get(url).context["adminform"].form
    data = dict.fromkeys(form.fields, "")
    for formset in client.get(url).context["inline_admin_formsets"]:
        prefix = formset.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0"})
        if formset.formset.model._meta.model_name == inline:
            data[f"{prefix}-0-{field}"] = "abc"
    if not inline:
        data[field] = "abc"
    response = client.post(url, data)
    assert response.status_code == 200
    assert b"errorlist" in response.content  # the field's own message, beside the field


def _meeting_with(participants: int) -> models.Meeting:
    release = factories.release()
    meeting = factories.meeting(source=release, areas=[factories.area()])
    for _ in range(participants):
        official = factories.official()
        post = factories.post(official=official, organisation=factories.organisation(acronym="UNX"))
        models.Participation.objects.create(
            meeting=meeting, official=official, post=post, source=release, source_paragraph=1
        )
        models.MeetingOrganisation.objects.create(
            meeting=meeting, organisation=post.organisation, source=release, source_paragraph=1
        )
    return meeting


def _selected(html: str, name: str) -> list[str]:
    """The selected options' labels of the select called name."""
    import re
    from html import unescape

    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return [unescape(label) for label in re.findall(r"<option value=\"[^\"]+\" selected>([^<]*)</option>", select)]


def test_a_meetings_form_reads_the_records_its_rows_name_with_the_rows(db, django_user_model):
    """Each row's search-as-you-type fields show the official, post, organisation and release it
    names, read with the rows: as many queries for six participants as for two, where each field
    was one more."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))
    counts = []
    for participants in (2, 6):
        meeting = _meeting_with(participants)
        url = reverse("admin:partnership_meeting_change", args=[meeting.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            html = client.get(url).content.decode()
        counts.append(len(captured))
        for index, participation in enumerate(meeting.participations.order_by("pk")):
            prefix = f"participations-{index}"
            assert _selected(html, f"{prefix}-official") == [participation.official.name]
            assert _selected(html, f"{prefix}-post") == [str(participation.post)]
            assert _selected(html, f"{prefix}-source") == [str(participation.source)]
    assert counts[0] == counts[1]


def test_a_form_sent_back_shows_the_record_posted_not_the_one_its_row_was_read_with(db, django_user_model):
    """The hard case: a row's official changed, and the form refused (a title left empty). The field
    shows the official the editor chose, looked up, not the one the row holds."""
    from bench.mix import _FormFields

    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.org", "pw"))
    meeting = _meeting_with(1)
    chosen = factories.official(name="Chosen <b>Official</b>")
    url = reverse("admin:partnership_meeting_change", args=[meeting.pk])
    fields = _FormFields("meeting_form")
    fields.feed(client.get(url).content.decode())
    data = {}
    for name, value in fields.fields:
        data.setdefault(name, []).append(value)
    data["participations-0-official"] = [str(chosen.pk)]
    data["title"] = [""]
    html = client.post(url, data).content.decode()
    assert "errorlist" in html
    assert _selected(html, "participations-0-official") == ["Chosen <b>Official</b>"]
    assert "Chosen &lt;b&gt;Official&lt;/b&gt;" in html
