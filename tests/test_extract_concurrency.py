"""Editors confirming the same extraction at once: one meeting, and a clear answer for the others.

Real concurrent requests, each in its own thread with its own database connection, against
PostgreSQL (SQLite serialises every write, so the race does not exist there).
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from partnership import models
from partnership.dataset import load_dataset
from partnership.services import editor_create

from .conftest import fixture_data
from .test_admin import escap_draft, proposal_data
from .test_extract import extract_url

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs PostgreSQL's row locks")

SUBMISSIONS = 3


def test_three_concurrent_confirmations_give_one_meeting_and_two_clear_refusals(transactional_db):
    load_dataset(fixture_data())
    editor, _ = editor_create(username="editor")
    release = escap_draft()
    first = Client()
    first.force_login(editor)
    data = proposal_data(first.get(extract_url(release)))
    clients = []
    for _ in range(SUBMISSIONS):
        client = Client(raise_request_exception=False)
        client.force_login(editor)
        clients.append(client)
    start = threading.Barrier(SUBMISSIONS)
    responses = [None] * SUBMISSIONS

    def submit(index: int) -> None:
        try:
            start.wait()
            responses[index] = clients[index].post(extract_url(release), data)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(index,)) for index in range(SUBMISSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [302, 409, 409]
    for response in responses:
        if response.status_code == 409:
            assert "This release was already extracted" in response.content.decode()
    meeting = models.Meeting.objects.get(source=release)
    assert models.Meeting.objects.filter(slug__startswith=meeting.slug).count() == 1
    assert models.Official.objects.filter(name="Shamshad Akhtar").count() == 1
