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
from dataclasses import dataclass, field, fields
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
    PairCounts,
    PairedCounts,
    PairedRates,
    PairSums,
    ProportionName,
    group_change_of_sums,
    paired_rates_of_counts,
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
    PairedSummary,
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


def _begun_by(horizon: Horizon, today: date) -> date:
    """The latest first score for which the horizon has begun by `today`: a series is eligible
    at a horizon when its first score is on or before this day."""
    return today - timedelta(days=_HORIZON_STARTS[horizon])


def _at(horizon: Horizon, latest: str, later: str) -> str:
    """The summary's column for a horizon: first to latest has its own names."""
    return latest if horizon == "latest" else later.format(horizon)


def _has_pair(horizon: Horizon) -> Q:
    """A series has a pair at a horizon when a later score falls in it (first to latest: when
    it has a second score)."""
    if horizon == "latest":
        return Q(n_scores__gte=2)
    return Q(**{f"{horizon}_score__isnull": False})


# A series is eligible at a horizon once the horizon has begun for it; by the day of its first
# score, it is eligible at none (first score after the report's day), at the first two (first to
# latest, and short term: from the first score), up to medium term, or at every horizon.
_REACH: Mapping[Horizon, int] = {"latest": 1, "short": 1, "medium": 2, "long": 3}


def _reach(today: date) -> Case:
    """How far along the horizons a series is eligible, by its first score, as of `today`."""
    return Case(
        When(first_date__lte=_begun_by("long", today), then=Value(3)),
        When(first_date__lte=_begun_by("medium", today), then=Value(2)),
        When(first_date__lte=_begun_by("short", today), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )


def _group_sums(horizon: Horizon) -> dict[str, Any]:
    """What the outcomes package's group change needs at one horizon, summed in SQL over the
    series that have a pair there (each classified with its own instrument when stored)."""
    paired = _has_pair(horizon)
    first, later = F("first_score"), F(_at(horizon, "last_score", "{}_score"))
    change = _at(horizon, "change", "{}_change")
    recovered = Q(clinical=True, **{_at(horizon, "category", "{}_category"): "recovered"})
    return {
        "n": Count("pk", filter=paired),
        "first": Sum(first, filter=paired),
        "first_squares": Sum(first * first, filter=paired),
        "later": Sum(later, filter=paired),
        "later_squares": Sum(later * later, filter=paired),
        "change_squares": Sum((later - first) * (later - first), filter=paired),
        "reliable": Count("pk", filter=paired & Q(reliable=True)),
        "improved": Count("pk", filter=Q(**{change: "reliable_improvement"})),
        "deteriorated": Count("pk", filter=Q(**{change: "reliable_deterioration"})),
        "clinical": Count("pk", filter=paired & Q(clinical=True)),
        "recovered": Count("pk", filter=recovered),
    }


def _groups(chosen: QuerySet[Relationship], today: date) -> tuple[GroupRow, ...]:
    """Group change per measure (goals pooled into their instrument) and horizon, from one
    query: every series summed by measure and by how far along the horizons it is eligible."""
    names = list(_group_sums("latest"))
    aggregates = {
        f"{horizon}__{name}": aggregate
        for horizon in HORIZONS
        for name, aggregate in _group_sums(horizon).items()
    }
    found = (
        SeriesSummary.objects.filter(relationship__in=chosen)
        .order_by()
        .annotate(reach=_reach(today))
        .values("group_key", "reach")
        .annotate(instrument_id=Min("instrument"), series=Count("pk"), **aggregates)
    )
    by_group: dict[str, list[dict[str, Any]]] = {}
    for part in found:
        by_group.setdefault(part["group_key"], []).append(part)
    rows = []
    for key in sorted(by_group):
        parts = by_group[key]
        for horizon in HORIZONS:
            ready = [part for part in parts if part["reach"] >= _REACH[horizon]]
            sums = {name: sum(part[f"{horizon}__{name}"] or 0 for part in ready) for name in names}
            summed = _pair_sums(sums)
            eligible = sum(part["series"] for part in ready)
            change = group_change_of_sums(min(p["instrument_id"] for p in parts), summed)
            rows.append(GroupRow(key, horizon, eligible, change))
    return tuple(rows)


_COUNTED = tuple(f.name for f in fields(PairCounts))
_SUMMED = ("n", "first", "first_squares", "later", "later_squares", "change_squares")


def _pair_sums(sums: Mapping[str, Any]) -> PairSums:
    """The outcomes package's sums from the query's columns (named as its fields are)."""
    counts = PairCounts(**{name: sums[name] for name in _COUNTED})
    change = sums["later"] - sums["first"]
    return PairSums(**{name: sums[name] for name in _SUMMED}, change=change, counts=counts)


_PAIRED_COUNTS = (
    "caseness",
    "recovered",
    "reliable_recovery",
    "reliable_improvement",
    "reliable_deterioration",
)


def _paired(chosen: QuerySet[Relationship], today: date) -> tuple[PairedRow, ...]:
    """NHS Talking Therapies' paired PHQ-9 and GAD-7 rates at each horizon: one query counting
    each person's paired outcome, as `reassess` classified it."""
    aggregates: dict[str, Count] = {}
    for horizon in HORIZONS:
        ready = Q(horizon=horizon, first_date__lte=_begun_by(horizon, today))
        done = ready & Q(finished=True)
        aggregates[f"{horizon}__ready"] = Count("pk", filter=ready)
        aggregates[f"{horizon}__finished"] = Count("pk", filter=done)
        for name in _PAIRED_COUNTS:
            aggregates[f"{horizon}__{name}"] = Count("pk", filter=done & Q(**{name: True}))
    found = PairedSummary.objects.filter(relationship__in=chosen).aggregate(**aggregates)
    rows = []
    for horizon in HORIZONS:
        ready, finished = found[f"{horizon}__ready"], found[f"{horizon}__finished"]
        counts = PairedCounts(
            finished=finished, **{name: found[f"{horizon}__{name}"] for name in _PAIRED_COUNTS}
        )
        rows.append(PairedRow(horizon, ready, paired_rates_of_counts(counts, ready - finished)))
    return tuple(rows)


def service_report(relationships: QuerySet[Relationship], today: date) -> ServiceReport:
    """The service report over these relationships, as of `today`, in the same number of
    queries however many there are."""
    chosen = relationships.order_by()
    by_stage = _by("stage", chosen)
    total = sum(by_stage.values())
    levels = _levels(chosen, total, today)
    return ServiceReport(
        today=today,
        relationships=total,
        by_stage=_tally(by_stage, [value for value, _ in STAGES]),
        by_recommendation=levels.by_recommendation,
        by_scrutiny=levels.by_scrutiny,
        open_findings=_open_findings(chosen, today),
        compliance=_compliance(chosen, levels.required, today),
        consent=_consent(chosen, total),
        groups=_groups(chosen, today),
        paired=_paired(chosen, today),
    )
