"""SECURITY.md lists every OWASP ASVS 5.0.0 Level 1 and 2 requirement of the chapters it covers,
each Pass or N/A with a reason, and every Pass is backed by a test marked with its id
(tests/asvs.py says how the claims and the marks are read)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.asvs import (
    SECURITY,
    Row,
    chapter,
    marked_tests,
    problems,
    required,
    rows,
    suite_files,
)

CHAPTERS = sorted({chapter(requirement) for requirement in required()}, key=lambda c: int(c[1:]))


@pytest.fixture(scope="module")
def claims() -> list[Row]:
    return rows(SECURITY.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def marks() -> dict[str, list[str]]:
    return marked_tests(suite_files())


@pytest.mark.parametrize("only", CHAPTERS)
def test_each_requirement_of_the_chapter_is_claimed_and_each_pass_has_a_marked_test(
    only: str, claims: list[Row], marks: dict[str, list[str]]
) -> None:
    """One row per requirement, at its level, Pass or N/A with a reason; a Pass has a test."""
    # Act
    found = problems(claims, required(), marks, only=only)

    # Assert
    assert found == [], "\n".join(found)


def test_every_requirement_is_in_one_of_the_chapters_checked() -> None:
    """The chapters checked above are all the list has (a new chapter is checked too)."""
    # Act
    covered = {chapter(requirement) for requirement in required()}

    # Assert
    assert covered == set(CHAPTERS)
    assert len(required()) == 192  # 182, and V4 since the API (ADR 0018)


def test_a_pass_without_a_marked_test_is_caught(tmp_path: Path) -> None:
    """The check fails a Pass row that no test is marked with, and a mark on an N/A row."""
    # Arrange
    text = (
        "| 6.2.1 | 1 | At least 8 characters | Pass | Django's length validator |\n"
        "| 6.2.2 | 1 | Users change their password | Pass | allauth's page |\n"
        "| 6.2.3 | 1 | Current and new password | N/A | reason |\n"
    )
    (tmp_path / "test_x.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.asvs('6.2.1')\ndef test_length(): ...\n\n"
        "@pytest.mark.asvs('v5.0.0-6.2.3')\ndef test_na(): ...\n"
    )
    wanted = {"6.2.1": "1", "6.2.2": "1", "6.2.3": "1", "6.2.4": "1"}
    marks = marked_tests([tmp_path / "test_x.py"], root=tmp_path)

    # Act
    found = problems(rows(text), wanted, marks)

    # Assert
    assert found == [
        "6.2.4: no row in SECURITY.md",
        "6.2.2: Pass, but no test is marked @pytest.mark.asvs('6.2.2')",
        "6.2.3: marked on test_x.py::test_na, but SECURITY.md does not say Pass",
    ]


def test_marks_are_read_from_functions_classes_methods_and_pytestmark(tmp_path: Path) -> None:
    """Each place a mark can go is read, in either spelling of the id."""
    # Arrange
    probe = tmp_path / "test_probe.py"
    probe.write_text(
        "import pytest\n"
        "pytestmark = [pytest.mark.asvs('1.2.4')]\n"
        "@pytest.mark.asvs('v5.0.0-6.2.1')\ndef test_a(): ...\n"
        "@pytest.mark.asvs('7.2.4')\nclass TestB:\n"
        "    @pytest.mark.asvs('8.2.2')\n    def test_c(self): ...\n"
    )

    # Act
    marks = marked_tests([probe], root=tmp_path)

    # Assert
    where = "test_probe.py"
    assert marks == {
        "1.2.4": [where],
        "6.2.1": [f"{where}::test_a"],
        "7.2.4": [f"{where}::TestB"],
        "8.2.2": [f"{where}::TestB::test_c"],
    }
