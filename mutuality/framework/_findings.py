"""Findings, severities, principles and the registry of rules that raise them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, cast

from ._wording import SUPERVISOR, Doer, Params, Reader, Spoken, fill, speak_words

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
    params: Params | None = None
    """The words as templates and what fills them, for speaking to each reader (`said`)."""


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
    params: Params | None = None
    """`message` and `actions` as templates, with who, what and when fills them and whom each
    action is for: a page speaks the finding to its reader from these (`_wording.speak`)."""

    def sort_key(self) -> tuple[int, int, str, tuple[str, ...]]:
        return (
            -_RANKS[self.severity],
            _PRINCIPLE_ORDER[self.principle],
            self.code,
            self.concerns,
        )


def speak(finding: Finding, reader: Reader) -> Spoken:
    """The finding's message and actions in the words of the person reading: "you" for them,
    names for everyone else, each action with whom it is for. The command line's report keeps
    `finding.message` and `finding.actions`."""
    return speak_words(finding.message, finding.actions, finding.params, reader)


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
        professionals = tuple(p.id for p in facts.case.professionals)
        return [self.finding(raised, everyone, professionals) for raised in self.check(facts)]

    def finding(
        self, raised: Raised, everyone: tuple[str, ...], professionals: tuple[str, ...] = ()
    ) -> Finding:
        """What the check raised, as a finding of this rule (`everyone`: every participant;
        `professionals`: whom an action is for when the rule does not say)."""
        params = raised.params or Params(
            raised.message,
            raised.actions,
            who={"who": tuple(c for c in raised.concerns if c in everyone)},
            actions_for=(professionals,) * len(raised.actions),
        )
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
            params=params,
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


Doers = Doer | tuple[str, ...]
Action = tuple[Doers, str] | tuple[Doers, str, str]
"""An action: who does it, its words, and, where the general form reads badly, its words for
a person it is about who does not do it (the verb phrase after "Priya should": `_wording`)."""


def _doers(facts: Facts, doers: Doers) -> tuple[str, ...]:
    if isinstance(doers, tuple):
        return doers
    if doers == "supervisor":
        return (SUPERVISOR,)
    if doers == "supervision":
        return (*_doers(facts, "professional"), SUPERVISOR)
    people = {
        "professional": facts.case.professionals,
        "recipient": facts.case.recipients,
        "both": facts.case.participants,
    }[doers]
    return tuple(p.id for p in people)


def said(
    facts: Facts,
    severity: Severity,
    message: str,
    actions: Sequence[Action] = (),
    *,
    who: Mapping[str, Sequence[str]] | None = None,
    what: Mapping[str, object] | None = None,
    when: Mapping[str, object] | None = None,
    concerns: tuple[str, ...] = (),
    evidence: Mapping[str, Any] | None = None,
    cli: str | None = None,
    cli_actions: tuple[str, ...] | None = None,
) -> Raised:
    """What a rule raises, its words written once as templates (`_wording`): the command
    line's words are the templates filled with everyone's names (or `cli` / `cli_actions`,
    where the report speaks to both people as "you"), and a page fills them for its reader."""
    params = Params(
        message,
        tuple(action[1] for action in actions),
        who={slot: tuple(ids) for slot, ids in (who or {}).items()},
        what={slot: str(value) for slot, value in (what or {}).items()},
        when={slot: str(value) for slot, value in (when or {}).items()},
        actions_for=tuple(_doers(facts, action[0]) for action in actions),
        actions_about=tuple(action[2] if len(action) == 3 else "" for action in actions),
    )
    return Raised(
        severity,
        cli if cli is not None else fill(message, params, None, facts.called),
        cli_actions
        if cli_actions is not None
        else tuple(fill(t, params, None, facts.called) for t in params.actions),
        concerns=concerns,
        evidence=evidence or {},
        params=params,
    )


def asker(facts: Facts, participant_id: str) -> tuple[str, ...]:
    """Who asks this person something: the professionals other than them, else (when they are
    the one professional) their supervisor."""
    others = tuple(p.id for p in facts.case.professionals if p.id != participant_id)
    return others or (SUPERVISOR,)
