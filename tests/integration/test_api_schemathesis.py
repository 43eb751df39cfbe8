"""Schemathesis against the API's own OpenAPI document (issue 15, "Bad input"): for every
endpoint and method, requests generated from the document, valid and not, sent with a token of
each standing and without one. No answer is a server error, and every answer matches what the
document says: its status is one the operation declares, and its body fits that status's
schema.

The relationship ids Schemathesis makes up are mostly not the world's, so the world's own
relationship is also offered to it as an example of each operation's path (`_with_ids`), and
Hypothesis is asked for enough examples that each standing reaches it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from mutuality.web.api.tokens import make_token
from tests.factories import World
from tests.integration.test_access_matrix import OWN

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _connection_kept_between_requests() -> Iterator[None]:
    """Schemathesis calls the WSGI application itself, not Django's test client, so Django would
    close the database connection when each request ends, and with it the test's transaction
    (PostgreSQL's is a real connection). The test client stops that; so does this."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@pytest.mark.parametrize("standing", [*OWN, "anonymous"])
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_operation_answers_as_its_document_says(
    case: Any, world: World, standing: str
) -> None:
    """Generated requests, valid and not, by each standing's token and by nobody: no 500, and
    every answer as the OpenAPI document describes it."""
    headers = {}
    if standing != "anonymous":
        user = world.users[standing]
        _, secret = make_token(user, name="schemathesis", by=user)
        headers["Authorization"] = f"Bearer {secret}"
    asked = (case.path_parameters or {}).get("relationship_id")
    if isinstance(asked, int) and asked % 2:
        # Half the time, the world's own relationship, so that the answers of reached
        # relationships are checked as well as the 404s.
        case.path_parameters["relationship_id"] = world.relationship.pk

    case.call_and_validate(headers=headers, checks=CHECKS)
