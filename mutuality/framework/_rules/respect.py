"""Respect: two adults with capacity, informed consent, a contract made for the situation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .._facts import Facts
from .._findings import Raised, Severity, asker, rule, said
from .._translation import gettext_noop

_ANOTHER_MODEL = gettext_noop(
    "Consider, with others (supervisor, team, ethics forum), another model of helping for this work."
)
_CONTRACT_CONTENTS = (
    gettext_noop(
        "Agree a psychological contract that both people sign up to, made for this situation."
    ),
    gettext_noop(
        "In it, set out what the work may cost and give each person, and explain it to each of them."
    ),
    gettext_noop("Say who is paid what, and how any financial inequality is balanced."),
    gettext_noop("Name the power difference between you and how you will handle it."),
    gettext_noop("Agree how either person can end the work, and how often you will review it."),
)


@rule(
    "respect.capacity_lacking",
    severity="contraindication",
    basis="Co-production rests on two adults who each have capacity for the decisions they "
    "share; where one lacks it, decisions are made in their best interests instead.",
)
def capacity_lacking(facts: Facts) -> Iterator[Raised]:
    for p in facts.case.participants:
        if p.capacity == "lacks":
            yield said(
                facts,
                "contraindication",
                gettext_noop(
                    "Co-production seems less suitable here: {who} {who:is|are} recorded as lacking "
                    "capacity for the decisions this work would share."
                ),
                (
                    ("professional", _ANOTHER_MODEL),
                    (
                        "professional",
                        gettext_noop(
                            "Or narrow the co-produced work, with others, to decisions {who} "
                            "{who:has|have} capacity for, then record {who:'s} capacity for the "
                            "narrowed work as `has`."
                        ),
                        gettext_noop(
                            "Or narrow the co-produced work, with others, to decisions {who} "
                            "{who:has|have} capacity for, then record that {who} {who:has|have} "
                            "capacity for the narrowed work."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
                concerns=(p.id,),
                evidence={"capacity": p.capacity},
            )


@rule(
    "respect.capacity_fluctuating",
    severity="concern",
    basis="Shared decisions need capacity at the time they are made; when capacity comes and "
    "goes, which decisions are shared must be agreed and capacity checked each time.",
)
def capacity_fluctuating(facts: Facts) -> Iterator[Raised]:
    for p in facts.case.participants:
        if p.capacity == "fluctuating":
            yield said(
                facts,
                "concern",
                gettext_noop("{who:'s} capacity for the shared decisions comes and goes."),
                (
                    ("both", gettext_noop("Agree which decisions are shared and which are not.")),
                    (
                        asker(facts, p.id),
                        gettext_noop(
                            "Check {who:'s} capacity each time a shared decision is made, and "
                            "record it."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
                concerns=(p.id,),
                evidence={"capacity": p.capacity},
            )


@rule(
    "respect.capacity_uncertain",
    severity="advisory",
    basis="Capacity is presumed unless there is reason to doubt it; when there is doubt, it "
    "should be assessed for the decisions in scope.",
)
def capacity_uncertain(facts: Facts) -> Iterator[Raised]:
    for p in facts.case.participants:
        if p.capacity == "uncertain":
            yield said(
                facts,
                "advisory",
                gettext_noop(
                    "It is not clear whether {who} {who:has|have} capacity for the shared decisions."
                ),
                (
                    (
                        asker(facts, p.id),
                        gettext_noop(
                            "Assess {who:'s} capacity for the decisions this work would share, and "
                            "record the result; otherwise capacity is presumed."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
                concerns=(p.id,),
                evidence={"capacity": p.capacity},
            )


@dataclass(frozen=True)
class _Context:
    """A situation that makes co-production less suitable, each sentence whole."""

    message: str
    eased: str
    """The message when the co-produced parts are agreed, with others, to lie outside it."""
    narrowed: str
    """The action that co-produces only the parts outside it."""


def _context_rule(facts: Facts, flag: str, words: _Context) -> Iterator[Raised]:
    context = facts.case.context
    if not getattr(context, flag):
        return
    eased = context.coproduced_elements_outside and facts.consultation_recorded
    severity: Severity = "concern" if eased else "contraindication"
    yield Raised(
        severity,
        words.eased if eased else words.message,
        (_ANOTHER_MODEL, words.narrowed),
        evidence={
            flag: True,
            "coproduced_elements_outside": context.coproduced_elements_outside,
            "consultation_recorded": facts.consultation_recorded,
        },
    )


@rule(
    "respect.best_interests",
    severity="contraindication (concern when the co-produced "
    "elements lie outside it and a consultation is recorded)",
    basis="Where decisions are made in a person's best interests, the adult-to-adult "
    "relationship co-production needs is not there for those decisions.",
)
def best_interests(facts: Facts) -> Iterator[Raised]:
    yield from _context_rule(
        facts,
        "best_interests",
        _Context(
            gettext_noop(
                "Co-production seems less suitable where decisions are being made in someone's "
                "best interests."
            ),
            gettext_noop(
                "Co-production seems less suitable where decisions are being made in someone's "
                "best interests. The co-produced parts have been agreed, with others, to lie "
                "outside the best-interests decisions; keep checking that they do."
            ),
            gettext_noop(
                "Or co-produce only the parts of the work that lie outside the best-interests "
                "decisions, agreed with others and recorded as a consultation."
            ),
        ),
    )


@rule(
    "respect.compulsory",
    severity="contraindication (concern when the co-produced "
    "elements lie outside it and a consultation is recorded)",
    basis="Compulsory elements of treatment cannot be freely chosen by both people, so "
    "co-producing them seems less suitable.",
)
def compulsory(facts: Facts) -> Iterator[Raised]:
    yield from _context_rule(
        facts,
        "compulsory",
        _Context(
            gettext_noop(
                "Co-production seems less suitable where there are compulsory elements of "
                "treatment."
            ),
            gettext_noop(
                "Co-production seems less suitable where there are compulsory elements of "
                "treatment. The co-produced parts have been agreed, with others, to lie outside "
                "the compulsory elements; keep checking that they do."
            ),
            gettext_noop(
                "Or co-produce only the parts of the work that lie outside the compulsory "
                "elements, agreed with others and recorded as a consultation."
            ),
        ),
    )


@rule(
    "respect.court_ordered",
    severity="contraindication (concern when the co-produced "
    "elements lie outside it and a consultation is recorded)",
    basis="Work that is part of a court-sanctioned punishment or order is not freely entered "
    "by both people, so co-producing it seems less suitable.",
)
def court_ordered(facts: Facts) -> Iterator[Raised]:
    yield from _context_rule(
        facts,
        "court_ordered",
        _Context(
            gettext_noop(
                "Co-production seems less suitable within a court-sanctioned punishment or order."
            ),
            gettext_noop(
                "Co-production seems less suitable within a court-sanctioned punishment or "
                "order. The co-produced parts have been agreed, with others, to lie outside the "
                "order; keep checking that they do."
            ),
            gettext_noop(
                "Or co-produce only the parts of the work that lie outside the order, agreed "
                "with others and recorded as a consultation."
            ),
        ),
    )


@rule(
    "respect.consent_missing",
    severity="advisory / concern",
    basis="Both participants give informed consent to the relationship, whatever it is called.",
)
def consent_missing(facts: Facts) -> Iterator[Raised]:
    for p in facts.case.participants:
        if p.consent == "not_sought":
            yield said(
                facts,
                facts.stage_severity("advisory", "concern"),
                gettext_noop(
                    "{who} {who:has|have} not yet been asked to consent to working this way."
                ),
                (
                    (
                        asker(facts, p.id),
                        gettext_noop(
                            "Ask {who} for informed consent: explain the costs, the benefits and the "
                            "other ways of working first."
                        ),
                        gettext_noop(
                            "explain the costs, the benefits and the other ways of working to "
                            "{who:them|you|them}, then ask for {who:'s} informed consent."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
                concerns=(p.id,),
                evidence={"consent": p.consent},
            )


@rule(
    "respect.consent_uninformed",
    severity="advisory / concern",
    basis="Consent counts when it is informed: costs, benefits and alternatives explained.",
)
def consent_uninformed(facts: Facts) -> Iterator[Raised]:
    for p in facts.case.participants:
        if p.consent == "given":
            yield said(
                facts,
                facts.stage_severity("advisory", "concern"),
                gettext_noop(
                    "{who} {who:has|have} agreed, but {who:has|have} not yet had the costs, benefits "
                    "and other ways of working explained."
                ),
                (
                    (
                        asker(facts, p.id),
                        gettext_noop(
                            "Explain to {who} what this may cost and give {who:them|you|them}, and "
                            "what else is on offer; then record {who:their|your|their} consent as "
                            "informed."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
                concerns=(p.id,),
                evidence={"consent": p.consent},
            )


@rule(
    "respect.consent_refused",
    severity="contraindication",
    basis="Without the consent of both people there is no co-productive relationship; saying "
    "no must not cost the person any help.",
)
def consent_refused(facts: Facts) -> Iterator[Raised]:
    for p in facts.case.participants:
        if p.consent in ("declined", "withdrawn"):
            yield said(
                facts,
                "contraindication",
                gettext_noop(
                    "{who} {who:has|have} {consent} consent, so co-production seems less suitable here."
                ),
                (
                    (
                        asker(facts, p.id),
                        gettext_noop(
                            "Offer {who} another model of helping, with no loss of service."
                        ),
                    ),
                    (
                        "professional",
                        gettext_noop(
                            "Stop the co-produced work. Keep the case record of what happened, and "
                            "handle anything {who} contributed as {who:they|you|they} ask."
                        ),
                        gettext_noop(
                            "stop the co-produced work, keep the case record of what happened, and "
                            "handle anything {who} contributed as {who:they|you|they} ask."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
                what={"consent": p.consent},
                concerns=(p.id,),
                evidence={"consent": p.consent},
            )


@rule(
    "respect.scope_undefined",
    severity="advisory",
    basis="Co-production happens in the spaces where both people can decide; those spaces "
    "need naming.",
)
def scope_undefined(facts: Facts) -> Iterator[Raised]:
    if not facts.case.approach.co_produced_elements:
        yield said(
            facts,
            "advisory",
            gettext_noop("The parts of the work that are co-produced have not been named."),
            (
                (
                    "both",
                    gettext_noop(
                        "Name the parts of the work you decide together (for example session "
                        "plans, goals, ground rules)."
                    ),
                ),
            ),
        )


@rule(
    "respect.affected_unidentified",
    severity="advisory",
    basis="Informed consent is sought from the other people the relationship affects, not "
    "only from the two participants.",
)
def affected_unidentified(facts: Facts) -> Iterator[Raised]:
    if facts.case.affected_parties is None:
        yield said(
            facts,
            "advisory",
            gettext_noop("Nobody has yet said who else this relationship affects."),
            (
                (
                    "both",
                    gettext_noop(
                        "List the other people this relationship affects (family, carers, other "
                        "group members, colleagues), or record that there are none."
                    ),
                ),
            ),
        )


@rule(
    "respect.affected_consent_missing",
    severity="advisory / concern",
    basis="The people a relationship affects are owed informed consent too.",
)
def affected_consent_missing(facts: Facts) -> Iterator[Raised]:
    for party in facts.case.affected_parties or []:
        if party.consent in ("not_sought", "given"):
            message = (
                gettext_noop("Nobody has yet asked {party} for consent.")
                if party.consent == "not_sought"
                else gettext_noop("{party} agreed without having the relationship fully explained.")
            )
            yield said(
                facts,
                facts.stage_severity("advisory", "concern"),
                message,
                (
                    (
                        (),
                        gettext_noop(
                            "Explain the relationship to {party} and ask for their informed "
                            "consent, or record why it is not needed."
                        ),
                    ),
                ),
                what={"party": party.name},
                concerns=(party.name,),
                evidence={"consent": party.consent},
            )


@rule(
    "respect.affected_consent_declined",
    severity="concern",
    basis="When someone the relationship affects declines, their view must be weighed "
    "with others before going on.",
)
def affected_consent_declined(facts: Facts) -> Iterator[Raised]:
    for party in facts.case.affected_parties or []:
        if party.consent == "declined":
            yield said(
                facts,
                "concern",
                gettext_noop("{party} has declined to consent to this relationship."),
                (
                    (
                        (),
                        gettext_noop(
                            "Talk with {party}, and with the supervisor, about their reasons."
                        ),
                    ),
                    (
                        (),
                        gettext_noop(
                            "Consider, with others, whether to change the work or use another "
                            "model."
                        ),
                    ),
                ),
                what={"party": party.name},
                concerns=(party.name,),
                evidence={"consent": party.consent},
            )


@rule(
    "respect.contract_missing",
    severity="advisory / concern",
    basis="Both people enter a psychological contract unique to their circumstance.",
)
def contract_missing(facts: Facts) -> Iterator[Raised]:
    contract = facts.case.contract
    severity = facts.stage_severity("advisory", "concern")
    if contract is None:
        yield said(
            facts,
            severity,
            gettext_noop("There is no agreed contract for this relationship yet."),
            tuple(("both", action) for action in _CONTRACT_CONTENTS),
        )
        return
    missing = [p.id for p in facts.case.participants if p.id not in contract.agreed_by]
    for pid in missing:
        others = tuple(p.id for p in facts.case.participants if p.id != pid)
        yield said(
            facts,
            severity,
            gettext_noop("{who} {who:has|have} not agreed version {version} of the contract."),
            (
                (
                    others,
                    gettext_noop(
                        "Go through version {version} of the contract with {who} and record "
                        "{who:their|your|their} agreement, or change it until both of you agree."
                    ),
                ),
            ),
            who={"who": (pid,)},
            what={"version": contract.version},
            concerns=(pid,),
            evidence={"version": contract.version},
        )


@rule(
    "respect.preferences_assumed",
    severity="advisory",
    basis="Flexible reciprocity: ask, never assume, what the other person wants; their "
    "tastes may be different.",
)
def preferences_assumed(facts: Facts) -> Iterator[Raised]:
    for p in facts.case.participants:
        given = facts.answers[p.id]
        if not given or given.get("preferences_asked") == "no":
            why = (
                gettext_noop("{who} {who:has|have} not answered the two-sided questions.")
                if not given
                else gettext_noop(
                    "{who} {who:says|say} {who:they were|you were|they were} not asked how "
                    "{who:they want|you want|they want} to be treated."
                )
            )
            yield said(
                facts,
                "advisory",
                why,
                (
                    (
                        asker(facts, p.id),
                        gettext_noop(
                            "Ask {who} how {who:they want|you want|they want} to work and be "
                            "treated, and record {who:their|your|their} answers to the two-sided "
                            "questions."
                        ),
                    ),
                ),
                who={"who": (p.id,)},
                concerns=(p.id,),
                evidence={"answered": bool(given)},
            )


@rule(
    "respect.professional_not_first",
    severity="advisory",
    basis="The professional answers the questions they pose, and models first the "
    "relationship they invite.",
)
def professional_not_first(facts: Facts) -> Iterator[Raised]:
    recipients = [p.id for p in facts.case.recipients if facts.answers[p.id]]
    professionals = [p.id for p in facts.case.professionals if facts.answers[p.id]]
    if recipients and not professionals:
        yield Raised(
            "advisory",
            gettext_noop(
                "The person receiving the service has answered the questions, but no professional has."
            ),
            (
                gettext_noop(
                    "The professional answers the same questions, openly, and shares their answers."
                ),
            ),
            concerns=tuple(p.id for p in facts.case.professionals),
        )


@rule(
    "respect.divergent_views",
    severity="advisory",
    basis="Disagreement is information: the more cautious reading is taken, and the "
    "difference is talked through.",
)
def divergent_views(facts: Facts) -> Iterator[Raised]:
    if facts.divergences:
        questions = [d.question for d in facts.divergences]
        listed = ", ".join(q.replace("_", " ") for q in questions)
        answered = tuple(sorted({pid for d in facts.divergences for pid in d.answers}))
        yield said(
            facts,
            "advisory",
            gettext_noop("{who} answered {count} of the questions differently: {questions}."),
            (
                (
                    answered,
                    gettext_noop(
                        "Talk through the answers you gave differently; until you agree, the more "
                        "cautious answer counts."
                    ),
                ),
            ),
            who={"who": answered},
            what={"count": len(questions), "questions": listed},
            # The command line's report speaks to both people at once.
            cli=f"You answered {len(questions)} of the questions differently: {listed}.",
            concerns=answered,
            evidence={"questions": questions},
        )
