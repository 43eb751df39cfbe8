"""The words for every enumeration of the case format and the assessment, defined once.

A code (`proceed`, `not_sought`, `integrity.change_evidenced`) is a public contract; its
label is how people read it. The web app's choices, forms, reports and CSV headers, and the
command line's reports, all take their labels from here, so nothing is spelled two ways
(ADR 0016). The recommendation, severity, status and change words stay in `_render.py`,
where the reports use them, and are gathered here with the rest.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from mutuality.outcomes import MEDIUM_TERM_DAYS, SHORT_TERM_DAYS

from ._findings import PRINCIPLES
from ._render import CHANGE_WORDS, HEADLINES, SEVERITY_WORDS, STATUS_WORDS
from ._types import spoken_date

__all__ = ["FINDING_TITLES", "VOCABULARY", "Term", "Words", "spoken_date"]


@dataclass(frozen=True)
class Term:
    """How one code reads: a short label; a plain sentence saying more, where a form or a
    key shows one; and, for a person's own answer, how they would say it themselves."""

    label: str
    hint: str = ""
    mine: str = ""


class Words(Mapping[str, Term]):
    """One enumeration: its codes in their order, each with its `Term`."""

    def __init__(self, name: str, terms: Mapping[str, Term | str]) -> None:
        self.name = name
        self._terms = {
            code: term if isinstance(term, Term) else Term(term) for code, term in terms.items()
        }

    def __getitem__(self, code: str) -> Term:
        return self._terms[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._terms)

    def __len__(self) -> int:
        return len(self._terms)

    def label(self, code: str) -> str:
        """The code's label (a `KeyError` for a code this enumeration does not have)."""
        return self._terms[code].label

    def labels(self) -> dict[str, str]:
        """Code → label, in order."""
        return {code: term.label for code, term in self._terms.items()}

    def choices(self) -> list[tuple[str, str]]:
        """(code, label) pairs with a capital first letter, as a list or a form offers them."""
        return [(code, term.label[:1].upper() + term.label[1:]) for code, term in self.items()]


# What each recommendation means, in words for anyone (the help page's key); the reports'
# longer explanations stay in `_render.EXPLANATIONS`.
_MEANINGS = {
    "proceed": "Nothing found stands in the way. Keep checking as things change.",
    "proceed_with_safeguards": "You can go ahead once a few things are done.",
    "consult": "Talk it through with others first, to see if another way of helping is better.",
    "alternative_model": "Another way of helping may be better, at least for part of the work.",
}


def _principle_label(principle: str) -> str:
    return principle.capitalize()


FINDING_TITLES: dict[str, str] = {
    "respect.capacity_lacking": "Someone may lack capacity for these decisions",
    "respect.capacity_fluctuating": "Someone's capacity comes and goes",
    "respect.capacity_uncertain": "Nobody is sure about someone's capacity",
    "respect.best_interests": "Some decisions are made in someone's best interests",
    "respect.compulsory": "Some of the treatment is compulsory",
    "respect.court_ordered": "The work is part of a court order",
    "respect.consent_missing": "Someone has not said yes yet",
    "respect.consent_uninformed": "Someone said yes without everything explained",
    "respect.consent_refused": "Someone has said no, or no longer agrees",
    "respect.scope_undefined": "What you decide together is not written down",
    "respect.affected_unidentified": "Nobody has said who else this affects",
    "respect.affected_consent_missing": "Someone it affects has not been asked",
    "respect.affected_consent_declined": "Someone it affects does not agree",
    "respect.contract_missing": "There is no agreement yet",
    "respect.preferences_assumed": "What someone wants was assumed, not asked",
    "respect.professional_not_first": "The professional has not answered first",
    "respect.divergent_views": "The two people answered some questions differently",
    "competence.no_external_authority": "Nobody outside oversees the work",
    "competence.supervision_insufficient": "Supervision is not often enough",
    "competence.supervision_overdue": "Supervision is overdue",
    "competence.malignant_coupling": "A harmful pattern was noticed",
    "competence.collusion": "Collusion was noticed",
    "competence.traumatic_reenactment": "An old hurt may be repeating",
    "competence.gang_or_cartel": "A closed group was noticed",
    "competence.boundary_drift": "Boundaries may be slipping",
    "competence.team_uninformed": "The team has not been told",
    "competence.no_public_reporting": "The work is not reported to the public",
    "competence.independent_review_due": "An independent review is due",
    "competence.consultation_unheeded": "Advice from a consultation was not followed",
    "competence.uncertain_unconsulted": "Nobody else has been asked about a doubt",
    "competence.contrast_unexamined": "Nobody has said yet how the work differs",
    "competence.contrast_undeclared": "Differences counted that nobody declared",
    "responsibility.burden_high": "The work may be a heavy load for someone",
    "responsibility.burden_unassessed": "Nobody has checked the load on someone",
    "responsibility.not_optional": "Someone cannot easily say no",
    "responsibility.decline_unknown": "Nobody knows if someone can say no",
    "responsibility.adjustments_missing": "Someone's access needs are not met",
    "responsibility.expertise_tradeoff": "Someone may lose expert help",
    "responsibility.resources_unreviewed": "Nobody has looked at the cost",
    "responsibility.resources_unjustified": "It costs more, without a reason",
    "responsibility.outcome_plan_missing": "There is no plan to measure change",
    "responsibility.disclosure_unjustified": "A personal story was shared without a reason",
    "responsibility.vulnerabilities_unshared": "Weak spots have not been talked about",
    "integrity.costs_benefits_unstated": "The costs and benefits are not written down",
    "integrity.costs_benefits_uncommunicated": "The costs and benefits were not shared",
    "integrity.financial_inequality": "Money is not shared fairly",
    "integrity.power_unacknowledged": "The power gap is not named",
    "integrity.multiple_roles": "The two people know each other in more than one way",
    "integrity.exit_plan_missing": "There is no plan for ending",
    "integrity.review_overdue": "A review of the agreement is overdue",
    "integrity.no_evidence": "There is no sign of change yet",
    "integrity.no_reliable_improvement": "Scores have not clearly got better",
    "integrity.deterioration": "Scores have got worse",
    "integrity.in_name_only": "Only one person decides",
    "integrity.false_hopes": "Hopes may be running ahead of change",
    "integrity.change_evidenced": "Scores show real change",
}

_ALL = (
    Words(
        "recommendation",
        {code: Term(headline, _MEANINGS[code]) for code, headline in HEADLINES.items()},
    ),
    Words("severity", SEVERITY_WORDS),
    Words("principle", {p: _principle_label(p) for p in PRINCIPLES}),
    Words("principle_status", STATUS_WORDS),
    Words("change", CHANGE_WORDS),
    Words(
        "group_proportion",
        {
            "reliable_improvement": "reliable improvement",
            "recovery": "recovery",
            "reliable_deterioration": "reliable deterioration",
        },
    ),
    Words(
        "horizon",
        {
            "short": Term("short term", f"up to {SHORT_TERM_DAYS} days"),
            "medium": Term("medium term", f"{SHORT_TERM_DAYS + 1} to {MEDIUM_TERM_DAYS} days"),
            "long": Term("long term", f"more than {MEDIUM_TERM_DAYS} days"),
        },
    ),
    Words("finding", FINDING_TITLES),
    Words(
        "stage",
        {
            "proposed": Term("proposed", "not started yet"),
            "active": Term("active", "the work has started"),
            "ending": Term("ending", "the work is coming to an end"),
            # Not a stage of the case format, which stops at `ending`: a service records the
            # day the work ended, and the case is assessed as it stood that day.
            "ended": Term("ended", "the work has finished"),
        },
    ),
    Words(
        "setting",
        {
            "individual_therapy": "One-to-one therapy",
            "group_work": "Group work",
            "peer_support": "Peer support",
            "service_design": "Designing or improving a service",
            "research": "Research",
            "education": "Teaching or training",
            "community": "Community work",
            "other": "Something else",
        },
    ),
    Words("role", {"professional": "professional", "recipient": "co-producer"}),
    Words(
        "capacity",
        {
            "presumed": Term(
                "presumed",
                "Nobody has had a reason to doubt it, so it is taken that they have it.",
                "I have not thought about it",
            ),
            "has": Term(
                "has capacity",
                "It was checked for the decisions you share.",
                "I can make these decisions",
            ),
            "lacks": Term(
                "lacks capacity",
                "They cannot make these decisions at the moment.",
                "I cannot make these decisions at the moment",
            ),
            "fluctuating": Term(
                "comes and goes",
                "Sometimes they can make these decisions and sometimes not.",
                "Sometimes I can make these decisions and sometimes not",
            ),
            "uncertain": Term(
                "not sure",
                "There is some reason to doubt it, and it needs checking.",
                "I am not sure",
            ),
        },
    ),
    Words(
        "consent",
        {
            "informed": Term(
                "agreed, with the costs, benefits and other options explained",
                mine="Yes, I agree, and the costs, benefits and other options were explained to me",
            ),
            "given": Term(
                "agreed, but not everything explained yet",
                mine="Yes, I agree, but the costs, benefits and other options have not all "
                "been explained to me yet",
            ),
            "not_sought": Term("not asked yet", mine="I have not answered yet"),
            "declined": Term("does not agree", mine="No, I do not agree to working this way"),
            "withdrawn": Term(
                "agreed before, but no longer agrees",
                mine="I agreed before, but I no longer agree and want to stop",
            ),
        },
    ),
    Words(
        "affected_consent",
        {
            "not_sought": "Nobody has asked them yet",
            "informed": "They agree, and the costs, benefits and other options were explained "
            "to them",
            "given": "They agree, but the costs, benefits and other options have not all been "
            "explained to them yet",
            "declined": "They do not agree",
            "not_needed": "Their agreement is not needed (say why below)",
        },
    ),
    Words(
        "vulnerability",
        {
            "low": Term("low", "Working this way is unlikely to be a burden."),
            "moderate": Term("moderate", "Working this way could sometimes be a burden."),
            "high": Term("high", "Working this way could easily become a burden."),
            "not_assessed": "not checked yet",
        },
    ),
    Words(
        "resource_review",
        {
            "not_done": Term("not looked at yet", mine="We have not compared yet"),
            "comparable": Term(
                "costs about the same as usual care",
                mine="It costs about the same as the usual way",
            ),
            "costlier_justified": Term(
                "costs more, for a good reason",
                "Say the reason in your notes or contract.",
                "It costs more, and we have a good reason",
            ),
            "costlier_unjustified": Term(
                "costs more, without a clear reason",
                mine="It costs more, and we have no good reason yet",
            ),
        },
    ),
    Words(
        "payment_kind",
        {
            "salary": "A salary: this work is part of their paid job",
            "payment": "A payment for this work",
            "expenses": "Expenses only",
            "none": "Not paid",
        },
    ),
    Words(
        "contrast_indicator",
        {
            "shared_clinical_decisions": "You make clinical decisions together",
            "contact_outside_sessions": "You are in contact outside the agreed sessions",
            "social_relationship": "You also know each other socially, for example as friends",
            "payment_between_participants": "Money passes between you",
            "professional_self_disclosure": "The professional shares their own personal "
            "experiences",
            "recipient_in_staff_role": "The person receiving help also works in a staff role",
            "informal_setting": "You meet somewhere informal, not a clinic or an office",
            "altered_confidentiality": "Confidentiality works differently from usual",
            "other": "Something else the service or the public would not expect",
        },
    ),
    Words(
        "observation_kind",
        {
            "malignant_coupling": Term(
                "A harmful pairing (malignant coupling)",
                "The two people keep pulling each other into a pattern that hurts one or both "
                "of them, and it is hard to step out of it.",
            ),
            "collusion": Term(
                "Collusion",
                "The people in the relationship have quietly agreed, even without saying so, "
                "to avoid something that should be faced, or to keep something from people "
                "who should know.",
            ),
            "traumatic_reenactment": Term(
                "Repeating an old hurt (traumatic re-enactment)",
                "Something in the relationship is playing out a painful or traumatic "
                "relationship from the past all over again.",
            ),
            "gang_or_cartel": Term(
                "A closed group",
                "The relationship, or a group around it, has shut itself off: outsiders are "
                "kept out and their questions are not welcome.",
            ),
            "boundary_drift": Term(
                "Boundaries slipping",
                "What was agreed about contact, roles, money or time is slowly changing "
                "without anyone deciding it should.",
            ),
            "other": Term("Something else", "Something else about the relationship is worrying."),
        },
    ),
    Words("observation_status", {"open": "open", "resolved": "resolved"}),
    Words(
        "consultation_outcome",
        {
            "continue": Term("Carry on as we are", "Working together like this is still right."),
            "adapt": Term("Carry on, with changes", "Keep working together, but change how."),
            "switch_model": Term(
                "Change to another way of helping",
                "The people consulted think another model of helping would be more ethical.",
            ),
        },
    ),
    Words(
        "review_kind",
        {"contract": "review of the agreement", "independent": "independent review"},
    ),
    Words(
        "scrutiny_level",
        {
            "standard": Term("standard", "the usual supervision is enough"),
            "enhanced": Term("enhanced", "more supervision than usual"),
            "intensive": Term("intensive", "close supervision and independent review"),
        },
    ),
)

VOCABULARY: Mapping[str, Words] = {words.name: words for words in _ALL}
