"""Reliable change, cut-offs and categories (docs/outcomes.md)."""

from collections.abc import Mapping

import pytest

from mutuality.outcomes import (
    Z_975,
    Instrument,
    NormativeCutoff,
    band,
    category,
    classify_change,
    criterion_a,
    criterion_b,
    criterion_c,
    rci,
    reliable_change_threshold,
    side,
)

NORMS = NormativeCutoff(clinical_mean=40, clinical_sd=7.5, normal_mean=60, normal_sd=7.5)


def test_worked_example_threshold(worked_example: Instrument) -> None:
    """SD 7.5 and reliability 0.80 give a threshold of 9.2969 points."""
    # Arrange
    instrument = worked_example

    # Act
    threshold = reliable_change_threshold(instrument)

    # Assert
    assert threshold == pytest.approx(9.2969, abs=1e-4)


def test_worked_example_criterion_c() -> None:
    """Clinical 40 ± 7.5 and normal 60 ± 7.5 give c = 50."""
    # Arrange
    norms = NORMS

    # Act
    c = criterion_c(norms)

    # Assert
    assert c == pytest.approx(50)


def test_worked_example_recovered(worked_example: Instrument) -> None:
    """32 → 52 is a reliable improvement across c, so recovered (RCI 4.2164)."""
    # Arrange
    first, later = 32, 52

    # Act
    index = rci(worked_example, first, later)
    result = category(worked_example, first, later)

    # Assert
    assert index == pytest.approx(4.2164, abs=1e-4)
    assert result == "recovered"


def test_worked_example_unchanged(worked_example: Instrument) -> None:
    """45 → 40 is no reliable change, so unchanged (RCI −1.0541)."""
    # Arrange
    first, later = 45, 40

    # Act
    index = rci(worked_example, first, later)
    result = category(worked_example, first, later)

    # Assert
    assert index == pytest.approx(-1.0541, abs=1e-4)
    assert result == "unchanged"


@pytest.mark.parametrize(
    ("higher_is_better", "a", "b"),
    [(True, 55, 45), (False, 25, 75)],
)
def test_criteria_a_and_b_follow_direction(higher_is_better: bool, a: float, b: float) -> None:
    """Criterion a moves from the clinical mean, and b from the normal mean, by two of their SDs."""
    # Arrange
    norms = NORMS

    # Act
    found = (
        criterion_a(norms, higher_is_better=higher_is_better),
        criterion_b(norms, higher_is_better=higher_is_better),
    )

    # Assert
    assert found == (a, b)


@pytest.mark.parametrize(
    ("first", "later", "expected"),
    [
        (16, 10, "reliable_improvement"),
        (16, 11, "no_reliable_change"),
        (10, 16, "reliable_deterioration"),
        (10, 10, "no_reliable_change"),
    ],
)
def test_fixed_threshold_is_inclusive(
    first: int, later: int, expected: str, shipped: Mapping[str, Instrument]
) -> None:
    """A PHQ-9 change of exactly 6 points is reliable."""
    # Arrange
    phq9 = shipped["phq9"]

    # Act
    change = classify_change(phq9, first, later)

    # Assert
    assert change == expected


def test_fixed_threshold_has_no_rci(shipped: Mapping[str, Instrument]) -> None:
    """An instrument with a fixed threshold reports no RCI."""
    # Arrange
    phq9 = shipped["phq9"]

    # Act
    index = rci(phq9, 16, 9)

    # Assert
    assert index is None


def test_computed_threshold_is_strict(worked_example: Instrument) -> None:
    """A change of exactly 1.959964 × S_diff is not reliable; a hair more is."""
    # Arrange
    threshold = reliable_change_threshold(worked_example)
    assert threshold is not None

    # Act
    at = classify_change(worked_example, 40, 40 + threshold)
    beyond = classify_change(worked_example, 40, 40 + threshold + 1e-6)

    # Assert
    assert at == "no_reliable_change"
    assert beyond == "reliable_improvement"
    assert rci(worked_example, 40, 40 + threshold) == pytest.approx(Z_975)


def test_score_at_computed_c_is_on_neither_side(worked_example: Instrument) -> None:
    """A score exactly at criterion c is neither clinical nor functional."""
    # Arrange
    c = 50

    # Act
    found = (side(worked_example, c - 0.5), side(worked_example, c), side(worked_example, c + 0.5))

    # Assert
    assert found == ("clinical", None, "functional")


@pytest.mark.parametrize(("first", "later"), [(50, 61), (39, 50)])
def test_reaching_or_leaving_c_is_not_a_crossing(
    first: int, later: int, worked_example: Instrument
) -> None:
    """A reliable improvement that starts or ends exactly at c is improved, not recovered."""
    # Arrange
    instrument = worked_example

    # Act
    change = classify_change(instrument, first, later)
    result = category(instrument, first, later)

    # Assert
    assert change == "reliable_improvement"
    assert result == "improved"


@pytest.mark.parametrize(
    ("instrument_id", "score", "expected"),
    [
        ("phq9", 10, "clinical"),
        ("phq9", 9, "functional"),
        ("gad7", 8, "clinical"),
        ("gad7", 7, "functional"),
        ("who5", 50, "clinical"),
        ("who5", 51, "functional"),
    ],
)
def test_fixed_cutoff_is_inclusive(
    instrument_id: str, score: int, expected: str, shipped: Mapping[str, Instrument]
) -> None:
    """A score at a fixed cut-off is on the clinical side."""
    # Arrange
    instrument = shipped[instrument_id]

    # Act
    found = side(instrument, score)

    # Assert
    assert found == expected


@pytest.mark.parametrize(
    ("first", "later", "expected"),
    [
        (16, 9, "recovered"),
        (22, 14, "improved"),
        (12, 10, "unchanged"),
        (12, 18, "deteriorated"),
        (8, 14, "harmed"),
        (2, 8, "deteriorated"),
    ],
)
def test_phq9_categories(
    first: int, later: int, expected: str, shipped: Mapping[str, Instrument]
) -> None:
    """PHQ-9 changes fall into the category their reliability and crossing give."""
    # Arrange
    phq9 = shipped["phq9"]

    # Act
    result = category(phq9, first, later)

    # Assert
    assert result == expected


def test_who5_recovery_runs_upwards(shipped: Mapping[str, Instrument]) -> None:
    """On WHO-5, where higher is better, 40 → 60 is recovered."""
    # Arrange
    who5 = shipped["who5"]

    # Act
    result = category(who5, 40, 60)

    # Assert
    assert result == "recovered"


def test_no_cutoff_means_no_category(shipped: Mapping[str, Instrument]) -> None:
    """GBO has reliable change but no cut-off, so a change has no category and no side."""
    # Arrange
    gbo = shipped["gbo"]

    # Act
    change = classify_change(gbo, 2, 5)
    result = category(gbo, 2, 5)

    # Assert
    assert change == "reliable_improvement"
    assert result is None
    assert side(gbo, 5) is None


def test_no_reliable_change_statistic_means_no_classification(
    shipped: Mapping[str, Instrument],
) -> None:
    """An ONS4 item has no reliable-change statistic, so nothing is classified."""
    # Arrange
    item = shipped["ons4"].item_series[0]

    # Act
    found = (
        reliable_change_threshold(item),
        rci(item, 2, 9),
        classify_change(item, 2, 9),
        category(item, 2, 9),
    )

    # Assert
    assert found == (None, None, None, None)


@pytest.mark.parametrize(
    ("score", "expected"), [(0, "minimal"), (12, "moderate"), (27, "severe"), (4.5, None)]
)
def test_phq9_bands(score: float, expected: str | None, shipped: Mapping[str, Instrument]) -> None:
    """A score takes the label of the band it falls in, ends included."""
    # Arrange
    phq9 = shipped["phq9"]

    # Act
    label = band(phq9, score)

    # Assert
    assert label == expected
