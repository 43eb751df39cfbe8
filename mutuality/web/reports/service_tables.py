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

from mutuality._csv import Cell
from mutuality.framework import VOCABULARY
from mutuality.web.relationships.tallies import NOT_ASSESSED, OVERDUE_CODES
from mutuality.web.reports.service_report import (
    HORIZON_NAMES,
    PROPORTIONS,
    ConsentCoverage,
    ServiceReport,
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
    report's own row of relationships with no assessment yet is "Not assessed yet")."""
    if code == NOT_ASSESSED:
        return "Not assessed yet"
    return dict(VOCABULARY[vocabulary].choices())[code]


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
    described = "; ".join(f"{label}: {count}" for label, count in counts) or "nothing to show"
    return Chart(f"{title}. {described}.", tuple(bars), 16 + len(counts) * (BAR_HEIGHT + 8))


def _count_table(
    key: str, vocabulary: str, title: str, heading: str, counts: Mapping[str, int]
) -> Table:
    rows = tuple((_label(vocabulary, value), count) for value, count in counts.items())
    chart = bar_chart(title, list(rows))
    return Table(key, title, (heading, "Relationships"), rows, chart)


def _findings_table(report: ServiceReport) -> Table:
    title = "Open findings"
    rows = tuple(
        (_label("finding", f.code), f.relationships, number(f.median_days, 1), f.longest_days)
        for f in report.open_findings
    )
    chart = bar_chart(
        title,
        [(str(row[0]), f.relationships) for row, f in zip(rows, report.open_findings, strict=True)],
    )
    columns = ("Finding", "Relationships with it open", "Median days open", "Longest days open")
    return Table("findings", title, columns, rows, chart)


CONTRAST_CODES = ("competence.contrast_unexamined", "competence.contrast_undeclared")


def _contrast_table(report: ServiceReport) -> Table:
    """How contrast is recorded (framework format 1.1): relationships with each of its two
    findings open today, out of every relationship covered."""
    open_now = {f.code: f.relationships for f in report.open_findings}
    rows = tuple((_label("finding", code), open_now.get(code, 0)) for code in CONTRAST_CODES)
    return Table(
        "contrast", "How contrast is recorded", ("Relationships where", "Relationships"), rows
    )


def _compliance_table(report: ServiceReport) -> Table:
    columns = (
        "Scrutiny level",
        "Supervision needed every (days)",
        "Running relationships",
        "Agreed interval meets the level",
        "Supervised in time",
        "Supervision overdue",
        "Never supervised",
        *(f"Open finding: {_label('finding', code).lower()}" for code in OVERDUE_CODES),
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
    return Table("compliance", "Supervision and review compliance", columns, rows)


def _consent_tables(consent: ConsentCoverage) -> list[Table]:
    people = tuple((_label("consent", value), n) for value, n in consent.people.items())
    affected = tuple(
        (_label("affected_consent", value), n) for value, n in consent.affected.items()
    )
    summary = (
        ("Relationships", consent.relationships),
        ("Everyone in the relationship has given informed consent", consent.everyone_informed),
        ("Affected parties identified", consent.affected_identified),
        ("Every affected party's consent informed or not needed", consent.affected_covered),
    )
    return [
        Table("consent", "Consent coverage", ("Measure", "Relationships"), summary),
        Table(
            "consent_people",
            "Consent of the people in each relationship",
            ("Consent", "People"),
            people,
        ),
        Table(
            "consent_affected",
            "Consent of affected parties",
            ("Consent", "Affected parties"),
            affected,
        ),
    ]


def _paired_table(report: ServiceReport) -> Table:
    columns = (
        "Horizon",
        "Eligible",
        "With data (finished)",
        "Not finished",
        "Not at caseness at the start",
        f"{_label('group_proportion', 'recovery')} (%)",
        "Reliable recovery (%)",  # the paired measures' own: reliably improved and recovered
        f"{_label('group_proportion', 'reliable_improvement')} (%)",
        f"{_label('group_proportion', 'reliable_deterioration')} (%)",
    )
    rows = tuple(
        (
            HORIZON_NAMES[row.horizon],
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
    return Table("paired", "Paired PHQ-9 and GAD-7 outcomes", columns, rows)


def _group_tables(report: ServiceReport) -> list[Table]:
    change_columns = (
        *("Measure", "Horizon", "Eligible", "With data", "Mean first", "Mean later"),
        *("Mean change", "95% CI low", "95% CI high"),
        *("d (baseline SD)", "d_z", "d_av", "Hedges' g_av"),
    )
    kinds = ("n", "count", "%")
    share_columns = (
        *("Measure", "Horizon", "With data"),
        *(f"{_label('group_proportion', name)} ({kind})" for name in PROPORTIONS for kind in kinds),
    )
    changes: list[tuple[Cell, ...]] = []
    shares: list[tuple[Cell, ...]] = []
    for row in report.groups:
        g = row.change
        low, high = g.ci95 if g.ci95 else (None, None)
        lead = (row.key, HORIZON_NAMES[row.horizon])
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
            "group_change", "Group change by measure and horizon", change_columns, tuple(changes)
        ),
        Table(
            "group_proportions",
            "Reliable change and recovery by measure and horizon",
            share_columns,
            tuple(shares),
        ),
    ]


def tables(report: ServiceReport) -> list[Table]:
    """Every table of the report, in the order the page shows them."""
    return [
        _count_table("stage", "stage", "Relationships by stage", "Stage", report.by_stage),
        _count_table(
            "recommendation",
            "recommendation",
            "Relationships by recommendation",
            "Recommendation",
            report.by_recommendation,
        ),
        _count_table(
            "scrutiny",
            "scrutiny_level",
            "Relationships by scrutiny level",
            "Scrutiny level",
            report.by_scrutiny,
        ),
        _findings_table(report),
        _contrast_table(report),
        _compliance_table(report),
        *_consent_tables(report.consent),
        _paired_table(report),
        *_group_tables(report),
    ]
