"""The assessment: what the engine says about a case (docs/case-format.md, "The assessment")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from ._facts import Divergence, Outcome
from ._findings import PRINCIPLES, Finding, Principle, Severity, severity_rank
from ._scrutiny import Scrutiny
from ._wording import Params

FORMAT = "mutuality.assessment/1"
Recommendation = Literal["proceed", "proceed_with_safeguards", "consult", "alternative_model"]
Status = Literal["met", "attention", "concern", "contraindicated"]

_STATUS: dict[Severity, Status] = {
    "info": "met",
    "advisory": "attention",
    "concern": "concern",
    "contraindication": "contraindicated",
}
_RECOMMENDATION: dict[Severity, Recommendation] = {
    "info": "proceed",
    "advisory": "proceed_with_safeguards",
    "concern": "consult",
    "contraindication": "alternative_model",
}


def _worst(findings: Sequence[Finding]) -> Severity:
    return max((f.severity for f in findings), key=severity_rank, default="info")


def recommend(findings: Sequence[Finding]) -> Recommendation:
    """The single recommendation that the most severe finding calls for."""
    return _RECOMMENDATION[_worst(findings)]


def principle_status(findings: Sequence[Finding], principle: Principle) -> Status:
    return _STATUS[_worst([f for f in findings if f.principle == principle])]


@dataclass(frozen=True)
class Assessment:
    """The ethics of one relationship as of one date, principle by principle."""

    title: str
    as_of: date
    stage: str
    recommendation: Recommendation
    principles: dict[Principle, Status]
    scrutiny: Scrutiny
    findings: tuple[Finding, ...]
    divergences: tuple[Divergence, ...]
    outcomes: tuple[Outcome, ...]
    next_change: date | None = None
    """The first later day on which the same case could be judged differently (supervision
    or a review falling overdue, say), or None when only a change to the case can change it.
    Not part of the JSON: it says when to look again, not what was found."""
    names: Mapping[str, str] = field(default_factory=dict)
    """Each participant's id → their `name`, for those the case names (the reports name
    people with it). Not part of the JSON, whose references stay ids."""

    def called(self, participant_id: str) -> str:
        """How the reports name a participant: their name, else their id."""
        return self.names.get(participant_id, participant_id)

    @property
    def actions(self) -> list[str]:
        """Every action the findings above info ask for, once each, most severe first."""
        seen: dict[str, None] = {}
        for finding in self.findings:
            if finding.severity != "info":
                seen.update(dict.fromkeys(finding.actions))
        return list(seen)

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]

    def to_dict(self) -> dict[str, Any]:
        """The JSON of docs/case-format.md, "The assessment as JSON"; numbers are not rounded."""
        return {
            "format": FORMAT,
            "title": self.title,
            "as_of": self.as_of.isoformat(),
            "stage": self.stage,
            "recommendation": self.recommendation,
            "principles": {p: {"status": self.principles[p]} for p in PRINCIPLES},
            "scrutiny": _scrutiny_dict(self.scrutiny),
            "findings": [_finding_dict(f) for f in self.findings],
            "actions": self.actions,
            "divergences": [
                {"question": d.question, "answers": dict(d.answers)} for d in self.divergences
            ],
            "outcomes": [_outcome_dict(o) for o in self.outcomes],
        }


def _scrutiny_dict(scrutiny: Scrutiny) -> dict[str, Any]:
    return {
        "level": scrutiny.level,
        "contrast": scrutiny.contrast,
        "supervision_every_days": scrutiny.supervision_every_days,
        "reasons": list(scrutiny.reasons),
        "indicators": list(scrutiny.indicators),
        "undeclared": list(scrutiny.undeclared),
        "sources": {i: list(where) for i, where in scrutiny.sources.items()},
        # The reasons as templates, so that a page can say them in its reader's language.
        "said": [reason.to_dict() for reason in scrutiny.said],
    }


def _finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "code": finding.code,
        "principle": finding.principle,
        "severity": finding.severity,
        "message": finding.message,
        "actions": list(finding.actions),
        "basis": finding.basis,
        "concerns": list(finding.concerns),
        "evidence": dict(finding.evidence),
        **({"params": finding.params.to_dict()} if finding.params else {}),
    }


def finding_from_dict(data: Mapping[str, Any]) -> Finding:
    """A finding from the assessment's JSON (`_finding_dict`): a page reads a stored
    assessment this way to speak each finding to its reader."""
    params = data.get("params")
    return Finding(
        code=data["code"],
        principle=data["principle"],
        severity=data["severity"],
        message=data["message"],
        actions=tuple(data["actions"]),
        basis=data["basis"],
        concerns=tuple(data["concerns"]),
        evidence=dict(data["evidence"]),
        params=Params.from_dict(params) if params is not None else None,
    )


def _outcome_dict(outcome: Outcome) -> dict[str, Any]:
    change = outcome.change
    entry: dict[str, Any] = {
        "of": outcome.of,
        "instrument": outcome.name,
        "first": change.first,
        "latest": change.latest,
        "days": change.days,
        "difference": change.difference,
        "rci": change.rci,
        "reliable_change_threshold": change.reliable_change_threshold,
        "change": change.change,
        "category": change.category,
        "horizons": {
            "short": change.horizons.short,
            "medium": change.horizons.medium,
            "long": change.horizons.long,
        },
        "n_scores": change.n_scores,
    }
    if change.bands is not None:
        entry["bands"] = {"first": change.bands[0], "latest": change.bands[1]}
    if outcome.series.goal is not None:
        entry["goal"] = outcome.series.goal
    if outcome.series.prorated:
        entry["prorated_scores"] = outcome.series.prorated
    return entry
