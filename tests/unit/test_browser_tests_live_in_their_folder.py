"""`make test` runs the browser tests from tests/browser and every other test from tests/unit
and tests/integration (Makefile: BROWSER_TESTS, NOT_BROWSER_TESTS), so that each run collects
only its own tests. A browser test anywhere else, or a test in tests/browser not marked as
one, would then run in neither: this fails first."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
MARKED = re.compile(r"^pytestmark = pytest\.mark\.browser$", re.MULTILINE)
ANY_MARK = re.compile(r"^\s*(pytestmark = |@)pytest\.mark\.browser\b", re.MULTILINE)


def test_every_browser_test_is_in_tests_browser_and_marked() -> None:
    # Arrange
    modules = sorted(TESTS.rglob("test_*.py"))

    # Act
    unmarked = [
        str(path.relative_to(TESTS))
        for path in modules
        if path.parent.name == "browser" and not MARKED.search(path.read_text(encoding="utf-8"))
    ]
    elsewhere = [
        str(path.relative_to(TESTS))
        for path in modules
        if path.parent.name != "browser" and ANY_MARK.search(path.read_text(encoding="utf-8"))
    ]

    # Assert
    assert modules
    assert unmarked == [], "tests in tests/browser not marked as browser tests"
    assert elsewhere == [], "browser tests outside tests/browser"
