"""The organisation-wide reports from the organisation's tallies (ADR 0008).

An admin's service report with no filters and the transparency report cover every relationship
of an organisation. They read its figures as of today from the tallies `reassess` keeps
(relationships/tallies.py): a few hundred rows, however many relationships there are, where
counting the typed rows costs time in proportion to the organisation's size. Each figure is
turned into the report by the same functions the counted report uses, so the two cannot
disagree by construction of the page; a property test holds the figures themselves to the
counted ones on random days. When the tallies cannot say (`tallies.figures` is None), the
caller counts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any, cast

from mutuality.transparency import STAGES, Change, OrganisationData, OutcomeChange
from mutuality.web.accounts.models import Organisation
from mutuality.web.relationships.tallies import Figures, figures
from mutuality.web.reports.service_report import (
    HORIZONS,
    Running,
    ServiceReport,
    compliance_of,
    consent_of,
    group_row,
    group_sum_names,
    in_order,
    levels_of,
    open_findings_of,
    paired_of,
)


def service_report(organisation_id: int, today: date) -> ServiceReport | None:
    """The organisation's whole service report as of `today`, or None when the tallies cannot
    say (count instead)."""
    found = figures(organisation_id, today)
    if found is None:
        return None
    by_stage = _counts(found, "stage")
    total = sum(by_stage.values())
    levels = levels_of(_periods(found), total)
    return ServiceReport(
        today=today,
        relationships=total,
        # The reports' categories of stage: the framework's four, then `withdrawn`.
        by_stage=in_order(by_stage, [value for value, _ in STAGES]),
        by_recommendation=levels.by_recommendation,
        by_scrutiny=levels.by_scrutiny,
        open_findings=open_findings_of(
            {
                (code, date.fromisoformat(since)): int(n)
                for (code, since), n in _items(found, "open")
            },
            today,
        ),
        compliance=compliance_of(
            _running(found, levels.required, today),
            levels.required,
            {(level, code): int(n) for (level, code), n in _items(found, "overdue")},
        ),
        consent=consent_of(
            _counts(found, "consent"),
            _counts(found, "affected"),
            total,
            {name: _count(found, name) for name in ("everyone", "identified", "covered")},
        ),
        groups=_groups(found),
        paired=paired_of({f"{h}__{name}": int(n) for (h, name), n in _items(found, "paired")}),
    )


def _items(found: Figures, figure: str) -> list[tuple[tuple[Any, ...], float]]:
    return [(item, value) for item, value in found.get(figure, {}).items() if value]


def _counts(found: Figures, figure: str) -> dict[str, int]:
    """A figure counted by one value (a stage, a consent), in the order of the values."""
    return {item[0]: int(n) for item, n in sorted(_items(found, figure))}


def _count(found: Figures, figure: str) -> int:
    return int(sum(n for _, n in _items(found, figure)))


def _periods(found: Figures) -> list[tuple[str, str, int, int | None]]:
    return [(rec, level, int(n), required) for (rec, level, required), n in _items(found, "period")]


def _running(found: Figures, required: dict[str, int], today: date) -> dict[str, Running]:
    """The running relationships at each level of the day: in time when supervised (or, if
    never, started) within the level's interval; agreed when their own interval is no longer."""
    counts: dict[str, Running] = {}
    for (level, since, interval, supervised), value in _items(found, "running"):
        n = int(value)
        at = counts.setdefault(level, Running())
        at.running += n
        at.never += 0 if supervised else n
        days = required.get(level)
        if days is None:
            continue
        if since is not None and date.fromisoformat(since) >= today - timedelta(days=days):
            at.in_time += n
        if interval is not None and interval <= days:
            at.agreed += n
    return counts


_COUNTED = ("n", "reliable", "improved", "deteriorated", "clinical", "recovered", "series")


def _groups(found: Figures) -> tuple[Any, ...]:
    """Each measure at each horizon, from its sums; a measure's instrument is the least id of
    its series' (as the counted report takes it)."""
    instruments: dict[str, str] = {}
    for (key, instrument), _ in _items(found, "instrument"):
        instruments[key] = min(instrument, instruments.get(key, instrument))
    sums: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for (key, horizon, name), value in _items(found, "group"):
        sums[(key, horizon)][name] = value
    rows = []
    for key in sorted(instruments):
        for horizon in HORIZONS:
            summed = sums.get((key, horizon), {})
            named = {
                name: int(summed.get(name, 0)) if name in _COUNTED else summed.get(name, 0)
                for name in group_sum_names()
            }
            eligible = int(summed.get("series", 0))
            rows.append(group_row(key, horizon, instruments[key], named, eligible))
    return tuple(rows)


def transparency_data(organisation: Organisation, today: date) -> OrganisationData | None:
    """The transparency report's true counts as of `today`, or None when the tallies cannot
    say (count instead)."""
    found = figures(organisation.pk, today)
    if found is None:
        return None
    recommendations: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    for recommendation, level, n, _ in _periods(found):
        recommendations[recommendation] += n
        levels[level] += n
    everyone = sum(levels.values())
    flags = {(kind, name): int(n) for (kind, name), n in _items(found, "flag")}
    return OrganisationData(
        slug=organisation.slug,
        name=organisation.public_name,  # the name it chose for its public report
        as_of=today.isoformat(),
        by_setting=_counts(found, "setting"),
        by_stage=_counts(found, "stage"),
        by_recommendation=dict(recommendations),
        by_scrutiny=dict(levels),
        supervision=_with_up_to_date(
            flags, "supervision", ("no_independent_supervisor", "overdue"), everyone
        ),
        contract_review=_with_up_to_date(flags, "contract", ("no_agreement", "overdue"), everyone),
        co_producer_consent=_counts(found, "recipient"),
        affected_consent=_counts(found, "affected"),
        outcomes=tuple(
            OutcomeChange(series_id, float(difference), cast(Change, change), int(n))
            for (series_id, change, difference), n in sorted(_items(found, "change"))
        ),
    )


def _with_up_to_date(
    flags: dict[tuple[str, str], int], kind: str, names: tuple[str, ...], everyone: int
) -> dict[str, int]:
    """A category's counts (as the counted report orders them), and everyone else assessed
    today as up to date; categories counting nobody are left out."""
    counts = {name: flags.get((kind, name), 0) for name in names}
    counts["up_to_date"] = everyone - sum(counts.values())
    return {name: n for name, n in counts.items() if n}
