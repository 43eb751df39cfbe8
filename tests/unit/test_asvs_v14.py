"""OWASP ASVS 5.0.0, chapter V14 (data protection): the documentation sorts every kind of data
Mutuality holds into protection levels and says what each level needs (docs/security.md,
"Data and how it is protected"; SECURITY.md, "V14 Data protection")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECURITY_DOC = ROOT / "docs" / "security.md"
LEVELS = ["1. Health and care", "2. Personal", "3. Secrets", "4. Public"]
# What 14.1.2 asks each level's requirements to cover, as the table's rows name it.
NEEDS = [
    "In transit",
    "In addresses",
    "At rest",
    "Integrity",
    "Who may read it",
    "In the logs",
    "Who may read the logs",
    "Kept for",
    "Browser and caches",
    "Sent elsewhere",
]


def _section() -> str:
    text = SECURITY_DOC.read_text(encoding="utf-8")
    start = text.index("\n## Data and how it is protected")
    return text[start : text.index("\n## ", start + 1)]


def _table_rows(section: str) -> dict[str, list[str]]:
    """Each row of the section's tables, by its first cell (bold marks dropped)."""
    rows = {}
    for line in section.splitlines():
        if line.startswith("|") and not line.startswith("|---"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            rows[cells[0].strip("*")] = cells[1:]
    return rows


@pytest.mark.asvs("14.1.1")
def test_every_kind_of_data_is_given_a_protection_level() -> None:
    """Four levels, each saying what falls in it; encoded data takes the level of what it
    holds; the law that applies is named."""
    # Act
    section = _section()
    rows = _table_rows(section)

    # Assert
    assert all(rows.get(level) and len(rows[level][0]) > 60 for level in LEVELS)
    for kind in ("worries", "scores", "consent", "email addresses", "audit trail", "session"):
        assert kind in section, kind
    for kind in ("password hashes", "second-factor keys", "transparency report", "backup"):
        assert kind in section, kind
    assert "base64" in section and "not protected by being encoded" in section
    assert "UK GDPR" in section and "special category" in section


@pytest.mark.asvs("14.1.2")
def test_each_level_has_its_protection_requirements_written_down() -> None:
    """For every level the table says how it travels, where it may appear in an address, how
    it is kept, kept whole, read, logged, who reads the logs, how long it is kept, what the
    browser and caches keep and where it may be sent; and it names privacy by design."""
    # Act
    section = _section()
    rows = _table_rows(section)

    # Assert
    for need in NEEDS:
        assert need in rows, need
        assert len(rows[need]) == len(LEVELS), need
        assert all(len(cell) >= 3 for cell in rows[need]), need
    assert re.search(r"encrypted storage", rows["At rest"][0])
    assert "never" in rows["In the logs"][0] and "never" in rows["In the logs"][2]
    assert "access.py" in rows["Who may read it"][0]
    assert "Privacy by design" in section
