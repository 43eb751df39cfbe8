"""Validation of the instrument definition format (docs/case-format.md, "Instrument definitions")."""

from typing import Any

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError

from mutuality.outcomes import InstrumentDefinition


def _definition(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "my_scale",
        "name": "Service wellbeing scale",
        "range": [0, 40],
        "higher_is": "worse",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def _locs(data: dict[str, Any]) -> list[tuple[str | int, ...]]:
    with pytest.raises(ValidationError) as caught:
        InstrumentDefinition.model_validate(data)
    return [tuple(error["loc"]) for error in caught.value.errors()]


def test_definition_without_reliable_change_or_cutoff_is_valid() -> None:
    """An instrument may have neither a reliable-change statistic nor a cut-off."""
    # Arrange
    data = _definition()

    # Act
    definition = InstrumentDefinition.model_validate(data)

    # Assert
    assert definition.reliable_change is None
    assert definition.cutoff is None


def test_definition_keeps_whole_numbers_as_written() -> None:
    """Whole numbers stay ints, so reports show 6 rather than 6.0."""
    # Arrange
    data = _definition(reliable_change=6, cutoff=10)

    # Act
    definition = InstrumentDefinition.model_validate(data)

    # Assert
    assert definition.range == (0, 40)
    assert type(definition.reliable_change) is int
    assert type(definition.range[1]) is int


def test_definition_accepts_floats_for_numbers() -> None:
    """Numeric fields accept floats as well as ints."""
    # Arrange
    data = _definition(range=[0.5, 40.5], sd=7.5, reliability=0.8)

    # Act
    definition = InstrumentDefinition.model_validate(data)

    # Assert
    assert definition.range == (0.5, 40.5)
    assert definition.sd == 7.5


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"sd": True, "reliability": 0.8}, ("sd",)),
        ({"reliable_change": "6"}, ("reliable_change",)),
        ({"range": [0, True]}, ("range", 1)),
        ({"item_range": [0, 3.0], "items": 9}, ("item_range", 1)),
        ({"name": 5}, ("name",)),
    ],
)
def test_definition_rejects_wrong_types(changes: dict[str, Any], loc: tuple[Any, ...]) -> None:
    """Booleans, strings and floats where whole numbers belong are rejected at their field."""
    # Arrange
    data = _definition(**changes)

    # Act
    locs = _locs(data)

    # Assert
    assert locs == [loc]


@pytest.mark.parametrize(
    ("changes", "loc"),
    [
        ({"id": "-bad"}, ("id",)),
        ({"id": "has.dot"}, ("id",)),
        ({"higher_is": "lower"}, ("higher_is",)),
        ({"sd": 0, "reliability": 0.8}, ("sd",)),
        ({"sd": 7.5, "reliability": 1}, ("reliability",)),
        ({"sd": 7.5, "reliability": -0.1}, ("reliability",)),
        ({"reliable_change": 0}, ("reliable_change",)),
        ({"items": 0, "item_range": [0, 3]}, ("items",)),
        ({"scoring": "mean"}, ("scoring",)),
        ({"colour": "blue"}, ("colour",)),
    ],
)
def test_definition_rejects_bad_values(changes: dict[str, Any], loc: tuple[Any, ...]) -> None:
    """A value outside what a field allows is reported at that field."""
    # Arrange
    data = _definition(**changes)

    # Act
    locs = _locs(data)

    # Assert
    assert locs == [loc]


@pytest.mark.parametrize(
    ("changes", "locs"),
    [
        ({"range": [40, 40]}, [("range",)]),
        ({"reliable_change": 6, "sd": 7.5, "reliability": 0.8}, [("reliable_change",)]),
        ({"sd": 7.5}, [("reliability",)]),
        ({"reliability": 0.8}, [("sd",)]),
        ({"cutoff": 10, "clinical_mean": 40}, [("cutoff",)]),
        ({"clinical_mean": 40, "normal_sd": 7.5}, [("clinical_sd",), ("normal_mean",)]),
        ({"cutoff": 41}, [("cutoff",)]),
        ({"items": 9}, [("item_range",)]),
        ({"item_range": [0, 3]}, [("items",)]),
        ({"items": 9, "item_range": [3, 3]}, [("item_range",)]),
        ({"items": 9, "item_range": [0, 5]}, [("range",)]),
        ({"scoring": "sum_times_4"}, [("items",)]),
        ({"scoring": "per_goal", "items": 3, "item_range": [0, 10]}, [("items",)]),
    ],
)
def test_definition_rejects_inconsistent_fields(
    changes: dict[str, Any], locs: list[tuple[Any, ...]]
) -> None:
    """Each inconsistency is reported at the field a person would change."""
    # Arrange
    data = _definition(**changes)

    # Act
    found = _locs(data)

    # Assert
    assert found == locs


def test_definition_rejects_the_format_example_that_gives_both_ways() -> None:
    """The format's illustration, which shows both ways of each, is rejected at each conflict."""
    # Arrange
    data = _definition(
        reliable_change=6,
        sd=7.5,
        reliability=0.80,
        cutoff=10,
        clinical_mean=40,
        clinical_sd=7.5,
        normal_mean=60,
        normal_sd=7.5,
    )

    # Act
    locs = _locs(data)

    # Assert
    assert locs == [("reliable_change",), ("cutoff",)]


def test_definition_messages_name_what_was_expected() -> None:
    """A half-given pair says which field is missing and why it is needed."""
    # Arrange
    data = _definition(sd=7.5)

    # Act
    with pytest.raises(ValidationError) as caught:
        InstrumentDefinition.model_validate(data)

    # Assert
    message = caught.value.errors()[0]["msg"]
    assert message == (
        "required when sd is given, as computing reliable change needs sd and reliability"
    )


def _per_item(**changes: Any) -> dict[str, Any]:
    series = [
        {"id": "calm", "name": "calm", "higher_is": "better"},
        {"id": "tense", "name": "tense", "higher_is": "worse"},
    ]
    base = {"scoring": "per_item", "items": 2, "item_range": [0, 40], "item_series": series}
    return _definition(**{**base, **changes})


@pytest.mark.parametrize(
    ("changes", "locs"),
    [
        ({"item_series": []}, [("items",), ("item_series",)]),
        ({"items": 3}, [("items",)]),
        ({"reliable_change": 6}, [("reliable_change",)]),
        ({"cutoff": 10}, [("cutoff",)]),
        ({"item_range": [0, 50]}, [("item_range",)]),
        ({"scoring": "sum"}, [("range",), ("item_series",)]),
    ],
)
def test_per_item_definition_rejects_inconsistent_fields(
    changes: dict[str, Any], locs: list[tuple[Any, ...]]
) -> None:
    """A per-item instrument needs one series per item and no overall statistics."""
    # Arrange
    data = _per_item(**changes)

    # Act
    found = _locs(data)

    # Assert
    assert sorted(found, key=str) == sorted(locs, key=str)


def test_per_item_definition_rejects_duplicate_series_ids() -> None:
    """Two item series with one id are reported at the second one's id."""
    # Arrange
    data = _per_item()
    data["item_series"][1]["id"] = "calm"

    # Act
    locs = _locs(data)

    # Assert
    assert locs == [("item_series", 1, "id")]


@pytest.mark.parametrize(
    ("bands", "loc"),
    [
        ([{"low": 5, "high": 4, "label": "low"}], ("bands", 0, "high")),
        ([{"low": 0, "high": 50, "label": "all"}], ("bands", 0, "high")),
        (
            [{"low": 0, "high": 10, "label": "low"}, {"low": 10, "high": 40, "label": "high"}],
            ("bands", 1),
        ),
        ([{"low": 0, "high": 10, "label": ""}], ("bands", 0, "label")),
    ],
)
def test_definition_rejects_bad_bands(bands: list[dict[str, Any]], loc: tuple[Any, ...]) -> None:
    """Bands must be ordered, inside the range and not overlapping, at both ends inclusive."""
    # Arrange
    data = _definition(bands=bands)

    # Act
    locs = _locs(data)

    # Assert
    assert locs == [loc]


def test_item_series_bands_are_checked_against_the_range() -> None:
    """A band of an item series outside the range is reported inside that series."""
    # Arrange
    data = _per_item()
    data["item_series"][0]["bands"] = [{"low": 0, "high": 41, "label": "all"}]

    # Act
    locs = _locs(data)

    # Assert
    assert locs == [("item_series", 0, "bands", 0, "high")]


class _Case(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    instruments: list[InstrumentDefinition] = []


def test_errors_inside_an_embedding_model_point_at_the_field() -> None:
    """Embedded in a case, a cross-field error's path runs down to the field itself."""
    # Arrange
    data = {"instruments": [_definition(), _definition(sd=7.5)]}

    # Act
    with pytest.raises(ValidationError) as caught:
        _Case.model_validate(data)

    # Assert
    assert [error["loc"] for error in caught.value.errors()] == [("instruments", 1, "reliability")]


def test_definition_is_frozen() -> None:
    """A definition cannot be changed once validated."""
    # Arrange
    definition = InstrumentDefinition.model_validate(_definition())

    # Act / Assert
    with pytest.raises(ValidationError):
        definition.name = "changed"  # type: ignore[misc]


def test_cross_field_errors_carry_the_value_at_fault() -> None:
    """A cross-field error reports the value found at its field, as field errors do."""
    # Arrange
    data = _definition(cutoff=41)

    # Act
    with pytest.raises(ValidationError) as caught:
        InstrumentDefinition.model_validate(data)

    # Assert
    error = caught.value.errors()[0]
    assert (error["loc"], error["input"]) == (("cutoff",), 41)
    assert error["msg"] == "41 lies outside the range 0 to 40"


def test_definition_has_a_json_schema() -> None:
    """The format can be published as JSON Schema, for case-file tooling."""
    # Arrange
    model = InstrumentDefinition

    # Act
    schema = model.model_json_schema()

    # Assert
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"id", "name", "range", "higher_is"}
