"""OWASP ASVS 5.0.0 V8 (authorisation): docs/security.md, "Who sees what", writes down the
rules access.py enforces, and its table of what each standing may do is the code's own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mutuality.web.access import _GRANTS, Permission, Standing

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
COLUMNS = [
    Standing.PROFESSIONAL,
    Standing.CO_PRODUCER,
    Standing.SUPERVISOR,
    Standing.REVIEWER,
    Standing.ADMIN,
]
_ROW = re.compile(r"^\s*\| `([A-Z_]+)` \|")


def _plain(text: str) -> str:
    """The text with every run of spaces and line breaks as one space (lines wrap anywhere)."""
    return " ".join(text.split())


def _section(heading: str) -> str:
    """The text of the level-2 section of docs/security.md whose heading starts so."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"\n## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _documented_grants() -> dict[Standing, set[Permission]]:
    """Each standing and the permissions the section's table gives it."""
    grants: dict[Standing, set[Permission]] = {standing: set() for standing in COLUMNS}
    for line in _section("Who sees what").splitlines():
        found = _ROW.match(line)
        if not found:
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        marks = cells[2:]
        assert len(marks) == len(COLUMNS), line
        for standing, mark in zip(COLUMNS, marks, strict=True):
            assert mark in ("yes", ""), line
            if mark == "yes":
                grants[standing].add(Permission[found.group(1)])
    return grants


@pytest.mark.asvs("8.1.1")
def test_the_documented_table_of_who_may_do_what_is_the_codes_own() -> None:
    """The table of permissions by standing in "Who sees what" gives each standing exactly
    the permissions access.py grants it, and names every permission there is."""
    # Arrange
    in_code = {standing: set(granted) for standing, granted in _GRANTS.items()}

    # Act
    documented = _documented_grants()

    # Assert
    assert documented == in_code
    named = set().union(*documented.values())
    assert named == set(Permission)


@pytest.mark.asvs("8.1.1")
def test_the_documentation_says_how_function_and_data_access_are_decided() -> None:
    """The section names the one module that decides, whose relationships each person sees,
    what someone outside one is told, the organisations as tenants, and the test that holds
    every page to the rules."""
    # Act
    section = _section("Who sees what")

    # Assert
    for words in (
        "One module decides access: `mutuality/web/access.py`",
        "participant, its supervisor, an assigned independent reviewer, or an admin of its "
        "organisation",
        "told it does not exist (404)",
        "a standing without it gets 403",
        "Organisations are the tenants",
        "tests/integration/test_access_matrix.py",
    ):
        assert words in _plain(section), words


@pytest.mark.asvs("8.1.2")
def test_the_documentation_gives_the_field_level_rules_for_reading_and_writing() -> None:
    """The section says who sets each part of a person's description, whose consent and
    answers a person gives, what an upload may reach, and which fields others cannot read,
    including the rules that depend on a record's state."""
    # Act
    section = _section("Who sees what")

    # Assert
    for words in (
        "Field-level rules, reading and writing",
        "`Permission.DESCRIBE` with `describes`",
        "`RECORD_CAPACITY`",
        "`speaks_for`",
        "`file_reach`",
        "seen only by the supervisor and its raiser",
        "never what they said",
        "depend on the record's state",
    ):
        assert words in _plain(section), words
