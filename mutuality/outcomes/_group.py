"""Group change on one instrument, for service and transparency reports.

docs/outcomes.md, "How change is classified" (groups): the mean change with its 95 % interval,
four effect sizes (each named, so a report says which one it shows), and the
proportions reliably improved, recovered and reliably deteriorated with Wilson
intervals. Each person is classified by the same functions as an individual
assessment, so a group's counts always agree with its members' categories.
A statistic that cannot be computed is None, never an error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from mutuality.outcomes._change import category, classify_change, side
from mutuality.outcomes._instrument import Instrument
from mutuality.outcomes._stats import mean, mean_ci95, sd, t_quantile, wilson_interval

ProportionName = Literal["reliable_improvement", "recovery", "reliable_deterioration"]

ScorePair = tuple[float, float]
"""One person's first and latest score on an instrument."""


@dataclass(frozen=True)
class Proportion:
    """How many of ``n`` people had an outcome, with a Wilson 95 % interval.

    ``proportion`` and ``ci95`` are None when ``n`` is 0.
    """

    n: int
    count: int
    proportion: float | None
    ci95: tuple[float, float] | None

    @classmethod
    def of(cls, count: int, n: int) -> Proportion:
        """The proportion ``count`` / ``n`` with its Wilson interval."""
        return cls(
            n=n,
            count=count,
            proportion=count / n if n else None,
            ci95=wilson_interval(count, n),
        )

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict, with the interval as a two-item list or None."""
        return {
            "n": self.n,
            "count": self.count,
            "proportion": self.proportion,
            "ci95": _interval(self.ci95),
        }


@dataclass(frozen=True)
class GroupChange:
    """The change of a group of people from their first to their latest score.

    Attributes:
        instrument: The instrument's id.
        n: The number of people with a first and a latest score.
        mean_change: The mean of latest − first.
        ci95: The 95 % interval of the mean change (Student's t, n − 1 df).
        d_baseline: Mean change / SD of the first scores.
        d_z: Mean change / SD of the changes.
        d_av: Mean change / the mean of the SDs of first and latest scores.
        g_av: Hedges' g_av, d_av × (1 − 3 / (4(n − 1) − 1)).
        proportions: Reliable improvement and reliable deterioration out of
            all n; recovery out of those on the clinical side at their first
            score. A proportion the instrument cannot give (no reliable-change
            statistic, or for recovery no cut-off) has n 0.
    """

    instrument: str
    n: int
    mean_first: float | None
    mean_latest: float | None
    mean_change: float | None
    ci95: tuple[float, float] | None
    d_baseline: float | None
    d_z: float | None
    d_av: float | None
    g_av: float | None
    # A mapping cannot be hashed; leaving it out of the hash keeps the rest usable.
    proportions: Mapping[ProportionName, Proportion] = field(hash=False)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict with the field names as keys; numbers are not rounded."""
        return {
            "instrument": self.instrument,
            "n": self.n,
            "mean_first": self.mean_first,
            "mean_latest": self.mean_latest,
            "mean_change": self.mean_change,
            "ci95": _interval(self.ci95),
            "d_baseline": self.d_baseline,
            "d_z": self.d_z,
            "d_av": self.d_av,
            "g_av": self.g_av,
            "proportions": {name: one.to_dict() for name, one in self.proportions.items()},
        }


def group_change(instrument: Instrument, pairs: Sequence[ScorePair]) -> GroupChange:
    """Summarise the change of a group on one instrument.

    Args:
        instrument: The instrument every score was given on.
        pairs: One (first, latest) pair of scores per person. For a horizon,
            pass the pairs of the people eligible at that horizon.
    """
    firsts = [first for first, _ in pairs]
    latests = [latest for _, latest in pairs]
    changes = [latest - first for first, latest in pairs]
    mean_change = mean(changes)
    sd_first, sd_latest = sd(firsts), sd(latests)
    d_av = _ratio(mean_change, _average(sd_first, sd_latest))
    return GroupChange(
        instrument=instrument.id,
        n=len(pairs),
        mean_first=mean(firsts),
        mean_latest=mean(latests),
        mean_change=mean_change,
        ci95=mean_ci95(changes),
        d_baseline=_ratio(mean_change, sd_first),
        d_z=_ratio(mean_change, sd(changes)),
        d_av=d_av,
        g_av=_hedges_correction(d_av, len(pairs)),
        proportions=_proportions(instrument, pairs),
    )


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _average(sd_first: float | None, sd_latest: float | None) -> float | None:
    if sd_first is None or sd_latest is None:
        return None
    return (sd_first + sd_latest) / 2


def _hedges_correction(d_av: float | None, n: int) -> float | None:
    # At n = 2 the factor is exactly 0, which would report no effect at all.
    if d_av is None or n < 3:
        return None
    return d_av * (1 - 3 / (4 * (n - 1) - 1))


def _proportions(
    instrument: Instrument, pairs: Sequence[ScorePair]
) -> Mapping[ProportionName, Proportion]:
    return _proportions_of(PairCounts.of(instrument, pairs))


def _proportions_of(counts: PairCounts) -> Mapping[ProportionName, Proportion]:
    return MappingProxyType(
        {
            "reliable_improvement": Proportion.of(counts.improved, counts.reliable),
            "recovery": Proportion.of(counts.recovered, counts.clinical),
            "reliable_deterioration": Proportion.of(counts.deteriorated, counts.reliable),
        }
    )


@dataclass(frozen=True)
class PairCounts:
    """How a group's pairs were classified, counted: what its proportions are made of.

    Attributes:
        reliable: Pairs on an instrument with a reliable-change statistic (the
            denominator of reliable improvement and deterioration).
        improved: Of those, reliably improved.
        deteriorated: Of those, reliably deteriorated.
        clinical: Pairs on the clinical side at the first score, on an instrument with
            both a cut-off and a reliable-change statistic (recovery's denominator).
        recovered: Of those, recovered.
    """

    reliable: int = 0
    improved: int = 0
    deteriorated: int = 0
    clinical: int = 0
    recovered: int = 0

    @classmethod
    def of(cls, instrument: Instrument, pairs: Sequence[ScorePair]) -> PairCounts:
        """Classify each pair as an individual assessment would, and count."""
        if instrument.reliable_change is None:
            return cls()
        changes = [classify_change(instrument, first, later) for first, later in pairs]
        clinical: list[ScorePair] = []
        if instrument.cutoff is not None:
            clinical = [pair for pair in pairs if side(instrument, pair[0]) == "clinical"]
        recovered = [category(instrument, first, later) == "recovered" for first, later in clinical]
        return cls(
            reliable=len(pairs),
            improved=changes.count("reliable_improvement"),
            deteriorated=changes.count("reliable_deterioration"),
            clinical=len(clinical),
            recovered=sum(recovered),
        )


@dataclass(frozen=True)
class PairSums:
    """A group's (first, later) pairs summed, as a database sums them in one pass.

    ``counts`` holds how the pairs were classified, each with its own instrument where it
    was classified, so a group's counts still agree with its members' categories.
    """

    n: int
    first: float
    first_squares: float
    later: float
    later_squares: float
    change: float
    change_squares: float
    counts: PairCounts

    @classmethod
    def of(cls, instrument: Instrument, pairs: Sequence[ScorePair]) -> PairSums:
        """The sums of these pairs, every pair on this instrument."""
        return cls(
            n=len(pairs),
            first=math.fsum(first for first, _ in pairs),
            first_squares=math.fsum(first * first for first, _ in pairs),
            later=math.fsum(later for _, later in pairs),
            later_squares=math.fsum(later * later for _, later in pairs),
            change=math.fsum(later - first for first, later in pairs),
            change_squares=math.fsum((later - first) ** 2 for first, later in pairs),
            counts=PairCounts.of(instrument, pairs),
        )


def group_change_of_sums(instrument: str, sums: PairSums) -> GroupChange:
    """What :func:`group_change` says, from a group's sums rather than its pairs.

    A service report sums tens of thousands of pairs in its database and hands over only
    the sums. For whole-number scores (every shipped instrument's), means and standard
    deviations from sums of squares agree with the two-pass figures of :func:`group_change`
    to about 1e-10; a spread that rounding leaves at or below zero is exactly 0. With decimal
    scores a spread made only of rounding (7.2 − 7.1 beside 1.1 − 1.0) is 0 here where the
    two-pass form finds a tiny one, so d_z may be None here and meaningless there.
    """
    n = sums.n
    mean_change = sums.change / n if n else None
    sd_first = _sd_of(sums.first, sums.first_squares, n)
    sd_latest = _sd_of(sums.later, sums.later_squares, n)
    sd_change = _sd_of(sums.change, sums.change_squares, n)
    d_av = _ratio(mean_change, _average(sd_first, sd_latest))
    return GroupChange(
        instrument=instrument,
        n=n,
        mean_first=sums.first / n if n else None,
        mean_latest=sums.later / n if n else None,
        mean_change=mean_change,
        ci95=_ci95_of(mean_change, sd_change, n),
        d_baseline=_ratio(mean_change, sd_first),
        d_z=_ratio(mean_change, sd_change),
        d_av=d_av,
        g_av=_hedges_correction(d_av, n),
        proportions=_proportions_of(sums.counts),
    )


# What is left of a sum of squares after taking away the square of the sum, below this
# share of it, is rounding rather than spread.
_ROUNDING = 1e-12


def _sd_of(total: float, squares: float, n: int) -> float | None:
    if n < 2:
        return None
    spread = squares - total * total / n
    if spread <= _ROUNDING * max(squares, 1.0):
        return 0.0
    return math.sqrt(spread / (n - 1))


def _ci95_of(centre: float | None, spread: float | None, n: int) -> tuple[float, float] | None:
    if centre is None or spread is None:
        return None
    half = t_quantile(0.975, n - 1) * spread / math.sqrt(n)
    return centre - half, centre + half


def _interval(interval: tuple[float, float] | None) -> list[float] | None:
    return None if interval is None else list(interval)
