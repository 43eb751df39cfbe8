"""The shared examples give exactly what `../shared/examples/README.md` lists, when it is there:
the recommendation, every finding code it says each must include, and the scrutiny level."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mutuality.framework import assess, load_case

CODE = re.compile(r"`([a-z]+\.[a-z_]+)`")
LEVEL = re.compile(r"^(standard|enhanced|intensive)\b(?: \(contrast (\d+)\))?")


def _rows(examples_dir: Path) -> list[list[str]]:
    rows = []
    for line in (examples_dir / "README.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].endswith(".yaml"):
            rows.append(cells)
    return rows


def test_each_shared_example_gives_what_its_readme_lists(examples_dir: Path) -> None:
    """Each listed file's recommendation, must-include codes and scrutiny match its row."""
    rows = _rows(examples_dir)

    assert rows, "the shared README lists no examples"
    for file, recommendation, includes, scrutiny in rows:
        assessment = assess(load_case(examples_dir / file))
        assert assessment.recommendation == recommendation.strip("`"), file
        assert set(CODE.findall(includes)) <= set(assessment.codes()), file
        level = LEVEL.match(scrutiny)
        if level is None:  # "—": the README says nothing about scrutiny
            continue
        assert assessment.scrutiny.level == level[1], file
        if level[2] is not None:
            assert assessment.scrutiny.contrast == int(level[2]), file


@pytest.mark.parametrize("name", ["hearing-voices-group.yaml"])
def test_proceed_example_has_no_finding_above_info(examples_dir: Path, name: str) -> None:
    """The shared example that must `proceed` has no finding above info."""
    assessment = assess(load_case(examples_dir / name))

    assert {f.severity for f in assessment.findings} <= {"info"}
