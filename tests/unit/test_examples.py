"""The cases in examples/ yield what the table in examples/README.md says they do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from mutuality.framework import Assessment, assess, load_case

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
README = EXAMPLES / "README.md"
RECOMMENDATIONS = {"proceed", "proceed_with_safeguards", "consult", "alternative_model"}
LEVELS = {"standard", "enhanced", "intensive"}
CODE = re.compile(r"`([a-z]+\.[a-z_]+)`")


@dataclass(frozen=True)
class Row:
    """One line of the README's table: a file and what it must yield."""

    file: str
    recommendation: str
    scrutiny: str
    codes: tuple[str, ...]


def _table_rows() -> list[Row]:
    rows = []
    for line in README.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].endswith(".yaml"):
            continue
        file, recommendation, scrutiny, shows = cells
        rows.append(
            Row(
                file=file,
                recommendation=recommendation.strip("`"),
                scrutiny=scrutiny.strip("`"),
                codes=tuple(CODE.findall(shows)),
            )
        )
    return rows


ROWS = _table_rows()


@cache
def _assessment(file: str) -> Assessment:
    return assess(load_case(EXAMPLES / file))


def test_table_is_well_formed() -> None:
    """The README's table lists at least seven files, once each, with known values."""
    files = [row.file for row in ROWS]

    assert len(files) >= 7
    assert len(files) == len(set(files))
    for row in ROWS:
        assert row.recommendation in RECOMMENDATIONS, row
        assert row.scrutiny in LEVELS, row


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.file)
def test_recommendation_and_scrutiny_match_the_table(row: Row) -> None:
    """Each listed case gets the recommendation and scrutiny level its README line gives."""
    assessment = _assessment(row.file)

    assert assessment.recommendation == row.recommendation
    assert assessment.scrutiny.level == row.scrutiny


def test_every_example_is_listed() -> None:
    """Every YAML case file in examples/ has a line in the README's table."""
    on_disk = {path.name for path in EXAMPLES.glob("*.yaml")} | {
        path.name for path in EXAMPLES.glob("*.yml")
    }

    assert on_disk
    assert on_disk <= {row.file for row in ROWS}


def test_examples_cover_every_recommendation() -> None:
    """Between them the examples reach all four recommendations."""
    reached = {_assessment(row.file).recommendation for row in ROWS}

    assert reached == RECOMMENDATIONS


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.file)
def test_named_codes_are_found(row: Row) -> None:
    """Every finding code named in a case's README line appears in its assessment."""
    codes = set(_assessment(row.file).codes())

    missing = [code for code in row.codes if code not in codes]

    assert not missing, f"{row.file}: {missing} not in {sorted(codes)}"
