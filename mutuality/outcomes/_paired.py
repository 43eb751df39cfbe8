"""Paired PHQ-9 and GAD-7 outcomes, by the NHS Talking Therapies convention.

docs/outcomes.md, "How change is classified": caseness at the start is PHQ-9 ≥ 10 or GAD-7 ≥ 8;
recovery is moving from caseness to PHQ-9 < 10 and GAD-7 < 8; reliable change
is a change of at least 6 points on PHQ-9 and 4 on GAD-7. The cut-offs and
thresholds are the shipped instruments' own, applied through :func:`side` and
:func:`classify_change`, so a paired outcome never disagrees with the
individual classification of either measure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from mutuality.outcomes._change import Change, classify_change, side
from mutuality.outcomes._group import ScorePair
from mutuality.outcomes._instrument import Instrument
from mutuality.outcomes._registry import shipped_instruments
from mutuality.outcomes.exceptions import OutcomesError


@dataclass(frozen=True)
class PairedOutcome:
    """One person's paired PHQ-9 and GAD-7 outcome, from first to latest scores.

    Attributes:
        caseness: At caseness at the start (PHQ-9 ≥ 10 or GAD-7 ≥ 8).
        recovered: Below caseness on both measures at the end; None when the
            person was not at caseness at the start.
        reliable_improvement: A reliable fall on at least one measure and no
            reliable rise on the other.
        reliable_deterioration: A reliable rise on at least one measure and
            no reliable fall on the other.
        reliable_recovery: Recovered and reliably improved; None when the
            person was not at caseness at the start.
    """

    person: str
    caseness: bool
    recovered: bool | None
    reliable_improvement: bool
    reliable_deterioration: bool
    reliable_recovery: bool | None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict with the field names as keys."""
        return asdict(self)


@dataclass(frozen=True)
class PairedRates:
    """Paired outcome rates for a service, each a proportion from 0 to 1.

    Attributes:
        finished: People with at least two scores on both PHQ-9 and GAD-7.
        not_finished: People left out of every rate because they have not
            finished; reported, never counted in a denominator.
        not_at_caseness: Finished people who were not at caseness at the start.
        recovery: Recovered / (finished − not_at_caseness).
        reliable_recovery: Reliably recovered / (finished − not_at_caseness).
        reliable_improvement: Reliably improved / finished.
        reliable_deterioration: Reliably deteriorated / finished.

    A rate whose denominator is 0 is None.
    """

    finished: int
    not_finished: int
    not_at_caseness: int
    recovery: float | None
    reliable_recovery: float | None
    reliable_improvement: float | None
    reliable_deterioration: float | None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict with the field names as keys; rates are not rounded."""
        return asdict(self)


def paired_outcome(person: str, phq9: ScorePair, gad7: ScorePair) -> PairedOutcome:
    """Classify one person's paired PHQ-9 and GAD-7 change.

    Args:
        person: Who the scores belong to, carried through to reports.
        phq9: The first and latest PHQ-9 scores.
        gad7: The first and latest GAD-7 scores.

    Raises:
        OutcomesError: A score lies outside its instrument's range.
    """
    shipped = shipped_instruments()
    measures = ((shipped["phq9"], phq9), (shipped["gad7"], gad7))
    for instrument, scores in measures:
        _check_range(instrument, scores)
    caseness = any(side(instrument, first) == "clinical" for instrument, (first, _) in measures)
    # Both measures are higher-is-worse, so a reliable fall is a reliable improvement.
    changes = [
        classify_change(instrument, first, latest) for instrument, (first, latest) in measures
    ]
    improved = _one_way(changes, "reliable_improvement", "reliable_deterioration")
    deteriorated = _one_way(changes, "reliable_deterioration", "reliable_improvement")
    recovered = None
    if caseness:
        recovered = all(
            side(instrument, latest) == "functional" for instrument, (_, latest) in measures
        )
    return PairedOutcome(
        person=person,
        caseness=caseness,
        recovered=recovered,
        reliable_improvement=improved,
        reliable_deterioration=deteriorated,
        reliable_recovery=None if recovered is None else recovered and improved,
    )


def paired_rates(outcomes: Sequence[PairedOutcome], not_finished: int = 0) -> PairedRates:
    """The recovery, reliable recovery, improvement and deterioration rates.

    Args:
        outcomes: The paired outcomes of the people who have **finished**, that
            is, who have at least two scores on both PHQ-9 and GAD-7. Leave out
            everyone else: each outcome given here counts in the denominators.
        not_finished: How many people were left out for not having finished,
            reported alongside the rates.

    Raises:
        OutcomesError: ``not_finished`` is negative.
    """
    return paired_rates_of_counts(PairedCounts.of(outcomes), not_finished)


@dataclass(frozen=True)
class PairedCounts:
    """Finished people's paired outcomes, counted (as a database counts them).

    Attributes:
        finished: People with a paired outcome.
        caseness: Of those, at caseness at the start.
        recovered: Of those at caseness, recovered.
        reliable_recovery: Of those at caseness, reliably recovered.
        reliable_improvement: Of everyone finished, reliably improved.
        reliable_deterioration: Of everyone finished, reliably deteriorated.
    """

    finished: int = 0
    caseness: int = 0
    recovered: int = 0
    reliable_recovery: int = 0
    reliable_improvement: int = 0
    reliable_deterioration: int = 0

    @classmethod
    def of(cls, outcomes: Sequence[PairedOutcome]) -> PairedCounts:
        """Count these people's outcomes."""
        at_caseness = [outcome for outcome in outcomes if outcome.caseness]
        return cls(
            finished=len(outcomes),
            caseness=len(at_caseness),
            recovered=sum(bool(o.recovered) for o in at_caseness),
            reliable_recovery=sum(bool(o.reliable_recovery) for o in at_caseness),
            reliable_improvement=sum(o.reliable_improvement for o in outcomes),
            reliable_deterioration=sum(o.reliable_deterioration for o in outcomes),
        )


def paired_rates_of_counts(counts: PairedCounts, not_finished: int = 0) -> PairedRates:
    """The rates of :func:`paired_rates`, from outcomes already counted.

    Raises:
        OutcomesError: ``not_finished`` is negative.
    """
    if not_finished < 0:
        raise OutcomesError(f"not_finished counts people, so it cannot be {not_finished}")
    return PairedRates(
        finished=counts.finished,
        not_finished=not_finished,
        not_at_caseness=counts.finished - counts.caseness,
        recovery=_rate(counts.recovered, counts.caseness),
        reliable_recovery=_rate(counts.reliable_recovery, counts.caseness),
        reliable_improvement=_rate(counts.reliable_improvement, counts.finished),
        reliable_deterioration=_rate(counts.reliable_deterioration, counts.finished),
    )


def _one_way(changes: Sequence[Change | None], towards: Change, against: Change) -> bool:
    # "At least one measure changed reliably towards, and the other did not
    # change reliably against": a measure cannot move both ways, so this is
    # the same as some change towards and no change against.
    return towards in changes and against not in changes


def _check_range(instrument: Instrument, scores: ScorePair) -> None:
    for score in scores:
        if not instrument.in_range(score):
            raise OutcomesError(
                f"{instrument.name} score {score} lies outside its range "
                f"{instrument.low} to {instrument.high}"
            )


def _rate(count: int, denominator: int) -> float | None:
    return count / denominator if denominator else None
