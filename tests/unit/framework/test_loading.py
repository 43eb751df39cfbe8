"""Reading case files never crashes, hangs or exhausts memory: every bad input is a CaseError."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mutuality._safe_yaml import MAX_DEPTH, MAX_NODES
from mutuality.framework import MAX_FILE_BYTES, Case, CaseError, load_case, parse_case
from mutuality.framework._loading import read_bytes

SOURCE = "case.yaml"


def _problem_text(data: bytes, *, as_json: bool = False) -> str:
    with pytest.raises(CaseError) as caught:
        parse_case(data, SOURCE, as_json=as_json)
    return str(caught.value)


def _billion_laughs(levels: int = 9, fan_out: int = 9) -> bytes:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels + 1):
        refs = ", ".join([f"*l{level - 1}"] * fan_out)
        lines.append(f"l{level}: &l{level} [{refs}]")
    return ("\n".join(lines) + "\n").encode()


def test_every_shared_example_loads_as_a_case(example_files: list[Path]) -> None:
    """Each shared example file reads and validates into a Case."""
    # Arrange
    assert example_files, "expected the shared example files"

    # Act
    cases = [load_case(path) for path in example_files]

    # Assert
    assert all(isinstance(case, Case) for case in cases)


def test_json_and_yaml_of_the_same_case_load_alike(
    clean_case: Callable[[], dict[str, Any]], write_case: Callable[..., Path]
) -> None:
    """A case written as JSON reads the same as the case written as YAML."""
    # Arrange
    case = clean_case()
    yaml_path = write_case(case, "case.yaml")
    json_path = write_case(case, "case.json")

    # Act
    from_yaml = load_case(yaml_path)
    from_json = load_case(json_path)

    # Assert
    assert from_yaml == from_json


def test_json_suffix_is_matched_case_insensitively(
    clean_case: Callable[[], dict[str, Any]], write_case: Callable[..., Path]
) -> None:
    """A `.JSON` file is read as JSON, so JSON-only syntax errors are reported as JSON."""
    # Arrange
    path = write_case('{"mutuality": 1,}', "CASE.JSON")

    # Act
    with pytest.raises(CaseError) as caught:
        load_case(path)

    # Assert
    assert "not valid JSON" in str(caught.value)


def test_a_byte_order_mark_is_accepted(clean_case: Callable[[], dict[str, Any]]) -> None:
    """UTF-8 with a byte-order mark reads like plain UTF-8."""
    # Arrange
    data = b"\xef\xbb\xbf" + json.dumps(clean_case()).encode()

    # Act
    case = parse_case(data, SOURCE, as_json=True)

    # Assert
    assert case.title == "Co-facilitating a hearing-voices group"


def test_file_larger_than_the_cap_is_refused_before_parsing() -> None:
    """Input over MAX_FILE_BYTES is an error that states the cap."""
    # Arrange
    data = b"# padding\n" * (MAX_FILE_BYTES // 10 + 1)

    # Act
    message = _problem_text(data)

    # Assert
    assert f"{MAX_FILE_BYTES:,} bytes" in message
    assert message.startswith(SOURCE)


def test_read_bytes_never_reads_a_huge_file_whole(tmp_path: Path) -> None:
    """Only one byte more than the cap is read from a file far larger than the cap."""
    # Arrange
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:
        stream.truncate(MAX_FILE_BYTES * 4)

    # Act
    data = read_bytes(path)

    # Assert
    assert len(data) == MAX_FILE_BYTES + 1


def test_case_padded_to_just_under_the_cap_still_loads(
    clean_case: Callable[[], dict[str, Any]],
) -> None:
    """A valid case with a long comment, still under the cap, is read normally."""
    # Arrange
    body = json.dumps(clean_case()).encode() + b"\n#"
    data = body + b"x" * (MAX_FILE_BYTES - len(body))

    # Act
    case = parse_case(data, SOURCE)

    # Assert
    assert len(data) == MAX_FILE_BYTES
    assert case.stage == "active"


def test_missing_file_is_a_case_error_naming_the_file(tmp_path: Path) -> None:
    """A path that does not exist is reported, not raised as OSError."""
    # Arrange
    path = tmp_path / "absent.yaml"

    # Act
    with pytest.raises(CaseError) as caught:
        load_case(path)

    # Assert
    assert str(caught.value).startswith(str(path))
    assert "cannot read the file" in str(caught.value)


@pytest.mark.parametrize(
    "data",
    [b"\xff\xfe\x00\x01", b"title: caf\xe9\n", b"mutuality: 1\n\x80\x81\n"],
    ids=["utf16-bom", "latin-1", "stray-continuation"],
)
def test_non_utf8_bytes_are_named_by_offset(data: bytes) -> None:
    """Bytes that are not UTF-8 give an error naming the byte, not a UnicodeDecodeError."""
    # Arrange
    expected_offset = next(i for i in range(len(data)) if data[i] >= 0x80)

    # Act
    message = _problem_text(data)

    # Assert
    assert f"byte {expected_offset} is not UTF-8" in message


def test_billion_laughs_is_refused_by_the_expansion_cap() -> None:
    """An alias bomb is refused by the expansion cap (how fast: bench/hostile.py)."""
    # Arrange
    data = _billion_laughs()

    # Act
    message = _problem_text(data)

    # Assert
    assert message.startswith(SOURCE)
    assert f"the document expands to more than {MAX_NODES:,} values" in message


def test_aliases_that_stay_small_are_allowed(clean_case: Callable[[], dict[str, Any]]) -> None:
    """An anchor reused a few times is ordinary YAML and loads."""
    # Arrange
    text = (
        "mutuality: 1\ntitle: t\nas_of: 2026-11-25\n"
        "participants:\n"
        "  - {id: alex, role: professional, other_roles: &roles [neighbour]}\n"
        "  - {id: sam, role: recipient, other_roles: *roles}\n"
    )

    # Act
    case = parse_case(text.encode(), SOURCE)

    # Assert
    assert case.participants[1].other_roles == ["neighbour"]


@pytest.mark.parametrize(
    "text",
    ["a: &a [*a]\n", "a: &a {b: *a}\n", "a: &a [1, [2, *a]]\n"],
    ids=["list", "mapping", "nested"],
)
def test_recursive_aliases_are_refused(text: str) -> None:
    """An alias inside the value it names is an error, never infinite recursion."""
    # Arrange
    data = text.encode()

    # Act
    message = _problem_text(data)

    # Assert
    assert "refers to a value that contains it" in message


@pytest.mark.parametrize("as_json", [False, True], ids=["yaml", "json"])
def test_documents_nested_past_the_cap_are_refused(as_json: bool) -> None:
    """A document deeper than MAX_DEPTH levels is refused with the cap in the message."""
    # Arrange
    depth = MAX_DEPTH + 5
    data = ('{"a": ' + "[" * depth + "]" * depth + "}").encode()

    # Act
    message = _problem_text(data, as_json=as_json)

    # Assert
    assert f"more than {MAX_DEPTH} levels" in message


@pytest.mark.parametrize("as_json", [False, True], ids=["yaml", "json"])
def test_absurdly_deep_documents_do_not_overflow_the_stack(as_json: bool) -> None:
    """A hundred thousand open brackets give a CaseError, not a RecursionError."""
    # Arrange
    data = b"[" * 100_000

    # Act
    message = _problem_text(data, as_json=as_json)

    # Assert
    assert message.startswith(SOURCE)


def test_block_style_nesting_past_the_cap_is_refused() -> None:
    """Indentation-nested mappings count towards the depth cap too."""
    # Arrange
    levels = MAX_DEPTH + 5
    text = "".join("  " * i + f"k{i}:\n" for i in range(levels)) + "  " * levels + "v\n"

    # Act
    message = _problem_text(text.encode())

    # Assert
    assert f"more than {MAX_DEPTH} levels" in message


def test_several_yaml_documents_are_refused() -> None:
    """A stream of more than one YAML document is not a case."""
    # Arrange
    data = b"mutuality: 1\n---\nmutuality: 1\n"

    # Act
    message = _problem_text(data)

    # Assert
    assert "another document" in message
    assert "line 2" in message


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_json_non_numbers_are_refused(constant: str) -> None:
    """NaN and the infinities are not JSON numbers and are refused by name."""
    # Arrange
    data = f'{{"mutuality": 1, "x": {constant}}}'.encode()

    # Act
    message = _problem_text(data, as_json=True)

    # Assert
    assert f"{constant.lstrip('-')} is not a number JSON allows" in message


@pytest.mark.parametrize(
    ("data", "as_json", "kind"),
    [
        (b"[1, 2]", True, "list"),
        (b"- mutuality: 1\n", False, "list"),
        (b"3", False, "int"),
        (b'"a case"', True, "str"),
        (b"", False, "nothing"),
        (b"# only a comment\n", False, "nothing"),
        (b"null", True, "nothing"),
    ],
    ids=["json-list", "yaml-list", "scalar", "json-string", "empty", "comment", "json-null"],
)
def test_top_level_that_is_not_a_mapping_is_refused(data: bytes, as_json: bool, kind: str) -> None:
    """A document whose top level is not a mapping says what it got and what a case is."""
    # Arrange
    expected = f"got {kind}; expected a case"

    # Act
    message = _problem_text(data, as_json=as_json)

    # Assert
    assert expected in message


def test_duplicate_yaml_keys_are_refused_with_their_line() -> None:
    """A key written twice in one YAML mapping is an error naming the key and line."""
    # Arrange
    data = b"mutuality: 1\ntitle: one\ntitle: two\n"

    # Act
    message = _problem_text(data)

    # Assert
    assert "line 3" in message
    assert "'title' appears twice" in message


def test_duplicate_nested_yaml_keys_are_refused() -> None:
    """Duplicate keys are found inside nested mappings as well as at the top."""
    # Arrange
    data = b"mutuality: 1\ncontext: {compulsory: false, compulsory: true}\n"

    # Act
    message = _problem_text(data)

    # Assert
    assert "'compulsory' appears twice" in message


def test_duplicate_json_keys_are_refused() -> None:
    """A key written twice in one JSON object is an error naming the key."""
    # Arrange
    data = b'{"mutuality": 1, "title": "a", "title": "b"}'

    # Act
    message = _problem_text(data, as_json=True)

    # Assert
    assert "'title' appears twice" in message


def test_yaml_merge_keys_are_not_mistaken_for_duplicates() -> None:
    """A `<<` merge key may be overridden by explicit keys without a duplicate-key error."""
    # Arrange
    text = (
        "mutuality: 1\ntitle: t\n"
        "participants:\n"
        "  - &pro {id: alex, role: professional, consent: informed}\n"
        "  - {<<: *pro, id: sam, role: recipient}\n"
    )

    # Act
    case = parse_case(text.encode(), SOURCE)

    # Assert
    assert [(p.id, p.role, p.consent) for p in case.participants] == [
        ("alex", "professional", "informed"),
        ("sam", "recipient", "informed"),
    ]


def test_unquoted_yaml_dates_stay_text_so_impossible_dates_get_a_path() -> None:
    """An unquoted impossible date is a validation error with its field path, not a crash."""
    # Arrange
    data = b"mutuality: 1\ntitle: t\nas_of: 2026-02-30\n"

    # Act
    message = _problem_text(data)

    # Assert
    assert "case.yaml: as_of: got '2026-02-30'" in message
    assert "real calendar date" in message


def test_explicitly_tagged_impossible_timestamp_gets_a_path() -> None:
    """`!!timestamp 2026-02-30` is checked by the model (with its path), not by the parser."""
    # Arrange
    data = b"mutuality: 1\ntitle: t\nas_of: !!timestamp 2026-02-30\n"

    # Act
    message = _problem_text(data)

    # Assert
    assert "as_of: got '2026-02-30'" in message


@pytest.mark.asvs("1.4.2")
@pytest.mark.parametrize("as_json", [False, True], ids=["yaml", "json"])
def test_numbers_too_long_to_convert_are_a_plain_error(as_json: bool) -> None:
    """A five-thousand-digit number is refused in plain words, not Python's advice."""
    # Arrange
    digits = "9" * 5000
    data = (f'{{"mutuality": {digits}}}' if as_json else f"mutuality: {digits}\n").encode()

    # Act
    message = _problem_text(data, as_json=as_json)

    # Assert
    assert "a number has more than" in message
    assert "set_int_max_str_digits" not in message


@pytest.mark.asvs("1.5.2")
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a: !!python/object:os.system x\n", "could not determine a constructor"),
        ("? [a, b]\n: 1\n", "unhashable key"),
        ("a: *nowhere\n", "undefined alias"),
        ("a:\n\t- b\n", "cannot start any token"),
        ("a: [1, 2\n", "not valid YAML"),
        ("a: 'b\x00'\n", "line 1, column 6: the control character U+0000 is not allowed"),
    ],
    ids=["python-tag", "unhashable-key", "undefined-alias", "tab", "unclosed", "nul-byte"],
)
def test_yaml_syntax_problems_are_case_errors(text: str, expected: str) -> None:
    """Unsafe tags and malformed YAML are reported with their reason, never executed."""
    # Arrange
    data = text.encode()

    # Act
    message = _problem_text(data)

    # Assert
    assert expected in message
    assert message.startswith(SOURCE)


def test_json_syntax_errors_give_line_and_column() -> None:
    """Malformed JSON names where it fails."""
    # Arrange
    data = b'{\n  "mutuality": 1,\n}'

    # Act
    message = _problem_text(data, as_json=True)

    # Assert
    assert "line 3, column 1" in message
    assert "not valid JSON" in message


@pytest.mark.parametrize(
    ("text", "as_json", "code"),
    [
        ('mutuality: 1\ntitle: "a\\x01b"\n', False, "U+0001"),
        ('mutuality: 1\ntitle: "bell \\a"\n', False, "U+0007"),
        ('mutuality: 1\ntitle: "\\e[31mred"\n', False, "U+001B"),
        ('{"mutuality": 1, "title": "a\\u0000b"}', True, "U+0000"),
        ('{"mutuality": 1, "title": "back\\bspace"}', True, "U+0008"),
        ('{"mutuality": 1, "title": "a\x7fb"}', True, "U+007F"),
    ],
    ids=["yaml-hex", "yaml-bell", "yaml-escape", "json-nul", "json-backspace", "json-raw-del"],
)
def test_control_characters_spelled_in_the_file_are_refused(
    text: str, as_json: bool, code: str
) -> None:
    """A control character written as an escape, or raw where the format allows it, is refused."""
    # Arrange
    data = text.encode()

    # Act
    message = _problem_text(data, as_json=as_json)

    # Assert
    assert f"title: got text with a control character ({code})" in message


def test_a_control_character_in_a_field_name_is_refused() -> None:
    """A field name holding an escaped control character is named as such."""
    # Arrange
    data = b'{"mutuality": 1, "ti\\u0002tle": "t"}'

    # Act
    message = _problem_text(data, as_json=True)

    # Assert
    assert "got a field name with a control character: 'ti\\x02tle'" in message


def test_json_names_the_first_key_to_repeat() -> None:
    """With several keys repeated in one object, the first to come twice is named."""
    # Arrange
    data = b'{"mutuality": 1, "b": 1, "a": 2, "a": 3, "b": 4}'

    # Act
    message = _problem_text(data, as_json=True)

    # Assert
    assert "'a' appears twice in one object" in message


def test_an_explicit_boolean_that_is_not_one_is_a_case_error() -> None:
    """`!!bool maybe` is refused with its line, never a KeyError."""
    # Arrange
    data = b"mutuality: 1\ntitle: !!bool maybe\n"

    # Act
    message = _problem_text(data)

    # Assert
    assert "line 2, column 8: expected a boolean, but found 'maybe'" in message
