"""Record pages cached by the versions of the records they show (partnership/versions.py).

Each test renders a page (so it is cached), changes something, and asks again: the next
request must show the change, while a save the page does not show must leave it cached.
"""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnership import services, versions
from partnership.models import (
    Agreement,
    City,
    Meeting,
    MeetingAgreement,
    MeetingArea,
    MeetingOrganisation,
    Outcome,
    Participation,
    ReleaseStatus,
)

from . import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    """A published meeting with one participant, both public."""
    official = factories.official(name="Miroslav Jenča")
    meeting = factories.meeting(title="Meeting on haze")
    Participation.objects.create(
        meeting=meeting, official=official, source=meeting.source, source_paragraph=1, role="visitor"
    )
    return meeting, official


def page(client, record) -> str:
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    return response.text


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


def test_a_second_visit_reads_nothing_from_the_database(client, scene):
    meeting, official = scene
    for record in (meeting, official):
        page(client, record)
        assert queries(client, record.get_absolute_url()) == 0


def test_a_save_the_page_does_not_show_leaves_it_cached(client, scene):
    meeting, official = scene
    page(client, meeting)
    factories.official(name="Someone Else")
    factories.meeting(title="Another meeting")
    assert queries(client, meeting.get_absolute_url()) == 0


def test_a_save_of_the_record_is_on_its_page_at_the_next_request(client, scene):
    meeting, _official = scene
    assert "Meeting on haze" in page(client, meeting)
    meeting.title = "Meeting on transboundary haze"
    meeting.save()
    assert "Meeting on transboundary haze" in page(client, meeting)


def test_renaming_an_official_shows_on_the_meeting_page(client, scene):
    meeting, official = scene
    assert "Miroslav Jenča" in page(client, meeting)
    official.name = "Miroslav Jenca"
    official.save()
    text = page(client, meeting)
    assert "Miroslav Jenca" in text and "Miroslav Jenča" not in text


def test_renaming_a_meeting_shows_on_its_participants_pages(client, scene):
    meeting, official = scene
    assert "Meeting on haze" in page(client, official)
    meeting.title = "Meeting on peatland fires"
    meeting.save()
    assert "Meeting on peatland fires" in page(client, official)


def test_a_link_added_then_removed_shows_then_goes_on_both_pages(client, scene):
    meeting, _official = scene
    other = factories.official(name="Le Luong Minh")
    assert "Le Luong Minh" not in page(client, meeting)
    assert "Meeting on haze" not in page(client, other)
    link = Participation.objects.create(meeting=meeting, official=other, source=meeting.source, source_paragraph=1)
    assert "Le Luong Minh" in page(client, meeting)
    assert "Meeting on haze" in page(client, other)
    link.delete()
    assert "Le Luong Minh" not in page(client, meeting)
    assert "Meeting on haze" not in page(client, other)


def test_links_of_every_kind_show_at_the_next_request(client, scene):
    meeting, _official = scene
    organisation = factories.organisation(name="World Food Programme")
    area = factories.area(name="Food security")
    agreement = Agreement.objects.create(title="Plan of Action on Food")
    page(client, meeting)
    cite = {"source": meeting.source, "source_paragraph": 1}
    MeetingOrganisation.objects.create(meeting=meeting, organisation=organisation, **cite)
    MeetingArea.objects.create(meeting=meeting, area=area, **cite)
    MeetingAgreement.objects.create(meeting=meeting, agreement=agreement, **cite)
    outcome = Outcome.objects.create(meeting=meeting, kind="agreed", text="Rice reserves will grow.", **cite)
    text = page(client, meeting)
    assert all(name in text for name in ("World Food Programme", "Food security", "Plan of Action on Food"))
    assert "Rice reserves will grow." in text
    for record in (organisation, area, agreement):
        assert "Meeting on haze" in page(client, record)
    other = factories.area(name="Disaster management")
    outcome.areas.add(other)
    assert "Disaster management" in page(client, meeting)
    outcome.areas.clear()
    assert "Disaster management" not in page(client, meeting)


def test_publish_then_unpublish_a_release_shows_then_hides_its_fact(client, scene):
    """A participation from a second release: on the meeting's and the official's pages only while it is published."""
    meeting, _official = scene
    other = factories.official(name="Le Luong Minh")
    later = factories.release(title="A later release", status=ReleaseStatus.DRAFT)
    Participation.objects.create(meeting=meeting, official=other, source=later, source_paragraph=2)
    assert "Le Luong Minh" not in page(client, meeting)
    services.releases_set_status(releases=[later], status=ReleaseStatus.PUBLISHED)
    assert "Le Luong Minh" in page(client, meeting)
    assert "Meeting on haze" in page(client, other)
    services.releases_set_status(releases=[later], status=ReleaseStatus.DRAFT)
    assert "Le Luong Minh" not in page(client, meeting)
    assert "Meeting on haze" not in page(client, other)


def test_unpublishing_a_meetings_release_takes_its_page_and_its_participants_mentions_down(client, scene):
    meeting, official = scene
    assert "Meeting on haze" in page(client, official)
    services.releases_set_status(releases=[meeting.source], status=ReleaseStatus.DRAFT)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert "Meeting on haze" not in page(client, official)


def test_a_draft_fact_on_a_published_meeting_is_never_shown(client, scene):
    meeting, official = scene
    page(client, meeting)
    page(client, official)
    draft = factories.release(title="An embargoed release", status=ReleaseStatus.DRAFT)
    secret = factories.official(name="Embargoed Envoy")
    Participation.objects.create(meeting=meeting, official=secret, source=draft, source_paragraph=1)
    for _ in range(2):  # rendered after the save, then served from the cache
        assert "Embargoed Envoy" not in page(client, meeting)
        assert "Embargoed Envoy" not in page(client, official)


def test_a_hidden_record_becomes_visible_when_another_release_names_it(client, scene):
    """A hand-entered link to an official first seen in a draft shows once a published release names them."""
    meeting, _official = scene
    draft = factories.release(title="An embargoed release", status=ReleaseStatus.DRAFT)
    hidden = factories.official(name="Embargoed Envoy", first_seen=draft)
    Participation.objects.create(meeting=meeting, official=hidden)
    assert "Embargoed Envoy" not in page(client, meeting)
    services.releases_set_status(releases=[draft], status=ReleaseStatus.PUBLISHED)
    assert "Embargoed Envoy" in page(client, meeting)


def test_staff_get_the_page_visitors_get_from_the_same_cache(client, django_user_model, scene):
    meeting, official = scene
    visitor = {record: page(client, record) for record in (meeting, official)}
    client.force_login(django_user_model.objects.create_user("editor", password="pw", is_staff=True))
    for record in (meeting, official):
        assert queries(client, record.get_absolute_url()) <= 2  # the session and the user, at most
        assert page(client, record) == visitor[record]
    official.name = "Miroslav Jenca"
    official.save()
    assert "Miroslav Jenca" in page(client, meeting)


def test_a_save_of_one_meeting_leaves_the_pages_of_other_meetings_in_its_city_cached(client, scene):
    """A place has no page: a meeting naming it moves nothing drawn from it. Its own rename does."""
    meeting, _official = scene
    jakarta = City.objects.create(name="Jakarta")
    Meeting.objects.filter(pk=meeting.pk).update(city="Jakarta", city_record=jakarta)
    neighbour = factories.meeting(title="Meeting on rice", city="Jakarta", city_record=jakarta)
    assert "Every meeting in Jakarta" in page(client, meeting)
    neighbour.summary = "Rice reserves were discussed."
    neighbour.date = datetime.date(2011, 5, 1)
    neighbour.save()
    assert queries(client, meeting.get_absolute_url()) == 0
    jakarta.name = "Jakarta Raya"
    jakarta.save()
    assert "Every meeting in Jakarta Raya" in page(client, meeting)


def test_a_meeting_moved_to_another_year_leaves_the_other_meeting_pages_of_its_people_cached(client, scene):
    """Their pages count it (moved on); other meetings' pages print only their names (kept)."""
    meeting, official = scene
    other = factories.meeting(title="Meeting on peatland")
    Participation.objects.create(meeting=other, official=official, source=other.source, source_paragraph=1)
    page(client, other)
    assert "year=1998" not in page(client, official)
    meeting.date = datetime.date(1998, 4, 2)
    meeting.save()
    assert queries(client, other.get_absolute_url()) == 0
    assert "year=1998" in page(client, official)
    area = factories.area(name="Haze")
    MeetingArea.objects.create(meeting=meeting, area=area, source=meeting.source, source_paragraph=1)
    assert queries(client, other.get_absolute_url()) == 0
    assert "Haze" in page(client, meeting)


def test_an_official_page_counts_its_meetings_again_only_when_one_of_them_changes_what_it_counts(client, settings):
    """The pictures and latest meetings are kept by the official's scope token: a corrected title is
    shown without counting again; a meeting moved to another year, or a new person met, is counted."""
    settings.PAGE_CACHE = False
    official = factories.official(name="Kao Kim Hourn")
    meetings = [factories.meeting(title=f"Meeting {year}", date=datetime.date(year, 3, 1)) for year in (2012, 2013)]
    for meeting in meetings:
        Participation.objects.create(meeting=meeting, official=official, source=meeting.source, source_paragraph=1)
    path = official.get_absolute_url()
    cache.clear()
    counted = queries(client, path)
    rendered = queries(client, path)
    assert rendered < counted
    meetings[0].title = "Meeting on haze, corrected"
    meetings[0].save()
    assert queries(client, path) == rendered
    assert "Meeting on haze, corrected" in page(client, official)
    assert "year=1999" not in page(client, official)
    meetings[0].date = datetime.date(1999, 3, 1)
    meetings[0].save()
    assert "year=1999" in page(client, official)
    other = factories.official(name="Le Luong Minh")
    assert "Le Luong Minh" not in page(client, official)
    Participation.objects.create(meeting=meetings[1], official=other, source=meetings[1].source, source_paragraph=1)
    assert "Le Luong Minh" in page(client, official)


def test_the_page_is_the_same_from_the_cache_as_rendered(client, settings, scene):
    meeting, official = scene
    for record in (meeting, official):
        first, cached = page(client, record), page(client, record)
        settings.PAGE_CACHE = False
        assert page(client, record) == first == cached
        settings.PAGE_CACHE = True


def _meeting_with_facts(count: int):
    meeting = factories.meeting(title=f"Meeting with {count} facts")
    cite = {"source": meeting.source, "source_paragraph": 1}
    for n in range(count // 3):
        Participation.objects.create(meeting=meeting, official=factories.official(), **cite)
        MeetingOrganisation.objects.create(meeting=meeting, organisation=factories.organisation(), **cite)
        Outcome.objects.create(meeting=meeting, kind="agreed", text=f"Outcome {n}", position=n, **cite)
    return meeting


def test_a_meeting_page_reads_as_many_queries_for_300_facts_as_for_10(client, settings):
    settings.PAGE_CACHE = False
    small, large = _meeting_with_facts(10), _meeting_with_facts(300)
    client.get(small.get_absolute_url())
    assert queries(client, small.get_absolute_url()) == queries(client, large.get_absolute_url())


def test_an_official_page_reads_as_many_queries_for_300_meetings_as_for_10(client, settings):
    settings.PAGE_CACHE = False
    # Others' meetings, so that 300 is not most of them: a record at most meetings is counted another
    # way (every meeting's kept counts less the others', tests/test_pictures.py), with its own count.
    elsewhere = factories.release()
    for n in range(320):
        factories.meeting(date=datetime.date(1990 + n % 30, 6, 1), source=elsewhere)
    pages = []
    for count in (10, 300):
        official = factories.official()
        for n in range(count):
            meeting = factories.meeting(date=datetime.date(1990 + n % 30, 1, 1))
            Participation.objects.create(meeting=meeting, official=official, source=meeting.source, source_paragraph=1)
        pages.append(official.get_absolute_url())
    # Counted from nothing cached (the pictures are kept until a meeting of theirs is written), then again.
    cold = []
    for path in pages:
        cache.clear()
        cold.append(queries(client, path))
    assert cold[0] == cold[1]
    for path in pages:
        client.get(path)
    assert queries(client, pages[0]) == queries(client, pages[1])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_pages_queries_are_planned_once_per_connection_and_still_read_what_changed(client, scene, settings):
    """Rendered again and again (no page cache), a meeting's page runs its statements prepared: the
    public rule's plan is made once per connection, not per request. A plan kept is not an answer
    kept: a post whose release goes back to draft disappears from the next page."""
    settings.PAGE_CACHE = False
    meeting, official = scene
    release = factories.release()
    post = factories.post(official=official, title="Assistant Secretary-General", source=release, source_paragraph=1)
    Participation.objects.filter(meeting=meeting).update(post=post)
    for _ in range(7):
        assert "then Assistant Secretary-General" in client.get(meeting.get_absolute_url()).text
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "partnership_participation"' in statement for statement in prepared)
    release.status = ReleaseStatus.DRAFT
    release.save()
    html = client.get(meeting.get_absolute_url()).text
    assert "Miroslav Jenča" in html and "Assistant Secretary-General" not in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_an_areas_latest_meetings_are_planned_for_each_area_however_many_pages_came_before(client, settings):
    """One plan cannot serve every area: the generic plan PostgreSQL settles on for a prepared
    statement walks every meeting by date looking for the area's, which took 2 s for a pillar
    with no meeting of its own. After a dozen area pages on one connection, the read of an area's
    latest meetings must still be unprepared (planned for that area), while the page's other
    reads are prepared, and each page still lists its own meetings."""
    settings.PAGE_CACHE = False
    pillar = factories.area(name="A pillar")
    areas = [factories.area(name=f"Theme {n}", parent=pillar) for n in range(3)]
    for n, area in enumerate(areas):
        factories.meeting(title=f"Meeting on theme {n}", areas=[area])
    for _ in range(4):
        for area in [pillar, *areas]:
            html = client.get(area.get_absolute_url()).text
            assert area == pillar or f"Meeting on theme {areas.index(area)}" in html
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('FROM "partnership_cooperationarea"' in statement for statement in prepared)
    assert not [s for s in prepared if 'FROM "partnership_meetingarea"' in s and '"area_id" = $1' in s]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_meeting_pages_dependencies_are_read_by_one_plan_per_connection(client, scene, settings):
    """The read naming every record a meeting's page depends on is 13 queries in one. Given the
    meeting in an array, PostgreSQL planned all 13 again on every page (2 ms of planning against
    under 1 ms of reading); given one meeting, the prepared statement keeps one generic plan."""
    settings.PAGE_CACHE = False
    meeting, _official = scene
    for _ in range(9):
        assert client.get(meeting.get_absolute_url()).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s", ["%record_kind%"]
        )
        ((generic, custom),) = cursor.fetchall()
    assert generic >= 3 and custom <= 5  # planned for the first five runs, then never again


def test_the_records_several_meetings_depend_on_are_those_each_depends_on(scene):
    """A save reads what one meeting or several (before and after a move) link to: the same union,
    asked for one meeting by equality and for several by an array."""
    meeting, official = scene
    other = factories.meeting(title="Meeting on floods", areas=[factories.area(name="Disaster management")])
    one, another = versions.meeting_links([meeting.pk]), versions.meeting_links([other.pk])
    assert ("official", official.pk) in one and ("official", official.pk) not in another
    assert ("cooperationarea", other.area_links.get().area_id) in another
    assert versions.meeting_links([meeting.pk, other.pk]) == one | another


def test_a_publishers_page_shows_its_latest_releases_and_links_to_the_rest(client):
    """A secretariat publishes thousands of releases: its page shows the latest ones, newest first,
    with as many queries as for a handful, links to the list of them all, and shows a new one at once."""
    from partnership.selectors import DETAIL_LIMIT

    small, large = factories.organisation(name="Small Office"), factories.organisation(name="Busy Secretariat")
    factories.release(publisher=small, title="The only one")
    start = datetime.date(2001, 1, 1)
    for n in range(DETAIL_LIMIT + 5):
        factories.release(publisher=large, title=f"Release number {n:02}", date=start + datetime.timedelta(days=n))
    page = client.get(large.get_absolute_url()).content.decode()
    listed = page.split('<h2 id="releases">')[1].split("</section>")[0]
    assert listed.count("<li>") == DETAIL_LIMIT
    assert listed.index(f"Release number {DETAIL_LIMIT + 4:02}") < listed.index(f"Release number {DETAIL_LIMIT:02}")
    assert "Release number 04" not in listed
    assert f'href="/releases/?publisher={large.slug}"' in listed
    everything = client.get(f"/releases/?publisher={large.slug}").content.decode()
    assert f"{DETAIL_LIMIT + 5} found" in everything
    assert "?publisher=" not in client.get(small.get_absolute_url()).content.decode().split('id="releases"')[1]
    assert queries(client, small.get_absolute_url()) == queries(client, large.get_absolute_url())
    factories.release(publisher=large, title="Published just now", date=datetime.date(2030, 1, 1))
    assert "Published just now" in client.get(large.get_absolute_url()).content.decode()
