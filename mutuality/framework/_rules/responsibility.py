"""Responsibility: the professional's duty of care, above what the law requires."""

from __future__ import annotations

from collections.abc import Iterator

from .._facts import Facts
from .._findings import Raised, rule
from .._model import Participant
from .._types import spoken_date


@rule(
    "responsibility.burden_high",
    severity="concern",
    basis="Expecting co-production can become an extra burden on a more vulnerable person.",
)
def burden_high(facts: Facts) -> Iterator[Raised]:
    for p in facts.case.recipients:
        if p.vulnerability == "high":
            yield Raised(
                "concern",
                f"{p.called} is highly vulnerable just now; co-producing may be a burden.",
                (
                    f"Ask {p.called} what they can take on now, and offer a lighter share of "
                    "the work, or a pause, without any loss of service.",
                    "Discuss in supervision whether to go on as planned.",
                ),
                concerns=(p.id,),
                evidence={"vulnerability": "high"},
            )


@rule(
    "responsibility.burden_unassessed",
    severity="advisory",
    basis="Professionals stay sensitive to the diversity in people's capabilities.",
)
def burden_unassessed(facts: Facts) -> Iterator[Raised]:
    for p in facts.case.recipients:
        if p.recipient_vulnerability == "not_assessed":
            yield Raised(
                "advisory",
                f"Nobody has yet considered whether co-producing could be a burden for {p.called}.",
                (f"Consider with {p.called} how vulnerable they are just now, and record it.",),
                concerns=(p.id,),
            )


def _decline_answers(facts: Facts, recipient: Participant) -> set[str]:
    # The recipient's own answer and every professional's speak to this recipient.
    speakers = [recipient, *facts.case.professionals]
    return {a for p in speakers if (a := facts.answer_of(p, "can_decline")) is not None}


@rule(
    "responsibility.not_optional",
    severity="concern",
    basis="Co-production must be something a person can say no to, or leave, without "
    "losing any help.",
)
def not_optional(facts: Facts) -> Iterator[Raised]:
    for p in facts.case.recipients:
        answered_no = "no" in _decline_answers(facts, p)
        if p.can_decline_freely is False or answered_no:
            yield Raised(
                "concern",
                f"{p.called} may not be able to say no to this way of working, or stop it, "
                "without losing help.",
                (
                    f"Make sure {p.called} can decline or leave the co-produced work with no "
                    "loss of service, and tell them so in writing.",
                ),
                concerns=(p.id,),
                evidence={"can_decline_freely": p.can_decline_freely, "answered_no": answered_no},
            )


@rule(
    "responsibility.decline_unknown",
    severity="advisory",
    basis="Whether a person can freely decline must be known, not assumed.",
)
def decline_unknown(facts: Facts) -> Iterator[Raised]:
    for p in facts.case.recipients:
        if p.can_decline_freely is None and not _decline_answers(facts, p) & {"yes", "no"}:
            yield Raised(
                "advisory",
                f"It is not known whether {p.called} could say no, or stop, without losing help.",
                (
                    f"Check, and tell {p.called}, whether they can decline or leave without "
                    "losing any service.",
                ),
                concerns=(p.id,),
            )


@rule(
    "responsibility.adjustments_missing",
    severity="advisory",
    basis="Removing barriers to people helping each other includes meeting access needs.",
)
def adjustments_missing(facts: Facts) -> Iterator[Raised]:
    for p in facts.case.recipients:
        if p.access_needs and not p.adjustments:
            yield Raised(
                "advisory",
                f"{p.called} has access needs ({'; '.join(p.access_needs)}) and no "
                "adjustments are recorded.",
                (f"Agree adjustments with {p.called} and record them.",),
                concerns=(p.id,),
                evidence={"access_needs": list(p.access_needs)},
            )


@rule(
    "responsibility.expertise_tradeoff",
    severity="advisory",
    basis="Co-production can cost a person the benefit of professional expertise, such as "
    "limited re-parenting in schema therapy.",
)
def expertise_tradeoff(facts: Facts) -> Iterator[Raised]:
    methods = facts.case.approach.professional_led_methods
    if methods:
        yield Raised(
            "advisory",
            f"Some methods rely on the professional's role ({'; '.join(methods)}); "
            "co-producing them could lose their benefit.",
            ("Agree together which parts of the work stay professional-led, and why.",),
            evidence={"professional_led_methods": list(methods)},
        )


@rule(
    "responsibility.resources_unreviewed",
    severity="advisory",
    basis="Co-production may not always be an efficient use of resources.",
)
def resources_unreviewed(facts: Facts) -> Iterator[Raised]:
    if facts.case.approach.resource_review == "not_done":
        yield Raised(
            "advisory",
            "Nobody has compared the cost of this way of working with the alternatives.",
            (
                "Compare the time and money this way of working takes with the usual "
                "approach, and record the result.",
            ),
        )


@rule(
    "responsibility.resources_unjustified",
    severity="concern",
    basis="Resources should be used well; a costlier approach needs a reason.",
)
def resources_unjustified(facts: Facts) -> Iterator[Raised]:
    if facts.case.approach.resource_review == "costlier_unjustified":
        yield Raised(
            "concern",
            "This way of working costs more than the alternatives, "
            "without a reason that justifies it.",
            (
                "Justify the extra cost, reduce it, or consider another model of "
                "helping with others.",
            ),
        )


@rule(
    "responsibility.outcome_plan_missing",
    severity="advisory",
    basis="Short-, medium- and long-term outcomes are uncertain, so they must be measured.",
)
def outcome_plan_missing(facts: Facts) -> Iterator[Raised]:
    if not facts.case.approach.outcome_plan and not facts.case.outcomes:
        yield Raised(
            "advisory",
            "There is no plan for measuring whether this work helps.",
            (
                "Choose, together, a wellbeing measure (for example PHQ-9, WHO-5 or "
                "goals in the person's own words) and when to use it.",
            ),
        )


@rule(
    "responsibility.disclosure_unjustified",
    severity="concern",
    basis="Self-disclosure is for when it appears to be in the person's best interests.",
)
def disclosure_unjustified(facts: Facts) -> Iterator[Raised]:
    for d in facts.case.disclosures:
        if not (d.rationale or "").strip():
            yield Raised(
                "concern",
                f"{facts.called(d.by)} shared something personal ({d.about}) on {spoken_date(d.date)} with no "
                "reason recorded.",
                (
                    "Record why the disclosure was in the person's best interests, and "
                    "discuss it in supervision.",
                ),
                concerns=(d.by,),
                evidence={"date": str(d.date), "about": d.about},
            )


@rule(
    "responsibility.vulnerabilities_unshared",
    severity="advisory",
    basis="The professional leads in communicating vulnerabilities and the realities of change.",
)
def vulnerabilities_unshared(facts: Facts) -> Iterator[Raised]:
    for p in facts.case.recipients:
        if facts.answer_of(p, "vulnerabilities_shared") == "no":
            yield Raised(
                "advisory",
                f"{p.called} says the professional has not been open about their limits "
                "or about what change involves.",
                (
                    "The professional talks openly about their own limits and about "
                    "what change realistically involves.",
                ),
                concerns=(p.id,),
            )
