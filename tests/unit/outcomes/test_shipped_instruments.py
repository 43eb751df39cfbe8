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


SHIPPED_IDS = {"phq9", "gad7", "who5", "ons4", "gbo", "wemwbs", "swemwbs", "core10"}


def test_shipped_instruments_are_the_eight_of_the_spec(shipped: Mapping[str, Instrument]) -> None:
    """The five worded instruments and the three shipped for their scoring alone ship."""
    # Arrange
    expected = SHIPPED_IDS

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
    assert len(definitions) == len(SHIPPED_IDS)
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
    assert set(instruments) == SHIPPED_IDS | {"my_scale"}
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


def test_core10_facts(shipped: Mapping[str, Instrument]) -> None:
    """CORE-10 is 10 items of 0–4, items 2 and 3 reversed, one may be prorated, cut-off 11, change 6."""
    # Arrange
    core10 = shipped["core10"]

    # Act
    facts = (core10.low, core10.high, core10.higher_is_better, core10.items, core10.item_range)

    # Assert
    assert facts == (0, 40, False, 10, (0, 4))
    assert core10.reversed_items == (2, 3)
    assert (core10.max_missing, core10.prorate) == (1, True)
    assert core10.reliable_change == FixedThreshold(6)
    assert core10.cutoff == FixedCutoff(11)
    assert core10.text_licence == "organisation_supplied"


@pytest.mark.parametrize(
    ("instrument_id", "items", "low", "high"), [("wemwbs", 14, 14, 70), ("swemwbs", 7, 7, 35)]
)
def test_warwick_scales_facts(
    instrument_id: str, items: int, low: int, high: int, shipped: Mapping[str, Instrument]
) -> None:
    """WEMWBS and SWEMWBS take items of 1–5, are better when higher, and ship no statistics."""
    # Arrange
    instrument = shipped[instrument_id]

    # Act
    facts = (instrument.low, instrument.high, instrument.items, instrument.item_range)

    # Assert
    assert facts == (low, high, items, (1, 5))
    assert instrument.higher_is_better is True
    assert (instrument.reliable_change, instrument.cutoff) == (None, None)
    assert instrument.text_licence == "organisation_supplied"


def test_swemwbs_conversion_covers_every_raw_total(shipped: Mapping[str, Instrument]) -> None:
    """The SWEMWBS table gives a metric score for each raw total from 7 to 35, never falling."""
    # Arrange
    swemwbs = shipped["swemwbs"]

    # Act
    raw, metric = zip(*swemwbs.conversion, strict=True)

    # Assert
    assert raw == tuple(range(7, 36))
    assert list(metric) == sorted(metric)
    assert (metric[0], metric[-1]) == (7.00, 35.00)


@pytest.mark.parametrize(
    ("instrument_id", "items"), [("phq9", 9), ("gad7", 7), ("who5", 5), ("ons4", 4)]
)
def test_worded_instruments_ship_one_statement_per_item(
    instrument_id: str, items: int, shipped: Mapping[str, Instrument]
) -> None:
    """Each worded instrument ships a stem, one statement per item and its responses."""
    # Arrange
    instrument = shipped[instrument_id]

    # Act
    text = instrument.text

    # Assert
    assert text is not None
    assert text.stem
    assert len(text.items) == items
    assert text.options


def test_phq9_and_gad7_share_their_responses(shipped: Mapping[str, Instrument]) -> None:
    """PHQ-9 and GAD-7 are answered from 0 Not at all to 3 Nearly every day."""
    # Arrange
    expected = [
        (0, "Not at all"),
        (1, "Several days"),
        (2, "More than half the days"),
        (3, "Nearly every day"),
    ]

    # Act
    found = [
        [(o.value, o.label) for o in shipped[i].text.options]  # type: ignore[union-attr]
        for i in ("phq9", "gad7")
    ]

    # Assert
    assert found == [expected, expected]


def test_who5_responses_run_from_all_of_the_time_to_at_no_time(
    shipped: Mapping[str, Instrument],
) -> None:
    """WHO-5's responses run from 5 All of the time down to 0 At no time."""
    # Arrange
    who5 = shipped["who5"]

    # Act
    options = who5.text.options if who5.text else ()

    # Assert
    assert [o.value for o in options] == [5, 4, 3, 2, 1, 0]
    assert (options[0].label, options[-1].label) == ("All of the time", "At no time")


def test_gbo_has_its_question_but_no_items(shipped: Mapping[str, Instrument]) -> None:
    """GBO ships its rating question and end labels; the goals are the person's own words."""
    # Arrange
    gbo = shipped["gbo"]

    # Act
    text = gbo.text

    # Assert
    assert text is not None
    assert text.stem == "How close are you to reaching this goal?"
    assert text.items == ()
    assert [(o.value, o.label) for o in text.options] == [(0, "Not at all"), (10, "Reached it")]
