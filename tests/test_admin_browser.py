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
