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
  relationships are counted: active or ending, and nobody in them has withdrawn their consent
  (`tallies.running_condition`).
- By stage, a relationship that is active or ending but in which someone has withdrawn their
  consent is counted as "Stopped: consent withdrawn" (`withdrawn`, the reports' own category,
  `mutuality.transparency.STAGES`), not under its stage: the work has stopped in all but name.
- Consent is covered when it is informed; an affected party's consent is covered when it is
  informed or not needed.
- Outcomes: one entry per score series (goals pool into their instrument, as in the outcomes
  report). At a horizon, a series is eligible once the horizon has begun for it (short and
  first-to-latest: it has a first score; medium: 91 days or more since it; long: 366 days or
  more), and has data when a later score falls inside the horizon (the last one is used).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
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
from django.utils.translation import gettext

from mutuality.framework import VOCABULARY
from mutuality.outcomes import (
    GroupChange,
    PairCounts,
    PairedCounts,
    PairedRates,
    PairSums,
    ProportionName,
    group_change_of_sums,
    paired_rates_of_counts,
)
from mutuality.transparency import STAGES
from mutuality.web.relationships.actions import current
from mutuality.web.relationships.assessed import Horizon
from mutuality.web.relationships.models import (
    AFFECTED_CONSENTS,
    CONSENTS,
    AffectedParty,
    AssessedPeriod,
    CurrentFinding,
    PairedSummary,
    Participant,
    Relationship,
    SeriesSummary,
)
from mutuality.web.relationships.tallies import (
    HORIZON_STARTS,
    NOT_ASSESSED,
    OVERDUE_CODES,
    PAIRED_COUNTS,
    reported_stage_of,
    running_condition,
)

HORIZONS: tuple[Horizon, ...] = ("latest", "short", "medium", "long")


def horizon_name(horizon: str) -> str:
    """A horizon's name, read when it is shown (so in the reader's language)."""
    if horizon == "latest":  # the report's own column: the whole span, not a horizon
        return gettext("First to latest")
    return str(dict(VOCABULARY["horizon"].choices())[horizon])


RECOMMENDATIONS = tuple(VOCABULARY["recommendation"])
SCRUTINY_LEVELS = tuple(VOCABULARY["scrutiny_level"])
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


def in_order(values: Mapping[str, int], order: Sequence[str]) -> dict[str, int]:
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
        .values_list("recommendation", "scrutiny_level")
        .annotate(n=Count("relationship_id", distinct=True), required=Max("supervision_every_days"))
    )
    return levels_of(rows, total)


def levels_of(rows: Iterable[tuple[str, str, int, int | None]], total: int) -> _Levels:
    """From relationships counted by (recommendation, level, the level's interval)."""
    recommendations: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    required: dict[str, int] = {}
    for recommendation, level, n, days in rows:
        recommendations[recommendation] += n
        levels[level] += n
        if days is not None:
            required[level] = max(required.get(level, 0), days)
    assessed = sum(levels.values())
    recommendations[NOT_ASSESSED] += total - assessed
    levels[NOT_ASSESSED] += total - assessed
    return _Levels(
        by_recommendation=in_order(recommendations, (*RECOMMENDATIONS, NOT_ASSESSED)),
        by_scrutiny=in_order(levels, (*SCRUTINY_LEVELS, NOT_ASSESSED)),
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
    return open_findings_of(Counter(runs), today)


def open_findings_of(runs: Mapping[tuple[str, date], int], today: date) -> tuple[OpenFinding, ...]:
    """From relationships counted by each open finding's code and the day its run began."""
    days: dict[str, Counter[int]] = {}
    for (code, since), n in runs.items():
        days.setdefault(code, Counter())[(today - since).days] += n
    counted = sorted(days.items(), key=lambda item: (-item[1].total(), item[0]))
    return tuple(
        OpenFinding(code, spans.total(), median_of_counts(spans), max(spans))
        for code, spans in counted
    )


def median_of_counts(counts: Mapping[int, int]) -> float:
    """The median of the values, each as many times as it is counted: what
    `statistics.median` gives for the list written out, without writing it out."""
    ordered = sorted((value, n) for value, n in counts.items() if n)
    total = sum(n for _, n in ordered)

    def nth(place: int) -> int:
        seen = 0
        for value, n in ordered:
            seen += n
            if place < seen:
                return value
        raise ValueError("no values")

    if total % 2:
        return nth(total // 2)
    return (nth(total // 2 - 1) + nth(total // 2)) / 2


# --- supervision and reviews ----------------------------------------------------------------------


def _compliance(
    chosen: QuerySet[Relationship], required: Mapping[str, int], today: date
) -> tuple[LevelCompliance, ...]:
    """The running relationships at each scrutiny level of the day: one grouped count, with
    each level's own interval (`required`) in the conditions, and one for overdue findings."""
    under_way = (
        chosen.filter(running_condition())
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
        row["level"]: Running(row["running"], row["never"], row["in_time"], row["agreed"])
        for row in under_way.order_by()
        .values("level")
        .annotate(
            running=Count("pk"),
            never=Count("pk", filter=Q(last_supervision__isnull=True)),
            in_time=Coalesce(Sum(in_time), 0),
            agreed=Coalesce(Sum(agreed), 0),
        )
    }
    overdue = _overdue_findings(chosen.filter(running_condition()), today)
    return compliance_of(counts, required, overdue)


@dataclass
class Running:
    """The running relationships at one scrutiny level, counted."""

    running: int = 0
    never: int = 0
    in_time: int = 0
    agreed: int = 0


def compliance_of(
    counts: Mapping[str, Running],
    required: Mapping[str, int],
    overdue: Mapping[tuple[str, str], int],
) -> tuple[LevelCompliance, ...]:
    """Each level with running relationships: their supervision, and their overdue findings
    (`overdue`, by level and code)."""
    return tuple(
        LevelCompliance(
            level=level,
            required_days=required.get(level),
            running=counts[level].running,
            interval_agreed=counts[level].agreed,
            supervised_in_time=counts[level].in_time,
            supervision_overdue=counts[level].running - counts[level].in_time,
            never_supervised=counts[level].never,
            overdue_findings={code: overdue.get((level, code), 0) for code in OVERDUE_CODES},
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
    return consent_of(_by("consent", people), _by("consent", parties), total, coverage)


def consent_of(
    people: Mapping[str, int], affected: Mapping[str, int], total: int, coverage: Mapping[str, int]
) -> ConsentCoverage:
    """From people and affected parties counted by consent, and relationships counted as
    `everyone` informed, affected parties `identified` and all of them `covered`."""
    return ConsentCoverage(
        relationships=total,
        people=in_order(people, [value for value, _ in CONSENTS]),
        affected=in_order(affected, [value for value, _ in AFFECTED_CONSENTS]),
        everyone_informed=coverage.get("everyone", 0),
        affected_identified=coverage.get("identified", 0),
        affected_covered=coverage.get("covered", 0),
    )


def _by(name: str, rows: QuerySet[Any]) -> dict[str, int]:
    return dict(rows.order_by().values_list(name).annotate(n=Count("pk")))


def by_reported_stage(relationships: QuerySet[Relationship]) -> dict[str, int]:
    """Relationships counted by the stage the reports count them under (`withdrawn` for work
    under way in which someone withdrew their consent): one grouped count."""
    counted = relationships.order_by().annotate(reported=reported_stage_of())
    return dict(counted.values_list("reported").annotate(n=Count("pk")))


# --- outcomes -------------------------------------------------------------------------------------


def _begun_by(horizon: Horizon, today: date) -> date:
    """The latest first score for which the horizon has begun by `today`: a series is eligible
    at a horizon when its first score is on or before this day."""
    return today - timedelta(days=HORIZON_STARTS[horizon])


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


def group_sum_names() -> list[str]:
    """The names of the sums `group_row` reads."""
    return list(_group_sums("latest"))


def _groups(chosen: QuerySet[Relationship], today: date) -> tuple[GroupRow, ...]:
    """Group change per measure (goals pooled into their instrument) and horizon, from one
    query: every series summed by measure and by how far along the horizons it is eligible."""
    names = group_sum_names()
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
            eligible = sum(part["series"] for part in ready)
            instrument = min(p["instrument_id"] for p in parts)
            rows.append(group_row(key, horizon, instrument, sums, eligible))
    return tuple(rows)


def group_row(
    key: str, horizon: Horizon, instrument: str, sums: Mapping[str, Any], eligible: int
) -> GroupRow:
    """One measure at one horizon, from the sums of `_group_sums` (named as they are)."""
    change = group_change_of_sums(instrument, _pair_sums(sums))
    return GroupRow(key, horizon, eligible, change)


_COUNTED = tuple(f.name for f in fields(PairCounts))
_SUMMED = ("n", "first", "first_squares", "later", "later_squares", "change_squares")


def _pair_sums(sums: Mapping[str, Any]) -> PairSums:
    """The outcomes package's sums from the query's columns (named as its fields are)."""
    counts = PairCounts(**{name: sums[name] for name in _COUNTED})
    change = sums["later"] - sums["first"]
    return PairSums(**{name: sums[name] for name in _SUMMED}, change=change, counts=counts)


def _paired(chosen: QuerySet[Relationship], today: date) -> tuple[PairedRow, ...]:
    """NHS Talking Therapies' paired PHQ-9 and GAD-7 rates at each horizon: one query counting
    each person's paired outcome, as `reassess` classified it."""
    aggregates: dict[str, Count] = {}
    for horizon in HORIZONS:
        ready = Q(horizon=horizon, first_date__lte=_begun_by(horizon, today))
        done = ready & Q(finished=True)
        aggregates[f"{horizon}__ready"] = Count("pk", filter=ready)
        aggregates[f"{horizon}__finished"] = Count("pk", filter=done)
        for name in PAIRED_COUNTS:
            aggregates[f"{horizon}__{name}"] = Count("pk", filter=done & Q(**{name: True}))
    found = PairedSummary.objects.filter(relationship__in=chosen).aggregate(**aggregates)
    return paired_of(found)


def paired_of(found: Mapping[str, int]) -> tuple[PairedRow, ...]:
    """From people counted by `<horizon>__<what>`: ready (the horizon has begun for them),
    finished, and each of `PAIRED_COUNTS` (of those finished)."""
    rows = []
    for horizon in HORIZONS:
        ready, finished = found.get(f"{horizon}__ready", 0), found.get(f"{horizon}__finished", 0)
        counts = PairedCounts(
            finished=finished,
            **{name: found.get(f"{horizon}__{name}", 0) for name in PAIRED_COUNTS},
        )
        rows.append(PairedRow(horizon, ready, paired_rates_of_counts(counts, ready - finished)))
    return tuple(rows)


def service_report(relationships: QuerySet[Relationship], today: date) -> ServiceReport:
    """The service report over these relationships, as of `today`, in the same number of
    queries however many there are."""
    chosen = relationships.order_by()
    by_stage = by_reported_stage(chosen)
    total = sum(by_stage.values())
    levels = _levels(chosen, total, today)
    return ServiceReport(
        today=today,
        relationships=total,
        # The reports' categories of stage: the framework's four, then `withdrawn`.
        by_stage=in_order(by_stage, [value for value, _ in STAGES]),
        by_recommendation=levels.by_recommendation,
        by_scrutiny=levels.by_scrutiny,
        open_findings=_open_findings(chosen, today),
        compliance=_compliance(chosen, levels.required, today),
        consent=_consent(chosen, total),
        groups=_groups(chosen, today),
        paired=_paired(chosen, today),
    )
