"""Every hazard in docs/safety/hazard-log.md names the tests that show its control works, and
each named test exists (the suite itself shows they pass)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOG = ROOT / "docs" / "safety" / "hazard-log.md"
NAMED = re.compile(r"`(tests/[^`:]+\.py)(?:::([A-Za-z_][A-Za-z0-9_]*))?`")


def _rows() -> list[list[str]]:
    """The hazard rows of the log's table, each as its cells."""
    rows = []
    for line in LOG.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if re.fullmatch(r"H\d+", cells[0]):
            rows.append(cells)
    return rows


def _tests_in(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith("test")
    }


def test_every_hazard_has_a_cause_a_control_and_tests() -> None:
    """Each row fills every column and names at least one test file."""
    # Act
    rows = _rows()

    # Assert
    assert len(rows) >= 8
    assert [row[0] for row in rows if len(row) != 5 or not all(row)] == []
    assert [row[0] for row in rows if not NAMED.search(row[4])] == []


def test_every_named_test_exists() -> None:
    """Each file named is in the repository, and each test named is defined in it."""
    # Act
    missing = []
    for row in _rows():
        for path, test in NAMED.findall(row[4]):
            file = ROOT / path
            if not file.is_file():
                missing.append(f"{row[0]}: {path}")
            elif test and test not in _tests_in(file):
                missing.append(f"{row[0]}: {path}::{test}")

    # Assert
    assert missing == []
