"""The assessment as the days go by: `assess_over_time` says, without being asked again, what
assessing the same case on any later day would say."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from mutuality.framework import Assessment, Case, assess, assess_over_time, load_case

EXAMPLES = sorted((Path(__file__).resolve().parents[3] / "examples").glob("*.yaml"))
START = date(2026, 11, 25)
DAYS = 420  # past every overdue rule of the examples, and the long-term evidence horizon


def _undated(path: Path) -> Case:
    return load_case(path).model_copy(update={"as_of": None})


def _judgement(assessment: Assessment) -> tuple[Any, ...]:
    """Everything a list shows: the recommendation, statuses, level and every finding's words
    (not its evidence, which counts days)."""
    return (
        assessment.recommendation,
        tuple(sorted(assessment.principles.items())),
        assessment.scrutiny.level,
        tuple((f.code, f.severity, f.message, f.concerns) for f in assessment.findings),
    )


def _applying_on(periods: list[tuple[date, Assessment]], day: date) -> Assessment:
    return [assessment for start, assessment in periods if start <= day][-1]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_periods_agree_with_assessing_every_day(path: Path) -> None:
    """On each of 420 days, the period that applies says what assessing that day says."""
    case = _undated(path)

    periods = list(assess_over_time(case, today=START))

    for offset in range(DAYS):
        day = START + timedelta(days=offset)
        assert _judgement(_applying_on(periods, day)) == _judgement(assess(case, today=day)), day


def test_an_untouched_active_relationship_falls_overdue_on_the_day() -> None:
    """Supervision falls overdue the day after its interval and becomes a concern the day after
    twice that interval."""
    case = _undated(EXAMPLES[0]).model_copy(update={"stage": "active", "started": date(2026, 1, 5)})
    scrutiny = case.scrutiny.model_copy(update={"last_supervision": START})
    case = case.model_copy(update={"scrutiny": scrutiny})
    interval = assess(case, today=START).scrutiny.supervision_every_days

    periods = list(assess_over_time(case, today=START))

    overdue = [
        (start, f.severity)
        for start, a in periods
        for f in a.findings
        if f.code == "competence.supervision_overdue"
    ]
    assert overdue == [
        (START + timedelta(days=interval + 1), "advisory"),
        (START + timedelta(days=2 * interval + 1), "concern"),
    ]


def test_a_case_that_fixes_its_date_has_one_period() -> None:
    """A case with its own `as_of` is judged on that day for ever: one period, no next change."""
    case = load_case(EXAMPLES[0])

    periods = list(assess_over_time(case, today=START + timedelta(days=400)))

    assert len(periods) == 1
    assert periods[0][1].next_change is None
    assert periods[0][1].as_of == case.as_of
