"""The outcomes report of many people's scores: individual change, paired rates, groups.

This is what `mutuality outcomes SCORES.csv --format json` prints, as
`{"format": "mutuality.outcomes/1", "people": [...], "paired": [...],
"paired_rates": {...}, "groups": [...]}`. Numbers are not rounded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mutuality.outcomes._change import SeriesChange, classify_series
from mutuality.outcomes._group import GroupChange, group_change
from mutuality.outcomes._paired import PairedOutcome, PairedRates, paired_outcome, paired_rates
from mutuality.outcomes._scores_csv import PersonSeries, series_by_person

FORMAT = "mutuality.outcomes/1"
PAIRED = ("phq9", "gad7")


@dataclass(frozen=True)
class PersonChange:
    """One person's change on one series."""

    series: PersonSeries
    change: SeriesChange

    def to_dict(self) -> dict[str, Any]:
        c = self.change
        entry: dict[str, Any] = {
            "person": self.series.person,
            "instrument": self.series.series_id,
            "first": c.first,
            "latest": c.latest,
            "days": c.days,
            "difference": c.difference,
            "rci": c.rci,
            "reliable_change_threshold": c.reliable_change_threshold,
            "change": c.change,
            "category": c.category,
            "horizons": {
                "short": c.horizons.short,
                "medium": c.horizons.medium,
                "long": c.horizons.long,
            },
            "n_scores": c.n_scores,
        }
        if self.series.goal is not None:
            entry["goal"] = self.series.goal
        if c.bands is not None:
            entry["bands"] = {"first": c.bands[0], "latest": c.bands[1]}
        return entry


@dataclass(frozen=True)
class OutcomesReport:
    people: tuple[PersonChange, ...]
    paired: tuple[PairedOutcome, ...]
    paired_rates: PairedRates
    groups: tuple[GroupChange, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "people": [p.to_dict() for p in self.people],
            "paired": [p.to_dict() for p in self.paired],
            "paired_rates": self.paired_rates.to_dict(),
            "groups": [g.to_dict() for g in self.groups],
        }


def _paired(series: Sequence[PersonSeries]) -> tuple[list[PairedOutcome], int]:
    """Paired outcomes of people who finished (two or more scores on both measures)."""
    finished: list[PairedOutcome] = []
    unfinished = 0
    for person, own in series_by_person(series).items():
        measures = {s.series_id: s for s in own if s.series_id in PAIRED}
        if len(measures) < len(PAIRED):
            continue
        if any(len(measures[m].scores) < 2 for m in PAIRED):
            unfinished += 1
            continue
        phq9, gad7 = (measures[m].scores for m in PAIRED)
        finished.append(
            paired_outcome(person, phq9=(phq9[0][1], phq9[-1][1]), gad7=(gad7[0][1], gad7[-1][1]))
        )
    return finished, unfinished


def _group_key(series: PersonSeries) -> str:
    # Goals are pooled into their instrument; ONS4 items stay apart (they never add up).
    return series.instrument.id if series.goal is not None else series.series_id


def _groups(series: Sequence[PersonSeries]) -> list[GroupChange]:
    pooled: dict[str, list[PersonSeries]] = {}
    for one in series:
        pooled.setdefault(_group_key(one), []).append(one)
    return [
        group_change(
            members[0].instrument,
            [(s.scores[0][1], s.scores[-1][1]) for s in members if len(s.scores) > 1],
        )
        for members in pooled.values()
    ]


def outcomes_report(series: Sequence[PersonSeries]) -> OutcomesReport:
    """Classify every series, then the paired PHQ-9/GAD-7 rates and group change."""
    paired, unfinished = _paired(series)
    return OutcomesReport(
        people=tuple(PersonChange(s, classify_series(s.instrument, s.scores)) for s in series),
        paired=tuple(paired),
        paired_rates=paired_rates(paired, not_finished=unfinished),
        groups=tuple(_groups(series)),
    )
