"""The report as JSON and as CSV (the HTML page is the web app's template)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

from mutuality._csv import write_table

from ._model import Report, Row, Table

CSV_COLUMNS = ("section", "table", "caption", "row", "label", "column", "figure", "status")


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def _table_rows(section: str, table: Table) -> Iterator[list[str]]:
    rows: list[Row] = [*table.rows, *([table.total] if table.total else [])]
    for row in rows:
        for column, figure in zip(table.columns, row.figures, strict=True):
            yield [
                section,
                table.key,
                table.caption,
                row.key,
                row.label,
                column,
                figure.text,
                figure.status,
            ]


def to_csv(report: Report) -> str:
    """One line per published figure, every cell escaped against spreadsheet formulas.

    Every cell is text, the figure too: it is the figure as published (`10`, `50%`, `*`), so a
    negative change is escaped like any text (`'-4.5`); the JSON holds the numbers.
    """
    out = io.StringIO()
    lines = (
        line
        for section in report.sections
        for table in section.tables
        for line in _table_rows(section.key, table)
    )
    write_table(out, CSV_COLUMNS, lines)
    return out.getvalue()
