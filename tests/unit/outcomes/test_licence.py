"""Licences: no withheld wording in the repository, and credit wherever items are shown.

WEMWBS, SWEMWBS and CORE-10 may be scored but not worded by Mutuality, so their
item text must never be committed. These tests fail if it is.
"""

import re
import subprocess
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import pytest
import yaml

from mutuality.outcomes import Instrument
from mutuality.outcomes._questionnaire import credit_lines, questionnaire_lines
from mutuality.outcomes._text import item_text

REPOSITORY = Path(__file__).resolve().parents[3]
TEXT_KEYS = ("stem", "item_text", "response_options")
# A YAML key at the start of a line (optionally a list entry), or a quoted JSON key.
TEXT_KEY = re.compile(
    r"""^\s*(?:-\s+)?(?:stem|item_text)\s*:|["'](?:stem|item_text)["']\s*:""", re.MULTILINE
)
QUOTED_TEXT_KEY = re.compile(r"""["'](?:stem|item_text)["']\s*:""")


def _shipped_definitions() -> dict[str, dict[str, object]]:
    folder = resources.files("mutuality.outcomes").joinpath("instruments")
    files = [f for f in folder.iterdir() if f.name.endswith(".yaml")]
    return {f.name: yaml.safe_load(f.read_text(encoding="utf-8")) for f in files}


def _withheld_ids(shipped: Mapping[str, Instrument]) -> set[str]:
    return {i.id for i in shipped.values() if i.text_licence == "organisation_supplied"}


def _repository_files() -> list[Path]:
    # Tracked files and new ones not yet ignored: whatever a commit could carry.
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],  # noqa: S607
        cwd=REPOSITORY,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [REPOSITORY / name for name in listed.split("\0") if name]


def _text(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None


def test_withheld_instruments_are_the_three_of_the_spec(shipped: Mapping[str, Instrument]) -> None:
    """WEMWBS, SWEMWBS and CORE-10 are the shipped instruments whose wording is withheld."""
    # Arrange
    expected = {"wemwbs", "swemwbs", "core10"}

    # Act
    withheld = _withheld_ids(shipped)

    # Assert
    assert withheld == expected


def test_no_withheld_definition_carries_item_text() -> None:
    """No shipped definition marked organisation_supplied has a stem, items or options."""
    # Arrange
    definitions = _shipped_definitions()

    # Act
    carrying = {
        name: [key for key in TEXT_KEYS if key in data]
        for name, data in definitions.items()
        if data.get("text_licence") == "organisation_supplied"
    }

    # Assert
    assert len(carrying) == 3
    assert carrying == {name: [] for name in carrying}


def test_no_withheld_instrument_has_text_at_run_time(shipped: Mapping[str, Instrument]) -> None:
    """Without the organisation's file, no withheld instrument has any wording."""
    # Arrange
    withheld = [shipped[i] for i in _withheld_ids(shipped)]

    # Act
    texts = [item_text(instrument, Path("/nonexistent")) for instrument in withheld]

    # Assert
    assert [instrument.text for instrument in withheld] == [None] * 3
    assert texts == [None] * 3


def test_no_file_in_the_repository_words_a_withheld_instrument(
    shipped: Mapping[str, Instrument],
) -> None:
    """No file outside the tests both names a withheld instrument and holds a stem or item text.

    The tests themselves write only placeholder wording, into temporary
    directories, so they are left out of the scan.
    """
    # Arrange
    mentions = re.compile(rf"\b(?:{'|'.join(sorted(_withheld_ids(shipped)))})\b", re.IGNORECASE)
    files = [
        path for path in _repository_files() if "tests" not in path.relative_to(REPOSITORY).parts
    ]

    # Act
    offending = []
    for path in files:
        text = _text(path)
        if text is None or not mentions.search(text):
            continue
        pattern = QUOTED_TEXT_KEY if path.suffix == ".py" else TEXT_KEY
        if pattern.search(text):
            offending.append(str(path.relative_to(REPOSITORY)))

    # Assert
    assert len(files) > 10
    assert offending == []


def test_every_worded_instrument_has_an_attribution(shipped: Mapping[str, Instrument]) -> None:
    """Every shipped instrument with item text carries a non-empty credit line."""
    # Arrange
    worded = [i for i in shipped.values() if i.text is not None]

    # Act
    credits = {i.id: (i.attribution or "").strip() for i in worded}

    # Assert
    assert set(credits) == {"phq9", "gad7", "who5", "ons4", "gbo"}
    assert all(credits.values())


@pytest.mark.parametrize("instrument_id", ["phq9", "gad7", "who5", "ons4", "gbo"])
def test_questionnaires_always_end_with_their_credit(
    instrument_id: str, shipped: Mapping[str, Instrument]
) -> None:
    """Every shipped questionnaire ends with its attribution and licence note."""
    # Arrange
    instrument = shipped[instrument_id]
    text = item_text(instrument)
    assert text is not None

    # Act
    lines = questionnaire_lines(instrument, text)

    # Assert
    credit = credit_lines(text)
    assert lines[-len(credit) :] == credit
    assert credit[0] == instrument.attribution
    assert credit[-1] == f"Licence: {instrument.licence}"


def test_organisation_questionnaire_ends_with_the_instruments_credit(
    tmp_path: Path, shipped: Mapping[str, Instrument]
) -> None:
    """Wording from the organisation's file is still shown with the instrument's copyright line."""
    # Arrange
    placeholders = [f"Placeholder statement {n}" for n in range(1, 8)]
    (tmp_path / "swemwbs.yaml").write_text(
        yaml.safe_dump({"stem": "Placeholder stem", "items": placeholders}), encoding="utf-8"
    )
    swemwbs = shipped["swemwbs"]
    text = item_text(swemwbs, tmp_path)
    assert text is not None

    # Act
    lines = questionnaire_lines(swemwbs, text)

    # Assert
    assert lines[-2:] == [swemwbs.attribution, f"Licence: {swemwbs.licence}"]
    assert "University of Warwick" in lines[-2]
