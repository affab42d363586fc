"""The pictures: meetings over time, careers, who met whom, where; their links and their cost."""

import datetime
import os
import re
import subprocess
import sys
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext

from bench.synthetic import seed
from partnership import charts, facets, pictures, scopes
from partnership.filters import MeetingFilter, RecordQuery
from partnership.models import (
    City,
    Meeting,
    MeetingOrganisation,
    Official,
    Organisation,
    Participation,
    Post,
    ReleaseStatus,
    Venue,
)
from partnership.places import city_named
from partnership.templatetags import chart_marks

from . import factories

pytestmark = pytest.mark.django_db


def hrefs(html: str, pattern: str) -> list[str]:
    """The href of every SVG link whose aria-label matches pattern."""
    return [
        unescape(href)
        for href, label in re.findall(r'<a href="([^"]*)" aria-label="([^"]*)"', html)
        if re.search(pattern, unescape(label))
    ]


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


# -- geometry -------------------------------------------------------------------------------


def test_ticks_are_round_and_reach_the_top():
    assert charts.nice_ticks(0) == [0, 1]
    assert charts.nice_ticks(7) == [0, 2, 4, 6, 8]
    assert charts.nice_ticks(1961)[-1] >= 1961
    assert all(tick % 500 == 0 for tick in charts.nice_ticks(1961))


@pytest.mark.parametrize("places", [0, 1, 2])
def test_coordinates_are_written_as_floatformat_writes_them(places):
    """The chart's marks are written in Python; every coordinate must read as the template's
    floatformat wrote it, ties and whole numbers included, or the picture would shift."""
    values = [0.0, -0.0, 1.0, 2.5, 0.125, 2.675, 1.005, 48.0, 639.995, 12.345, -0.004, 1e-7, 123456.785]
    values += [i / 8 for i in range(-40, 400)] + [i * 0.37 + 0.005 for i in range(300)]
    for value in values:
        assert chart_marks.fixed(value, places) == floatformat(value, f"{places}u"), value


def test_chart_and_facet_labels_are_escaped(client):
    """Labels are written outside the template engine: an editor's markup is shown, never run."""
    hostile = factories.area(name='<img src=x onerror="alert(1)"> & "Trade"')
    factories.meeting(date=datetime.date(2016, 5, 1), areas=[hostile])
    factories.meeting(date=datetime.date(2017, 5, 1), areas=[factories.area(name="Social")])
    html = client.get("/meetings/").text
    assert "<img" not in html
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;Trade&quot;"
    assert f'aria-label="2016: 1 meeting on {escaped}"' in html  # the pillar's bar
    assert '<text class="band-label" x="48.0" y="' in html
    assert f'{escaped} <span class="count">1<span' in html  # the facet


def test_a_year_without_meetings_is_a_gap_not_a_missing_column():
    chart = charts.year_chart({2010: 3, 2013: 1}, url_for_year=lambda year: f"?year={year}")
    assert chart.years == [2010, 2011, 2012, 2013]
    bars = chart.bands[0].bars
    assert [bar.url for bar in bars] == ["?year=2010", "?year=2013"]
    slot = bars[0].width / 0.76
    # the 2013 bar stands in the fourth column, centred on its label
    assert bars[1].x == pytest.approx(chart.plot_left + 3 * slot + slot * 0.12)
    assert (chart.plot_left + 3 * slot + slot / 2, "2013") in chart.year_labels
    assert bars[0].height == pytest.approx(3 * bars[1].height)


def test_a_date_known_to_the_year_is_drawn_across_that_year_and_an_open_end_runs_off():
    posts = [
        {
            "label": "Secretary-General, ASEAN",
            "url": "/o/",
            "start": datetime.date(2013, 1, 1),
            "start_end": datetime.date(2013, 12, 31),
            "end": None,
            "end_end": None,
            "start_text": "2013",
            "end_text": "end not recorded",
        }
    ]
    line = charts.timeline(posts, {2015: 2}, url_for_year=str, today=datetime.date(2020, 6, 1))
    span = line.spans[0]
    one_year = (line.right - line.left) / (2020 + 1 - 2013)
    assert span.fuzzy_start == pytest.approx(one_year, rel=0.01)
    assert span.open_end and not span.open_start
    assert span.end_x == pytest.approx(line.arrow_right)
    assert line.marks[0].label == "2015: 2 meetings"


def test_the_map_places_cities_by_coordinates_and_lists_the_rest():
    drawn = charts.meeting_map(
        [
            ("Jakarta", 106.8456, -6.2088, 4, "/j"),
            ("Hanoi", 105.8342, 21.0278, 1, "/h"),
            ("Geneva", 6.1432, 46.2044, 2, "/g"),
            ("Atlantis", None, None, 1, "/a"),
        ]
    )
    assert [place.label for place in drawn.places] == ["Jakarta", "Hanoi"]
    jakarta, hanoi = drawn.places
    assert hanoi.y < jakarta.y  # north is up
    assert jakarta.radius > hanoi.radius
    assert drawn.elsewhere == [("Geneva", 2, "/g"), ("Atlantis", 1, "/a")]
    assert drawn.unplaced
    assert drawn.land.startswith("M")


def test_the_network_layout_is_the_same_every_time():
    nodes = {key: (key.title(), 3, f"/{key}") for key in ["a", "b", "c", "d"]}
    edges = [("a", "b", 2, "/ab"), ("b", "c", 1, "/bc"), ("c", "d", 1, "/cd")]
    first, second = charts.network(nodes, edges), charts.network(nodes, edges)
    assert [(n.key, n.x, n.y) for n in first.nodes] == [(n.key, n.x, n.y) for n in second.nodes]
    assert all(0 < node.x < first.width and 0 < node.y < first.height for node in first.nodes)
    assert first.table[0].label == "A and B: 2 meetings together"


_LAYOUT = """
import json, sys
from partnership import charts
nodes = {key: (key.title(), 2, "/" + key) for key in "abcdefghijklmnop"}
edges = [(a, b, 1, "/") for a, b in ["ab", "bc", "cd", "de", "ef", "fg", "gh", "ij", "kl", "mn", "no"]]
print(json.dumps([(n.key, n.x, n.y) for n in charts.network(nodes, edges).nodes]))
"""


@pytest.mark.subprocess
def test_the_network_layout_is_the_same_in_every_worker():
    """Each worker process hashes strings its own way: the same people and meetings must still be
    drawn in the same places by every worker (a group of under half the people used to be laid
    out in its set's order, and so differently in each process)."""
    layouts = {
        subprocess.run(
            [sys.executable, "-c", _LAYOUT],
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ["1", "2", "3", "4"]
    }
    assert len(layouts) == 1


# -- places ---------------------------------------------------------------------------------


def test_cities_with_as_many_meetings_are_drawn_in_the_order_of_their_names():
    """Same-sized circles overlap in the order they are drawn: by name, whatever order the
    database grouped the cities in."""
    cities = [("Hanoi", 105.8, 21.0, 3, "/h"), ("Bangkok", 100.5, 13.8, 3, "/b"), ("Jakarta", 106.8, -6.2, 5, "/j")]
    for order in (cities, cities[::-1]):
        assert [place.label for place in charts.meeting_map(order).places] == ["Jakarta", "Bangkok", "Hanoi"]


def test_any_spelling_of_a_city_finds_one_record():
    hanoi = city_named(City, "Hà Nội")
    assert hanoi.name == "Hanoi"
    assert (hanoi.latitude, hanoi.longitude) == (21.0278, 105.8342)
    assert city_named(City, "Ha Noi") == hanoi
    assert city_named(City, "HANOI") == hanoi
    assert City.objects.count() == 1
    unknown = city_named(City, "Luang Prabang")
    assert unknown.name == "Luang Prabang" and not unknown.located


def test_a_meeting_is_linked_to_the_places_its_text_names(seeded):
    meeting = Meeting.objects.get(slug="2015-06-26-jenca-le-luong-minh")
    assert meeting.city_record.name == "Jakarta"
    assert meeting.venue_record == Venue.objects.get(name="ASEAN Secretariat", city=meeting.city_record)
    meeting.city, meeting.venue = "Ha Noi", ""
    meeting.save()
    meeting.refresh_from_db()
    assert meeting.city_record.name == "Hanoi"
    assert meeting.venue_record is None


def test_filtering_and_searching_by_a_city_find_it_by_any_name(client):
    in_hanoi = factories.meeting(city="Hà Nội", title="Talks on dengue")
    factories.meeting(city="Jakarta", title="Talks on peatland")
    for url in ["/meetings/?city=hanoi", "/meetings/?q=Ha+Noi", "/meetings/?q=hanoi"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert in_hanoi.title in response.text, url
        assert "Talks on peatland" not in response.text, url
    facets = client.get("/meetings/").text
    assert "?city=hanoi" in facets
    assert client.get("/meetings/?city=atlantis").status_code == 400


# -- pages ----------------------------------------------------------------------------------


@pytest.fixture
def history():
    """Three officials over three years: Ana met Ben twice, Ben met Cai once; two pillars."""
    ana, ben, cai = (factories.official(name=name) for name in ["Ana Ito", "Ben Lim", "Cai Wu"])
    un = factories.organisation(name="United Nations")
    economic, social = factories.area(name="Economic"), factories.area(name="Social")
    trade = factories.area(name="Trade", parent=economic)
    meetings = [
        factories.meeting(date=datetime.date(2014, 3, 1), areas=[trade], city="Bangkok"),
        factories.meeting(date=datetime.date(2016, 5, 1), areas=[trade, social], city="Ha Noi"),
        factories.meeting(date=datetime.date(2016, 7, 1), areas=[social], city="Geneva"),
    ]
    for meeting, people in zip(meetings, [(ana, ben), (ana, ben, cai), (cai,)], strict=True):
        for person in people:
            Participation.objects.create(meeting=meeting, official=person)
    meetings[1].organisation_links.create(organisation=un)
    return {"ana": ana, "ben": ben, "cai": cai, "un": un, "economic": economic, "meetings": meetings}


def test_each_bar_links_to_its_years_list_and_pillars_get_their_own_bands(client, history):
    html = client.get("/meetings/").text
    assert "histogram" not in html
    bar = hrefs(html, r"^2016: 2 meetings$")
    assert query(bar[0]) == {"year": ["2016"]}
    assert hrefs(html, r"^2015:") == []  # a gap, not a bar
    economic = hrefs(html, r"^2016: 1 meeting on Economic$")
    assert query(economic[0]) == {"area": [history["economic"].slug], "year": ["2016"]}
    followed = client.get(bar[0])
    assert "2 meetings" in followed.text
    # a filtered list keeps its filters in each bar's link, and writes no empty parameter
    filtered = client.get(f"/meetings/?official={history['ana'].slug}&q=").text
    assert query(hrefs(filtered, r"^2014: 1 meeting$")[0]) == {"official": [history["ana"].slug], "year": ["2014"]}
    assert '<th scope="row">2016</th>' in html  # the table alternative


def test_record_pages_chart_their_meetings_and_who_they_met(client, history):
    ana, ben, un = history["ana"], history["ben"], history["un"]
    html = client.get(ana.get_absolute_url()).text
    assert query(hrefs(html, r"^2016: 1 meeting$")[0]) == {"official": [ana.slug], "year": ["2016"]}
    met = re.search(r'id="met-with".*?</section>', html, re.S).group(0)
    assert 'Ben Lim</a> <span class="count">2 meetings together' in met
    assert 'Cai Wu</a> <span class="count">1 meeting together' in met
    assert f"?official={ana.slug}&amp;official={ben.slug}" in met
    assert f"?official={ana.slug}&amp;organisation={un.slug}" in met
    together = client.get(f"/meetings/?official={ana.slug}&official={ben.slug}")
    assert "2 meetings" in together.text
    organisation_page = client.get(un.get_absolute_url()).text
    assert f"?organisation={un.slug}&amp;official={ana.slug}" in organisation_page
    assert 'figure class="chart year-chart"' in client.get(history["economic"].get_absolute_url()).text


def test_a_record_pages_chart_links_as_a_list_of_its_meetings_would(history):
    """The chart of an official's or an organisation's page links each bar and band to the record's
    meetings in that year (and pillar) without validating a filter: the same links as the filter's."""
    for link, record in [(Participation, history["ana"]), (MeetingOrganisation, history["un"])]:
        field = facets.LINKS[link]
        counts = pictures.record_counts(link, record, pictures.record_meeting_dates(link, record)[0])
        kept = pictures.year_chart(RecordQuery(field, record.slug), counts=counts)
        validated = pictures.year_chart(pictures.record_meetings(**{field: record.slug}), counts=counts)
        assert kept == validated
        urls = [bar.url for band in kept.bands for bar in band.bars]
        assert len(kept.bands) == 3 and all(f"{field}={record.slug}" in url for url in urls)


postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the counts are kept on write by triggers")


@pytest.fixture
def hub():
    """The UN at three of five public meetings, Ana at four, with the hard cases around them: a person
    also at a meeting without the UN, one only there or only in drafts (a draft meeting with the UN or
    without, a draft participation at a published meeting with it or without), a published meeting
    the UN is linked to only in a draft."""
    ana, ben, cai, dee = (factories.official(name=name) for name in ["Ana Ito", "Ben Lim", "Cai Wu", "Dee Ong"])
    un, bank = factories.organisation(name="United Nations"), factories.organisation(name="World Bank")
    economic, social = factories.area(name="Economic"), factories.area(name="Social")
    trade = factories.area(name="Trade", parent=economic)
    draft = factories.release(status=ReleaseStatus.DRAFT)
    with_un = [
        factories.meeting(date=datetime.date(2014, 3, 1), areas=[trade]),
        factories.meeting(date=datetime.date(2016, 5, 1), areas=[trade, social]),
        factories.meeting(date=datetime.date(2016, 7, 1), areas=[social]),
        factories.meeting(date=datetime.date(2016, 9, 1), areas=[social], source=draft),
    ]
    without_un = factories.meeting(date=datetime.date(2016, 8, 1), areas=[trade])
    for meeting, people, organisations in [
        (with_un[0], [ana, ben], [un]),
        (with_un[1], [ana, ben, cai], [un, bank]),
        (with_un[2], [ana], [un]),
        (with_un[3], [cai, dee], [un]),
        (without_un, [ben, dee], [bank]),
    ]:
        for person in people:
            Participation.objects.create(meeting=meeting, official=person)
        for organisation in organisations:
            meeting.organisation_links.create(organisation=organisation)
    factories.meeting(date=datetime.date(2014, 5, 1), areas=[trade], source=draft).participations.create(official=ana)
    drafted_un = factories.meeting(date=datetime.date(2016, 2, 1), areas=[social])
    drafted_un.participations.create(official=ana)
    drafted_un.organisation_links.create(organisation=un, source=draft, source_paragraph=1)
    for meeting, person in [(with_un[0], dee), (without_un, cai)]:
        Participation.objects.create(meeting=meeting, official=person, source=draft, source_paragraph=1)
    return {"un": un, "ana": ana, "without_un": without_un, "drafted_un": drafted_un, "trade": trade, "social": social}


@postgresql
def test_an_organisation_at_most_meetings_is_counted_as_every_meeting_less_the_others(client, hub):
    """ASEAN and the UN are at nearly every meeting: their pages count every public meeting's kept
    counts less those of the few meetings without them, and show what grouping their own meetings
    shows, through the hard cases."""
    un, without_un = hub["un"], hub["without_un"]
    meeting_ids, _dates = pictures.record_meeting_dates(MeetingOrganisation, un)
    counts = pictures.record_counts(MeetingOrganisation, un, meeting_ids)
    grouped = pictures.MeetingCounts(meeting_ids)
    assert isinstance(counts, pictures.MeetingCountsLess)
    assert sorted(counts.less.without) == sorted([without_un.pk, hub["drafted_un"].pk])
    pillars = [pk for pk, *_ in pictures._pillars()]
    assert counts.per_year() == grouped.per_year() == {2014: 1, 2016: 2}
    assert counts.per_year_and_pillar(pillars) == grouped.per_year_and_pillar(pillars)
    for model, field, leave_out in [(Participation, "official", None), (MeetingOrganisation, "organisation", un.pk)]:
        assert counts.linked(model, field, leave_out=leave_out) == grouped.linked(model, field, leave_out=leave_out)

    def met_with() -> str:
        return re.search(r'id="met-with".*?</section>', client.get(un.get_absolute_url()).text, re.S).group(0)

    met = met_with()
    assert 'Ana Ito</a> <span class="count">3 meetings together' in met
    assert 'Ben Lim</a> <span class="count">2 meetings together' in met
    assert 'Cai Wu</a> <span class="count">1 meeting together' in met
    assert 'World Bank</a> <span class="count">1 meeting together' in met
    assert "Dee Ong" not in met and "United Nations</a>" not in met
    html = client.get(un.get_absolute_url()).text
    assert hrefs(html, r"^2016: 2 meetings$") and hrefs(html, r"^2016: 1 meeting on Economic$")

    # The UN joins the last meeting without it: seen on the next request.
    without_un.organisation_links.create(organisation=un)
    met = met_with()
    assert 'Ben Lim</a> <span class="count">3 meetings together' in met
    assert 'Dee Ong</a> <span class="count">1 meeting together' in met
    assert 'World Bank</a> <span class="count">2 meetings together' in met


@postgresql
def test_the_meetings_of_one_at_most_meetings_are_listed_with_the_facets_grouping_gives(client, hub):
    """/meetings/?organisation=<the UN> (or one official at most meetings), alone or with what counts
    are kept for (an area, a year, both, an area and a kind), is counted as those kept counts less
    the meetings without it, with every facet, the histogram, the chart and the count its grouping
    gives; kept by the token every meeting's write moves."""
    un, ana, trade, social = (hub[name].slug for name in ("un", "ana", "trade", "social"))
    for query in [
        f"organisation={un}",
        f"official={ana}&sort=title",
        f"organisation={un}&year=2016",
        f"year=2016&organisation={un}&area={trade}",
        f"organisation={un}&area={social}",
        f"official={ana}&area={trade}&kind=bilateral",
    ]:
        kept = MeetingFilter(QueryDict(query), queryset=Meeting.objects.public())
        grouped = MeetingFilter(QueryDict(query), queryset=Meeting.objects.public())
        grouped.count_by_group = True
        assert kept.is_valid() and grouped.is_valid()
        assert isinstance(kept.stored_counts(), facets.StoredCountsLess), query
        assert scopes.of_filters(kept) == scopes.MEETINGS
        assert kept.facets() == grouped.facets(), query
        assert kept.year_histogram() == grouped.year_histogram(), query
        assert pictures.year_chart(kept) == pictures.year_chart(grouped), query
        assert kept.stored_counts().total() == grouped.qs.count(), query

    listed = f"/meetings/?organisation={hub['un'].slug}"
    assert "3 meetings</h2>" in client.get(listed).text
    hub["without_un"].organisation_links.create(organisation=hub["un"])
    assert "4 meetings</h2>" in client.get(listed).text


def test_a_career_shows_posts_with_their_precision(client, history):
    ana = history["ana"]
    Post.objects.create(
        official=ana, organisation=history["un"], title="Envoy", start_date=datetime.date(2012, 1, 1),
        start_precision="year", end_date=datetime.date(2015, 6, 1), end_precision="month",
    )  # fmt: skip
    html = client.get(ana.get_absolute_url()).text
    assert "Envoy, United Nations: 2012 to June 2015" in html
    assert 'id="meetings-2016"' in html and 'id="meetings-2014"' in html  # meetings grouped by year


# The loops of charts/career.html before its marks were written in Python (chart_marks.py).
_CAREER_AS_THE_TEMPLATE_WROTE_IT = (
    '{% for x, year in career.year_labels %}<line class="gridline" x1="{{ x|floatformat:"1u" }}" '
    'x2="{{ x|floatformat:"1u" }}" y1="8" y2="{{ career.axis_y|floatformat:"1u" }}"/><text class="tick" '
    'x="{{ x|floatformat:"1u" }}" y="{{ career.height|floatformat:"1u" }}" dy="-4" text-anchor="middle">'
    "{{ year }}</text>{% endfor %}|{% for span in career.spans %}\n"
    '    <a href="{{ span.url }}" aria-label="{{ span.label }}: {{ span.start_text }} to {{ span.end_text }}">\n'
    "      <title>{{ span.label }}: {{ span.start_text }} – {{ span.end_text }}</title>\n"
    '      {% if span.fuzzy_start %}<rect class="span-fuzzy" fill="url(#fade-in)" '
    'x="{{ span.fuzzy_start_x|floatformat:"1u" }}" y="{{ span.y|floatformat:"1u" }}" '
    'width="{{ span.fuzzy_start|floatformat:"1u" }}" height="14"/>{% endif %}\n'
    '      <rect class="span" x="{{ span.x|floatformat:"1u" }}" y="{{ span.y|floatformat:"1u" }}" '
    'width="{{ span.width|floatformat:"1u" }}" height="14"/>\n'
    '      {% if span.fuzzy_end %}<rect class="span-fuzzy" fill="url(#fade-out)" x="{{ span.end_x|floatformat:"1u" }}" '
    'y="{{ span.y|floatformat:"1u" }}" width="{{ span.fuzzy_end|floatformat:"1u" }}" height="14"/>{% endif %}\n'
    '      {% if span.open_start %}<line class="open" x1="{{ career.arrow_left|floatformat:"1u" }}" '
    'x2="{{ career.left|floatformat:"1u" }}" y1="{{ span.mid_y|floatformat:"1u" }}" '
    'y2="{{ span.mid_y|floatformat:"1u" }}" marker-end="url(#open-end)"/>{% endif %}\n'
    '      {% if span.open_end %}<line class="open" x1="{{ span.end_x|floatformat:"1u" }}" '
    'x2="{{ career.right|floatformat:"1u" }}" y1="{{ span.mid_y|floatformat:"1u" }}" '
    'y2="{{ span.mid_y|floatformat:"1u" }}" marker-end="url(#open-end)"/>{% endif %}\n'
    '      <text class="span-label" x="{{ span.label_x|floatformat:"1u" }}" y="{{ span.y|floatformat:"1u" }}" '
    'dy="-4"{% if span.label_end %} text-anchor="end"{% endif %}>{{ span.label }} ({{ span.start_text }} – '
    "{{ span.end_text }})</text>\n    </a>\n    {% endfor %}|{% for mark in career.marks %}\n"
    '    <a href="{{ mark.url }}" aria-label="{{ mark.label }}"><title>{{ mark.label }}</title><circle class="mark" '
    'cx="{{ mark.x|floatformat:"1u" }}" cy="{{ mark.y|floatformat:"1u" }}" r="{{ mark.radius|floatformat:"1u" }}"/>'
    "</a>\n    {% endfor %}"
)


def test_a_career_is_written_as_the_template_wrote_it_and_escaped():
    """The career's year lines, spans and marks are written outside the template engine: the same
    bytes for every kind of end (faded, open, a label set against the right edge), and an editor's
    markup in a post's title or organisation is shown, never run."""
    from django.template import engines

    hostile = '<img src=x onerror="alert(1)"> & "Trade"'

    def post(label, start, start_end, end, end_end):
        texts = {"start_text": str(start or "start not recorded"), "end_text": str(end or "end not recorded")}
        return {"label": label, "url": "/organisations/a&b/", "start": start, "start_end": start_end,
                "end": end, "end_end": end_end, **texts}  # fmt: skip

    day = datetime.date
    career = charts.timeline(
        [
            post(hostile, day(2001, 1, 1), day(2001, 12, 31), day(2004, 6, 1), day(2004, 6, 30)),
            post("Envoy", None, None, day(2006, 3, 1), day(2006, 3, 31)),
            post("Adviser with a long title that reaches the right edge", day(2019, 5, 2), day(2019, 5, 2), None, None),
        ],
        {2002: 3, 2005: 1, 2019: 12},
        url_for_year=lambda year: f"/meetings/?official=a&year={year}",
        today=day(2020, 1, 1),
    )
    ends = {name for span in career.spans for name in ("fuzzy_start", "fuzzy_end", "open_start", "open_end",
            "label_end") if getattr(span, name)}  # fmt: skip
    assert ends == {"fuzzy_start", "fuzzy_end", "open_start", "open_end", "label_end"}  # every branch is drawn
    wrote = engines["django"].from_string(_CAREER_AS_THE_TEMPLATE_WROTE_IT).render({"career": career})
    tags = "|".join(
        (chart_marks.career_grid(career), chart_marks.career_spans(career), chart_marks.career_marks(career))
    )
    assert tags == wrote
    assert "<img" not in tags and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;Trade&quot;" in tags


def test_the_network_links_each_pair_to_their_meetings(client, history):
    ana, ben = history["ana"], history["ben"]
    response = client.get("/meetings/network/?year=2016")
    assert response.status_code == 200
    edge = hrefs(response.text, r"^Ana Ito and Ben Lim: 1 meeting together$")
    assert query(edge[0])["year"] == ["2016"]
    assert sorted(query(edge[0])["official"]) == sorted([ana.slug, ben.slug])
    assert not hrefs(client.get("/meetings/network/?year=2014").text, r"Cai Wu")
    everything = client.get("/meetings/network/").text
    assert hrefs(everything, r"^Ana Ito and Ben Lim: 2 meetings together$")
    assert client.get("/meetings/network/?year=nope").status_code == 400


def test_the_network_is_capped_with_a_message(client, history, monkeypatch):
    from partnership import pictures

    monkeypatch.setattr(pictures, "NETWORK_MAX_NODES", 2)
    html = client.get("/meetings/network/").text
    assert "The 2 people with the most meetings are drawn, of 3" in html
    assert len(re.findall(r'<circle class="node"', html)) == 2


def test_the_network_cut_between_namesakes_draws_the_same_people_every_time(client, history, monkeypatch):
    """Six people called Dana Ray, each at the same three meetings, and room for three: the cap
    cuts between namesakes with the same count, and the picture must not change from one render
    to the next (nor from one database plan to another): the first recorded are drawn."""
    from partnership import pictures

    namesakes = [factories.official(name="Dana Ray") for _ in range(6)]
    for person in reversed(namesakes):
        for meeting in history["meetings"]:
            Participation.objects.create(meeting=meeting, official=person)
    monkeypatch.setattr(pictures, "NETWORK_MAX_NODES", 3)
    html = client.get("/meetings/network/").text
    drawn = set(re.findall(r'official=([\w-]+)" aria-label="Dana Ray: ', html))
    assert drawn == {person.slug for person in namesakes[:3]}


def test_the_map_shows_the_filtered_meetings_per_city(client, history):
    html = client.get("/meetings/map/").text
    assert query(hrefs(html, r"^Hanoi: 1 meeting$")[0]) == {"city": ["hanoi"]}
    assert "Geneva" in re.search(r'id="elsewhere".*?</section>', html, re.S).group(0)
    assert 'class="land"' in html
    filtered = client.get("/meetings/map/?year=2014").text
    assert hrefs(filtered, r"^Bangkok") and not hrefs(filtered, r"^Hanoi")
    assert client.get("/meetings/map/?city=atlantis").status_code == 400


# -- cost -----------------------------------------------------------------------------------


def _queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


def _picture_pages() -> list[str]:
    official = Official.objects.order_by("pk").first()
    organisation = Organisation.objects.order_by("pk").first()
    area = Meeting.objects.public().order_by("pk").first().areas.order_by("pk").first()
    return [
        "/meetings/",
        "/meetings/?year=2015",
        "/meetings/network/",
        f"/meetings/network/?official={official.slug}",
        "/meetings/map/",
        "/meetings/map/?kind=summit",
        official.get_absolute_url(),
        organisation.get_absolute_url(),
        area.get_absolute_url(),
    ]


def test_pictures_cost_the_same_queries_at_10_and_at_300_meetings(client):
    """Every page with a picture issues as many queries for 300 meetings as for 10."""
    seed(meetings=10)
    small = [_queries(client, path) for path in _picture_pages()]
    seed(meetings=300, replace=True)
    large = [_queries(client, path) for path in _picture_pages()]
    assert small == large


def test_the_dataset_carries_places_with_their_coordinates_and_names(seeded):
    from partnership.dataset import DatasetError, dump_dataset, load_dataset

    data = dump_dataset()
    assert [c["slug"] for c in data["cities"]] == ["jakarta"]
    data["cities"].append(
        {"slug": "luang-prabang", "name": "Luang Prabang", "latitude": 19.89, "longitude": 102.13, "aliases": ["LPQ"]}
    )
    data["meetings"][0]["city"] = "LPQ"
    load_dataset(data)
    assert Meeting.objects.get(slug=data["meetings"][0]["slug"]).city_record.name == "Luang Prabang"
    data["cities"][-1]["latitude"] = 123
    with pytest.raises(DatasetError, match=r"cities\[1\]"):
        load_dataset(data)


def test_a_chart_of_few_years_stays_small_and_a_long_one_scrolls_on_phones():
    """A single year is drawn at its own small size, not stretched to the page; many years get 'wide'."""
    one = charts.year_chart({2015: 1}, url_for_year=str)
    assert one.width == 320 and not one.wide
    many = charts.year_chart(dict.fromkeys(range(1977, 2027), 1), url_for_year=str)
    assert many.wide
