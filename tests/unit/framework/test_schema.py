"""`mutuality schema` agrees with `mutuality validate`: over every example and random mutations
of them, the schema never refuses a case validation accepts, and it refuses each kind of
mistake JSON Schema can express (docs/case-format.md, "The JSON Schema")."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from mutuality._safe_yaml import load_yaml
from mutuality.framework import QUESTIONS, CaseError, case_schema, validate_case
from mutuality.framework._model import (
    AffectedConsent,
    Capacity,
    Consent,
    ConsultationOutcome,
    ContrastIndicator,
    ObservationKind,
    ObservationStatus,
    ParticipantRole,
    PaymentKind,
    ResourceReview,
    Setting,
    Stage,
    Vulnerability,
)
from mutuality.outcomes import Instrument, build_instruments

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "examples").glob("*.yaml"))
SCHEMA = case_schema()
VALIDATOR = Draft202012Validator(SCHEMA)
SHIPPED = build_instruments(())
PROPERTY_SETTINGS = settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

Where = tuple[str | int, ...]
Mutation = Callable[[st.DataObject, Any], None]


def _read(path: Path) -> Any:
    """The case as Mutuality's YAML reader gives it (dates as text, YAML 1.1 booleans)."""
    return load_yaml(path.read_text(encoding="utf-8"))


CASES = {path.name: _read(path) for path in EXAMPLES}


def _validate_accepts(data: Any) -> bool:
    try:
        validate_case(copy.deepcopy(data), "mutated case")
    except CaseError:
        return False
    return True


def _schema_accepts(data: Any) -> bool:
    return bool(VALIDATOR.is_valid(data))


# --- Where things are in a case ---------------------------------------------------------------


def _walk(node: Any, path: Where = ()) -> Iterator[tuple[Where, Any]]:
    """Every value inside the document with its path (not the document itself)."""
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for step, child in children:
        yield (*path, step), child
        yield from _walk(child, (*path, step))


def _at(data: Any, path: Where) -> Any:
    for step in path:
        data = data[step]
    return data


def _put(data: Any, path: Where, value: Any) -> None:
    _at(data, path[:-1])[path[-1]] = value


def _field(path: Where) -> str:
    """The name of the field a value belongs to (a list item belongs to its list's field)."""
    return next((str(step) for step in reversed(path) if isinstance(step, str)), "")


def _in_instruments(path: Where) -> bool:
    return bool(path) and path[0] == "instruments"


def _strings(data: Any) -> list[Where]:
    return [path for path, value in _walk(data) if isinstance(value, str)]


def _dicts(data: Any) -> list[Where]:
    return [(), *(path for path, value in _walk(data) if isinstance(value, dict))]


def _list(node: Any, key: str) -> list[Any]:
    """`node[key]` when it is a list (earlier changes may have made it anything)."""
    value = node.get(key) if isinstance(node, dict) else None
    return value if isinstance(value, list) else []


def _records(node: Any, key: str) -> list[dict[str, Any]]:
    return [item for item in _list(node, key) if isinstance(item, dict)]


def _pick(data: st.DataObject, paths: list[Where]) -> Where | None:
    return data.draw(st.sampled_from(paths)) if paths else None


OPTIONS: dict[str, tuple[Any, ...]] = {
    "stage": get_args(Stage),
    "setting": get_args(Setting),
    "role": get_args(ParticipantRole),
    "capacity": get_args(Capacity),
    "consent": get_args(Consent) + get_args(AffectedConsent),
    "vulnerability": get_args(Vulnerability),
    "resource_review": get_args(ResourceReview),
    "kind": get_args(PaymentKind) + get_args(ObservationKind),
    "status": get_args(ObservationStatus),
    "outcome": get_args(ConsultationOutcome),
    "contrast": get_args(ContrastIndicator),
    "higher_is": ("better", "worse"),
    "scoring": ("sum", "sum_times_4", "per_item", "per_goal"),
    "text_licence": ("shipped", "organisation_supplied"),
}
ANSWERS = {question.id: question.options for question in QUESTIONS}
DATES = {"as_of", "started", "date", "last_review", "last_supervision", "last_independent_review"}
REFERENCES = {"agreed_by", "communicated_to", "to", "party", "of"}
SPACES = [" ", "\t", "\n", "\r\n", "\u3000", "\xa0", "\x85", "\u2009"]
CONTROLS = ["\x00", "\x07", "\x0b", "\x1b", "\x1f", "\x7f"]
BAD_DATES = [
    "2026-02-30",
    "2025-02-29",
    "1900-02-29",
    "2100-02-29",
    "2026-04-31",
    "2026-13-01",
    "2026-00-10",
    "1899-12-31",
    "2200-01-01",
    "2026-1-5",
    "26-11-2026",
    "x2026-11-25",
    "2026-11-25x",
    "2026-11-25T10:00",
    "today",
]


def _enum_paths(data: Any) -> list[Where]:
    return [
        path
        for path, value in _walk(data)
        if isinstance(value, str)
        and (_field(path) in OPTIONS or (len(path) > 1 and path[-2] == "answers"))
    ]


def _date_paths(data: Any) -> list[Where]:
    return [path for path in _strings(data) if _field(path) in DATES]


def _series_paths(data: Any) -> list[tuple[Where, Instrument]]:
    """Each score of a shipped instrument (or one of its series), with that instrument."""
    found = []
    for index, entry in enumerate(_list(data, "outcomes")):
        if not isinstance(entry, dict):
            continue
        name = str(entry.get("instrument", "")).strip()
        instrument = SHIPPED.get(name) or next(
            (s for i in SHIPPED.values() for s in i.item_series if s.id == name), None
        )
        if name.startswith("gbo."):
            instrument = SHIPPED["gbo"]
        if instrument is not None:
            for number, score in enumerate(_list(entry, "scores")):
                if isinstance(score, dict):
                    found.append((("outcomes", index, "scores", number), instrument))
    return found


# --- Mutations JSON Schema can express: when validation refuses, the schema must too ----------


def unknown_field(data: st.DataObject, case: Any) -> None:
    path = _pick(data, _dicts(case))
    name = data.draw(st.sampled_from(["zz_unknown", "participant", "titel", "Stage", "notes"]))
    target = _at(case, path or ())
    if name not in target:
        target[name] = data.draw(st.sampled_from([1, "x", None, [], {}]))


def wrong_type(data: st.DataObject, case: Any) -> None:
    paths = [path for path, value in _walk(case) if value is not None]
    path = _pick(data, paths)
    if path is None:
        return
    value = _at(case, path)
    if isinstance(value, bool):
        choices: list[Any] = ["true", 1, 0, []]
    elif isinstance(value, int | float):
        choices = [str(value), True, [value], {"value": value}]
    elif isinstance(value, str):
        choices = [7, 2.5, True, [value], {"text": value}]
    elif isinstance(value, list):
        choices = ["x", 3, {"items": value}]
    else:
        choices = ["x", 3, [value]]
    _put(case, path, data.draw(st.sampled_from(choices)))


def not_an_option(data: st.DataObject, case: Any) -> None:
    path = _pick(data, _enum_paths(case))
    if path is not None:
        _put(case, path, data.draw(st.sampled_from(["zz_not_an_option", "Active", "maybe", ""])))


def impossible_date(data: st.DataObject, case: Any) -> None:
    path = _pick(data, _date_paths(case))
    if path is not None:
        _put(case, path, data.draw(st.sampled_from(BAD_DATES)))


def drop_field(data: st.DataObject, case: Any) -> None:
    # Outside `instruments`: a custom definition's fields depend on each other in ways only
    # validation checks, and outcomes name custom instruments by id.
    paths = [
        path for path, _ in _walk(case) if isinstance(path[-1], str) and not _in_instruments(path)
    ]
    path = _pick(data, paths)
    if path is not None:
        del _at(case, path[:-1])[path[-1]]


def null_field(data: st.DataObject, case: Any) -> None:
    paths = [path for path, _ in _walk(case) if not _in_instruments(path)]
    path = _pick(data, paths)
    if path is not None:
        _put(case, path, None)


def running_without_started(data: st.DataObject, case: Any) -> None:
    case["stage"] = data.draw(st.sampled_from(["active", "ending"]))
    if data.draw(st.booleans()):
        case.pop("started", None)
    else:
        case["started"] = None


def value_and_items(data: st.DataObject, case: Any) -> None:
    scores = [
        path for path, value in _walk(case) if _field(path) == "scores" and isinstance(value, dict)
    ]
    path = _pick(data, scores)
    if path is None:
        return
    score = _at(case, path)
    if data.draw(st.booleans()):
        score.pop("value", None)
        score.pop("items", None)
    else:
        score.setdefault("value", 3)
        score.setdefault("items", [1, 2])


def shipped_score_out_of_range(data: st.DataObject, case: Any) -> None:
    found = _series_paths(case)
    if not found:
        return
    path, instrument = data.draw(st.sampled_from(found))
    score = _at(case, path)
    beyond = data.draw(st.sampled_from([0.5, 1, 7, 1000]))
    if "value" in score:
        score["value"] = (
            instrument.high + beyond if data.draw(st.booleans()) else instrument.low - beyond
        )
    elif isinstance(score.get("items"), list) and score["items"] and instrument.item_range:
        index = data.draw(st.integers(0, len(score["items"]) - 1))
        score["items"][index] = instrument.item_range[1] + int(beyond + 0.5)


def wrong_item_count(data: st.DataObject, case: Any) -> None:
    found = [(p, i) for p, i in _series_paths(case) if isinstance(_at(case, p).get("items"), list)]
    if found:
        path, _ = data.draw(st.sampled_from(found))
        items = _at(case, path)["items"]
        if data.draw(st.booleans()) and len(items) > 1:
            items.pop()
        else:
            items.append(items[0])


def recipients_only_on_a_professional(data: st.DataObject, case: Any) -> None:
    people = _records(case, "participants")
    professionals = [person for person in people if person.get("role") == "professional"]
    if professionals:
        chosen = data.draw(st.sampled_from(professionals))
        if data.draw(st.booleans()):
            chosen["vulnerability"] = data.draw(st.sampled_from(get_args(Vulnerability)))
        else:
            chosen["can_decline_freely"] = data.draw(st.booleans())


def not_needed_without_reason(data: st.DataObject, case: Any) -> None:
    parties = _records(case, "affected_parties")
    if parties:
        party = data.draw(st.sampled_from(parties))
        party["consent"] = "not_needed"
        party.pop("reason", None)


def one_role_only(data: st.DataObject, case: Any) -> None:
    role = data.draw(st.sampled_from(["professional", "recipient"]))
    for participant in _records(case, "participants"):
        participant["role"] = role
        participant.pop("vulnerability", None)
        participant.pop("can_decline_freely", None)


def custom_instrument_with_a_shipped_id(data: st.DataObject, case: Any) -> None:
    definitions = _records(case, "instruments")
    if definitions:
        data.draw(st.sampled_from(definitions))["id"] = data.draw(st.sampled_from(sorted(SHIPPED)))


def empty_text(data: st.DataObject, case: Any) -> None:
    path = _pick(data, [p for p in _strings(case) if not _in_instruments(p)])
    if path is not None:
        _put(case, path, data.draw(st.sampled_from(["", " ", "\t\n", "\u3000"])))


def control_character(data: st.DataObject, case: Any) -> None:
    path = _pick(data, _strings(case))
    if path is not None:
        text = _at(case, path)
        at = data.draw(st.integers(0, len(text)))
        _put(case, path, text[:at] + data.draw(st.sampled_from(CONTROLS)) + text[at:])


def too_long(data: st.DataObject, case: Any) -> None:
    path = _pick(data, [p for p in _strings(case) if not _in_instruments(p)])
    if path is not None:
        _put(case, path, "w" * data.draw(st.sampled_from([2001, 4001])))


EXPRESSIBLE: list[Mutation] = [
    unknown_field,
    wrong_type,
    not_an_option,
    impossible_date,
    drop_field,
    null_field,
    running_without_started,
    value_and_items,
    shipped_score_out_of_range,
    wrong_item_count,
    recipients_only_on_a_professional,
    not_needed_without_reason,
    one_role_only,
    custom_instrument_with_a_shipped_id,
    empty_text,
    control_character,
    too_long,
]


# --- Mutations that often keep a case valid, or break it in ways only validation sees --------


def yaml_yes_or_no(data: st.DataObject, case: Any) -> None:
    people = _records(case, "participants")
    if people:
        person = data.draw(st.sampled_from(people))
        answers = person.get("answers")
        if not isinstance(answers, dict):
            answers = person["answers"] = {}
        answers[data.draw(st.sampled_from(sorted(ANSWERS)))] = data.draw(st.booleans())


def another_option(data: st.DataObject, case: Any) -> None:
    path = _pick(data, _enum_paths(case))
    if path is None:
        return
    field = _field(path)
    options = ANSWERS.get(str(path[-1]), ()) if field not in OPTIONS else OPTIONS[field]
    if options:
        _put(case, path, data.draw(st.sampled_from(options)))


def padded_text(data: st.DataObject, case: Any) -> None:
    path = _pick(data, _strings(case))
    if path is not None:
        before, after = (data.draw(st.lists(st.sampled_from(SPACES), max_size=3)) for _ in "ab")
        _put(case, path, "".join(before) + _at(case, path) + "".join(after))


def longest_text(data: st.DataObject, case: Any) -> None:
    path = _pick(data, _strings(case))
    if path is not None:
        size = data.draw(st.sampled_from([2000, 3999, 4000]))
        _put(case, path, " " * 5 + "w" * size + "\n")


def another_date(data: st.DataObject, case: Any) -> None:
    path = _pick(data, _date_paths(case))
    if path is not None:
        day = data.draw(st.dates(min_value=date(1890, 1, 1), max_value=date(2210, 12, 31)))
        _put(case, path, day.isoformat())


def shipped_score_in_range(data: st.DataObject, case: Any) -> None:
    found = _series_paths(case)
    if not found:
        return
    path, instrument = data.draw(st.sampled_from(found))
    score = _at(case, path)
    whole = st.integers(int(instrument.low), int(instrument.high))
    fraction = st.floats(instrument.low, instrument.high, allow_nan=False)
    score.pop("items", None)
    score["value"] = data.draw(whole | fraction)


def shipped_items(data: st.DataObject, case: Any) -> None:
    found = [(p, i) for p, i in _series_paths(case) if i.items and i.item_range]
    if not found:
        return
    path, instrument = data.draw(st.sampled_from(found))
    assert instrument.items is not None and instrument.item_range is not None
    low, high = instrument.item_range
    response = st.integers(low, high) | st.integers(low, high).map(float)
    if instrument.prorate:
        response = response | st.none()
    score = _at(case, path)
    score.pop("value", None)
    score["items"] = data.draw(
        st.lists(response, min_size=instrument.items - 1, max_size=instrument.items + 1)
    )


def another_instrument(data: st.DataObject, case: Any) -> None:
    entries = _records(case, "outcomes")
    if entries:
        entry = data.draw(st.sampled_from(entries))
        ids = [*sorted(SHIPPED), "ons4.happy", "gbo.2", "gbo.0", "phq9.x", "unknown"]
        entry["instrument"] = data.draw(st.sampled_from(ids))
        if data.draw(st.booleans()):
            entry["goal"] = "to walk to the shop"


def dangling_reference(data: st.DataObject, case: Any) -> None:
    paths = [p for p in _strings(case) if _field(p) in REFERENCES | {"by"}]
    path = _pick(data, paths)
    if path is not None:
        ids = [person.get("id") for person in _records(case, "participants")]
        _put(case, path, data.draw(st.sampled_from([*ids, "nobody", "sam2"])))


def copied_element(data: st.DataObject, case: Any) -> None:
    lists = [path for path, value in _walk(case) if isinstance(value, list) and value]
    path = _pick(data, lists)
    if path is not None:
        items = _at(case, path)
        items.append(copy.deepcopy(data.draw(st.sampled_from(items))))


def removed_element(data: st.DataObject, case: Any) -> None:
    lists = [path for path, value in _walk(case) if isinstance(value, list) and value]
    path = _pick(data, lists)
    if path is not None:
        items = _at(case, path)
        del items[data.draw(st.integers(0, len(items) - 1))]


def shared_record_id(data: st.DataObject, case: Any) -> None:
    records = [
        value
        for path, value in _walk(case)
        if isinstance(value, dict)
        and _field(path)
        in {
            "affected_parties",
            "disclosures",
            "observations",
            "consultations",
            "outcomes",
            "scores",
        }
    ]
    if records:
        for record in data.draw(st.lists(st.sampled_from(records), min_size=1, max_size=2)):
            record["id"] = data.draw(
                st.sampled_from(["rec-1", "3f1c9a52-6d0e-4a8b-9c1d-2e7f5a6b8c90"])
            )


def custom_score(data: st.DataObject, case: Any) -> None:
    scores = [
        score
        for entry in _records(case, "outcomes")
        if entry.get("instrument") not in SHIPPED
        for score in _records(entry, "scores")
    ]
    if scores:
        data.draw(st.sampled_from(scores))["value"] = data.draw(st.integers(-10, 100))


def any_stage(data: st.DataObject, case: Any) -> None:
    case["stage"] = data.draw(st.sampled_from([*get_args(Stage), None]))
    if data.draw(st.booleans()):
        case.pop("started", None)


FREE: list[Mutation] = [
    yaml_yes_or_no,
    another_option,
    padded_text,
    longest_text,
    another_date,
    shipped_score_in_range,
    shipped_items,
    another_instrument,
    dangling_reference,
    copied_element,
    removed_element,
    shared_record_id,
    custom_score,
    any_stage,
]


# --- The tests ----------------------------------------------------------------------------------


def test_the_schema_is_valid_draft_2020_12() -> None:
    """The generated schema is itself a valid JSON Schema (draft 2020-12)."""
    # Arrange
    meta = Draft202012Validator.META_SCHEMA

    # Act
    problems = list(Draft202012Validator(meta).iter_errors(SCHEMA))

    # Assert
    assert problems == []


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_every_example_passes_validation_and_the_schema(path: Path) -> None:
    """Each of the project's examples is accepted by both."""
    # Arrange
    case = _read(path)

    # Act
    accepted = (_validate_accepts(case), _schema_accepts(case))

    # Assert
    assert accepted == (True, True), list(VALIDATOR.iter_errors(case))


def test_every_shared_example_passes_validation_and_the_schema(example_files: list[Path]) -> None:
    """Each shared example beside the project (when there) is accepted by both."""
    # Arrange
    cases = {path.name: _read(path) for path in example_files}

    # Act
    refused = {
        name
        for name, case in cases.items()
        if not _schema_accepts(case) or not _validate_accepts(case)
    }

    # Assert
    assert cases and refused == set()


@PROPERTY_SETTINGS
@given(st.data())
def test_what_validation_accepts_the_schema_accepts(data: st.DataObject) -> None:
    """After any mix of random changes, a case validation accepts the schema accepts."""
    # Arrange
    case = copy.deepcopy(CASES[data.draw(st.sampled_from(sorted(CASES)))])
    for mutate in data.draw(st.lists(st.sampled_from(FREE + EXPRESSIBLE), min_size=1, max_size=4)):
        mutate(data, case)

    # Act
    valid = _validate_accepts(case)

    # Assert
    if valid:
        assert _schema_accepts(case), list(VALIDATOR.iter_errors(case))


@PROPERTY_SETTINGS
@given(st.data())
def test_what_the_schema_can_express_it_refuses(data: st.DataObject) -> None:
    """After one change of a kind JSON Schema can express, a case validation refuses the
    schema refuses too."""
    # Arrange
    case = copy.deepcopy(CASES[data.draw(st.sampled_from(sorted(CASES)))])
    data.draw(st.sampled_from(EXPRESSIBLE))(data, case)

    # Act
    valid = _validate_accepts(case)

    # Assert
    if not valid:
        assert not _schema_accepts(case)


# --- Each kind of mistake, one by one ----------------------------------------------------------


def _score(case: dict[str, Any]) -> dict[str, Any]:
    score: dict[str, Any] = case["outcomes"][0]["scores"][0]
    return score


REFUSED_BY_BOTH: dict[str, Callable[[dict[str, Any]], None]] = {
    "an unknown field": lambda c: c.update(titel="Walking group"),
    "an unknown field set to null": lambda c: c["participants"][0].update(nmae=None),
    "a value that is not an option": lambda c: c.update(stage="paused"),
    "a number as text": lambda c: _score(c).update(value="16"),
    "stage active without started": lambda c: c.pop("started"),
    "stage ending with started null": lambda c: c.update(stage="ending", started=None),
    "a score with neither value nor items": lambda c: _score(c).pop("value"),
    "a score with both value and items": lambda c: _score(c).update(items=[1] * 9),
    "a PHQ-9 total above 27": lambda c: _score(c).update(value=28),
    "a PHQ-9 total below 0": lambda c: _score(c).update(value=-1),
    "PHQ-9 with eight item responses": lambda c: _score(c).update(value=None, items=[1] * 8),
    "a PHQ-9 item response of 4": lambda c: _score(c).update(value=None, items=[4] + [1] * 8),
    "a goal-based series without its goal": lambda c: c["outcomes"][0].update(instrument="gbo"),
    "a goal on a PHQ-9 series": lambda c: c["outcomes"][0].update(goal="to sleep"),
    "an impossible date": lambda c: c.update(as_of="2026-02-30"),
    "29 February 2100": lambda c: c.update(as_of="2100-02-29"),
    "a date with text before it": lambda c: c.update(as_of="on 2026-11-25"),
    "a date with text after it": lambda c: c.update(as_of="2026-11-25 or so"),
    "a date before 1900": lambda c: c.update(started="1899-12-31"),
    "vulnerability on a professional": lambda c: c["participants"][0].update(vulnerability="low"),
    "consent not needed without a reason": lambda c: c["affected_parties"][0].update(
        consent="not_needed"
    ),
    "nobody in the recipient role": lambda c: c["participants"][1].update(
        role="professional", vulnerability=None, can_decline_freely=None
    ),
    "a control character in the title": lambda c: c.update(title="Walking\x00 group"),
    "a title of spaces": lambda c: c.update(title="   "),
    "a title of 2,001 characters": lambda c: c.update(title="w" * 2001),
    "a custom instrument with a shipped id": lambda c: c["instruments"].append(
        {"id": "phq9", "name": "Ours", "range": [0, 10], "higher_is": "better"}
    ),
}
ACCEPTED_BY_BOTH: dict[str, Callable[[dict[str, Any]], None]] = {
    "the clean case": lambda c: None,
    "null for an optional field": lambda c: c.update(setting=None, context=None),
    "true and false as yes and no": lambda c: c["participants"][0]["answers"].update(
        power_discussed=False, can_decline=True
    ),
    "a title padded beyond 2,000 characters": lambda c: c.update(title=" " * 9 + "w" * 2000 + "\n"),
    "PHQ-9 as nine item responses": lambda c: _score(c).update(value=None, items=[2] * 9),
    "CORE-10 with one item unanswered": lambda c: c["outcomes"][0].update(
        instrument="core10", scores=[{"date": "2026-03-02", "items": [1] * 9 + [None]}]
    ),
    "29 February 2000": lambda c: c.update(started="2000-02-29"),
    "a goal-based series with its goal": lambda c: c["outcomes"][0].update(
        instrument="gbo", goal="to chair a meeting", scores=[{"date": "2026-03-02", "value": 4}]
    ),
}
# What JSON Schema cannot say: the schema accepts these, validation refuses them, and the
# schema's description of the field says that only `mutuality validate` checks it.
REFUSED_BY_VALIDATION_ONLY: dict[str, tuple[Callable[[dict[str, Any]], None], str, str]] = {
    "an agreement by someone who is not a participant": (
        lambda c: c["contract"]["agreed_by"].append("nobody"),
        "Contract",
        "agreed_by",
    ),
    "two participants with one id": (
        lambda c: c["participants"].append(dict(c["participants"][1])),
        "Participant",
        "id",
    ),
    "two records with one id": (
        lambda c: [o.update(id="same") for o in (c["observations"][0], c["consultations"][0])],
        "Observation",
        "id",
    ),
    "a custom instrument's score outside its range": (
        lambda c: (
            c["instruments"].append(
                {"id": "ours", "name": "Ours", "range": [0, 10], "higher_is": "better"}
            ),
            c["outcomes"][0].update(
                instrument="ours", scores=[{"date": "2026-03-02", "value": 11}]
            ),
        ),
        "OutcomeSeries",
        "instrument",
    ),
}


@pytest.mark.parametrize("change", REFUSED_BY_BOTH.values(), ids=REFUSED_BY_BOTH)
def test_each_mistake_the_schema_can_express_is_refused_by_both(
    clean_case: Callable[[], dict[str, Any]], change: Callable[[dict[str, Any]], None]
) -> None:
    """Validation and the schema both refuse the mistake."""
    # Arrange
    case = clean_case()
    change(case)

    # Act
    accepted = (_validate_accepts(case), _schema_accepts(case))

    # Assert
    assert accepted == (False, False)


@pytest.mark.parametrize("change", ACCEPTED_BY_BOTH.values(), ids=ACCEPTED_BY_BOTH)
def test_each_allowed_form_is_accepted_by_both(
    clean_case: Callable[[], dict[str, Any]], change: Callable[[dict[str, Any]], None]
) -> None:
    """Validation and the schema both accept the case."""
    # Arrange
    case = clean_case()
    change(case)

    # Act
    accepted = (_validate_accepts(case), _schema_accepts(case))

    # Assert
    assert accepted == (True, True), list(VALIDATOR.iter_errors(case))


@pytest.mark.parametrize(
    ("change", "model", "field"),
    REFUSED_BY_VALIDATION_ONLY.values(),
    ids=REFUSED_BY_VALIDATION_ONLY,
)
def test_what_the_schema_cannot_express_it_says_in_the_field(
    clean_case: Callable[[], dict[str, Any]],
    change: Callable[[dict[str, Any]], None],
    model: str,
    field: str,
) -> None:
    """Validation refuses, the schema accepts, and the field's description names the check."""
    # Arrange
    case = clean_case()
    change(case)

    # Act
    accepted = (_validate_accepts(case), _schema_accepts(case))

    # Assert
    assert accepted == (False, True)
    assert "`mutuality validate`" in SCHEMA["$defs"][model]["properties"][field]["description"]


def test_unquoted_yes_and_no_in_yaml_are_accepted_by_both() -> None:
    """An answer written `no` without quotes (YAML 1.1's false) passes validation and the schema."""
    # Arrange
    case = copy.deepcopy(CASES[EXAMPLES[0].name])
    case["participants"][0]["answers"] = load_yaml("power_discussed: no\nother_roles: yes\n")

    # Act
    accepted = (_validate_accepts(case), _schema_accepts(case))

    # Assert
    assert case["participants"][0]["answers"]["power_discussed"] is False
    assert accepted == (True, True)
