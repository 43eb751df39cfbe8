"""Group change on one instrument, for service and transparency reports.

docs/outcomes.md, "How change is classified" (groups): the mean change with its 95 % interval,
four effect sizes (each named, so a report says which one it shows), and the
proportions reliably improved, recovered and reliably deteriorated with Wilson
intervals. Each person is classified by the same functions as an individual
assessment, so a group's counts always agree with its members' categories.
A statistic that cannot be computed is None, never an error.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

from mutuality.outcomes._change import category, classify_change, side
from mutuality.outcomes._instrument import Instrument
from mutuality.outcomes._stats import mean, mean_ci95, sd, wilson_interval

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
    changes = [classify_change(instrument, first, latest) for first, latest in pairs]
    has_change = instrument.reliable_change is not None
    n = len(pairs) if has_change else 0
    return MappingProxyType(
        {
            "reliable_improvement": Proportion.of(changes.count("reliable_improvement"), n),
            "recovery": _recovery(instrument, pairs),
            "reliable_deterioration": Proportion.of(changes.count("reliable_deterioration"), n),
        }
    )


def _recovery(instrument: Instrument, pairs: Sequence[ScorePair]) -> Proportion:
    if instrument.cutoff is None or instrument.reliable_change is None:
        return Proportion.of(0, 0)
    clinical = [(first, latest) for first, latest in pairs if side(instrument, first) == "clinical"]
    recovered = [category(instrument, first, latest) == "recovered" for first, latest in clinical]
    return Proportion.of(sum(recovered), len(clinical))


def _interval(interval: tuple[float, float] | None) -> list[float] | None:
    return None if interval is None else list(interval)
