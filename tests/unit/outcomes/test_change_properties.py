"""Properties of change classification that hold for any scores."""

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from mutuality.outcomes import (
    FixedCutoff,
    FixedThreshold,
    Instrument,
    JacobsonTruax,
    NormativeCutoff,
    category,
    classify_change,
)

_MIRROR = {
    "reliable_improvement": "reliable_deterioration",
    "reliable_deterioration": "reliable_improvement",
    "no_reliable_change": "no_reliable_change",
}

scores = st.floats(min_value=0, max_value=100, allow_nan=False)
rules = st.one_of(
    st.builds(FixedThreshold, st.floats(min_value=0.5, max_value=30)),
    st.builds(
        JacobsonTruax,
        sd=st.floats(min_value=0.5, max_value=30),
        reliability=st.floats(min_value=0, max_value=0.99),
    ),
)
cutoffs = st.one_of(
    st.builds(FixedCutoff, scores),
    st.builds(
        NormativeCutoff,
        clinical_mean=scores,
        clinical_sd=st.floats(min_value=0.5, max_value=30),
        normal_mean=scores,
        normal_sd=st.floats(min_value=0.5, max_value=30),
    ),
)
instruments = st.builds(
    Instrument,
    id=st.just("scale"),
    name=st.just("Scale"),
    low=st.just(0),
    high=st.just(100),
    higher_is_better=st.booleans(),
    reliable_change=rules,
    cutoff=cutoffs,
)


@given(instrument=instruments, first=scores, later=scores)
def test_swapping_direction_mirrors_the_change(
    instrument: Instrument, first: float, later: float
) -> None:
    """Reversing which way is better swaps improvement and deterioration, nothing else."""
    # Arrange
    reversed_instrument = dataclasses.replace(
        instrument, higher_is_better=not instrument.higher_is_better
    )

    # Act
    change = classify_change(instrument, first, later)
    mirrored = classify_change(reversed_instrument, first, later)

    # Assert
    assert change is not None
    assert mirrored == _MIRROR[change]


@given(instrument=instruments, first=scores, later=scores)
def test_category_is_one_of_five_and_agrees_with_change(
    instrument: Instrument, first: float, later: float
) -> None:
    """With a cut-off and reliable change, a change has one of five categories, matching it."""
    # Arrange
    expected = {
        "reliable_improvement": {"recovered", "improved"},
        "no_reliable_change": {"unchanged"},
        "reliable_deterioration": {"deteriorated", "harmed"},
    }

    # Act
    result = category(instrument, first, later)
    change = classify_change(instrument, first, later)

    # Assert
    assert change is not None
    assert result in expected[change]


@given(instrument=instruments, first=scores, later=scores)
def test_change_is_symmetric_in_time(instrument: Instrument, first: float, later: float) -> None:
    """Going from later back to first mirrors the change, as reliability ignores direction."""
    # Arrange
    forwards = classify_change(instrument, first, later)

    # Act
    backwards = classify_change(instrument, later, first)

    # Assert
    assert forwards is not None
    assert backwards == _MIRROR[forwards]
