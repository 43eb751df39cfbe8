"""OWASP ASVS 5.0.0, V2 (validation and business logic): the documents say what each value is
checked against, how values must agree, and what each person and the service may do at most
(SECURITY.md lists each requirement; tests/integration/test_asvs_v2.py shows the app)."""

from __future__ import annotations

from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _part(document: str, heading: str) -> str:
    """One part of a document, from its heading to the next heading as high or higher, with
    its lines joined (so a phrase may cross a line break)."""
    text = (DOCS / document).read_text(encoding="utf-8")
    level = heading.split(" ", 1)[0]
    start = text.index(f"\n{heading}")
    ends = [text.find(f"\n{'#' * n} ", start + 1) for n in range(1, len(level) + 1)]
    end = min((found for found in ends if found > 0), default=len(text))
    return " ".join(text[start:end].split())


RULES = "### The rules each value is checked against"


@pytest.mark.asvs("2.1.1")
def test_the_rules_for_each_value_are_written_down() -> None:
    """docs/case-format.md gives the limits on values and docs/security.md the forms' own:
    dates, lengths, characters, choices, numbers, email addresses and the file."""
    # Act
    limits = _part("case-format.md", "## Limits on values")
    rules = _part("security.md", RULES)

    # Assert
    assert "real calendar dates between 1900-01-01 and 2199-12-31" in limits
    assert "1–2,000 characters" in limits and "up to 4,000" in limits
    assert "no other control characters" in limits
    assert "A file is at most 1 MB" in limits
    for said in (
        "On the server, always",
        "is today or earlier",
        "the work's title 300",
        "between 1 and 365",
        "Django's validator",
        "a username uses letters, digits",
        "a page's revision is a whole number from 1 to 2,147,483,647",
        "YAML or JSON of at most 1,024 KB",
    ):
        assert said in rules, said


@pytest.mark.asvs("2.1.2")
def test_how_values_must_agree_is_written_down() -> None:
    """The rules across fields are in docs/case-format.md, and the forms' own (stages in order,
    a start date, the latest contract, the audit log's dates, a stale page) in
    docs/security.md."""
    # Act
    across = _part("case-format.md", "## Rules across fields")
    rules = _part("security.md", RULES)

    # Assert
    assert "`started` is given when `stage` is `active` or `ending`" in across
    assert "every id named in" in across
    assert "Each score lies in its instrument's range" in across
    for said in (
        "the work moves only to its next stage",
        "to active only with its start date",
        "an agreement is to the contract's latest version",
        "the audit log's last day is on or after its first",
        "a change from a page loaded before someone else's is refused",
    ):
        assert said in rules, said


@pytest.mark.asvs("2.1.3")
def test_the_limits_for_each_person_and_for_the_service_are_written_down() -> None:
    """docs/security.md's table of limits names what one person may do and what the service
    does at most, each signed-in person's downloads, uploads and forms among them, and says
    what is not limited."""
    # Act
    limits = _part("security.md", "## Limits")

    # Assert
    for said in (
        "| 10 wrong passwords or second-factor codes for one username from one address |",
        "| each person |",
        "| each relationship |",
        "| each upload |",
        "| every list |",
        "| every request |",
        "| the server |",
        "| 30 downloads a minute (PDFs, CSVs, JSON and case files) | each signed-in person |",
        "| 30 case-file uploads a minute | each signed-in person |",
        "| 120 other forms sent a minute | each signed-in person |",
        "Opening pages is not limited",
    ):
        assert said in limits, said
