"""Safe YAML for files people write by hand: caps on nesting and aliases, no duplicate keys.

Both cores read YAML that may come from elsewhere (case files, instrument
definitions, item-text files), so reading must never crash, hang or exhaust
memory. Dates stay text, so that an impossible date becomes a validation error
with a field path rather than a parser crash. Pure PyYAML; no other dependency.
"""

from __future__ import annotations

import sys
from typing import Any

import yaml
import yaml.reader
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

MAX_DEPTH = 40
MAX_NODES = 100_000

try:  # libyaml's parser is much faster; composition stays in Python to keep the caps.
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.parser import Parser as _Parser  # type: ignore[assignment]


class UnsafeDocument(ValueError):
    """A document is too deep, too large once aliases expand, refers to itself, repeats a key
    or holds a number too long to convert."""


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
            raise UnsafeDocument(f"the document is nested more than {MAX_DEPTH} levels deep")
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


# An explicit `!!timestamp` stays text too, so a model can name the field of a bad date.
def _construct_text(loader: _Loader, node: Node) -> str:
    return loader.construct_yaml_str(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)  # type: ignore[type-var]


def too_many_digits(where: str) -> UnsafeDocument:
    return UnsafeDocument(
        f"{where}a number has more than {sys.get_int_max_str_digits():,} digits; "
        "no field needs one so long"
    )


def _construct_int(loader: _Loader, node: Node) -> int:
    try:
        return loader.construct_yaml_int(node)  # type: ignore[arg-type]
    except ValueError:  # Python refuses to convert very long digit strings
        raise too_many_digits(f"line {node.start_mark.line + 1}: ") from None


_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)  # type: ignore[type-var]


def _refuse_duplicate_keys(node: MappingNode) -> None:
    seen: set[str] = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.value == "<<":
            continue
        if key_node.value in seen:
            line = key_node.start_mark.line + 1
            raise UnsafeDocument(f"line {line}: the key {key_node.value!r} appears twice")
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
                raise UnsafeDocument(f"the document expands to more than {MAX_NODES:,} values")
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise UnsafeDocument("an alias refers to a value that contains it")
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


def load_yaml(text: str) -> Any:
    """Parse one YAML document into plain values, within the caps.

    Raises:
        yaml.YAMLError: the text is not YAML.
        UnsafeDocument: it is too deep, expands too far, refers to itself, repeats a key
            or holds an over-long number.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def describe_yaml_error(error: Exception, text: str) -> str:
    """A one-line, plain description of why `load_yaml` refused `text`."""
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
    if isinstance(error, RecursionError):
        return f"the document is nested more than {MAX_DEPTH} levels deep"
    return str(error) or "it could not be read"
