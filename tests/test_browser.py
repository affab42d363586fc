"""A real browser against a real HTTP server: the researcher's path through the site,
with screenshots and an axe-core accessibility check on each main page.

Needs Debian's chromium (/usr/bin/chromium) and `npm ci` (axe-core). In CI (CI=true)
a missing browser or axe-core fails the test; on a dev machine it is skipped.
"""

import re

import pytest

from bench.synthetic import seed
from partnership.dataset import load_dataset

from .conftest import ROOT, fixture_data

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
    page.locator("#meetings-2015 + ul").get_by_role("link").first.click()
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


@pytest.fixture
def busy_site(transactional_db, live_server):
    """A few hundred synthetic meetings beside the shipped release: enough for every picture to have shape."""
    seed(meetings=300)
    load_dataset(fixture_data())
    return live_server.url


@pytest.mark.parametrize(("width", "height", "device"), [(1280, 900, "desktop"), (375, 800, "phone")])
def test_pictures_lead_to_the_lists_they_summarise(browser_page, axe, busy_site, width, height, device):
    """Each picture opens clean at both widths; a bar (clicked) and a network link and a city (from the
    keyboard) each lead to the filtered list they stand for, with the count they showed."""
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})

    page.goto(busy_site + "/meetings/")
    bar = page.locator("figure.year-chart svg g.band-0 a").last  # the latest year, all meetings
    label = bar.get_attribute("aria-label")
    year, count = re.match(r"(\d{4}): ([\d,]+) meetings?$", label).groups()
    check(page, axe, f"7-{device}-meetings-chart")
    bar.click()
    page.wait_for_url(f"**/meetings/?year={year}")
    assert page.get_by_role("heading", level=2, name=re.compile(rf"^{count} meetings?$")).is_visible()

    page.goto(busy_site + "/meetings/network/")
    assert page.locator("svg circle.node").count() > 20
    check(page, axe, f"8-{device}-network")
    edge = page.locator("g.edges a").last  # the strongest link, drawn on top
    names = re.match(r"(.+) and (.+): (\d+) meetings? together$", edge.get_attribute("aria-label")).groups()
    edge.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/meetings/\?official=[^&]+&official=[^&]+$"))
    chips = page.get_by_role("region", name="Active filters")
    assert chips.get_by_text(f"Official: {names[0]}").is_visible()
    assert chips.get_by_text(f"Official: {names[1]}").is_visible()
    assert page.get_by_role("heading", level=2, name=re.compile(rf"^{names[2]} meetings?$")).is_visible()

    page.goto(busy_site + "/meetings/map/")
    check(page, axe, f"9-{device}-map")
    city = page.locator("svg.map-svg a").first
    name, count = re.match(r"(.+): ([\d,]+) meetings?$", city.get_attribute("aria-label")).groups()
    city.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/meetings/\?city=[\w-]+$"))
    assert page.get_by_role("heading", level=2, name=re.compile(rf"^{count} meetings?$")).is_visible()

    page.locator("section.results ul.records a").first.click()
    page.wait_for_url(re.compile(r".*/meetings/[\w-]+/$"))
    page.locator("#participants + ul a").first.click()
    page.wait_for_url("**/officials/*/")
    assert page.locator("figure.career").is_visible()
    assert page.get_by_role("heading", name="Most often met with").is_visible()
    check(page, axe, f"10-{device}-official")


READING_PAGES = ["/meetings/", "/officials/miroslav-jenca/", "/meetings/2015-06-26-jenca-le-luong-minh/", "/about/"]


def test_dark_and_print_are_clean_and_a_phone_can_skip_the_filters(browser_page, axe, site):
    """The dark scheme (from the system setting) and the print layout pass axe; on a phone the filter
    panel starts folded and "Skip to results" takes focus to the results; a printed record carries its URL."""
    page = browser_page
    page.emulate_media(color_scheme="dark")
    for number, path in enumerate(READING_PAGES, 1):
        page.goto(site + path)
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(21, 25, 30)"
        check(page, axe, f"11-dark-{number}")
    page.emulate_media(color_scheme="light", media="print")
    page.goto(site + "/meetings/2015-06-26-jenca-le-luong-minh/")
    assert page.locator(".printed-from").is_visible()
    assert "/meetings/2015-06-26-jenca-le-luong-minh/ on " in page.locator(".printed-from").inner_text()
    assert not page.locator(".header-search").is_visible()
    check(page, axe, "12-print-meeting")
    page.goto(site + "/meetings/?area=maritime-security")
    assert not page.locator(".filters").is_visible()
    check(page, axe, "12-print-list")

    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site + "/meetings/")
    assert page.locator("details.filter-panel").get_attribute("open") is None
    assert not page.locator("#id_q").is_visible()
    page.get_by_role("link", name="Skip to results").click()
    assert page.evaluate("location.hash") == "#results-heading"
    page.locator("details.filter-panel > summary").click()
    assert page.locator("#id_q").is_visible()
    check(page, axe, "13-phone-filters-open")


def test_the_filter_form_keeps_what_was_typed_and_writes_no_empty_parameter(browser_page, axe, site):
    page = browser_page
    page.goto(site + "/meetings/")
    page.locator("#id_date_after").fill("2015-01-01")
    page.locator("#facet-area + ul").get_by_role("link", name="Maritime security").click()
    page.wait_for_url("**/meetings/?area=maritime-security&date_after=2015-01-01")
    assert page.locator("#id_date_after").input_value() == "2015-01-01"
    page.locator("#id_date_after").fill("")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**/meetings/?area=maritime-security")
    assert "=&" not in page.url and not page.url.endswith("=")
    check(page, axe, "14-filters-kept")
