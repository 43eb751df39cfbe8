"""Integrity: honest costs and benefits, power and money in the open, and real change."""

from __future__ import annotations

from collections.abc import Iterator

from .._facts import Facts, Outcome
from .._findings import Raised, Severity, asker, rule, said
from .._translation import gettext_noop

_SEDUCTION = gettext_noop(
    "Co-production could act as a seduction, a promise of change without real change; "
    "the professional evidences positive change in the person's wellbeing."
)


def _improved(outcomes: list[Outcome]) -> bool:
    return any(o.change.change == "reliable_improvement" for o in outcomes)


def _span_reached(outcomes: list[Outcome], days: int) -> bool:
    return any(o.change.n_scores >= 2 and o.change.days >= days for o in outcomes)


@rule(
    "integrity.costs_benefits_unstated",
    severity="advisory / concern",
    basis="Professionals explicitly communicate the likely costs and benefits to both parties.",
)
def costs_benefits_unstated(facts: Facts) -> Iterator[Raised]:
    contract = facts.case.contract
    if contract is None:
        return
    stated = {c.party for c in contract.costs_and_benefits if c.costs and c.benefits}
    for p in facts.case.participants:
        if p.id not in stated:
            yield said(
                facts,
                facts.stage_severity("advisory", "concern"),
                gettext_noop(
                    "The contract does not say what this may cost {who} and what "
                    "{who:they|you|they} may gain."
                ),
                (
                    (
                        asker(facts, p.id),
                        gettext_noop(
                            "Write down, with {who}, the likely costs and benefits for "
                            "{who:them|you|them}."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
                concerns=(p.id,),
            )


@rule(
    "integrity.costs_benefits_uncommunicated",
    severity="advisory / concern",
    basis="Costs and benefits are communicated to both people explicitly, and understood.",
)
def costs_benefits_uncommunicated(facts: Facts) -> Iterator[Raised]:
    contract = facts.case.contract
    not_told = {
        p.id
        for p in facts.case.participants
        if contract is not None and p.id not in contract.communicated_to
    }
    unclear = set(facts.answered("costs_understood", "no")) | set(
        facts.answered("benefits_understood", "no")
    )
    for p in facts.case.participants:
        if p.id in not_told or p.id in unclear:
            why = (
                gettext_noop("{who} {who:has|have} not had the costs and benefits explained.")
                if p.id in not_told
                else gettext_noop(
                    "{who} {who:says|say} {who:they do|you do|they do} not understand what this "
                    "may cost or give {who:them|you|them}."
                )
            )
            yield said(
                facts,
                facts.stage_severity("advisory", "concern"),
                why,
                (
                    (
                        asker(facts, p.id),
                        gettext_noop(
                            "Go through the costs and benefits with {who}, in plain words, "
                            "and check they make sense to {who:them|you|them}."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
                concerns=(p.id,),
                evidence={"not_told": p.id in not_told, "answered_not_understood": p.id in unclear},
            )


def _payment_kinds(facts: Facts) -> dict[str, frozenset[str]]:
    contract = facts.case.contract
    if contract is None or not contract.payments:
        return {}
    return {
        p.id: frozenset(pay.kind for pay in contract.payments if pay.to == p.id)
        or frozenset({"none"})
        for p in facts.case.participants
    }


@rule(
    "integrity.financial_inequality",
    severity="advisory",
    basis="Any financial inequality between the two people is balanced with the other "
    "inequalities.",
)
def financial_inequality(facts: Facts) -> Iterator[Raised]:
    kinds = _payment_kinds(facts)
    contract = facts.case.contract
    if (
        len(set(kinds.values())) > 1
        and contract
        and not (contract.inequalities_addressed or "").strip()
    ):
        shown = {pid: sorted(k) for pid, k in kinds.items()}
        yield said(
            facts,
            "advisory",
            gettext_noop(
                "People are paid differently for this work, and the contract "
                "does not say how that inequality is balanced."
            ),
            (
                (
                    "both",
                    gettext_noop(
                        "Record how the financial inequality is balanced (for example payment at "
                        "an involvement rate, expenses, benefits advice)."
                    ),
                ),
            ),
            evidence={"payments": shown},
        )
    for pid in facts.answered("payment_fair", "no"):
        yield said(
            facts,
            "advisory",
            gettext_noop("{who} {who:says|say} the money arrangements do not feel fair."),
            (
                (
                    asker(facts, pid),
                    gettext_noop(
                        "Talk with {who} about the money arrangements and what would feel fair."
                    ),
                ),
            ),
            who={"who": (pid,)},
            concerns=(pid,),
        )


@rule(
    "integrity.power_unacknowledged",
    severity="advisory",
    basis="The professional recognises, in their actions, the power difference between "
    "people in professional and other roles.",
)
def power_unacknowledged(facts: Facts) -> Iterator[Raised]:
    contract = facts.case.contract
    if contract is not None and not (contract.power_differential or "").strip():
        yield said(
            facts,
            "advisory",
            gettext_noop(
                "The contract does not say how the power difference between {both} is handled."
            ),
            (
                (
                    "both",
                    gettext_noop(
                        "Talk openly about the power the professional holds, and write down how "
                        "you will handle it."
                    ),
                ),
            ),
            who={"both": tuple(p.id for p in facts.case.participants)},
            # The command line's report speaks to both people at once.
            cli="The contract does not say how the power difference between you is handled.",
        )
    for pid in facts.answered("power_discussed", "no"):
        yield said(
            facts,
            "advisory",
            gettext_noop(
                "{who} {who:says|say} the power difference has not been talked about openly."
            ),
            (
                (
                    "both",
                    gettext_noop(
                        "Talk openly about the power the professional holds, and how it affects "
                        "the work."
                    ),
                ),
            ),
            who={"who": (pid,)},
            concerns=(pid,),
        )


@rule(
    "integrity.multiple_roles",
    severity="concern (advisory once a plan exists)",
    basis="People hold several professional and social roles at once; those roles need "
    "recognising and managing.",
)
def multiple_roles(facts: Facts) -> Iterator[Raised]:
    contract = facts.case.contract
    planned = bool(contract and (contract.multiple_roles_plan or "").strip())
    severity: Severity = "advisory" if planned else "concern"
    action = (
        gettext_noop("Keep to the plan for managing these roles, and review it.")
        if planned
        else gettext_noop(
            "Agree, and write into the contract, how these other roles will be managed."
        )
    )
    for pid, causes in facts.multiple_roles.items():
        yield said(
            facts,
            severity,
            gettext_noop(
                "{who} {who:holds|hold} another role towards someone in this relationship ({roles})."
            ),
            (("both", action),),
            who={"who": (pid,)},
            what={"roles": "; ".join(causes)},
            concerns=(pid,),
            evidence={"roles": list(causes), "plan": planned},
        )
    if "social_relationship" in facts.case.declared_contrast and not facts.multiple_roles:
        yield said(
            facts,
            severity,
            gettext_noop("The relationship is also a social one."),
            (("both", action),),
            evidence={"contrast": "social_relationship", "plan": planned},
        )


@rule(
    "integrity.exit_plan_missing",
    severity="advisory",
    basis="Greater openness lets people abandon false hopes for the relationship, which "
    "needs an agreed way out.",
)
def exit_plan_missing(facts: Facts) -> Iterator[Raised]:
    contract = facts.case.contract
    if contract is not None and not (contract.exit_plan or "").strip():
        yield said(
            facts,
            "advisory",
            gettext_noop(
                "The contract does not say how either {both:or} can end this way of working."
            ),
            (
                (
                    "both",
                    gettext_noop(
                        "Agree how either person can end the co-produced work, and what help "
                        "continues afterwards."
                    ),
                ),
            ),
            who={"both": tuple(p.id for p in facts.case.participants)},
            # The command line's report speaks to both people at once.
            cli="The contract does not say how either of you can end this way of working.",
        )


@rule(
    "integrity.review_overdue",
    severity="advisory",
    basis="A contract made for a situation is reviewed as the situation changes.",
)
def review_overdue(facts: Facts) -> Iterator[Raised]:
    contract = facts.case.contract
    if contract is None or not facts.case.is_running or contract.review_every_days is None:
        return
    since = contract.last_review or facts.case.started
    if since is not None and facts.past(since, contract.review_every_days):
        yield said(
            facts,
            "advisory",
            gettext_noop(
                "The contract was due for review {every} days after {since}, and has not been "
                "reviewed since."
            ),
            (("both", gettext_noop("Review the contract together, and record the date.")),),
            what={"every": contract.review_every_days},
            when={"since": since},
            evidence={
                "since": str(since),
                "days": facts.days_since(since),
                "review_every_days": contract.review_every_days,
            },
        )


@rule("integrity.no_evidence", severity="concern", basis=_SEDUCTION)
def no_evidence(facts: Facts) -> Iterator[Raised]:
    case, after = facts.case, facts.policy.evidence.no_evidence_after_days
    if not case.is_running or case.started is None or not facts.past(case.started, after):
        return
    for p in case.recipients:
        if all(o.change.n_scores < 2 for o in facts.outcomes_of(p.id)):
            yield said(
                facts,
                "concern",
                gettext_noop(
                    "The work started on {started}, more than {after} days ago, and there "
                    "are not yet two scores for {who} on any measure."
                ),
                (
                    (
                        "both",
                        gettext_noop(
                            "Measure {who:'s} wellbeing now and regularly, with a measure you "
                            "chose together."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
                what={"after": after},
                when={"started": case.started},
                concerns=(p.id,),
            )


@rule("integrity.no_reliable_improvement", severity="concern", basis=_SEDUCTION)
def no_reliable_improvement(facts: Facts) -> Iterator[Raised]:
    after = facts.policy.evidence.no_improvement_after_days
    for p in facts.case.recipients:
        outcomes = facts.outcomes_of(p.id)
        if _span_reached(outcomes, after) and not _improved(outcomes):
            yield said(
                facts,
                "concern",
                gettext_noop(
                    "After {after} days or more of measuring, no measure shows reliable "
                    "improvement for {who}: a promise of change without real change."
                ),
                (
                    (
                        "both",
                        gettext_noop("Share the scores openly with each other and in supervision."),
                    ),
                    (
                        "supervision",
                        gettext_noop(
                            "Consider, with others, whether another model of helping would do more "
                            "good."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
                what={"after": after},
                concerns=(p.id,),
                evidence={"series": [o.name for o in outcomes]},
            )


@rule("integrity.deterioration", severity="concern", basis=_SEDUCTION)
def deterioration(facts: Facts) -> Iterator[Raised]:
    for o in facts.outcomes:
        if o.change.change == "reliable_deterioration":
            yield said(
                facts,
                "concern",
                gettext_noop(
                    "{who:'s} scores on {label} have reliably got worse ({first} to {latest})."
                ),
                (
                    (
                        asker(facts, o.of),
                        gettext_noop(
                            "Talk with {who} about how {who:they are|you are|they are}, and check "
                            "{who:their|your|their} safety."
                        ),
                    ),
                    (
                        "supervision",
                        gettext_noop(
                            "Discuss in supervision soon whether this way of working is helping."
                        ),
                    ),
                ),
                who={"who": (o.of,)},
                what={"label": o.label, "first": o.change.first, "latest": o.change.latest},
                concerns=(o.of,),
                evidence={"series": o.name, "first": o.change.first, "latest": o.change.latest},
            )


@rule(
    "integrity.in_name_only",
    severity="advisory / concern",
    basis="A relationship called co-productive in which only the professional decides is "
    "co-productive in name only.",
)
def in_name_only(facts: Facts) -> Iterator[Raised]:
    both = {
        pid: (a["decide_goals"], a["decide_methods"])
        for pid, a in facts.answers.items()
        if "decide_goals" in a and "decide_methods" in a
    }
    roles = {p.role for p in facts.case.participants if p.id in both}
    all_professional = all(pair == ("professional", "professional") for pair in both.values())
    if both and all_professional and roles == {"professional", "recipient"}:
        yield said(
            facts,
            facts.stage_severity("advisory", "concern"),
            gettext_noop(
                "Everyone says the professional decides both the goals and the methods: "
                "the work is co-productive in name only."
            ),
            (
                (
                    "professional",
                    gettext_noop(
                        "Share some of the decisions about goals or methods, or call the work what "
                        "it is."
                    ),
                ),
            ),
            concerns=tuple(sorted(both)),
        )


@rule("integrity.false_hopes", severity="advisory", basis=_SEDUCTION)
def false_hopes(facts: Facts) -> Iterator[Raised]:
    hopeful = facts.answered("expected_change", "a_lot")
    after = facts.policy.evidence.false_hopes_after_days
    if not hopeful:
        return
    for p in facts.case.recipients:
        outcomes = facts.outcomes_of(p.id)
        if _span_reached(outcomes, after) and not _improved(outcomes):
            yield said(
                facts,
                "advisory",
                gettext_noop(
                    "{hopeful} {hopeful:expects|expect|expect} a lot of change, but {who:'s} scores "
                    "do not yet show reliable improvement."
                ),
                (
                    (
                        "both",
                        gettext_noop(
                            "Look at the scores together, so that hopes for the relationship can "
                            "be revised honestly."
                        ),
                    ),
                ),
                who={"hopeful": tuple(hopeful), "who": (p.id,)},
                # The command line's report words it as it always has.
                cli=f"{facts.called_all(hopeful)} expect a lot of change, but {p.called}'s "
                "scores do not yet show reliable improvement.",
                concerns=(p.id,),
                evidence={"expecting_a_lot": hopeful},
            )


@rule("integrity.change_evidenced", severity="info", basis=_SEDUCTION)
def change_evidenced(facts: Facts) -> Iterator[Raised]:
    for o in facts.outcomes:
        if o.change.change == "reliable_improvement":
            yield said(
                facts,
                "info",
                gettext_noop(
                    "{who:'s} scores on {label} show reliable improvement ({first} to {latest})."
                ),
                (),
                who={"who": (o.of,)},
                what={"label": o.label, "first": o.change.first, "latest": o.change.latest},
                concerns=(o.of,),
                evidence={"series": o.name},
            )
