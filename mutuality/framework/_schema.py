"""The case format as JSON Schema, generated from the case model itself.

The schema never refuses a file `validate_case` accepts, and refuses what JSON Schema can say
of the rest (docs/case-format.md, "The JSON Schema"). Field types carry their own schema
(`_types.py`: dates, text, numbers) and so do the model's parts (`_model.py`: null means
omitted, `true`/`false` answers, a score's `value` or `items`); this module adds the checks
across fields that `_references.py` and `_series.py` make and JSON Schema can express, and
names the others in descriptions.

It describes the data as Mutuality reads a file: JSON as it is, YAML as YAML 1.1 with dates
left as text (so an unquoted `2026-03-02` is the text "2026-03-02", and an unquoted `no` is
the boolean false).
"""

from __future__ import annotations

from typing import Any

from mutuality.outcomes import Instrument, build_instruments

from ._model import Case
from ._types import CONTROL_CHARACTERS

SCHEMA_ID = "https://mutuality.invalid/schema/case-1.json"

_VALIDATE_ONLY = "`mutuality validate` checks it; this schema cannot"
_DESCRIPTION = (
    "One co-productive relationship, as written in a case file (format version 1; "
    "docs/case-format.md). The schema describes the data as Mutuality reads the file: JSON as it "
    "is, YAML as YAML 1.1 except that dates stay text (an unquoted 2026-03-02 is the text "
    "'2026-03-02'; an unquoted yes or no is a boolean, which answers accept). A file this schema "
    "refuses, `mutuality validate` refuses too. Some checks only `mutuality validate` makes, "
    "because they compare values across the file: every participant id it names resolves (and "
    "outcomes name a recipient); participant ids, record ids and custom instrument ids are each "
    "unique; instruments and outcome plans name a shipped instrument or one defined under "
    "`instruments`; a custom instrument's definition is consistent and its scores lie in its "
    "range; a person has at most three goals."
)
# Where a field's rule reaches beyond JSON Schema, its description says so.
_FIELD_NOTES: dict[tuple[str, str], str] = {
    ("Participant", "id"): "Unique among the participants",
    ("Participant", "name"): "An optional display name, in any script; the id stays the reference",
    ("CostsAndBenefits", "party"): "A participant's id",
    ("Payment", "to"): "A participant's id",
    ("Disclosure", "by"): "A participant's id",
    ("OutcomeSeries", "of"): "The id of a participant whose role is recipient",
    ("OutcomeSeries", "instrument"): (
        "A shipped instrument (phq9, gad7, who5, ons4, gbo, core10, wemwbs, swemwbs), one of "
        "their series (ons4.anxious, gbo.1), or the id of an instrument under `instruments`. "
        "Scores of a shipped instrument are checked against its range here; those of a custom "
        "one only by `mutuality validate`"
    ),
    ("OutcomeSeries", "goal"): (
        "The goal in the person's own words: required for a goal-based series (gbo), refused "
        "for any other"
    ),
    ("InstrumentDefinition", "id"): (
        "Unique among the case's instruments, and not the id of a shipped instrument"
    ),
}
_LIST_NOTES: dict[tuple[str, str], str] = {
    ("Contract", "agreed_by"): "Participant ids",
    ("Contract", "communicated_to"): "Participant ids",
    ("Approach", "outcome_plan"): (
        "Instruments (or their series) that will evidence change: shipped, or defined under "
        "`instruments`"
    ),
}
_RECORDS = ("AffectedParty", "Disclosure", "Observation", "Consultation", "OutcomeSeries", "Score")


def case_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a case file, format version 1."""
    schema = Case.model_json_schema(by_alias=True)
    definitions = schema["$defs"]
    shipped = build_instruments(())
    _stage_needs_started(schema)
    _both_roles(schema["properties"]["participants"])
    _recipients_only(definitions["Participant"])
    _reason_when_not_needed(definitions["AffectedParty"])
    _shipped_series(definitions["OutcomeSeries"], shipped)
    definitions["InstrumentDefinition"]["properties"]["id"]["not"] = {"enum": sorted(shipped)}
    _conversion_keys(definitions["InstrumentDefinition"])
    _describe(definitions)
    _no_control_characters(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "Mutuality case file (format 1)",
        "description": _DESCRIPTION,
    }


def _present(name: str) -> dict[str, Any]:
    """Given, and not null (null means omitted)."""
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


def _absent(*names: str) -> dict[str, Any]:
    """Omitted, or null."""
    return {"properties": {name: {"type": "null"} for name in names}}


def _when(name: str, values: list[str], then: dict[str, Any]) -> dict[str, Any]:
    return {"if": {"required": [name], "properties": {name: {"enum": values}}}, "then": then}


def _also(schema: dict[str, Any], *rules: dict[str, Any]) -> None:
    schema.setdefault("allOf", []).extend(rules)


def _stage_needs_started(case: dict[str, Any]) -> None:
    _also(case, _when("stage", ["active", "ending"], _present("started")))


def _both_roles(participants: dict[str, Any]) -> None:
    _also(
        participants,
        *(
            {"contains": {"required": ["role"], "properties": {"role": {"const": role}}}}
            for role in ("professional", "recipient")
        ),
    )


def _recipients_only(participant: dict[str, Any]) -> None:
    _also(
        participant, _when("role", ["professional"], _absent("vulnerability", "can_decline_freely"))
    )


def _reason_when_not_needed(party: dict[str, Any]) -> None:
    _also(party, _when("consent", ["not_needed"], _present("reason")))


def _conversion_keys(definition: dict[str, Any]) -> None:
    # JSON keys are text: a raw total is written as digits. (YAML may give integers, which a
    # JSON Schema name pattern does not constrain.)
    for branch in definition["properties"]["conversion"]["anyOf"]:
        if branch.get("type") == "object":
            branch["propertyNames"] = {"pattern": "^[0-9]+$"}


# --- Scores of shipped instruments -------------------------------------------------------------

_SPACE = r"[\t\n\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*"


def _series_pattern(series_id: str, *, per_goal: bool = False) -> str:
    # The instrument field is trimmed text, so spaces at either end name the same series.
    escaped = series_id.replace(".", r"\.")
    goal = r"(?:\.[0-9]*[1-9][0-9]*)?" if per_goal else ""
    return f"^{_SPACE}{escaped}{goal}{_SPACE}$"


def _allowed_missing(instrument: Instrument) -> int:
    # As the outcomes package scores: only a prorating instrument may miss items, and at
    # least one item must be answered.
    if not instrument.prorate or instrument.items is None:
        return 0
    return min(instrument.max_missing, instrument.items - 1)


def _items_schema(instrument: Instrument) -> dict[str, Any]:
    """The item responses one questionnaire of this instrument may give (null: none allowed)."""
    if instrument.items is None or instrument.item_range is None:
        return {"type": "null"}
    low, high = instrument.item_range
    response = {"type": "integer", "minimum": low, "maximum": high}
    missing = _allowed_missing(instrument) if instrument.scoring != "per_item" else 0
    items: dict[str, Any] = {
        "type": "array",
        "minItems": instrument.items,
        "maxItems": instrument.items,
        "items": {"anyOf": [response, {"type": "null"}]} if missing else response,
    }
    if missing:
        items |= {"contains": {"type": "null"}, "minContains": 0, "maxContains": missing}
    return {"anyOf": [items, {"type": "null"}]}


def _score_rule(instrument: Instrument) -> dict[str, Any]:
    total_kinds = ("sum", "sum_times_4", "per_goal")
    value: dict[str, Any] = (
        {"minimum": instrument.low, "maximum": instrument.high}
        if instrument.scoring in total_kinds
        else {"type": "null"}  # scored per item: there is no total
    )
    items = (
        _items_schema(instrument)
        if instrument.scoring in ("sum", "sum_times_4", "per_item")
        else {"type": "null"}
    )
    return {"properties": {"value": value, "items": items}}


def _series_rule(pattern: str, instrument: Instrument) -> dict[str, Any]:
    goal = _present("goal") if instrument.scoring == "per_goal" else _absent("goal")
    then = {
        **goal,
        "properties": {
            **goal["properties"],
            "scores": {"items": _score_rule(instrument)},
        },
    }
    return {
        "if": {"required": ["instrument"], "properties": {"instrument": {"pattern": pattern}}},
        "then": then,
    }


def _shipped_series(series: dict[str, Any], shipped: dict[str, Instrument]) -> None:
    """For each shipped instrument and each of its series: the range of a score, the item
    responses it takes (or none), and whether the series needs a goal."""
    rules = []
    for instrument_id, instrument in sorted(shipped.items()):
        per_goal = instrument.scoring == "per_goal"
        rules.append(_series_rule(_series_pattern(instrument_id, per_goal=per_goal), instrument))
        for item in instrument.item_series:
            rules.append(_series_rule(_series_pattern(item.id), item))
    _also(series, *rules)


# --- Descriptions and text ---------------------------------------------------------------------


def _note(prop: dict[str, Any], note: str) -> None:
    prop["description"] = f"{note}: {_VALIDATE_ONLY}."


def _describe(definitions: dict[str, Any]) -> None:
    for (model, field), note in {**_FIELD_NOTES, **_LIST_NOTES}.items():
        _note(definitions[model]["properties"][field], note)
    for model in _RECORDS:
        _note(
            definitions[model]["properties"]["id"],
            "The record's own id, used by one record only in the file",
        )
    definitions["InstrumentDefinition"]["description"] = (
        f"{definitions['InstrumentDefinition'].get('description', '')}\n\nWhether a definition "
        f"is consistent (ranges in order, reliable change and cut-off given one way, bands "
        f"inside the range and apart, item numbers that exist): {_VALIDATE_ONLY}."
    ).strip()


_NO_CONTROLS = f"^[^{CONTROL_CHARACTERS}]*$"


def _no_control_characters(node: Any) -> None:
    """Every string without a pattern, options or format of its own refuses control characters,
    as validation does anywhere in a case."""
    if isinstance(node, dict):
        plain = node.get("type") == "string" and not {"pattern", "enum", "const"} & set(node)
        if plain:
            node["pattern"] = _NO_CONTROLS
        for value in node.values():
            _no_control_characters(value)
    elif isinstance(node, list):
        for value in node:
            _no_control_characters(value)
