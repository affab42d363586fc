"""In a real browser, the strict Content-Security-Policy blocks nothing the site or the admin needs."""

import contextlib
import shutil

import pytest
from django.contrib.auth import get_user_model

from partnership.models import Meeting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture
def page(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the ORM calls here are plain setup.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    playwright = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM:
        pytest.skip("no chromium on this machine")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.problems = []
        page.on("console", lambda m: "Content Security Policy" in m.text and page.problems.append(m.text))
        page.on("pageerror", lambda e: page.problems.append(str(e)))
        yield page
        browser.close()


def test_the_public_pages_run_under_the_csp(live_server, page):
    from partnership.dataset import load_dataset

    from .conftest import fixture_data

    load_dataset(fixture_data())
    for path in ["/", Meeting.objects.get().get_absolute_url()]:
        page.goto(live_server.url + path)
    assert page.problems == []
    # The policy is really enforced: an inline script is refused, and reported.
    with contextlib.suppress(Exception):  # Playwright may raise when the browser refuses it
        page.add_script_tag(content="window.inlineRan = true;")
    assert page.evaluate("window.inlineRan === undefined")
    assert any("inline script" in problem for problem in page.problems)


def test_the_admin_works_under_the_csp(live_server, page):
    """Log in, open a meeting's change form, and use its scripts: add an inline row."""
    from partnership.dataset import load_dataset

    from .conftest import fixture_data

    load_dataset(fixture_data())
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
