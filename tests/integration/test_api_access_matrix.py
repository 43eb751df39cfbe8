"""Access to the API (issue 15, point 2), as a matrix: every endpoint × every standing × their
relationship or another, with a live token, and with none, an expired one and a revoked one.

A token does what its person may do on the pages and no more: the same `access.reach`
decides, so the rows below match tests/integration/test_access_matrix.py's for the pages that
do the same things (export, upload, consent, questionnaires, worries)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mutuality.web.api.endpoints import api
from mutuality.web.api.models import ApiToken
from mutuality.web.api.tokens import make_token, revoke
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.case_io import export_data
from mutuality.web.relationships.models import OutcomeSeries, Relationship
from tests.factories import World
from tests.integration.databases import theirs_and_not
from tests.integration.test_access_matrix import OWN

STANDINGS = [*OWN, "other_professional", "other_admin"]
Body = Callable[[Relationship], Any]


def _no_body(relationship: Relationship) -> None:
    return None


def _series(relationship: Relationship) -> str:
    return str(relationship.outcome_series.get(instrument="phq9").uid)


def _scores_csv(relationship: Relationship) -> str:
    recipient = relationship.participants.get(role="recipient")
    return f"person,instrument,date,score\n{recipient.slug},phq9,{timezone.localdate()},5\n"


def _responses(relationship: Relationship) -> dict[str, Any]:
    recipient = relationship.participants.get(role="recipient")
    response = {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": "http://loinc.org/q/44249-1",
        "subject": {"identifier": {"system": "urn:mutuality:person", "value": recipient.uid}},
        "authored": timezone.localdate().isoformat(),
        "item": [{"linkId": "total", "answer": [{"valueInteger": 5}]}],
    }
    return {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": response}]}


# name: method, route (after /api/v1), body, and the status for each standing on their own
# relationship: professional, co-producer, supervisor, reviewer, admin.
ENDPOINTS: dict[str, tuple[str, str, Body, str]] = {
    "list": ("GET", "/relationships", _no_body, "200 200 200 200 200"),
    "read": ("GET", "/relationships/{relationship_id}", _no_body, "200 200 200 200 200"),
    "assessment": (
        "GET",
        "/relationships/{relationship_id}/assessment",
        _no_body,
        "200 200 200 200 200",
    ),
    "assessments": (
        "GET",
        "/relationships/{relationship_id}/assessments",
        _no_body,
        "200 200 200 200 200",
    ),
    "case-export": (
        "GET",
        "/relationships/{relationship_id}/case",
        _no_body,
        "200 200 200 403 200",
    ),
    "case-import": (
        "POST",
        "/relationships/{relationship_id}/case",
        lambda r: export_data(r),
        "200 403 403 403 403",
    ),
    "consent": ("GET", "/relationships/{relationship_id}/consent", _no_body, "200 200 200 200 200"),
    "withdrawal": (
        "POST",
        "/relationships/{relationship_id}/consent/withdrawal",
        lambda r: {"confirm": True},
        "200 200 403 403 403",
    ),
    "scores": ("GET", "/relationships/{relationship_id}/scores", _no_body, "200 200 200 200 200"),
    "score-add": (
        "POST",
        "/relationships/{relationship_id}/series/{series_id}/scores",
        lambda r: {"date": timezone.localdate().isoformat(), "items": [1] * 9},
        "201 201 403 403 403",
    ),
    "worry": (
        "POST",
        "/relationships/{relationship_id}/worries",
        lambda r: {"kind": "collusion", "note": "seen in the matrix"},
        "201 201 201 403 403",
    ),
    "worry-private": (
        "POST",
        "/relationships/{relationship_id}/worries",
        lambda r: {"kind": "collusion", "private": True},
        "403 201 403 403 403",
    ),
    "messages": (
        "GET",
        "/relationships/{relationship_id}/messages",
        _no_body,
        "200 200 200 200 200",
    ),
    "scores-import": (
        "POST",
        "/relationships/{relationship_id}/scores/import",
        _scores_csv,
        "200 200 403 403 403",
    ),
    "fhir": ("GET", "/relationships/{relationship_id}/fhir", _no_body, "200 200 200 200 200"),
    # The organisation's, not a relationship's: its admins' alone, anywhere else not found.
    "fhir-export": ("GET", "/fhir/$export", _no_body, "404 404 404 404 200"),
    "fhir-import": ("POST", "/fhir/import", _responses, "404 404 404 404 200"),
}
ORGANISATIONS = ("fhir-export", "fhir-import")
"""The endpoints of an organisation, not a relationship: each admin's for their own."""

# What each standing reaches of the other relationship (same organisation, another
# professional): its own professional and the organisation's admin see it; nobody else does.
SEEN_AS = {"other_professional": "professional", "admin": "admin"}


@pytest.fixture
def world(world: World) -> World:
    """The shared world with a PHQ-9 started for the co-producer in both relationships, so that
    a score can be added."""
    for relationship in (world.relationship, world.other):
        recipient = relationship.participants.get(role="recipient")
        OutcomeSeries.objects.create(relationship=relationship, of=recipient, instrument="phq9")
    return world


def _expected(name: str, standing: str, theirs: bool) -> int:
    row = dict(zip(OWN, (int(x) for x in ENDPOINTS[name][3].split()), strict=True))
    if name == "list":
        return 200  # the list is everyone's: what is in it is tested below
    if name in ORGANISATIONS:
        return 200 if standing in ("admin", "other_admin") else 404
    if theirs:
        return row.get(standing, 404)
    seen_as = SEEN_AS.get(standing)
    return row[seen_as] if seen_as else 404


def _call(client: Client, name: str, relationship: Relationship) -> Any:
    method, route, body, _ = ENDPOINTS[name]
    series = _series(relationship) if "{series_id}" in route else ""
    url = "/api/v1" + route.format(relationship_id=relationship.pk, series_id=series)
    if method == "GET":
        return client.get(url)
    data = body(relationship)
    if isinstance(data, str):
        return client.post(url, data, content_type="text/csv")
    return client.post(url, json.dumps(data), content_type="application/json")


def _client(secret: str | None) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}") if secret else Client()


def test_the_matrix_has_every_operation_of_the_api() -> None:
    """A new endpoint cannot be added without deciding who may call it."""
    document = api.get_openapi_schema()
    operations = {
        (method.upper(), route) for route, item in document["paths"].items() for method in item
    }

    covered = {(method, "/api/v1" + route) for method, route, _, _ in ENDPOINTS.values()}

    assert operations == covered


@pytest.mark.parametrize(
    ("name", "standing", "theirs"), theirs_and_not(ENDPOINTS, STANDINGS, _expected)
)
@pytest.mark.asvs("8.2.1")
@pytest.mark.asvs("8.2.2")
def test_endpoint_access(world: World, name: str, standing: str, theirs: bool) -> None:
    """Each standing's token gets exactly what the matrix gives, on theirs and on another
    relationship; a refused write changes nothing."""
    user = world.users[standing]
    _, secret = make_token(user, name="matrix", by=user)
    relationship = world.relationship if theirs else world.other
    before = Relationship.objects.get(pk=relationship.pk).revision
    writes_before = AuditEvent.objects.exclude(action__in=("api", "create")).count()

    # Act
    answer = _call(_client(secret), name, relationship)

    # Assert
    expected = _expected(name, standing, theirs)
    assert answer.status_code == expected, answer.content
    if expected >= 400:
        assert Relationship.objects.get(pk=relationship.pk).revision == before
        assert AuditEvent.objects.exclude(action__in=("api", "create")).count() == writes_before


@pytest.mark.parametrize("name", list(ENDPOINTS))
@pytest.mark.parametrize("token", ["none", "expired", "revoked"])
@pytest.mark.same_on_every_database  # refusals: see refusal_on_sqlite_alone
def test_without_a_live_token_every_endpoint_refuses(world: World, name: str, token: str) -> None:
    """No token, an expired one and a revoked one: 401 everywhere, and nothing written but the
    tokens themselves."""
    user = world.users["professional"]  # who could do anything here with a live token
    made, secret = make_token(user, name="matrix", by=user)
    if token == "expired":
        ApiToken.objects.filter(pk=made.pk).update(expires=timezone.now())
    elif token == "revoked":
        revoke(made, by=user)
    before = AuditEvent.objects.count()

    # Act
    answer = _call(_client(None if token == "none" else secret), name, world.relationship)

    # Assert
    assert answer.status_code == 401
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("standing", STANDINGS)
def test_the_list_holds_exactly_what_the_person_sees(world: World, standing: str) -> None:
    """/relationships lists the relationships the dashboard would, with each one's standing."""
    user = world.users[standing]
    _, secret = make_token(user, name="matrix", by=user)

    # Act
    rows = _client(secret).get("/api/v1/relationships").json()["results"]

    # Assert
    expected: dict[int, str] = {}
    if standing in OWN:
        expected[world.relationship.pk] = standing
    if standing in SEEN_AS:
        expected[world.other.pk] = SEEN_AS[standing]
    assert {row["id"]: row["your_standing"] for row in rows} == expected
