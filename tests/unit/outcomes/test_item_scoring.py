"""Scoring item responses into totals and per-item series."""

from collections.abc import Mapping
from typing import Any

import pytest

from mutuality.outcomes import (
    Instrument,
    OutcomesError,
    ScoringError,
    score_item_series,
    score_items,
)


def test_phq9_sums_its_items(shipped: Mapping[str, Instrument]) -> None:
    """PHQ-9's score is the sum of its nine responses."""
    # Arrange
    responses = [2, 1, 3, 0, 2, 2, 1, 3, 2]

    # Act
    total = score_items(shipped["phq9"], responses)

    # Assert
    assert total == 16
    assert type(total) is int


def test_who5_is_a_percentage(shipped: Mapping[str, Instrument]) -> None:
    """WHO-5's score is the raw sum times 4, so full marks are 100."""
    # Arrange
    responses = [5, 5, 5, 5, 5]

    # Act
    total = score_items(shipped["who5"], responses)

    # Assert
    assert total == 100


def test_whole_number_floats_are_accepted(shipped: Mapping[str, Instrument]) -> None:
    """A response such as 2.0, as JSON may give it, is the whole number 2."""
    # Arrange
    responses = [2.0, 1, 3, 0, 2, 2, 1, 3, 2]

    # Act
    total = score_items(shipped["phq9"], responses)

    # Assert
    assert total == 16


def test_ons4_scores_each_item_separately(shipped: Mapping[str, Instrument]) -> None:
    """ONS4 responses become one score per item series."""
    # Arrange
    responses = [7, 8, 6, 3]

    # Act
    scores = score_item_series(shipped["ons4"], responses)

    # Assert
    assert scores == {
        "ons4.life_satisfaction": 7,
        "ons4.worthwhile": 8,
        "ons4.happy": 6,
        "ons4.anxious": 3,
    }


def test_wrong_number_of_responses(shipped: Mapping[str, Instrument]) -> None:
    """A response too few says how many the instrument takes."""
    # Arrange
    responses = [1] * 8

    # Act
    with pytest.raises(ScoringError) as caught:
        score_items(shipped["phq9"], responses)

    # Assert
    assert str(caught.value) == "phq9 takes 9 item responses; got 8"
    assert caught.value.item_index is None


@pytest.mark.parametrize(
    ("bad", "shown"),
    [(4, "4"), (-1, "-1"), (1.5, "1.5"), (True, "True"), ("2", "'2'"), (float("nan"), "nan")],
)
def test_bad_response_names_the_item(
    bad: Any, shown: str, shipped: Mapping[str, Instrument]
) -> None:
    """A response out of range, fractional, boolean or not a number names its item."""
    # Arrange
    responses = [0, 0, bad, 0, 0, 0, 0, 0, 0]

    # Act
    with pytest.raises(ScoringError) as caught:
        score_items(shipped["phq9"], responses)

    # Assert
    assert str(caught.value) == f"item 3: got {shown}; expected a whole number from 0 to 3"
    assert caught.value.item_index == 2


def test_ons4_responses_are_checked(shipped: Mapping[str, Instrument]) -> None:
    """ONS4 responses must each be a whole number from 0 to 10."""
    # Arrange
    responses = [7, 11, 6, 3]

    # Act
    with pytest.raises(ScoringError) as caught:
        score_item_series(shipped["ons4"], responses)

    # Assert
    assert caught.value.item_index == 1


@pytest.mark.parametrize("instrument_id", ["gbo", "ons4.anxious"])
def test_instrument_without_items_takes_a_value(
    instrument_id: str, shipped: Mapping[str, Instrument]
) -> None:
    """An instrument that defines no items takes a total value instead."""
    # Arrange
    instrument = shipped["gbo"] if instrument_id == "gbo" else shipped["ons4"].item_series[3]

    # Act
    with pytest.raises(ScoringError) as caught:
        score_items(instrument, [3])

    # Assert
    assert str(caught.value) == f"{instrument_id} takes a total `value`, not item responses"


def test_per_item_instrument_has_no_total(shipped: Mapping[str, Instrument]) -> None:
    """ONS4 cannot be scored as one total."""
    # Arrange
    responses = [7, 8, 6, 3]

    # Act / Assert
    with pytest.raises(ScoringError, match="scores each item separately"):
        score_items(shipped["ons4"], responses)


def test_total_instrument_has_no_item_series(shipped: Mapping[str, Instrument]) -> None:
    """PHQ-9 cannot be scored per item."""
    # Arrange
    responses = [1] * 9

    # Act / Assert
    with pytest.raises(ScoringError, match="one total score"):
        score_item_series(shipped["phq9"], responses)


def test_scoring_error_is_an_outcomes_error() -> None:
    """Callers can catch every outcomes error through the base class."""
    # Arrange
    error = ScoringError("bad", item_index=0)

    # Act
    caught = isinstance(error, OutcomesError)

    # Assert
    assert caught
