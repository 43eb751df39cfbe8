"""Scrutiny proportional to contrast (docs/case-format.md, "Scrutiny").

The contrast counts what `contrast` declares together with what the answers and the record
show (format 1.1), so that nobody lowers the level by leaving an indicator out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ._model import Case
from ._policy import LEVELS, Level, Policy
from ._questions import INDICATING
from ._translation import gettext_noop, translated

SERIOUS_DYNAMICS = ("malignant_coupling", "collusion", "traumatic_reenactment", "gang_or_cartel")

DECLARED = "declared"
FROM_DISCLOSURES = "record:disclosures"
Sources = Mapping[str, tuple[str, ...]]


@dataclass(frozen=True)
class Reason:
    """One reason for the level, as a template and what fills it, so that each reader reads
    it in their own language (`Reason.words`); `Scrutiny.reasons` holds them in English."""

    template: str
    level: str = ""
    count: int = 0
    indicators: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    causes: tuple[str, ...] = ()

    def words(
        self, called: Callable[[str], str] | None = None, say: Callable[[str], str] = translated
    ) -> str:
        """The reason in the language of the moment (`called` names a participant; `say`
        gives each word: `_as_written` for the English the command line prints)."""
        name = called or _as_written
        joined = say(_SEMICOLON).join
        return say(self.template) % {
            "level": say(self.level),
            "count": self.count,
            "indicators": joined(_indicator_words(i, say) for i in self.indicators),
            "sources": joined(_source_words(s, name, say) for s in self.sources),
            "causes": joined(say(cause) for cause in self.causes),
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "template": self.template,
            "level": self.level,
            "count": self.count,
            "indicators": list(self.indicators),
            "sources": list(self.sources),
            "causes": list(self.causes),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> Reason:
        def texts(key: str) -> tuple[str, ...]:
            value = data.get(key) or ()
            return tuple(str(v) for v in value) if isinstance(value, list | tuple) else ()

        count = data.get("count", 0)
        return cls(
            template=str(data.get("template", "")),
            level=str(data.get("level", "")),
            count=count if isinstance(count, int) else 0,
            indicators=texts("indicators"),
            sources=texts("sources"),
            causes=texts("causes"),
        )


def scrutiny_reasons(
    scrutiny: Mapping[str, object], called: Callable[[str], str] | None = None
) -> list[str]:
    """The reasons of a stored assessment's scrutiny, in the reader's language (an assessment
    stored before reasons kept their templates shows its reasons as they were written)."""
    said = scrutiny.get("said")
    if isinstance(said, list):
        return [Reason.from_dict(reason).words(called) for reason in said]
    reasons = scrutiny.get("reasons")
    return [str(reason) for reason in reasons] if isinstance(reasons, list) else []


@dataclass(frozen=True)
class Scrutiny:
    """How much external scrutiny a relationship needs, and why."""

    level: Level
    contrast: int
    indicators: tuple[str, ...]
    supervision_every_days: int
    reasons: tuple[str, ...]
    undeclared: tuple[str, ...] = ()
    """Counted indicators that `contrast` does not list, sorted."""
    sources: Sources = field(default_factory=dict)
    """Each counted indicator → where it came from: `declared`, `answer:<participant id>`,
    `record:disclosures` (sorted)."""
    said: tuple[Reason, ...] = ()
    """`reasons` as templates, for a reader in another language."""


@dataclass(frozen=True)
class Risks:
    """The things besides contrast that raise the level."""

    serious_open_observations: tuple[str, ...] = ()
    high_vulnerability: tuple[str, ...] = ()
    multiple_roles: tuple[str, ...] = ()
    deterioration: tuple[str, ...] = ()


def _raise(level: Level, floor: Level) -> Level:
    return max(level, floor, key=LEVELS.index)


_SEMICOLON = gettext_noop("; ")  # between the items of a list inside a reason
# Each indicator as a reason names it (the contrast page's longer words are VOCABULARY's).
_INDICATORS = {
    "shared_clinical_decisions": gettext_noop("shared clinical decisions"),
    "contact_outside_sessions": gettext_noop("contact outside sessions"),
    "social_relationship": gettext_noop("social relationship"),
    "payment_between_participants": gettext_noop("payment between participants"),
    "professional_self_disclosure": gettext_noop("professional self disclosure"),
    "recipient_in_staff_role": gettext_noop("recipient in staff role"),
    "informal_setting": gettext_noop("informal setting"),
    "altered_confidentiality": gettext_noop("altered confidentiality"),
    "other": gettext_noop("other"),
}
_NO_DEPARTURES = gettext_noop(
    "No departures from what the service and wider society would expect: %(level)s."
)
_ONE_WAY = gettext_noop(
    "%(count)s way this relationship departs from what the service and wider society would "
    "expect (%(indicators)s): %(level)s."
)
_WAYS = gettext_noop(
    "%(count)s ways this relationship departs from what the service and wider society would "
    "expect (%(indicators)s): %(level)s."
)
_UNDECLARED = gettext_noop(
    "Counted though not declared in the contrast: %(indicators)s (%(sources)s)."
)
_ANSWERED_YES = gettext_noop("%(name)s answered yes")
_SELF_DISCLOSURE = gettext_noop("a professional's recorded self-disclosure")


def _indicator_words(indicator: str, say: Callable[[str], str]) -> str:
    return say(_INDICATORS.get(indicator, indicator.replace("_", " ")))


def contrast_reason(indicators: Sequence[str], level: Level) -> Reason:
    if not indicators:
        return Reason(_NO_DEPARTURES, level)
    template = _ONE_WAY if len(indicators) == 1 else _WAYS
    return Reason(template, level, len(indicators), tuple(indicators))


def _as_written(participant_id: str) -> str:
    return participant_id


def _source_words(source: str, called: Callable[[str], str], say: Callable[[str], str]) -> str:
    if source.startswith("answer:"):
        return say(_ANSWERED_YES) % {"name": called(source.removeprefix("answer:"))}
    return say(_SELF_DISCLOSURE)


def undeclared_reason(indicator: str, sources: Sequence[str]) -> Reason:
    """Why an indicator counts though `contrast` leaves it out."""
    return Reason(_UNDECLARED, indicators=(indicator,), sources=tuple(sources))


# Why a risk raises the level, or would on its own: each sentence whole, for translators.
_RAISED = {
    "observation": gettext_noop(
        "Raised to %(level)s because of an open observation of %(causes)s."
    ),
    "vulnerability": gettext_noop(
        "Raised to %(level)s because of high vulnerability (%(causes)s)."
    ),
    "roles": gettext_noop("Raised to %(level)s because of multiple roles (%(causes)s)."),
    "deterioration": gettext_noop(
        "Raised to %(level)s because of reliable deterioration (%(causes)s)."
    ),
}
_ALSO = {
    "observation": gettext_noop(
        "Also calls for at least %(level)s: an open observation of %(causes)s."
    ),
    "vulnerability": gettext_noop(
        "Also calls for at least %(level)s: high vulnerability (%(causes)s)."
    ),
    "roles": gettext_noop("Also calls for at least %(level)s: multiple roles (%(causes)s)."),
    "deterioration": gettext_noop(
        "Also calls for at least %(level)s: reliable deterioration (%(causes)s)."
    ),
}


def assess_scrutiny(
    indicators: Sequence[str],
    risks: Risks,
    policy: Policy,
    sources: Sources | None = None,
    called: Callable[[str], str] = _as_written,
) -> Scrutiny:
    """The level from contrast, then raised (never lowered) by open dynamics and risks.

    `sources` says where each indicator came from; without it, every one was declared.
    `called` names a participant in the reasons from their id (their name, else the id).
    """
    rules = policy.scrutiny
    level = rules.level_for_contrast(len(indicators))
    if sources is None:
        sources = {i: (DECLARED,) for i in indicators}
    undeclared = tuple(sorted(i for i in indicators if DECLARED not in sources[i]))
    reasons = [contrast_reason(indicators, level)]
    reasons += [undeclared_reason(i, sources[i]) for i in undeclared]
    raises: list[tuple[Level, tuple[str, ...], str]] = [
        ("intensive", risks.serious_open_observations, "observation"),
        ("enhanced", risks.high_vulnerability, "vulnerability"),
        ("enhanced", risks.multiple_roles, "roles"),
        ("enhanced", risks.deterioration, "deterioration"),
    ]
    for floor, causes, risk in raises:
        if causes and _raise(level, floor) != level:
            level = _raise(level, floor)
            reasons.append(Reason(_RAISED[risk], level, causes=causes))
        elif causes:
            reasons.append(Reason(_ALSO[risk], floor, causes=causes))
    return Scrutiny(
        level=level,
        contrast=len(indicators),
        indicators=tuple(indicators),
        supervision_every_days=rules.supervision_every_days.for_level(level),
        # The stored and printed reasons: the templates as written, in English.
        reasons=tuple(reason.words(called, _as_written) for reason in reasons),
        undeclared=undeclared,
        sources=sources,
        said=tuple(reasons),
    )


def contrast_sources(
    case: Case, answers: Mapping[str, Mapping[str, str]]
) -> dict[str, tuple[str, ...]]:
    """Each distinct way the relationship departs from what others would expect, sorted, with
    where it shows: declared in `contrast`, a participant's `yes`, or a professional's
    recorded self-disclosure (nothing else in the record maps one to one onto an indicator)."""
    found: dict[str, set[str]] = {i: {DECLARED} for i in case.declared_contrast}
    for question in INDICATING:
        for pid, given in answers.items():
            if given.get(question.id) == "yes":
                found.setdefault(str(question.indicates), set()).add(f"answer:{pid}")
    if case.disclosures:
        professionals = {p.id for p in case.professionals}
        if any(d.by in professionals for d in case.disclosures):
            found.setdefault("professional_self_disclosure", set()).add(FROM_DISCLOSURES)
    return {i: tuple(sorted(found[i])) for i in sorted(found)}
