"""Reading scores back from FHIR R4: the QuestionnaireResponses of a Bundle.

The mirror of `fhir_bundle`: each QuestionnaireResponse it writes reads back as the person, the
instrument (or item series), the goal, the date and the score it was written from, so scores
exported by one Mutuality can be imported by another (ADR 0019). Responses from other systems
are read the same way when they say the same things:

- `questionnaire`: a LOINC panel we code (PHQ-9, GAD-7) or `urn:mutuality:instrument:<id>`;
- `subject`: the person's pseudonymous identifier (system `urn:mutuality:person`), given on the
  reference itself or on the Patient in the bundle it refers to;
- `authored`: the date (a dateTime's date);
- the item `total`: the score, as `valueInteger` or `valueDecimal`;
- the item `goal`, for goal-based instruments: the goal in the person's own words.

Observations are derived from the responses, so other kinds of resource are counted, not read.
Every problem names the element's path (`entry[2].resource.item[0].answer[0].valueInteger`)
and what was expected; all are collected, and none is returned when there is one.
"""

from __future__ import annotations

import datetime
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mutuality.outcomes._fhir import LOCAL_INSTRUMENTS, LOINC, LOINC_PANELS, PERSON_IDENTIFIER
from mutuality.outcomes._instrument import Instrument
from mutuality.outcomes._registry import resolve_series
from mutuality.outcomes.exceptions import OutcomesError

FINISHED = ("completed", "amended")
"""Response statuses that are a score: one in progress or entered in error is not."""
MAX_PROBLEMS_SHOWN = 20
MAX_KEY_LENGTH = 64
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(T[0-9:.]+(Z|[+-]\d{2}:\d{2}))?")
_INSTRUMENT_PREFIX = f"{LOCAL_INSTRUMENTS}:"


@dataclass(frozen=True)
class ImportedResponse:
    """One QuestionnaireResponse as a score: where it was, whose, on what, when and how much."""

    path: str
    person: str
    instrument: str
    goal: str | None
    date: datetime.date
    score: float


@dataclass(frozen=True)
class ReadResponses:
    """The responses read, and how many resources of each other kind were passed over."""

    responses: list[ImportedResponse]
    passed_over: dict[str, int]


class FhirInputError(OutcomesError):
    """A bundle that cannot be read as scores; each problem names an element's path."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        super().__init__("\n".join(shown + ([f"… and {more} more problems"] if more else [])))


@dataclass
class _Reader:
    instruments: Mapping[str, Instrument]
    patients: dict[str, str]
    problems: list[str] = field(default_factory=list)

    def problem(self, path: str, message: str) -> None:
        self.problems.append(f"{path}: {message}")


def read_questionnaire_responses(
    bundle: Any, instruments: Mapping[str, Instrument]
) -> ReadResponses:
    """The scores in a FHIR R4 Bundle's QuestionnaireResponses.

    Raises:
        FhirInputError: the bundle, or any response in it, is not as expected.
    """
    entries = _entries(bundle)
    reader = _Reader(instruments, _patients(entries))
    responses: list[ImportedResponse] = []
    passed_over: Counter[str] = Counter()
    for index, entry in enumerate(entries):
        path = f"entry[{index}]"
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            reader.problem(path, "expected an object with a `resource`")
            continue
        kind = resource.get("resourceType")
        if kind != "QuestionnaireResponse":
            passed_over[str(kind)] += 1
            continue
        read = _response(reader, resource, f"{path}.resource")
        if read is not None:
            responses.append(read)
    if reader.problems:
        raise FhirInputError(reader.problems)
    if not responses:
        raise FhirInputError(["entry: no QuestionnaireResponse; expected at least one score"])
    return ReadResponses(responses, dict(passed_over))


def _entries(bundle: Any) -> list[Any]:
    if not isinstance(bundle, dict):
        raise FhirInputError(["(the document): expected a JSON object, a FHIR Bundle"])
    kind = bundle.get("resourceType")
    if kind != "Bundle":
        raise FhirInputError([f"resourceType: got {kind!r}; expected 'Bundle'"])
    entries = bundle.get("entry")
    if not isinstance(entries, list):
        raise FhirInputError(["entry: expected a list of entries, each with a resource"])
    return entries


def _patients(entries: list[Any]) -> dict[str, str]:
    """Each Patient's fullUrl and `Patient/id` with its pseudonymous identifier, so that a
    response may refer to its subject rather than name them."""
    found: dict[str, str] = {}
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get("resourceType") != "Patient":
            continue
        identifiers = resource.get("identifier")
        listed = identifiers if isinstance(identifiers, list) else []
        ours = [
            i.get("value")
            for i in listed
            if isinstance(i, dict) and i.get("system") == PERSON_IDENTIFIER
        ]
        if len(ours) != 1 or not isinstance(ours[0], str):
            continue
        if isinstance(entry.get("fullUrl"), str):
            found[entry["fullUrl"]] = ours[0]
        if isinstance(resource.get("id"), str):
            found[f"Patient/{resource['id']}"] = ours[0]
    return found


def _response(reader: _Reader, resource: dict[str, Any], path: str) -> ImportedResponse | None:
    before = len(reader.problems)
    status = resource.get("status")
    if status not in FINISHED:
        reader.problem(
            f"{path}.status",
            f"got {status!r}; expected completed or amended (a questionnaire not finished "
            "is not a score)",
        )
    instrument = _instrument(reader, resource.get("questionnaire"), f"{path}.questionnaire")
    person = _subject(reader, resource.get("subject"), f"{path}.subject")
    date = _date(reader, resource.get("authored"), f"{path}.authored")
    items = resource.get("item")
    if not isinstance(items, list):
        reader.problem(f"{path}.item", "expected a list of items, one of them 'total'")
        return None
    score = _total(reader, items, instrument, f"{path}.item")
    goal = _goal(reader, items, instrument, f"{path}.item")
    if (
        len(reader.problems) > before
        or instrument is None
        or person is None
        or date is None
        or score is None
    ):
        return None
    return ImportedResponse(path, person, instrument.id, goal, date, score)


def _instrument(reader: _Reader, questionnaire: Any, path: str) -> Instrument | None:
    by_panel = {f"{LOINC}/q/{panel}": instrument for instrument, panel in LOINC_PANELS.items()}
    if isinstance(questionnaire, str):
        key = by_panel.get(questionnaire) or questionnaire.removeprefix(_INSTRUMENT_PREFIX)
        if questionnaire in by_panel or questionnaire.startswith(_INSTRUMENT_PREFIX):
            found = resolve_series(key, reader.instruments)
            if found is not None:
                return found
    known = ", ".join(sorted(reader.instruments))
    reader.problem(
        path,
        f"got {questionnaire!r}; expected {LOINC}/q/44249-1 (PHQ-9), {LOINC}/q/69737-5 "
        f"(GAD-7) or {_INSTRUMENT_PREFIX}<id> with a known id ({known}, or an item or goal "
        "of one)",
    )
    return None


def _subject(reader: _Reader, subject: Any, path: str) -> str | None:
    if isinstance(subject, dict) and isinstance(subject.get("identifier"), dict):
        identifier = subject["identifier"]
        if identifier.get("system") != PERSON_IDENTIFIER:
            reader.problem(
                f"{path}.identifier.system",
                f"got {identifier.get('system')!r}; expected {PERSON_IDENTIFIER!r}",
            )
            return None
        return _key(reader, identifier.get("value"), f"{path}.identifier.value")
    if isinstance(subject, dict) and isinstance(subject.get("reference"), str):
        reference = subject["reference"]
        if reference in reader.patients:
            return reader.patients[reference]
        reader.problem(
            f"{path}.reference",
            f"got {reference!r}; expected a Patient in this bundle with one identifier of "
            f"the system {PERSON_IDENTIFIER!r}",
        )
        return None
    reader.problem(
        path,
        f"expected the person's identifier (system {PERSON_IDENTIFIER!r}) or a reference to "
        "their Patient in this bundle",
    )
    return None


def _key(reader: _Reader, value: Any, path: str) -> str | None:
    if isinstance(value, str) and 0 < len(value.strip()) <= MAX_KEY_LENGTH:
        return value.strip()
    reader.problem(path, f"got {value!r}; expected the person's identifier (up to 64 characters)")
    return None


def _date(reader: _Reader, authored: Any, path: str) -> datetime.date | None:
    matched = _DATE.fullmatch(authored) if isinstance(authored, str) else None
    if matched:
        try:
            return datetime.date.fromisoformat(matched.group(1))
        except ValueError:
            pass
    reader.problem(path, f"got {authored!r}; expected the date it was filled in, as 2026-03-01")
    return None


def _item(items: list[Any], link_id: str) -> tuple[int, dict[str, Any]] | None:
    return next(
        (
            (index, item)
            for index, item in enumerate(items)
            if isinstance(item, dict) and item.get("linkId") == link_id
        ),
        None,
    )


def _answer(reader: _Reader, item: dict[str, Any], path: str) -> dict[str, Any] | None:
    answers = item.get("answer")
    if isinstance(answers, list) and len(answers) == 1 and isinstance(answers[0], dict):
        return answers[0]
    reader.problem(f"{path}.answer", "expected exactly one answer")
    return None


def _total(
    reader: _Reader, items: list[Any], instrument: Instrument | None, path: str
) -> float | None:
    found = _item(items, "total")
    if found is None:
        reader.problem(path, "no item with linkId 'total'; expected the score as that item")
        return None
    index, item = found
    answer = _answer(reader, item, f"{path}[{index}]")
    if answer is None:
        return None
    where = f"{path}[{index}].answer[0]"
    value = answer.get("valueInteger", answer.get("valueDecimal"))
    kind = "valueInteger" if "valueInteger" in answer else "valueDecimal"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        reader.problem(where, f"got {answer!r}; expected a valueInteger or valueDecimal score")
        return None
    if kind == "valueInteger" and not isinstance(value, int):
        reader.problem(f"{where}.valueInteger", f"got {value!r}; expected a whole number")
        return None
    if instrument is not None and not instrument.low <= value <= instrument.high:
        reader.problem(
            f"{where}.{kind}",
            f"got {value!r}; expected a {instrument.name} score from {instrument.low} to "
            f"{instrument.high}",
        )
        return None
    return float(value)


def _goal(
    reader: _Reader, items: list[Any], instrument: Instrument | None, path: str
) -> str | None:
    if instrument is None or instrument.scoring != "per_goal":
        return None
    found = _item(items, "goal")
    if found is None:
        reader.problem(
            path, "no item with linkId 'goal'; a goal-based score needs the goal it rates"
        )
        return None
    index, item = found
    answer = _answer(reader, item, f"{path}[{index}]")
    if answer is None:
        return None
    goal = answer.get("valueString")
    if not isinstance(goal, str) or not goal.strip():
        reader.problem(
            f"{path}[{index}].answer[0].valueString",
            f"got {goal!r}; expected the goal in the person's own words",
        )
        return None
    return goal.strip()
