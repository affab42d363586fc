"""Lists rendered from their cached parts: the same page for staff and visitors, fresh after a save,
constant queries, bad parameters never kept."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.synthetic import seed
from partnership.models import CooperationArea, Meeting, Official

from . import factories

pytestmark = pytest.mark.django_db

LISTS = ["/meetings/", "/officials/", "/organisations/", "/agreements/", "/releases/", "/areas/"]


def _read(client, path: str) -> tuple[int, str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, response.content.decode(), [query["sql"] for query in captured]


@pytest.fixture
def staff_client(django_user_model):
    staff = Client()
    staff.force_login(django_user_model.objects.create_user("editor", password="pw", is_staff=True))
    return staff


@pytest.mark.parametrize("page_cache", [True, False])
def test_staff_see_the_list_visitors_see_and_a_save_on_the_next_request(client, staff_client, settings, page_cache):
    settings.PAGE_CACHE = page_cache
    area = factories.area(name="Haze")
    meeting = factories.meeting(title="Meeting on haze", areas=[area])
    for path in ["/meetings/", f"/meetings/?area={area.slug}", "/search/?q=haze"]:
        visitor, staff = client.get(path), staff_client.get(path)
        assert staff.status_code == visitor.status_code == 200
        assert staff.content == visitor.content
        assert "Meeting on haze" in staff.text
    meeting.title = "Meeting on transboundary haze"
    meeting.save()
    for path in ["/meetings/", f"/meetings/?area={area.slug}", "/search/?q=haze"]:
        assert "Meeting on transboundary haze" in staff_client.get(path).text
        assert "Meeting on transboundary haze" in client.get(path).text


def test_staff_read_the_page_a_visitor_stored_without_rendering_it(client, staff_client, settings):
    """As fast as a visitor: nothing is read from the database, not even the session or the user."""
    settings.PAGE_CACHE = True
    factories.meeting(title="Meeting on haze")
    client.get("/meetings/")
    status, text, queries = _read(staff_client, "/meetings/")
    assert status == 200 and "Meeting on haze" in text
    assert queries == []


def test_a_list_rendered_for_staff_is_kept_for_visitors_only_where_it_is_kept_by_versions(
    client, staff_client, settings
):
    """The meetings list is kept as a record page is (it holds nothing personal), so a page rendered
    for an editor is the page a visitor then reads; the other lists are still stored only from
    visitors' requests."""
    settings.PAGE_CACHE = True
    factories.meeting(title="Meeting on haze")
    factories.official(name="Maria Santos")
    rendered_for_staff = staff_client.get("/meetings/").text
    _status, text, queries = _read(client, "/meetings/")
    assert text == rendered_for_staff and "Meeting on haze" in text
    assert not _record_reads(queries)
    staff_client.get("/officials/")
    _status, text, queries = _read(client, "/officials/")
    assert "Maria Santos" in text
    assert _record_reads(queries)


def test_lists_read_their_rows_only_once_their_parts_are_cached_and_the_same_at_10_and_300_meetings(client, settings):
    """Rendered without the page cache: the second request reads its page's rows (and their names), not
    the count, the page keys or the facets; the same queries whatever the data's size."""
    settings.PAGE_CACHE = False

    def paths():
        area = CooperationArea.objects.filter(parent__isnull=False).order_by("pk").first()
        official = Official.objects.order_by("pk").first()
        return [
            *LISTS,
            f"/meetings/?area={area.slug}",
            f"/meetings/?official={official.slug}&sort=title",
            "/meetings/?sort=date",
            "/officials/?q=a",
            "/search/?q=cooperation",
        ]

    counts = []
    for size in (10, 300):
        seed(meetings=size, replace=size != 10)
        measured = {}
        for path in paths():
            cold = len(_read(client, path)[2])
            status, _text, warm = _read(client, path)
            assert status == 200, path
            measured[path.split("=")[0]] = (cold, len(warm))
        counts.append(measured)
    assert counts[0] == counts[1]
    warm = {path: queries for path, (_cold, queries) in counts[1].items()}
    assert warm["/meetings/"] == warm["/meetings/?area"] == 1
    assert warm["/officials/"] == 2  # the officials and their public posts
    assert warm["/search/?q"] == warm["/areas/"] == 0


def test_the_order_of_parameters_and_the_page_do_not_change_a_lists_parts(client, settings):
    settings.PAGE_CACHE = False
    area = factories.area(name="Haze")
    for day in range(1, 30):
        factories.meeting(title=f"Meeting {day}", areas=[area], date=datetime.date(2015, 6, day))
    first = client.get(f"/meetings/?area={area.slug}&year=2015").text
    _status, _text, queries = _read(client, "/meetings/?year=2015&page=2&area=" + area.slug)
    assert len(queries) == 1
    second = client.get(f"/meetings/?year=2015&area={area.slug}").text
    assert first.replace("area=haze&amp;year=2015", "").count("Meeting ") == second.count("Meeting ")


def test_a_list_whose_filter_named_a_deleted_record_answers_400_on_the_next_request(client, settings):
    """Only valid parameters are kept, and only until the next save: a deleted area is not served from the cache."""
    settings.PAGE_CACHE = False
    area = factories.area(name="Zyxland reef")
    factories.meeting(title="Meeting on the reef", areas=[area])
    assert client.get("/meetings/?area=zyxland-reef").status_code == 200
    Meeting.objects.all().delete()
    area.delete()
    response = client.get("/meetings/?area=zyxland-reef")
    assert response.status_code == 400
    assert "There is no cooperation area “zyxland-reef”." in response.text


def test_bad_parameters_are_answered_every_time_and_never_kept(client, settings):
    settings.PAGE_CACHE = False
    factories.meeting(title="Meeting on haze")
    for _ in range(2):
        response = client.get("/meetings/?year=-3")
        assert response.status_code == 400
        assert "greater than or equal to 1" in response.text
    assert client.get("/meetings/?page=2").status_code == 400
    assert client.get("/meetings/").status_code == 200
    response = client.get("/meetings/?page=2")
    assert response.status_code == 400
    assert "There is no such page: the last page is 1." in response.text
    factories.area(name="Atlantis")
    assert client.get("/meetings/?area=atlantis").status_code == 200


def test_a_record_named_by_another_spelling_links_pages_by_its_slug(client, settings):
    settings.PAGE_CACHE = False
    official = factories.official(name="Miroslav Jenča", aliases=["Jenca"])
    for day in range(1, 30):
        meeting = factories.meeting(title=f"Meeting {day}", date=datetime.date(2015, 6, day))
        meeting.participations.create(official=official, source=meeting.source, source_paragraph=1)
    for _ in range(2):
        text = client.get("/meetings/?official=Jenca").text
        assert f"?official={official.slug}&amp;page=2" in text
        assert f'<link rel="canonical" href="http://testserver/meetings/?official={official.slug}">' in text


def _record_reads(queries: list[str]) -> list[str]:
    return [sql for sql in queries if "partnership_" in sql]


def test_a_corrected_summary_keeps_the_lists_parts_and_shows_on_the_meeting_page_and_in_search(client, settings):
    """A save that changes only text no list counts or labels re-renders each list around its kept
    count, page keys and facets (one read: its rows), while the page and search see the new text."""
    settings.PAGE_CACHE = True
    area = factories.area(name="Haze")
    meeting = factories.meeting(title="Meeting on haze", areas=[area], summary="Talks on fires.")
    lists = ["/meetings/", f"/meetings/?area={area.slug}", "/"]
    for path in lists:
        client.get(path)
    meeting.summary = "Talks on peatland fires."
    meeting.save()
    for path in lists:
        status, text, queries = _read(client, path)
        assert status == 200 and "Meeting on haze" in text, path
        assert len(_record_reads(queries)) == 1, (path, _record_reads(queries))
    assert "Talks on peatland fires." in client.get(meeting.get_absolute_url()).text
    assert "Meeting on haze" in client.get("/search/?q=peatland").text


def test_a_renamed_meeting_moves_in_a_list_sorted_by_title_on_the_next_request(client, settings):
    """The hard case of the rule: the title is outside the count and the facets, not outside the
    order of a list sorted by it."""
    settings.PAGE_CACHE = True
    first = factories.meeting(title="Alpha meeting", date=datetime.date(2015, 6, 1))
    factories.meeting(title="Beta meeting", date=datetime.date(2015, 6, 2))
    text = client.get("/meetings/?sort=title").text
    assert text.index("Alpha meeting") < text.index("Beta meeting")
    first.title = "Zulu meeting"
    first.save()
    text = client.get("/meetings/?sort=title").text
    assert "Alpha meeting" not in text
    assert text.index("Beta meeting") < text.index("Zulu meeting")
    assert "Zulu meeting" in client.get("/meetings/").text


def test_a_save_that_changes_text_and_a_fact_together_moves_the_lists_parts(client, settings):
    settings.PAGE_CACHE = True
    meeting = factories.meeting(title="Meeting on haze", date=datetime.date(2015, 6, 1))
    assert "Meeting on haze" not in client.get("/meetings/?year=2016").text
    assert client.get("/meetings/?year=2015").status_code == 200
    meeting.summary = "Moved to the next year."
    meeting.date = datetime.date(2016, 1, 5)
    meeting.save()
    assert "Meeting on haze" in client.get("/meetings/?year=2016").text
    assert "Meeting on haze" not in client.get("/meetings/?year=2015").text


def test_a_corrected_release_text_keeps_the_lists_parts_and_unpublishing_it_does_not(client, settings):
    settings.PAGE_CACHE = True
    meeting = factories.meeting(title="Meeting on haze")
    release = meeting.source
    client.get("/meetings/")
    release.body = release.body + "\n\nA corrected closing paragraph."
    release.save()
    _status, text, queries = _read(client, "/meetings/")
    assert "Meeting on haze" in text and len(_record_reads(queries)) == 1
    assert "A corrected closing paragraph." in client.get(release.get_absolute_url()).text
    release.status = "draft"
    release.save()
    assert "Meeting on haze" not in client.get("/meetings/").text


# -- a meeting's write reaches the lists filtered by what it is linked to, and only those ----------


def _kept(client, path: str) -> bool:
    """Whether the list's parts were served as kept: only its rows are read."""
    status, _text, queries = _read(client, path)
    assert status == 200, path
    return len(_record_reads(queries)) == 1


def test_a_meetings_new_date_reaches_the_lists_of_its_areas_above_it_and_years_and_no_other(client, settings):
    settings.PAGE_CACHE = False
    pillar = factories.area(name="Security pillar")
    topic = factories.area(name="Haze", parent=pillar)
    elsewhere = factories.area(name="Fisheries")
    moved = factories.meeting(title="Meeting on haze", areas=[topic], date=datetime.date(2015, 6, 1))
    factories.meeting(title="Meeting on fish", areas=[elsewhere], date=datetime.date(2015, 6, 2))
    paths = [f"/meetings/?area={a.slug}" for a in (pillar, topic, elsewhere)] + ["/meetings/?year=2016", "/meetings/"]
    for path in [*paths, "/meetings/?year=2015"]:
        client.get(path)
    moved.date = datetime.date(2016, 1, 5)
    moved.save()
    assert _kept(client, f"/meetings/?area={elsewhere.slug}")
    for path in paths[:2] + paths[3:]:
        assert not _kept(client, path), path
        assert "Meeting on haze" in client.get(path).text
        assert "2016" in client.get(path).text
    assert "Meeting on haze" not in client.get("/meetings/?year=2015").text


def test_a_participation_moved_to_another_official_reaches_both_officials_lists(client, settings):
    """The hard case: two people sharing a surname, and a link corrected from one to the other."""
    settings.PAGE_CACHE = False
    meeting = factories.meeting(title="Meeting on haze")
    wrong, right = factories.official(name="Maria Santos"), factories.official(name="Jose Santos")
    bystander = factories.official(name="Ana Reyes")
    factories.meeting(title="Meeting on fish").participations.create(official=bystander)
    link = meeting.participations.create(official=wrong)
    for person in (wrong, right, bystander):
        client.get(f"/meetings/?official={person.slug}")
    link.official = right
    link.save()
    assert "Meeting on haze" not in client.get(f"/meetings/?official={wrong.slug}").text
    assert "Meeting on haze" in client.get(f"/meetings/?official={right.slug}").text
    assert _kept(client, f"/meetings/?official={bystander.slug}")


def test_a_deleted_meeting_and_a_published_draft_link_reach_the_area_list(client, settings):
    from partnership import services
    from partnership.models import MeetingArea, ReleaseStatus

    settings.PAGE_CACHE = False
    area = factories.area(name="Haze")
    gone = factories.meeting(title="Meeting to delete", areas=[area])
    later = factories.meeting(title="Meeting with a draft area")
    draft = factories.release(status=ReleaseStatus.DRAFT)
    MeetingArea.objects.create(meeting=later, area=area, source=draft, source_paragraph=1)
    path = f"/meetings/?area={area.slug}"
    text = client.get(path).text
    assert "Meeting to delete" in text and "Meeting with a draft area" not in text
    gone.delete()
    assert "Meeting to delete" not in client.get(path).text
    services.releases_set_status(releases=[draft], status=ReleaseStatus.PUBLISHED)
    assert "Meeting with a draft area" in client.get(path).text


def test_a_corrected_title_re_renders_only_the_meetings_list_pages_showing_that_meeting(client, settings):
    """Whole list pages are kept by the versions of their rows too: a renamed meeting re-renders the
    pages that show it, while another area's list is served without reading anything."""
    settings.PAGE_CACHE = True
    haze, fish = factories.area(name="Haze"), factories.area(name="Fisheries")
    meeting = factories.meeting(title="Meeting on haze", areas=[haze])
    factories.meeting(title="Meeting on fish", areas=[fish])
    for path in (f"/meetings/?area={haze.slug}", f"/meetings/?area={fish.slug}", "/meetings/"):
        client.get(path)
    meeting.title = "Meeting on transboundary haze"
    meeting.save()
    status, text, queries = _read(client, f"/meetings/?area={fish.slug}")
    assert status == 200 and "Meeting on fish" in text
    assert queries == []
    for path in (f"/meetings/?area={haze.slug}", "/meetings/"):
        assert "Meeting on transboundary haze" in client.get(path).text, path


def test_a_fact_that_makes_a_person_public_reaches_the_lists_of_their_other_meetings(client, settings):
    """The hard case of the scope rule: a participation with its own published source attests an
    official first seen in a draft release, which makes their links in other meetings public too:
    the lists of those other meetings count them on the next request."""
    from partnership.models import ReleaseStatus

    settings.PAGE_CACHE = False
    embargoed = factories.release(status=ReleaseStatus.DRAFT)
    person = factories.official(name="Maria Santos", first_seen=embargoed)
    other_area = factories.area(name="Fisheries")
    factories.meeting(title="Meeting on fish", areas=[other_area]).participations.create(official=person)
    attesting, published = factories.meeting(title="Meeting on haze"), factories.release()
    path = f"/meetings/?area={other_area.slug}"
    assert "Maria Santos" not in client.get(path).text
    attesting.participations.create(official=person, source=published, source_paragraph=1)
    assert "Maria Santos" in client.get(path).text


def _slugs(text: str, kind: str) -> list[str]:
    return re.findall(rf'<li class="record"><a href="/{kind}/([^"/]+)/"', text)


def test_deep_pages_follow_the_first_pages_without_repeating_or_skipping_a_row(client, settings):
    """The first pages' keys come with a list's parts; a deeper page's are read by another query when
    it is asked for. Officials sharing a name keep one order in both."""
    settings.PAGE_CACHE = False
    for n in range(8 * 25):
        factories.official(name=f"Tan {'ABC'[n % 3]}")
    pages = [client.get(f"/officials/?page={number}").text for number in range(1, 9)]
    every = [slug for page in pages for slug in _slugs(page, "officials")]
    assert len(every) == len(set(every)) == Official.objects.public().count() == 200
    # People sharing a name are listed in the order they were recorded: one order for every query.
    for name in ("Tan A", "Tan B", "Tan C"):
        recorded = list(Official.objects.filter(name=name).order_by("pk").values_list("slug", flat=True))
        assert [slug for slug in every if slug in recorded] == recorded


def test_a_deep_page_reads_its_keys_once_and_shows_a_meeting_moved_onto_it_on_the_next_request(client, settings):
    settings.PAGE_CACHE = False
    start = datetime.date(2000, 1, 1)
    meetings = [
        factories.meeting(title=f"Session {n:03d}", date=start + datetime.timedelta(days=n)) for n in range(175)
    ]
    assert "Session 000" in client.get("/meetings/?page=7").text  # newest first: the oldest are last
    _status, text, queries = _read(client, "/meetings/?page=7")
    _status, _text, second_page = _read(client, "/meetings/?page=2")
    assert len(queries) == len(second_page)  # kept: a deep page then reads only its rows
    newest = meetings[-1]
    assert "Session 174" not in text
    newest.date = datetime.date(1990, 1, 1)
    newest.save()
    assert "Session 174" in client.get("/meetings/?page=7").text
    assert "Session 174" not in client.get("/meetings/?page=1").text


# The meetings list's rows as its template's loop wrote them, before they were written in Python.
_ROWS_AS_THE_TEMPLATE_WROTE_THEM = (
    "{% for meeting in object_list %}\n"
    '    <li class="record"><a href="{{ meeting.url }}">{{ meeting.title }}</a>\n'
    '  <span class="meta"><span class="date">{{ meeting.date_display }}</span>'
    "{% if meeting.place %} · {{ meeting.place }}{% endif %}</span></li>\n\n"
    "    {% endfor %}"
)


def test_the_meetings_rows_are_written_as_the_template_wrote_them_and_escaped(client):
    """The rows are written outside the template engine: the same bytes, and an editor's markup in a
    title or a place is shown, never run."""
    from django.template import engines

    from partnership import lists
    from partnership.templatetags.record_rows import meeting_rows

    hostile = '<img src=x onerror="alert(1)"> & "Trade"'
    factories.meeting(title=hostile, venue=hostile, city="Ha Noi", date=datetime.date(2016, 5, 1))
    factories.meeting(title="Plain", venue="", city="", date_precision="year", date=datetime.date(2012, 1, 1))
    factories.meeting(title="Only a city", venue="", city="Jakarta", date_precision="month")
    rows = lists.meeting_rows(list(Meeting.objects.values_list("pk", flat=True)))
    template = engines["django"].from_string(_ROWS_AS_THE_TEMPLATE_WROTE_THEM)
    assert meeting_rows(rows) == template.render({"object_list": rows})

    html = client.get("/meetings/").text
    assert "<img" not in html
    escaped = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;Trade&quot;"
    assert f">{escaped}</a>" in html
    assert f" · {escaped}, Ha Noi</span></li>" in html
    assert '<span class="date">2012</span></span></li>' in html


# The loop of partnership/official_detail.html before its rows were written in Python (record_rows.py);
# the line break and indent before it stay in the page's template.
_ATTENDED_AS_THE_TEMPLATE_WROTE_THEM = (
    "{% load facts %}{% regroup participations by meeting.date.year as by_year %}"
    "{% for year in by_year %}\n"
    '  <h3 id="meetings-{{ year.grouper }}" class="year-heading">{{ year.grouper }}</h3>\n'
    '  <ul class="records">\n'
    "    {% for participation in year.list %}\n"
    '    <li><a href="{{ participation.meeting.get_absolute_url }}">{{ participation.meeting.title }}</a>\n'
    '      <span class="meta">{{ participation.meeting.date_display }} · {{ participation.get_role_display|lower }}'
    "{% if participation.public_post %}, as {{ participation.public_post.title }}{% endif %}</span>\n"
    "      {% source_link participation %}</li>\n"
    "    {% endfor %}\n"
    "  </ul>\n"
    "  {% empty %}<p>None recorded.</p>\n"
    "  {% endfor %}"
)


def test_the_meetings_an_official_attended_are_written_as_the_template_wrote_them_and_escaped(client):
    """An official's meetings by year are written outside the template engine: the same bytes with
    a post shown or hidden (its release a draft), with or without a source, none at all; and an
    editor's markup in a title is shown, never run."""
    from django.template import engines

    from partnership import selectors
    from partnership.models import Participation
    from partnership.templatetags.record_rows import meetings_attended

    hostile = '<img src=x onerror="alert(1)"> & "Trade"'
    official, loner = factories.official(name="Ana Ito"), factories.official(name="Ben Lim")
    shown = factories.post(official=official, title=hostile)
    draft = factories.release(status="draft")
    drafted = factories.post(official=official, title="Envoy", source=draft, source_paragraph=1)
    for date, post, role, source in [
        (datetime.date(2016, 5, 1), shown, "chair", factories.release()),
        (datetime.date(2016, 2, 1), drafted, "host", factories.release()),
        (datetime.date(2014, 3, 1), None, "participant", None),
    ]:
        meeting = factories.meeting(title=hostile, date=date)
        Participation.objects.create(
            meeting=meeting, official=official, post=post, role=role, source=source, source_paragraph=source and 1
        )
    template = engines["django"].from_string(_ATTENDED_AS_THE_TEMPLATE_WROTE_THEM)
    for person in (official, loner):
        participations = selectors.official_page(person.slug)["participations"]
        written = meetings_attended(participations)
        assert written == template.render({"participations": participations})
    assert "<img" not in written.replace("&lt;img", "") and "None recorded." in written  # the loner's
    html = client.get(official.get_absolute_url()).text
    assert html.count('class="year-heading"') == 2 and "(chair), as &lt;img" not in html
    assert "chair, as &lt;img src=x onerror=&quot;alert(1)&quot;&gt; &amp; &quot;Trade&quot;</span>" in html
    assert "host</span>" in html  # the draft post is not named


def test_a_rendered_list_reads_its_kept_parts_in_one_round_trip_to_the_cache(client, settings, monkeypatch):
    """Rendered on every request (staff, the first request after a save elsewhere): the kept parts,
    the generation they were kept under and their filters' scope token are read together."""
    from django.core.cache import caches

    settings.PAGE_CACHE = False
    area = factories.area(name="Trade")
    factories.meeting(areas=[area])
    backend = caches["default"]
    reads, inside = [], []

    def counted(method):
        original = getattr(backend, method)

        def read(*args, **kwargs):
            if not inside:  # a backend may read several keys one by one (local memory does)
                reads.append(method)
            inside.append(method)
            try:
                return original(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(backend, method, read)

    for path in ("/meetings/", f"/meetings/?area={area.slug}"):
        client.get(path)
        reads.clear()
        counted("get")
        counted("get_many")
        assert client.get(path).status_code == 200
        monkeypatch.undo()
        assert reads == ["get_many"], path


# The page links as includes/pagination.html wrote them, before they were written in Python.
_PAGE_LINKS_AS_THE_TEMPLATE_WROTE_THEM = (
    "{% if page_obj and page_obj.paginator.num_pages > 1 %}\n"
    '<nav class="pagination" aria-label="Pages">\n'
    '  {% if page_obj.has_previous %}<a rel="prev" href="?{% if query %}{{ query }}&amp;{% endif %}'
    'page={{ page_obj.previous_page_number }}">← Previous</a>{% endif %}\n'
    '  <ul class="page-numbers">\n'
    "    {% for number in page_numbers %}\n"
    '    {% if number == page_obj.paginator.ELLIPSIS %}<li aria-hidden="true">…</li>\n'
    '    {% elif number == page_obj.number %}<li><a href="?{% if query %}{{ query }}&amp;{% endif %}'
    'page={{ number }}" aria-current="page" aria-label="Page {{ number }}, this page">{{ number }}</a></li>\n'
    '    {% else %}<li><a href="?{% if query %}{{ query }}&amp;{% endif %}page={{ number }}" '
    'aria-label="Page {{ number }}">{{ number }}</a></li>{% endif %}\n'
    "    {% endfor %}\n"
    "  </ul>\n"
    '  {% if page_obj.has_next %}<a rel="next" href="?{% if query %}{{ query }}&amp;{% endif %}'
    'page={{ page_obj.next_page_number }}">Next →</a>{% endif %}\n'
    '  <p class="page-of">Page {{ page_obj.number }} of {{ page_obj.paginator.num_pages }}'
    "{% if page_obj.paginator.truncated %} (pages stop at {{ page_obj.paginator.num_pages }}: "
    "{{ truncated_advice }} to reach the rest){% endif %}</p>\n"
    "</nav>\n"
    "{% endif %}\n"
)


@pytest.mark.parametrize("sort", ["", "title", "-date"])
def test_page_links_are_written_as_the_template_wrote_them_and_escaped(sort):
    from django.template import engines
    from django.test import RequestFactory

    from partnership.pagination import BoundedPaginator, beyond_the_last_page
    from partnership.templatetags.pages import pagination

    template = engines["django"].from_string(_PAGE_LINKS_AS_THE_TEMPLATE_WROTE_THEM)
    request = RequestFactory().get("/meetings/", {"sort": sort} if sort else {})
    for count in (0, 1, 25, 26, 60, 130, 251, 2000):
        paginator = BoundedPaginator(range(count), 25)
        for number in range(1, paginator.num_pages + 1):
            page = paginator.page(number)
            for query in ("", "area=trade", 'q="><script>alert(1)</script>&area=a'):
                context = {
                    "page_obj": page,
                    "query": query,
                    "page_numbers": list(paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)),
                    "truncated_advice": beyond_the_last_page(sort),
                }
                written = pagination({"request": request}, page, query)
                assert written == template.render(context), (count, number, query)
                assert "<script>" not in written
    assert "(pages stop at 40: " in written  # the last list's pages are cut at MAX_PAGES
    assert pagination({"request": request}, None, "") == "\n"
