"""The service report (issue 5, item 3): how a service's co-productive work stands.

Everything here counts rows in the database, in the same handful of queries however many
relationships the report covers; nothing decides a finding and no relationship is rebuilt as a
case. Recommendations, scrutiny levels and findings come from the typed rows `reassess` writes
(`AssessedPeriod`, `CurrentFinding`: models.py, "The stored assessment as rows"); outcome change
comes from the outcomes package (`group_change`, `paired_outcome`, `paired_rates`) over each
series as the framework summarised it (`SeriesSummary`).

Decisions (also shown on the page):

- The report is as of `today`: it reads the stored assessment that applies on that day (the
  rows carry it through time, so an untouched relationship still falls overdue on time), and
  counts days (supervision, how long a finding has been open) up to `today`.
- A finding is open since the first day of the unbroken run of days in which it applied, up
  to `today`. A code raised twice in one relationship (two people, say) counts once for that
  relationship.
- Supervision is in time when the days since the last supervision (or since the start, when
  there has been none) are at most what the scrutiny level of the day requires; only running
  relationships (active or ending) are counted.
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from mutuality.outcomes import (
    MEDIUM_TERM_DAYS,
    SHORT_TERM_DAYS,
    GroupChange,
    Instrument,
    InstrumentDefinition,
    OutcomesError,
    PairedOutcome,
    PairedRates,
    ProportionName,
    ScorePair,
    build_instruments,
    group_change,
    paired_outcome,
    paired_rates,
    resolve_series,
    shipped_instruments,
)
from mutuality.web.relationships.actions import current
from mutuality.web.relationships.assessed import Horizon
from mutuality.web.relationships.models import (
    AFFECTED_CONSENTS,
    CONSENTS,
    STAGES,
    AffectedParty,
    AssessedPeriod,
    CurrentFinding,
    Participant,
    Relationship,
    SeriesSummary,
)

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
    # Subqueries, not joins: no relationship counted twice, and no DISTINCT for the database
    # to plan around in every query of the report that narrows to these relationships.
    professionals = Participant.objects.filter(relationship=OuterRef("pk"), role="professional")
    if filters.team:
        relationships = relationships.filter(Exists(professionals.filter(user__team=filters.team)))
    if filters.professional is not None:
        relationships = relationships.filter(
            Exists(professionals.filter(user_id=filters.professional))
        )
    if filters.active_from is not None or filters.active_to is not None:
        relationships = relationships.filter(started__isnull=False)
    if filters.active_to is not None:
        relationships = relationships.filter(started__lte=filters.active_to)
    if filters.active_from is not None:
        relationships = relationships.filter(
            Q(ended_on__isnull=True) | Q(ended_on__gte=filters.active_from)
        )
    return relationships


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
    unreadable: int = 0  # relationships whose outcomes could not be read (their own instruments)
    notes: tuple[str, ...] = field(default=())


def _today_only(today: date, relation: str = "") -> Q:
    """The condition on a span (`<relation>__starts`, `__ends`) that it applies on this day."""
    prefix = f"{relation}__" if relation else ""
    return Q(**{f"{prefix}starts__lte": today}) & (
        Q(**{f"{prefix}ends__isnull": True}) | Q(**{f"{prefix}ends__gt": today})
    )


def _tally(values: Mapping[str, int], order: Sequence[str]) -> dict[str, int]:
    """Counts in the given order (every value of it, zeros too), then any others by name."""
    counts = Counter(values)
    known = {value: counts.pop(value, 0) for value in order}
    return {**known, **dict(sorted(counts.items()))}


# --- the assessment of the day: recommendations and scrutiny levels -------------------------------


@dataclass(frozen=True)
class _Levels:
    """Recommendations and scrutiny levels of the day, and the days each level requires."""

    by_recommendation: dict[str, int]
    by_scrutiny: dict[str, int]
    required: dict[str, int]  # the supervision interval each level needs (the stored one)


def _levels(chosen: QuerySet[Relationship], total: int, today: date) -> _Levels:
    periods = current(AssessedPeriod.objects.filter(relationship__in=chosen), today)
    rows = (
        periods.order_by()
        .values("recommendation", "scrutiny_level")
        .annotate(n=Count("relationship_id", distinct=True), required=Max("supervision_every_days"))
    )
    recommendations: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    required: dict[str, int] = {}
    for row in rows:
        recommendations[row["recommendation"]] += row["n"]
        levels[row["scrutiny_level"]] += row["n"]
        if row["required"] is not None:
            level = row["scrutiny_level"]
            required[level] = max(required.get(level, 0), row["required"])
    assessed = sum(levels.values())
    recommendations[NOT_ASSESSED] += total - assessed
    levels[NOT_ASSESSED] += total - assessed
    return _Levels(
        by_recommendation=_tally(recommendations, (*RECOMMENDATIONS, NOT_ASSESSED)),
        by_scrutiny=_tally(levels, (*SCRUTINY_LEVELS, NOT_ASSESSED)),
        required=required,
    )


# --- open findings --------------------------------------------------------------------------------


def _open_findings(chosen: QuerySet[Relationship], today: date) -> tuple[OpenFinding, ...]:
    findings = current(CurrentFinding.objects.filter(relationship__in=chosen), today)
    runs = (
        findings.order_by()
        .values("code", "relationship_id")
        .annotate(since=Min("since"))
        .values_list("code", "since")
    )
    days: dict[str, list[int]] = {}
    for code, since in runs:
        days.setdefault(code, []).append((today - since).days)
    return tuple(
        OpenFinding(code, len(spans), statistics.median(spans), max(spans))
        for code, spans in sorted(days.items(), key=lambda item: (-len(item[1]), item[0]))
    )


# --- supervision and reviews ----------------------------------------------------------------------


def _compliance(
    chosen: QuerySet[Relationship], required: Mapping[str, int], today: date
) -> tuple[LevelCompliance, ...]:
    """The running relationships at each scrutiny level of the day: one grouped count, with
    each level's own interval (`required`) in the conditions, and one for overdue findings."""
    running = (
        chosen.filter(stage__in=RUNNING)
        .annotate(now=FilteredRelation("periods", condition=_today_only(today, "periods")))
        .annotate(
            level=Coalesce(F("now__scrutiny_level"), Value(NOT_ASSESSED)),
            since=Coalesce(F("last_supervision"), F("started")),
        )
    )
    in_time = Case(
        *(
            When(Q(level=level) & Q(since__gte=today - timedelta(days=days)), then=1)
            for level, days in required.items()
        ),
        default=0,
        output_field=IntegerField(),
    )
    agreed = Case(
        *(
            When(level=level, supervision_every_days__lte=days, then=1)
            for level, days in required.items()
        ),
        default=0,
        output_field=IntegerField(),
    )
    counts = {
        row["level"]: row
        for row in running.order_by()
        .values("level")
        .annotate(
            running=Count("pk"),
            never=Count("pk", filter=Q(last_supervision__isnull=True)),
            in_time=Sum(in_time),
            agreed=Sum(agreed),
        )
    }
    overdue = _overdue_findings(chosen.filter(stage__in=RUNNING), today)
    return tuple(
        LevelCompliance(
            level=level,
            required_days=required.get(level),
            running=counts[level]["running"],
            interval_agreed=counts[level]["agreed"] or 0,
            supervised_in_time=counts[level]["in_time"] or 0,
            supervision_overdue=counts[level]["running"] - (counts[level]["in_time"] or 0),
            never_supervised=counts[level]["never"],
            overdue_findings={code: overdue[level, code] for code in OVERDUE_CODES},
        )
        for level in (*SCRUTINY_LEVELS, NOT_ASSESSED)
        if level in counts
    )


def _overdue_findings(running: QuerySet[Relationship], today: date) -> Counter[tuple[str, str]]:
    """(level, code) → the running relationships at that level with that overdue finding."""
    level_now = current(AssessedPeriod.objects.filter(relationship=OuterRef("relationship")), today)
    findings = current(
        CurrentFinding.objects.filter(
            relationship__in=running.values("pk"), code__in=OVERDUE_CODES
        ),
        today,
    )
    rows = (
        findings.order_by()
        .annotate(
            level=Coalesce(Subquery(level_now.values("scrutiny_level")[:1]), Value(NOT_ASSESSED))
        )
        .values("level", "code")
        .annotate(n=Count("relationship_id", distinct=True))
    )
    return Counter({(row["level"], row["code"]): row["n"] for row in rows})


# --- consent --------------------------------------------------------------------------------------


def _consent(chosen: QuerySet[Relationship], total: int) -> ConsentCoverage:
    people = Participant.objects.filter(relationship__in=chosen)
    parties = AffectedParty.objects.filter(relationship__in=chosen)
    own_people = Participant.objects.filter(relationship=OuterRef("pk"))
    own_parties = AffectedParty.objects.filter(relationship=OuterRef("pk"))
    uncovered = own_parties.exclude(consent__in=("informed", "not_needed"))
    coverage = chosen.order_by().aggregate(
        everyone=Count(
            "pk",
            filter=Q(Exists(own_people)) & ~Q(Exists(own_people.exclude(consent="informed"))),
        ),
        identified=Count("pk", filter=Q(affected_identified=True) | Q(Exists(own_parties))),
        covered=Count("pk", filter=Q(Exists(own_parties)) & ~Q(Exists(uncovered))),
    )
    return ConsentCoverage(
        relationships=total,
        people=_tally(_by("consent", people), [value for value, _ in CONSENTS]),
        affected=_tally(_by("consent", parties), [value for value, _ in AFFECTED_CONSENTS]),
        everyone_informed=coverage["everyone"],
        affected_identified=coverage["identified"],
        affected_covered=coverage["covered"],
    )


def _by(name: str, rows: QuerySet[Any]) -> dict[str, int]:
    return dict(rows.order_by().values_list(name).annotate(n=Count("pk")))


# --- outcomes -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One person's score series as the framework summarised it (`SeriesSummary`)."""

    person: str  # "<relationship id>/<id in the case>", so people of two relationships differ
    series_id: str
    group_key: str
    instrument: Instrument
    first_date: date
    pairs: Mapping[Horizon, ScorePair | None]


def _begun_by(horizon: Horizon, today: date) -> date:
    """The latest first score for which the horizon has begun by `today`: a series is eligible
    at a horizon when its first score is on or before this day."""
    return today - timedelta(days=_HORIZON_STARTS[horizon])


_LATER: tuple[Horizon, ...] = ("short", "medium", "long")
_SUMMARY_FIELDS = (
    "relationship_id",
    "person__slug",
    "series_id",
    "instrument",
    "group_key",
    "n_scores",
    "first_date",
    "first_score",
    "last_score",
    "short_score",
    "medium_score",
    "long_score",
)


def _series(chosen: QuerySet[Relationship]) -> tuple[list[Series], int]:
    """Every series of these relationships (one query, and one more for the instruments of
    those that define their own); returns them and how many relationships' own instruments
    could not be read (their series are left out)."""
    rows = (
        SeriesSummary.objects.filter(relationship__in=chosen)
        .order_by("relationship_id", "pk")
        .values_list(*_SUMMARY_FIELDS)
    )
    instruments = _Instruments(chosen)
    found = []
    for relationship_id, person, series_id, instrument_id, key, n, day, first, last, *ends in rows:
        instrument = instruments.of(relationship_id, instrument_id)
        if instrument is None:
            continue
        pairs: dict[Horizon, ScorePair | None] = {"latest": (first, last) if n >= 2 else None}
        for horizon, score in zip(_LATER, ends, strict=True):
            pairs[horizon] = None if score is None else (first, score)
        found.append(Series(f"{relationship_id}/{person}", series_id, key, instrument, day, pairs))
    return found, len(instruments.unreadable)


class _Instruments:
    """The instrument of each series: a shipped one, or one its relationship defines, built as
    the framework builds a case's (`case_instruments`: the shipped ones plus its own)."""

    def __init__(self, chosen: QuerySet[Relationship]) -> None:
        self.shipped = shipped_instruments()
        own = chosen.exclude(instruments=[]).order_by().values_list("pk", "instruments")
        self.definitions: dict[int, Any] = dict(own)
        self.built: dict[int, Mapping[str, Instrument]] = {}
        self.unreadable: set[int] = set()
        self.resolved: dict[str, Instrument | None] = {}

    def of(self, relationship_id: int, instrument_id: str) -> Instrument | None:
        if instrument_id not in self.resolved:  # a few instruments, tens of thousands of series
            self.resolved[instrument_id] = resolve_series(instrument_id, self.shipped)
        shipped = self.resolved[instrument_id]
        if shipped is not None:
            return shipped
        return resolve_series(instrument_id, self._own(relationship_id))

    def _own(self, relationship_id: int) -> Mapping[str, Instrument]:
        if relationship_id not in self.built:
            definitions = self.definitions.get(relationship_id) or []
            try:
                self.built[relationship_id] = build_instruments(
                    InstrumentDefinition.model_validate(d) for d in definitions
                )
            except (OutcomesError, ValueError):  # pydantic's ValidationError is a ValueError
                self.unreadable.add(relationship_id)
                self.built[relationship_id] = {}
        return self.built[relationship_id]


def _groups(series: Sequence[Series], today: date) -> tuple[GroupRow, ...]:
    pooled: dict[str, list[Series]] = {}
    for one in series:
        pooled.setdefault(one.group_key, []).append(one)
    rows = []
    for key in sorted(pooled):
        members = pooled[key]
        for horizon in HORIZONS:
            begun = _begun_by(horizon, today)
            ready = [s for s in members if s.first_date <= begun]
            pairs = [p for s in ready if (p := s.pairs[horizon]) is not None]
            rows.append(
                GroupRow(key, horizon, len(ready), group_change(members[0].instrument, pairs))
            )
    return tuple(rows)


def _paired(series: Sequence[Series], today: date) -> tuple[PairedRow, ...]:
    people: dict[str, dict[str, Series]] = {}
    for one in series:
        if one.series_id in PAIRED:
            people.setdefault(one.person, {})[one.series_id] = one
    both = {person: own for person, own in people.items() if len(own) == len(PAIRED)}
    rows = []
    for horizon in HORIZONS:
        outcomes: list[PairedOutcome] = []
        ready = 0
        begun = _begun_by(horizon, today)
        for person, own in sorted(both.items()):
            if not all(own[m].first_date <= begun for m in PAIRED):
                continue
            ready += 1
            phq9, gad7 = (own[m].pairs[horizon] for m in PAIRED)
            if phq9 is not None and gad7 is not None:
                outcomes.append(paired_outcome(person, phq9=phq9, gad7=gad7))
        rates = paired_rates(outcomes, not_finished=ready - len(outcomes))
        rows.append(PairedRow(horizon, ready, rates))
    return tuple(rows)


def service_report(relationships: QuerySet[Relationship], today: date) -> ServiceReport:
    """The service report over these relationships, as of `today`, in the same number of
    queries however many there are."""
    chosen = relationships.order_by()
    by_stage = _by("stage", chosen)
    total = sum(by_stage.values())
    levels = _levels(chosen, total, today)
    series, unreadable = _series(chosen)
    return ServiceReport(
        today=today,
        relationships=total,
        by_stage=_tally(by_stage, [value for value, _ in STAGES]),
        by_recommendation=levels.by_recommendation,
        by_scrutiny=levels.by_scrutiny,
        open_findings=_open_findings(chosen, today),
        compliance=_compliance(chosen, levels.required, today),
        consent=_consent(chosen, total),
        groups=_groups(series, today),
        paired=_paired(series, today),
        unreadable=unreadable,
    )
