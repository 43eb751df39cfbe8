"""Findings, severities, principles and the registry of rules that raise them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

if TYPE_CHECKING:
    from ._facts import Facts

Principle = Literal["respect", "competence", "responsibility", "integrity"]
Severity = Literal["info", "advisory", "concern", "contraindication"]
PRINCIPLES: tuple[Principle, ...] = ("respect", "competence", "responsibility", "integrity")
SEVERITIES: tuple[Severity, ...] = ("info", "advisory", "concern", "contraindication")


_RANKS: dict[str, int] = {severity: rank for rank, severity in enumerate(SEVERITIES)}
_PRINCIPLE_ORDER: dict[str, int] = {principle: n for n, principle in enumerate(PRINCIPLES)}


def severity_rank(severity: Severity) -> int:
    return _RANKS[severity]


@dataclass(frozen=True)
class Raised:
    """What a rule says about one cause; the registry adds code, principle and basis."""

    severity: Severity
    message: str
    actions: tuple[str, ...]
    concerns: tuple[str, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """One ethical point raised about a case."""

    code: str
    principle: Principle
    severity: Severity
    message: str
    actions: tuple[str, ...]
    basis: str
    concerns: tuple[str, ...]
    evidence: Mapping[str, Any]

    def sort_key(self) -> tuple[int, int, str, tuple[str, ...]]:
        return (
            -_RANKS[self.severity],
            _PRINCIPLE_ORDER[self.principle],
            self.code,
            self.concerns,
        )


Check = Callable[["Facts"], Iterable[Raised]]


@dataclass(frozen=True)
class Rule:
    """A registered rule: its code, principle, catalogue severity, basis and check."""

    code: str
    principle: Principle
    severity: str  # as the catalogue states it, e.g. "advisory / concern"
    basis: str
    check: Check

    def findings(self, facts: Facts) -> list[Finding]:
        everyone = tuple(p.id for p in facts.case.participants)
        return [self.finding(raised, everyone) for raised in self.check(facts)]

    def finding(self, raised: Raised, everyone: tuple[str, ...]) -> Finding:
        """What the check raised, as a finding of this rule (`everyone`: every participant)."""
        return Finding(
            code=self.code,
            principle=self.principle,
            severity=raised.severity,
            message=raised.message,
            actions=raised.actions,
            basis=self.basis,
            # A finding about the relationship as a whole concerns everyone in it.
            concerns=raised.concerns or everyone,
            evidence=dict(raised.evidence),
        )


_REGISTRY: dict[str, Rule] = {}


def rule(code: str, *, severity: str, basis: str) -> Callable[[Check], Check]:
    """Register a check under its finding code; the principle is the code's prefix."""
    principle = cast(Principle, code.split(".", 1)[0])
    if principle not in PRINCIPLES:
        raise ValueError(f"{code}: a finding code starts with its principle")

    def register(check: Check) -> Check:
        if code in _REGISTRY:
            raise ValueError(f"{code} is registered twice")
        _REGISTRY[code] = Rule(code, principle, severity, basis, check)
        return check

    return register


_IN_ORDER: list[tuple[Rule, ...]] = []  # the registry in catalogue order, once it is complete


def registered_rules() -> tuple[Rule, ...]:
    """Every rule, in catalogue order (by principle, then as registered)."""
    from . import _rules  # noqa: F401  (importing the package registers its rules)

    if not _IN_ORDER or len(_IN_ORDER[0]) != len(_REGISTRY):
        ordered = sorted(_REGISTRY.values(), key=lambda r: PRINCIPLES.index(r.principle))
        _IN_ORDER[:] = [tuple(ordered)]
    return _IN_ORDER[0]
