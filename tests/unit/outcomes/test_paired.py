"""Paired PHQ-9 and GAD-7 outcomes and rates (NHS Talking Therapies; docs/outcomes.md)."""

import json

import pytest

from mutuality.outcomes._paired import PairedOutcome, PairedRates, paired_outcome, paired_rates
from mutuality.outcomes.exceptions import OutcomesError


@pytest.mark.parametrize(
    ("phq9_first", "gad7_first", "expected"),
    [(10, 0, True), (0, 8, True), (9, 7, False), (27, 21, True)],
)
def test_caseness_at_the_cutoffs(phq9_first: int, gad7_first: int, expected: bool) -> None:
    """PHQ-9 of exactly 10 or GAD-7 of exactly 8 at the start is caseness; 9 and 7 are not."""
    # Arrange
    phq9, gad7 = (phq9_first, phq9_first), (gad7_first, gad7_first)

    # Act
    outcome = paired_outcome("p", phq9, gad7)

    # Assert
    assert outcome.caseness is expected


def test_not_at_caseness_has_no_recovery() -> None:
    """Someone who started below caseness can neither recover nor reliably recover."""
    # Arrange
    phq9, gad7 = (9, 2), (7, 1)

    # Act
    outcome = paired_outcome("p", phq9, gad7)

    # Assert
    assert outcome.caseness is False
    assert outcome.recovered is None
    assert outcome.reliable_recovery is None
    assert outcome.reliable_improvement is True


def test_reliable_recovery_with_an_exact_six_point_fall() -> None:
    """15 → 9 on PHQ-9 is exactly 6 points, so reliable, and 9 and 7 at the end are recovery."""
    # Arrange
    phq9, gad7 = (15, 9), (9, 7)

    # Act
    outcome = paired_outcome("p", phq9, gad7)

    # Assert
    assert outcome == PairedOutcome(
        person="p",
        caseness=True,
        recovered=True,
        reliable_improvement=True,
        reliable_deterioration=False,
        reliable_recovery=True,
    )


@pytest.mark.parametrize(("phq9", "gad7"), [((15, 10), (9, 7)), ((15, 9), (9, 8))])
def test_recovery_needs_both_below_caseness(phq9: tuple[int, int], gad7: tuple[int, int]) -> None:
    """Ending at PHQ-9 10 or at GAD-7 8 is still caseness, so not recovered."""
    # Arrange
    person = "p"

    # Act
    outcome = paired_outcome(person, phq9, gad7)

    # Assert
    assert outcome.recovered is False
    assert outcome.reliable_recovery is False


def test_recovery_without_reliable_improvement() -> None:
    """Falls of 4 on PHQ-9 and 2 on GAD-7 can recover without being reliable."""
    # Arrange
    phq9, gad7 = (12, 8), (9, 7)

    # Act
    outcome = paired_outcome("p", phq9, gad7)

    # Assert
    assert outcome.recovered is True
    assert outcome.reliable_improvement is False
    assert outcome.reliable_recovery is False


@pytest.mark.parametrize(
    ("phq9", "gad7", "expected"),
    [
        ((16, 10), (9, 9), True),  # PHQ-9 falls exactly 6
        ((16, 11), (9, 9), False),  # PHQ-9 falls 5
        ((16, 16), (12, 8), True),  # GAD-7 falls exactly 4
        ((16, 16), (12, 9), False),  # GAD-7 falls 3
        ((16, 8), (12, 4), True),  # both fall reliably
        ((16, 8), (9, 12), True),  # GAD-7 rises 3, not reliably
    ],
)
def test_reliable_improvement_thresholds(
    phq9: tuple[int, int], gad7: tuple[int, int], expected: bool
) -> None:
    """A fall of at least 6 on PHQ-9 or 4 on GAD-7 is reliable; one point less is not."""
    # Arrange
    person = "p"

    # Act
    outcome = paired_outcome(person, phq9, gad7)

    # Assert
    assert outcome.reliable_improvement is expected
    assert outcome.reliable_deterioration is False


def test_opposite_reliable_changes_are_neither() -> None:
    """A reliable fall on PHQ-9 with a reliable rise on GAD-7 is neither improvement nor deterioration."""
    # Arrange
    phq9, gad7 = (16, 8), (2, 6)

    # Act
    outcome = paired_outcome("p", phq9, gad7)

    # Assert
    assert outcome.reliable_improvement is False
    assert outcome.reliable_deterioration is False


@pytest.mark.parametrize(
    ("phq9", "gad7", "expected"),
    [
        ((4, 10), (5, 5), True),  # PHQ-9 rises exactly 6
        ((4, 9), (5, 5), False),  # PHQ-9 rises 5
        ((4, 4), (5, 9), True),  # GAD-7 rises exactly 4
        ((4, 1), (5, 9), True),  # PHQ-9 falls 3, not reliably
    ],
)
def test_reliable_deterioration(
    phq9: tuple[int, int], gad7: tuple[int, int], expected: bool
) -> None:
    """A rise of at least 6 on PHQ-9 or 4 on GAD-7, with no reliable fall, is deterioration."""
    # Arrange
    person = "p"

    # Act
    outcome = paired_outcome(person, phq9, gad7)

    # Assert
    assert outcome.reliable_deterioration is expected
    assert outcome.reliable_improvement is False


@pytest.mark.parametrize(("phq9", "gad7"), [((28, 10), (5, 5)), ((4, 4), (5, -1))])
def test_scores_out_of_range_are_rejected(phq9: tuple[int, int], gad7: tuple[int, int]) -> None:
    """A PHQ-9 above 27 or a negative GAD-7 is an error, not an outcome."""
    # Arrange
    person = "p"

    # Act / Assert
    with pytest.raises(OutcomesError, match="outside its range"):
        paired_outcome(person, phq9, gad7)


def _five_people() -> list[PairedOutcome]:
    return [
        paired_outcome("reliably recovered", (15, 9), (9, 7)),
        paired_outcome("recovered only", (12, 8), (9, 7)),
        paired_outcome("deteriorated", (12, 20), (9, 9)),
        paired_outcome("improved, not a case", (9, 2), (7, 7)),
        paired_outcome("unchanged, not a case", (5, 5), (5, 5)),
    ]


def test_rates_use_their_own_denominators() -> None:
    """Recovery divides by the 3 at caseness; improvement and deterioration by all 5 finished."""
    # Arrange
    outcomes = _five_people()

    # Act
    rates = paired_rates(outcomes, not_finished=4)

    # Assert
    assert rates == PairedRates(
        finished=5,
        not_finished=4,
        not_at_caseness=2,
        recovery=2 / 3,
        reliable_recovery=1 / 3,
        reliable_improvement=2 / 5,
        reliable_deterioration=1 / 5,
    )


def test_rates_of_nobody_are_none() -> None:
    """With nobody finished, every rate is None rather than an error."""
    # Arrange
    outcomes: list[PairedOutcome] = []

    # Act
    rates = paired_rates(outcomes, not_finished=3)

    # Assert
    assert (rates.finished, rates.not_finished, rates.not_at_caseness) == (0, 3, 0)
    assert rates.recovery is None
    assert rates.reliable_recovery is None
    assert rates.reliable_improvement is None
    assert rates.reliable_deterioration is None


def test_recovery_rate_is_none_when_nobody_was_a_case() -> None:
    """When no one finished at caseness, recovery rates are None but improvement is a rate."""
    # Arrange
    outcomes = _five_people()[3:]

    # Act
    rates = paired_rates(outcomes)

    # Assert
    assert rates.not_at_caseness == 2
    assert rates.recovery is None
    assert rates.reliable_recovery is None
    assert rates.reliable_improvement == 0.5
    assert rates.reliable_deterioration == 0


def test_negative_not_finished_is_rejected() -> None:
    """A negative count of people who have not finished is an error."""
    # Arrange
    outcomes = _five_people()

    # Act / Assert
    with pytest.raises(OutcomesError, match="not_finished"):
        paired_rates(outcomes, not_finished=-1)


def test_to_dict_is_json_ready() -> None:
    """Outcomes and rates become dicts with their field names, and survive JSON."""
    # Arrange
    outcome = paired_outcome("p", (9, 2), (7, 1))
    rates = paired_rates([outcome])

    # Act
    outcome_data = json.loads(json.dumps(outcome.to_dict()))
    rates_data = json.loads(json.dumps(rates.to_dict()))

    # Assert
    assert outcome_data == {
        "person": "p",
        "caseness": False,
        "recovered": None,
        "reliable_improvement": True,
        "reliable_deterioration": False,
        "reliable_recovery": None,
    }
    assert rates_data == {
        "finished": 1,
        "not_finished": 0,
        "not_at_caseness": 1,
        "recovery": None,
        "reliable_recovery": None,
        "reliable_improvement": 1.0,
        "reliable_deterioration": 0.0,
    }
