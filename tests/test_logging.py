"""Errors and security events as JSON lines on stderr: one object per line, the traceback inside it.

The real server's 500 is in tests/test_workers.py; these read the process's own stderr.
"""

import io
import json
import logging
import sys

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from partnership.logs import JsonFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def stderr_log():
    """What the configured JSON handlers write (they hold the stderr of the moment logging was configured)."""
    buffer = io.StringIO()
    handlers = {h for name in ["django.request", "axes", ""] for h in logging.getLogger(name).handlers}
    handlers = [h for h in handlers if isinstance(h.formatter, JsonFormatter)]
    assert handlers
    previous = [h.setStream(buffer) for h in handlers]
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    for handler, stream in zip(handlers, previous, strict=True):
        handler.setStream(stream)


def test_a_refused_permission_is_logged_naming_user_path_and_status(stderr_log):
    client = Client()
    client.force_login(get_user_model().objects.create_user("reader", is_staff=True))
    response = client.post(reverse("admin:partnership_pressrelease_preview"), {"text": "x"})
    assert response.status_code == 403
    (event,) = [e for e in stderr_log() if e["logger"] == "django.request"]
    assert event["level"] == "WARNING" and event["status"] == 403
    assert event["path"] == reverse("admin:partnership_pressrelease_preview")
    assert event["user"] == "reader" and event["method"] == "POST"


def test_a_bad_request_is_logged_and_a_missing_page_is_not(client, stderr_log):
    assert client.get("/no-such-page/").status_code == 404
    assert client.get("/api/meetings/?year=abc").status_code == 400
    statuses = [e.get("status") for e in stderr_log() if e["logger"] == "django.request"]
    assert statuses == [400]


def test_a_traceback_stays_inside_its_one_line():
    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        record = logging.getLogger("partnership").makeRecord(
            "partnership", logging.ERROR, __file__, 1, "failed: %s", ("détail",), exc_info=sys.exc_info()
        )
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "failed: détail" and entry["level"] == "ERROR"
    assert entry["traceback"].startswith("Traceback (most recent call last)")
    assert "ValueError: first line\nsecond line" in entry["traceback"]
