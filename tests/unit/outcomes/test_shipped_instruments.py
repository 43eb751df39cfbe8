"""The shipped instruments, custom instruments and series resolution."""

from collections.abc import Mapping
from importlib import resources

import pytest
import yaml

from mutuality.outcomes import (
    Band,
    FixedCutoff,
    FixedThreshold,
    Instrument,
    InstrumentDefinition,
    OutcomesError,
    build_instruments,
    reliable_change_threshold,
    resolve_series,
    shipped_instruments,
)


def _custom(instrument_id: str) -> InstrumentDefinition:
    return InstrumentDefinition.model_validate(
        {"id": instrument_id, "name": "Custom", "range": [0, 40], "higher_is": "worse"}
    )


def test_shipped_instruments_are_the_five_of_the_spec(shipped: Mapping[str, Instrument]) -> None:
    """PHQ-9, GAD-7, WHO-5, ONS4 and GBO ship with Mutuality."""
    # Arrange
    expected = {"phq9", "gad7", "who5", "ons4", "gbo"}

    # Act
    ids = set(shipped)

    # Assert
    assert ids == expected


def test_each_shipped_file_is_named_after_its_id_and_versioned() -> None:
    """Every shipped YAML file holds the instrument its name says, with a version."""
    # Arrange
    folder = resources.files("mutuality.outcomes").joinpath("instruments")
    files = [f for f in folder.iterdir() if f.name.endswith(".yaml")]

    # Act
    definitions = {f.name: yaml.safe_load(f.read_text(encoding="utf-8")) for f in files}

    # Assert
    assert len(definitions) == 5
    for name, data in definitions.items():
        assert name == f"{data['id']}.yaml"
        assert isinstance(data["version"], str)


def test_shipped_instruments_are_cached_and_read_only() -> None:
    """The shipped instruments are read once and cannot be changed by a caller."""
    # Arrange
    first = shipped_instruments()

    # Act
    second = shipped_instruments()

    # Assert
    assert first is second
    with pytest.raises(TypeError):
        first["phq9"] = first["gad7"]  # type: ignore[index]


def test_phq9_facts(shipped: Mapping[str, Instrument]) -> None:
    """PHQ-9 is 9 items of 0–3 summed to 0–27, worse when higher, cut-off 10, change 6."""
    # Arrange
    phq9 = shipped["phq9"]

    # Act
    facts = (phq9.low, phq9.high, phq9.higher_is_better, phq9.items, phq9.item_range)

    # Assert
    assert facts == (0, 27, False, 9, (0, 3))
    assert phq9.scoring == "sum"
    assert phq9.reliable_change == FixedThreshold(6)
    assert phq9.cutoff == FixedCutoff(10)
    assert [b.label for b in phq9.bands] == [
        "minimal",
        "mild",
        "moderate",
        "moderately severe",
        "severe",
    ]
    assert phq9.bands[-1] == Band(20, 27, "severe")


def test_gad7_facts(shipped: Mapping[str, Instrument]) -> None:
    """GAD-7 is 7 items of 0–3 summed to 0–21, worse when higher, cut-off 8, change 4."""
    # Arrange
    gad7 = shipped["gad7"]

    # Act
    facts = (gad7.low, gad7.high, gad7.higher_is_better, gad7.items, gad7.item_range)

    # Assert
    assert facts == (0, 21, False, 7, (0, 3))
    assert gad7.reliable_change == FixedThreshold(4)
    assert gad7.cutoff == FixedCutoff(8)
    assert [(b.low, b.high) for b in gad7.bands] == [(0, 4), (5, 9), (10, 14), (15, 21)]


def test_who5_facts(shipped: Mapping[str, Instrument]) -> None:
    """WHO-5 is 5 items of 0–5, a percentage 0–100, better when higher, cut-off 50, change 10."""
    # Arrange
    who5 = shipped["who5"]

    # Act
    facts = (who5.low, who5.high, who5.higher_is_better, who5.items, who5.item_range)

    # Assert
    assert facts == (0, 100, True, 5, (0, 5))
    assert who5.scoring == "sum_times_4"
    assert who5.reliable_change == FixedThreshold(10)
    assert who5.cutoff == FixedCutoff(50)


def test_ons4_facts(shipped: Mapping[str, Instrument]) -> None:
    """ONS4 is four separate 0–10 items, anxiety worse when higher, with no statistics."""
    # Arrange
    ons4 = shipped["ons4"]

    # Act
    directions = {s.id: s.higher_is_better for s in ons4.item_series}

    # Assert
    assert ons4.scoring == "per_item"
    assert directions == {
        "ons4.life_satisfaction": True,
        "ons4.worthwhile": True,
        "ons4.happy": True,
        "ons4.anxious": False,
    }
    assert ons4.reliable_change is None
    assert ons4.cutoff is None
    assert ons4.attribution == "Source: Office for National Statistics"


def test_gbo_facts(shipped: Mapping[str, Instrument]) -> None:
    """GBO rates each goal 0–10, better when higher, reliable at 3 points, with no cut-off."""
    # Arrange
    gbo = shipped["gbo"]

    # Act
    threshold = reliable_change_threshold(gbo)

    # Assert
    assert threshold == 3
    assert (gbo.low, gbo.high, gbo.higher_is_better) == (0, 10, True)
    assert gbo.scoring == "per_goal"
    assert gbo.cutoff is None
    assert gbo.items is None


def test_build_instruments_adds_custom_to_shipped() -> None:
    """Custom instruments sit beside the shipped ones."""
    # Arrange
    definitions = [_custom("my_scale")]

    # Act
    instruments = build_instruments(definitions)

    # Assert
    assert set(instruments) == {"phq9", "gad7", "who5", "ons4", "gbo", "my_scale"}
    assert instruments["my_scale"].higher_is_better is False


def test_build_instruments_rejects_a_shipped_id() -> None:
    """A custom instrument may not take the id of a shipped one."""
    # Arrange
    definitions = [_custom("phq9")]

    # Act / Assert
    with pytest.raises(OutcomesError, match="'phq9' is shipped"):
        build_instruments(definitions)


def test_build_instruments_rejects_a_repeated_id() -> None:
    """Two custom instruments may not share an id."""
    # Arrange
    definitions = [_custom("mine"), _custom("mine")]

    # Act / Assert
    with pytest.raises(OutcomesError, match="'mine' is defined twice"):
        build_instruments(definitions)


def test_resolve_series_finds_a_plain_instrument(shipped: Mapping[str, Instrument]) -> None:
    """A plain instrument id resolves to that instrument."""
    # Arrange
    series_id = "phq9"

    # Act
    instrument = resolve_series(series_id, shipped)

    # Assert
    assert instrument is shipped["phq9"]


def test_resolve_series_finds_one_ons4_item(shipped: Mapping[str, Instrument]) -> None:
    """An ONS4 item series resolves to an instrument for that item alone."""
    # Arrange
    series_id = "ons4.anxious"

    # Act
    item = resolve_series(series_id, shipped)

    # Assert
    assert item is not None
    assert (item.id, item.low, item.high, item.higher_is_better) == ("ons4.anxious", 0, 10, False)
    assert [b.label for b in item.bands] == ["very low", "low", "medium", "high"]
    assert item.reliable_change is None
    assert item.cutoff is None


def test_resolve_series_gives_the_ons4_parent_for_its_plain_id(
    shipped: Mapping[str, Instrument],
) -> None:
    """The plain id ons4 resolves to the per-item parent."""
    # Arrange
    series_id = "ons4"

    # Act
    parent = resolve_series(series_id, shipped)

    # Assert
    assert parent is shipped["ons4"]
    assert len(parent.item_series) == 4


def test_resolve_series_finds_a_goal(shipped: Mapping[str, Instrument]) -> None:
    """A numbered goal resolves to the goal-based instrument every goal shares."""
    # Arrange
    series_id = "gbo.2"

    # Act
    instrument = resolve_series(series_id, shipped)

    # Assert
    assert instrument is shipped["gbo"]


@pytest.mark.parametrize(
    "series_id", ["nope", "ons4.calm", "phq9.1", "gbo.0", "gbo.x", "gbo.²", "nope.1", ""]
)
def test_resolve_series_gives_none_for_unknown_ids(
    series_id: str, shipped: Mapping[str, Instrument]
) -> None:
    """An id that names no instrument, item or goal resolves to None."""
    # Arrange
    instruments = shipped

    # Act
    instrument = resolve_series(series_id, instruments)

    # Assert
    assert instrument is None


def test_instrument_in_range(shipped: Mapping[str, Instrument]) -> None:
    """A score is in range when it lies between the ends, both included."""
    # Arrange
    phq9 = shipped["phq9"]

    # Act
    checks = [phq9.in_range(score) for score in (-1, 0, 27, 27.5)]

    # Assert
    assert checks == [False, True, True, False]
