"""The OpenAPI document, fuzzed: every personal links operation, property-based, bounded.

schemathesis reads ``/api/v3/openapi.json`` from the running site and sends
generated requests through WSGI, half of them with ids that exist. No
response may be a server error, and each must match its documented status,
content type and schema.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from tests.api.conftest import API

#: Examples per operation: enough to reach each refusal, few enough to stay fast.
EXAMPLES = 6


@pytest.fixture
def schema(db):
    """The personal links operations of the site's OpenAPI document, called through WSGI."""
    # As Django's test client does: requests must not close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        loaded = schemathesis.openapi.from_wsgi("/api/v3/openapi.json", WSGIHandler())
        yield loaded.include(path_regex=f"^{API}/")
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_document_lists_every_endpoint_with_its_errors(schema):
    operations = [result.ok() for result in schema.get_all_operations()]

    assert len(operations) == 10
    for operation in operations:
        statuses = set(operation.definition.raw["responses"])
        assert {"401", "403", "404", "422"} <= statuses, operation.label


def test_fuzzed_requests_get_documented_answers(schema, api_token, survey_page, demo_segment):
    real_ids = {
        "surveyId": survey_page.pk,
        "segmentId": demo_segment.pk,
        "contactId": demo_segment.get_contacts().first().pk,
        "batchId": None,
    }
    # The document offers both schemes; send the one token in both places.
    headers = {"Authorization": f"Bearer {api_token}", "x-api-key": api_token}
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy(), use_real_ids=st.booleans())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case, use_real_ids):
            if use_real_ids and case.path_parameters:
                case.path_parameters = {
                    name: real_ids.get(name) or value
                    for name, value in case.path_parameters.items()
                }
            case.headers = {**(case.headers or {}), **headers}
            # A request can fit the schema and still be refused for what it asks
            # (a contact who already answered, an empty segment): a 400, not a
            # fault. Either header authenticates, so spoiling one of the two
            # proves nothing; test_auth.py holds the 401/403 matrix instead.
            case.call_and_validate(excluded_checks=[positive_data_acceptance, ignored_auth])

        check()
