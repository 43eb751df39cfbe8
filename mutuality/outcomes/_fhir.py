"""Scores as a FHIR R4 Bundle: a QuestionnaireResponse and an Observation per score.

PHQ-9 and GAD-7 totals carry their LOINC codes (44261-6 and 70274-6; the panels
44249-1 and 69737-5 name the questionnaires). Other instruments use a local code
system. People are identified by a pseudonymous identifier, not a Patient
resource, because the scores file holds no demographics. A goal is an answer of its own (item
`goal`) as well as words of the total's text, and `read_questionnaire_responses` reads the
responses back (ADR 0019).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Sequence
from typing import Any

from mutuality.outcomes._scores_csv import PersonSeries

LOINC = "http://loinc.org"
LOCAL_INSTRUMENTS = "urn:mutuality:instrument"
PERSON_IDENTIFIER = "urn:mutuality:person"
SURVEY = {
    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
    "code": "survey",
    "display": "Survey",
}
_NAMESPACE = uuid.UUID("5b0c4e7a-2f3d-4c1a-9a57-6d1f0e4b8c21")
_LOINC_CODES: dict[str, tuple[str, str, str, str]] = {
    # instrument id: (total code, total display, panel code, panel display)
    "phq9": (
        "44261-6",
        "Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]",
        "44249-1",
        "PHQ-9 quick depression assessment panel [Reported.PHQ]",
    ),
    "gad7": (
        "70274-6",
        "Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]",
        "69737-5",
        "Generalized anxiety disorder 7 item (GAD-7)",
    ),
}
LOINC_PANELS = {instrument: codes[2] for instrument, codes in _LOINC_CODES.items()}
"""The LOINC panel that names each questionnaire we code in LOINC."""


def _coding(series: PersonSeries) -> dict[str, str]:
    loinc = _LOINC_CODES.get(series.instrument.id)
    if loinc:
        return {"system": LOINC, "code": loinc[0], "display": loinc[1]}
    return {
        "system": LOCAL_INSTRUMENTS,
        "code": series.series_id,
        "display": series.instrument.name,
    }


def _questionnaire(series: PersonSeries) -> str:
    loinc = _LOINC_CODES.get(series.instrument.id)
    if loinc:
        return f"{LOINC}/q/{loinc[2]}"
    return f"{LOCAL_INSTRUMENTS}:{series.instrument.id}"


def _value(score: float) -> dict[str, Any]:
    return {
        "value": score,
        "unit": "{score}",
        "system": "http://unitsofmeasure.org",
        "code": "{score}",
    }


def _answer(score: float) -> dict[str, Any]:
    return {"valueInteger": score} if float(score).is_integer() else {"valueDecimal": score}


def _subject(person: str) -> dict[str, Any]:
    return {"identifier": {"system": PERSON_IDENTIFIER, "value": person}}


def _response(series: PersonSeries, when: datetime.date, score: float) -> dict[str, Any]:
    text = f"{series.instrument.name} score"
    if series.goal:
        text += f" for the goal: {series.goal}"
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": _questionnaire(series),
        "subject": _subject(series.person),
        "authored": when.isoformat(),
        "item": _items(series, text, score),
    }


def _items(series: PersonSeries, text: str, score: float) -> list[dict[str, Any]]:
    items = [{"linkId": "total", "text": text, "answer": [_answer(score)]}]
    if series.goal:
        # The goal as an answer of its own too, so that an import reads it back as it was.
        answer = {"valueString": series.goal}
        items.append(
            {"linkId": "goal", "text": "The goal, in the person's own words", "answer": [answer]}
        )
    return items


def _observation(
    series: PersonSeries, when: datetime.date, score: float, response_url: str
) -> dict[str, Any]:
    observation: dict[str, Any] = {
        "resourceType": "Observation",
        "status": "final",
        "category": [{"coding": [SURVEY]}],
        "code": {"coding": [_coding(series)], "text": series.instrument.name},
        "subject": _subject(series.person),
        "effectiveDateTime": when.isoformat(),
        "valueQuantity": _value(score),
        "derivedFrom": [{"reference": response_url}],
    }
    if series.goal:
        observation["note"] = [{"text": f"Goal, in the person's own words: {series.goal}"}]
    return observation


def _entries(series: PersonSeries) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for position, (when, score) in enumerate(series.scores):
        # Deterministic ids: the same scores always give the same bundle.
        key = f"{series.person}|{series.series_id}|{when}|{score}|{position}"
        response_url = f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'qr|' + key)}"
        observation_url = f"urn:uuid:{uuid.uuid5(_NAMESPACE, 'obs|' + key)}"
        entries.append({"fullUrl": response_url, "resource": _response(series, when, score)})
        entries.append(
            {
                "fullUrl": observation_url,
                "resource": _observation(series, when, score, response_url),
            }
        )
    return entries


def fhir_bundle(series: Sequence[PersonSeries]) -> dict[str, Any]:
    """A FHIR R4 `collection` Bundle of every score, as plain JSON-ready data."""
    entries = [entry for one in series for entry in _entries(one)]
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}
