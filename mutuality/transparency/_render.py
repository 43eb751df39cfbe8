"""The report as JSON and as CSV (the HTML page is the web app's template)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

from ._model import Report, Row, Table

CSV_COLUMNS = ("section", "table", "caption", "row", "label", "column", "figure", "status")
# A spreadsheet treats a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def to_json(report: Report) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def csv_safe(text: str) -> str:
    """The text, with a leading `'` when a spreadsheet would otherwise run it as a formula."""
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


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
    """One line per published figure, every cell escaped against spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for section in report.sections:
        for table in section.tables:
            for line in _table_rows(section.key, table):
                writer.writerow([csv_safe(cell) for cell in line])
    return out.getvalue()
