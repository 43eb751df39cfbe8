"""Imports from other systems (issue 15, point 4): outcome scores as FHIR QuestionnaireResponse
bundles (an organisation's admin) and as the scores CSV (into one relationship), each with a dry
run that says what would change. A round trip through an empty organisation gives back the same
resources; malformed input is refused with the element's path, and nothing is written."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from django.test import Client

from mutuality.web.api.tokens import make_token
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.models import (
    OutcomeSeries,
    Participant,
    Relationship,
    SafetyFlag,
    Score,
)
from tests.factories import World, build_world, example

pytestmark = pytest.mark.django_db

OUTCOMES = ("QuestionnaireResponse", "Observation")


@pytest.fixture
def world(db: None) -> World:
    """The world on the stroke example, whose co-producer has ONS4 item answers and two goals,
    with a PHQ-9 kept as item answers added: every shape of score the export writes."""
    built = build_world(example("stroke-co-researcher.yaml"))
    bernie = built.relationship.participants.get(role="recipient")
    series = OutcomeSeries.objects.create(
        relationship=built.relationship, of=bernie, instrument="phq9", position=9
    )
    Score.objects.create(series=series, date=date(2026, 3, 1), items=[2, 2, 1, 1, 2, 1, 1, 0, 0])
    Score.objects.create(series=series, date=date(2026, 6, 1), value=6)
    return built


def _bearer(world: World, standing: str) -> Client:
    user = world.users[standing]
    _, secret = make_token(user, name="import", by=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _export(client: Client) -> list[dict[str, Any]]:
    answer = client.get("/api/v1/fhir/$export")
    assert answer.status_code == 200, answer.content
    body = b"".join(answer.streaming_content).decode()  # type: ignore[attr-defined]
    return [json.loads(line) for line in body.splitlines()]


def _bundle(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"resource": r} for r in resources if r["resourceType"] == "QuestionnaireResponse"
        ],
    }


PHQ9 = "http://loinc.org/q/44249-1"


def _response(
    person: str, authored: str, score: int, questionnaire: str = PHQ9, goal: str | None = None
) -> dict[str, Any]:
    """A QuestionnaireResponse as another system might send it: one score of one person."""
    items: list[dict[str, Any]] = [{"linkId": "total", "answer": [{"valueInteger": score}]}]
    if goal is not None:
        items.append({"linkId": "goal", "answer": [{"valueString": goal}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": questionnaire,
        "subject": {"identifier": {"system": "urn:mutuality:person", "value": person}},
        "authored": authored,
        "item": items,
    }


def _bundle_of(*responses: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Bundle", "entry": [{"resource": r} for r in responses]}


def _import(client: Client, bundle: Any, *, dry_run: bool = False) -> Any:
    url = "/api/v1/fhir/import" + ("?dry_run=true" if dry_run else "")
    return client.post(url, json.dumps(bundle), content_type="application/json")


def _without_server_ids(resources: list[dict[str, Any]]) -> list[str]:
    """The outcome resources as sorted JSON, without their ids and the references made of ids."""
    kept = []
    for resource in resources:
        if resource["resourceType"] in OUTCOMES:
            rest = {k: v for k, v in resource.items() if k not in ("id", "derivedFrom")}
            kept.append(json.dumps(rest, sort_keys=True))
    return sorted(kept)


def _writes() -> tuple[int, int, int, int]:
    return (
        Relationship.objects.count(),
        OutcomeSeries.objects.count(),
        Score.objects.count(),
        AuditEvent.objects.filter(action__in=("create", "update", "delete", "import")).count(),
    )


def test_outcomes_exported_and_imported_into_an_empty_organisation_come_back_the_same(
    world: World,
) -> None:
    """The home organisation's admin exports everything; the other organisation's admin, whose
    organisation has no relationships, imports the QuestionnaireResponses; the other
    organisation's export then holds the same QuestionnaireResponses and Observations."""
    # Arrange
    exported = _export(_bearer(world, "admin"))
    away = _bearer(world, "other_admin")
    assert [r for r in _export(away) if r["resourceType"] in OUTCOMES] == []

    # Act
    answer = _import(away, _bundle(exported))
    again = _export(away)

    # Assert
    assert answer.status_code == 200, answer.content
    # The co-producers of both relationships of the example
    assert answer.json()["relationships_created"] == 2
    assert _without_server_ids(again) == _without_server_ids(exported)
    responses = {r["id"] for r in again if r["resourceType"] == "QuestionnaireResponse"}
    derived = [
        r["derivedFrom"][0]["reference"] for r in again if r["resourceType"] == "Observation"
    ]
    assert {ref.removeprefix("QuestionnaireResponse/") for ref in derived} == responses


def test_a_dry_run_says_what_would_change_and_writes_nothing(world: World) -> None:
    """The dry run reports the new relationship, series and scores; nothing is written but the
    record of the request; the import itself then does just what the dry run said."""
    # Arrange
    bundle = _bundle(_export(_bearer(world, "admin")))
    away = _bearer(world, "other_admin")
    before = _writes()

    # Act
    dry = _import(away, bundle, dry_run=True)
    after_dry_run = _writes()
    done = _import(away, bundle)

    # Assert
    assert dry.status_code == 200, dry.content
    said = dry.json()
    assert said["dry_run"] is True
    assert after_dry_run == before
    responses = len(bundle["entry"])
    assert (said["scores_added"], said["scores_already_there"]) == (responses, 0)
    # Four ONS4 items and two goals in each relationship, and the PHQ-9 added to one
    assert said["series_created"] == 6 + 7
    assert {s["change"] for s in said["scores"]} == {"add to a new relationship"}
    assert {k: v for k, v in done.json().items() if k not in ("dry_run", "scores")} == {
        k: v for k, v in said.items() if k not in ("dry_run", "scores")
    }
    assert Score.objects.count() == before[2] + responses


def test_importing_an_organisations_own_export_again_changes_nothing(world: World) -> None:
    """Every score of the home organisation's export is already there, including the PHQ-9
    kept as item answers (compared as its total): nothing is added."""
    # Arrange
    admin = _bearer(world, "admin")
    bundle = _bundle(_export(admin))
    before = _writes()

    # Act
    answer = _import(admin, bundle)

    # Assert
    assert answer.status_code == 200, answer.content
    said = answer.json()
    assert (said["scores_added"], said["scores_already_there"]) == (0, len(bundle["entry"]))
    assert _writes() == before


def test_new_scores_for_a_known_person_join_their_series_and_are_audited(world: World) -> None:
    """A later PHQ-9 for the co-producer is added to their PHQ-9 series, audited as an import,
    and the relationship is reassessed; a reliable worsening raises a safety flag as it would
    had it been typed in."""
    # Arrange
    bernie = world.relationship.participants.get(role="recipient")
    response = _response(bernie.uid, "2026-11-20T10:00:00Z", 21)
    revision = world.relationship.revision

    # Act
    answer = _import(_bearer(world, "admin"), _bundle_of(response))

    # Assert
    assert answer.status_code == 200, answer.content
    assert answer.json()["scores"][0]["change"] == "add"
    phq9 = OutcomeSeries.objects.get(relationship=world.relationship, instrument="phq9")
    assert phq9.scores.filter(date=date(2026, 11, 20), value=21).exists()
    assert AuditEvent.objects.filter(action="create", detail__via="import").count() == 1
    world.relationship.refresh_from_db()
    assert world.relationship.revision == revision + 1
    assert SafetyFlag.objects.filter(about=bernie, kind="reliable_deterioration").exists()


def _malformed(world: World) -> dict[str, Any]:
    bernie = world.relationship.participants.get(role="recipient")
    good = _response(
        bernie.uid, "2026-11-20", 5, "urn:mutuality:instrument:gbo", goal="walk to the shop"
    )
    bad = json.loads(json.dumps(good))
    bad["item"][0]["answer"][0]["valueInteger"] = "five"
    del bad["subject"]["identifier"]["system"]
    return _bundle_of(good, bad)


@pytest.mark.parametrize("dry_run", [False, True])
def test_malformed_fhir_is_refused_naming_each_element_and_nothing_is_written(
    world: World, dry_run: bool
) -> None:
    """A bundle whose second response has a score in words and no identifier system is
    refused as a whole, each problem at its element's path; the first, good, response is not
    written either."""
    # Arrange
    admin = _bearer(world, "admin")
    before = _writes()

    # Act
    answer = _import(admin, _malformed(world), dry_run=dry_run)

    # Assert
    assert answer.status_code == 422
    where = {tuple(problem["loc"]) for problem in answer.json()["detail"]}
    assert where == {
        ("body", "entry[1].resource.subject.identifier.system"),
        ("body", "entry[1].resource.item[0].answer[0]"),
    }
    assert all("expected" in problem["msg"] for problem in answer.json()["detail"])
    assert _writes() == before


@pytest.mark.parametrize(
    ("document", "where"),
    [
        ([1, 2], "bundle"),
        ({"resourceType": "Patient"}, "resourceType"),
        ({"resourceType": "Bundle", "entry": "none"}, "entry"),
        ({"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient"}}]}, "entry"),
        ({"resourceType": "Bundle", "entry": [{"nothing": 1}]}, "entry[0]"),
    ],
)
def test_a_document_that_is_not_a_bundle_of_responses_is_refused(
    world: World, document: Any, where: str
) -> None:
    """Whatever else is sent gets a 422 naming where it went wrong, never a 500."""
    # Act
    answer = _import(_bearer(world, "admin"), document)

    # Assert
    assert answer.status_code == 422
    assert answer.json()["detail"][0]["loc"][-1] == where


@pytest.mark.parametrize("standing", ["professional", "co_producer", "supervisor", "reviewer"])
def test_only_an_admin_imports_into_the_organisation(world: World, standing: str) -> None:
    """Anyone but an organisation's admin is told there is no such thing (404), as with the
    export, and nothing is written."""
    # Arrange
    bundle = _bundle(_export(_bearer(world, "admin")))
    client = _bearer(world, standing)
    before = _writes()

    # Act
    answer = _import(client, bundle)

    # Assert
    assert answer.status_code == 404
    assert _writes() == before


# --- CSV ----------------------------------------------------------------------------------------


def _csv(client: Client, world: World, text: str, *, dry_run: bool = False) -> Any:
    url = f"/api/v1/relationships/{world.relationship.pk}/scores/import"
    return client.post(url + ("?dry_run=true" if dry_run else ""), text, content_type="text/csv")


CSV = (
    "person,instrument,date,score,goal\n"
    "bernie,phq9,2026-10-01,9,\n"
    "bernie,gbo,2026-02-02,2,to feel confident speaking up in meetings again\n"
    "bernie,gbo,2026-10-01,8,to feel confident speaking up in meetings again\n"
    "bernie,gad7,2026-10-01,7,\n"
)


def test_a_csv_of_scores_joins_the_relationships_series_after_a_dry_run(world: World) -> None:
    """The professional's dry run says which scores are new, which start a series (GAD-7) and
    which are already there (the goal's first rating); the import then writes just those."""
    # Arrange
    client = _bearer(world, "professional")
    before = _writes()

    # Act
    dry = _csv(client, world, CSV, dry_run=True)
    after_dry_run = _writes()
    done = _csv(client, world, CSV)

    # Assert
    assert dry.status_code == 200, dry.content
    changes = [(s["instrument"], s["date"], s["change"]) for s in dry.json()["scores"]]
    assert sorted(changes) == sorted(
        [
            ("phq9", "2026-10-01", "add"),
            ("gbo", "2026-02-02", "already there"),
            ("gbo", "2026-10-01", "add"),
            ("gad7", "2026-10-01", "add to a new series"),
        ]
    )
    assert after_dry_run == before
    assert done.status_code == 200, done.content
    assert Score.objects.count() == before[2] + 3
    gad7 = OutcomeSeries.objects.get(relationship=world.relationship, instrument="gad7")
    assert gad7.of.slug == "bernie"
    assert list(gad7.scores.values_list("value", flat=True)) == [7.0]


def test_a_csv_with_problems_names_line_and_column_and_writes_nothing(world: World) -> None:
    """A score out of range and someone not in the relationship: each named, nothing written."""
    # Arrange
    text = "person,instrument,date,score\nbernie,phq9,2026-10-01,99\n"
    stranger = "person,instrument,date,score\nsomeone,phq9,2026-10-01,9\n"
    client = _bearer(world, "professional")
    before = _writes()

    # Act
    out_of_range = _csv(client, world, text)
    unknown = _csv(client, world, stranger)

    # Assert
    assert out_of_range.status_code == 422
    assert "line 2, column score" in out_of_range.json()["detail"][0]["msg"]
    assert unknown.status_code == 422
    assert "'someone' is not in this relationship" in unknown.json()["detail"][0]["msg"]
    assert _writes() == before


@pytest.mark.parametrize(("standing", "status"), [("supervisor", 403), ("other_professional", 404)])
def test_only_those_who_fill_in_questionnaires_import_a_csv(
    world: World, standing: str, status: int
) -> None:
    """The supervisor may see the relationship but not fill in its questionnaires (403);
    someone outside it is told it does not exist (404). Nothing is written."""
    # Arrange
    client = _bearer(world, standing)
    before = _writes()

    # Act
    answer = _csv(client, world, CSV)

    # Assert
    assert answer.status_code == status
    assert _writes() == before


def test_participants_keep_their_identifier_through_the_import(world: World) -> None:
    """The new relationship's co-producer is known by the identifier the bundle gave, so the
    next export names them as the first did."""
    # Arrange
    bernie = world.relationship.participants.get(role="recipient")
    bundle = _bundle(_export(_bearer(world, "admin")))

    # Act
    _import(_bearer(world, "other_admin"), bundle)

    # Assert
    away = world.users["other_admin"].organisation
    imported = Participant.objects.get(relationship__organisation=away, uid=bernie.uid)
    assert imported.role == "recipient"
    assert imported.relationship.stage == "proposed"


def test_a_worsening_brought_in_with_a_new_person_is_flagged(world: World) -> None:
    """Someone the organisation has not had, whose PHQ-9 went from 5 to 20: their new
    relationship carries a safety flag, as typed-in scores would."""
    # Arrange
    bundle = _bundle_of(
        _response("new-person", "2026-01-05", 5), _response("new-person", "2026-04-05", 20)
    )

    # Act
    answer = _import(_bearer(world, "other_admin"), bundle)

    # Assert
    assert answer.status_code == 200, answer.content
    newcomer = Participant.objects.get(uid="new-person")
    assert SafetyFlag.objects.filter(about=newcomer, kind="reliable_deterioration").count() == 1
