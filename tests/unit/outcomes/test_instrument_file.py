"""Reading an organisation's own instrument definitions from a YAML file."""

from pathlib import Path

import pytest

from mutuality._safe_yaml import MAX_NODES
from mutuality.outcomes import OutcomesError, build_instruments, instruments_from_text
from mutuality.outcomes._registry import MAX_FILE_BYTES, load_instrument_file

ONE = """\
id: my_scale
name: Service wellbeing scale
range: [0, 40]
higher_is: worse
reliable_change: 6
"""


def _write(tmp_path: Path, text: str, name: str = "my.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_single_definition_is_read_as_a_list(tmp_path: Path) -> None:
    """A file holding one definition gives a list of one."""
    # Arrange
    path = _write(tmp_path, ONE)

    # Act
    definitions = load_instrument_file(path)

    # Assert
    assert [d.id for d in definitions] == ["my_scale"]
    assert definitions[0].reliable_change == 6


def test_a_list_of_definitions_is_read_in_order(tmp_path: Path) -> None:
    """A file holding a list gives each definition, ready for build_instruments."""
    # Arrange
    second = ONE.replace("my_scale", "other_scale")
    text = "- " + ONE.replace("\n", "\n  ") + "\n- " + second.replace("\n", "\n  ")
    path = _write(tmp_path, text)

    # Act
    definitions = load_instrument_file(path)

    # Assert
    assert [d.id for d in definitions] == ["my_scale", "other_scale"]
    assert {"my_scale", "other_scale"} <= set(build_instruments(definitions))


def test_an_error_names_the_file_and_the_path_inside_it(tmp_path: Path) -> None:
    """A bad field in the first definition reads as ``my.yaml: [0].reliability: ...``."""
    # Arrange
    text = "- id: my_scale\n  name: Mine\n  range: [0, 40]\n  higher_is: worse\n  sd: 7.5\n"
    path = _write(tmp_path, text)

    # Act
    with pytest.raises(OutcomesError) as caught:
        load_instrument_file(path)

    # Assert
    assert str(caught.value) == (
        f"{path}: [0].reliability: required when sd is given, "
        "as computing reliable change needs sd and reliability"
    )


def test_an_error_in_a_single_definition_names_the_field(tmp_path: Path) -> None:
    """In a file of one definition the path starts at the field."""
    # Arrange
    path = _write(tmp_path, ONE + "colour: blue\n")

    # Act
    with pytest.raises(OutcomesError) as caught:
        load_instrument_file(path)

    # Assert
    assert str(caught.value).startswith(f"{path}: colour: ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "expected an instrument definition or a list of them; got an empty file"),
        ("just words\n", "expected an instrument definition or a list of them; got a str"),
        ("id: [unclosed\n", "line 2, column 1"),
        ("a: &a [*a]\n", "an alias refers to a value that contains it"),
        ("!!python/object:os.system {}\n", "not valid YAML"),
        ("[" * 5000 + "]" * 5000, "not valid YAML"),
    ],
)
def test_unusable_files_are_refused_with_the_file_named(
    text: str, expected: str, tmp_path: Path
) -> None:
    """Empty, non-mapping, broken, self-referring, tagged or deeply nested YAML is refused."""
    # Arrange
    path = _write(tmp_path, text)

    # Act
    with pytest.raises(OutcomesError) as caught:
        load_instrument_file(path)

    # Assert
    assert str(caught.value).startswith(f"{path}: ")
    assert expected in str(caught.value)


def test_an_alias_bomb_is_refused(tmp_path: Path) -> None:
    """Aliases that would expand to a vast document are refused before it is built."""
    # Arrange
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    path = _write(tmp_path, "\n".join(lines) + "\n")

    # Act
    with pytest.raises(OutcomesError) as caught:
        load_instrument_file(path)

    # Assert
    assert f"expands to more than {MAX_NODES:,} values" in str(caught.value)


def test_a_file_over_the_cap_is_refused(tmp_path: Path) -> None:
    """A file larger than 1 MiB is refused without being parsed."""
    # Arrange
    path = _write(tmp_path, "#" * (MAX_FILE_BYTES + 1))

    # Act
    with pytest.raises(OutcomesError) as caught:
        load_instrument_file(path)

    # Assert
    assert str(caught.value) == f"{path}: larger than {MAX_FILE_BYTES:,} bytes"


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 are refused, naming the first bad byte."""
    # Arrange
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"name: caf\xe9\n")

    # Act
    with pytest.raises(OutcomesError) as caught:
        load_instrument_file(path)

    # Assert
    assert str(caught.value) == f"{path}: byte 9 is not UTF-8 text"


def test_a_missing_file_is_an_outcomes_error(tmp_path: Path) -> None:
    """A file that cannot be opened is an OutcomesError naming it."""
    # Arrange
    path = tmp_path / "absent.yaml"

    # Act
    with pytest.raises(OutcomesError) as caught:
        load_instrument_file(path)

    # Assert
    assert str(caught.value).startswith(f"{path}: cannot read it: ")


def test_a_byte_order_mark_is_allowed(tmp_path: Path) -> None:
    """A UTF-8 byte-order mark, as some editors write, is ignored."""
    # Arrange
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + ONE.encode())

    # Act
    definitions = load_instrument_file(path)

    # Assert
    assert definitions[0].id == "my_scale"


def test_instruments_typed_into_a_form_are_read_like_a_file() -> None:
    """A list of definitions as text comes back as definitions, with the same model."""
    definitions = instruments_from_text(f"- {ONE.replace(chr(10), chr(10) + '  ')}")

    assert [d.id for d in definitions] == ["my_scale"]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (ONE.replace("range: [0, 40]", "range: [40, 0]"), "instruments: range"),
        ("- [unclosed", "(not valid YAML)"),
        (ONE.replace("my_scale", "phq9"), "instruments: instrument 'phq9' is shipped"),
        (f"[{ONE!r}]", "instruments: [0]"),
    ],
)
def test_instruments_typed_into_a_form_are_refused_naming_the_place(text: str, words: str) -> None:
    """Bad text names where the problem is, prefixed with what the text is."""
    with pytest.raises(OutcomesError) as raised:
        instruments_from_text(text)

    assert words in str(raised.value)
