"""Pages keep a constant number of queries as the data grows (issue 6)."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from partnership.models import Meeting
from partnership.pagination import EstimatedCountPaginator

pytestmark = pytest.mark.django_db


def queries(client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured)


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("editor", "editor@example.org", "pw"))
    return client


def test_admin_changelists_use_few_and_constant_queries(editor_client):
    """The meetings and officials changelists: at most 10 queries, the same at 10 and at 200 meetings."""
    paths = ["/admin/partnership/meeting/", "/admin/partnership/meeting/?year=2020", "/admin/partnership/official/"]
    call_command("seed_demo", meetings=10)
    small = {path: queries(editor_client, path) for path in paths}
    call_command("seed_demo", meetings=200, replace=True)
    large = {path: queries(editor_client, path) for path in paths}
    assert small == large
    assert max(large.values()) <= 10


def test_the_meeting_changelist_offers_years_without_a_date_hierarchy(editor_client):
    call_command("seed_demo", meetings=30)
    response = editor_client.get("/admin/partnership/meeting/")
    first, last = Meeting.objects.order_by("date").first().date.year, Meeting.objects.order_by("date").last().date.year
    assert f"?year={first}" in response.text
    assert f"?year={last}" in response.text


def test_the_estimating_paginator_counts_exactly_when_filtered_or_small():
    call_command("seed_demo", meetings=30)
    assert EstimatedCountPaginator(Meeting.objects.all(), 10).count == 30
    assert EstimatedCountPaginator(Meeting.objects.filter(kind="summit"), 10).count == (
        Meeting.objects.filter(kind="summit").count()
    )
