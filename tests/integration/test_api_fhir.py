"""FHIR through the API (issue 15, points 3 and 5): a relationship's Bundle, names only where
the organisation turns them on, withdrawal through the API acted on everywhere at once, and an
admin's NDJSON export of the organisation."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mutuality.web.api.tokens import make_token
from mutuality.web.audit.models import AuditEvent
from mutuality.web.outbox.models import Kind, OutgoingMessage, State
from tests.factories import World

pytestmark = pytest.mark.django_db


def _bearer(world: World, standing: str) -> Client:
    user = world.users[standing]
    _, secret = make_token(user, name="fhir", by=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _fhir(client: Client, world: World, query: str = "") -> dict[str, Any]:
    answer = client.get(f"/api/v1/relationships/{world.relationship.pk}/fhir{query}")
    assert answer.status_code == 200, answer.content
    bundle: dict[str, Any] = answer.json()
    return bundle


def test_people_are_named_only_once_the_organisation_turns_names_on(world: World) -> None:
    """By default Patient, Practitioner and RelatedPerson carry only a pseudonymous identifier;
    after an admin turns names on (audited, as a setting of the organisation), they carry
    names too."""
    client = _bearer(world, "professional")
    before = _fhir(client, world)
    organisation = world.relationship.organisation
    admin = world.client("admin")

    # Act
    saved = admin.post(
        "/organisation/settings/exchange/",
        {"revision": organisation.revision, "fhir_names": "on"},
    )
    after = _fhir(client, world)

    # Assert
    assert saved.status_code == 302
    people = ("Patient", "Practitioner", "RelatedPerson")
    assert all("name" not in r for kind in people for r in _resources(before, kind))
    assert all(
        r["identifier"][0]["system"] == "urn:mutuality:person" for r in _resources(after, "Patient")
    )
    assert all(
        "name" in r for r in _resources(after, "Patient") + _resources(after, "Practitioner")
    )
    event = AuditEvent.objects.get(action="update", detail__field="fhir_names")
    assert (event.detail["before"], event.detail["after"]) == (False, True)


def test_withdrawing_through_the_api_is_acted_on_everywhere_at_once(world: World) -> None:
    """The co-producer withdraws with their token: their FHIR Consent is inactive at once, the
    message waiting to go out about the relationship is cancelled, and the history keeps the
    earlier active state."""
    relationship = world.relationship
    waiting = OutgoingMessage.objects.create(
        key="test-reminder",
        kind=Kind.QUESTIONNAIRE_DUE,
        relationship=relationship,
        recipient=world.users["co_producer"],
        to="co@example.org",
        subject="A questionnaire is due",
        body="…",
        not_before=timezone.now() + timedelta(hours=1),
    )
    client = _bearer(world, "co_producer")

    # Act
    withdrawn = client.post(
        f"/api/v1/relationships/{relationship.pk}/consent/withdrawal",
        json.dumps({"confirm": True}),
        content_type="application/json",
    )
    now = _fhir(client, world)
    history = _fhir(client, world, "?_history=true")

    # Assert
    assert withdrawn.status_code == 200
    assert {
        "party": "participant",
        "id": "tomasz",
        "role": "recipient",
        "consent": "withdrawn",
        "contract_version": None,
    } in withdrawn.json()
    tags = {c["meta"]["tag"][0]["code"]: c["status"] for c in _resources(now, "Consent")}
    assert tags.get("withdrawn") == "inactive"
    states = [(c["meta"]["versionId"], c["status"]) for c in _resources(history, "Consent")]
    assert ("1", "active") in states and any(s == "inactive" for _, s in states)
    waiting.refresh_from_db()
    assert waiting.state == State.CANCELLED


def test_a_withdrawal_without_consent_given_is_refused_and_changes_nothing(world: World) -> None:
    """Someone who never consented has nothing to withdraw: 409 with words to act on."""
    co = world.relationship.participants.get(role="recipient")
    co.consent = "not_sought"
    co.save(update_fields=["consent"])
    client = _bearer(world, "co_producer")

    # Act
    answer = client.post(
        f"/api/v1/relationships/{world.relationship.pk}/consent/withdrawal",
        json.dumps({"confirm": True}),
        content_type="application/json",
    )

    # Assert
    assert answer.status_code == 409
    assert "nothing to withdraw" in answer.json()["detail"]
    co.refresh_from_db()
    assert co.consent == "not_sought"


def test_an_admin_exports_the_organisation_as_ndjson(world: World) -> None:
    """One FHIR resource to a line, each a JSON object with its resourceType, every kind
    together; the export is audited."""
    client = _bearer(world, "admin")

    # Act
    answer = client.get("/api/v1/fhir/$export")
    lines = b"".join(answer.streaming_content).decode().splitlines()

    # Assert
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/fhir+ndjson; charset=utf-8"
    kinds = [json.loads(line)["resourceType"] for line in lines]
    assert {"Patient", "Practitioner", "Consent"} <= set(kinds)
    runs = [kind for n, kind in enumerate(kinds) if n == 0 or kinds[n - 1] != kind]
    assert len(runs) == len(set(runs))  # each kind's lines together, as bulk data is written
    assert AuditEvent.objects.filter(action="export", detail__via="api").exists()
