"""The JSON and CSV forms of a report."""

from __future__ import annotations

import csv
import io
import json

from mutuality.transparency import (
    CSV_COLUMNS,
    FORMAT,
    OrganisationData,
    OutcomeChange,
    build_report,
    report_from_dict,
    to_csv,
    to_json,
)


def _data(name: str = "North trust") -> OrganisationData:
    return OrganisationData(
        slug="north",
        name=name,
        as_of="2026-11-26",
        by_setting={"group_work": 12, "peer_support": 9},
        by_stage={"active": 21},
        outcomes=tuple(OutcomeChange("phq9", -7.0, "reliable_improvement") for _ in range(9)),
    )


def test_the_csv_has_one_line_per_figure_and_escapes_every_cell() -> None:
    """A hostile organisation name never reaches the CSV, and a negative mean is escaped."""
    report = build_report(_data(name="=HYPERLINK(1)"))

    lines = list(csv.reader(io.StringIO(to_csv(report))))

    assert tuple(lines[0]) == CSV_COLUMNS
    assert [
        "work",
        "relationships_by_setting",
        "Relationships by kind of work",
        "group_work",
        "Group work",
        "Number",
        "10",
        "shown",
    ] in lines
    mean = next(line for line in lines if line[1] == "average_change_phq9" and line[3] == "mean")
    assert mean[6] == "'-7.0"
    assert not any(cell.startswith(("=", "+", "-", "@")) for line in lines for cell in line)


def test_the_json_has_stable_keys_and_reads_back() -> None:
    """The JSON names its format and reads back into the same report."""
    report = build_report(_data())

    data = json.loads(to_json(report))

    assert list(data) == [
        "format",
        "organisation",
        "as_of",
        "version",
        "published_at",
        "rules",
        "sections",
    ]
    assert data["format"] == FORMAT
    assert [s["key"] for s in data["sections"]] == ["work", "governance", "outcomes"]
    table = data["sections"][0]["tables"][0]
    assert list(table) == [
        "key",
        "caption",
        "kind",
        "columns",
        "rows",
        "total",
        "suppressed_whole",
        "note",
    ]
    assert list(table["rows"][0]["figures"][0]) == ["value", "text", "status"]
    assert report_from_dict(data) == report
