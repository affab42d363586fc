import datetime
import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_django.asserts import assertContains, assertNotContains

from partnership import facets
from partnership.models import (
    CooperationArea,
    Meeting,
    MeetingArea,
    Official,
    Participation,
    PressRelease,
    ReleaseStatus,
)

from . import factories

pytestmark = pytest.mark.django_db

MEETING = "/meetings/2015-06-26-jenca-le-luong-minh/"
RELEASE = "/releases/2015-06-30-un-and-asean-to-strengthen-cooperation/"
JENCA = "/officials/miroslav-jenca/"
MINH = "/officials/le-luong-minh/"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/", "Overview"),
        ("/meetings/", "Meetings"),
        (MEETING, "UN Assistant Secretary-General Miroslav Jenča meets"),
        ("/officials/", "Officials"),
        (JENCA, "Miroslav Jenča"),
        ("/organisations/", "Organisations"),
        ("/organisations/asean/", "Association of Southeast Asian Nations"),
        ("/areas/", "Cooperation areas"),
        ("/areas/maritime-security/", "Maritime security"),
        ("/agreements/", "Agreements"),
        ("/agreements/joint-declaration-on-comprehensive-partnership/", "Joint Declaration"),
        ("/releases/", "Press releases"),
        (RELEASE, "The UN and ASEAN will continue"),
        ("/search/?q=jenca", "Search: jenca"),
    ],
)
def test_every_page_renders_with_a_title(client, seeded, url, title):
    response = client.get(url)
    assert response.status_code == 200
    page_title = re.search(r"<title>(.*?)</title>", response.text, re.S).group(1)
    assert title in page_title
    assert "ASEAN–UN Partnership" in page_title
    assert '<main id="main">' in response.text


def test_home_shows_counts_latest_meetings_area_tree_and_search(client, seeded):
    response = client.get("/")
    assertContains(response, "<strong>1</strong> Meetings", html=False)
    assertContains(response, MEETING)
    assertContains(response, "26 June 2015")
    assertContains(response, 'href="/areas/maritime-security/"')
    assertContains(response, 'action="/search/"')


@pytest.mark.parametrize(
    "url", ["/meetings/nope/", "/officials/nobody/", "/organisations/x/", "/areas/x/", "/agreements/x/", "/releases/x/"]
)
def test_unknown_records_are_404(client, seeded, url):
    assert client.get(url).status_code == 404


def test_the_404_page_is_our_own(client, seeded, settings):
    settings.DEBUG = False
    response = client.get("/meetings/nope/")
    assert response.status_code == 404
    assertContains(response, "Not found", status_code=404)
    assertContains(response, 'role="search"', status_code=404)


class TestLinksBothWays:
    def test_meeting_links_to_everything_related(self, client, seeded):
        response = client.get(MEETING)
        for url in [
            JENCA,
            MINH,
            "/organisations/united-nations/",
            "/organisations/asean-secretariat/",
            "/areas/maritime-security/",
            "/agreements/long-term-plan-for-asean-un-cooperation/",
            RELEASE,
        ]:
            assertContains(response, f'href="{url}"')
        assertContains(response, "Assistant Secretary-General for Political Affairs")  # the post held then
        assertContains(response, "Both sides agreed to work towards realising the full potential")  # an outcome

    def test_facts_cite_their_release_paragraph(self, client, seeded):
        response = client.get(MEETING)
        assertContains(response, f'href="{RELEASE}#p4"')  # maritime security is in paragraph 4
        assertContains(response, f'href="{RELEASE}#p1"')

    def test_the_release_has_the_anchors_facts_cite(self, client, seeded):
        response = client.get(RELEASE)
        release = PressRelease.objects.get()
        for number in range(1, len(release.paragraphs()) + 1):
            assertContains(response, f'id="p{number}"')
        assert f'id="p{len(release.paragraphs()) + 1}"' not in response.text

    def test_official_links_to_posts_and_meetings(self, client, seeded):
        response = client.get(JENCA)
        assertContains(response, f'href="{MEETING}"')
        assertContains(response, 'href="/organisations/united-nations/"')
        assertContains(response, "from May 2015")  # a date shown with its precision

    def test_area_links_to_sub_areas_meetings_outcomes_and_agreements(self, client, seeded):
        response = client.get("/areas/transnational-threats/")
        assertContains(response, 'href="/areas/maritime-security/"')
        assertContains(response, 'href="/areas/political-security/"')  # up to its pillar
        assertContains(response, f'href="{MEETING}"')
        response = client.get("/areas/sustainable-development/")
        assertContains(response, 'href="/agreements/post-2015-sustainable-development-goals/"')
        assertContains(response, "Sustainable Development Goals")

    def test_agreement_links_to_parties_and_meetings(self, client, seeded):
        response = client.get("/agreements/long-term-plan-for-asean-un-cooperation/")
        assertContains(response, 'href="/organisations/asean/"')
        assertContains(response, 'href="/organisations/united-nations/"')
        assertContains(response, f'href="{MEETING}"')
        assertContains(response, 'href="/agreements/post-2015-sustainable-development-goals/"')
        response = client.get("/agreements/post-2015-sustainable-development-goals/")
        assertContains(response, 'href="/agreements/long-term-plan-for-asean-un-cooperation/"')  # and back

    def test_organisation_links_to_officials_meetings_and_agreements(self, client, seeded):
        response = client.get("/organisations/united-nations/")
        assertContains(response, f'href="{JENCA}"')
        assertContains(response, f'href="{MEETING}"')
        assertContains(response, 'href="/agreements/joint-declaration-on-comprehensive-partnership/"')
        assertContains(response, "the 1970s")

    def test_release_links_to_the_records_derived_from_it(self, client, seeded):
        response = client.get(RELEASE)
        for url in [
            MEETING,
            JENCA,
            MINH,
            "/areas/maritime-security/",
            "/agreements/long-term-plan-for-asean-un-cooperation/",
        ]:
            assertContains(response, f'href="{url}"')


class TestDrafts:
    """Draft releases and the meetings they support are invisible to the public."""

    @pytest.fixture
    def draft_meeting(self, seeded):
        draft = factories.release(title="Unpublished release", status=ReleaseStatus.DRAFT)
        meeting = factories.meeting(
            title="Secret meeting", source=draft, areas=[CooperationArea.objects.get(slug="maritime-security")]
        )
        Participation.objects.create(meeting=meeting, official=Official.objects.get(slug="miroslav-jenca"))
        return meeting

    def test_detail_pages_are_404(self, client, draft_meeting):
        assert client.get(draft_meeting.get_absolute_url()).status_code == 404
        assert client.get(draft_meeting.source.get_absolute_url()).status_code == 404

    @pytest.mark.parametrize(
        "url", ["/", "/meetings/", "/releases/", JENCA, "/areas/maritime-security/", "/search/?q=secret"]
    )
    def test_absent_from_lists_pages_and_search(self, client, draft_meeting, url):
        response = client.get(url)
        assertNotContains(response, "Secret meeting")
        assertNotContains(response, "Unpublished release")

    def test_absent_from_counts(self, client, draft_meeting):
        assertContains(client.get("/"), "<strong>1</strong> Meetings", html=False)
        assertContains(client.get("/meetings/"), "1 meeting<")


class TestMeetingList:
    def test_filter_by_area_shows_chip_and_facets(self, client, seeded):
        response = client.get("/meetings/?area=maritime-security")
        assertContains(response, MEETING)
        assertContains(response, "Area: Maritime security")
        assertContains(response, 'aria-label="Active filters"')
        assertContains(response, "Meetings per year")

    def test_no_choice_list_renders_every_record(self, client, seeded):
        """Record filters are hidden inputs and facets, never a <select> of every official."""
        response = client.get("/meetings/?official=miroslav-jenca")
        assertNotContains(response, '<select name="official"')
        assertNotContains(response, '<select name="area"')
        assertContains(response, 'type="hidden" name="official" value="miroslav-jenca"')

    def test_pagination(self, client, seeded):
        release = PressRelease.objects.get()
        Meeting.objects.bulk_create(
            Meeting(title=f"M{i}", slug=f"m{i}", date=datetime.date(2016, 1, 1), source=release, source_paragraph=1)
            for i in range(30)
        )
        facets.rebuild()  # bulk_create sends no signal: the kept facet counts are rebuilt, as after any bulk write
        first = client.get("/meetings/")
        assertContains(first, "Page 1 of 2")
        assertContains(first, 'href="?page=2"')
        second = client.get("/meetings/?page=2")
        assert second.status_code == 200
        assertContains(second, MEETING)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/meetings/?area=atlantis", "There is no cooperation area “atlantis”."),
        ("/meetings/?official=nobody", "There is no official “nobody”."),
        ("/meetings/?date_after=yesterday", "Enter a valid date."),
        ("/meetings/?year=2015.5", "Enter a whole number."),
        ("/meetings/?year=-3", "greater than or equal to 1"),
        ("/meetings/?page=-1", "The page number must be a whole number"),
        ("/meetings/?page=abc", "The page number must be a whole number"),
        ("/meetings/?page=999999", "There is no such page: the last page is 1."),
        ("/meetings/?sort=secret", "Select a valid choice"),
        ("/meetings/?q=" + "x" * 10_000, "at most 200 characters"),
        ("/officials/?organisation=nowhere", "There is no organisation “nowhere”."),
        ("/officials/?page=0", "The page number must be a whole number"),
        ("/agreements/?status=forgotten", "Select a valid choice"),
        ("/releases/?year=abc", "Enter a whole number."),
        ("/organisations/?kind=club", "Select a valid choice"),
        ("/search/?q=" + "x" * 10_000, "at most 200 characters"),
        ("/search/?q=jenca&kind=people", "there is no kind of record"),
        ("/search/?q=jenca&page=999999", "There is no such page"),
    ],
)
def test_bad_parameters_get_a_clear_400(client, seeded, url, message):
    response = client.get(url)
    assert response.status_code == 400
    assertContains(response, message, status_code=400)
    assertContains(response, 'role="alert"', status_code=400)
    assertNotContains(response, 'class="record"', status_code=400)


def _make_meetings(count: int):
    release = PressRelease.objects.get()
    maritime = CooperationArea.objects.get(slug="maritime-security")
    jenca = Official.objects.get(slug="miroslav-jenca")
    meetings = Meeting.objects.bulk_create(
        Meeting(
            title=f"Meeting {i}",
            slug=f"bulk-{i}",
            date=datetime.date(2000 + i % 20, 1 + i % 12, 1),
            source=release,
            source_paragraph=1,
        )
        for i in range(count)
    )
    MeetingArea.objects.bulk_create(MeetingArea(meeting=m, area=maritime) for m in meetings)
    Participation.objects.bulk_create(Participation(meeting=m, official=jenca) for m in meetings)


def _queries(client, url) -> int:
    """The queries of a page rendered with nothing cached (bulk_create sends no signal to invalidate)."""
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


QUERY_COUNT_URLS = [
    "/",
    "/meetings/",
    "/meetings/?area=political-security&official=miroslav-jenca&year=2005&sort=title",
    "/meetings/?q=meeting&sort=date",
    "/officials/",
    "/organisations/",
    "/agreements/",
    "/releases/",
    "/areas/maritime-security/",
    JENCA,
    "/organisations/united-nations/",
    "/agreements/joint-declaration-on-comprehensive-partnership/",
    "/search/?q=meeting",
]


def test_query_count_does_not_grow_with_the_number_of_meetings(client, seeded):
    """Each page costs the same number of queries with 10 meetings as with 1,000."""
    _make_meetings(10)
    few = {url: _queries(client, url) for url in QUERY_COUNT_URLS}
    Meeting.objects.filter(slug__startswith="bulk-").delete()
    _make_meetings(1000)
    many = {url: _queries(client, url) for url in QUERY_COUNT_URLS}
    assert few == many


def test_templates_have_no_inline_scripts_or_styles():
    """A Content-Security-Policy allowing only our own static files must not break any page."""
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), path
        assert "<style" not in text, path
        assert not re.search(r"\sstyle=", text), path
        assert not re.search(r"\son[a-z]+=", text), path


def test_editor_markdown_is_sanitised_on_the_page(client, seeded):
    area = CooperationArea.objects.get(slug="maritime-security")
    area.description = "**Safe** <script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>"
    area.save()
    response = client.get("/areas/maritime-security/")
    assertContains(response, "<strong>Safe</strong>")
    assertNotContains(response, "<script>alert")
    assertNotContains(response, "javascript:")
    assertNotContains(response, "onerror")


def test_suggest_offers_records_as_you_type(client, seeded):
    response = client.get("/search/suggest/", {"kind": "official", "q": "jenč"})
    assert response.json() == {"results": [{"value": "miroslav-jenca", "label": "Miroslav Jenča"}]}
    response = client.get("/search/suggest/", {"kind": "agreement", "q": "joint"})
    assert response.json()["results"][0]["value"] == "joint-declaration-on-comprehensive-partnership"


@pytest.mark.parametrize("params", [{"kind": "secret", "q": "x"}, {"kind": "official", "q": "x" * 10_000}, {}])
def test_suggest_rejects_bad_parameters(client, seeded, params):
    assert client.get("/search/suggest/", params).status_code == 400


def test_the_record_picker_keeps_the_active_filters(client, seeded):
    response = client.get("/meetings/", {"area": "maritime-security"})
    assertContains(response, 'data-suggest-url="/search/suggest/?kind=official"')
    assertContains(response, '<input type="hidden" name="area" value="maritime-security">', html=True)
    assertContains(response, 'src="/static/js/suggest.js"')


PARAMETERS = ["q", "area", "official", "organisation", "agreement", "date_after", "date_before", "year", "kind", "sort"]


@pytest.mark.parametrize(
    "url",
    [
        "/meetings/?q=%00",
        "/meetings/?area=%00",
        "/meetings/?official=a%00b",
        "/meetings/?page=%00",
        "/meetings/?year=%00",
        "/meetings/?date_after=%00",
        "/officials/?post=%00",
        "/search/?q=%00",
        "/search/?q=x&kind=%00",
        "/search/suggest/?kind=official&q=%00",
    ],
)
def test_nul_characters_are_harmless(client, seeded, url):
    """PostgreSQL refuses NUL in text; a NUL in any parameter must still not reach it as a 500."""
    assert client.get(url).status_code in {200, 400}


@hypothesis_settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.dictionaries(st.sampled_from([*PARAMETERS, "page"]), st.text(max_size=30), max_size=4))
def test_any_parameters_get_a_page_or_a_400(client, seeded, params):
    """Whatever a visitor puts in the query string, the meeting list answers 200 or 400, never 500."""
    assert client.get("/meetings/", params).status_code in {200, 400}


def test_the_about_page_says_what_the_base_holds_its_licence_and_how_to_cite(client, seeded):
    html = client.get("/about/").content.decode()
    assert "Where the facts come from" in html
    assert 'rel="license"' in html and "CC BY 4.0" in html
    assert "How to cite" in html
    assert "<strong>1</strong> Meetings" in html


def test_every_page_links_to_about_the_api_the_dataset_and_the_feeds(client, seeded):
    for path in ["/", "/meetings/", JENCA, "/search/?q=jenca", "/about/"]:
        html = client.get(path).content.decode()
        footer = re.search(r'<footer class="site-footer">.*?</footer>', html, re.S).group(0)
        for href in ["/about/", "/api/docs/", "/export/dataset.json", "/feeds/meetings/", "/feeds/releases/"]:
            assert f'href="{href}"' in footer, (path, href)


def test_the_api_docs_present_a_public_api(client):
    """No sign-in: the schema declares no security scheme (so no Authorize button, no padlocks), and the
    page links back to the site."""
    schema = client.get("/api/schema/?format=json").json()
    assert "securitySchemes" not in schema.get("components", {})
    # [{}] is "no credentials needed", which the docs draw without a padlock.
    assert all(op.get("security", [{}]) == [{}] for path in schema["paths"].values() for op in path.values())
    docs = client.get("/api/docs/").content.decode()
    assert 'href="/">← ASEAN–UN Partnership</a>' in docs
    assert "no account or key is needed" in docs


def test_counts_have_thousands_separators(client):
    from bench.synthetic import seed

    seed(meetings=1500)  # some of them are drafts' meetings: more than 1,000 are public
    html = client.get("/meetings/").content.decode()
    assert re.search(r'<h2 id="results-heading">1,\d\d\d meetings</h2>', html)
    assert re.search(r"<strong>1,\d\d\d</strong> Meetings", client.get("/").content.decode())


def test_lists_offer_a_skip_link_and_a_filter_panel_that_folds(client, seeded):
    for path in ["/meetings/", "/officials/"]:
        html = client.get(path).content.decode()
        assert '<a class="skip-to-results" href="#results-heading">Skip to results</a>' in html
        assert (
            html.index("skip-to-results")
            < html.index('<details class="filter-panel" open>')
            < html.index('id="results-heading"')
        )


def test_pages_are_numbered_and_the_advice_past_the_last_fits_the_order(client):
    from bench.synthetic import seed

    seed(meetings=41 * 25 + 100)
    html = client.get("/meetings/?page=7").content.decode()
    numbers = re.findall(r'aria-label="Page (\d+)(, this page)?"', html)
    assert [n for n, _ in numbers] == ["1", "5", "6", "7", "8", "9", "40"]
    assert ("7", ", this page") in numbers
    assert "pages stop at 40: narrow the filters, or sort oldest first, to reach the rest" in html
    oldest = client.get("/meetings/?sort=date&page=2").content.decode()
    assert "sort oldest first" not in oldest
    assert "pages stop at 40: narrow the filters, or sort newest first, to reach the rest" in oldest
    by_title = client.get("/meetings/?sort=title&page=41")
    assert by_title.status_code == 400
    assert "Pages stop at 40: narrow the filters to reach the rest." in by_title.content.decode()
