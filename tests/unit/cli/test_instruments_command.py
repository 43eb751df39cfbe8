"""`mutuality instruments [ID]`: the shipped measures, a questionnaire, and its attribution.

Only obviously fake placeholder wording is written here for the instruments whose
licences keep their item text with the organisation (WEMWBS, SWEMWBS, CORE-10).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mutuality.cli import main
from mutuality.outcomes import ORGANISATION_NOTE, TEXT_DIRECTORY_VARIABLE, shipped_instruments

INVALID = 2
SHIPPED_IDS = ["core10", "gad7", "gbo", "ons4", "phq9", "swemwbs", "wemwbs", "who5"]
WITH_TEXT = sorted(i for i, instrument in shipped_instruments().items() if instrument.text)
WITHOUT_TEXT = sorted(i for i, instrument in shipped_instruments().items() if not instrument.text)


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _placeholder_text(folder: Path, instrument_id: str, *, attribution: str | None = None) -> Path:
    """Write ``<id>.yaml`` holding fake wording, one placeholder per item."""
    items = shipped_instruments()[instrument_id].items or 0
    lines = ['stem: "Placeholder instruction for testing"', "items:"]
    lines += [f'  - "Placeholder statement {n}"' for n in range(1, items + 1)]
    if attribution is not None:
        lines.append(f'attribution: "{attribution}"')
    path = folder / f"{instrument_id}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_shipped_instruments_split_into_worded_and_organisation_supplied() -> None:
    """Five instruments ship their wording and three leave it to the organisation."""
    # Assert
    assert WITH_TEXT == ["gad7", "gbo", "ons4", "phq9", "who5"]
    assert WITHOUT_TEXT == ["core10", "swemwbs", "wemwbs"]


def test_the_list_names_every_shipped_instrument(capsys: pytest.CaptureFixture[str]) -> None:
    """`mutuality instruments` prints one line per shipped instrument, starting with its id."""
    # Act
    code, out, err = _run(capsys, "instruments")

    # Assert
    assert code == 0, err
    assert sorted(line.split()[0] for line in out.splitlines()) == SHIPPED_IDS


def test_the_list_gives_direction_and_reliable_change(capsys: pytest.CaptureFixture[str]) -> None:
    """Each line says which way is better and the reliable-change threshold, or that there is none."""
    # Act
    _, out, _ = _run(capsys, "instruments")

    # Assert
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert "PHQ-9: 0–27, higher is worse, reliable change 6 points" in lines["phq9"]
    assert "higher is better, reliable change 10 points" in lines["who5"]
    assert "no reliable-change statistic" in lines["ons4"]


def test_phq9_shows_its_nine_items_and_attribution(capsys: pytest.CaptureFixture[str]) -> None:
    """`mutuality instruments phq9` numbers nine items and ends with the credit and licence."""
    # Arrange
    phq9 = shipped_instruments()["phq9"]
    assert phq9.text is not None

    # Act
    code, out, err = _run(capsys, "instruments", "phq9")

    # Assert
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "PHQ-9"
    numbered = [line for line in lines if line.split(".")[0].isdigit()]
    assert [line.split(".")[0] for line in numbered] == [str(n) for n in range(1, 10)]
    assert numbered[0] == f"1. {phq9.text.items[0]}"
    assert phq9.text.attribution in lines
    assert "Spitzer" in phq9.text.attribution
    assert lines[-1] == f"Licence: {phq9.text.licence}"


@pytest.mark.parametrize("instrument_id", WITH_TEXT)
def test_every_instrument_shown_with_items_shows_its_attribution(
    capsys: pytest.CaptureFixture[str], instrument_id: str
) -> None:
    """Each instrument with shipped wording prints its items, then its attribution and licence."""
    # Arrange
    instrument = shipped_instruments()[instrument_id]
    assert instrument.text is not None

    # Act
    code, out, err = _run(capsys, "instruments", instrument_id)

    # Assert
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == instrument.name
    assert all(f"{n}. {item}" in lines for n, item in enumerate(instrument.text.items, 1))
    assert instrument.text.attribution
    assert instrument.text.attribution in lines
    last_item = max((i for i, line in enumerate(lines) if line.split(".")[0].isdigit()), default=0)
    assert lines.index(instrument.text.attribution) > last_item
    if instrument.text.licence:
        assert f"Licence: {instrument.text.licence}" in lines
    assert ORGANISATION_NOTE not in out


@pytest.mark.parametrize("instrument_id", WITHOUT_TEXT)
def test_organisation_worded_instruments_need_the_text_folder(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, instrument_id: str
) -> None:
    """Without MUTUALITY_INSTRUMENT_TEXT, showing such an instrument exits 2 naming the variable."""
    # Arrange
    monkeypatch.delenv(TEXT_DIRECTORY_VARIABLE, raising=False)

    # Act
    code, out, err = _run(capsys, "instruments", instrument_id)

    # Assert
    assert code == INVALID
    assert out == ""
    assert "MUTUALITY_INSTRUMENT_TEXT" in err
    assert f"{instrument_id}.yaml" in err


def test_a_text_folder_without_the_file_still_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A text folder holding no core10.yaml gives the same message and exit 2."""
    # Arrange
    monkeypatch.setenv(TEXT_DIRECTORY_VARIABLE, str(tmp_path))

    # Act
    code, out, err = _run(capsys, "instruments", "core10")

    # Assert
    assert code == INVALID
    assert out == ""
    assert "core10.yaml" in err


@pytest.mark.parametrize("instrument_id", WITHOUT_TEXT)
def test_the_organisations_wording_is_shown_with_the_note_and_attribution(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    instrument_id: str,
) -> None:
    """With a placeholder file in the text folder, the items show with the note and the credit."""
    # Arrange
    instrument = shipped_instruments()[instrument_id]
    _placeholder_text(tmp_path, instrument_id)
    monkeypatch.setenv(TEXT_DIRECTORY_VARIABLE, str(tmp_path))

    # Act
    code, out, err = _run(capsys, "instruments", instrument_id)

    # Assert
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == instrument.name
    assert "Placeholder instruction for testing" in lines
    items = instrument.items or 0
    assert [f"{n}. Placeholder statement {n}" for n in range(1, items + 1)] == [
        line for line in lines if "Placeholder statement" in line
    ]
    assert ORGANISATION_NOTE in lines
    assert instrument.attribution
    assert instrument.attribution in lines
    assert f"Licence: {instrument.licence}" in lines


def test_core10_from_the_text_folder_shows_ten_items(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """CORE-10 worded by the organisation numbers exactly ten placeholder items."""
    # Arrange
    _placeholder_text(tmp_path, "core10")
    monkeypatch.setenv(TEXT_DIRECTORY_VARIABLE, str(tmp_path))

    # Act
    code, out, _ = _run(capsys, "instruments", "core10")

    # Assert
    assert code == 0
    assert "10. Placeholder statement 10" in out
    assert "11. " not in out
    assert "Answer each with a whole number from 0 to 4." in out


def test_the_copyright_line_is_shown_even_when_the_file_gives_its_own_credit(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """CORE-10's licence needs its copyright line shown, whatever credit the file adds."""
    # Arrange
    _placeholder_text(tmp_path, "core10", attribution="Placeholder credit")
    monkeypatch.setenv(TEXT_DIRECTORY_VARIABLE, str(tmp_path))
    copyright_line = shipped_instruments()["core10"].attribution
    assert copyright_line

    # Act
    code, out, _ = _run(capsys, "instruments", "core10")

    # Assert
    assert code == 0
    assert copyright_line in out.splitlines()


def test_a_text_file_with_the_wrong_number_of_items_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A core10.yaml with three statements is refused with a message naming the file and field."""
    # Arrange
    path = tmp_path / "core10.yaml"
    path.write_text(
        'stem: "Placeholder"\nitems: ["Placeholder 1", "Placeholder 2", "Placeholder 3"]\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(TEXT_DIRECTORY_VARIABLE, str(tmp_path))

    # Act
    code, out, err = _run(capsys, "instruments", "core10")

    # Assert
    assert code == INVALID
    assert out == ""
    assert f"{path}: items: core10 has 10 items; got 3 statements" in err


def test_an_unknown_instrument_exits_2_listing_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`mutuality instruments phq8` exits 2 and names the instruments that exist."""
    # Act
    code, out, err = _run(capsys, "instruments", "phq8")

    # Assert
    assert code == INVALID
    assert out == ""
    assert "got 'phq8'" in err
    assert all(instrument_id in err for instrument_id in SHIPPED_IDS)


def test_a_custom_instrument_file_adds_to_the_list(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`--instruments` adds the organisation's own instrument after the shipped ones."""
    # Arrange
    definitions = tmp_path / "instruments.yaml"
    definitions.write_text(
        "id: service_scale\nname: Service wellbeing scale\nrange: [0, 40]\n"
        "higher_is: worse\nreliable_change: 6\ncutoff: 10\n",
        encoding="utf-8",
    )

    # Act
    code, out, err = _run(capsys, "instruments", "--instruments", definitions)

    # Assert
    assert code == 0, err
    lines = out.splitlines()
    assert [line.split()[0] for line in lines] == [*SHIPPED_IDS, "service_scale"]
    assert "Service wellbeing scale: 0–40, higher is worse, reliable change 6 points" in lines[-1]
