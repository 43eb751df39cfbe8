"""Every CSV Mutuality writes: one rectangular table, no cell a spreadsheet would run.

Both the transparency core and the web app's service report write through `write_table`, so
each file has one header row and every row as wide as it, and every cell goes through
`csv_cell`. Pure Python, so the cores may use it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Protocol

Cell = str | int | float | Decimal | None
# A spreadsheet may take a cell that starts with one of these for a formula (a tab or carriage
# return can hide one after it): OWASP's guidance on CSV injection.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class TextOut(Protocol):
    """Where a CSV goes: anything with `write(str)` (a StringIO, an HttpResponse)."""

    def write(self, text: str, /) -> object: ...


def csv_cell(value: Cell) -> str:
    """The value as a CSV cell that no spreadsheet runs as a formula (ASVS v5 1.2.10).

    Text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`,
    whatever follows: text that reads as a number, like "-3" typed into a form, is escaped too,
    since where text came from cannot be told from the text. Numbers are escaped by type, not
    by look: an int, float or Decimal is written as it is (`-3`, `-0.5`), so that spreadsheets
    and pandas read a negative number as a number; the program made it, and a number cannot
    hold a formula. None is an empty cell.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return f"'{value}" if value.startswith(FORMULA_STARTS) else value
    return str(value)


def write_table(out: TextOut, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    """The header and then the rows, as CSV (RFC 4180 line ends), every cell through `csv_cell`.

    Raises:
        ValueError: a row is not as wide as the header; nothing is written then.
    """
    body: list[Sequence[Cell]] = list(rows)
    for number, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise ValueError(
                f"CSV row {number} has {len(row)} cells; the header has {len(header)}: {row!r}"
            )
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in header])
    writer.writerows([csv_cell(cell) for cell in row] for row in body)


class _Line:
    """Where `csv.writer` puts one row, to be handed on as text."""

    text = ""

    def write(self, text: str, /) -> None:
        self.text = text


def stream_table(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """`write_table` a line at a time, for a download of any length in constant memory: the
    header, then each row as it comes (every cell through `csv_cell`).

    Raises:
        ValueError: a row is not as wide as the header (the lines before it are already out).
    """
    line = _Line()
    writer = csv.writer(line, lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in header])
    yield line.text
    for number, row in enumerate(rows, start=2):
        if len(row) != len(header):
            raise ValueError(f"CSV row {number} has {len(row)} cells; the header has {len(header)}")
        writer.writerow([csv_cell(cell) for cell in row])
        yield line.text
