"""Responsibility: the professional's duty of care, above what the law requires."""

from __future__ import annotations

from collections.abc import Iterator

from .._facts import Facts
from .._findings import Raised, asker, rule, said
from .._model import Participant
from .._translation import gettext_noop
from .._wording import SUPERVISOR


@rule(
    "responsibility.burden_high",
    severity="concern",
    basis="Expecting co-production can become an extra burden on a more vulnerable person.",
)
def burden_high(facts: Facts) -> Iterator[Raised]:
    for p in facts.case.recipients:
        if p.vulnerability == "high":
            yield said(
                facts,
                "concern",
                gettext_noop(
                    "{who} {who:is|are} highly vulnerable just now; co-producing may be a burden."
                ),
                (
                    (
                        asker(facts, p.id),
                        gettext_noop(
                            "Ask {who} what {who:they|you|they} can take on now, and offer a "
                            "lighter share of the work, or a pause, without any loss of service."
                        ),
                    ),
                    (
                        "supervision",
                        gettext_noop("Discuss in supervision whether to go on as planned."),
                    ),
                ),
                who={"who": (p.id,)},
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
            yield said(
                facts,
                "advisory",
                gettext_noop(
                    "Nobody has yet considered whether co-producing could be a burden for {who}."
                ),
                (
                    (
                        asker(facts, p.id),
                        gettext_noop(
                            "Consider with {who} how vulnerable {who:they are|you are|they are} "
                            "just now, and record it."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
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
            yield said(
                facts,
                "concern",
                gettext_noop(
                    "{who} may not be able to say no to this way of working, or stop it, "
                    "without losing help."
                ),
                (
                    (
                        asker(facts, p.id),
                        gettext_noop(
                            "Make sure {who} can decline or leave the co-produced work with no "
                            "loss of service, and tell {who:them|you|them} so in writing."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
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
            yield said(
                facts,
                "advisory",
                gettext_noop(
                    "It is not known whether {who} could say no, or stop, without losing help."
                ),
                (
                    (
                        asker(facts, p.id),
                        gettext_noop(
                            "Check, and tell {who}, whether {who:they|you|they} can decline or "
                            "leave without losing any service."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
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
            yield said(
                facts,
                "advisory",
                gettext_noop(
                    "{who} {who:has|have} access needs ({needs}) and no adjustments are recorded."
                ),
                (
                    (
                        asker(facts, p.id),
                        gettext_noop("Agree adjustments with {who} and record them."),
                    ),
                ),
                who={"who": (p.id,)},
                what={"needs": "; ".join(p.access_needs)},
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
        yield said(
            facts,
            "advisory",
            gettext_noop(
                "Some methods rely on the professional's role ({methods}); "
                "co-producing them could lose their benefit."
            ),
            (
                (
                    "both",
                    gettext_noop(
                        "Agree together which parts of the work stay professional-led, and why."
                    ),
                ),
            ),
            what={"methods": "; ".join(methods)},
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
            gettext_noop(
                "Nobody has compared the cost of this way of working with the alternatives."
            ),
            (
                gettext_noop(
                    "Compare the time and money this way of working takes with the usual "
                    "approach, and record the result."
                ),
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
            gettext_noop(
                "This way of working costs more than the alternatives, "
                "without a reason that justifies it."
            ),
            (
                gettext_noop(
                    "Justify the extra cost, reduce it, or consider another model of "
                    "helping with others."
                ),
            ),
        )


@rule(
    "responsibility.outcome_plan_missing",
    severity="advisory",
    basis="Short-, medium- and long-term outcomes are uncertain, so they must be measured.",
)
def outcome_plan_missing(facts: Facts) -> Iterator[Raised]:
    if not facts.case.approach.outcome_plan and not facts.case.outcomes:
        yield said(
            facts,
            "advisory",
            gettext_noop("There is no plan for measuring whether this work helps."),
            (
                (
                    "both",
                    gettext_noop(
                        "Choose, together, a wellbeing measure (for example PHQ-9, WHO-5 or "
                        "goals in the person's own words) and when to use it."
                    ),
                ),
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
            yield said(
                facts,
                "concern",
                gettext_noop(
                    "{who} shared something personal ({about}) on {date} with no reason recorded."
                ),
                (
                    (
                        (d.by, SUPERVISOR),
                        gettext_noop(
                            "Record why the disclosure was in the person's best interests, and "
                            "discuss it in supervision."
                        ),
                    ),
                ),
                who={"who": (d.by,)},
                what={"about": d.about},
                when={"date": d.date},
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
            yield said(
                facts,
                "advisory",
                gettext_noop(
                    "{who} {who:says|say} the professional has not been open about their limits "
                    "or about what change involves."
                ),
                (
                    (
                        "professional",
                        gettext_noop(
                            "The professional talks openly about their own limits and about "
                            "what change realistically involves."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
                concerns=(p.id,),
            )
