"""Group change and paired rates from sums and counts agree with the forms that take lists.

A service report sums its pairs in the database (`group_change_of_sums`, `paired_rates_of_counts`);
the outcomes report and the command line hand over the pairs (`group_change`, `paired_rates`).
Both must say the same, on any instrument and any scores.
"""

import math
from collections.abc import Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mutuality.outcomes import (
    GroupChange,
    Instrument,
    InstrumentDefinition,
    PairCounts,
    PairedCounts,
    PairSums,
    ScorePair,
    group_change,
    group_change_of_sums,
    paired_outcome,
    paired_rates,
    paired_rates_of_counts,
    shipped_instruments,
)

TOLERANCE = 1e-9
NUMBERS = ("mean_first", "mean_latest", "mean_change", "d_baseline", "d_z", "d_av", "g_av")

# Whole-number scores, as every shipped instrument gives. (With decimals, a spread that is only
# rounding, such as 7.2 - 7.1 against 1.1 - 1.0, is a tiny positive number to the two-pass
# form and exactly 0 to the summed one, and effect sizes over it mean nothing in either.)
wholes = st.integers(min_value=0, max_value=1000)
instruments = st.sampled_from([*sorted(shipped_instruments()), "made_up", "made_up_no_cutoff"])


def _instrument(name: str) -> Instrument:
    if name.startswith("made_up"):
        cutoff = {} if name.endswith("no_cutoff") else {"cutoff": 40.0}
        definition = InstrumentDefinition(
            id=name, name="Made up", range=(0, 100), higher_is="better", sd=12.0,
            reliability=0.8, **cutoff,
        )  # fmt: skip
        return Instrument.from_definition(definition)
    return shipped_instruments()[name]


def _in_range(instrument: Instrument, drawn: Sequence[tuple[int, int]]) -> list[ScorePair]:
    """Whole numbers drawn at random, folded into the instrument's range."""
    low, width = int(instrument.low), int(instrument.high - instrument.low)
    return [(float(low + a % (width + 1)), float(low + b % (width + 1))) for a, b in drawn]


def _close(summed: float | None, listed: float | None) -> bool:
    if summed is None or listed is None:
        return summed is listed
    return math.isclose(summed, listed, rel_tol=TOLERANCE, abs_tol=TOLERANCE)


def _agree(summed: GroupChange, listed: GroupChange) -> None:
    assert (summed.instrument, summed.n) == (listed.instrument, listed.n)
    for name in NUMBERS:
        assert _close(getattr(summed, name), getattr(listed, name)), name
    assert (summed.ci95 is None) == (listed.ci95 is None)
    if summed.ci95 is not None and listed.ci95 is not None:
        assert all(_close(a, b) for a, b in zip(summed.ci95, listed.ci95, strict=True))
    assert summed.proportions == listed.proportions


@given(name=instruments, drawn=st.lists(st.tuples(wholes, wholes), max_size=60))
def test_group_change_of_sums_says_what_group_change_says(
    name: str, drawn: list[tuple[int, int]]
) -> None:
    """Every figure within 1e-9, every proportion the same, on shipped and made-up instruments."""
    # Arrange
    instrument = _instrument(name)
    pairs = _in_range(instrument, drawn)

    # Act
    summed = group_change_of_sums(instrument.id, PairSums.of(instrument, pairs))

    # Assert
    _agree(summed, group_change(instrument, pairs))


@pytest.mark.parametrize("score", [0.0, 7.3, 27.0])
def test_identical_scores_have_no_spread_at_all(score: float) -> None:
    """Rounding in sums of squares must not turn the same score into a tiny spread."""
    # Arrange
    phq9 = shipped_instruments()["phq9"]
    pairs = [(score, score)] * 7

    # Act
    summed = group_change_of_sums("phq9", PairSums.of(phq9, pairs))

    # Assert
    assert summed.ci95 == (0.0, 0.0)
    assert summed.d_z is None  # a mean change over no spread is not an effect size


def test_pair_counts_are_empty_without_a_reliable_change_statistic() -> None:
    """ONS4 has bands but no reliable-change statistic: no proportion can be given."""
    # Arrange
    ons4 = shipped_instruments()["ons4"]

    # Act
    counts = PairCounts.of(ons4, [(8.0, 2.0), (6.0, 3.0)])

    # Assert
    assert counts == PairCounts()


paired = st.tuples(
    st.tuples(st.integers(0, 27), st.integers(0, 27)),
    st.tuples(st.integers(0, 21), st.integers(0, 21)),
)


@given(people=st.lists(paired, max_size=40), not_finished=st.integers(0, 5))
def test_paired_rates_of_counts_say_what_paired_rates_say(
    people: list[tuple[tuple[int, int], tuple[int, int]]], not_finished: int
) -> None:
    """Counting first and computing the rates from the counts changes nothing."""
    # Arrange
    outcomes = [paired_outcome(str(i), phq9, gad7) for i, (phq9, gad7) in enumerate(people)]

    # Act
    counted = paired_rates_of_counts(PairedCounts.of(outcomes), not_finished)

    # Assert
    assert counted == paired_rates(outcomes, not_finished=not_finished)
