"""The editors' commands: propose_records (JSON, --apply twice) and create_editor."""

import json
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from partnership import models

from .conftest import fixture_data
from .test_intake import RELEASE_ESCAP
from .test_services import counts

pytestmark = pytest.mark.django_db


@pytest.fixture
def release_file(tmp_path):
    path = tmp_path / "2015-06-30.txt"
    path.write_text(fixture_data()["releases"][0]["body"], encoding="utf-8")
    return path


def run(*args) -> dict:
    out = StringIO()
    call_command("propose_records", *args, stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def test_proposal_as_json_with_matches_and_paragraphs(seeded, release_file):
    data = run(str(release_file))
    assert data["release_match"]["slug"] == "2015-06-30-un-and-asean-to-strengthen-cooperation"
    assert data["meeting"]["date"] == "2015-06-26"
    jenca = next(o for o in data["officials"] if o["name"] == "Miroslav Jenča")
    assert jenca["match"]["slug"] == "miroslav-jenca" and jenca["paragraph"] == 1
    assert all("paragraph" in item and "match" in item for key in ["organisations", "areas"] for item in data[key])
    assert {"date": "1970s", "precision": "decade", "display": "the 1970s"} in [d["date"] for d in data["dates"]]
    assert {"venue": "ASEAN Secretariat", "city": "Jakarta", "paragraph": 1, "role": "meeting"} in data["places"]
    assert models.Meeting.objects.count() == 1  # without --apply nothing is written


def test_apply_on_an_empty_database_then_again_creates_nothing_new(release_file):
    run(str(release_file), "--apply")
    after_first = counts()
    assert after_first["Meeting"] == 1 and after_first["Official"] == 2
    assert models.PressRelease.objects.get().publisher.name == "ASEAN Secretariat"
    run(str(release_file), "--apply")
    assert counts() == after_first


def test_apply_over_the_fixture_reuses_the_release(seeded, release_file):
    before = counts()
    run(str(release_file), "--apply")
    assert counts() == before


def test_apply_a_folder(seeded, tmp_path):
    (tmp_path / "escap.md").write_text(RELEASE_ESCAP, encoding="utf-8")
    data = run(str(tmp_path), "--apply", "--publisher", "asean-secretariat", "--publish")
    assert [item["applied"]["created"] for item in data] == [1]
    release = models.PressRelease.objects.get(dateline_place="Bangkok")
    assert release.is_published and release.publisher.slug == "asean-secretariat"


def test_create_editor_prints_a_working_password_once():
    out = StringIO()
    call_command("create_editor", "ana", "--email", "ana@example.org", stdout=out)
    password = out.getvalue().strip().rsplit(" ", 1)[-1]
    user = authenticate(username="ana", password=password)
    assert user is not None and user.is_staff
    assert user.has_perm("partnership.change_meeting") and not user.has_perm("auth.add_user")
