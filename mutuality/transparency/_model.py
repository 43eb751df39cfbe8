"""The published report as plain data: sections hold tables, tables hold rows of figures.

Every number in a report has already been through statistical disclosure control
(`_sdc.py`); nothing here holds a true count. `to_dict`/`report_from_dict` give the stable
JSON form (docs/transparency.md) that a published report is frozen as.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

FORMAT = "mutuality.transparency/1"

Status = Literal["shown", "suppressed", "not_applicable"]
Kind = Literal["breakdown", "figures"]


@dataclass(frozen=True)
class Figure:
    """One published cell: the number people may see (None when hidden) and how it reads."""

    value: int | float | None
    text: str
    status: Status = "shown"

    @property
    def hidden(self) -> bool:
        return self.status == "suppressed"


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    figures: tuple[Figure, ...]


@dataclass(frozen=True)
class Table:
    """A breakdown (rows that add up to `total`) or a list of separate figures."""

    key: str
    caption: str
    kind: Kind
    columns: tuple[str, ...]
    rows: tuple[Row, ...]
    total: Row | None = None
    suppressed_whole: bool = False
    note: str = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    summary: str
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class Report:
    organisation_slug: str
    organisation_name: str
    as_of: str
    sections: tuple[Section, ...]
    rules: tuple[str, ...] = field(default=())
    version: int | None = None
    published_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "organisation": {"slug": self.organisation_slug, "name": self.organisation_name},
            "as_of": self.as_of,
            "version": self.version,
            "published_at": self.published_at,
            "rules": list(self.rules),
            "sections": [_section_dict(section) for section in self.sections],
        }


def _figure_dict(figure: Figure) -> dict[str, Any]:
    return {"value": figure.value, "text": figure.text, "status": figure.status}


def _row_dict(row: Row) -> dict[str, Any]:
    return {"key": row.key, "label": row.label, "figures": [_figure_dict(f) for f in row.figures]}


def _table_dict(table: Table) -> dict[str, Any]:
    return {
        "key": table.key,
        "caption": table.caption,
        "kind": table.kind,
        "columns": list(table.columns),
        "rows": [_row_dict(row) for row in table.rows],
        "total": None if table.total is None else _row_dict(table.total),
        "suppressed_whole": table.suppressed_whole,
        "note": table.note,
    }


def _section_dict(section: Section) -> dict[str, Any]:
    return {
        "key": section.key,
        "title": section.title,
        "summary": section.summary,
        "tables": [_table_dict(table) for table in section.tables],
    }


def _figure(data: dict[str, Any]) -> Figure:
    return Figure(value=data["value"], text=str(data["text"]), status=data["status"])


def _row(data: dict[str, Any]) -> Row:
    figures = tuple(_figure(f) for f in data["figures"])
    return Row(key=str(data["key"]), label=str(data["label"]), figures=figures)


def _table(data: dict[str, Any]) -> Table:
    return Table(
        key=str(data["key"]),
        caption=str(data["caption"]),
        kind=data["kind"],
        columns=tuple(str(c) for c in data["columns"]),
        rows=tuple(_row(r) for r in data["rows"]),
        total=None if data["total"] is None else _row(data["total"]),
        suppressed_whole=bool(data["suppressed_whole"]),
        note=str(data["note"]),
    )


def report_from_dict(data: dict[str, Any]) -> Report:
    """A report back from its JSON form (a frozen, published report)."""
    sections = tuple(
        Section(
            key=str(s["key"]),
            title=str(s["title"]),
            summary=str(s["summary"]),
            tables=tuple(_table(t) for t in s["tables"]),
        )
        for s in data["sections"]
    )
    return Report(
        organisation_slug=str(data["organisation"]["slug"]),
        organisation_name=str(data["organisation"]["name"]),
        as_of=str(data["as_of"]),
        sections=sections,
        rules=tuple(str(r) for r in data["rules"]),
        version=data["version"],
        published_at=data["published_at"],
    )
