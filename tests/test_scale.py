"""Pages keep a constant number of queries as the data grows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.synthetic import seed
from partnership.models import Meeting
from partnership.pagination import EstimatedCountPaginator

pytestmark = pytest.mark.django_db


def queries(client, path: str) -> int:
    """The page's queries. The editor's session is left out: it is read from the shared cache, or from
    the database after the cache was flushed (as reseeding does), whatever the data's size."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len([query for query in captured if "django_session" not in query["sql"]])


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("editor", "editor@example.org", "pw"))
    return client


def test_admin_changelists_use_few_and_constant_queries(editor_client):
    """The meetings and officials changelists: at most 10 queries, the same at 10 and at 200 meetings."""
    paths = [
        "/admin/partnership/meeting/",
        "/admin/partnership/meeting/?date__year=2020",
        "/admin/partnership/official/",
    ]
    seed(meetings=10)
    small = {path: queries(editor_client, path) for path in paths}
    seed(meetings=200, replace=True)
    large = {path: queries(editor_client, path) for path in paths}
    assert small == large
    assert max(large.values()) <= 10


def test_the_meeting_changelist_drills_down_by_year(editor_client):
    """The year filter offers every year that has meetings."""
    seed(meetings=30)
    response = editor_client.get("/admin/partnership/meeting/")
    first, last = Meeting.objects.order_by("date").first().date.year, Meeting.objects.order_by("date").last().date.year
    assert f"?date__year={first}" in response.text
    assert f"?date__year={last}" in response.text


def test_the_estimating_paginator_counts_exactly_when_filtered_or_small():
    seed(meetings=30)
    assert EstimatedCountPaginator(Meeting.objects.all(), 10).count == 30
    assert EstimatedCountPaginator(Meeting.objects.filter(kind="summit"), 10).count == (
        Meeting.objects.filter(kind="summit").count()
    )


def _public_pages():
    from partnership.models import CooperationArea, Official

    meeting = Meeting.objects.public().order_by("pk").first()
    official = Official.objects.order_by("pk").first()
    area = CooperationArea.objects.filter(parent__isnull=False).order_by("pk").first()
    year = meeting.date.year
    return [
        "/",
        meeting.get_absolute_url(),
        official.get_absolute_url(),
        "/meetings/",
        f"/meetings/?area={area.slug}",
        f"/meetings/?area={area.slug}&year={year}",
        f"/meetings/?area={area.slug}&official={official.slug}",
        "/search/?q=cooperation",
        "/search/?q=peatland",
    ]


def test_public_pages_use_the_same_queries_at_10_and_at_300_meetings(client):
    """Query counts per page do not grow with the data, cold (after a save) and warm (cached)."""
    seed(meetings=10)
    paths = _public_pages()
    small = {path: (queries(client, path), queries(client, path)) for path in paths}
    seed(meetings=300, replace=True)
    paths = _public_pages()
    large = {path: (queries(client, path), queries(client, path)) for path in paths}
    assert list(small.values()) == list(large.values())
    # Warm pages read little: counts, facets and page keys come from the cache.
    assert large["/meetings/"][1] <= 2


def test_a_late_page_costs_what_the_first_does(client):
    """Page 12 reads its keys once (the first pages' are kept with the count), then what page 2 reads."""
    seed(meetings=400)
    first = queries(client, "/meetings/?page=1")
    second = queries(client, "/meetings/?page=2")
    late = queries(client, "/meetings/?page=12")
    assert second <= first
    assert late == second + 1


def test_pages_stop_at_forty_with_a_message(client, settings):
    from partnership import views

    seed(meetings=40 * views.PER_PAGE + 30)
    response = client.get("/meetings/?page=40")
    assert response.status_code == 200
    assert "pages stop at 40" in response.text
    response = client.get("/meetings/?page=41")
    assert response.status_code == 400
    assert "Pages stop at 40" in response.text


def test_an_editor_save_shows_on_the_next_request(client):
    """Cached counts and facets are invalidated when a record is saved."""
    seed(meetings=30)
    before = client.get("/meetings/?kind=summit").text
    meeting = Meeting.objects.public().exclude(kind="summit").first()
    meeting.kind = "summit"
    meeting.save()
    after = client.get("/meetings/?kind=summit").text
    assert before != after
    assert meeting.title in after
