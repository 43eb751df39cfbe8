"""Reading outcome scores from CSV: `person,instrument,date,score` (and `goal` for GBO).

Every problem names the line and the column, so a person can correct the
spreadsheet the file came from. All problems are collected, not just the first.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from mutuality.outcomes._change import DatedScore
from mutuality.outcomes._instrument import Instrument
from mutuality.outcomes._registry import resolve_series
from mutuality.outcomes.exceptions import OutcomesError

REQUIRED_COLUMNS = ("person", "instrument", "date", "score")
OPTIONAL_COLUMNS = ("goal",)
MAX_PROBLEMS_SHOWN = 20
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class PersonSeries:
    """One person's scores on one instrument, item or goal, in date order."""

    person: str
    series_id: str
    instrument: Instrument
    goal: str | None = None
    scores: list[DatedScore] = field(default_factory=list)


class ScoresFileError(OutcomesError):
    """A scores file has problems; each names its line and column."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        lines = [f"{source}: {p}" for p in shown]
        if more:
            lines.append(f"{source}: … and {more} more problems")
        super().__init__("\n".join(lines))


@dataclass
class _Reader:
    instruments: Mapping[str, Instrument]
    problems: list[str] = field(default_factory=list)
    series: dict[tuple[str, str, str], PersonSeries] = field(default_factory=dict)
    goals: dict[str, list[str]] = field(default_factory=dict)

    def problem(self, line: int, column: str, message: str) -> None:
        self.problems.append(f"line {line}, column {column}: {message}")


def read_scores_csv(
    text: str, source: str, instruments: Mapping[str, Instrument]
) -> list[PersonSeries]:
    """Parse a scores CSV into series per person and instrument (goals numbered per person).

    Raises:
        ScoresFileError: the header or any row is wrong; nothing is returned then.
    """
    reader = _Reader(instruments)
    # newline="" lets the csv module see every line ending (\n, \r\n and a lone \r,
    # as old spreadsheets write) and line breaks inside quoted cells.
    rows = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header = next(rows, None)
    except csv.Error as error:
        raise ScoresFileError(source, [f"line {rows.line_num}: cannot read it: {error}"]) from None
    columns = _columns(header, source)
    for line, row in _numbered_rows(rows, reader):
        if any(cell.strip() for cell in row):
            _read_row(reader, line, dict(zip(columns, row, strict=False)), len(row), len(columns))
    if reader.problems:
        raise ScoresFileError(source, reader.problems)
    if not reader.series:
        raise ScoresFileError(source, ["there are no scores after the header"])
    for series in reader.series.values():
        series.scores.sort(key=lambda score: score[0])
    return list(reader.series.values())


def _numbered_rows(rows: Iterator[list[str]], reader: _Reader) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on (a quoted cell may hold line breaks)."""
    line_num = getattr(rows, "line_num", 0)
    while True:
        start = line_num + 1
        try:
            row = next(rows)
        except StopIteration:
            return
        except csv.Error as error:
            # The csv module cannot go on after this (an over-long cell, say).
            reader.problem(start, "*", f"cannot read the row: {error}")
            return
        line_num = getattr(rows, "line_num", line_num + 1)
        yield start, row


def _columns(header: list[str] | None, source: str) -> list[str]:
    if header is None:
        raise ScoresFileError(
            source, ["the file is empty; expected the header person,instrument,date,score"]
        )
    columns = [name.strip().lower() for name in header]
    problems = [
        f"line 1: the column {name!r} is missing"
        for name in REQUIRED_COLUMNS
        if name not in columns
    ]
    allowed = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    problems += [
        f"line 1, column {i + 1}: unknown column {name!r}; expected {', '.join(allowed)}"
        for i, name in enumerate(columns)
        if name not in allowed
    ]
    if len(set(columns)) != len(columns):
        problems.append("line 1: a column name appears twice")
    if problems:
        raise ScoresFileError(source, problems)
    return columns


def _read_row(reader: _Reader, line: int, cells: dict[str, str], width: int, expected: int) -> None:
    if width != expected:
        reader.problem(line, "*", f"got {width} cells; expected {expected}, one per column")
        return
    person = cells["person"].strip()
    if not person:
        reader.problem(line, "person", "empty; expected who the score belongs to")
    instrument = _instrument(reader, line, cells["instrument"].strip())
    when = _date(reader, line, cells["date"].strip())
    goal = (cells.get("goal") or "").strip() or None
    if instrument is None or when is None or not person:
        return
    value = _score(reader, line, cells["score"].strip(), instrument)
    if value is not None and _goal_fits(reader, line, instrument, goal):
        _series_for(reader, person, cells["instrument"].strip(), instrument, goal).scores.append(
            (when, value)
        )


def _instrument(reader: _Reader, line: int, name: str) -> Instrument | None:
    instrument = resolve_series(name, reader.instruments)
    if instrument is None or instrument.scoring == "per_item":
        known = ", ".join(sorted(_series_names(reader.instruments)))
        reader.problem(line, "instrument", f"got {name!r}; expected one of: {known}")
        return None
    return instrument


def _series_names(instruments: Mapping[str, Instrument]) -> Iterator[str]:
    for instrument in instruments.values():
        if instrument.scoring == "per_item":
            yield from (item.id for item in instrument.item_series)
        else:
            yield instrument.id


def _date(reader: _Reader, line: int, text: str) -> datetime.date | None:
    try:
        if _DATE.fullmatch(text):
            return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    reader.problem(line, "date", f"got {text!r}; expected a real date as YYYY-MM-DD")
    return None


def _score(reader: _Reader, line: int, text: str, instrument: Instrument) -> float | None:
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not instrument.in_range(value):
        reader.problem(
            line,
            "score",
            f"got {text!r}; expected a number from "
            f"{instrument.low:g} to {instrument.high:g} ({instrument.id})",
        )
        return None
    return int(value) if value.is_integer() else value


def _goal_fits(reader: _Reader, line: int, instrument: Instrument, goal: str | None) -> bool:
    if instrument.scoring == "per_goal" and goal is None:
        reader.problem(
            line, "goal", "empty; a goal-based score needs the goal, in the person's own words"
        )
        return False
    if instrument.scoring != "per_goal" and goal is not None:
        reader.problem(
            line, "goal", f"a goal belongs only to goal-based scores, not {instrument.id}"
        )
        return False
    return True


def _series_for(
    reader: _Reader, person: str, name: str, instrument: Instrument, goal: str | None
) -> PersonSeries:
    series_id = name
    if goal is not None:
        goals = reader.goals.setdefault(person, [])
        if goal not in goals:
            goals.append(goal)
        series_id = f"{instrument.id}.{goals.index(goal) + 1}"
    key = (person, series_id, goal or "")
    if key not in reader.series:
        reader.series[key] = PersonSeries(person, series_id, instrument, goal)
    return reader.series[key]


def series_by_person(series: Iterable[PersonSeries]) -> dict[str, list[PersonSeries]]:
    """Group series by person, keeping their order."""
    people: dict[str, list[PersonSeries]] = {}
    for one in series:
        people.setdefault(one.person, []).append(one)
    return people
