"""Property test of the API against its own OpenAPI schema (schemathesis).

Schemathesis reads /api/schema/ from the WSGI app and, for every GET operation, generates
requests from the documented parameters (valid and hostile values alike). Each answer
must not be a server error and must match the documented status codes, content type and
body shape. The 2015 fixture is loaded so that lists and details have real records.
"""

import pytest
import schemathesis
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import positive_data_acceptance

from partnership.wsgi import application

pytestmark = pytest.mark.django_db

# Loaded at import: drf-spectacular builds the schema from the code, with no database.
# (schemathesis.pytest.from_fixture reads a pytest attribute that pytest 9 no longer has.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def no_throttle(settings):
    """Throttle counts live in the cache; the examples clear it too, this is a second guard."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None, "user": None}}


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """Schemathesis calls the real WSGI handler, whose request signals close a connection that is
    inside a transaction (the test's): on PostgreSQL the next query would fail. Django's test
    client disconnects the same handler for the same reason."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.include(method="GET").parametrize()
@hypothesis_settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_get_operation_conforms_to_its_schema(case, seeded):
    cache.clear()
    # Every default check but positive_data_acceptance, which expects any schema-valid value to
    # be accepted: a slug filter (?area=..., ?parent=...) or a detail slug that names no record,
    # or a slug with control characters, is refused with a documented 400 or 404 by design.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])
