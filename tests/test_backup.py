"""Backup and restore: what is saved loads into an empty database and compares equal."""

import io
import json
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from partnership.admin import history_token
from partnership.dataset import dump_dataset, load_dataset
from partnership.models import CooperationArea, PressRelease

from .factories import release

pytestmark = pytest.mark.django_db

# The full backup (README, "Operations"): the records, editors and the edit history; not the
# facet counts, which are derived and rebuilt after a restore.
BACKUP_APPS = ["partnership", "auth.user", "admin.logentry"]
DERIVED = ["partnership.areaclosure", "partnership.facetroot", "partnership.facetcount", "partnership.facetstale"]


def backup() -> list[dict]:
    out = io.StringIO()
    call_command("dumpdata", *BACKUP_APPS, exclude=DERIVED, natural_foreign=True, indent=1, stdout=out)
    # Django writes times to the millisecond and drops ".000" only when the microseconds are 0,
    # so a time stored at 12:00:00.000400 comes back as 12:00:00 and is written shorter. One
    # spelling for both, or the comparison fails about one run in ten.
    return json.loads(re.sub(r'(T\d\d:\d\d:\d\d)\.000(Z|[+-]\d\d:\d\d)"', r'\1\2"', out.getvalue()))


def empty_database() -> None:
    if connection.vendor == "postgresql":  # fire the deferred checks first: TRUNCATE refuses pending ones
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as in a fresh transaction
    assert not PressRelease.objects.exists() and not get_user_model().objects.exists()


@pytest.fixture
def edited(seeded, admin_client):
    """The fixture plus a draft and an edit made in the admin, so there is history to keep."""
    release(title="A draft", status="draft")
    area = CooperationArea.objects.get(slug="maritime-security")
    response = admin_client.post(
        reverse("admin:partnership_cooperationarea_change", args=[area.pk]),
        {
            "name": area.name,
            "slug": area.slug,
            "aliases": "[]",
            "description": "Edited.",
            "parent": area.parent_id,
            "version": history_token(area),
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response


def test_the_dataset_export_loads_into_an_empty_database_unchanged(edited):
    saved = json.dumps(dump_dataset())
    empty_database()
    load_dataset(json.loads(saved))
    assert dump_dataset() == json.loads(saved)


def test_the_full_backup_restores_records_editors_and_history(edited, tmp_path):
    saved = backup()
    assert any(row["model"] == "admin.logentry" for row in saved)
    path = tmp_path / "backup.json"
    path.write_text(json.dumps(saved), encoding="utf-8")
    empty_database()
    call_command("loaddata", str(path), verbosity=0)
    call_command("facet_counts", "--rebuild", "--check", stdout=io.StringIO())
    assert backup() == saved
    assert CooperationArea.objects.get(slug="maritime-security").description == "Edited."
