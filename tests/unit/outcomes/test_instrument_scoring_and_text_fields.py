"""Validation of the scoring features and item text of an instrument definition."""

from typing import Any

import pytest
from pydantic import ValidationError

from mutuality.outcomes import Instrument, InstrumentDefinition


def _definition(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "my_scale",
        "name": "Service wellbeing scale",
        "range": [0, 12],
        "higher_is": "worse",
        "items": 4,
        "item_range": [0, 3],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _errors(data: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(ValidationError) as caught:
        InstrumentDefinition.model_validate(data)
    return [(tuple(error["loc"]), error["msg"]) for error in caught.value.errors()]


def _locs(data: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [loc for loc, _ in _errors(data)]


WORDED = {
    "stem": "Placeholder stem",
    "item_text": ["Placeholder statement 1", "Placeholder statement 2"],
    "items": 2,
    "range": [0, 6],
    "response_options": [{"value": 0, "label": "Never"}, {"value": 3, "label": "Always"}],
    "attribution": "Placeholder credit",
}


def test_worded_definition_builds_shipped_text() -> None:
    """A definition with item text and an attribution carries that text at run time."""
    # Arrange
    definition = InstrumentDefinition.model_validate(_definition(**WORDED))

    # Act
    instrument = Instrument.from_definition(definition)

    # Assert
    assert instrument.text is not None
    assert instrument.text.items == ("Placeholder statement 1", "Placeholder statement 2")
    assert [(o.value, o.label) for o in instrument.text.options] == [(0, "Never"), (3, "Always")]
    assert instrument.text.attribution == "Placeholder credit"
    assert instrument.text.supplied_by == "mutuality"


def test_definition_without_text_has_none() -> None:
    """A definition with no wording has no text at run time."""
    # Arrange
    definition = InstrumentDefinition.model_validate(_definition())

    # Act
    instrument = Instrument.from_definition(definition)

    # Assert
    assert instrument.text is None
    assert instrument.text_licence == "shipped"


@pytest.mark.parametrize("field", ["stem", "item_text", "response_options"])
def test_organisation_supplied_definition_refuses_item_text(field: str) -> None:
    """An instrument whose wording the organisation supplies may carry none of it."""
    # Arrange
    data = _definition(**WORDED, text_licence="organisation_supplied")
    for other in {"stem", "item_text", "response_options"} - {field}:
        del data[other]

    # Act
    errors = _errors(data)

    # Assert
    assert [loc for loc, _ in errors] == [(field,)]
    assert "carries no item text" in errors[0][1]


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"item_text": ["Placeholder statement 1"]}, ("item_text",)),
        ({"attribution": None}, ("attribution",)),
        ({"attribution": ""}, ("attribution",)),
        ({"item_text": ["Placeholder statement 1", ""]}, ("item_text", 1)),
        ({"stem": ""}, ("stem",)),
        (
            {"response_options": [{"value": 4, "label": "Too high"}]},
            ("response_options", 0, "value"),
        ),
        (
            {"response_options": [{"value": 1, "label": "a"}, {"value": 1, "label": "b"}]},
            ("response_options", 1, "value"),
        ),
        ({"response_options": [{"value": 1, "label": ""}]}, ("response_options", 0, "label")),
        ({"text_licence": "borrowed"}, ("text_licence",)),
    ],
)
def test_worded_definition_rejects_bad_text(changes: dict[str, Any], loc: tuple[Any, ...]) -> None:
    """Item text must word every item, carry an attribution, and offer responses in range."""
    # Arrange
    data = {**_definition(**WORDED), **changes}
    data = {key: value for key, value in data.items() if value is not None}

    # Act
    locs = _locs(data)

    # Assert
    assert locs == [loc]


def test_item_text_count_message_says_what_to_do() -> None:
    """A statement too few says how many items there are."""
    # Arrange
    data = _definition(**{**WORDED, "item_text": ["Placeholder statement 1"]})

    # Act
    errors = _errors(data)

    # Assert
    assert errors == [
        (("item_text",), "2 items but 1 statement; give one statement per item"),
    ]


def test_goal_based_options_are_checked_against_the_range() -> None:
    """Without item responses, response options must lie inside the score range."""
    # Arrange
    data = {
        "id": "goals",
        "name": "Goals",
        "range": [0, 10],
        "higher_is": "better",
        "scoring": "per_goal",
        "stem": "Placeholder stem",
        "response_options": [{"value": 11, "label": "Beyond"}],
        "attribution": "Placeholder credit",
    }

    # Act
    locs = _locs(data)

    # Assert
    assert locs == [("response_options", 0, "value")]


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"reversed_items": [5]}, ("reversed_items", 0)),
        ({"reversed_items": [0]}, ("reversed_items", 0)),
        ({"reversed_items": [2, 2]}, ("reversed_items", 1)),
        ({"reversed_items": [1], "items": None, "item_range": None}, ("reversed_items",)),
        ({"max_missing": 1}, ("prorate",)),
        ({"prorate": True}, ("max_missing",)),
        ({"max_missing": 4, "prorate": True}, ("max_missing",)),
        ({"max_missing": -1}, ("max_missing",)),
        ({"prorate": "yes", "max_missing": 1}, ("prorate",)),
        ({"max_missing": 1, "prorate": True, "items": None, "item_range": None}, ("max_missing",)),
    ],
)
def test_definition_rejects_bad_scoring_features(
    changes: dict[str, Any], loc: tuple[Any, ...]
) -> None:
    """Reversed items must exist, and missing items need prorating within the item count."""
    # Arrange
    data = _definition(**changes)
    data = {key: value for key, value in data.items() if value is not None}

    # Act
    locs = _locs(data)

    # Assert
    assert locs == [loc]


def _converted(**changes: Any) -> dict[str, Any]:
    table = {raw: raw * 2.5 for raw in range(4, 21)}
    base = {"range": [0, 50], "item_range": [1, 5], "conversion": table}
    return _definition(**{**base, **changes})


def test_conversion_table_is_accepted_and_kept() -> None:
    """A full conversion table is kept, raw total by raw total, at run time."""
    # Arrange
    definition = InstrumentDefinition.model_validate(_converted())

    # Act
    instrument = Instrument.from_definition(definition)

    # Assert
    assert instrument.conversion[0] == (4, 10.0)
    assert len(instrument.conversion) == 17


def test_conversion_table_accepts_text_keys_as_json_gives_them() -> None:
    """JSON object keys are text, so a key such as "4" is the raw total 4."""
    # Arrange
    table = {str(raw): raw * 2.5 for raw in range(4, 21)}

    # Act
    definition = InstrumentDefinition.model_validate(_converted(conversion=table))

    # Assert
    assert definition.conversion is not None
    assert sorted(definition.conversion)[:2] == [4, 5]


@pytest.mark.parametrize(
    ("table", "loc", "message"),
    [
        (
            {raw: raw * 2.5 for raw in range(5, 21)},
            ("conversion",),
            "no score for the raw totals 4; give one for each total from 4 to 20",
        ),
        (
            {raw: raw * 2.5 for raw in range(21)},
            ("conversion",),
            "the raw totals 0, 1, 2 and 3 cannot occur; the items add up to 4 to 20",
        ),
        (
            {raw: raw * 3.0 for raw in range(4, 21)},
            ("conversion", 17),
            "51.0 lies outside the range 0 to 50",
        ),
    ],
)
def test_conversion_table_must_fit(
    table: dict[int, float], loc: tuple[Any, ...], message: str
) -> None:
    """A conversion table gives a score in range for exactly the totals the items can reach."""
    # Arrange
    data = _converted(conversion=table)

    # Act
    errors = _errors(data)

    # Assert
    assert errors[0] == (loc, message)


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"scoring": "sum_times_4"}, ("conversion",)),
        ({"max_missing": 1, "prorate": True}, ("prorate",)),
        ({"conversion": {"x": 1.0}}, ("conversion", "x", "[key]")),
        ({"conversion": {True: 1.0}}, ("conversion", True, "[key]")),
    ],
)
def test_conversion_table_conflicts(changes: dict[str, Any], loc: tuple[Any, ...]) -> None:
    """A conversion table needs plain sum scoring, no prorating, and whole-number keys."""
    # Arrange
    data = _converted(**changes)

    # Act
    locs = _locs(data)

    # Assert
    assert loc in locs
