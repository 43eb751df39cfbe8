"""The one way the project writes CSV: cells no spreadsheet runs, files that are one table."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pandas as pd
import pytest

from mutuality._csv import Cell, csv_cell, stream_table, write_table


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1", "'+1"),
        ("-x", "'-x"),
        ("@cmd", "'@cmd"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-3", "'-3"),
        ("-0.5", "'-0.5"),
    ],
)
def test_text_a_spreadsheet_could_run_gets_a_leading_quote(value: str, written: str) -> None:
    """Text starting =, +, -, @, tab or carriage return is escaped, even text that reads as a number."""
    assert csv_cell(value) == written


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("a=b", "a=b"),
        (" =1", " =1"),
        ("10", "10"),
        ("*", "*"),
        ("", ""),
        (None, ""),
        (-3, "-3"),
        (-0.5, "-0.5"),
        (Decimal("-0.50"), "-0.50"),
        (12, "12"),
    ],
)
def test_other_text_and_numbers_are_written_as_they_are(value: Cell, written: str) -> None:
    """Safe text is left alone; a number, negative or not, stays a number; None is empty."""
    assert csv_cell(value) == written


def test_a_table_is_written_whole_and_reads_back_with_its_numbers() -> None:
    """One header, every row as wide; pandas reads the negative numbers as numbers."""
    out = io.StringIO()

    write_table(out, ["name", "change"], [["=1+1", -3], ["-3", Decimal("-0.50")], ["ok", None]])

    frame = pd.read_csv(io.StringIO(out.getvalue()), dtype={"name": str})
    assert out.getvalue().startswith("name,change\r\n")
    assert frame["name"].tolist() == ["'=1+1", "'-3", "ok"]
    assert frame["change"].tolist()[:2] == [-3.0, -0.5]
    assert frame["change"].isna().tolist() == [False, False, True]


def test_a_row_of_another_width_is_refused_and_nothing_written() -> None:
    """A ragged row is a mistake in the program: it raises, naming the row, before writing."""
    out = io.StringIO()

    with pytest.raises(ValueError, match="CSV row 3 has 3 cells; the header has 2"):
        write_table(out, ["a", "b"], [["1", "2"], ["1", "2", "3"]])

    assert out.getvalue() == ""


def test_a_cell_with_a_line_break_or_comma_stays_one_cell() -> None:
    """Quoting keeps commas, quotes and line breaks inside their cell."""
    out = io.StringIO()

    write_table(out, ["text"], [['a, "b"\nc']])

    assert list(csv.reader(io.StringIO(out.getvalue()))) == [["text"], ['a, "b"\nc']]


def test_a_streamed_table_is_the_written_table_a_line_at_a_time() -> None:
    """`stream_table` yields the same text as `write_table`, one line each."""
    rows: list[list[Cell]] = [["=1+1", -3], ["plain", None]]
    whole = io.StringIO()
    write_table(whole, ["a", "b"], rows)

    lines = list(stream_table(["a", "b"], iter(rows)))

    assert "".join(lines) == whole.getvalue()
    assert len(lines) == 3


def test_a_streamed_row_of_the_wrong_width_is_refused() -> None:
    """A row narrower than the header stops the stream with the row's number."""
    with pytest.raises(ValueError, match="row 3"):
        list(stream_table(["a", "b"], iter([["x", "y"], ["z"]])))
