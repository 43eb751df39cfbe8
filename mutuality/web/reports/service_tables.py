"""The service report as tables, each with its chart: the page shows them and the CSV holds
them. The numbers come from `service_report.py`; this module only lays them out.

A cell is text (a label), a number (an int, or a Decimal rounded for showing) or None when
there is no number to show; the page reads None as "Not available" and the CSV leaves it
empty, and the CSV writes numbers as numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext

from mutuality._csv import Cell
from mutuality.framework import VOCABULARY
from mutuality.transparency import STAGES, WITHDRAWN
from mutuality.web.relationships.tallies import NOT_ASSESSED, OVERDUE_CODES
from mutuality.web.reports.service_report import (
    PROPORTIONS,
    ConsentCoverage,
    ServiceReport,
    horizon_name,
)

CHART_WIDTH = 480
BAR_HEIGHT = 28
LABEL_WIDTH = 240


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int
    text_y: int
    value_x: int


@dataclass(frozen=True)
class Chart:
    description: str
    bars: tuple[Bar, ...]
    height: int
    width: int = CHART_WIDTH
    label_width: int = LABEL_WIDTH


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    chart: Chart | None = None


def _label(vocabulary: str, code: str) -> str:
    """A code as the framework's vocabulary reads it, with a capital first letter (the
    report's own rows: relationships with no assessment yet are "Not assessed yet", and work
    stopped by a withdrawn consent is read as the transparency report reads it)."""
    if code == NOT_ASSESSED:
        return gettext("Not assessed yet")
    if vocabulary == "stage" and code == WITHDRAWN:
        return gettext(dict(STAGES)[WITHDRAWN])
    return str(dict(VOCABULARY[vocabulary].choices())[code])


def number(value: float | None, places: int = 2) -> int | Decimal | None:
    """A cell: whole numbers as they are, others to `places` decimals, None as it is."""
    if value is None:
        return None
    if isinstance(value, int) or float(value).is_integer():
        return int(value)
    return Decimal(f"{value:.{places}f}")


def percent(value: float | None) -> Decimal | None:
    """A proportion as a percentage to one decimal (0.125 is 12.5)."""
    return None if value is None else Decimal(f"{100 * value:.1f}")


def bar_chart(title: str, counts: Sequence[tuple[str, int]]) -> Chart:
    """Horizontal bars, longest for the largest count, each labelled with its count."""
    most = max((count for _, count in counts), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - 48
    bars = []
    for index, (label, count) in enumerate(counts):
        width = round(room * count / most)
        y = 8 + index * (BAR_HEIGHT + 8)
        bars.append(Bar(label, count, y, width, y + 19, LABEL_WIDTH + width + 6))
    described = "; ".join(f"{label}: {count}" for label, count in counts) or gettext(
        "nothing to show"
    )
    return Chart(f"{title}. {described}.", tuple(bars), 16 + len(counts) * (BAR_HEIGHT + 8))


def _count_table(
    key: str, vocabulary: str, title: str, heading: str, counts: Mapping[str, int]
) -> Table:
    rows = tuple((_label(vocabulary, value), count) for value, count in counts.items())
    chart = bar_chart(title, list(rows))
    return Table(key, title, (heading, gettext("Relationships")), rows, chart)


def _findings_table(report: ServiceReport) -> Table:
    title = gettext("Open findings")
    rows = tuple(
        (_label("finding", f.code), f.relationships, number(f.median_days, 1), f.longest_days)
        for f in report.open_findings
    )
    chart = bar_chart(
        title,
        [(str(row[0]), f.relationships) for row, f in zip(rows, report.open_findings, strict=True)],
    )
    columns = (
        gettext("Finding"),
        gettext("Relationships with it open"),
        gettext("Median days open"),
        gettext("Longest days open"),
    )
    return Table("findings", title, columns, rows, chart)


CONTRAST_CODES = ("competence.contrast_unexamined", "competence.contrast_undeclared")


def _contrast_table(report: ServiceReport) -> Table:
    """How contrast is recorded (framework format 1.1): relationships with each of its two
    findings open today, out of every relationship covered."""
    open_now = {f.code: f.relationships for f in report.open_findings}
    rows = tuple((_label("finding", code), open_now.get(code, 0)) for code in CONTRAST_CODES)
    columns = (gettext("Relationships where"), gettext("Relationships"))
    return Table("contrast", gettext("How contrast is recorded"), columns, rows)


def _compliance_table(report: ServiceReport) -> Table:
    columns = (
        gettext("Scrutiny level"),
        gettext("Supervision needed every (days)"),
        gettext("Running relationships"),
        gettext("Agreed interval meets the level"),
        gettext("Supervised in time"),
        gettext("Supervision overdue"),
        gettext("Never supervised"),
        *(
            gettext("Open finding: %(finding)s") % {"finding": _label("finding", code).lower()}
            for code in OVERDUE_CODES
        ),
    )
    rows = tuple(
        (
            _label("scrutiny_level", c.level),
            number(c.required_days),
            c.running,
            c.interval_agreed,
            c.supervised_in_time,
            c.supervision_overdue,
            c.never_supervised,
            *(c.overdue_findings[code] for code in OVERDUE_CODES),
        )
        for c in report.compliance
    )
    return Table("compliance", gettext("Supervision and review compliance"), columns, rows)


def _consent_tables(consent: ConsentCoverage) -> list[Table]:
    people = tuple((_label("consent", value), n) for value, n in consent.people.items())
    affected = tuple(
        (_label("affected_consent", value), n) for value, n in consent.affected.items()
    )
    summary = (
        (gettext("Relationships"), consent.relationships),
        (
            gettext("Everyone in the relationship has given informed consent"),
            consent.everyone_informed,
        ),
        (gettext("Affected parties identified"), consent.affected_identified),
        (
            gettext("Every affected party's consent informed or not needed"),
            consent.affected_covered,
        ),
    )
    return [
        Table(
            "consent",
            gettext("Consent coverage"),
            (gettext("Measure"), gettext("Relationships")),
            summary,
        ),
        Table(
            "consent_people",
            gettext("Consent of the people in each relationship"),
            (gettext("Consent"), gettext("People")),
            people,
        ),
        Table(
            "consent_affected",
            gettext("Consent of affected parties"),
            (gettext("Consent"), gettext("Affected parties")),
            affected,
        ),
    ]


def _paired_table(report: ServiceReport) -> Table:
    columns = (
        gettext("Horizon"),
        gettext("Eligible"),
        gettext("With data (finished)"),
        gettext("Not finished"),
        gettext("Not at caseness at the start"),
        _share_column("recovery", "%"),
        gettext("Reliable recovery (%)"),  # the paired measures' own: improved and recovered
        _share_column("reliable_improvement", "%"),
        _share_column("reliable_deterioration", "%"),
    )
    rows = tuple(
        (
            horizon_name(row.horizon),
            row.eligible,
            row.rates.finished,
            row.rates.not_finished,
            row.rates.not_at_caseness,
            percent(row.rates.recovery),
            percent(row.rates.reliable_recovery),
            percent(row.rates.reliable_improvement),
            percent(row.rates.reliable_deterioration),
        )
        for row in report.paired
    )
    return Table("paired", gettext("Paired PHQ-9 and GAD-7 outcomes"), columns, rows)


_SHARE_KINDS = ("n", "count", "%")


def _share_column(proportion: str, kind: str) -> str:
    """A proportion's column: how many had data (n), how many changed (count), or the share."""
    name = _label("group_proportion", proportion)
    if kind == "n":
        return gettext("%(proportion)s (n)") % {"proportion": name}
    if kind == "count":
        return gettext("%(proportion)s (count)") % {"proportion": name}
    return gettext("%(proportion)s (%%)") % {"proportion": name}


def _group_tables(report: ServiceReport) -> list[Table]:
    change_columns = (
        *(gettext("Measure"), gettext("Horizon"), gettext("Eligible"), gettext("With data")),
        *(gettext("Mean first"), gettext("Mean later"), gettext("Mean change")),
        *(gettext("95% CI low"), gettext("95% CI high"), gettext("d (baseline SD)")),
        *(gettext("d_z"), gettext("d_av"), gettext("Hedges' g_av")),
    )
    share_columns = (
        *(gettext("Measure"), gettext("Horizon"), gettext("With data")),
        *(_share_column(name, kind) for name in PROPORTIONS for kind in _SHARE_KINDS),
    )
    changes: list[tuple[Cell, ...]] = []
    shares: list[tuple[Cell, ...]] = []
    for row in report.groups:
        g = row.change
        low, high = g.ci95 if g.ci95 else (None, None)
        lead = (row.key, horizon_name(row.horizon))
        numbers = (g.mean_first, g.mean_latest, g.mean_change, low, high)
        sizes = (g.d_baseline, g.d_z, g.d_av, g.g_av)
        changes.append((*lead, row.eligible, g.n, *map(number, (*numbers, *sizes))))
        cells: list[Cell] = [g.n]
        for name in PROPORTIONS:
            p = g.proportions[name]
            cells += [p.n, p.count, percent(p.proportion)]
        shares.append((*lead, *cells))
    return [
        Table(
            "group_change",
            gettext("Group change by measure and horizon"),
            change_columns,
            tuple(changes),
        ),
        Table(
            "group_proportions",
            gettext("Reliable change and recovery by measure and horizon"),
            share_columns,
            tuple(shares),
        ),
    ]


def tables(report: ServiceReport) -> list[Table]:
    """Every table of the report, in the order the page shows them."""
    return [
        _count_table(
            "stage", "stage", gettext("Relationships by stage"), gettext("Stage"), report.by_stage
        ),
        _count_table(
            "recommendation",
            "recommendation",
            gettext("Relationships by recommendation"),
            gettext("Recommendation"),
            report.by_recommendation,
        ),
        _count_table(
            "scrutiny",
            "scrutiny_level",
            gettext("Relationships by scrutiny level"),
            gettext("Scrutiny level"),
            report.by_scrutiny,
        ),
        _findings_table(report),
        _contrast_table(report),
        _compliance_table(report),
        *_consent_tables(report.consent),
        _paired_table(report),
        *_group_tables(report),
    ]
