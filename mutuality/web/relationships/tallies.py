"""An organisation's figures as tallies by day (ADR 0008): kept here, read by the reports.

The organisation-wide service report and transparency report count every relationship of an
organisation. Counting the typed rows costs time in proportion to the organisation's size; so
`reassess` also keeps, per organisation, each figure as *changes by day*: a relationship at
scrutiny level "enhanced" from 3 March to 1 June adds +1 to that level on 3 March and -1 on 1
June, and the figure on any day is the sum of the changes up to that day. A report reads a few
hundred rows whatever the organisation's size.

How it stays right:

- What a relationship adds is worked out from a few **facts** (`facts`: its stage, consents,
  periods, findings and outcome summaries, taken from the typed rows just written), kept in
  `TallyShare`; reassessing it takes away what its old facts added and adds what its new ones
  add (`changes`), in the same transaction.
- A change on a day that has already come is written on `SINCE_EVER` (reports are as of today,
  and today only moves on), so the rows are bounded by the figures' keys and the days still to
  come, not by the number of relationships. The first write of a day folds the changes whose
  day has come into `SINCE_EVER` (`_fold`).
- A report uses the tallies only when every relationship of the organisation was reassessed by
  this version (`ROWS_VERSION`) and nothing was written on a later day than the report's
  (`figures`); otherwise it counts the typed rows, as a filtered report always does.
- `mutuality reassess --all` builds them again from the facts (`rebuild`), and a property test
  holds them to the counted reports on random days. `--missing` builds again those of every
  organisation it reassessed a relationship of: when a release raises `ROWS_VERSION` because
  what facts add has changed, what the old release added must not stay mixed with the new.

What counts as running is decided here, once, for both ways of counting: a relationship is
running when its stage is one of `RUNNING` and nobody in it has withdrawn their consent
(`is_running`; `running_condition` for the queries). Where the reports count relationships by
stage, one that would be running but for a withdrawn consent is counted in the reports' own
category `withdrawn` ("Stopped: consent withdrawn", `mutuality.transparency.STAGES`), not under
its stage (`reported_stage`; `reported_stage_of` for the queries). It is not a stage of the
framework: the relationship's own stage stays what it was. Proposed and ended work stays under
its stage whatever the consents say.

Scores are summed as floating point, as the database sums them: whole-number scores sum
exactly; decimal ones may differ from a fresh count in the last bits after many changes, which
`rebuild` clears.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, timedelta
from typing import Any

from django.db import connection
from django.db.models import Case, CharField, Exists, F, OuterRef, Q, Sum, Value, When

from mutuality.outcomes import MEDIUM_TERM_DAYS, SHORT_TERM_DAYS
from mutuality.transparency import CHANGES, WITHDRAWN
from mutuality.web.accounts.models import Organisation
from mutuality.web.relationships.models import (
    ROWS_VERSION,
    AssessedPeriod,
    CurrentFinding,
    PairedSummary,
    Participant,
    Relationship,
    SeriesSummary,
    Tally,
    TallyShare,
)

SINCE_EVER = date(1, 1, 1)
"""The day of every change that already applied when it was written."""

RUNNING = ("active", "ending")
"""The stages of work under way (running, unless someone withdrew their consent)."""
NOT_ASSESSED = "not_assessed"
HORIZON_STARTS = {
    "latest": 0,
    "short": 0,
    "medium": SHORT_TERM_DAYS + 1,
    "long": MEDIUM_TERM_DAYS + 1,
}
"""Days from a series' first score until it is eligible at each horizon (outcomes.md section 4)."""

# Findings the service report counts as overdue supervision or review (the framework's codes).
OVERDUE_CODES = (
    "competence.supervision_insufficient",
    "competence.supervision_overdue",
    "competence.independent_review_due",
    "integrity.review_overdue",
)
# Findings the transparency report sorts supervision and the agreement by.
NO_INDEPENDENT_SUPERVISOR = "competence.no_external_authority"
SUPERVISION_OVERDUE = "competence.supervision_overdue"
NO_AGREEMENT = "respect.contract_missing"
REVIEW_OVERDUE = "integrity.review_overdue"
PAIRED_COUNTS = (
    "caseness",
    "recovered",
    "reliable_recovery",
    "reliable_improvement",
    "reliable_deterioration",
)

Key = tuple[str, str, date | None]
"""A figure, what within it (a JSON list), and the day the change applies from (None: always)."""
Changes = dict[Key, float]
Figures = dict[str, dict[tuple[Any, ...], float]]
"""Each figure's values as of a day, by what within it (the JSON list, as a tuple)."""


# --- what counts as running ---------------------------------------------------------------------


def is_running(stage: str, consents: Iterable[str]) -> bool:
    """Whether the reports count a relationship at this stage, with its people's consents, as
    running: under way, and nobody has withdrawn their consent."""
    return stage in RUNNING and "withdrawn" not in consents


def reported_stage(stage: str, consents: Iterable[str]) -> str:
    """The stage the reports count a relationship under: its own, or `WITHDRAWN` when it would
    be running but for a withdrawn consent."""
    if stage in RUNNING and not is_running(stage, consents):
        return WITHDRAWN
    return stage


def _withdrawn_in() -> Exists:
    """Someone in the relationship of the query's row has withdrawn their consent."""
    return Exists(Participant.objects.filter(relationship=OuterRef("pk"), consent="withdrawn"))


def running_condition() -> Q:
    """`is_running`, as a condition on relationships (one subquery, no join)."""
    return Q(stage__in=RUNNING) & ~Q(_withdrawn_in())


def reported_stage_of() -> Case:
    """`reported_stage`, as an expression on relationships, to count them by."""
    return Case(
        When(Q(stage__in=RUNNING) & Q(_withdrawn_in()), then=Value(WITHDRAWN)),
        default=F("stage"),
        output_field=CharField(),
    )


# --- the facts a relationship's share comes from -----------------------------------------------


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value is not None else None


def facts(
    relationship: Relationship,
    periods: Sequence[AssessedPeriod],
    findings: Sequence[CurrentFinding],
    summaries: Sequence[SeriesSummary],
    paired: Sequence[PairedSummary],
) -> dict[str, Any]:
    """What the relationship's share of the tallies is worked out from, as JSON: the typed rows
    just written for it, and its people's consents (prefetched with the case)."""
    people = list(relationship.participants.all())
    parties = list(relationship.affected_parties.all())
    return {
        "stage": relationship.stage,
        "setting": relationship.setting,
        "consents": sorted(person.consent for person in people),
        "recipients": sorted(person.consent for person in people if person.role == "recipient"),
        "affected": sorted(party.consent for party in parties),
        "identified": relationship.affected_identified,
        "supervised": relationship.last_supervision is not None,
        "since": _day(relationship.last_supervision or relationship.started),
        "interval": relationship.supervision_every_days,
        "periods": [
            [
                _day(p.starts),
                _day(p.ends),
                p.recommendation,
                p.scrutiny_level,
                p.supervision_every_days,
            ]
            for p in periods
        ],
        "findings": _runs(findings),
        "series": [_series(summary) for summary in summaries],
        "paired": [
            [p.horizon, _day(p.first_date), p.finished, *(getattr(p, n) for n in PAIRED_COUNTS)]
            for p in paired
        ],
    }


def _runs(findings: Sequence[CurrentFinding]) -> list[list[Any]]:
    """Each finding's days as runs `[code, starts, ends, since]`, a run per unbroken stretch
    with the same first day (a finding raised in several periods is one run)."""
    runs: list[list[Any]] = []
    for found in sorted(findings, key=lambda f: (f.code, f.since, f.starts)):
        last = runs[-1] if runs else None
        starts, ends = _day(found.starts), _day(found.ends)
        if last and last[0] == found.code and last[3] == _day(found.since) and last[2] == starts:
            last[2] = ends
        else:
            runs.append([found.code, starts, ends, _day(found.since)])
    return runs


def _series(summary: SeriesSummary) -> list[Any]:
    s = summary
    return [
        s.series_id,
        s.group_key,
        s.instrument,
        _day(s.first_date),
        s.n_scores,
        s.first_score,
        s.last_score,
        s.change,
        s.category,
        s.reliable,
        s.clinical,
        *(
            value
            for horizon in ("short", "medium", "long")
            for value in (
                getattr(s, f"{horizon}_score"),
                getattr(s, f"{horizon}_change"),
                getattr(s, f"{horizon}_category"),
            )
        ),
    ]


# --- what the facts add to the tallies -----------------------------------------------------------


class _Adding:
    def __init__(self) -> None:
        self.changes: Changes = defaultdict(float)

    def add(self, figure: str, item: Sequence[Any], day: date | None, value: float = 1.0) -> None:
        if value:
            self.changes[(figure, json.dumps(list(item)), day)] += value


def changes(found: Mapping[str, Any]) -> Changes:
    """What a relationship with these facts adds to its organisation's tallies."""
    adding = _Adding()
    _static(found, adding)
    _through_time(found, adding)
    _outcomes(found, adding)
    return {key: value for key, value in adding.changes.items() if value}


def _static(found: Mapping[str, Any], adding: _Adding) -> None:
    """What holds as long as the record stays as it is."""
    adding.add("stage", [reported_stage(found["stage"], found["consents"])], None)
    adding.add("setting", [found["setting"]], None)
    for consent in found["consents"]:
        adding.add("consent", [consent], None)
    for consent in found["recipients"]:
        adding.add("recipient", [consent], None)
    for consent in found["affected"]:
        adding.add("affected", [consent], None)
    consents, parties = found["consents"], found["affected"]
    if consents and all(consent == "informed" for consent in consents):
        adding.add("everyone", [], None)
    if found["identified"] or parties:
        adding.add("identified", [], None)
    if parties and all(consent in ("informed", "not_needed") for consent in parties):
        adding.add("covered", [], None)


def _through_time(found: Mapping[str, Any], adding: _Adding) -> None:
    """What changes with the day: each figure's state between the days on which a period or a
    finding starts or ends, added as the difference from the state before."""
    periods = [(_date(s), _date(e), rest) for s, e, *rest in found["periods"]]
    runs = [(code, _date(s), _date(e), since) for code, s, e, since in found["findings"]]
    bounds = [(s, e) for s, e, _ in periods] + [(s, e) for _, s, e, _ in runs]
    days = sorted({day for span in bounds for day in span if day is not None})
    before: dict[tuple[Any, ...], int] = {}
    for day in (None, *days):
        now = _state(found, day, periods, runs)
        for item in before.keys() | now.keys():
            adding.add(item[0], item[1:], day, now.get(item, 0) - before.get(item, 0))
        before = now


def _applies(starts: date | None, ends: date | None, day: date | None) -> bool:
    if day is None or starts is None:
        return False  # before the first change nothing applies but the relationship itself
    return starts <= day and (ends is None or ends > day)


def _state(
    found: Mapping[str, Any],
    day: date | None,
    periods: Sequence[tuple[date | None, date | None, list[Any]]],
    runs: Sequence[tuple[str, date | None, date | None, str]],
) -> dict[tuple[Any, ...], int]:
    """The figures this relationship counts in on one day (None: before any period)."""
    state: dict[tuple[Any, ...], int] = {}
    level = NOT_ASSESSED
    for starts, ends, (recommendation, scrutiny, required) in periods:
        if _applies(starts, ends, day):
            state[("period", recommendation, scrutiny, required)] = 1
            level = scrutiny
    since: dict[str, str] = {}
    for code, starts, ends, first in runs:
        if _applies(starts, ends, day):
            since[code] = min(first, since.get(code, first))
    for code, first in since.items():
        state[("open", code, first)] = 1
    for item in _flags(since.keys()):
        state[item] = 1
    if is_running(found["stage"], found["consents"]):
        state[("running", level, found["since"], found["interval"], found["supervised"])] = 1
        for code in OVERDUE_CODES:
            if code in since:
                state[("overdue", level, code)] = 1
    return state


def _flags(codes: Iterable[str]) -> Iterator[tuple[str, str, str]]:
    """The transparency report's categories: each relationship counted once, by its most
    telling finding, for supervision and for the written agreement."""
    codes = set(codes)
    if NO_INDEPENDENT_SUPERVISOR in codes:
        yield ("flag", "supervision", "no_independent_supervisor")
    elif SUPERVISION_OVERDUE in codes:
        yield ("flag", "supervision", "overdue")
    if NO_AGREEMENT in codes:
        yield ("flag", "contract", "no_agreement")
    elif REVIEW_OVERDUE in codes:
        yield ("flag", "contract", "overdue")


def _outcomes(found: Mapping[str, Any], adding: _Adding) -> None:
    """Each outcome series at each horizon from the day it becomes eligible there, with the
    sums the group statistics need; and each person's paired outcome likewise."""
    for series in found["series"]:
        series_id, key, instrument, first_day, _, first, last, change = series[:8]
        adding.add("instrument", [key, instrument], None)
        if change in CHANGES:
            adding.add("change", [series_id, change, last - first], None)
        first_date = date.fromisoformat(first_day)
        for horizon, sums in _horizon_sums(series).items():
            day = first_date + timedelta(days=HORIZON_STARTS[horizon])
            for name, value in sums.items():
                adding.add("group", [key, horizon, name], day, value)
    for horizon, first_day, finished, *counted in found["paired"]:
        day = date.fromisoformat(first_day) + timedelta(days=HORIZON_STARTS[horizon])
        adding.add("paired", [horizon, "ready"], day)
        if finished:
            adding.add("paired", [horizon, "finished"], day)
            for name, true in zip(PAIRED_COUNTS, counted, strict=True):
                adding.add("paired", [horizon, name], day, float(true))


def _horizon_sums(series: Sequence[Any]) -> dict[str, dict[str, float]]:
    """At each horizon, what one series adds to its group's sums (the service report's
    `_group_sums`, for one series)."""
    n_scores, first, last, change, category, reliable, clinical = series[4:11]
    at = {"latest": (last if n_scores >= 2 else None, change, category)}
    for i, horizon in enumerate(("short", "medium", "long")):
        score, its_change, its_category = series[11 + 3 * i : 14 + 3 * i]
        at[horizon] = (score, its_change, its_category)
    sums: dict[str, dict[str, float]] = {}
    for horizon, (later, its_change, its_category) in at.items():
        one = {
            "series": 1.0,
            "improved": float(its_change == "reliable_improvement"),
            "deteriorated": float(its_change == "reliable_deterioration"),
            "recovered": float(clinical and its_category == "recovered"),
        }
        if later is not None:
            one |= {
                "n": 1.0,
                "first": first,
                "first_squares": first * first,
                "later": later,
                "later_squares": later * later,
                "change_squares": (later - first) * (later - first),
                "reliable": float(reliable),
                "clinical": float(clinical),
            }
        sums[horizon] = one
    return sums


# --- writing ---------------------------------------------------------------------------------------


def keep(shares: Sequence[tuple[Relationship, dict[str, Any]]], today: date) -> None:
    """Replace these relationships' shares of their organisations' tallies with these facts:
    what the old facts added is taken away and what the new ones add is added. Call it in the
    transaction that wrote their typed rows."""
    ids = [relationship.pk for relationship, _ in shares]
    old = dict(
        TallyShare.objects.filter(relationship_id__in=ids).values_list("relationship_id", "facts")
    )
    by_organisation: dict[int, Changes] = defaultdict(lambda: defaultdict(float))
    for relationship, new in shares:
        total = by_organisation[relationship.organisation_id]
        for key, value in changes(new).items():
            total[key] += value
        if relationship.pk in old:
            for key, value in changes(old[relationship.pk]).items():
                total[key] -= value
    for organisation_id in sorted(by_organisation):
        _apply(organisation_id, by_organisation[organisation_id], today)
    TallyShare.objects.bulk_create(
        [
            TallyShare(relationship=r, organisation_id=r.organisation_id, facts=found)
            for r, found in shares
        ],
        update_conflicts=True,
        unique_fields=["relationship"],
        update_fields=["facts"],
        batch_size=500,
    )


def refresh(relationship_ids: Iterable[int], today: date) -> None:
    """These relationships' shares again from their stored rows as they stand (for rows
    written by other means than `reassess`: a repair, or a test setting a scene)."""
    ids = list(relationship_ids)
    found = Relationship.objects.filter(pk__in=ids).prefetch_related(
        "participants", "affected_parties"
    )
    mine: dict[int, tuple[list[Any], ...]] = {pk: ([], [], [], []) for pk in ids}
    kinds: tuple[Any, ...] = (AssessedPeriod, CurrentFinding, SeriesSummary, PairedSummary)
    for kind, model in enumerate(kinds):
        for row in model.objects.filter(relationship_id__in=ids).order_by("pk"):
            mine[row.relationship_id][kind].append(row)
    keep([(r, facts(r, *mine[r.pk])) for r in found], today)


def take_away(share: TallyShare, today: date) -> None:
    """What a deleted relationship added, taken away from its organisation's tallies."""
    taken = {key: -value for key, value in changes(share.facts).items()}
    _apply(share.organisation_id, taken, today)


def take_away_all(shares: Sequence[TallyShare], today: date) -> None:
    """What many deleted relationships added, taken away from their organisations' tallies
    in one write for each organisation, however many there are (delete the shares without
    their signal after this, or they are taken away twice)."""
    by_organisation: dict[int, Changes] = defaultdict(lambda: defaultdict(float))
    for share in shares:
        total = by_organisation[share.organisation_id]
        for key, value in changes(share.facts).items():
            total[key] -= value
    for organisation_id in sorted(by_organisation):
        _apply(organisation_id, by_organisation[organisation_id], today)


def rebuild(organisation_id: int, today: date) -> None:
    """The organisation's tallies again from every relationship's facts (after a change of
    policy or engine, or to clear what many decimal sums have left in the last bits)."""
    Tally.objects.filter(organisation_id=organisation_id).delete()
    total: Changes = defaultdict(float)
    shared = TallyShare.objects.filter(organisation_id=organisation_id).values_list(
        "facts", flat=True
    )
    for found in shared.iterator(chunk_size=1000):
        for key, value in changes(found).items():
            total[key] += value
    _apply(organisation_id, total, today)


def _apply(organisation_id: int, found: Mapping[Key, float], today: date) -> None:
    """Add changes to the organisation's tallies, each on its day, or on `SINCE_EVER` when its
    day has come. Rows are written in one order, so that two writers never wait on each other
    in a circle on PostgreSQL."""
    dated: dict[tuple[str, str, date], float] = defaultdict(float)
    for (figure, item, day), value in found.items():
        dated[(figure, item, day if day is not None and day > today else SINCE_EVER)] += value
    _fold(organisation_id, today)
    _upsert(organisation_id, sorted((key, v) for key, v in dated.items() if v), today)


def _fold(organisation_id: int, today: date) -> None:
    """Once a day, move the changes whose day has come onto `SINCE_EVER`, so that the rows a
    report reads do not pile up day after day. The organisation's row is locked first (on
    PostgreSQL), so that two writers never fold the same rows twice; what the first folded the
    second no longer finds."""
    due = Tally.objects.filter(
        organisation_id=organisation_id, day__gt=SINCE_EVER, day__lte=today
    ).order_by()
    if not due.exists():
        return
    # NO KEY UPDATE: two folders wait for each other, but a writer that merely inserts rows
    # pointing at the organisation (which takes KEY SHARE on it) is not blocked, so two
    # reassessments that each wrote such rows before folding cannot deadlock.
    list(Organisation.objects.select_for_update(no_key=True).filter(pk=organisation_id))
    sums = sorted(due.values_list("figure", "item").annotate(total=Sum("value")))
    _upsert(organisation_id, [((f, i, SINCE_EVER), total) for f, i, total in sums], today)
    due.delete()
    Tally.objects.filter(organisation_id=organisation_id, value=0).delete()


_UPSERT = (
    "INSERT INTO relationships_tally (organisation_id, figure, item, day, value, written) "
    "VALUES {rows} ON CONFLICT (organisation_id, figure, item, day) DO UPDATE "
    "SET value = relationships_tally.value + excluded.value, written = excluded.written"
)
"""Add to a tally row, or write it (SQLite and PostgreSQL both say it this way)."""


def _upsert(
    organisation_id: int, rows: Sequence[tuple[tuple[str, str, date], float]], today: date
) -> None:
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 400):
            chunk = rows[start : start + 400]
            params: list[Any] = []
            for (figure, item, day), value in chunk:
                params += [organisation_id, figure, item, adapt(day), value, adapt(today)]
            # Only placeholders go into the text; the values are parameters.
            sql = _UPSERT.format(rows=", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk)))
            cursor.execute(sql, params)


# --- reading ---------------------------------------------------------------------------------------


def figures(organisation_id: int, today: date) -> Figures | None:
    """The organisation's figures as of `today`, or None when the tallies cannot say (a
    relationship not yet reassessed by this version, or a change written on a later day)."""
    behind = Relationship.objects.filter(
        organisation_id=organisation_id, rows_version__lt=ROWS_VERSION
    )
    ahead = Tally.objects.filter(organisation_id=organisation_id, written__gt=today)
    if behind.exists() or ahead.exists():
        return None
    rows = (
        Tally.objects.filter(organisation_id=organisation_id, day__lte=today)
        .order_by()
        .values_list("figure", "item")
        .annotate(total=Sum("value"))
    )
    found: Figures = defaultdict(dict)
    for figure, item, total in rows:
        if total:
            found[figure][tuple(json.loads(item))] = total
    return found
