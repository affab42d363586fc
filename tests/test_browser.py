"""A real browser against a real HTTP server: the researcher's path through the site,
with screenshots and an axe-core accessibility check on each main page.

Needs Debian's chromium (/usr/bin/chromium) and `npm ci` (axe-core). In CI (CI=true)
a missing browser or axe-core fails the test; on a dev machine it is skipped.
"""

import pytest

from .conftest import ROOT

ARTIFACTS = ROOT / "test-artifacts" / "browser"

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page(page):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {ARTIFACTS}")
    return page


@pytest.fixture
def site(seeded, live_server):
    return live_server.url


def serious_violations(page, axe: str) -> list[str]:
    """axe-core's serious and critical violations on the current page."""
    page.evaluate(axe)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def check(page, axe: str, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert serious_violations(page, axe) == [], name


def test_researcher_path_with_accessibility_checks(browser_page, axe, site):
    page = browser_page

    page.goto(site + "/")
    assert page.title().startswith("Overview")
    check(page, axe, "1-home")
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "1-home-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
    page.locator("#facet-area + ul").get_by_role("link", name="Maritime security").click()
    page.wait_for_url("**/meetings/?area=maritime-security")
    assert page.get_by_role("region", name="Active filters").get_by_text("Area: Maritime security").is_visible()
    check(page, axe, "2-meetings-maritime-security")

    page.get_by_role("link", name="UN Assistant Secretary-General Miroslav Jenča meets").first.click()
    page.wait_for_url("**/meetings/2015-06-26-jenca-le-luong-minh/")
    check(page, axe, "3-meeting")

    page.locator("#participants + ul").get_by_role("link", name="Miroslav Jenča").click()
    page.wait_for_url("**/officials/miroslav-jenca/")
    assert page.get_by_role("heading", level=1).inner_text().endswith("Miroslav Jenča")
    check(page, axe, "4-official")

    page.go_back()
    page.wait_for_url("**/meetings/2015-06-26-jenca-le-luong-minh/")
    page.get_by_role("link", name="Miroslav Jenča").first.click()
    page.locator("#meetings + ul").get_by_role("link").first.click()
    page.wait_for_url("**/meetings/2015-06-26-jenca-le-luong-minh/")

    page.get_by_role("searchbox", name="Search everything").fill("JENCA")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=JENCA")
    assert page.locator(".hit a").first.inner_text() == "Miroslav Jenča"
    assert "Jenča" in page.locator("mark").all_inner_texts()
    check(page, axe, "5-search")


OTHER_PAGES = [
    "/officials/",
    "/organisations/united-nations/",
    "/areas/transnational-threats/",
    "/agreements/?status=proposed",
    "/agreements/long-term-plan-for-asean-un-cooperation/",
    "/releases/2015-06-30-un-and-asean-to-strengthen-cooperation/#p4",
    "/meetings/?date_after=yesterday",
    "/meetings/nope/",
]


def test_other_pages_have_no_serious_accessibility_violations(browser_page, axe, site):
    for number, path in enumerate(OTHER_PAGES, 1):
        browser_page.goto(site + path)
        check(browser_page, axe, f"6-other-{number}")
