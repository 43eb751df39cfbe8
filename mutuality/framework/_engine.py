"""`assess()`: the one place a case becomes an assessment."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

from ._assessment import Assessment, principle_status, recommend
from ._facts import build_facts
from ._findings import PRINCIPLES, Finding, registered_rules
from ._model import Case
from ._policy import DEFAULT_POLICY, Policy


def assess(case: Case, *, policy: Policy = DEFAULT_POLICY, today: date | None = None) -> Assessment:
    """Assess one relationship principle by principle.

    Args:
        case: a validated case (see `load_case` and `validate_case`).
        policy: the scrutiny and evidence numbers; the framework's by default.
        today: the date to use when the case has no `as_of` (defaults to today).

    Returns:
        The assessment: recommendation, principle statuses, scrutiny, findings sorted
        most severe first, divergent answers and outcome classifications.
    """
    # The clock is only read when it matters: a case with its own `as_of` does not need it.
    facts = build_facts(case, policy, today or case.as_of or _local_today())
    everyone = tuple(p.id for p in case.participants)
    professionals = tuple(p.id for p in case.professionals)
    findings: list[Finding] = []
    for registered in registered_rules():
        # Most rules raise nothing: the loop costs them a call and no more.
        for raised in registered.check(facts):
            findings.append(registered.finding(raised, everyone, professionals))
    findings.sort(key=Finding.sort_key)
    return Assessment(
        title=case.title,
        as_of=facts.as_of,
        stage=case.stage,
        recommendation=recommend(findings),
        principles={p: principle_status(findings, p) for p in PRINCIPLES},
        scrutiny=facts.scrutiny,
        findings=tuple(findings),
        divergences=facts.divergences,
        outcomes=facts.outcomes,
        # A case that fixes its own date is judged on that date for ever.
        next_change=None if case.as_of else min(facts.turning_points, default=None),
        names={p.id: p.name for p in case.participants if p.name},
    )


MAX_PERIODS = 24
"""How far `assess_over_time` looks ahead: enough for every overdue rule to turn (each turns
once or twice), with room to spare, and a bound whatever a policy says."""


def assess_over_time(
    case: Case, *, policy: Policy = DEFAULT_POLICY, today: date | None = None
) -> Iterator[tuple[date, Assessment]]:
    """The case's assessment today, then each later one that differs as the days go by.

    Yields (the first day it applies, the assessment as of that day); each applies until the
    next one begins, and the last for as long as the case stays as it is. Stored this way, a
    list read on any later day shows what assessing the case that day would, without
    anyone assessing it again.
    """
    day: date | None = today or _local_today()
    for _ in range(MAX_PERIODS):
        if day is None:
            return
        assessment = assess(case, policy=policy, today=day)
        yield day, assessment
        day = assessment.next_change


def _local_today() -> date:
    # The date where the service is, not in UTC: an assessment "as of today" means local today.
    return datetime.now(UTC).astimezone().date()
