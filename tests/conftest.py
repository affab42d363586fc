"""Shared fixtures and the suite's layers.

The shipped fixture is loaded once per session, inside a transaction that stays open while the
tests using it run (they are ordered together); each test's own changes roll back to a savepoint,
and the transaction is rolled back when a test that expects an empty database comes next, so
those tests see what they always saw. Tests using a live server see the data through another
connection, so they load it themselves, committed, and Django flushes it afterwards.
"""

import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import is_hypothesis_test

from partnership.dataset import load_dataset

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "fixtures" / "asean-un-2015.json"
SEED = ROOT / "fixtures" / "sources" / "asean-un-2015-06-30.txt"

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

SEED_FIXTURES = {"seeded", "seeded_once"}


def fixture_data() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip a test whose tool is missing on a dev machine; in CI the same test errors instead."""
    if condition:
        return
    if in_ci():
        pytest.fail(f"{reason} (required in CI)", pytrace=False)
    pytest.skip(reason)


# --- the seed, loaded once -------------------------------------------------------------------


def _transactional(item) -> bool:
    """pytest-django's own rule for a test that commits (and is flushed afterwards)."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    return bool({"transactional_db", "live_server", "django_db_reset_sequences"} & set(item.fixturenames))


def _shares_seed(item) -> bool:
    return bool(SEED_FIXTURES & set(getattr(item, "fixturenames", ()))) and not _transactional(item)


class SharedSeed:
    """The fixture loaded in an open transaction, kept across consecutive tests that read it."""

    def __init__(self):
        self.atomic = None

    def enter(self) -> None:
        from django.db import connection, transaction

        if self.atomic is not None and connection.in_atomic_block:
            return
        self.atomic = transaction.atomic()
        # Like TestCase's class-wide transaction: a durable block inside a test is still allowed.
        self.atomic._from_testcase = True
        self.atomic.__enter__()
        load_dataset(fixture_data())

    def leave(self) -> None:
        from django.db import connection, transaction

        if self.atomic is None:
            return
        atomic, self.atomic = self.atomic, None
        if connection.in_atomic_block:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database with the controlled vocabulary of areas in it, as every database has it.

    Migration 0012 loads it, but a test that commits is flushed afterwards, and a database kept for
    the next run (--reuse-db) stays flushed: the vocabulary is merged in again at the start of each
    run (load_vocabulary adds what is missing and changes nothing else)."""
    from django.core.management import call_command

    with django_db_blocker.unblock():
        call_command("load_vocabulary", stdout=io.StringIO())


@pytest.fixture(scope="session")
def _shared_seed(django_db_setup, django_db_blocker):
    seed = SharedSeed()
    yield seed
    with django_db_blocker.unblock():
        seed.leave()


@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """Open or close the shared seed's transaction before a test's own database transaction begins.

    Every way a test reaches the database (the django_db mark, db, transactional_db, live_server)
    goes through pytest-django's _django_db_helper; the seed's transaction must enclose it.
    """
    if fixturedef.argname == "_django_db_helper":
        seed = request.getfixturevalue("_shared_seed")
        with request.getfixturevalue("django_db_blocker").unblock():
            if _shares_seed(request.node):
                seed.enter()
            else:
                seed.leave()
    yield


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the tests sharing the seed one after another (so it is loaded once), and mark the layers.

    pytest-django has already put database tests before transactional ones; a stable sort keeps that.
    A test that draws examples with Hypothesis is a property test.
    """
    for item in items:
        function = getattr(item, "function", None)
        if function is not None and is_hypothesis_test(function):
            item.add_marker(pytest.mark.property)
    items.sort(key=lambda item: 0 if _shares_seed(item) else 1)


@pytest.fixture
def seeded(request, db):
    """The shipped 2015 release and every record it supports; a test's changes are rolled back."""
    if _transactional(request.node):
        load_dataset(fixture_data())


@pytest.fixture
def seeded_once(seeded):
    """The same data, for a test that only reads it (the name says so to the reader)."""


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Hashing a password the production way takes a noticeable fraction of a second; tests log in often."""
    from django.test import override_settings

    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with empty caches: rolled-back rows must not be served from an earlier test's cache.

    A test that flushes the database re-creates the content types under new ids inside its
    transaction; the rollback removes them, but Django's content-type cache would keep them.
    """
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    cache.clear()
    ContentType.objects.clear_cache()
    yield


# --- one browser per session -----------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, started once and shared by every browser test."""
    require(CHROMIUM.exists(), f"no browser at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        require(False, "playwright is not installed")
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls stay synchronous.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield launched
            launched.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own context (no cookies from another test)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def axe() -> str:
    """axe-core's script (npm ci), for the accessibility checks."""
    require(AXE.exists(), "axe-core is not installed: run `npm ci`")
    return AXE.read_text(encoding="utf-8")
