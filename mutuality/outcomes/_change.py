"""Individual change: reliable change, clinical cut-offs, categories and horizons.

The rules are those of docs/outcomes.md, "How change is classified". Reliable change follows Jacobson
& Truax (1991) when it is computed, and counts a change of exactly the threshold
when the threshold is fixed in points, as NHS Talking Therapies does.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from mutuality.outcomes._instrument import (
    FixedCutoff,
    FixedThreshold,
    Instrument,
    JacobsonTruax,
    NormativeCutoff,
)
from mutuality.outcomes.exceptions import OutcomesError

Change = Literal["reliable_improvement", "no_reliable_change", "reliable_deterioration"]
Category = Literal["recovered", "improved", "unchanged", "deteriorated", "harmed"]
Side = Literal["clinical", "functional"]
HorizonName = Literal["short", "medium", "long"]

Z_975 = 1.959964
"""The 97.5th percentile of the standard normal distribution."""

SHORT_TERM_DAYS = 90
"""The last day, counted from the first score, of the short-term horizon."""

MEDIUM_TERM_DAYS = 365
"""The last day, counted from the first score, of the medium-term horizon."""

# Thresholds and criterion c come out of floating-point arithmetic, so a value
# that equals one of them up to rounding is treated as exactly on it.
_TOLERANCE = 1e-9


def _on(value: float, boundary: float) -> bool:
    return math.isclose(value, boundary, rel_tol=_TOLERANCE, abs_tol=_TOLERANCE)


def _s_diff(rule: JacobsonTruax) -> float:
    standard_error = rule.sd * math.sqrt(1 - rule.reliability)
    return math.sqrt(2 * standard_error**2)


def reliable_change_threshold(instrument: Instrument) -> float | None:
    """The smallest change in points that can count as reliable.

    Returns:
        The fixed threshold, or 1.959964 × S_diff for a computed one, or None
        when the instrument has no reliable-change statistic.
    """
    rule = instrument.reliable_change
    if isinstance(rule, FixedThreshold):
        return rule.points
    if isinstance(rule, JacobsonTruax):
        return Z_975 * _s_diff(rule)
    return None


def rci(instrument: Instrument, first: float, later: float) -> float | None:
    """The reliable change index, (later − first) / S_diff.

    Returns:
        None unless the instrument computes reliable change (Jacobson & Truax).
    """
    rule = instrument.reliable_change
    if not isinstance(rule, JacobsonTruax):
        return None
    return (later - first) / _s_diff(rule)


def _is_reliable(instrument: Instrument, first: float, later: float) -> bool | None:
    rule = instrument.reliable_change
    if isinstance(rule, FixedThreshold):
        change = abs(later - first)
        return change > rule.points or _on(change, rule.points)
    if isinstance(rule, JacobsonTruax):
        index = abs((later - first) / _s_diff(rule))
        return index > Z_975 and not _on(index, Z_975)
    return None


def classify_change(instrument: Instrument, first: float, later: float) -> Change | None:
    """Whether the change from ``first`` to ``later`` is reliable, and which way.

    A fixed threshold counts a change of at least the threshold; a computed
    one needs |RCI| strictly above 1.959964.

    Returns:
        None when the instrument has no reliable-change statistic.
    """
    reliable = _is_reliable(instrument, first, later)
    if reliable is None:
        return None
    if not reliable:
        return "no_reliable_change"
    if (later > first) == instrument.higher_is_better:
        return "reliable_improvement"
    return "reliable_deterioration"


def criterion_a(norms: NormativeCutoff, *, higher_is_better: bool) -> float:
    """Criterion a: two clinical SDs beyond the clinical mean, towards health."""
    shift = 2 * norms.clinical_sd
    return norms.clinical_mean + shift if higher_is_better else norms.clinical_mean - shift


def criterion_b(norms: NormativeCutoff, *, higher_is_better: bool) -> float:
    """Criterion b: two normal SDs short of the normal mean, towards illness."""
    shift = 2 * norms.normal_sd
    return norms.normal_mean - shift if higher_is_better else norms.normal_mean + shift


def criterion_c(norms: NormativeCutoff) -> float:
    """Criterion c: the point between the two populations, weighted by their SDs."""
    weighted = norms.clinical_sd * norms.normal_mean + norms.normal_sd * norms.clinical_mean
    return weighted / (norms.clinical_sd + norms.normal_sd)


def side(instrument: Instrument, score: float) -> Side | None:
    """Which side of the clinical cut-off ``score`` lies on.

    A fixed cut-off is the first score on the clinical side, so a score at it
    is clinical. A computed criterion c belongs to neither side.

    Returns:
        None when there is no cut-off, or the score is exactly at criterion c.
    """
    cutoff = instrument.cutoff
    if isinstance(cutoff, FixedCutoff):
        return _fixed_side(instrument, cutoff.score, score)
    if isinstance(cutoff, NormativeCutoff):
        return _computed_side(instrument, criterion_c(cutoff), score)
    return None


def _fixed_side(instrument: Instrument, cutoff: float, score: float) -> Side:
    clinical = score <= cutoff if instrument.higher_is_better else score >= cutoff
    return "clinical" if clinical else "functional"


def _computed_side(instrument: Instrument, c: float, score: float) -> Side | None:
    if _on(score, c):
        return None
    clinical = score < c if instrument.higher_is_better else score > c
    return "clinical" if clinical else "functional"


def category(instrument: Instrument, first: float, later: float) -> Category | None:
    """The individual category of the change from ``first`` to ``later``.

    Returns:
        ``recovered`` or ``harmed`` when a reliable change also crossed the
        cut-off in its direction, ``improved``, ``deteriorated`` or
        ``unchanged`` otherwise; None without a cut-off or a reliable-change
        statistic.
    """
    change = classify_change(instrument, first, later)
    if change is None or instrument.cutoff is None:
        return None
    crossing = (side(instrument, first), side(instrument, later))
    if change == "reliable_improvement":
        return "recovered" if crossing == ("clinical", "functional") else "improved"
    if change == "reliable_deterioration":
        return "harmed" if crossing == ("functional", "clinical") else "deteriorated"
    return "unchanged"


def band(instrument: Instrument, score: float) -> str | None:
    """The label of the band ``score`` falls in, or None when it is in none."""
    return next((b.label for b in instrument.bands if b.contains(score)), None)


@dataclass(frozen=True)
class Horizons:
    """The change from the first score to the last later score in each horizon."""

    short: Change | None = None
    medium: Change | None = None
    long: Change | None = None


@dataclass(frozen=True)
class SeriesChange:
    """What a series of scores shows, from its first to its latest score.

    Whole numbers in ``first``, ``latest`` and ``difference`` are ints, so
    that a report shows 16 rather than 16.0.
    """

    first: float
    latest: float
    days: int
    difference: float
    rci: float | None
    reliable_change_threshold: float | None
    change: Change | None
    category: Category | None
    horizons: Horizons
    bands: tuple[str | None, str | None] | None
    n_scores: int


DatedScore = tuple[datetime.date, float]
"""A score and the date it was given."""


def classify_series(instrument: Instrument, scores: Sequence[DatedScore]) -> SeriesChange:
    """Classify the change in a series of dated scores of one instrument.

    Scores are put in date order, keeping the given order within a day. With
    a single score there is nothing to compare, so the change, RCI, category
    and horizons are None.

    Raises:
        OutcomesError: There are no scores.
    """
    ordered = sorted(scores, key=lambda score: score[0])
    if not ordered:
        raise OutcomesError(f"{instrument.id}: a series needs at least one score")
    (first_date, first), (latest_date, latest) = ordered[0], ordered[-1]
    compared = len(ordered) > 1
    return SeriesChange(
        first=_tidy(first),
        latest=_tidy(latest),
        days=(latest_date - first_date).days,
        difference=_tidy(latest - first),
        rci=rci(instrument, first, latest) if compared else None,
        reliable_change_threshold=_tidy_optional(reliable_change_threshold(instrument)),
        change=classify_change(instrument, first, latest) if compared else None,
        category=category(instrument, first, latest) if compared else None,
        horizons=_horizons(instrument, ordered),
        bands=_bands_moved(instrument, first, latest),
        n_scores=len(ordered),
    )


def _horizon(days: int) -> HorizonName:
    if days <= SHORT_TERM_DAYS:
        return "short"
    return "medium" if days <= MEDIUM_TERM_DAYS else "long"


def _last_per_horizon(ordered: Sequence[DatedScore]) -> Mapping[HorizonName, float]:
    first_date = ordered[0][0]
    last: dict[HorizonName, float] = {}
    for when, score in ordered[1:]:
        # Later positions overwrite earlier ones: the last score in each wins.
        last[_horizon((when - first_date).days)] = score
    return last


def _horizons(instrument: Instrument, ordered: Sequence[DatedScore]) -> Horizons:
    first = ordered[0][1]
    last = _last_per_horizon(ordered)

    def compare(name: HorizonName) -> Change | None:
        later = last.get(name)
        return None if later is None else classify_change(instrument, first, later)

    return Horizons(short=compare("short"), medium=compare("medium"), long=compare("long"))


def _bands_moved(
    instrument: Instrument, first: float, latest: float
) -> tuple[str | None, str | None] | None:
    # Bands stand in for change only where there is no reliable-change
    # statistic (the ONS4 items); elsewhere the change itself is reported.
    if not instrument.bands or instrument.reliable_change is not None:
        return None
    return band(instrument, first), band(instrument, latest)


def _tidy(number: float) -> float:
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


def _tidy_optional(number: float | None) -> float | None:
    return None if number is None else _tidy(number)
