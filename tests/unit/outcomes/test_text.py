"""Item text: shipped where the licence allows, else from the organisation's own file."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from mutuality.outcomes import Instrument, OutcomesError
from mutuality.outcomes._text import TEXT_DIRECTORY_VARIABLE, item_text

# Obviously fake wording: the real wording of these instruments is never committed.
PLACEHOLDERS = [f"Placeholder statement {n}" for n in range(1, 11)]


def _write_text(folder: Path, instrument_id: str, data: Any) -> Path:
    path = folder / f"{instrument_id}.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _core10_file(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"stem": "Placeholder stem", "items": PLACEHOLDERS}
    data.update(changes)
    return data


def test_shipped_text_comes_first(tmp_path: Path, shipped: Mapping[str, Instrument]) -> None:
    """PHQ-9's wording ships, so an organisation's file does not replace it."""
    # Arrange
    _write_text(tmp_path, "phq9", {"stem": "Placeholder stem", "items": PLACEHOLDERS[:9]})

    # Act
    text = item_text(shipped["phq9"], tmp_path)

    # Assert
    assert text is shipped["phq9"].text
    assert text is not None
    assert text.supplied_by == "mutuality"


def test_organisation_text_is_read_from_the_directory(
    tmp_path: Path, shipped: Mapping[str, Instrument]
) -> None:
    """CORE-10's wording comes from the organisation's core10.yaml, with CORE-10's credit."""
    # Arrange
    options = [{"value": v, "label": f"Placeholder option {v}"} for v in range(5)]
    _write_text(tmp_path, "core10", _core10_file(options=options))

    # Act
    text = item_text(shipped["core10"], tmp_path)

    # Assert
    assert text is not None
    assert text.items == tuple(PLACEHOLDERS)
    assert text.stem == "Placeholder stem"
    assert [o.value for o in text.options] == [0, 1, 2, 3, 4]
    assert text.attribution == shipped["core10"].attribution
    assert text.licence == shipped["core10"].licence
    assert text.supplied_by == "organisation"


def test_organisation_text_is_found_through_the_environment(
    tmp_path: Path, shipped: Mapping[str, Instrument], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a directory argument, MUTUALITY_INSTRUMENT_TEXT names the directory."""
    # Arrange
    _write_text(tmp_path, "core10", _core10_file())
    monkeypatch.setenv(TEXT_DIRECTORY_VARIABLE, str(tmp_path))

    # Act
    text = item_text(shipped["core10"])

    # Assert
    assert text is not None
    assert text.items[0] == "Placeholder statement 1"


def test_no_directory_means_no_text(
    shipped: Mapping[str, Instrument], monkeypatch: pytest.MonkeyPatch
) -> None:
    """With neither a directory nor the environment variable, CORE-10 has no text."""
    # Arrange
    monkeypatch.delenv(TEXT_DIRECTORY_VARIABLE, raising=False)

    # Act
    text = item_text(shipped["core10"])

    # Assert
    assert text is None


def test_a_missing_directory_means_no_text(
    tmp_path: Path, shipped: Mapping[str, Instrument]
) -> None:
    """A directory that does not exist holds no text."""
    # Arrange
    folder = tmp_path / "absent"

    # Act
    text = item_text(shipped["wemwbs"], folder)

    # Assert
    assert text is None


def test_a_directory_without_the_file_means_no_text(
    tmp_path: Path, shipped: Mapping[str, Instrument]
) -> None:
    """A directory with no file for the instrument gives no text."""
    # Arrange
    _write_text(tmp_path, "core10", _core10_file())

    # Act
    text = item_text(shipped["swemwbs"], tmp_path)

    # Assert
    assert text is None


def test_wrong_item_count_names_the_file(tmp_path: Path, shipped: Mapping[str, Instrument]) -> None:
    """A file with too few statements is refused, naming the file and the field."""
    # Arrange
    path = _write_text(tmp_path, "core10", _core10_file(items=PLACEHOLDERS[:9]))

    # Act
    with pytest.raises(OutcomesError) as caught:
        item_text(shipped["core10"], tmp_path)

    # Assert
    assert str(caught.value) == f"{path}: items: core10 has 10 items; got 9 statements"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"stem": None}, "stem: Input should be a valid string"),
        ({"stem": ""}, "stem: String should have at least 1 character"),
        ({"items": [*PLACEHOLDERS[:9], 5]}, "items[9]: Input should be a valid string"),
        ({"colour": "blue"}, "colour: Extra inputs are not permitted"),
        (
            {"options": [{"value": 5, "label": "Placeholder option"}]},
            "options[0].value: 5 lies outside the responses 0 to 4",
        ),
        (
            {"options": [{"value": 1, "label": "a"}, {"value": 1, "label": "b"}]},
            "options[1].value: 1 is already the value of an earlier option",
        ),
        ({"options": [{"value": 1}]}, "options[0].label: Field required"),
    ],
)
def test_bad_fields_are_named(
    changes: dict[str, Any], expected: str, tmp_path: Path, shipped: Mapping[str, Instrument]
) -> None:
    """Each wrong field of the organisation's file is named with the file."""
    # Arrange
    path = _write_text(tmp_path, "core10", _core10_file(**changes))

    # Act
    with pytest.raises(OutcomesError) as caught:
        item_text(shipped["core10"], tmp_path)

    # Assert
    assert f"{path}: {expected}" in str(caught.value).splitlines()


def test_a_file_that_is_not_a_mapping_is_refused(
    tmp_path: Path, shipped: Mapping[str, Instrument]
) -> None:
    """A list of statements alone, without stem and items, is refused."""
    # Arrange
    path = _write_text(tmp_path, "core10", PLACEHOLDERS)

    # Act
    with pytest.raises(OutcomesError) as caught:
        item_text(shipped["core10"], tmp_path)

    # Assert
    assert str(caught.value) == f"{path}: expected a mapping with stem and items; got a list"


def _custom(**changes: Any) -> Instrument:
    fields: dict[str, Any] = {
        "id": "house",
        "name": "House scale",
        "low": 0,
        "high": 6,
        "higher_is_better": True,
        "items": 2,
        "item_range": (0, 3),
    }
    return Instrument(**{**fields, **changes})


def test_an_instrument_without_credit_needs_one_in_the_file(tmp_path: Path) -> None:
    """A custom instrument with no attribution takes it from the file, or the file is refused."""
    # Arrange
    path = _write_text(tmp_path, "house", {"stem": "Placeholder stem", "items": PLACEHOLDERS[:2]})

    # Act
    with pytest.raises(OutcomesError) as caught:
        item_text(_custom(), tmp_path)

    # Assert
    assert str(caught.value) == (
        f"{path}: attribution: required, as house has no credit line of its own "
        "to show with its items"
    )


def test_the_file_can_give_the_credit(tmp_path: Path) -> None:
    """The organisation's file may carry the attribution the instrument lacks."""
    # Arrange
    data = {"stem": "Placeholder stem", "items": PLACEHOLDERS[:2], "attribution": "Placeholder"}
    _write_text(tmp_path, "house", data)

    # Act
    text = item_text(_custom(), tmp_path)

    # Assert
    assert text is not None
    assert text.attribution == "Placeholder"


def test_an_instrument_without_items_takes_no_statements(tmp_path: Path) -> None:
    """An instrument scored without items can have a stem but no statements."""
    # Arrange
    instrument = _custom(items=None, item_range=None, attribution="Placeholder credit")
    path = _write_text(tmp_path, "house", {"stem": "Placeholder stem", "items": ["x"]})

    # Act
    with pytest.raises(OutcomesError) as caught:
        item_text(instrument, tmp_path)

    # Assert
    assert str(caught.value) == f"{path}: items: house has no items to word; leave items out"


def test_an_id_that_is_not_a_file_name_gives_no_text(tmp_path: Path) -> None:
    """An id that could climb out of the directory is never turned into a path."""
    # Arrange
    instrument = _custom(id="../house")
    _write_text(tmp_path, "house", {"stem": "Placeholder stem", "items": PLACEHOLDERS[:2]})

    # Act
    text = item_text(instrument, tmp_path / "sub")

    # Assert
    assert text is None
