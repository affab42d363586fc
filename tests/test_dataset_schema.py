"""Dataset files are checked against fixtures/dataset.schema.json before anything is written."""

import json

import jsonschema
import pytest
from django.core.management import CommandError, call_command

from partnership import markdown, models
from partnership.dataset import SCHEMA_PATH, DatasetError, check_schema, dump_dataset, load_dataset

from .conftest import fixture_data

pytestmark = pytest.mark.django_db

MEETING = "meetings[0] (2015-06-26-jenca-le-luong-minh)"
RELEASE = "releases[0] (2015-06-30-un-and-asean-to-strengthen-cooperation)"


def nothing_written() -> bool:
    return not any(
        model.objects.exists() for model in [models.Organisation, models.PressRelease, models.Official, models.Meeting]
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["organisations"][0].update(name=["list", "name"]),
            "organisations[0] (asean), field 'name': expected text, got a list ['list', 'name']",
        ),
        (
            lambda d: d["meetings"][0].update(participants="abc"),
            f"{MEETING}, field 'participants': expected a list, got text 'abc'",
        ),
        (
            lambda d: d["releases"][0].update(body="First.\x00\n\nSecond."),
            f"{RELEASE}, field 'body': contains a NUL character (at 6)",
        ),
        (
            lambda d: d["meetings"][0]["participants"][1].update(paragraph="3"),
            f"{MEETING} → participants[1], field 'paragraph': expected a whole number or null, got text '3'",
        ),
        (
            lambda d: d["meetings"][0]["participants"][0].update(paragraph=True),
            f"{MEETING} → participants[0], field 'paragraph': expected a whole number or null, got true or false",
        ),
        (lambda d: d["meetings"][0].pop("slug"), "meetings[0], field 'slug': is required"),
        (lambda d: d["officials"][0].update(aliases=["Jenca", 7]), "field 'aliases[1]': expected text, got a whole"),
        (lambda d: d["releases"][0].update(status="public"), "field 'status': expected 'draft' or 'published'"),
        (lambda d: d.update(meetings={}), "dataset, field 'meetings': expected a list, got an object"),
        (lambda d: d["meetings"].append("x"), "dataset, field 'meetings[1]': expected an object, got text 'x'"),
        (lambda d: d["areas"][0].update(slug="a b"), "field 'slug': expected a slug (letters, digits, - and _)"),
        (lambda d: d["releases"][0].update(body="x" * 100_001), "field 'body': has 100,001 characters"),
    ],
)
def test_a_value_of_the_wrong_kind_names_record_and_field_and_writes_nothing(change, message):
    data = fixture_data()
    change(data)
    with pytest.raises(DatasetError) as error:
        load_dataset(data)
    assert message in str(error.value)
    assert nothing_written()


def test_bytes_that_are_not_utf8_name_their_record_and_field(tmp_path):
    text = json.dumps(fixture_data(), ensure_ascii=False).replace("within the framework", "within the \udcff", 1)
    path = tmp_path / "latin1.json"
    path.write_bytes(text.encode("utf-8", errors="surrogateescape"))
    with pytest.raises(CommandError) as error:
        call_command("load_dataset", str(path))
    assert f"{RELEASE}, field 'body': contains bytes that are not valid UTF-8" in str(error.value)
    assert nothing_written()


def test_the_shipped_fixture_and_every_dump_match_the_schema(seeded):
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text()))
    check_schema(fixture_data())
    check_schema(json.loads(json.dumps(dump_dataset())))


def test_the_schema_states_the_body_limit_the_site_enforces():
    schema = json.loads(SCHEMA_PATH.read_text())
    assert schema["$defs"]["markdown"]["maxLength"] == markdown.MAX_CHARS
