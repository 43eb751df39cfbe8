"""Invariants of the outcome statistics, checked on random instruments and scores.

The direction properties are stated precisely, because they are not all obvious:

* Swapping ``higher_is`` always swaps reliable improvement and reliable
  deterioration, since reliability depends only on the size of a change.
* With a computed cut-off (criterion c) the sides swap too, since a score
  exactly at c is on neither side; so the category mirrors completely:
  recovered ↔ harmed, improved ↔ deteriorated, unchanged ↔ unchanged.
* With a fixed cut-off that is *not* true in general: the cut-off score is the
  first clinical score whichever way is better, so it is clinical both before
  and after the swap. The category mirrors only when neither score is the
  cut-off score (see the counter-example test).
"""

import math
from collections.abc import Sequence

from hypothesis import assume, given
from hypothesis import strategies as st

from mutuality.outcomes import (
    Instrument,
    InstrumentDefinition,
    category,
    classify_change,
    rci,
    reliable_change_threshold,
    shipped_instruments,
    side,
)
from mutuality.outcomes._group import group_change
from mutuality.outcomes._paired import PairedOutcome, paired_outcome, paired_rates
from mutuality.outcomes._stats import wilson_interval

_MIRROR_CHANGE = {
    "reliable_improvement": "reliable_deterioration",
    "reliable_deterioration": "reliable_improvement",
    "no_reliable_change": "no_reliable_change",
}
_MIRROR_CATEGORY = {
    "recovered": "harmed",
    "improved": "deteriorated",
    "unchanged": "unchanged",
    "deteriorated": "improved",
    "harmed": "recovered",
}

directions = st.sampled_from(["better", "worse"])
scores = st.floats(min_value=0, max_value=100, allow_nan=False)
whole_scores = st.integers(min_value=0, max_value=100).map(float)
tenths = st.integers(min_value=0, max_value=1000).map(lambda v: v / 10)
spreads = st.floats(min_value=0.5, max_value=30)
reliabilities = st.floats(min_value=0, max_value=0.99)


Fields = dict[str, float]
"""Instrument definition fields for reliable change and the cut-off."""


def _instrument(higher_is: str, fields: Fields) -> Instrument:
    definition = InstrumentDefinition(
        id="scale", name="Scale", range=(0, 100), higher_is=higher_is, **fields
    )
    return Instrument.from_definition(definition)


def _both_ways(fields: Fields) -> tuple[Instrument, Instrument]:
    return _instrument("better", fields), _instrument("worse", fields)


jacobson_truax = st.fixed_dictionaries({"sd": spreads, "reliability": reliabilities})
fixed_rule = st.fixed_dictionaries({"reliable_change": st.floats(min_value=0.5, max_value=30)})
fixed_cutoff = st.fixed_dictionaries({"cutoff": whole_scores})
criterion_c = st.fixed_dictionaries(
    {
        "clinical_mean": scores,
        "clinical_sd": spreads,
        "normal_mean": scores,
        "normal_sd": spreads,
    }
)


def _fields(
    rule: st.SearchStrategy[Fields], cutoff: st.SearchStrategy[Fields]
) -> st.SearchStrategy[Fields]:
    return st.builds(lambda r, c: r | c, rule, cutoff)


jt_any_cutoff = _fields(jacobson_truax, st.one_of(st.just({}), fixed_cutoff, criterion_c))
any_with_cutoff = _fields(
    st.one_of(jacobson_truax, fixed_rule), st.one_of(fixed_cutoff, criterion_c)
)


@given(fields=jt_any_cutoff, first=scores, later=scores)
def test_swapping_direction_swaps_improvement_and_deterioration(
    fields: Fields, first: float, later: float
) -> None:
    """For a Jacobson & Truax instrument, swapping higher_is swaps the two reliable changes."""
    # Arrange
    better, worse = _both_ways(fields)

    # Act
    change, mirrored = classify_change(better, first, later), classify_change(worse, first, later)

    # Assert
    assert change is not None
    assert mirrored == _MIRROR_CHANGE[change]


@given(fields=_fields(jacobson_truax, criterion_c), first=scores, later=scores)
def test_swapping_direction_mirrors_categories_with_criterion_c(
    fields: Fields, first: float, later: float
) -> None:
    """With criterion c, swapping higher_is maps recovered to harmed and improved to deteriorated."""
    # Arrange
    better, worse = _both_ways(fields)

    # Act
    result, mirrored = category(better, first, later), category(worse, first, later)

    # Assert
    assert result is not None
    assert mirrored == _MIRROR_CATEGORY[result]


@given(fields=_fields(jacobson_truax, fixed_cutoff), first=whole_scores, later=whole_scores)
def test_swapping_direction_mirrors_categories_off_a_fixed_cutoff(
    fields: Fields, first: float, later: float
) -> None:
    """With a fixed cut-off, categories mirror whenever neither score is the cut-off score."""
    # Arrange
    assume(fields["cutoff"] not in (first, later))
    better, worse = _both_ways(fields)

    # Act
    result, mirrored = category(better, first, later), category(worse, first, later)

    # Assert
    assert result is not None
    assert mirrored == _MIRROR_CATEGORY[result]


def test_a_fixed_cutoff_score_breaks_the_category_mirror() -> None:
    """A score at a fixed cut-off is clinical both ways, so improved does not mirror to deteriorated."""
    # Arrange
    better, worse = _both_ways({"reliable_change": 4, "cutoff": 10})

    # Act
    result, swapped = category(worse, 14, 10), category(better, 14, 10)

    # Assert
    assert result == "improved"
    assert swapped == "harmed"


@given(
    fields=jacobson_truax,
    higher_is=directions,
    first=tenths,
    later=tenths,
    k=st.floats(min_value=0.01, max_value=100),
)
def test_scaling_scores_and_sd_leaves_rci_unchanged(
    fields: Fields, higher_is: str, first: float, later: float, k: float
) -> None:
    """Multiplying the scores and the reference SD by k > 0 leaves the RCI as it was."""
    # Arrange
    instrument = _instrument(higher_is, fields)
    scaled = Instrument.from_definition(
        InstrumentDefinition(
            id="scaled",
            name="Scaled",
            range=(0, 100 * k),
            higher_is=higher_is,
            sd=fields["sd"] * k,
            reliability=fields["reliability"],
        )
    )

    # Act
    original, rescaled = rci(instrument, first, later), rci(scaled, first * k, later * k)

    # Assert
    assert original is not None
    assert rescaled is not None
    assert math.isclose(rescaled, original, rel_tol=1e-9, abs_tol=1e-12)
    threshold = reliable_change_threshold(instrument)
    scaled_threshold = reliable_change_threshold(scaled)
    assert threshold is not None
    assert scaled_threshold is not None
    assert math.isclose(scaled_threshold, threshold * k, rel_tol=1e-9)


@given(fields=any_with_cutoff, higher_is=directions, first=scores, later=scores)
def test_categories_are_exhaustive_and_exclusive(
    fields: Fields, higher_is: str, first: float, later: float
) -> None:
    """With a cut-off and reliable change, exactly one of five definitions holds; category names it."""
    # Arrange
    instrument = _instrument(higher_is, fields)
    change = classify_change(instrument, first, later)
    into_health = (side(instrument, first), side(instrument, later)) == ("clinical", "functional")
    into_illness = (side(instrument, first), side(instrument, later)) == ("functional", "clinical")
    definitions = {
        "recovered": change == "reliable_improvement" and into_health,
        "improved": change == "reliable_improvement" and not into_health,
        "unchanged": change == "no_reliable_change",
        "deteriorated": change == "reliable_deterioration" and not into_illness,
        "harmed": change == "reliable_deterioration" and into_illness,
    }

    # Act
    result = category(instrument, first, later)

    # Assert
    assert [name for name, holds in definitions.items() if holds] == [result]


phq9_scores = st.integers(min_value=0, max_value=27)
gad7_scores = st.integers(min_value=0, max_value=21)
paired = st.tuples(st.tuples(phq9_scores, phq9_scores), st.tuples(gad7_scores, gad7_scores))


@given(pair=paired)
def test_paired_rules_agree_with_their_definitions(
    pair: tuple[tuple[int, int], tuple[int, int]],
) -> None:
    """Each paired rule gives what its NHS Talking Therapies definition says, recomputed here."""
    # Arrange
    (p_first, p_latest), (g_first, g_latest) = pair
    p_fall, p_rise = p_first - p_latest >= 6, p_latest - p_first >= 6
    g_fall, g_rise = g_first - g_latest >= 4, g_latest - g_first >= 4
    caseness = p_first >= 10 or g_first >= 8
    improved = (p_fall and not g_rise) or (g_fall and not p_rise)
    deteriorated = (p_rise and not g_fall) or (g_rise and not p_fall)
    recovered = (p_latest < 10 and g_latest < 8) if caseness else None

    # Act
    outcome = paired_outcome("p", (p_first, p_latest), (g_first, g_latest))

    # Assert
    assert outcome.caseness == caseness
    assert outcome.reliable_improvement == improved
    assert outcome.reliable_deterioration == deteriorated
    assert outcome.recovered == recovered
    assert outcome.reliable_recovery == (None if recovered is None else recovered and improved)


@given(pairs=st.lists(paired, max_size=30), not_finished=st.integers(min_value=0, max_value=5))
def test_paired_rates_agree_with_their_definitions(
    pairs: Sequence[tuple[tuple[int, int], tuple[int, int]]], not_finished: int
) -> None:
    """Rates are counts over their stated denominators, or None when a denominator is 0."""
    # Arrange
    outcomes = [paired_outcome(str(i), phq9, gad7) for i, (phq9, gad7) in enumerate(pairs)]
    cases = [o for o in outcomes if o.caseness]

    def rate(outcomes: Sequence[PairedOutcome], field: str) -> float | None:
        return sum(bool(getattr(o, field)) for o in outcomes) / len(outcomes) if outcomes else None

    # Act
    rates = paired_rates(outcomes, not_finished=not_finished)

    # Assert
    assert (rates.finished, rates.not_finished) == (len(outcomes), not_finished)
    assert rates.not_at_caseness == len(outcomes) - len(cases)
    assert rates.recovery == rate(cases, "recovered")
    assert rates.reliable_recovery == rate(cases, "reliable_recovery")
    assert rates.reliable_improvement == rate(outcomes, "reliable_improvement")
    assert rates.reliable_deterioration == rate(outcomes, "reliable_deterioration")


phq9_tenths = st.integers(min_value=0, max_value=270).map(lambda v: v / 10)
group_pairs = st.lists(st.tuples(phq9_tenths, phq9_tenths), max_size=40)


@given(pairs=group_pairs)
def test_group_effect_sizes_share_the_sign_of_the_mean_change(
    pairs: Sequence[tuple[float, float]],
) -> None:
    """Every effect size that can be computed has the sign of the mean change."""
    # Arrange
    phq9 = shipped_instruments()["phq9"]

    # Act
    result = group_change(phq9, pairs)

    # Assert
    assume(result.mean_change is not None)
    assert result.mean_change is not None
    sign = math.copysign(1, result.mean_change) if result.mean_change else 0
    for size in (result.d_baseline, result.d_z, result.d_av, result.g_av):
        if size is not None:
            assert (math.copysign(1, size) if size else 0) == sign


@given(pairs=group_pairs)
def test_group_interval_contains_the_mean_change(pairs: Sequence[tuple[float, float]]) -> None:
    """The 95 % interval of the mean change contains the mean change, and exists from n = 2."""
    # Arrange
    phq9 = shipped_instruments()["phq9"]

    # Act
    result = group_change(phq9, pairs)

    # Assert
    assert (result.ci95 is None) == (result.n < 2)
    if result.ci95 is not None:
        assert result.mean_change is not None
        low, high = result.ci95
        assert low <= result.mean_change <= high


@given(pairs=group_pairs)
def test_group_proportions_count_the_individual_categories(
    pairs: Sequence[tuple[float, float]],
) -> None:
    """Group counts are the individual classifications counted, over the stated denominators."""
    # Arrange
    phq9 = shipped_instruments()["phq9"]
    categories = [category(phq9, first, latest) for first, latest in pairs]
    clinical = [first for first, _ in pairs if side(phq9, first) == "clinical"]

    # Act
    proportions = group_change(phq9, pairs).proportions

    # Assert
    improved, recovery, deteriorated = (
        proportions["reliable_improvement"],
        proportions["recovery"],
        proportions["reliable_deterioration"],
    )
    assert (improved.n, improved.count) == (
        len(pairs),
        sum(c in ("recovered", "improved") for c in categories),
    )
    assert (deteriorated.n, deteriorated.count) == (
        len(pairs),
        sum(c in ("deteriorated", "harmed") for c in categories),
    )
    assert (recovery.n, recovery.count) == (len(clinical), categories.count("recovered"))


@given(n=st.integers(min_value=0, max_value=500), data=st.data())
def test_wilson_interval_contains_the_proportion(n: int, data: st.DataObject) -> None:
    """A Wilson interval lies within 0 and 1 and contains the observed proportion."""
    # Arrange
    successes = data.draw(st.integers(min_value=0, max_value=n))

    # Act
    interval = wilson_interval(successes, n)

    # Assert
    if n == 0:
        assert interval is None
    else:
        assert interval is not None
        low, high = interval
        assert 0 <= low <= successes / n <= high <= 1
