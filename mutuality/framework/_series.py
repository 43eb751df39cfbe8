"""Turn a case's `outcomes` into named score series, each with its instrument.

ONS4 items and goal-based outcomes are reported one series per item or goal
(`ons4.anxious`, `gbo.1`), so one entry of the case file may become several
series, and several entries may feed one. The same function both checks a case
(collecting problems with their paths) and serves the engine.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from mutuality.outcomes import (
    Instrument,
    OutcomesError,
    PersonSeries,
    ScoringError,
    build_instruments,
    resolve_series,
    score_item_series,
    score_responses,
)

from ._model import Case, OutcomeSeries, Score
from .exceptions import Problem

GOAL_BASED = "gbo"
MAX_GOALS = 3


@dataclass
class Series:
    """The scores of one recipient on one instrument, item or goal, in date order."""

    of: str
    name: str
    instrument: Instrument
    goal: str | None = None
    scores: list[tuple[date, float]] = field(default_factory=list)
    prorated: int = 0  # how many scores had missing items filled in by prorating


@dataclass
class _Collector:
    instruments: Mapping[str, Instrument]
    problems: list[Problem] = field(default_factory=list)
    series: dict[tuple[str, str], Series] = field(default_factory=dict)
    goals: dict[str, int] = field(default_factory=dict)

    def add(self, of: str, name: str, instrument: Instrument, goal: str | None) -> Series:
        key = (of, name)
        if key not in self.series:
            self.series[key] = Series(of=of, name=name, instrument=instrument, goal=goal)
        return self.series[key]


def case_instruments(case: Case) -> tuple[dict[str, Instrument], list[Problem]]:
    """The shipped instruments plus the case's own, or the problem with its definitions."""
    try:
        return build_instruments(case.instruments), []
    except OutcomesError as error:
        return build_instruments(()), [Problem("instruments", str(error))]


# Validation reads every series to check it, and the assessment reads them again: the series
# of each case still alive are kept, by identity (a Case is frozen), so that work is done once.
_KNOWN: dict[int, tuple[weakref.ref[Case], list[Series], list[Problem]]] = {}


def outcome_series(case: Case) -> tuple[list[Series], list[Problem]]:
    """Every score series in the case, and every problem found on the way."""
    key = id(case)
    known = _KNOWN.get(key)
    if known is None or known[0]() is not case:
        series, problems = _outcome_series(case)
        known = (weakref.ref(case, _forget(key)), series, problems)
        _KNOWN[key] = known
    return list(known[1]), list(known[2])


def _forget(key: int) -> Callable[[weakref.ref[Case]], None]:
    def forget(_: weakref.ref[Case]) -> None:  # called as the case is freed
        _KNOWN.pop(key, None)

    return forget


def _outcome_series(case: Case) -> tuple[list[Series], list[Problem]]:
    instruments, problems = case_instruments(case)
    collector = _Collector(instruments=instruments, problems=problems)
    for index, entry in enumerate(case.outcomes):
        _collect_entry(collector, case, entry, f"outcomes[{index}]")
    for series in collector.series.values():
        series.scores.sort(key=lambda score: score[0])
    return list(collector.series.values()), collector.problems


def person_series(case: Case) -> list[PersonSeries]:
    """Every score series in the case that could be read, in the form the outcomes package
    plots and reports (a web page draws the trajectories from these)."""
    return [
        PersonSeries(
            person=s.of,
            series_id=s.name,
            instrument=s.instrument,
            goal=s.goal,
            scores=list(s.scores),
        )
        for s in outcome_series(case)[0]
    ]


def _collect_entry(collector: _Collector, case: Case, entry: OutcomeSeries, path: str) -> None:
    recipient = case.participant(entry.of)
    if recipient is None or recipient.role != "recipient":
        collector.problems.append(
            Problem(
                f"{path}.of",
                f"got {entry.of!r}; expected the id of a recipient ({_ids(case, 'recipient')})",
            )
        )
        return
    instrument = resolve_series(entry.instrument, collector.instruments)
    if instrument is None:
        known = ", ".join(sorted(collector.instruments))
        collector.problems.append(
            Problem(
                f"{path}.instrument",
                f"got {entry.instrument!r}; expected a known "
                f"instrument ({known}) or one defined under `instruments`",
            )
        )
        return
    if not _goal_fits(collector, entry, instrument, path):
        return
    name = _series_name(collector, entry, instrument)
    if instrument.scoring == "per_goal" and collector.goals[entry.of] > MAX_GOALS:
        message = (
            f"a person has one to {MAX_GOALS} goals; this would be goal "
            f"{collector.goals[entry.of]} for {entry.of!r}"
        )
        collector.problems.append(Problem(path, message))
        return
    for index, score in enumerate(entry.scores):
        _collect_score(collector, entry, instrument, name, score, f"{path}.scores[{index}]")


def _goal_fits(
    collector: _Collector, entry: OutcomeSeries, instrument: Instrument, path: str
) -> bool:
    per_goal = instrument.scoring == "per_goal"
    if per_goal and entry.goal is None:
        message = "required for goal-based outcomes: the goal, in the person's own words"
        collector.problems.append(Problem(f"{path}.goal", message))
        return False
    if not per_goal and entry.goal is not None:
        message = f"a goal belongs only to a goal-based series (`instrument: {GOAL_BASED}`)"
        collector.problems.append(Problem(f"{path}.goal", message))
        return False
    return True


def _series_name(collector: _Collector, entry: OutcomeSeries, instrument: Instrument) -> str:
    if instrument.scoring != "per_goal":
        return entry.instrument
    count = collector.goals.get(entry.of, 0) + 1
    collector.goals[entry.of] = count
    return f"{entry.instrument}.{count}"


def _collect_score(
    collector: _Collector,
    entry: OutcomeSeries,
    instrument: Instrument,
    name: str,
    score: Score,
    path: str,
) -> None:
    values, prorated = _score_values(collector, instrument, name, score, path)
    for series_name, value in values.items():
        series_instrument = resolve_series(series_name, collector.instruments) or instrument
        if not series_instrument.low <= value <= series_instrument.high:
            collector.problems.append(
                Problem(
                    f"{path}.value",
                    f"got {value:.6g}; expected a score from {series_instrument.low:g} to "
                    f"{series_instrument.high:g} on {series_name}",
                )
            )
            continue
        series = collector.add(entry.of, series_name, series_instrument, entry.goal)
        series.scores.append((score.date, value))
        series.prorated += prorated


def _score_values(
    collector: _Collector, instrument: Instrument, name: str, score: Score, path: str
) -> tuple[dict[str, float], bool]:
    """The score(s) one entry gives, and whether prorating filled in missing items."""
    try:
        if score.items is not None:
            if instrument.scoring == "per_item":
                return dict(
                    score_item_series(instrument, _answered(instrument, score.items))
                ), False
            scored = score_responses(instrument, score.items)
            return {name: scored.value}, scored.prorated
    except ScoringError as error:
        where = f"{path}.items" if error.item_index is None else f"{path}.items[{error.item_index}]"
        collector.problems.append(Problem(where, str(error)))
        return {}, False
    if instrument.scoring == "per_item":
        message = (
            f"{instrument.id} has no total; give the four `items`, or name one item "
            f"as its own series (e.g. `{instrument.item_series[0].id}`)"
        )
        collector.problems.append(Problem(f"{path}.value", message))
        return {}, False
    return ({} if score.value is None else {name: score.value}), False


def _answered(instrument: Instrument, items: list[int | float | None]) -> list[int | float]:
    missing = [index for index, item in enumerate(items) if item is None]
    if missing:
        message = f"got null; {instrument.id} needs an answer to every item"
        raise ScoringError(message, item_index=missing[0])
    return [item for item in items if item is not None]


def _ids(case: Case, role: str) -> str:
    return ", ".join(p.id for p in case.participants if p.role == role) or "none"
