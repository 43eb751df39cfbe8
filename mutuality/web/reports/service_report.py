"""The service report (issue 5, item 3): how a service's co-productive work stands.

Everything here reads rows and the stored assessment history; nothing decides a finding.
Findings, recommendations and scrutiny levels come from the `AssessmentRecord` rows the
framework wrote; outcome change comes from the outcomes package (`group_change`,
`paired_outcome`, `paired_rates`) over the framework's `person_series`.

Decisions (also shown on the page):

- The report is as of `today`: it reads each relationship's **latest** stored assessment,
  and counts days (supervision, how long a finding has been open) up to `today`.
- A finding is open since the earliest assessment of the unbroken run of assessments, up to
  the latest, that contain its code. A code raised twice in one relationship (two people,
  say) counts once for that relationship.
- Supervision is in time when the days since the last supervision (or since the start, when
  there has been none) are at most what the latest assessment's scrutiny level requires;
  only running relationships (active or ending) are counted.
- Consent is covered when it is informed; an affected party's consent is covered when it is
  informed or not needed.
- Outcomes: one entry per score series (goals pool into their instrument, as in the outcomes
  report). At a horizon, a series is eligible once the horizon has begun for it (short and
  first-to-latest: it has a first score; medium: 91 days or more since it; long: 366 days or
  more), and has data when a later score falls inside the horizon (the last one is used).
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from mutuality.framework import CaseError, person_series
from mutuality.outcomes import (
    MEDIUM_TERM_DAYS,
    SHORT_TERM_DAYS,
    GroupChange,
    PairedOutcome,
    PairedRates,
    PersonSeries,
    ProportionName,
    ScorePair,
    group_change,
    paired_outcome,
    paired_rates,
)
from mutuality.web.relationships.case_io import to_case
from mutuality.web.relationships.models import (
    AFFECTED_CONSENTS,
    CONSENTS,
    STAGES,
    AssessmentRecord,
    Relationship,
)

Horizon = Literal["latest", "short", "medium", "long"]
HORIZONS: tuple[Horizon, ...] = ("latest", "short", "medium", "long")
HORIZON_NAMES: Mapping[Horizon, str] = {
    "latest": "First to latest",
    "short": "Short term",
    "medium": "Medium term",
    "long": "Long term",
}
_HORIZON_STARTS: Mapping[Horizon, int] = {
    "latest": 0,
    "short": 0,
    "medium": SHORT_TERM_DAYS + 1,
    "long": MEDIUM_TERM_DAYS + 1,
}
RECOMMENDATIONS = ("proceed", "proceed_with_safeguards", "consult", "alternative_model")
SCRUTINY_LEVELS = ("standard", "enhanced", "intensive")
RUNNING = ("active", "ending")
NOT_ASSESSED = "not_assessed"
# Findings that say supervision or a review is overdue (the framework's own codes).
OVERDUE_CODES = (
    "competence.supervision_insufficient",
    "competence.supervision_overdue",
    "competence.independent_review_due",
    "integrity.review_overdue",
)
OVERDUE_NAMES = {
    "competence.supervision_insufficient": "supervision interval too long",
    "competence.supervision_overdue": "supervision overdue",
    "competence.independent_review_due": "independent review due",
    "integrity.review_overdue": "contract review overdue",
}
PAIRED = ("phq9", "gad7")
PROPORTIONS: tuple[ProportionName, ...] = (
    "reliable_improvement",
    "recovery",
    "reliable_deterioration",
)


@dataclass(frozen=True)
class Filters:
    """What the report is narrowed to; empty values narrow nothing."""

    team: str = ""
    professional: int | None = None
    active_from: date | None = None
    active_to: date | None = None


def filter_relationships(
    relationships: QuerySet[Relationship], filters: Filters
) -> QuerySet[Relationship]:
    """Narrow to a team or professional (a relationship's team is its professional's), and
    to the relationships whose work ran during the period (started, and not ended before)."""
    professional = Q(participants__role="professional")
    if filters.team:
        relationships = relationships.filter(
            professional & Q(participants__user__team=filters.team)
        )
    if filters.professional is not None:
        relationships = relationships.filter(
            professional & Q(participants__user_id=filters.professional)
        )
    if filters.active_from is not None or filters.active_to is not None:
        relationships = relationships.filter(started__isnull=False)
    if filters.active_to is not None:
        relationships = relationships.filter(started__lte=filters.active_to)
    if filters.active_from is not None:
        relationships = relationships.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=filters.active_from)
        )
    return relationships.distinct()


@dataclass(frozen=True)
class OpenFinding:
    code: str
    relationships: int
    median_days: float
    longest_days: int


@dataclass(frozen=True)
class LevelCompliance:
    """Supervision and reviews of the running relationships at one scrutiny level."""

    level: str
    required_days: int | None
    running: int
    interval_agreed: int  # an agreed supervision interval no longer than the level requires
    supervised_in_time: int
    supervision_overdue: int
    never_supervised: int
    overdue_findings: Mapping[str, int]


@dataclass(frozen=True)
class ConsentCoverage:
    relationships: int
    people: Mapping[str, int]
    affected: Mapping[str, int]
    everyone_informed: int
    affected_identified: int
    affected_covered: int


@dataclass(frozen=True)
class GroupRow:
    key: str
    horizon: Horizon
    eligible: int
    change: GroupChange  # its n is the number with data


@dataclass(frozen=True)
class PairedRow:
    horizon: Horizon
    eligible: int
    rates: PairedRates  # finished is the number with data


@dataclass(frozen=True)
class ServiceReport:
    today: date
    relationships: int
    by_stage: Mapping[str, int]
    by_recommendation: Mapping[str, int]
    by_scrutiny: Mapping[str, int]
    open_findings: tuple[OpenFinding, ...]
    compliance: tuple[LevelCompliance, ...]
    consent: ConsentCoverage
    groups: tuple[GroupRow, ...]
    paired: tuple[PairedRow, ...]
    unreadable: int = 0  # relationships whose outcomes could not be read
    notes: tuple[str, ...] = field(default=())


def _history(relationships: QuerySet[Relationship]) -> list[Relationship]:
    oldest_first = AssessmentRecord.objects.order_by("created", "pk")
    return list(
        relationships.select_related("organisation").prefetch_related(
            Prefetch("assessments", queryset=oldest_first, to_attr="history"),
            "participants",
            "affected_parties",
        )
    )


def _latest(relationship: Relationship) -> AssessmentRecord | None:
    history: list[AssessmentRecord] = getattr(relationship, "history", [])
    return history[-1] if history else None


def _codes(record: AssessmentRecord) -> set[str]:
    return {str(finding["code"]) for finding in record.result.get("findings", [])}


def open_since(history: Sequence[AssessmentRecord]) -> dict[str, datetime]:
    """Each code open in the latest assessment, with the time its unbroken run began."""
    if not history:
        return {}
    since: dict[str, datetime] = {}
    for code in _codes(history[-1]):
        start = history[-1].created
        for record in reversed(history):
            if code not in _codes(record):
                break
            start = record.created
        since[code] = start
    return since


def _open_findings(relationships: Iterable[Relationship], today: date) -> tuple[OpenFinding, ...]:
    days: dict[str, list[int]] = {}
    for relationship in relationships:
        for code, start in open_since(getattr(relationship, "history", [])).items():
            days.setdefault(code, []).append((today - timezone.localdate(start)).days)
    return tuple(
        OpenFinding(code, len(spans), statistics.median(spans), max(spans))
        for code, spans in sorted(days.items(), key=lambda item: (-len(item[1]), item[0]))
    )


def _scrutiny(record: AssessmentRecord | None) -> dict[str, Any]:
    return dict(record.result.get("scrutiny") or {}) if record else {}


def _level(record: AssessmentRecord | None) -> str:
    return str(_scrutiny(record).get("level") or NOT_ASSESSED)


def _compliance(relationships: Sequence[Relationship], today: date) -> tuple[LevelCompliance, ...]:
    by_level: dict[str, list[Relationship]] = {}
    for relationship in relationships:
        if relationship.stage in RUNNING:
            by_level.setdefault(_level(_latest(relationship)), []).append(relationship)
    return tuple(
        _level_compliance(level, by_level[level], today)
        for level in (*SCRUTINY_LEVELS, NOT_ASSESSED)
        if level in by_level
    )


def _level_compliance(level: str, running: Sequence[Relationship], today: date) -> LevelCompliance:
    required = _scrutiny(_latest(running[0])).get("supervision_every_days")
    in_time = agreed = never = 0
    overdue: Counter[str] = Counter()
    for relationship in running:
        latest = _latest(relationship)
        since = relationship.last_supervision or relationship.started
        never += relationship.last_supervision is None
        in_time += since is not None and required is not None and (today - since).days <= required
        every = relationship.supervision_every_days
        agreed += every is not None and required is not None and every <= required
        if latest is not None:
            overdue.update(code for code in _codes(latest) if code in OVERDUE_CODES)
    return LevelCompliance(
        level=level,
        required_days=required,
        running=len(running),
        interval_agreed=agreed,
        supervised_in_time=in_time,
        supervision_overdue=len(running) - in_time,
        never_supervised=never,
        overdue_findings={code: overdue[code] for code in OVERDUE_CODES},
    )


def _consent(relationships: Sequence[Relationship]) -> ConsentCoverage:
    people: Counter[str] = Counter()
    affected: Counter[str] = Counter()
    everyone = identified = covered = 0
    for relationship in relationships:
        consents = [p.consent for p in relationship.participants.all()]
        parties = [a.consent for a in relationship.affected_parties.all()]
        people.update(consents)
        affected.update(parties)
        everyone += bool(consents) and all(c == "informed" for c in consents)
        identified += relationship.affected_identified or bool(parties)
        covered += bool(parties) and all(c in ("informed", "not_needed") for c in parties)
    return ConsentCoverage(
        relationships=len(relationships),
        people={value: people[value] for value, _ in CONSENTS},
        affected={value: affected[value] for value, _ in AFFECTED_CONSENTS},
        everyone_informed=everyone,
        affected_identified=identified,
        affected_covered=covered,
    )


def _horizon_of(days: int) -> Horizon:
    # The horizons of docs/outcomes.md, by the outcomes package's own constants.
    if days <= SHORT_TERM_DAYS:
        return "short"
    return "medium" if days <= MEDIUM_TERM_DAYS else "long"


def eligible(series: PersonSeries, horizon: Horizon, today: date) -> bool:
    """Whether the horizon has begun for this series (it has a first score long enough ago)."""
    return bool(series.scores) and (today - series.scores[0][0]).days >= _HORIZON_STARTS[horizon]


def horizon_pair(series: PersonSeries, horizon: Horizon) -> ScorePair | None:
    """The first score and the last later score inside the horizon, or None."""
    if len(series.scores) < 2:
        return None
    first_day, first = series.scores[0]
    if horizon == "latest":
        return (first, series.scores[-1][1])
    inside = [s for d, s in series.scores[1:] if _horizon_of((d - first_day).days) == horizon]
    return (first, inside[-1]) if inside else None


def _series(relationships: Iterable[Relationship]) -> tuple[list[PersonSeries], int]:
    found: list[PersonSeries] = []
    unreadable = 0
    for relationship in relationships:
        try:
            own = person_series(to_case(relationship))
        except CaseError:
            unreadable += 1
            continue
        for one in own:
            # People are told apart across relationships by the relationship's id.
            found.append(
                PersonSeries(
                    person=f"{relationship.pk}/{one.person}",
                    series_id=one.series_id,
                    instrument=one.instrument,
                    goal=one.goal,
                    scores=sorted(one.scores, key=lambda score: score[0]),
                )
            )
    return found, unreadable


def group_key(series: PersonSeries) -> str:
    """Goals pool into their instrument; every other series (ONS4 items too) stays apart."""
    return series.instrument.id if series.goal is not None else series.series_id


def _groups(series: Sequence[PersonSeries], today: date) -> tuple[GroupRow, ...]:
    pooled: dict[str, list[PersonSeries]] = {}
    for one in series:
        pooled.setdefault(group_key(one), []).append(one)
    rows = []
    for key in sorted(pooled):
        members = pooled[key]
        for horizon in HORIZONS:
            ready = [s for s in members if eligible(s, horizon, today)]
            pairs = [p for s in ready if (p := horizon_pair(s, horizon)) is not None]
            rows.append(
                GroupRow(key, horizon, len(ready), group_change(members[0].instrument, pairs))
            )
    return tuple(rows)


def _paired(series: Sequence[PersonSeries], today: date) -> tuple[PairedRow, ...]:
    people: dict[str, dict[str, PersonSeries]] = {}
    for one in series:
        if one.series_id in PAIRED:
            people.setdefault(one.person, {})[one.series_id] = one
    both = {person: own for person, own in people.items() if len(own) == len(PAIRED)}
    rows = []
    for horizon in HORIZONS:
        outcomes: list[PairedOutcome] = []
        ready = 0
        for person, own in sorted(both.items()):
            if not all(eligible(own[m], horizon, today) for m in PAIRED):
                continue
            ready += 1
            phq9, gad7 = (horizon_pair(own[m], horizon) for m in PAIRED)
            if phq9 is not None and gad7 is not None:
                outcomes.append(paired_outcome(person, phq9=phq9, gad7=gad7))
        rates = paired_rates(outcomes, not_finished=ready - len(outcomes))
        rows.append(PairedRow(horizon, ready, rates))
    return tuple(rows)


def _tally(values: Iterable[str], order: Sequence[str]) -> dict[str, int]:
    counts = Counter(values)
    known = {value: counts.pop(value, 0) for value in order}
    return {**known, **dict(sorted(counts.items()))}


def service_report(relationships: QuerySet[Relationship], today: date) -> ServiceReport:
    """The service report over these relationships, as of `today`."""
    rows = _history(relationships)
    latest = [_latest(r) for r in rows]
    series, unreadable = _series(rows)
    return ServiceReport(
        today=today,
        relationships=len(rows),
        by_stage=_tally((r.stage for r in rows), [value for value, _ in STAGES]),
        by_recommendation=_tally(
            (record.recommendation if record else NOT_ASSESSED for record in latest),
            (*RECOMMENDATIONS, NOT_ASSESSED),
        ),
        by_scrutiny=_tally((_level(record) for record in latest), (*SCRUTINY_LEVELS, NOT_ASSESSED)),
        open_findings=_open_findings(rows, today),
        compliance=_compliance(rows, today),
        consent=_consent(rows),
        groups=_groups(series, today),
        paired=_paired(series, today),
        unreadable=unreadable,
    )
