"""Reading scores back from FHIR QuestionnaireResponses (ADR 0019): what `fhir_bundle` writes
reads back as the scores it was written from, and a malformed bundle is refused with every
problem at its element's path."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mutuality.outcomes import (
    FhirInputError,
    Instrument,
    PersonSeries,
    fhir_bundle,
    read_questionnaire_responses,
    read_scores_csv,
    shipped_instruments,
)

SCORES = """\
person,instrument,date,score,goal
p1,phq9,2025-01-10,18,
p1,gad7,2025-01-10,12,
p2,who5,2025-01-05,32,
p2,gbo,2025-01-05,2,Walk to the shop
p2,gbo,2025-01-05,4.5,Call my sister
p2,ons4.anxious,2025-01-05,7,
"""


def _scores(series: list[PersonSeries]) -> list[tuple[str, str, str | None, datetime.date, float]]:
    return sorted(
        (s.person, s.instrument.id, s.goal, when, float(score))
        for s in series
        for when, score in s.scores
    )


def _read(bundle: Any, shipped: Mapping[str, Instrument]) -> list[tuple[Any, ...]]:
    read = read_questionnaire_responses(bundle, shipped)
    return sorted((r.person, r.instrument, r.goal, r.date, r.score) for r in read.responses)


def test_every_score_written_reads_back_as_it_was(shipped: Mapping[str, Instrument]) -> None:
    """PHQ-9 and GAD-7 by their LOINC panels, the rest by local code, goals by their own item."""
    # Arrange
    series = read_scores_csv(SCORES, "scores.csv", shipped)

    # Act
    read = read_questionnaire_responses(fhir_bundle(series), shipped)

    # Assert
    assert _read(fhir_bundle(series), shipped) == _scores(series)
    assert read.passed_over == {"Observation": 6}


_INSTRUMENTS = shipped_instruments()
_ROWS = st.lists(
    st.tuples(
        st.sampled_from(["a", "b"]),
        st.sampled_from(["phq9", "gad7", "who5", "ons4.happy", "gbo"]),
        st.dates(datetime.date(2000, 1, 1), datetime.date(2030, 12, 31)),
        st.integers(0, 5),
        st.sampled_from(["Go out", "Sleep well"]),
    ),
    min_size=1,
    max_size=12,
)


@given(_ROWS)
@settings(max_examples=40, deadline=None)
def test_any_scores_read_back_as_they_were_written(rows: list[tuple[Any, ...]]) -> None:
    """Whatever the people, instruments, dates and scores, the bundle reads back unchanged."""
    # Arrange
    lines = ["person,instrument,date,score,goal"]
    lines += [f"{p},{i},{d.isoformat()},{s},{g if i == 'gbo' else ''}" for p, i, d, s, g in rows]
    series = read_scores_csv("\n".join(lines) + "\n", "scores.csv", _INSTRUMENTS)

    # Act
    read = _read(fhir_bundle(series), _INSTRUMENTS)

    # Assert
    assert read == _scores(series)


def _one(shipped: Mapping[str, Instrument]) -> dict[str, Any]:
    series = read_scores_csv(SCORES, "scores.csv", shipped)
    return fhir_bundle(series)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda r: r.update(status="in-progress"), "entry[0].resource.status"),
        (
            lambda r: r.update(questionnaire="http://example.org/q"),
            "entry[0].resource.questionnaire",
        ),
        (lambda r: r.pop("subject"), "entry[0].resource.subject"),
        (
            lambda r: r["subject"]["identifier"].update(system="urn:other"),
            "entry[0].resource.subject.identifier.system",
        ),
        (
            lambda r: r["subject"]["identifier"].update(value=""),
            "entry[0].resource.subject.identifier.value",
        ),
        (lambda r: r.update(authored="10/01/2025"), "entry[0].resource.authored"),
        (lambda r: r.update(authored="2025-02-30"), "entry[0].resource.authored"),
        (lambda r: r.update(item="total"), "entry[0].resource.item"),
        (lambda r: r.update(item=[]), "entry[0].resource.item"),
        (lambda r: r["item"][0].update(answer=[]), "entry[0].resource.item[0].answer"),
        (
            lambda r: r["item"][0].update(answer=[{"valueInteger": 28}]),
            "entry[0].resource.item[0].answer[0].valueInteger",
        ),
        (
            lambda r: r["item"][0].update(answer=[{"valueInteger": 2.5}]),
            "entry[0].resource.item[0].answer[0].valueInteger",
        ),
        (
            lambda r: r["item"][0].update(answer=[{"valueString": "18"}]),
            "entry[0].resource.item[0].answer[0]",
        ),
        (
            lambda r: r["item"][0].update(answer=[{"valueInteger": True}]),
            "entry[0].resource.item[0].answer[0]",
        ),
    ],
)
def test_a_malformed_response_is_refused_at_its_elements_path(
    shipped: Mapping[str, Instrument], change: Any, path: str
) -> None:
    """Each kind of fault is named at the element where it is, and nothing is returned."""
    # Arrange
    bundle = _one(shipped)
    change(bundle["entry"][0]["resource"])

    # Act
    with pytest.raises(FhirInputError) as refused:
        read_questionnaire_responses(bundle, shipped)

    # Assert
    assert [problem.split(": ")[0] for problem in refused.value.problems] == [path]
    assert "expected" in refused.value.problems[0]


def test_a_goal_based_response_without_its_goal_is_refused(
    shipped: Mapping[str, Instrument],
) -> None:
    """A goal-based score needs the goal it rates: without the `goal` item it cannot be kept."""
    # Arrange
    bundle = _one(shipped)
    goals = [
        i
        for i, e in enumerate(bundle["entry"])
        if e["resource"].get("questionnaire") == "urn:mutuality:instrument:gbo"
    ]
    resource = bundle["entry"][goals[0]]["resource"]
    resource["item"] = resource["item"][:1]

    # Act
    with pytest.raises(FhirInputError) as refused:
        read_questionnaire_responses(bundle, shipped)

    # Assert
    assert refused.value.problems == [
        f"entry[{goals[0]}].resource.item: no item with linkId 'goal'; a goal-based score "
        "needs the goal it rates"
    ]


def test_a_subject_may_be_a_reference_to_a_patient_in_the_bundle(
    shipped: Mapping[str, Instrument],
) -> None:
    """Another system may name the person on a Patient and refer to it: the identifier is read
    from there."""
    # Arrange
    bundle = _one(shipped)
    response = bundle["entry"][0]["resource"]
    key = response["subject"]["identifier"]["value"]
    response["subject"] = {"reference": "Patient/x1"}
    patient = {
        "resourceType": "Patient",
        "id": "x1",
        "identifier": [{"system": "urn:mutuality:person", "value": key}],
    }
    with_patient = copy.deepcopy(bundle)
    with_patient["entry"].append({"resource": patient})

    # Act
    read = read_questionnaire_responses(with_patient, shipped)

    # Assert
    assert read.responses[0].person == key
    assert read.passed_over["Patient"] == 1
    with pytest.raises(FhirInputError):
        read_questionnaire_responses(bundle, shipped)  # the same, without the Patient


def test_every_problem_is_reported_not_only_the_first(shipped: Mapping[str, Instrument]) -> None:
    """Two faulty responses: both named, so the sender can put them all right at once."""
    # Arrange
    bundle = _one(shipped)
    bundle["entry"][0]["resource"]["status"] = "stopped"
    bundle["entry"][2]["resource"]["authored"] = "soon"

    # Act
    with pytest.raises(FhirInputError) as refused:
        read_questionnaire_responses(bundle, shipped)

    # Assert
    assert [p.split(": ")[0] for p in refused.value.problems] == [
        "entry[0].resource.status",
        "entry[2].resource.authored",
    ]
