"""Scrutiny proportional to contrast (docs/case-format.md, "Scrutiny")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ._model import Case
from ._policy import LEVELS, Level, Policy

SERIOUS_DYNAMICS = ("malignant_coupling", "collusion", "traumatic_reenactment", "gang_or_cartel")


@dataclass(frozen=True)
class Scrutiny:
    """How much external scrutiny a relationship needs, and why."""

    level: Level
    contrast: int
    indicators: tuple[str, ...]
    supervision_every_days: int
    reasons: tuple[str, ...]


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


def assess_scrutiny(indicators: Sequence[str], risks: Risks, policy: Policy) -> Scrutiny:
    """The level from contrast, then raised (never lowered) by open dynamics and risks."""
    rules = policy.scrutiny
    level = rules.level_for_contrast(len(indicators))
    reasons = [contrast_reason(indicators, level)]
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
    )


def contrast_indicators(case: Case, answered_contact_outside: bool) -> tuple[str, ...]:
    """The distinct ways the relationship departs from what others would expect."""
    indicators = set(case.contrast)
    if answered_contact_outside:
        indicators.add("contact_outside_sessions")
    return tuple(sorted(indicators))
