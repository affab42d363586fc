"""The Extract screen: the release beside its proposal, corrections, learned spellings, confirm (and publish)."""

import re

import pytest
from django.urls import reverse

from partnership import models, services
from partnership.intake import KnownNames, propose
from partnership.names import slug_for

from . import factories
from .test_admin import client_for, escap_draft, proposal_data


def extract_url(release) -> str:
    return reverse("admin:partnership_pressrelease_extract", args=[release.pk])


def row_of(response, key: str, name: str) -> int:
    names = [form["name"].value() for form in section(response, key)]
    return names.index(name)


def section(response, key: str):
    return next(s["formset"] for s in response.context["sections"] if s["key"] == key)


def extra_row(response, key: str) -> int:
    """The index of the first blank row of a section (the one an editor fills to add a missed mention)."""
    return section(response, key).initial_form_count()


# -- the screen -----------------------------------------------------------------------------------


def test_each_mention_is_highlighted_in_the_escaped_release_text(seeded):
    release = escap_draft()
    release.body = release.body.replace("Both sides discussed", "Both <b>sides</b> discussed")
    release.save()
    page = client_for("editor").get(extract_url(release)).content.decode()
    text = page[page.index('class="release-text"') : page.index('class="extract-form"')]
    assert re.search(r'<mark class="mention mention-officials" data-row="officials-\d+">Shamshad Akhtar</mark>', text)
    assert re.search(r'<mark class="mention mention-areas" data-row="areas-\d+">disaster risk reduction</mark>', text)
    # Release text is escaped, never rendered as HTML, on the editors' screen.
    assert "&lt;b&gt;sides&lt;/b&gt;" in text and "<b>sides</b>" not in text
    assert text.count('class="release-paragraph"') == len(release.paragraphs())


def test_every_match_is_searched_as_you_type_never_a_list_of_every_record(seeded):
    for number in range(40):
        factories.official(name=f"Official Number {number}")
    release = escap_draft()
    page = client_for("editor").get(extract_url(release)).content.decode()
    selects = re.findall(r'<select name="(\w+-\d+-(?:match|parent))"[^>]*>(.*?)</select>', page, flags=re.S)
    assert selects, "no match pickers on the screen"
    for name, options in selects:
        assert options.count("<option") <= 2, f"{name} lists records instead of searching them"
    assert 'class="admin-autocomplete' in page
    assert "Official Number 7" not in page


def test_the_autocomplete_finds_an_official_by_an_alias(seeded):
    client = client_for("editor")
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "partnership", "model_name": "participation", "field_name": "official", "term": "SG Minh"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Le Luong Minh"]


# -- confirming with corrections -------------------------------------------------------------------


def test_choosing_another_record_links_it_and_learns_the_spelling(seeded):
    hahm = factories.official(name="Hong-joo Hahm")
    release = escap_draft()
    client = client_for("editor")
    response = client.get(extract_url(release))
    row = row_of(response, "officials", "Hongjoo Hahm")
    assert section(response, "officials")[row].initial["match"] is None
    response = client.post(extract_url(release), proposal_data(response, **{f"officials-{row}-match": str(hahm.pk)}))
    assert response.status_code == 302
    meeting = release.derived_meetings.get()
    assert meeting.participants.filter(pk=hahm.pk).exists()
    assert not models.Official.objects.filter(name="Hongjoo Hahm").exists()
    hahm.refresh_from_db()
    assert "Hongjoo Hahm" in hahm.aliases
    learned = models.LearnedAlias.objects.get()
    assert (learned.record, learned.text, learned.source, learned.editor.username) == (
        hahm,
        "Hongjoo Hahm",
        release,
        "editor",
    )
    # The next release that writes the name this way is matched without help.
    proposal = propose(release.body, KnownNames.from_database())
    assert next(o for o in proposal.officials if o.name == "Hongjoo Hahm").match.pk == hahm.pk


def test_a_missed_mention_added_as_a_row_is_linked_and_learned(seeded):
    institutional = models.CooperationArea.objects.get(name="Institutional collaboration")
    release = escap_draft()
    client = client_for("editor")
    response = client.get(extract_url(release))
    row = extra_row(response, "areas")
    data = proposal_data(
        response,
        **{
            "areas-TOTAL_FORMS": str(row + 1),
            f"areas-{row}-name": "annual consultations",
            f"areas-{row}-match": str(institutional.pk),
        },
    )
    assert client.post(extract_url(release), data).status_code == 302
    link = models.MeetingArea.objects.get(meeting__source=release, area=institutional)
    assert link.source_paragraph == 4, "the paragraph is found from the text when the editor leaves it empty"
    institutional.refresh_from_db()
    assert "annual consultations" in institutional.aliases
    assert models.LearnedAlias.objects.get().source == release


def test_an_added_row_naming_what_is_not_in_the_text_asks_for_its_paragraph(seeded):
    release = escap_draft()
    client = client_for("editor")
    response = client.get(extract_url(release))
    row = extra_row(response, "officials")
    data = proposal_data(response, **{"officials-TOTAL_FORMS": str(row + 1), f"officials-{row}-name": "Kao Kim Hourn"})
    response = client.post(extract_url(release), data)
    assert response.status_code == 200
    assert "“Kao Kim Hourn” is not in the release text" in response.content.decode()
    assert not release.derived_meetings.exists()


def test_tampered_rows_get_form_errors_not_a_crash(seeded):
    release = escap_draft()
    client = client_for("editor")
    response = client.get(extract_url(release))
    data = proposal_data(
        response,
        **{
            "officials-0-match": "not-a-number",
            "officials-1-match": "999999",
            "officials-2-paragraph": "99",
            "areas-0-parent": "-1",
            "outcomes-0-kind": "invented",
        },
    )
    response = client.post(extract_url(release), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("Select a valid choice") >= 4
    assert "The release has 4 paragraphs." in page
    assert not release.derived_meetings.exists()


def test_a_spelling_another_record_goes_by_is_not_learned(seeded):
    jenca = models.Official.objects.get(slug="miroslav-jenca")
    minh = models.Official.objects.get(slug="le-luong-minh")
    release = escap_draft()
    assert services.alias_learn(record=jenca, text="SG Minh", release=release) is None
    assert services.alias_learn(record=minh, text="sg  MINH", release=release) is None
    jenca.refresh_from_db()
    assert "SG Minh" not in jenca.aliases
    assert not models.LearnedAlias.objects.exists()


def test_merging_records_keeps_what_each_learned(seeded):
    release = escap_draft()
    survivor, duplicate = factories.official(name="Hong-joo Hahm"), factories.official(name="Hahm Hongjoo")
    services.alias_learn(record=duplicate, text="Mr Hahm of ESCAP", release=release)
    services.records_merge(survivor=survivor, duplicate=duplicate)
    assert models.LearnedAlias.objects.get().record == survivor


def test_a_new_area_goes_under_the_broader_area_the_editor_picks(seeded):
    pillar = models.CooperationArea.objects.get(name="Community building")
    release = escap_draft()
    client = client_for("editor")
    response = client.get(extract_url(release))
    row = extra_row(response, "areas")
    data = proposal_data(
        response,
        **{
            "areas-TOTAL_FORMS": str(row + 1),
            f"areas-{row}-name": "Annual consultations",
            f"areas-{row}-parent": str(pillar.pk),
        },
    )
    assert client.post(extract_url(release), data).status_code == 302
    assert models.CooperationArea.objects.get(name="Annual consultations").parent == pillar


def test_the_summary_and_outcomes_are_the_editors(seeded):
    release = escap_draft()
    client = client_for("editor")
    response = client.get(extract_url(release))
    outcomes = section(response, "outcomes")
    assert outcomes.initial_form_count() >= 2
    extra = outcomes.initial_form_count()
    data = proposal_data(
        response,
        **{
            "meeting-summary": "ASEAN and ESCAP met in Bangkok.",
            "outcomes-0-text": "Agreed to deepen cooperation on disaster risk reduction.",
            "outcomes-1-include": None,
            "outcomes-TOTAL_FORMS": str(extra + 1),
            f"outcomes-{extra}-kind": "discussed",
            f"outcomes-{extra}-text": "annual consultations",
        },
    )
    assert client.post(extract_url(release), data).status_code == 302
    meeting = release.derived_meetings.get()
    assert meeting.summary == "ASEAN and ESCAP met in Bangkok."
    texts = list(meeting.outcomes.values_list("text", "source_paragraph"))
    assert texts[0] == ("Agreed to deepen cooperation on disaster risk reduction.", 1)
    assert ("annual consultations", 4) in texts
    assert len(texts) == extra, "one proposed outcome was left out, one was added"


def test_confirm_and_publish_publishes_the_release_with_its_meeting(seeded):
    release = escap_draft()
    client = client_for("editor")
    response = client.get(extract_url(release))
    page = response.content.decode()
    assert 'name="confirm"' in page and 'name="_publish"' in page
    response = client.post(extract_url(release), {**proposal_data(response), "_publish": "Confirm and publish"})
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.is_published
    meeting = release.derived_meetings.get()
    assert meeting.slug in client_for("anonymous").get(reverse("partnership:meeting-list")).content.decode()


# -- the release form --------------------------------------------------------------------------------


def test_save_and_extract_saves_the_release_then_opens_the_extract_screen(seeded):
    client = client_for("editor")
    add = reverse("admin:partnership_pressrelease_add")
    assert 'name="_extract"' in client.get(add).content.decode()
    data = release_form_data(
        title="A second copy", dateline_place="Bangkok", date="2015-11-12", body=escap_draft().body
    )
    data["_extract"] = "Save and extract"
    response = client.post(add, data)
    release = models.PressRelease.objects.get(title="A second copy")
    assert response.status_code == 302
    assert response["Location"] == extract_url(release)


def release_form_data(**values) -> dict:
    return {
        "title": "",
        "slug": "",
        "publisher": models.Organisation.objects.get(slug="asean-secretariat").pk,
        "dateline_place": "",
        "date": "",
        "body": "",
        "original_url": "",
        "status": "draft",
        "version": "",
        **values,
    }


def test_a_release_left_without_place_and_date_takes_them_from_its_dateline(seeded):
    client = client_for("editor")
    body = escap_draft().body
    response = client.post(reverse("admin:partnership_pressrelease_add"), release_form_data(title="Copy", body=body))
    assert response.status_code == 302
    release = models.PressRelease.objects.get(title="Copy")
    assert (release.dateline_place, release.date.isoformat()) == ("Bangkok", "2015-11-12")


def test_a_release_without_a_dateline_must_be_given_its_place_and_date(seeded):
    client = client_for("editor")
    data = release_form_data(title="No dateline", body="The two sides met and agreed to cooperate.")
    response = client.post(reverse("admin:partnership_pressrelease_add"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give the date: the text has no dateline to read it from." in page
    assert "Give the dateline place: the text has no dateline to read it from." in page
    assert not models.PressRelease.objects.filter(title="No dateline").exists()


def test_readers_among_staff_get_no_save_and_extract_button(seeded):
    release = models.PressRelease.objects.first()
    page = client_for("staff").get(reverse("admin:partnership_pressrelease_change", args=[release.pk]))
    assert page.status_code == 200
    assert 'name="_extract"' not in page.content.decode()


def test_staff_preview_the_public_page_of_a_draft_never_cached(seeded):
    release = escap_draft()
    url = reverse("admin:partnership_pressrelease_public_preview", args=[release.pk])
    response = client_for("staff").get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Preview of a draft" in page and "Shamshad Akhtar" in page
    assert '<meta name="robots" content="noindex">' in page
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    anonymous = client_for("anonymous")
    assert anonymous.get(url).status_code == 302
    assert anonymous.get(release.get_absolute_url()).status_code == 404


# -- forms of every record -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("model_name", "first"),
    [
        ("official", "name"),
        ("organisation", "name"),
        ("cooperationarea", "name"),
        ("agreement", "title"),
        ("meeting", "title"),
        ("pressrelease", "title"),
        ("post", "title"),
    ],
)
def test_the_title_comes_first_in_every_form(seeded, model_name, first):
    page = client_for("editor").get(reverse(f"admin:partnership_{model_name}_add")).content.decode()
    fields = re.findall(r'class="form-row field-(\w+)', page)
    assert fields[0] == first


def test_aliases_are_edited_one_per_line_not_as_json(seeded):
    client = client_for("editor")
    minh = models.Official.objects.get(slug="le-luong-minh")
    url = reverse("admin:partnership_official_change", args=[minh.pk])
    response = client.get(url)
    page = response.content.decode()
    assert re.search(r'<textarea name="aliases"[^>]*>\s*SG Minh\nSecretary-General Minh\nMinh</textarea>', page)
    form = response.context["adminform"].form
    data = {name: form[name].value() or "" for name in ["name", "slug", "honorific", "description", "version"]}
    data |= {
        "aliases": "SG Minh\n\n  Le  Luong Minh Sr.  \nsg minh\n",
        "posts-TOTAL_FORMS": "0",
        "posts-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    minh.refresh_from_db()
    assert minh.aliases == ["SG Minh", "Le Luong Minh Sr."]


def test_the_admin_shows_which_release_taught_each_spelling(seeded):
    release = escap_draft()
    hahm = factories.official(name="Hong-joo Hahm")
    services.alias_learn(record=hahm, text="Hongjoo Hahm", release=release)
    client = client_for("staff")
    page = client.get(reverse("admin:partnership_official_change", args=[hahm.pk])).content.decode()
    assert "spellings learned from releases" in page.lower()
    assert "Hongjoo Hahm" in page and release.title in page
    listing = client.get(reverse("admin:partnership_learnedalias_changelist")).content.decode()
    assert "Hongjoo Hahm" in listing and release.title in listing


def test_area_form_speaks_the_vocabulary_and_picks_the_broader_concept_by_search(seeded):
    page = client_for("editor").get(reverse("admin:partnership_cooperationarea_add")).content.decode()
    assert "Preferred label" in page and "Alternative labels" in page and "Broader concept" in page
    parent = re.search(r'<select name="parent"[^>]*>(.*?)</select>', page, flags=re.S)
    assert "admin-autocomplete" in parent.group(0) and parent.group(1).count("<option") <= 1


# -- slugs ----------------------------------------------------------------------------------------------


def test_long_names_make_slugs_of_whole_words():
    text = "Joint Statement of the Ninth ASEAN-United Nations Summit on Comprehensive Partnership and Cooperation"
    slug = slug_for(text)
    assert len(slug) <= 80
    assert text.lower().replace("-", " ").split()[: len(slug.split("-"))] == slug.split("-")


def test_a_meeting_with_a_long_title_gets_a_slug_of_whole_words(db):
    title = "Meeting between the Secretary-General of ASEAN and the Executive Secretary of ESCAP on connectivity"
    meeting = factories.meeting(title=title)
    words = title.lower().replace("-", " ").split()
    parts = meeting.slug.split("-")
    assert parts[:3] == f"{meeting.date:%Y-%m-%d}".split("-")
    assert len(parts) > 6 and parts[3:] == words[: len(parts) - 3]
