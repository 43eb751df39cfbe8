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

SERIOUS_DYNAMICS = ("malignant_coupling", "collusion", "traumatic_reenactment", "gang_or_cartel")

DECLARED = "declared"
FROM_DISCLOSURES = "record:disclosures"
Sources = Mapping[str, tuple[str, ...]]


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


@dataclass(frozen=True)
class Risks:
    """The things besides contrast that raise the level."""

    serious_open_observations: tuple[str, ...] = ()
    high_vulnerability: tuple[str, ...] = ()
    multiple_roles: tuple[str, ...] = ()
    deterioration: tuple[str, ...] = ()


def _raise(level: Level, floor: Level) -> Level:
    return max(level, floor, key=LEVELS.index)


def _words(indicator: str) -> str:
    return indicator.replace("_", " ")


def contrast_reason(indicators: Sequence[str], level: Level) -> str:
    if not indicators:
        return f"No departures from what the service and wider society would expect: {level}."
    listed = "; ".join(_words(i) for i in indicators)
    ways = "way" if len(indicators) == 1 else "ways"
    return (
        f"{len(indicators)} {ways} this relationship departs from what the service and "
        f"wider society would expect ({listed}): {level}."
    )


def _as_written(participant_id: str) -> str:
    return participant_id


def _source_words(source: str, called: Callable[[str], str]) -> str:
    if source.startswith("answer:"):
        return f"{called(source.removeprefix('answer:'))} answered yes"
    return "a professional's recorded self-disclosure"


def undeclared_reason(
    indicator: str, sources: Sequence[str], called: Callable[[str], str] = _as_written
) -> str:
    """Why an indicator counts though `contrast` leaves it out (`called` names a participant
    from their id)."""
    where = "; ".join(_source_words(s, called) for s in sources)
    return f"Counted though not declared in the contrast: {_words(indicator)} ({where})."


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
    reasons += [undeclared_reason(i, sources[i], called) for i in undeclared]
    raises: list[tuple[Level, tuple[str, ...], str]] = [
        ("intensive", risks.serious_open_observations, "an open observation of {}"),
        ("enhanced", risks.high_vulnerability, "high vulnerability ({})"),
        ("enhanced", risks.multiple_roles, "multiple roles ({})"),
        ("enhanced", risks.deterioration, "reliable deterioration ({})"),
    ]
    for floor, causes, wording in raises:
        if causes and _raise(level, floor) != level:
            level = _raise(level, floor)
            reasons.append(
                f"Raised to {level} because of " + wording.format("; ".join(causes)) + "."
            )
        elif causes:
            reasons.append(
                f"Also calls for at least {floor}: " + wording.format("; ".join(causes)) + "."
            )
    return Scrutiny(
        level=level,
        contrast=len(indicators),
        indicators=tuple(indicators),
        supervision_every_days=rules.supervision_every_days.for_level(level),
        reasons=tuple(reasons),
        undeclared=undeclared,
        sources=sources,
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
