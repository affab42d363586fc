"""In a real browser, the strict Content-Security-Policy blocks nothing the site or the admin needs."""

import contextlib

import pytest
from django.contrib.auth import get_user_model

from partnership.models import Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def csp_page(page):
    """A page that records the policy's refusals and the scripts' errors."""
    page.problems = []
    page.on("console", lambda m: "Content Security Policy" in m.text and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return page


def test_the_public_pages_run_under_the_csp(live_server, seeded, csp_page):
    page = csp_page
    for path in ["/", Meeting.objects.get().get_absolute_url()]:
        page.goto(live_server.url + path)
    assert page.problems == []
    # The policy is really enforced: an inline script is refused, and reported.
    with contextlib.suppress(Exception):  # Playwright may raise when the browser refuses it
        page.add_script_tag(content="window.inlineRan = true;")
    assert page.evaluate("window.inlineRan === undefined")
    assert any("inline script" in problem for problem in page.problems)


def test_the_admin_works_under_the_csp(live_server, seeded, csp_page):
    """Log in, open a meeting's change form, and use its scripts: add an inline row."""
    page = csp_page
    get_user_model().objects.create_superuser("editor", "editor@example.org", "right-horse-battery-staple")
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "right-horse-battery-staple")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    meeting = Meeting.objects.get()
    page.goto(f"{live_server.url}/admin/partnership/meeting/{meeting.pk}/change/")
    rows = page.locator("#participations-group tr.form-row:not(.empty-form)").count()
    page.click("#participations-group .add-row a")
    assert page.locator("#participations-group tr.form-row:not(.empty-form)").count() == rows + 1
    assert page.problems == [], page.problems
