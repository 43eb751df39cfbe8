"""What the rules read: the case plus everything derived from it once.

Merged answers, divergences, outcome classifications and scrutiny are computed
here a single time, so that each rule stays a few lines long and no rule
recomputes what another needs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from mutuality.outcomes import SeriesChange, classify_series

from ._findings import Severity
from ._model import Case, Participant
from ._policy import Policy
from ._questions import QUESTIONS, QUESTIONS_BY_ID
from ._scrutiny import SERIOUS_DYNAMICS, Risks, Scrutiny, assess_scrutiny, contrast_sources
from ._series import Series, outcome_series
from ._translation import gettext_noop
from ._types import english_date
from .exceptions import CaseError


@dataclass(frozen=True)
class Divergence:
    """Participants who answered the same question differently."""

    question: str
    answers: dict[str, str]


@dataclass(frozen=True)
class Outcome:
    """One series of a recipient's scores and how they changed."""

    series: Series
    change: SeriesChange

    @property
    def of(self) -> str:
        return self.series.of

    @property
    def name(self) -> str:
        return self.series.name

    @property
    def label(self) -> str:
        """The measure as people know it: "PHQ-9", or a goal in the person's own words."""
        if self.series.goal is not None:
            return f"the goal \u201c{self.series.goal}\u201d"
        return self.series.instrument.name


@dataclass(frozen=True)
class Facts:
    case: Case
    as_of: date
    policy: Policy
    answers: dict[str, dict[str, str]]
    divergences: tuple[Divergence, ...]
    outcomes: tuple[Outcome, ...]
    multiple_roles: dict[str, tuple[str, ...]]
    scrutiny: Scrutiny
    turning_points: set[date] = field(default_factory=set)
    """Later dates on which a rule's comparison with the date would come out differently
    (filled in by `past`), so the engine can say when its judgement next changes."""

    def stage_severity(self, proposed: Severity, running: Severity) -> Severity:
        """The first severity while proposed, the second once active or ending."""
        return running if self.case.is_running else proposed

    def answered(self, question: str, *values: str) -> list[str]:
        """Ids of the participants who gave one of these answers."""
        return [pid for pid, given in self.answers.items() if given.get(question) in values]

    def called(self, participant_id: str) -> str:
        """How a message names this participant: their name, else their id."""
        return self.case.called(participant_id)

    def called_all(self, participant_ids: list[str]) -> str:
        """Several participants named in a message, in the order given."""
        return ", ".join(self.case.called(pid) for pid in participant_ids)

    def answer_of(self, participant: Participant, question: str) -> str | None:
        return self.answers[participant.id].get(question)

    def days_since(self, earlier: date) -> int:
        return (self.as_of - earlier).days

    def past(self, earlier: date, days: int) -> bool:
        """Whether more than `days` days have gone by since `earlier`.

        Every rule that depends on today's date asks through here, so that when the answer is
        still no, the day it turns to yes is known (and stored, so lists become overdue on
        time without anyone reassessing).
        """
        if self.days_since(earlier) > days:
            return True
        self.turning_points.add(earlier + timedelta(days=days + 1))
        return False

    @property
    def consultation_recorded(self) -> bool:
        return any(c.outcome != "switch_model" for c in self.case.consultations)

    def outcomes_of(self, recipient_id: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.of == recipient_id]


def _answers(case: Case) -> dict[str, dict[str, str]]:
    return {p.id: p.answers.given() for p in case.participants}


def _divergences(answers: dict[str, dict[str, str]]) -> tuple[Divergence, ...]:
    by_question: dict[str, dict[str, str]] = {}
    for pid, given in answers.items():
        for question, answer in given.items():
            by_question.setdefault(question, {})[pid] = answer
    found = []
    for asked in QUESTIONS:  # in the order of the questions, as the report lists them
        differing = by_question.get(asked.id)
        if differing is not None and len(set(differing.values())) > 1:
            found.append(Divergence(asked.id, differing))
    return tuple(found)


def _outcomes(case: Case) -> tuple[Outcome, ...]:
    series, problems = outcome_series(case)
    if problems:  # a Case built without validate_case; refuse rather than guess
        raise CaseError("case", problems)
    return tuple(Outcome(s, classify_series(s.instrument, s.scores)) for s in series)


def _multiple_roles(case: Case, answers: dict[str, dict[str, str]]) -> dict[str, tuple[str, ...]]:
    """Participant id → what shows they hold more than one role towards another."""
    causes: dict[str, tuple[str, ...]] = {}
    for participant in case.participants:
        reasons = tuple(participant.other_roles)
        if answers[participant.id].get("other_roles") == "yes":
            reasons += (gettext_noop("answered that they know each other in another way"),)
        if reasons:
            causes[participant.id] = reasons
    return causes


def _risks(
    case: Case, outcomes: tuple[Outcome, ...], multiple_roles: dict[str, tuple[str, ...]]
) -> Risks:
    serious = tuple(
        f"{o.kind.replace('_', ' ')} (noticed on {english_date(o.date)})"
        for o in case.observations
        if o.status == "open" and o.kind in SERIOUS_DYNAMICS
    )
    # Words for the scrutiny's reasons, so people are named as the case names them.
    vulnerable = tuple(p.called for p in case.recipients if p.vulnerability == "high")
    roles = tuple(case.called(pid) for pid in multiple_roles)
    if "social_relationship" in case.declared_contrast:
        roles += (gettext_noop("a social relationship"),)
    worse = tuple(
        f"{case.called(o.of)} on {o.label}"
        for o in outcomes
        if o.change.change == "reliable_deterioration"
    )
    return Risks(serious, vulnerable, roles, worse)


def build_facts(case: Case, policy: Policy, today: date) -> Facts:
    answers = _answers(case)
    outcomes = _outcomes(case)
    multiple_roles = _multiple_roles(case, answers)
    sources = contrast_sources(case, answers)
    risks = _risks(case, outcomes, multiple_roles)
    scrutiny = assess_scrutiny(tuple(sources), risks, policy, sources, case.called)
    return Facts(
        case=case,
        as_of=case.as_of or today,
        policy=policy,
        answers=answers,
        divergences=_divergences(answers),
        outcomes=outcomes,
        multiple_roles=multiple_roles,
        scrutiny=scrutiny,
    )


__all__ = ["QUESTIONS_BY_ID", "Divergence", "Facts", "Outcome", "build_facts"]
