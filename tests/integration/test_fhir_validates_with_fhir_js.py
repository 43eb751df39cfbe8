"""The FHIR export passes a second, independent validator: FHIR.js (the npm package `fhir`,
a devDependency), run by scripts/validate-fhir.js on its own R4 definitions, offline.

FHIR.js checks what the R4B models of fhir.resources do not: required terminology bindings
(Consent.status, say) and the resource types a reference may point at (in the bulk export,
whose references are `Type/id`). It does not check FHIRPath invariants such as ppc-1 or
bdl-7; tests/integration/test_fhir_consent.py checks the ones the export relies on.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mutuality.web.accounts.models import User
from mutuality.web.relationships import actions
from mutuality.web.relationships.actions.people import add_affected_party
from mutuality.web.relationships.fhir import organisation_ndjson, relationship_bundle
from mutuality.web.relationships.models import Relationship
from tests.factories import RelationshipFactory, UserFactory, example

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "validate-fhir.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed: FHIR.js runs on it")


@pytest.fixture
def relationship(db: None) -> Relationship:
    """The CBT example (scores, contract version 2, an affected party whose consent is not
    needed) with a history of consent and an affected party who agreed."""
    relationship = RelationshipFactory(case=example("cbt-shared-formulation.yaml"))
    by: User = UserFactory(organisation=relationship.organisation)
    gethin = relationship.participants.get(role="recipient")
    for consent in ("given", "withdrawn"):
        gethin.refresh_from_db()
        actions.set_consent(participant=gethin, consent=consent, by=by)
    relationship.refresh_from_db()
    add_affected_party(
        relationship=relationship,
        by=by,
        name="Gethin's sister",
        consent="informed",
        reason="",
        expected_revision=relationship.revision,
    )
    return relationship


def _validate(*paths: Path) -> subprocess.CompletedProcess[str]:
    assert NODE is not None
    return subprocess.run(
        [NODE, str(SCRIPT), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )


def _write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_bundle_with_history_names_and_scores_is_valid(
    relationship: Relationship, tmp_path: Path
) -> None:
    """Every resource of the fullest bundle passes FHIR.js with no error."""
    # Arrange
    bundle = relationship_bundle(relationship, history=True, names=True)
    path = _write(tmp_path / "bundle.json", bundle)

    # Act
    result = _validate(path)

    # Assert
    assert result.returncode == 0, result.stdout + result.stderr
    kinds = {e["resource"]["resourceType"] for e in bundle["entry"]}
    assert {"Consent", "RelatedPerson", "Observation", "QuestionnaireResponse"} <= kinds
    assert "0 errors" in result.stdout


@pytest.mark.django_db
def test_goals_and_item_series_are_valid(tmp_path: Path) -> None:
    """The stroke example's ONS4 items and goals (each goal also an answer of its own, ADR
    0019) pass FHIR.js too."""
    # Arrange
    stroke = RelationshipFactory(case=example("stroke-co-researcher.yaml"))
    bundle = relationship_bundle(stroke)
    path = _write(tmp_path / "goals.json", bundle)

    # Act
    result = _validate(path)

    # Assert
    assert result.returncode == 0, result.stdout + result.stderr
    goals = [
        item["answer"][0]["valueString"]
        for e in bundle["entry"]
        for item in e["resource"].get("item", [])
        if item["linkId"] == "goal"
    ]
    assert len(goals) == 6  # two goals, three ratings each
    assert "0 errors" in result.stdout


def test_the_bulk_export_is_valid(relationship: Relationship, tmp_path: Path) -> None:
    """Every line of the organisation's NDJSON passes, references by type included."""
    # Arrange
    path = tmp_path / "export.ndjson"
    path.write_text("".join(organisation_ndjson(relationship.organisation, names=True)))

    # Act
    result = _validate(path)

    # Assert
    assert result.returncode == 0, result.stdout + result.stderr
    lines = len(path.read_text().splitlines())
    assert f"{lines} resources checked, 0 errors" in result.stdout


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        (lambda c: c.update(status="maybe"), 'Code "maybe" not found in value set'),
        (lambda c: c.pop("scope"), "Missing property"),
        (lambda c: c.update(triggeredBy=[]), "Unexpected property"),
    ],
    ids=["status-outside-its-value-set", "no-scope", "element-r4-lacks"],
)
def test_the_validator_is_real_a_broken_consent_fails(
    relationship: Relationship, tmp_path: Path, breakage: Any, expected: str
) -> None:
    """A Consent broken in one place makes the script fail and say where."""
    # Arrange
    bundle = relationship_bundle(relationship)
    consent = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Consent"
    )
    breakage(consent)
    path = _write(tmp_path / "broken.json", bundle)

    # Act
    result = _validate(path)

    # Assert
    assert result.returncode == 1
    assert expected in result.stdout
    assert "Consent" in result.stdout
