"""Classifying a dated series of scores, with its horizons."""

import dataclasses
import datetime
from collections.abc import Mapping

import pytest

from mutuality.outcomes import (
    MEDIUM_TERM_DAYS,
    SHORT_TERM_DAYS,
    Instrument,
    OutcomesError,
    SeriesChange,
    classify_series,
)

START = datetime.date(2025, 10, 1)


def _on_day(day: int, score: float) -> tuple[datetime.date, float]:
    return START + datetime.timedelta(days=day), score


def test_series_fields_match_an_assessment_outcome_entry() -> None:
    """A series result has the fields of an assessment's outcomes entry, plus bands and count."""
    # Arrange
    expected = [
        "first",
        "latest",
        "days",
        "difference",
        "rci",
        "reliable_change_threshold",
        "change",
        "category",
        "horizons",
        "bands",
        "n_scores",
    ]

    # Act
    names = [field.name for field in dataclasses.fields(SeriesChange)]

    # Assert
    assert names == expected


def test_horizon_example_from_the_spec(shipped: Mapping[str, Instrument]) -> None:
    """PHQ-9 15, 13, 14, 12 over 384 days shows no reliable change in medium or long terms."""
    # Arrange
    scores = [
        (datetime.date(2025, 10, 1), 15),
        (datetime.date(2026, 1, 15), 13),
        (datetime.date(2026, 5, 1), 14),
        (datetime.date(2026, 10, 20), 12),
    ]

    # Act
    result = classify_series(shipped["phq9"], scores)

    # Assert
    assert (result.first, result.latest, result.days, result.difference) == (15, 12, 384, -3)
    assert result.horizons.short is None
    assert result.horizons.medium == "no_reliable_change"
    assert result.horizons.long == "no_reliable_change"
    assert result.change == "no_reliable_change"
    assert result.category == "unchanged"
    assert result.rci is None
    assert result.reliable_change_threshold == 6
    assert result.bands is None
    assert result.n_scores == 4


def test_each_horizon_uses_its_last_later_score(shipped: Mapping[str, Instrument]) -> None:
    """Scores at 30, 106, 212 and 384 days: medium compares with day 212, not day 106."""
    # Arrange
    scores = [_on_day(0, 20), _on_day(30, 13), _on_day(106, 18), _on_day(212, 12), _on_day(384, 26)]

    # Act
    horizons = classify_series(shipped["phq9"], scores).horizons

    # Assert
    assert horizons.short == "reliable_improvement"
    assert horizons.medium == "reliable_improvement"
    assert horizons.long == "reliable_deterioration"


@pytest.mark.parametrize(
    ("day", "horizon"),
    [
        (0, "short"),
        (SHORT_TERM_DAYS, "short"),
        (SHORT_TERM_DAYS + 1, "medium"),
        (MEDIUM_TERM_DAYS, "medium"),
        (MEDIUM_TERM_DAYS + 1, "long"),
    ],
)
def test_horizon_boundaries(day: int, horizon: str, shipped: Mapping[str, Instrument]) -> None:
    """Short runs to day 90, medium from 91 to 365, long beyond."""
    # Arrange
    scores = [_on_day(0, 20), _on_day(day, 10)]

    # Act
    horizons = dataclasses.asdict(classify_series(shipped["phq9"], scores).horizons)

    # Assert
    assert horizons == {name: None for name in horizons} | {horizon: "reliable_improvement"}


def test_scores_are_put_in_date_order(shipped: Mapping[str, Instrument]) -> None:
    """Scores given out of order are compared from the earliest to the latest date."""
    # Arrange
    scores = [_on_day(91, 9), _on_day(0, 16)]

    # Act
    result = classify_series(shipped["phq9"], scores)

    # Assert
    assert (result.first, result.latest, result.days) == (16, 9, 91)
    assert result.category == "recovered"


def test_same_day_scores_keep_their_order(shipped: Mapping[str, Instrument]) -> None:
    """Of two scores on the latest date, the one given last is the latest."""
    # Arrange
    scores = [_on_day(0, 16), _on_day(30, 9), _on_day(30, 15)]

    # Act
    result = classify_series(shipped["phq9"], scores)

    # Assert
    assert result.latest == 15
    assert result.horizons.short == "no_reliable_change"


def test_single_score_has_nothing_to_compare(shipped: Mapping[str, Instrument]) -> None:
    """With one score there is no change, RCI, category or horizon, but the threshold shows."""
    # Arrange
    scores = [_on_day(0, 16)]

    # Act
    result = classify_series(shipped["phq9"], scores)

    # Assert
    assert (result.first, result.latest, result.days, result.difference) == (16, 16, 0, 0)
    assert (result.change, result.rci, result.category) == (None, None, None)
    assert dataclasses.astuple(result.horizons) == (None, None, None)
    assert result.reliable_change_threshold == 6
    assert result.n_scores == 1


def test_single_score_has_no_rci_for_a_computed_threshold(worked_example: Instrument) -> None:
    """With one score the RCI is None even where it could be computed."""
    # Arrange
    scores = [_on_day(0, 40)]

    # Act
    result = classify_series(worked_example, scores)

    # Assert
    assert result.rci is None
    assert result.reliable_change_threshold == pytest.approx(9.2969, abs=1e-4)


def test_no_scores_is_an_error(shipped: Mapping[str, Instrument]) -> None:
    """A series with no scores cannot be classified."""
    # Arrange
    scores: list[tuple[datetime.date, float]] = []

    # Act / Assert
    with pytest.raises(OutcomesError, match="at least one score"):
        classify_series(shipped["phq9"], scores)


def test_whole_number_floats_are_reported_as_ints(shipped: Mapping[str, Instrument]) -> None:
    """16.0 → 9.0 is reported as 16, 9 and −7, not as floats."""
    # Arrange
    scores = [_on_day(0, 16.0), _on_day(91, 9.0)]

    # Act
    result = classify_series(shipped["phq9"], scores)

    # Assert
    assert [type(v) for v in (result.first, result.latest, result.difference)] == [int] * 3
    assert (result.first, result.latest, result.difference) == (16, 9, -7)


def test_fractional_scores_stay_floats(worked_example: Instrument) -> None:
    """Fractional scores keep their fraction, and a computed RCI is reported."""
    # Arrange
    scores = [_on_day(0, 32.5), _on_day(200, 52.25)]

    # Act
    result = classify_series(worked_example, scores)

    # Assert
    assert (result.first, result.latest, result.difference) == (32.5, 52.25, 19.75)
    assert result.rci == pytest.approx(19.75 / 4.7434, abs=1e-3)
    assert result.category == "recovered"


def test_ons4_item_reports_bands_instead_of_change(shipped: Mapping[str, Instrument]) -> None:
    """An ONS4 item reports its first and latest band, and no change statistics."""
    # Arrange
    anxious = shipped["ons4"].item_series[3]
    scores = [_on_day(0, 7), _on_day(100, 2)]

    # Act
    result = classify_series(anxious, scores)

    # Assert
    assert result.bands == ("high", "low")
    assert (result.change, result.category, result.reliable_change_threshold) == (None, None, None)
    assert dataclasses.astuple(result.horizons) == (None, None, None)
