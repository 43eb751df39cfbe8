"""Competence: accountable to an external authority, watchful of destructive dynamics."""

from __future__ import annotations

from collections.abc import Iterator

from .._facts import Facts
from .._findings import Raised, Severity, rule, said
from .._translation import gettext_noop

_DYNAMICS = {
    "malignant_coupling": gettext_noop("malignant coupling"),
    "collusion": gettext_noop("collusion"),
    "traumatic_reenactment": gettext_noop("traumatic re-enactment"),
    "gang_or_cartel": gettext_noop("a closed group (a 'gang' or 'cartel')"),
}
_DYNAMIC_BASIS = gettext_noop(
    "Destructive relationships between adults with capacity are possible, so the "
    "professional stays accountable to someone outside the relationship."
)


@rule(
    "competence.no_external_authority",
    severity="concern",
    basis="The professional needs an external authority, outside the relationship, to account to.",
)
def no_external_authority(facts: Facts) -> Iterator[Raised]:
    scrutiny = facts.case.scrutiny
    if not scrutiny.supervisor or scrutiny.supervisor_is_participant:
        why = (
            gettext_noop(
                "The supervisor is part of the relationship, so there is no external authority."
            )
            if scrutiny.supervisor
            else gettext_noop(
                "Nobody outside the relationship supervises it, so there is no external authority."
            )
        )
        yield Raised(
            "concern",
            why,
            (
                gettext_noop(
                    "Arrange supervision with someone who is not part of the relationship."
                ),
            ),
            evidence={
                "supervisor": scrutiny.supervisor,
                "supervisor_is_participant": scrutiny.supervisor_is_participant,
            },
        )


@rule(
    "competence.supervision_insufficient",
    severity="advisory / concern",
    basis="The more a relationship departs from what the culture around it expects, the "
    "more external scrutiny it needs.",
)
def supervision_insufficient(facts: Facts) -> Iterator[Raised]:
    agreed = facts.case.scrutiny.supervision_every_days
    required = facts.scrutiny.supervision_every_days
    if agreed is None or agreed > required:
        now = (
            gettext_noop(
                "No supervision interval is agreed; {level} scrutiny needs it at least every "
                "{required} days."
            )
            if agreed is None
            else gettext_noop(
                "Supervision is planned every {agreed} days; {level} scrutiny needs it at least "
                "every {required} days."
            )
        )
        yield said(
            facts,
            facts.stage_severity("advisory", "concern"),
            now,
            (("supervision", gettext_noop("Agree supervision at least every {required} days.")),),
            what={"level": facts.scrutiny.level, "required": required, "agreed": agreed},
            evidence={
                "supervision_every_days": agreed,
                "required": required,
                "level": facts.scrutiny.level,
            },
        )


@rule(
    "competence.supervision_overdue",
    severity="advisory (concern when more than twice overdue, or never supervised)",
    basis="Accountability to an external authority only works if supervision actually happens.",
)
def supervision_overdue(facts: Facts) -> Iterator[Raised]:
    case = facts.case
    if not case.is_running:
        return
    agreed = case.scrutiny.supervision_every_days
    interval = min(
        agreed or facts.scrutiny.supervision_every_days, facts.scrutiny.supervision_every_days
    )
    last = case.scrutiny.last_supervision
    since = last or case.started
    if since is None or not facts.past(since, interval):
        return
    days = facts.days_since(since)
    twice = facts.past(since, facts.policy.scrutiny.overdue_concern_factor * interval)
    severity: Severity = "concern" if last is None or twice else "advisory"
    # Dates rather than a count of days, so the words stay true on every later day.
    message = (
        gettext_noop(
            "There has been no supervision since the work started on {since}; it is due every "
            "{interval} days."
        )
        if last is None
        else gettext_noop("The last supervision was on {since}; it is due every {interval} days.")
    )
    yield said(
        facts,
        severity,
        message,
        (("supervision", gettext_noop("Book supervision now, and keep to the agreed interval.")),),
        what={"interval": interval},
        when={"since": since},
        evidence={
            "last_supervision": str(last) if last else None,
            "days": days,
            "interval": interval,
        },
    )


def _dynamic(facts: Facts, kinds: tuple[str, ...], severity: Severity) -> Iterator[Raised]:
    for o in facts.case.observations:
        if o.status == "open" and o.kind in kinds:
            name = _DYNAMICS.get(
                o.kind,
                gettext_noop("drifting boundaries")
                if o.kind == "boundary_drift"
                else gettext_noop("something else worrying"),
            )
            by = facts.case.participant(o.by)
            yield said(
                facts,
                severity,
                gettext_noop("An open observation of {name}, raised on {date} by {by}."),
                (
                    (
                        "supervision",
                        gettext_noop(
                            "Discuss it in supervision soon, with everyone involved where it is safe to."
                        ),
                    ),
                    (
                        "both",
                        gettext_noop(
                            "Agree what will change, and record the observation as resolved only once "
                            "it has."
                        ),
                    ),
                ),
                who={"by": (o.by,)} if by is not None else {},
                what={"name": name, **({} if by is not None else {"by": o.by})},
                when={"date": o.date},
                # A dynamic belongs to the relationship, not to whoever noticed it.
                evidence={"date": str(o.date), "kind": o.kind, "raised_by": o.by, "note": o.note},
            )


@rule("competence.malignant_coupling", severity="concern", basis=_DYNAMIC_BASIS)
def malignant_coupling(facts: Facts) -> Iterator[Raised]:
    yield from _dynamic(facts, ("malignant_coupling",), "concern")


@rule("competence.collusion", severity="concern", basis=_DYNAMIC_BASIS)
def collusion(facts: Facts) -> Iterator[Raised]:
    yield from _dynamic(facts, ("collusion",), "concern")


@rule("competence.traumatic_reenactment", severity="concern", basis=_DYNAMIC_BASIS)
def traumatic_reenactment(facts: Facts) -> Iterator[Raised]:
    yield from _dynamic(facts, ("traumatic_reenactment",), "concern")


@rule("competence.gang_or_cartel", severity="concern", basis=_DYNAMIC_BASIS)
def gang_or_cartel(facts: Facts) -> Iterator[Raised]:
    yield from _dynamic(facts, ("gang_or_cartel",), "concern")


@rule("competence.boundary_drift", severity="advisory", basis=_DYNAMIC_BASIS)
def boundary_drift(facts: Facts) -> Iterator[Raised]:
    yield from _dynamic(facts, ("boundary_drift", "other"), "advisory")


@rule(
    "competence.team_uninformed",
    severity="advisory (concern at enhanced or intensive)",
    basis="Changing what people expect of a helping relationship without the wider service "
    "knowing could be deceptive.",
)
def team_uninformed(facts: Facts) -> Iterator[Raised]:
    if facts.case.scrutiny.team_informed is not True:
        level = facts.scrutiny.level
        severity: Severity = (
            "concern" if facts.policy.scrutiny.team_must_know(level) else "advisory"
        )
        yield Raised(
            severity,
            gettext_noop("The wider team has not been told what kind of relationship this is."),
            (
                gettext_noop(
                    "Tell the team, in the usual way, how this relationship differs from "
                    "ordinary practice."
                ),
            ),
            evidence={"level": level},
        )


@rule(
    "competence.no_public_reporting",
    severity="advisory",
    basis="Practice that departs from what society expects should be communicated to "
    "wider society.",
)
def no_public_reporting(facts: Facts) -> Iterator[Raised]:
    if facts.case.scrutiny.public_reporting is not True:
        yield said(
            facts,
            "advisory",
            gettext_noop("This kind of work is not yet reported to wider society."),
            (
                (
                    "supervisor",
                    gettext_noop(
                        "Include this kind of co-productive work, anonymised, in the service's "
                        "public reporting (for example its annual report)."
                    ),
                ),
            ),
        )


@rule(
    "competence.independent_review_due",
    severity="concern",
    basis="At the highest contrast, scrutiny includes regular independent review.",
)
def independent_review_due(facts: Facts) -> Iterator[Raised]:
    if not facts.case.is_running or facts.scrutiny.level != "intensive":
        return
    every = facts.policy.scrutiny.independent_review_every_days
    last = facts.case.scrutiny.last_independent_review
    if last is None or facts.past(last, every):
        message = (
            gettext_noop(
                "This relationship has never had an independent review (due every {every} days "
                "at intensive scrutiny)."
            )
            if last is None
            else gettext_noop(
                "This relationship last had one on {last}, and needs an independent review "
                "(due every {every} days at intensive scrutiny)."
            )
        )
        yield said(
            facts,
            "concern",
            message,
            (
                (
                    "supervisor",
                    gettext_noop("Arrange an independent review by someone outside the team."),
                ),
            ),
            what={"every": every},
            when={"last": last} if last else {},
            evidence={"last_independent_review": str(last) if last else None, "every_days": every},
        )


@rule(
    "competence.consultation_unheeded",
    severity="concern",
    basis="When unsure, decide with others whether another model of helping would be more "
    "ethical, and act on what they conclude.",
)
def consultation_unheeded(facts: Facts) -> Iterator[Raised]:
    consultations = sorted(facts.case.consultations, key=lambda c: c.date)
    if not consultations or facts.case.stage not in ("proposed", "active"):
        return
    latest = consultations[-1]
    if latest.outcome == "switch_model":
        yield said(
            facts,
            "concern",
            gettext_noop(
                "When consulted on {date}, {with} thought another model of "
                "helping would be more ethical, but the co-produced work goes on."
            ),
            (
                (
                    "professional",
                    gettext_noop(
                        "Move to the other model of helping, with no loss of service, or consult "
                        "again and record why you are continuing."
                    ),
                ),
            ),
            what={"with": latest.with_},
            when={"date": latest.date},
            evidence={"date": str(latest.date), "with": latest.with_},
        )


# Each sentence whole, so that a translator sees it whole: (someone named, since a review).
_UNSURE = {
    (True, True): gettext_noop(
        "{who} {who:is|are|are} unsure co-production is the right model, and this has not been "
        "talked through with others since the last review."
    ),
    (True, False): gettext_noop(
        "{who} {who:is|are|are} unsure co-production is the right model, and this has not been "
        "talked through with others."
    ),
    (False, True): gettext_noop(
        "Someone involved is unsure co-production is the right model, and this has not been "
        "talked through with others since the last review."
    ),
    (False, False): gettext_noop(
        "Someone involved is unsure co-production is the right model, and this has not been "
        "talked through with others."
    ),
}


@rule(
    "competence.uncertain_unconsulted",
    severity="concern",
    basis="In situations of uncertainty, participants consider with others whether another "
    "model would be more ethical.",
)
def uncertain_unconsulted(facts: Facts) -> Iterator[Raised]:
    unsure = facts.answered("confidence", "unsure", "no")
    if not (facts.case.uncertain or unsure):
        return
    since = facts.case.contract.last_review if facts.case.contract else None
    recorded = [
        c
        for c in facts.case.consultations
        if c.outcome != "switch_model" and (since is None or c.date >= since)
    ]
    if not recorded:
        who = facts.called_all(unsure) if unsure else gettext_noop("someone involved")
        rest = gettext_noop("talked through with others") + (
            gettext_noop(" since the last review.") if since else "."
        )
        yield said(
            facts,
            "concern",
            _UNSURE[(bool(unsure), since is not None)],
            (
                (
                    "supervision",
                    gettext_noop(
                        "Consult others (supervisor, team, ethics forum) about whether another "
                        "model of helping would be more ethical, and record what you decide."
                    ),
                ),
            ),
            who={"who": tuple(unsure)},
            # The command line's report lists several people with commas, as it always has.
            cli=f"{who} is unsure co-production is the right model, and this has not been " + rest,
            concerns=tuple(unsure),
            evidence={"uncertain": facts.case.uncertain, "unsure": unsure},
        )


@rule(
    "competence.contrast_unexamined",
    severity="advisory",
    basis="The more a relationship departs from what the service and wider society expect, "
    "the more external scrutiny it needs; that is only known once someone has looked.",
)
def contrast_unexamined(facts: Facts) -> Iterator[Raised]:
    if facts.case.contrast is None:
        yield said(
            facts,
            "advisory",
            gettext_noop(
                "Nobody has yet said how this work departs from what the service and wider "
                "society would expect of a helping relationship."
            ),
            (
                (
                    "both",
                    gettext_noop(
                        "Together, list the ways this work departs from usual practice (shared "
                        "clinical decisions, contact outside sessions, informal settings …), or "
                        "record that it does not."
                    ),
                ),
            ),
            evidence={"counted": list(facts.scrutiny.indicators)},
        )


@rule(
    "competence.contrast_undeclared",
    severity="info",
    basis="Scrutiny must not depend on what is written down as the contrast: the answers "
    "and the record show departures too.",
)
def contrast_undeclared(facts: Facts) -> Iterator[Raised]:
    scrutiny = facts.scrutiny
    if scrutiny.undeclared:
        listed = "; ".join(i.replace("_", " ") for i in scrutiny.undeclared)
        yield said(
            facts,
            "info",
            gettext_noop(
                "The answers or the record show departures the contrast does not list ({listed}); "
                "scrutiny counts them anyway."
            ),
            (
                (
                    "both",
                    gettext_noop(
                        "Add them to the contrast, so that everyone sees how the work departs."
                    ),
                ),
            ),
            what={"listed": listed},
            evidence={
                "undeclared": list(scrutiny.undeclared),
                "sources": {i: list(scrutiny.sources[i]) for i in scrutiny.undeclared},
            },
        )
