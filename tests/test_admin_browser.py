"""The editors' workflow in a real browser: log in, add a release, extract, confirm, publish, find it.

Needs Debian's chromium at /usr/bin/chromium: skipped on a dev machine without it, an error in CI (CI=true).
"""

import pytest

from partnership import models
from partnership.services import editor_create

from .test_intake import RELEASE_ESCAP

pytestmark = pytest.mark.browser


def choose_autocomplete(page, field: str, text: str) -> None:
    page.click(f"#id_{field} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", text)
    page.click(f".select2-results__option:has-text('{text}')")


def log_in_as_editor(page, live_server) -> str:
    """A new editor logs in to the admin; the live server's address is returned."""
    user, password = editor_create(username="editor")
    base = live_server.url
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    return base


def fill_release(page, base: str, *, title: str, place: str, date: str, body: str) -> None:
    """The release form filled in as an editor would, not yet saved."""
    page.goto(f"{base}/admin/partnership/pressrelease/add/")
    page.fill("#id_title", title)
    choose_autocomplete(page, "publisher", "ASEAN Secretariat")
    page.fill("#id_dateline_place", place)
    page.fill("#id_date", date)
    page.fill("#id_body", body)


def save_and_extract(page, base: str, *, title: str, body: str) -> None:
    fill_release(page, base, title=title, place="Jakarta", date="2024-03-06", body=body)
    page.click("input[name=_extract]")
    page.wait_for_selector(".extract-form")


def test_editor_adds_extracts_confirms_publishes_and_finds_the_meeting(page, live_server, seeded):
    base = log_in_as_editor(page, live_server)

    # A new release, previewed, saved as a draft.
    title = "ASEAN and ESCAP to deepen cooperation on disaster risk reduction"
    fill_release(page, base, title=title, place="Bangkok", date="2015-11-12", body=RELEASE_ESCAP)
    page.click(".release-preview-button")
    page.wait_for_selector(".release-preview #p4")
    assert "Shamshad Akhtar" in page.inner_text(".release-preview #p1")
    page.click("input[name=_continue]")
    page.wait_for_selector(".extract-link")
    release = models.PressRelease.objects.get(dateline_place="Bangkok")
    assert release.status == models.ReleaseStatus.DRAFT

    # Extract, check the proposal, confirm.
    page.click(".extract-link")
    page.wait_for_selector(".extract-form")
    assert page.input_value("#id_meeting-date") == "2015-11-10"
    assert page.locator(".proposal-officials .new-badge").count() == 3
    assert page.locator(".proposal-officials .matched-badge").count() == 1
    page.click("input[name=confirm]")
    page.wait_for_url("**/admin/partnership/meeting/*/change/")
    meeting = release.derived_meetings.get()
    assert meeting.participations.count() == 4

    # Drafts stay hidden from the public until published.
    page.goto(f"{base}/meetings/?area=disaster-risk-reduction")
    assert meeting.title not in page.content()

    page.goto(f"{base}/admin/partnership/pressrelease/?status__exact=draft")
    page.check(f"input[name=_selected_action][value='{release.pk}']")
    page.select_option("select[name=action]", "publish")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    release.refresh_from_db()
    assert release.is_published

    page.goto(f"{base}/meetings/?area=disaster-risk-reduction")
    assert page.locator(f"a[href='{meeting.get_absolute_url()}']").count() >= 1


HEADLINED_RELEASE = "\n\n".join(
    [
        "ASEAN and the UN agree to work together on climate change",
        "JAKARTA, 6 March 2024 – UN Secretary-General António Manuel Guterres and the Secretary-General of ASEAN, "
        "Dr Kao Kim Hourn, met at the ASEAN Secretariat yesterday to discuss cooperation on climate change and "
        "maritime security.",
        "Mr Guterres welcomed ASEAN's leadership in the region, and both sides reviewed progress on the "
        "long-term plan.",
    ]
)
LATER_RELEASE = "\n\n".join(
    [
        "ASEAN and the UN review their cooperation",
        "JAKARTA, 2 May 2024 – UN Secretary-General António Manuel Guterres met ASEAN Permanent Representatives at "
        "the ASEAN Secretariat on Tuesday and reviewed the long-term plan with them.",
        "Mr Guterres thanked ASEAN for its support of the United Nations.",
    ]
)


def test_editor_corrects_a_surname_match_adds_a_missed_mention_and_the_next_release_is_matched(
    page, live_server, seeded
):
    """The whole editor flow: a headline, a relative date and a surname shared with two existing officials."""
    right = models.Official.objects.create(name="António Guterres")
    models.Official.objects.create(name="Maria Guterres")
    plan = models.Agreement.objects.get(title="Long-term plan for ASEAN-UN cooperation")
    base = log_in_as_editor(page, live_server)

    # Save and extract: the dateline and "yesterday" give the meeting's day; the text sits beside the proposal.
    save_and_extract(
        page, base, title="ASEAN and the UN agree to work together on climate change", body=HEADLINED_RELEASE
    )
    release = models.PressRelease.objects.get(title="ASEAN and the UN agree to work together on climate change")
    assert page.input_value("#id_meeting-date") == "2024-03-05"
    assert page.locator(".release-text mark.mention-officials", has_text="Guterres").count() >= 1

    # The surname alone is only a possible match: flagged, never applied; the editor chooses the right person.
    assert page.locator(".proposal-officials tr.possible").count() == 1
    possible = page.locator("#" + page.locator(".proposal-officials tr.possible").get_attribute("id"))
    assert possible.locator(".choose-candidate").count() == 2
    possible.locator(".choose-candidate", has_text="António Guterres").click()
    assert possible.locator("select[name$='-match']").input_value() == str(right.pk)
    assert "chosen" in possible.get_attribute("class")

    # A mention extraction missed: a new row, its record found by typing.
    page.click(".add-row[data-formset=agreements]")
    row = page.locator(".proposal-agreements tr.proposal-row").last
    row.locator("input[name$='-name']").fill("long-term plan")
    row.locator(".select2-selection").click()
    page.fill(".select2-container--open .select2-search__field", "Long-term plan")
    page.click(".select2-results__option:has-text('Long-term plan for ASEAN-UN cooperation')")

    page.click("input[name=_publish]")
    page.wait_for_url("**/admin/partnership/meeting/*/change/")
    meeting = release.derived_meetings.get()
    release.refresh_from_db()
    assert release.is_published
    assert meeting.participants.filter(pk=right.pk).exists()
    assert not meeting.participants.filter(name="Maria Guterres").exists()
    assert meeting.agreements.filter(pk=plan.pk).exists()

    page.goto(f"{base}/meetings/?area=maritime-security")
    assert page.locator(f"a[href='{meeting.get_absolute_url()}']").count() >= 1

    # The next release writing the same spellings is matched without help.
    save_and_extract(page, base, title="ASEAN and the UN review their cooperation", body=LATER_RELEASE)
    assert page.locator(".proposal-officials tr.possible").count() == 0
    matched = page.locator(".proposal-officials tr.matched select[name$='-match'] option[selected]")
    assert str(right.pk) in matched.evaluate_all("options => options.map(o => o.value)")
    agreements = page.locator(".proposal-agreements tr.matched select[name$='-match'] option[selected]")
    assert str(plan.pk) in agreements.evaluate_all("options => options.map(o => o.value)")
