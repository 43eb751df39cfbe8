"""The API's lists cost the same number of queries with 10 relationships as with 200, as the
pages' do (tests/integration/test_query_budgets.py, whose organisations these reuse)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mutuality.web.api.schemas import PER_PAGE
from mutuality.web.api.tokens import make_token
from tests.integration.test_query_budgets import SIZES, STANDINGS, Service, services

__all__ = ["services"]  # the module's fixture, used here too


def _api_queries(service: Service, standing: str, url: str) -> tuple[int, Any]:
    user = service.users[standing]
    _, secret = make_token(user, name="budget", by=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    client.get(url)  # the first request of a process reads what every later one has at hand
    with CaptureQueriesContext(connection) as queries:
        answer = client.get(url)
    assert answer.status_code == 200, answer.content
    return len(queries), answer.json()


@pytest.mark.django_db
@pytest.mark.parametrize("standing", STANDINGS)
def test_the_api_list_costs_the_same_at_10_and_200_relationships(
    services: dict[int, Service], standing: str
) -> None:
    """/api/v1/relationships: the same queries at either size, and one page of rows."""
    # Act
    (small, _), (large, page) = [
        _api_queries(services[size], standing, "/api/v1/relationships") for size in SIZES
    ]

    # Assert
    assert large == small
    assert len(page["results"]) == PER_PAGE
    assert page["count"] == 200


@pytest.mark.django_db
@pytest.mark.parametrize("standing", ["admin"])
def test_the_fhir_export_costs_the_same_at_10_and_200_relationships(
    services: dict[int, Service], standing: str
) -> None:
    """/api/v1/fhir/$export for an admin: the same queries at 10 and at 200 relationships (it
    reads 500 relationships at a time, so both fit one batch)."""

    def count(service: Service) -> int:
        user = service.users[standing]
        _, secret = make_token(user, name="budget", by=user)
        client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
        with CaptureQueriesContext(connection) as queries:
            answer = client.get("/api/v1/fhir/$export")
            lines = b"".join(answer.streaming_content).splitlines()
        assert answer.status_code == 200 and lines
        return len(queries)

    # Act
    small, large = (count(services[size]) for size in SIZES)

    # Assert
    assert large == small
