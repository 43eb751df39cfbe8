"""`assess()`: the one place a case becomes an assessment."""

from __future__ import annotations

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
    findings: list[Finding] = []
    for registered in registered_rules():
        # Most rules raise nothing: the loop costs them a call and no more.
        for raised in registered.check(facts):
            findings.append(registered.finding(raised, everyone))
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
    )


def _local_today() -> date:
    # The date where the service is, not in UTC: an assessment "as of today" means local today.
    return datetime.now(UTC).astimezone().date()
