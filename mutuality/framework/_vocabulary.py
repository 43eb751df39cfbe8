"""The words for every enumeration of the case format and the assessment, defined once.

A code (`proceed`, `not_sought`, `integrity.change_evidenced`) is a public contract; its
label is how people read it. The web app's choices, forms, reports and CSV headers, and the
command line's reports, all take their labels from here, so nothing is spelled two ways
(ADR 0016). The recommendation, severity, status and change words stay in `_render.py`,
where the reports use them, and are gathered here with the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

from mutuality.outcomes import MEDIUM_TERM_DAYS, SHORT_TERM_DAYS

from ._findings import PRINCIPLES
from ._render import CHANGE_WORDS, HEADLINES, SEVERITY_WORDS, STATUS_WORDS
from ._translation import gettext_noop, translated, translated_later
from ._types import spoken_date

__all__ = ["FINDING_TITLES", "VOCABULARY", "Term", "Words", "spoken_date"]


@dataclass(frozen=True)
class Term:
    """How one code reads: a short label; a plain sentence saying more, where a form or a
    key shows one; and, for a person's own answer, how they would say it themselves."""

    label: str
    hint: str = ""
    mine: str = ""

    def translated(self, values: Mapping[str, object]) -> Term:
        """The term in the reader's language, each word looked up when it is read."""

        def word(english: str, shape: Callable[[str], str] = _as_is) -> str:
            return translated_later(english, lambda said: shape(said % values if values else said))

        return Term(word(self.label), word(self.hint), word(self.mine))


def _as_is(text: str) -> str:
    return text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


class Words(Mapping[str, Term]):
    """One enumeration: its codes in their order, each with its `Term`. Reading a term gives
    its words in the reader's language (`_translation`); `english` keeps them as written."""

    def __init__(
        self,
        name: str,
        terms: Mapping[str, Term | str],
        values: Mapping[str, object] | None = None,
    ) -> None:
        self.name = name
        self.english = {
            code: term if isinstance(term, Term) else Term(term) for code, term in terms.items()
        }
        self._values = dict(values or {})  # what fills a term's %(name)s slots, after translation

    def __getitem__(self, code: str) -> Term:
        return self.english[code].translated(self._values)

    def __iter__(self) -> Iterator[str]:
        return iter(self.english)

    def __len__(self) -> int:
        return len(self.english)

    def label(self, code: str) -> str:
        """The code's label now, in the language of the moment (a `KeyError` for a code this
        enumeration does not have)."""
        return translated(self.english[code].label)

    def labels(self) -> dict[str, str]:
        """Code → label, in order."""
        return {code: self[code].label for code in self.english}

    def choices(self) -> list[tuple[str, str]]:
        """(code, label) pairs with a capital first letter, as a list or a form offers them."""
        return [
            (code, translated_later(term.label, _capital)) for code, term in self.english.items()
        ]


# What each recommendation means, in words for anyone (the help page's key); the reports'
# longer explanations stay in `_render.EXPLANATIONS`.
_MEANINGS = {
    "proceed": gettext_noop("Nothing found stands in the way. Keep checking as things change."),
    "proceed_with_safeguards": gettext_noop("You can go ahead once a few things are done."),
    "consult": gettext_noop(
        "Talk it through with others first, to see if another way of helping is better."
    ),
    "alternative_model": gettext_noop(
        "Another way of helping may be better, at least for part of the work."
    ),
}


_PRINCIPLE_LABELS = {
    "respect": gettext_noop("Respect"),
    "competence": gettext_noop("Competence"),
    "responsibility": gettext_noop("Responsibility"),
    "integrity": gettext_noop("Integrity"),
}


FINDING_TITLES: dict[str, str] = {
    "respect.capacity_lacking": gettext_noop("Someone may lack capacity for these decisions"),
    "respect.capacity_fluctuating": gettext_noop("Someone's capacity comes and goes"),
    "respect.capacity_uncertain": gettext_noop("Nobody is sure about someone's capacity"),
    "respect.best_interests": gettext_noop("Some decisions are made in someone's best interests"),
    "respect.compulsory": gettext_noop("Some of the treatment is compulsory"),
    "respect.court_ordered": gettext_noop("The work is part of a court order"),
    "respect.consent_missing": gettext_noop("Someone has not said yes yet"),
    "respect.consent_uninformed": gettext_noop("Someone said yes without everything explained"),
    "respect.consent_refused": gettext_noop("Someone has said no, or no longer agrees"),
    "respect.scope_undefined": gettext_noop("What you decide together is not written down"),
    "respect.affected_unidentified": gettext_noop("Nobody has said who else this affects"),
    "respect.affected_consent_missing": gettext_noop("Someone it affects has not been asked"),
    "respect.affected_consent_declined": gettext_noop("Someone it affects does not agree"),
    "respect.contract_missing": gettext_noop("There is no agreement yet"),
    "respect.preferences_assumed": gettext_noop("What someone wants was assumed, not asked"),
    "respect.professional_not_first": gettext_noop("The professional has not answered first"),
    "respect.divergent_views": gettext_noop("The two people answered some questions differently"),
    "competence.no_external_authority": gettext_noop("Nobody outside oversees the work"),
    "competence.supervision_insufficient": gettext_noop("Supervision is not often enough"),
    "competence.supervision_overdue": gettext_noop("Supervision is overdue"),
    "competence.malignant_coupling": gettext_noop("A harmful pattern was noticed"),
    "competence.collusion": gettext_noop("Collusion was noticed"),
    "competence.traumatic_reenactment": gettext_noop("An old hurt may be repeating"),
    "competence.gang_or_cartel": gettext_noop("A closed group was noticed"),
    "competence.boundary_drift": gettext_noop("Boundaries may be slipping"),
    "competence.team_uninformed": gettext_noop("The team has not been told"),
    "competence.no_public_reporting": gettext_noop("The work is not reported to the public"),
    "competence.independent_review_due": gettext_noop("An independent review is due"),
    "competence.consultation_unheeded": gettext_noop("Advice from a consultation was not followed"),
    "competence.uncertain_unconsulted": gettext_noop("Nobody else has been asked about a doubt"),
    "competence.contrast_unexamined": gettext_noop("Nobody has said yet how the work differs"),
    "competence.contrast_undeclared": gettext_noop("Differences counted that nobody declared"),
    "responsibility.burden_high": gettext_noop("The work may be a heavy load for someone"),
    "responsibility.burden_unassessed": gettext_noop("Nobody has checked the load on someone"),
    "responsibility.not_optional": gettext_noop("Someone cannot easily say no"),
    "responsibility.decline_unknown": gettext_noop("Nobody knows if someone can say no"),
    "responsibility.adjustments_missing": gettext_noop("Someone's access needs are not met"),
    "responsibility.expertise_tradeoff": gettext_noop("Someone may lose expert help"),
    "responsibility.resources_unreviewed": gettext_noop("Nobody has looked at the cost"),
    "responsibility.resources_unjustified": gettext_noop("It costs more, without a reason"),
    "responsibility.outcome_plan_missing": gettext_noop("There is no plan to measure change"),
    "responsibility.disclosure_unjustified": gettext_noop(
        "A personal story was shared without a reason"
    ),
    "responsibility.vulnerabilities_unshared": gettext_noop(
        "Weak spots have not been talked about"
    ),
    "integrity.costs_benefits_unstated": gettext_noop(
        "The costs and benefits are not written down"
    ),
    "integrity.costs_benefits_uncommunicated": gettext_noop(
        "The costs and benefits were not shared"
    ),
    "integrity.financial_inequality": gettext_noop("Money is not shared fairly"),
    "integrity.power_unacknowledged": gettext_noop("The power gap is not named"),
    "integrity.multiple_roles": gettext_noop("The two people know each other in more than one way"),
    "integrity.exit_plan_missing": gettext_noop("There is no plan for ending"),
    "integrity.review_overdue": gettext_noop("A review of the agreement is overdue"),
    "integrity.no_evidence": gettext_noop("There is no sign of change yet"),
    "integrity.no_reliable_improvement": gettext_noop("Scores have not clearly got better"),
    "integrity.deterioration": gettext_noop("Scores have got worse"),
    "integrity.in_name_only": gettext_noop("Only one person decides"),
    "integrity.false_hopes": gettext_noop("Hopes may be running ahead of change"),
    "integrity.change_evidenced": gettext_noop("Scores show real change"),
}

_ALL = (
    Words(
        "recommendation",
        {code: Term(headline, _MEANINGS[code]) for code, headline in HEADLINES.english.items()},
    ),
    Words("severity", SEVERITY_WORDS.english),
    Words("principle", {p: _PRINCIPLE_LABELS[p] for p in PRINCIPLES}),
    Words("principle_status", STATUS_WORDS.english),
    Words("change", CHANGE_WORDS.english),
    # The outcomes core's clinical category of a reliable change (`mutuality.outcomes.Category`),
    # with what the two that cross the cut-off add to the change's own words.
    Words(
        "outcome_category",
        {
            "recovered": Term(
                gettext_noop("recovered"), gettext_noop("it also crossed the cut-off")
            ),
            "improved": gettext_noop("improved"),
            "unchanged": gettext_noop("unchanged"),
            "deteriorated": gettext_noop("deteriorated"),
            "harmed": Term(
                gettext_noop("harmed"), gettext_noop("it also crossed the cut-off, the wrong way")
            ),
        },
    ),
    Words(
        "group_proportion",
        {
            "reliable_improvement": gettext_noop("reliable improvement"),
            "recovery": gettext_noop("recovery"),
            "reliable_deterioration": gettext_noop("reliable deterioration"),
        },
    ),
    Words(
        "horizon",
        {
            "short": Term(gettext_noop("short term"), gettext_noop("up to %(short)s days")),
            "medium": Term(
                gettext_noop("medium term"), gettext_noop("%(medium_from)s to %(medium)s days")
            ),
            "long": Term(gettext_noop("long term"), gettext_noop("more than %(medium)s days")),
        },
        values={
            "short": SHORT_TERM_DAYS,
            "medium_from": SHORT_TERM_DAYS + 1,
            "medium": MEDIUM_TERM_DAYS,
        },
    ),
    Words("finding", FINDING_TITLES),
    Words(
        "stage",
        {
            "proposed": Term(gettext_noop("proposed"), gettext_noop("not started yet")),
            "active": Term(gettext_noop("active"), gettext_noop("the work has started")),
            "ending": Term(gettext_noop("ending"), gettext_noop("the work is coming to an end")),
            # Not a stage of the case format, which stops at `ending`: a service records the
            # day the work ended, and the case is assessed as it stood that day.
            "ended": Term(gettext_noop("ended"), gettext_noop("the work has finished")),
        },
    ),
    Words(
        "setting",
        {
            "individual_therapy": gettext_noop("One-to-one therapy"),
            "group_work": gettext_noop("Group work"),
            "peer_support": gettext_noop("Peer support"),
            "service_design": gettext_noop("Designing or improving a service"),
            "research": gettext_noop("Research"),
            "education": gettext_noop("Teaching or training"),
            "community": gettext_noop("Community work"),
            "other": gettext_noop("Something else"),
        },
    ),
    Words(
        "role",
        {"professional": gettext_noop("professional"), "recipient": gettext_noop("co-producer")},
    ),
    Words(
        "capacity",
        {
            "presumed": Term(
                gettext_noop("presumed"),
                gettext_noop(
                    "Nobody has had a reason to doubt it, so it is taken that they have it."
                ),
                gettext_noop("I have not thought about it"),
            ),
            "has": Term(
                gettext_noop("has capacity"),
                gettext_noop("It was checked for the decisions you share."),
                gettext_noop("I can make these decisions"),
            ),
            "lacks": Term(
                gettext_noop("lacks capacity"),
                gettext_noop("They cannot make these decisions at the moment."),
                gettext_noop("I cannot make these decisions at the moment"),
            ),
            "fluctuating": Term(
                gettext_noop("comes and goes"),
                gettext_noop("Sometimes they can make these decisions and sometimes not."),
                gettext_noop("Sometimes I can make these decisions and sometimes not"),
            ),
            "uncertain": Term(
                gettext_noop("not sure"),
                gettext_noop("There is some reason to doubt it, and it needs checking."),
                gettext_noop("I am not sure"),
            ),
        },
    ),
    Words(
        "consent",
        {
            "informed": Term(
                gettext_noop("agreed, with the costs, benefits and other options explained"),
                mine=gettext_noop(
                    "Yes, I agree, and the costs, benefits and other options were explained to me"
                ),
            ),
            "given": Term(
                gettext_noop("agreed, but not everything explained yet"),
                mine=gettext_noop(
                    "Yes, I agree, but the costs, benefits and other options have not all "
                    "been explained to me yet"
                ),
            ),
            "not_sought": Term(
                gettext_noop("not asked yet"), mine=gettext_noop("I have not answered yet")
            ),
            "declined": Term(
                gettext_noop("does not agree"),
                mine=gettext_noop("No, I do not agree to working this way"),
            ),
            "withdrawn": Term(
                gettext_noop("agreed before, but no longer agrees"),
                mine=gettext_noop("I agreed before, but I no longer agree and want to stop"),
            ),
        },
    ),
    Words(
        "affected_consent",
        {
            "not_sought": gettext_noop("Nobody has asked them yet"),
            "informed": gettext_noop(
                "They agree, and the costs, benefits and other options were explained to them"
            ),
            "given": gettext_noop(
                "They agree, but the costs, benefits and other options have not all been "
                "explained to them yet"
            ),
            "declined": gettext_noop("They do not agree"),
            "not_needed": gettext_noop("Their agreement is not needed (say why below)"),
        },
    ),
    Words(
        "vulnerability",
        {
            "low": Term(
                gettext_noop("low"), gettext_noop("Working this way is unlikely to be a burden.")
            ),
            "moderate": Term(
                gettext_noop("moderate"),
                gettext_noop("Working this way could sometimes be a burden."),
            ),
            "high": Term(
                gettext_noop("high"), gettext_noop("Working this way could easily become a burden.")
            ),
            "not_assessed": gettext_noop("not checked yet"),
        },
    ),
    Words(
        "resource_review",
        {
            "not_done": Term(
                gettext_noop("not looked at yet"), mine=gettext_noop("We have not compared yet")
            ),
            "comparable": Term(
                gettext_noop("costs about the same as usual care"),
                mine=gettext_noop("It costs about the same as the usual way"),
            ),
            "costlier_justified": Term(
                gettext_noop("costs more, for a good reason"),
                gettext_noop("Say the reason in your notes or contract."),
                gettext_noop("It costs more, and we have a good reason"),
            ),
            "costlier_unjustified": Term(
                gettext_noop("costs more, without a clear reason"),
                mine=gettext_noop("It costs more, and we have no good reason yet"),
            ),
        },
    ),
    Words(
        "payment_kind",
        {
            "salary": gettext_noop("A salary: this work is part of their paid job"),
            "payment": gettext_noop("A payment for this work"),
            "expenses": gettext_noop("Expenses only"),
            "none": gettext_noop("Not paid"),
        },
    ),
    Words(
        "contrast_indicator",
        {
            "shared_clinical_decisions": gettext_noop("You make clinical decisions together"),
            "contact_outside_sessions": gettext_noop(
                "You are in contact outside the agreed sessions"
            ),
            "social_relationship": gettext_noop(
                "You also know each other socially, for example as friends"
            ),
            "payment_between_participants": gettext_noop("Money passes between you"),
            "professional_self_disclosure": gettext_noop(
                "The professional shares their own personal experiences"
            ),
            "recipient_in_staff_role": gettext_noop(
                "The person receiving help also works in a staff role"
            ),
            "informal_setting": gettext_noop(
                "You meet somewhere informal, not a clinic or an office"
            ),
            "altered_confidentiality": gettext_noop("Confidentiality works differently from usual"),
            "other": gettext_noop("Something else the service or the public would not expect"),
        },
    ),
    Words(
        "observation_kind",
        {
            "malignant_coupling": Term(
                gettext_noop("A harmful pairing (malignant coupling)"),
                gettext_noop(
                    "The two people keep pulling each other into a pattern that hurts one or both "
                    "of them, and it is hard to step out of it."
                ),
            ),
            "collusion": Term(
                gettext_noop("Collusion"),
                gettext_noop(
                    "The people in the relationship have quietly agreed, even without saying so, "
                    "to avoid something that should be faced, or to keep something from people "
                    "who should know."
                ),
            ),
            "traumatic_reenactment": Term(
                gettext_noop("Repeating an old hurt (traumatic re-enactment)"),
                gettext_noop(
                    "Something in the relationship is playing out a painful or traumatic "
                    "relationship from the past all over again."
                ),
            ),
            "gang_or_cartel": Term(
                gettext_noop("A closed group"),
                gettext_noop(
                    "The relationship, or a group around it, has shut itself off: outsiders are "
                    "kept out and their questions are not welcome."
                ),
            ),
            "boundary_drift": Term(
                gettext_noop("Boundaries slipping"),
                gettext_noop(
                    "What was agreed about contact, roles, money or time is slowly changing "
                    "without anyone deciding it should."
                ),
            ),
            "other": Term(
                gettext_noop("Something else"),
                gettext_noop("Something else about the relationship is worrying."),
            ),
        },
    ),
    Words(
        "observation_status", {"open": gettext_noop("open"), "resolved": gettext_noop("resolved")}
    ),
    Words(
        "consultation_outcome",
        {
            "continue": Term(
                gettext_noop("Carry on as we are"),
                gettext_noop("Working together like this is still right."),
            ),
            "adapt": Term(
                gettext_noop("Carry on, with changes"),
                gettext_noop("Keep working together, but change how."),
            ),
            "switch_model": Term(
                gettext_noop("Change to another way of helping"),
                gettext_noop(
                    "The people consulted think another model of helping would be more ethical."
                ),
            ),
        },
    ),
    Words(
        "review_kind",
        {
            "contract": gettext_noop("review of the agreement"),
            "independent": gettext_noop("independent review"),
        },
    ),
    Words(
        "scrutiny_level",
        {
            "standard": Term(
                gettext_noop("standard"), gettext_noop("the usual supervision is enough")
            ),
            "enhanced": Term(gettext_noop("enhanced"), gettext_noop("more supervision than usual")),
            "intensive": Term(
                gettext_noop("intensive"), gettext_noop("close supervision and independent review")
            ),
        },
    ),
)

VOCABULARY: Mapping[str, Words] = {words.name: words for words in _ALL}
