"""Reading case files safely: size and nesting caps, alias limits, duplicate keys.

Case files are written by hand and sometimes arrive from elsewhere, so reading one
must never crash, hang or exhaust memory. YAML dates stay text here (so that an
impossible date is a validation error with a path, not a parser crash) and the
case model parses them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml
import yaml.reader
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from .exceptions import CaseError, Problem

MAX_FILE_BYTES = 1_048_576
MAX_DEPTH = 40
MAX_NODES = 100_000

try:  # libyaml's parser is much faster; composition stays in Python to keep the caps.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.parser import Parser as _Parser  # type: ignore[assignment]


class _LimitError(Exception):
    """A document is too deep, too large once aliases expand, or refers to itself."""


class _Resolver(Resolver):
    """YAML 1.1 resolution, except that dates stay as text."""

    yaml_implicit_resolvers = {  # noqa: RUF012 - PyYAML's own class-level table, copied once
        first: [(tag, regexp) for tag, regexp in resolvers if not tag.endswith(":timestamp")]
        for first, resolvers in Resolver.yaml_implicit_resolvers.items()
    }


class _CappedComposer(Composer):
    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        depth = getattr(self, "_depth", 0) + 1
        if depth > MAX_DEPTH:
            raise _LimitError(f"the document is nested more than {MAX_DEPTH} levels deep")
        self._depth = depth
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth - 1


class _StrictConstructor(SafeConstructor):
    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        _refuse_duplicate_keys(node)
        return super().construct_mapping(node, deep=deep)


class _Loader(_CappedComposer, _Parser, _StrictConstructor, _Resolver):  # type: ignore[misc,valid-type,unused-ignore]
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _CappedComposer.__init__(self)
        _StrictConstructor.__init__(self)
        _Resolver.__init__(self)


# An explicit `!!timestamp` stays text too, so the model names the field of a bad date.
def _construct_text(loader: _Loader, node: Node) -> str:
    return loader.construct_yaml_str(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)  # type: ignore[type-var]


def _too_many_digits(where: str) -> _LimitError:
    return _LimitError(
        f"{where}a number has more than {sys.get_int_max_str_digits():,} digits; "
        "no field of a case needs one so long"
    )


def _construct_int(loader: _Loader, node: Node) -> int:
    try:
        return loader.construct_yaml_int(node)  # type: ignore[arg-type]
    except ValueError:  # Python refuses to convert very long digit strings
        raise _too_many_digits(f"line {node.start_mark.line + 1}: ") from None


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)  # type: ignore[type-var]


def _refuse_duplicate_keys(node: MappingNode) -> None:
    seen: set[str] = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.value == "<<":
            continue
        if key_node.value in seen:
            line = key_node.start_mark.line + 1
            raise _LimitError(f"line {line}: the key {key_node.value!r} appears twice")
        seen.add(key_node.value)


def _expanded_size(root: Node) -> int:
    """Count nodes as if every alias were copied out, refusing cycles (no recursion)."""
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > MAX_NODES:
                raise _LimitError(f"the document expands to more than {MAX_NODES} values")
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise _LimitError("an alias refers to a value that contains it")
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in sizes)
    return sizes[id(root)]


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _load_yaml(text: str) -> Any:
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _refuse_json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _LimitError(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _json_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # Python refuses to convert very long digit strings
        raise _too_many_digits("") from None


def _load_json(text: str) -> Any:
    data = json.loads(
        text,
        object_pairs_hook=_json_object,
        parse_constant=_refuse_json_constant,
        parse_int=_json_int,
    )
    _check_depth(data)
    return data


def _check_depth(data: Any) -> None:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise _LimitError(f"the document is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


def _describe_parse_error(error: Exception, text: str) -> str:
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        problem = error.problem or "it is not valid YAML"
        return f"line {mark.line + 1}, column {mark.column + 1}: {problem} (not valid YAML)"
    if isinstance(error, yaml.reader.ReaderError):
        character = error.character
        code = ord(character) if isinstance(character, str) else int(character)
        before = text[: max(error.position, 0)]
        line, column = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        return (
            f"line {line}, column {column}: the control character U+{code:04X} "
            "is not allowed (not valid YAML)"
        )
    if isinstance(error, json.JSONDecodeError):
        return f"line {error.lineno}, column {error.colno}: {error.msg} (not valid JSON)"
    if isinstance(error, RecursionError):
        return f"the document is nested more than {MAX_DEPTH} levels deep"
    return str(error) or "it could not be read"


def decode(data: bytes, source: str) -> str:
    """Decode UTF-8 (with or without a byte-order mark), or say where it fails."""
    if len(data) > MAX_FILE_BYTES:
        raise CaseError(
            source,
            [
                Problem(
                    "",
                    f"the file is larger than {MAX_FILE_BYTES:,} bytes; "
                    "a case file is expected to be far smaller",
                )
            ],
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"byte {error.start} is not UTF-8 text; save the file as UTF-8"
        raise CaseError(source, [Problem("", message)]) from None


def parse_document(text: str, source: str, *, as_json: bool) -> Any:
    """Parse YAML or JSON text into plain Python values, or raise CaseError."""
    try:
        return _load_json(text) if as_json else _load_yaml(text)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError, _LimitError) as error:
        raise CaseError(source, [Problem("", _describe_parse_error(error, text))]) from None


def read_bytes(path: Path) -> bytes:
    """Read at most one byte more than the cap, so a huge file is never read whole."""
    try:
        with path.open("rb") as stream:
            return stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or "it could not be opened"
        raise CaseError(str(path), [Problem("", f"cannot read the file: {reason}")]) from None
