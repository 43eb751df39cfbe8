"""Random damage to valid case files gives exit 0 or 2 and a clear message, never a traceback."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutuality.cli import main
from mutuality.framework import MAX_FILE_BYTES

Step = str | int
Mutation = Callable[[st.DataObject, Any], Any]

FUZZ_SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
_REFERENCE_FIELDS = {"agreed_by", "communicated_to", "to", "party", "by", "of"}

_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    _text,
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=8,
)
_bad_dates = st.one_of(
    st.sampled_from(["2026-02-30", "2025-02-29", "2026-13-01", "2026-00-00", "0000-01-01"]),
    st.sampled_from(["9999-12-31", "1066-10-14", "2026/11/25", "25-11-2026", "2026-11-25T10:00"]),
    st.builds(
        "{:04d}-{:02d}-{:02d}".format,
        st.integers(0, 9999),
        st.integers(0, 99),
        st.integers(0, 99),
    ),
    _text,
    st.integers(),
)


def _locations(document: Any, prefix: tuple[Step, ...] = ()) -> list[tuple[Step, ...]]:
    """Every path to a value inside the document (not the document itself)."""
    found: list[tuple[Step, ...]] = []
    if isinstance(document, dict):
        children: list[tuple[Step, Any]] = list(document.items())
    elif isinstance(document, list):
        children = list(enumerate(document))
    else:
        return found
    for step, child in children:
        path = (*prefix, step)
        found.append(path)
        found.extend(_locations(child, path))
    return found


def _get(document: Any, path: tuple[Step, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


def _paths_where(document: Any, keep: Callable[[tuple[Step, ...], Any], bool]) -> list[Any]:
    return [path for path in _locations(document) if keep(path, _get(document, path))]


def _choose(data: st.DataObject, paths: list[Any]) -> Any:
    return data.draw(st.sampled_from(paths)) if paths else None


def _delete(data: st.DataObject, document: Any) -> Any:
    path = _choose(data, _locations(document))
    if path is not None:
        del _get(document, path[:-1])[path[-1]]
    return document


def _retype(data: st.DataObject, document: Any) -> Any:
    path = _choose(data, _locations(document))
    if path is None:
        return data.draw(_values)
    old = _get(document, path)
    new = data.draw(_values.filter(lambda value: type(value) is not type(old)))
    _get(document, path[:-1])[path[-1]] = new
    return document


def _unknown_key(data: st.DataObject, document: Any) -> Any:
    mappings = [(), *_paths_where(document, lambda _, value: isinstance(value, dict))]
    target = _get(document, data.draw(st.sampled_from(mappings)))
    if not isinstance(target, dict):
        return document
    near_miss = [key[:-1] + "x" for key in target if isinstance(key, str) and key]
    key = data.draw(st.sampled_from(near_miss) | _text if near_miss else _text)
    target[key] = data.draw(_values)
    return document


def _dangling_reference(data: st.DataObject, document: Any) -> Any:
    def is_reference(path: tuple[Step, ...], value: Any) -> bool:
        named = [step for step in path if isinstance(step, str)]
        return isinstance(value, str) and bool(named) and named[-1] in _REFERENCE_FIELDS

    path = _choose(data, _paths_where(document, is_reference))
    if path is not None:
        _get(document, path[:-1])[path[-1]] = data.draw(st.from_regex(r"\Aghost[a-z0-9]{0,6}\Z"))
    return document


def _bad_date(data: st.DataObject, document: Any) -> Any:
    def is_date(_: tuple[Step, ...], value: Any) -> bool:
        return isinstance(value, date) or (
            isinstance(value, str) and _DATE_TEXT.fullmatch(value) is not None
        )

    path = _choose(data, _paths_where(document, is_date))
    if path is not None:
        _get(document, path[:-1])[path[-1]] = data.draw(_bad_dates)
    return document


def _replace_text(data: st.DataObject, document: Any) -> Any:
    path = _choose(data, _paths_where(document, lambda _, value: isinstance(value, str)))
    if path is not None:
        _get(document, path[:-1])[path[-1]] = data.draw(_text)
    return document


def _nullify(data: st.DataObject, document: Any) -> Any:
    path = _choose(data, _locations(document))
    if path is not None:
        _get(document, path[:-1])[path[-1]] = None
    return document


def _grow_list(data: st.DataObject, document: Any) -> Any:
    path = _choose(data, _paths_where(document, lambda _, value: isinstance(value, list)))
    if path is not None:
        items = _get(document, path)
        if items and data.draw(st.booleans()):
            items.extend(copy.deepcopy(items) * data.draw(st.integers(1, 3)))
        else:
            items.clear()
    return document


def _extreme_number(data: st.DataObject, document: Any) -> Any:
    def is_number(_: tuple[Step, ...], value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)

    path = _choose(data, _paths_where(document, is_number))
    extremes = st.sampled_from([0, -1, 10**12, -(10**12), 0.5, 1e308, -1e308, float("nan")])
    if path is not None:
        _get(document, path[:-1])[path[-1]] = data.draw(extremes | st.integers())
    return document


MUTATIONS: list[Mutation] = [
    _delete,
    _retype,
    _unknown_key,
    _dangling_reference,
    _bad_date,
    _replace_text,
    _nullify,
    _grow_list,
    _extreme_number,
]


def _rich_case(clean_case: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    case = clean_case()
    case["instruments"] = [
        {"id": "mood10", "name": "Mood out of ten", "range": [0, 10], "higher_is": "better"}
    ]
    case["approach"]["outcome_plan"] = ["phq9", "ons4", "gbo", "mood10"]
    case["outcomes"] += [
        {"instrument": "phq9", "of": "sam", "scores": [{"date": "2026-09-01", "items": [1] * 9}]},
        {"instrument": "ons4", "of": "sam", "scores": [{"date": "2026-04-01", "items": [5] * 4}]},
        {"instrument": "ons4.happy", "of": "sam", "scores": [{"date": "2026-05-01", "value": 6}]},
        {
            "instrument": "gbo",
            "of": "sam",
            "goal": "to lead a session on my own",
            "scores": [{"date": "2026-03-02", "value": 2}, {"date": "2026-09-01", "value": 7}],
        },
        {"instrument": "mood10", "of": "sam", "scores": [{"date": "2026-04-01", "value": 4}]},
    ]
    return case


@pytest.fixture(scope="module")
def example_documents(
    example_files: list[Path], clean_case: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Each shared example parsed into plain data, plus a case that fills every section."""
    documents = {path.name: yaml.safe_load(path.read_bytes()) for path in example_files}
    documents["clean-case"] = clean_case()
    documents["rich-case"] = _rich_case(clean_case)
    return documents


def test_fuzz_seeds_are_valid_cases(
    capsys: pytest.CaptureFixture[str], example_documents: dict[str, Any], tmp_path: Path
) -> None:
    """Every seed document is assessed (exit 0) before mutation, so mutations start from valid."""
    # Arrange
    paths = []
    for name, document in example_documents.items():
        paths.append(tmp_path / f"{name}.yaml")
        paths[-1].write_text(yaml.safe_dump(document), encoding="utf-8")

    # Act
    codes = [_assess_and_check(capsys, path) for path in paths]

    # Assert
    assert codes == [0] * len(paths)


@pytest.fixture(scope="module")
def example_bytes(example_files: list[Path]) -> dict[str, bytes]:
    """Each shared example's raw bytes."""
    return {path.name: path.read_bytes() for path in example_files}


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory for the files each fuzz example writes."""
    return tmp_path_factory.mktemp("fuzz")


def _serialise(data: st.DataObject, document: Any) -> tuple[bytes, str]:
    kind = data.draw(st.sampled_from(["yaml-block", "yaml-flow", "json"]))
    if kind == "json":
        text = json.dumps(document, default=str, ensure_ascii=data.draw(st.booleans()))
        return text.encode(), ".json"
    flow = kind == "yaml-flow"
    return yaml.safe_dump(document, allow_unicode=True, default_flow_style=flow).encode(), ".yaml"


def _assess_and_check(capsys: pytest.CaptureFixture[str], path: Path) -> int:
    capsys.readouterr()
    code = main(["assess", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 2), (code, err)
    assert "Traceback" not in err
    if code == 2:
        assert str(path) in err
        assert out == ""
    else:
        assert isinstance(json.loads(out), dict)
    return code


@FUZZ_SETTINGS
@given(data=st.data())
def test_mutated_examples_exit_0_or_2_with_the_file_named(
    capsys: pytest.CaptureFixture[str],
    example_documents: dict[str, Any],
    fuzz_dir: Path,
    data: st.DataObject,
) -> None:
    """Random structural mutations of the examples are assessed or refused cleanly."""
    # Arrange
    name = data.draw(st.sampled_from(sorted(example_documents)))
    document = copy.deepcopy(example_documents[name])
    for _ in range(data.draw(st.integers(1, 3))):
        document = data.draw(st.sampled_from(MUTATIONS))(data, document)
    content, suffix = _serialise(data, document)
    path = fuzz_dir / f"mutated{suffix}"
    path.write_bytes(content)

    # Act
    code = _assess_and_check(capsys, path)

    # Assert
    assert code in (0, 2)


@FUZZ_SETTINGS
@given(data=st.data())
def test_damaged_bytes_exit_0_or_2_with_the_file_named(
    capsys: pytest.CaptureFixture[str],
    example_bytes: dict[str, bytes],
    fuzz_dir: Path,
    data: st.DataObject,
) -> None:
    """Truncated, flipped, spliced or random bytes are assessed or refused cleanly."""
    # Arrange
    original = example_bytes[data.draw(st.sampled_from(sorted(example_bytes)))]
    damage = data.draw(st.sampled_from(["truncate", "flip", "insert", "splice", "random"]))
    content = bytearray(original)
    if damage == "truncate":
        content = content[: data.draw(st.integers(0, len(content)))]
    elif damage == "flip":
        for _ in range(data.draw(st.integers(1, 8))):
            content[data.draw(st.integers(0, len(content) - 1))] = data.draw(st.integers(0, 255))
    elif damage == "insert":
        at = data.draw(st.integers(0, len(content)))
        content[at:at] = data.draw(st.binary(min_size=1, max_size=40))
    elif damage == "splice":
        start = data.draw(st.integers(0, len(content) - 1))
        end = data.draw(st.integers(start, len(content)))
        content += content[start:end] * data.draw(st.integers(1, 5))
    else:
        content = bytearray(data.draw(st.binary(max_size=2000)))
    path = fuzz_dir / f"damaged{data.draw(st.sampled_from(['.yaml', '.yml', '.json']))}"
    path.write_bytes(bytes(content))

    # Act
    code = _assess_and_check(capsys, path)

    # Assert
    assert code in (0, 2)


def _billion_laughs() -> bytes:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]" for n in range(1, 10)]
    return ("\n".join(lines) + "\n").encode()


HOSTILE_INPUTS: dict[str, tuple[str, bytes]] = {
    "billion-laughs": (".yaml", _billion_laughs()),
    "recursive-alias": (".yaml", b"mutuality: 1\nparticipants: &p [*p]\n"),
    "deep-yaml": (".yaml", b"a: " + b"[" * 100_000),
    "deep-yaml-block": (
        ".yaml",
        "".join("  " * i + f"k{i}:\n" for i in range(200)).encode() + b"  " * 200 + b"v\n",
    ),
    "deep-json": (".json", b'{"a": ' + b"[" * 100_000),
    "two-documents": (".yaml", b"mutuality: 1\n---\nmutuality: 1\n"),
    "json-nan": (".json", b'{"mutuality": 1, "title": NaN}'),
    "json-infinity": (".json", b'{"mutuality": 1, "title": -Infinity}'),
    "top-level-list": (".yaml", b"- mutuality: 1\n"),
    "top-level-scalar": (".json", b"42"),
    "empty": (".yaml", b""),
    "huge": (".yaml", b"# " + b"x" * (MAX_FILE_BYTES + 10)),
    "many-small-values": (".yaml", b"x:\n" + b"- 1\n" * 200_000),
    "not-utf8": (".yaml", b"mutuality: 1\ntitle: caf\xe9\n"),
    "utf16": (".yaml", "mutuality: 1\n".encode("utf-16")),
    "python-tag": (".yaml", b"mutuality: !!python/object/apply:os.system ['true']\n"),
    "duplicate-keys": (".yaml", b"mutuality: 1\nmutuality: 1\n"),
    "huge-integer": (".yaml", b"mutuality: " + b"9" * 5000 + b"\n"),
}


# Why each hostile input is refused (how quickly: bench/hostile.py).
HOSTILE_REASONS: dict[str, str] = {
    "billion-laughs": "the document expands to more than 100,000 values",
    "recursive-alias": "an alias refers to a value that contains it",
    "deep-yaml": "exceeded maximum nesting depth (not valid YAML)",
    "deep-yaml-block": "the document is nested more than 40 levels deep",
    "deep-json": "the document is nested more than 40 levels deep",
    "two-documents": "but found another document (not valid YAML)",
    "json-nan": "NaN is not a number JSON allows",
    "json-infinity": "-Infinity is not a number JSON allows",
    "top-level-list": "got list; expected a case",
    "top-level-scalar": "got int; expected a case",
    "empty": "got nothing; expected a case",
    "huge": "the file is larger than 1,048,576 bytes",
    "many-small-values": "the document expands to more than 100,000 values",
    "not-utf8": "byte 23 is not UTF-8 text",
    "utf16": "byte 0 is not UTF-8 text",
    "python-tag": "could not determine a constructor for the tag",
    "duplicate-keys": "line 2: the key 'mutuality' appears twice",
    "huge-integer": "a number has more than",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_INPUTS))
def test_hostile_inputs_are_refused_plainly_with_their_reason(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str
) -> None:
    """Bombs, bottomless nesting, huge and non-UTF-8 files give exit 2 and say why, no traceback."""
    # Arrange
    suffix, content = HOSTILE_INPUTS[name]
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(content)

    # Act
    code = main(["assess", str(path), "--format", "json"])
    out, err = capsys.readouterr()

    # Assert
    assert code == 2
    assert out == ""
    assert err.startswith(f"{path}: ")
    assert HOSTILE_REASONS[name] in err
    assert "Traceback" not in err
