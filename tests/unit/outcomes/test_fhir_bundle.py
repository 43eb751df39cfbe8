"""Scores as a FHIR R4 Bundle: a QuestionnaireResponse and an Observation per score.

The bundle is checked with fhir.resources. Version 8 of that package models FHIR
R5 by default and R4B under ``fhir.resources.R4B``; R4B is the R4-compatible
model set available for pydantic v2 (the R4 models need pydantic v1), so it is
the one used here to check an R4 bundle.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from mutuality.outcomes import Instrument, PersonSeries, fhir_bundle, read_scores_csv

LOINC = "http://loinc.org"
LOCAL = "urn:mutuality:instrument"
SCORES = """\
person,instrument,date,score,goal
p1,phq9,2025-01-10,18,
p1,phq9,2025-03-10,8,
p1,gad7,2025-01-10,12,
p1,gad7,2025-03-10,6,
p2,who5,2025-01-05,32,
p2,who5,2025-02-01,38,
p2,gbo,2025-01-05,2,Walk to the shop
p2,gbo,2025-04-20,7,Walk to the shop
p2,gbo,2025-01-05,4.5,Call my sister
p2,ons4.anxious,2025-01-05,7,
"""
SCORE_COUNT = 10
# Value sets of R4 Observation.status and QuestionnaireResponse.status (required bindings).
OBSERVATION_STATUSES = {
    "registered",
    "preliminary",
    "final",
    "amended",
    "corrected",
    "cancelled",
    "entered-in-error",
    "unknown",
}
RESPONSE_STATUSES = {"in-progress", "completed", "amended", "entered-in-error", "stopped"}


@pytest.fixture
def series(shipped: Mapping[str, Instrument]) -> list[PersonSeries]:
    """The series of the scores above."""
    return read_scores_csv(SCORES, "scores.csv", shipped)


@pytest.fixture
def bundle(series: list[PersonSeries]) -> dict[str, Any]:
    """The FHIR bundle of the scores above."""
    return fhir_bundle(series)


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _observations_coded(bundle: dict[str, Any], system: str, code: str) -> list[dict[str, Any]]:
    return [
        o
        for o in _resources(bundle, "Observation")
        if any(c["system"] == system and c["code"] == code for c in o["code"]["coding"])
    ]


def test_the_bundle_is_valid_fhir_r4(bundle: dict[str, Any]) -> None:
    """The whole bundle passes the R4B models' validation as a collection Bundle."""
    # Act
    parsed = Bundle.model_validate(bundle)

    # Assert
    assert parsed.type == "collection"
    assert parsed.entry is not None
    assert len(parsed.entry) == 2 * SCORE_COUNT


Breakage = Callable[[dict[str, Any]], None]


def _drop_observation_status(bundle: dict[str, Any]) -> None:
    _resources(bundle, "Observation")[0].pop("status")


def _add_r5_only_element(bundle: dict[str, Any]) -> None:
    # Observation.triggeredBy is new in R5, so an R4 model must refuse it.
    _resources(bundle, "Observation")[0]["triggeredBy"] = [
        {"type": "reflex", "observation": {"reference": "urn:uuid:x"}}
    ]


def _impossible_date(bundle: dict[str, Any]) -> None:
    _resources(bundle, "Observation")[0]["effectiveDateTime"] = "2026-02-30"


def _drop_response_status(bundle: dict[str, Any]) -> None:
    _resources(bundle, "QuestionnaireResponse")[0].pop("status")


def _text_as_value(bundle: dict[str, Any]) -> None:
    _resources(bundle, "Observation")[0]["valueQuantity"]["value"] = "eighteen"


@pytest.mark.parametrize(
    "breakage",
    [
        _drop_observation_status,
        _add_r5_only_element,
        _impossible_date,
        _drop_response_status,
        _text_as_value,
    ],
    ids=["no-status", "r5-element", "impossible-date", "no-response-status", "text-value"],
)
def test_the_validation_is_real_a_broken_bundle_fails_it(
    bundle: dict[str, Any], breakage: Breakage
) -> None:
    """A copy of the bundle broken in one place is refused, so passing validation means something."""
    # Arrange
    broken = copy.deepcopy(bundle)
    breakage(broken)

    # Act / Assert
    with pytest.raises(ValidationError):
        Bundle.model_validate(broken)


def test_statuses_come_from_their_r4_value_sets(bundle: dict[str, Any]) -> None:
    """Every status is a code of its R4 value set (fhir.resources does not check bindings)."""
    # Assert
    assert {o["status"] for o in _resources(bundle, "Observation")} <= OBSERVATION_STATUSES
    assert {r["status"] for r in _resources(bundle, "QuestionnaireResponse")} <= RESPONSE_STATUSES


def test_each_score_gives_one_response_and_one_observation(bundle: dict[str, Any]) -> None:
    """Ten scores give twenty entries: ten QuestionnaireResponses and ten Observations."""
    # Assert
    assert len(bundle["entry"]) == 2 * SCORE_COUNT
    assert len(_resources(bundle, "QuestionnaireResponse")) == SCORE_COUNT
    assert len(_resources(bundle, "Observation")) == SCORE_COUNT


def test_every_observation_is_derived_from_a_response_in_the_bundle(
    bundle: dict[str, Any],
) -> None:
    """Each Observation.derivedFrom points at the fullUrl of a QuestionnaireResponse entry."""
    # Arrange
    response_urls = {
        e["fullUrl"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    }

    # Act
    references = [
        ref["reference"] for o in _resources(bundle, "Observation") for ref in o["derivedFrom"]
    ]

    # Assert
    assert len(references) == SCORE_COUNT
    assert set(references) == response_urls


def test_full_urls_are_unique_uuids(bundle: dict[str, Any]) -> None:
    """Every entry has its own urn:uuid fullUrl."""
    # Act
    urls = [e["fullUrl"] for e in bundle["entry"]]

    # Assert
    assert len(set(urls)) == len(urls)
    assert all(url.startswith("urn:uuid:") for url in urls)


def test_the_same_scores_always_give_the_same_bundle(series: list[PersonSeries]) -> None:
    """Ids are derived from the scores, so building the bundle twice gives equal bundles."""
    # Act
    first, second = fhir_bundle(series), fhir_bundle(series)

    # Assert
    assert first == second


def test_phq9_and_gad7_totals_carry_their_loinc_codes(bundle: dict[str, Any]) -> None:
    """PHQ-9 totals are LOINC 44261-6 and GAD-7 totals 70274-6, two of each."""
    # Act
    phq9 = _observations_coded(bundle, LOINC, "44261-6")
    gad7 = _observations_coded(bundle, LOINC, "70274-6")

    # Assert
    assert [o["valueQuantity"]["value"] for o in phq9] == [18, 8]
    assert [o["valueQuantity"]["value"] for o in gad7] == [12, 6]
    assert [o["effectiveDateTime"] for o in phq9] == ["2025-01-10", "2025-03-10"]


def test_phq9_and_gad7_responses_name_their_loinc_panels(bundle: dict[str, Any]) -> None:
    """The PHQ-9 and GAD-7 questionnaires are the LOINC panels 44249-1 and 69737-5."""
    # Act
    questionnaires = [r["questionnaire"] for r in _resources(bundle, "QuestionnaireResponse")]

    # Assert
    assert sum(q.endswith("44249-1") and q.startswith(LOINC) for q in questionnaires) == 2
    assert sum(q.endswith("69737-5") and q.startswith(LOINC) for q in questionnaires) == 2


def test_other_instruments_use_local_codes(bundle: dict[str, Any]) -> None:
    """WHO-5, each goal and the ONS4 item are coded in the local system by their series id."""
    # Act
    local_codes = sorted(
        c["code"]
        for o in _resources(bundle, "Observation")
        for c in o["code"]["coding"]
        if c["system"] == LOCAL
    )

    # Assert
    assert local_codes == ["gbo.1", "gbo.1", "gbo.2", "ons4.anxious", "who5", "who5"]


def test_the_person_is_a_pseudonymous_identifier_on_both_resources(
    bundle: dict[str, Any],
) -> None:
    """Subjects are identifiers carrying the person's id, with no Patient resource in the bundle."""
    # Act
    subjects = {
        r["subject"]["identifier"]["value"]
        for e in bundle["entry"]
        for r in [e["resource"]]
        if "subject" in r
    }

    # Assert
    assert subjects == {"p1", "p2"}
    assert not _resources(bundle, "Patient")


def test_a_goal_is_carried_in_its_own_words(bundle: dict[str, Any]) -> None:
    """A gbo Observation notes the goal, and a decimal rating is a valueDecimal answer."""
    # Act
    (call,) = _observations_coded(bundle, LOCAL, "gbo.2")
    answers = [
        answer
        for r in _resources(bundle, "QuestionnaireResponse")
        for item in r["item"]
        if "Call my sister" in item["text"]
        for answer in item["answer"]
    ]

    # Assert
    assert call["note"] == [{"text": "Goal, in the person's own words: Call my sister"}]
    assert answers == [{"valueDecimal": 4.5}]


def test_a_control_character_in_a_goal_still_gives_a_valid_bundle(
    shipped: Mapping[str, Instrument],
) -> None:
    """Unusual characters in the person's words do not make the bundle invalid."""
    # Arrange
    text = 'person,instrument,date,score,goal\np<1>,gbo,2025-01-01,5,"Go ""out"" \x01 & on"\n'
    series = read_scores_csv(text, "scores.csv", shipped)

    # Act
    bundle = fhir_bundle(series)

    # Assert
    Bundle.model_validate(bundle)
    assert len(bundle["entry"]) == 2
