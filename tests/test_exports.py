"""Exports: the filtered list as streamed CSV and JSON, and the full dataset download and its restore."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.http import StreamingHttpResponse
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from partnership.dataset import dump_dataset, load_dataset
from partnership.exports import csv_cell
from partnership.kinds import BY_COLLECTION
from partnership.models import (
    Agreement,
    CooperationArea,
    Meeting,
    MeetingAgreement,
    Official,
    Organisation,
    Outcome,
    Participation,
    Post,
    PressRelease,
    Relationship,
    ReleaseStatus,
)
from partnership.selectors import public_dataset

from . import factories

pytestmark = pytest.mark.django_db


def body(response) -> str:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(response) -> list[dict]:
    text = body(response)
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def export_url(kind: str, fmt: str, **params) -> str:
    from django.utils.http import urlencode

    url = reverse(f"partnership:export-{fmt}", kwargs={"kind": kind})
    return f"{url}?{urlencode(params, doseq=True)}" if params else url


def test_the_meetings_csv_has_the_documented_columns_and_keeps_diacritics(client, seeded):
    response = client.get(export_url("meetings", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="partnership-meetings-')
    rows = csv_rows(response)
    assert list(rows[0]) == [column.name for column in BY_COLLECTION["meetings"].columns]
    assert list(rows[0]) == [
        "slug",
        "title",
        "date",
        "date_precision",
        "kind",
        "venue",
        "city",
        "participants",
        "organisations",
        "areas",
        "agreements",
        "summary",
        "url",
        "source_release",
        "source_paragraph",
        "source_url",
        "participant_slugs",
        "organisation_slugs",
        "area_slugs",
        "agreement_slugs",
        "venue_slug",
        "city_slug",
    ]
    (row,) = rows
    assert row["title"] == "UN Assistant Secretary-General Miroslav Jenča meets ASEAN Secretary-General Le Luong Minh"
    assert "Miroslav Jenča (Visitor)" in row["participants"].split("; ")
    assert row["date"] == "2015-06-26"
    assert row["url"] == "http://testserver/meetings/2015-06-26-jenca-le-luong-minh/"
    assert row["source_url"].startswith("http://testserver/releases/2015-06-30-")
    assert row["source_url"].endswith(f"#p{row['source_paragraph']}")


def test_the_meetings_json_holds_the_same_rows_with_lists_as_lists(client, seeded):
    response = client.get(export_url("meetings", "json"))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    text = body(response)
    assert "Jenča" in text  # not \u010d: readable UTF-8
    data = json.loads(text)
    assert data["kind"] == "meetings"
    assert data["columns"] == [column.name for column in BY_COLLECTION["meetings"].columns]
    (row,) = data["results"]
    assert "Miroslav Jenča (Visitor)" in row["participants"]
    assert isinstance(row["areas"], list)


@pytest.mark.parametrize("kind", list(BY_COLLECTION))
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_every_list_exports_in_both_formats(client, seeded, kind, fmt):
    response = client.get(export_url(kind, fmt))
    assert response.status_code == 200
    text = body(response)
    rows = json.loads(text)["results"] if fmt == "json" else list(csv.DictReader(io.StringIO(text[1:])))
    assert rows
    assert set(rows[0]) == {column.name for column in BY_COLLECTION[kind].columns}


def test_an_export_holds_every_page_of_the_filtered_result(client, db):
    """The page shows one page; the export holds every row the filter selects, and no other."""
    health, trade = factories.area(name="Santé publique"), factories.area(name="Trade")
    for _ in range(120):
        factories.meeting(areas=[health])
    factories.meeting(areas=[trade], title="Trade only")
    rows = csv_rows(client.get(export_url("meetings", "csv", area=health.slug, page=2)))
    assert len(rows) == 120
    assert {row["areas"] for row in rows} == {"Santé publique"}
    data = json.loads(body(client.get(export_url("meetings", "json", area=health.slug))))
    assert len(data["results"]) == 120
    assert data["query"] == {"area": [health.slug]}


def test_drafts_and_their_meetings_are_never_exported(client, db):
    draft = factories.release(status=ReleaseStatus.DRAFT, title="Embargoed")
    factories.meeting(source=draft, title="Secret meeting")
    factories.meeting(title="Public meeting")
    titles = {row["title"] for row in csv_rows(client.get(export_url("meetings", "csv")))}
    assert titles == {"Public meeting"}
    releases = {row["title"] for row in csv_rows(client.get(export_url("releases", "csv")))}
    assert "Embargoed" not in releases


@pytest.mark.parametrize(
    "value, cell",
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Jenča", "Jenča"),
        (["=a", "b"], "'=a; b"),
        (None, ""),
        (3, "3"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(value, cell):
    assert csv_cell(value) == cell


def test_formula_injection_is_neutralised_in_the_download(client, db):
    factories.meeting(title="=cmd|' /C calc'!A0")
    (row,) = csv_rows(client.get(export_url("meetings", "csv")))
    assert row["title"] == "'=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    "params, name",
    [
        ({"bogus": "1"}, "bogus"),
        ({"area": "no-such-area"}, "area"),
        ({"date_after": "2015-13-45"}, "date_after"),
        ({"sort": "secret_field"}, "sort"),
        ({"q": "x" * 500}, "q"),
        ({"year": "99999"}, "year"),
    ],
)
def test_bad_parameters_get_a_400_naming_them(client, db, params, name):
    response = client.get(export_url("meetings", "csv", **params))
    assert response.status_code == 400
    assert name in response.json()["errors"]


def test_an_unknown_kind_is_a_404(client, db):
    assert client.get("/export/secrets.csv").status_code == 404


# -- the full dataset -------------------------------------------------------------

MODELS = [
    Organisation,
    CooperationArea,
    PressRelease,
    Official,
    Post,
    Agreement,
    Meeting,
    Participation,
    MeetingAgreement,
    Outcome,
    Relationship,
]


def empty_the_database():
    for model in [Outcome, Meeting, Relationship, Post, Agreement, Official, PressRelease]:
        model.objects.all().delete()
    for model in [CooperationArea, Organisation]:
        model.objects.update(parent=None)
        model.objects.all().delete()
    assert all(not model.objects.exists() for model in MODELS)


def test_the_full_download_restores_into_an_empty_database_unchanged(client, seeded, tmp_path):
    """Round trip: download, empty the database, load_dataset the file: every record and link is back."""
    factories.meeting(title="Réunion à Hà Nội", areas=[factories.area(name="Sécurité alimentaire")])
    before = dump_dataset()
    counts = {model.__name__: model.objects.count() for model in MODELS}
    response = client.get(reverse("partnership:export-dataset"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="partnership-dataset-')
    path = tmp_path / "dataset.json"
    assert response.streaming
    path.write_bytes(b"".join(response.streaming_content))
    assert "Hà Nội" in path.read_text(encoding="utf-8")

    empty_the_database()
    call_command("load_dataset", str(path), stdout=io.StringIO())

    assert {model.__name__: model.objects.count() for model in MODELS} == counts
    assert dump_dataset() == before


def test_the_public_download_leaves_out_drafts_and_everything_drawn_from_them(seeded):
    """A draft's meeting, posts, links and agreements are left out; what remains still loads."""
    draft = factories.release(status=ReleaseStatus.DRAFT, title="Embargoed")
    secret = factories.meeting(source=draft, title="Secret meeting")
    official = Official.objects.get(slug="miroslav-jenca")
    factories.post(official=official, title="Future post", source=draft, source_paragraph=1)
    agreement = Agreement.objects.create(title="Draft accord", source=draft, source_paragraph=1)
    public_meeting = Meeting.objects.get(slug="2015-06-26-jenca-le-luong-minh")
    MeetingAgreement.objects.create(meeting=public_meeting, agreement=agreement, source=draft, source_paragraph=2)
    Agreement.objects.get(slug="long-term-plan-for-asean-un-cooperation").takes_into_account.add(agreement)

    data = public_dataset()
    text = json.dumps(data, ensure_ascii=False)
    for hidden in ["Embargoed", secret.slug, "Future post", "Draft accord", agreement.slug]:
        assert hidden not in text

    empty_the_database()
    load_dataset(data)
    assert Meeting.objects.get().slug == public_meeting.slug
    assert not PressRelease.objects.filter(status=ReleaseStatus.DRAFT).exists()


def test_the_dataset_download_holds_provenance(client, seeded):
    data = json.loads(b"".join(client.get(reverse("partnership:export-dataset")).streaming_content))
    (meeting,) = data["meetings"]
    assert meeting["source"] == data["releases"][0]["slug"]
    assert all(link["paragraph"] >= 1 for link in meeting["participants"] + meeting["outcomes"])


def test_the_dump_command_writes_a_full_backup_that_restores_drafts_too(seeded, tmp_path):
    """Staff backups (manage.py dump_dataset) keep drafts; the public download does not."""
    draft = factories.release(status=ReleaseStatus.DRAFT, title="Embargoed")
    factories.meeting(source=draft, title="Secret meeting")
    before = dump_dataset()
    path = tmp_path / "backup.json"
    call_command("dump_dataset", str(path), stderr=io.StringIO())
    public = tmp_path / "public.json"
    call_command("dump_dataset", str(public), "--public", stderr=io.StringIO())
    assert "Secret meeting" not in public.read_text(encoding="utf-8")

    empty_the_database()
    call_command("load_dataset", str(path), stdout=io.StringIO())
    assert dump_dataset() == before


@pytest.mark.parametrize(
    "path", ["/export/meetings.csv", "/export/officials.json", "/export/releases.csv", "/feeds/meetings/"]
)
@hypothesis_settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    params=st.lists(
        st.tuples(st.sampled_from(["area", "year", "q", "sort", "page", "kind", "x"]), st.text(max_size=20)), max_size=4
    )
)
def test_any_query_string_gets_a_200_or_400_never_a_500(client, seeded, path, params):
    response = client.get(path, params)
    assert response.status_code in {200, 400}
    if response.status_code == 200 and response.streaming:
        assert b"".join(response.streaming_content)


def test_exports_name_linked_records_by_slug_so_they_join(client, seeded):
    """Each linked record's slug is in a column appended at the end, in the order of its name column,
    and every slug is a row of the other kind's export."""
    (meeting,) = csv_rows(client.get(export_url("meetings", "csv")))
    officials = {row["slug"]: row for row in csv_rows(client.get(export_url("officials", "csv")))}
    assert [officials[slug]["name"] for slug in meeting["participant_slugs"].split("; ")] == [
        name.rsplit(" (", 1)[0] for name in meeting["participants"].split("; ")
    ]
    areas = {row["slug"] for row in csv_rows(client.get(export_url("areas", "csv")))}
    assert set(meeting["area_slugs"].split("; ")) <= areas
    assert (meeting["venue_slug"], meeting["city_slug"]) == ("asean-secretariat", "jakarta")
    (release,) = csv_rows(client.get(export_url("releases", "csv")))
    organisations = {row["slug"] for row in csv_rows(client.get(export_url("organisations", "csv")))}
    assert release["publisher_slug"] in organisations
    agreements = json.loads(body(client.get(export_url("agreements", "json"))))["results"]
    assert all(set(row["party_slugs"]) <= organisations for row in agreements)
    assert any(row["party_slugs"] for row in agreements)
    official = officials["miroslav-jenca"]
    assert official["post_organisation_slugs"] == "united-nations"
    for kind in BY_COLLECTION:
        names = [column.name for column in BY_COLLECTION[kind].columns]
        assert names.index("url") < min((names.index(n) for n in names if n.endswith(("_slug", "_slugs"))), default=99)
