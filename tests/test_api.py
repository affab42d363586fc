"""The read-only API: every record kind, the pages' filters, links as URLs, errors as 400s, throttling, schema."""

import datetime

import pytest
import yaml
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from partnership import facets
from partnership.models import (
    Meeting,
    MeetingArea,
    MeetingOrganisation,
    Official,
    Participation,
    ReleaseStatus,
)

from . import factories

pytestmark = pytest.mark.django_db

KINDS = ["meetings", "officials", "organisations", "areas", "agreements", "releases"]


def test_the_root_lists_every_kind(client, db):
    data = client.get("/api/").json()
    assert set(data) == set(KINDS)
    assert data["meetings"] == "http://testserver/api/meetings/"


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_lists_and_shows_records(client, seeded, kind):
    data = client.get(f"/api/{kind}/").json()
    assert data["count"] >= 1
    first = data["results"][0]
    assert first["url"].startswith(f"http://testserver/api/{kind}/")
    detail = client.get(first["url"])
    assert detail.status_code == 200
    assert detail.json() == first
    assert client.get(first["html_url"]).status_code == 200


def test_a_meeting_links_to_its_records_by_url_and_keeps_diacritics(client, seeded):
    meeting = client.get("/api/meetings/").json()["results"][0]
    assert "Jenča" in meeting["title"]
    jenca = next(p for p in meeting["participants"] if p["name"] == "Miroslav Jenča")
    assert jenca["official"] == "http://testserver/api/officials/miroslav-jenca/"
    assert (jenca["role"], jenca["post"]) == ("visitor", "Assistant Secretary-General for Political Affairs")
    assert "http://testserver/api/organisations/asean-secretariat/" in meeting["organisations"]
    assert all(url.startswith("http://testserver/api/areas/") for url in meeting["areas"])
    assert meeting["source"].startswith("http://testserver/api/releases/")
    assert meeting["source_url"].endswith(f"#p{meeting['source_paragraph']}")
    for url in [jenca["official"], meeting["areas"][0], meeting["agreements"][0], meeting["source"]]:
        assert client.get(url).status_code == 200


def test_dates_keep_their_precision(client, seeded):
    official = client.get("/api/officials/miroslav-jenca/").json()
    (post,) = official["posts"]
    assert (post["start"], post["end"]) == ("2015-05", None)


def test_the_api_filters_with_the_pages_filtersets(client, db):
    health, trade = factories.area(name="Health"), factories.area(name="Trade")
    factories.meeting(areas=[health], title="On health", date=datetime.date(2016, 3, 1))
    factories.meeting(areas=[trade], title="On trade", date=datetime.date(2017, 3, 1))
    titles = lambda query: {m["title"] for m in client.get(f"/api/meetings/?{query}").json()["results"]}  # noqa: E731
    assert titles(f"area={health.slug}") == {"On health"}
    assert titles("year=2017") == {"On trade"}
    assert titles("date_after=2016-01-01&date_before=2016-12-31") == {"On health"}
    assert titles("sort=title") == {"On health", "On trade"}


def test_drafts_never_appear(client, db):
    draft = factories.release(status=ReleaseStatus.DRAFT, title="Embargoed")
    secret = factories.meeting(source=draft, title="Secret meeting")
    assert client.get("/api/meetings/").json()["count"] == 0
    assert client.get(f"/api/meetings/{secret.slug}/").status_code == 404
    assert client.get(f"/api/releases/{draft.slug}/").status_code == 404
    assert "Embargoed" not in client.get("/api/releases/").content.decode()


def test_lists_are_paginated(client, db):
    for _ in range(7):
        factories.organisation()
    data = client.get("/api/organisations/?page_size=5").json()
    assert (data["count"], len(data["results"])) == (7, 5)
    assert "page=2" in data["next"]


@pytest.mark.parametrize(
    "query, name",
    [
        ("bogus=1", "bogus"),
        ("area=no-such-area", "area"),
        ("date_after=2015-13-45", "date_after"),
        ("year=abc", "year"),
        ("kind=party", "kind"),
        ("sort=password", "sort"),
        # A blank sort key would otherwise answer in the default order as if asked for it.
        ("sort=,", "sort"),
        ("sort=date,", "sort"),
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page_size=-3", "page_size"),
        ("q=" + "x" * 500, "q"),
    ],
)
def test_unknown_or_malformed_parameters_get_a_400_naming_them(client, db, query, name):
    response = client.get(f"/api/meetings/?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert name in response.json()["errors"]


def test_a_page_past_the_end_is_a_json_404(client, db):
    response = client.get("/api/meetings/?page=99")
    assert response.status_code == 404
    assert "detail" in response.json()


def test_the_api_is_read_only(client, seeded):
    assert client.post("/api/meetings/", {}).status_code == 405
    assert client.delete("/api/officials/miroslav-jenca/").status_code == 405


def make_meetings(count: int):
    """count public meetings, each with a participant, an organisation and an area (bulk, for speed)."""
    release = factories.release()
    area, organisation, official = factories.area(), factories.organisation(), factories.official()
    start = Meeting.objects.count()
    meetings = Meeting.objects.bulk_create(
        Meeting(
            title=f"Meeting {start + n}",
            slug=f"bulk-meeting-{start + n}",
            date=datetime.date(2016, 1, 1),
            source=release,
            source_paragraph=1,
        )
        for n in range(count)
    )
    MeetingArea.objects.bulk_create(MeetingArea(meeting=m, area=area) for m in meetings)
    MeetingOrganisation.objects.bulk_create(MeetingOrganisation(meeting=m, organisation=organisation) for m in meetings)
    Participation.objects.bulk_create(Participation(meeting=m, official=official) for m in meetings)
    facets.rebuild()  # bulk_create sends no signal: the kept facet counts are rebuilt, as after any bulk write


@pytest.mark.parametrize("kind", KINDS)
def test_list_queries_do_not_grow_with_rows(client, db, kind):
    """10 rows or 1,000: the same number of queries for a page of a list."""
    make_meetings(10)
    for _ in range(10):
        factories.post()
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"/api/{kind}/?page_size=200").status_code == 200
    make_meetings(990)
    for _ in range(200):
        factories.post()
    cache.clear()
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/api/{kind}/?page_size=200").status_code == 200
    assert len(many) == len(few)


def test_anonymous_use_is_throttled_at_the_configured_rate(client, db, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": None}}
    statuses = [client.get("/api/areas/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "Retry-After" in client.get("/api/areas/")


def test_anonymous_use_has_the_anonymous_budget_not_the_smaller_per_account_one(client, db, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "5/minute", "user": "2/minute"},
    }
    statuses = [client.get("/api/areas/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


def test_signed_in_use_is_throttled_at_the_per_account_rate(client, db, settings, django_user_model):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100/minute", "user": "2/minute"},
    }
    client.force_login(django_user_model.objects.create_user("reader"))
    statuses = [client.get("/api/areas/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_an_invented_forwarded_address_does_not_dodge_the_throttle(client, db, settings):
    """With no proxy configured (API_NUM_PROXIES=0), X-Forwarded-For from the client is ignored."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": None}}
    statuses = [client.get("/api/areas/", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_the_schema_is_valid_openapi_and_documents_the_filters(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    parameters = {p["name"] for p in schema["paths"]["/api/meetings/"]["get"]["parameters"]}
    assert {"area", "official", "date_after", "year", "kind", "q", "page", "page_size"} <= parameters
    assert set(schema["paths"]) >= {f"/api/{kind}/" for kind in KINDS}


def test_the_browsable_docs_load_without_inline_script(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html and "<style>" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


def test_official_posts_from_drafts_are_hidden(client, db):
    draft = factories.release(status=ReleaseStatus.DRAFT)
    official = factories.official(name="Ngô Thị Hòa")
    factories.post(official=official, title="Public post")
    factories.post(official=official, title="Secret post", source=draft, source_paragraph=1)
    data = client.get(f"/api/officials/{official.slug}/").json()
    assert data["name"] == "Ngô Thị Hòa"
    assert [p["title"] for p in data["posts"]] == ["Public post"]
    assert Official.objects.count() == 1


def test_the_schema_generates_without_warnings(db, tmp_path):
    """drf-spectacular's own check: every field and filter has a known type."""
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").read_text(encoding="utf-8").startswith("openapi: 3.0.3")


_names = st.sampled_from(["area", "official", "year", "date_after", "kind", "q", "sort", "page", "page_size", "x"])
_values = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=30)


@pytest.mark.parametrize("kind", KINDS)
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(params=st.lists(st.tuples(_names, _values), max_size=4))
def test_any_query_string_gets_a_200_400_or_404_never_a_500(client, seeded, kind, params):
    """Whatever the parameters, the API answers with data or a JSON error, never a server error."""
    cache.clear()
    response = client.get(f"/api/{kind}/", params)
    assert response.status_code in {200, 400, 404}
    assert response["Content-Type"] == "application/json"


def test_an_unrouted_api_url_is_a_json_404_and_a_missing_slash_still_redirects(client, db):
    """The router refuses a slug with a dot; the answer is still the API's JSON, not the site's page."""
    response = client.get("/api/releases/a.b/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
    assert client.get("/api/meetings").status_code == 301


@pytest.mark.parametrize("value", ["¹", "٣", "²0"])
def test_non_ascii_digits_in_page_numbers_are_a_bad_request(client, db, value):
    """str.isdigit() accepts superscripts and other scripts' digits that int() refuses (found by Hypothesis)."""
    for name in ("page", "page_size"):
        response = client.get("/api/officials/", {name: value})
        assert response.status_code == 400
        assert name in response.json()["errors"]
