"""Safe YAML for files people write by hand: caps on nesting and aliases, no duplicate keys.

Both cores read YAML that may come from elsewhere (case files, instrument
definitions, item-text files), so reading must never crash, hang or exhaust
memory. Dates stay text, so that an impossible date becomes a validation error
with a field path rather than a parser crash. Pure PyYAML; no other dependency.

Two ways to the same values. The fast way lets libyaml parse and compose nodes in C
(libyaml refuses nesting past 1,000 levels, which this module checks once at import),
then builds the values in one pass that checks the depth, counts values and refuses
duplicate keys; alias expansion is only walked when the text holds an `&`, since
without an anchor there can be no alias. A document with anything unusual (a merge
key, a tag other than the plain ones, a key that is not a scalar), or that is not YAML at
all, is read again the careful way, which names the problem more fully: composition in
Python with every cap checked before any value is built.
"""

from __future__ import annotations

import sys
from types import MappingProxyType
from typing import Any

import yaml
import yaml.reader
from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.resolver import Resolver

MAX_DEPTH = 40
MAX_NODES = 100_000

try:  # libyaml's parser, which can also compose nodes in C
    from yaml._yaml import CParser as _Parser

    _LIBYAML = True
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml.parser import Parser as _Parser  # type: ignore[assignment]

    _LIBYAML = False

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_MERGE = "tag:yaml.org,2002:merge"
_BOOLEANS = SafeConstructor.bool_values  # YAML 1.1: yes/no, on/off, true/false


class UnsafeDocument(ValueError):
    """A document is too deep, too large once aliases expand, refers to itself, repeats a key
    or holds a number too long to convert."""


def _too_deep() -> UnsafeDocument:
    return UnsafeDocument(f"the document is nested more than {MAX_DEPTH} levels deep")


def _too_large() -> UnsafeDocument:
    return UnsafeDocument(f"the document expands to more than {MAX_NODES:,} values")


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
            raise _too_deep()
        self._depth = depth
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth = depth - 1


def _not_a_boolean(node: ScalarNode) -> ConstructorError:
    return ConstructorError(
        None, None, f"expected a boolean, but found {node.value!r}", node.start_mark
    )


class _StrictConstructor(SafeConstructor):
    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        _refuse_duplicate_keys(node)
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_bool(self, node: ScalarNode) -> bool:
        value = _BOOLEANS.get(node.value.lower())
        if value is None:  # only an explicit `!!bool maybe` gets here
            raise _not_a_boolean(node)
        return value


class _Loader(_CappedComposer, _Parser, _StrictConstructor, _Resolver):  # type: ignore[misc,valid-type,unused-ignore]
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        _CappedComposer.__init__(self)
        _StrictConstructor.__init__(self)
        _Resolver.__init__(self)


# An explicit `!!timestamp` stays text too, so a model can name the field of a bad date.
def _construct_text(loader: _Loader, node: Node) -> str:
    return loader.construct_yaml_str(node)


_Loader.add_constructor(_TIMESTAMP, _construct_text)  # type: ignore[type-var]
_Loader.add_constructor(_BOOL, _StrictConstructor.construct_yaml_bool)  # type: ignore[type-var]


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


_Loader.add_constructor(_INT, _construct_int)  # type: ignore[type-var]


def _refuse_duplicate_keys(node: MappingNode) -> None:
    seen: set[str] = set()
    for key_node, _ in node.value:
        if not isinstance(key_node, ScalarNode) or key_node.value == "<<":
            continue
        if key_node.value in seen:
            raise _repeated(key_node)
        seen.add(key_node.value)


def _repeated(key_node: ScalarNode) -> UnsafeDocument:
    line = key_node.start_mark.line + 1
    return UnsafeDocument(f"line {line}: the key {key_node.value!r} appears twice")


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
                raise _too_large()
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


def _load_careful(text: str) -> Any:
    """Compose in Python, checking depth as nodes are made, then expansion, then build."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _expanded_size(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


# The fast way: libyaml composes, then one pass builds the values and checks the caps.


class _Unusual(Exception):
    """The document holds something the fast way leaves to the careful way."""


_NO_PATHS: MappingProxyType[object, object] = MappingProxyType({})


class _FastLoader(_Parser):  # type: ignore[misc,valid-type,unused-ignore]
    """libyaml parses and composes in C; nothing is resolved or constructed here.

    The C composer asks `self.resolve(kind, value, implicit)` for the tag of every node
    written without one, and tells `descend_resolver` and `ascend_resolver` of every step
    down and up (for path resolvers, which are not used). The builder resolves a tag only
    when it needs one, so these are the cheapest callables taking the same arguments:
    `resolve` keeps its three in a slice for the builder, the other two do nothing.
    """

    resolve = slice
    descend_resolver = _NO_PATHS.get
    ascend_resolver = tuple


_RESOLVER = _Resolver()
_KNOWN_TAGS: dict[str, str] = {}  # the tags of short plain scalars, as they are met


def _plain_tag(value: str) -> str:
    tag = _KNOWN_TAGS.get(value)
    if tag is None:
        tag = str(_RESOLVER.resolve(ScalarNode, value, (True, False)))  # type: ignore[no-untyped-call]
        if len(value) <= 24 and len(_KNOWN_TAGS) < 4096:
            _KNOWN_TAGS[value] = tag
    return tag


def _scalar_tag(node: Any) -> str:
    tag = node.tag
    if type(tag) is not slice:  # written in the document, as in `!!str 3`
        return str(tag)
    implicit = tag.step
    return _plain_tag(node.value) if implicit[0] else _STR  # quoted or block scalars are text


# Constructs the odd scalar (a hexadecimal int, a float) exactly as the careful way does.
_SCALARS = _StrictConstructor()


_PLAIN_VALUES: dict[str, Any] = {}  # short plain scalars met before, and their values
_UNKNOWN = object()


def _scalar(node: Any) -> Any:  # a ScalarNode (Any: the caller tells by type() alone)
    tag, value = node.tag, node.value
    if type(tag) is slice:
        if not tag.step[0]:  # quoted, or a block scalar: text
            return value
        known = _PLAIN_VALUES.get(value, _UNKNOWN)
        if known is not _UNKNOWN:
            return known
        built = _tagged_scalar(node, _plain_tag(value), value)
        if len(value) <= 24 and len(_PLAIN_VALUES) < 4096:  # text, a number, a flag: immutable
            _PLAIN_VALUES[value] = built
        return built
    return _tagged_scalar(node, tag, value)


def _tagged_scalar(node: Any, tag: str, value: str) -> Any:
    if tag in (_STR, _TIMESTAMP):
        return value
    if tag == _INT:
        try:
            if value.isdigit() and (value[0] != "0" or value == "0"):
                return int(value)
            return _SCALARS.construct_yaml_int(node)
        except ValueError:  # Python refuses to convert very long digit strings
            raise too_many_digits(f"line {node.start_mark.line + 1}: ") from None
    if tag == _BOOL:
        return _SCALARS.construct_yaml_bool(node)
    if tag == _NULL:
        return None
    if tag == _FLOAT:
        return _SCALARS.construct_yaml_float(node)
    raise _Unusual


def _plain(node: Any) -> bool:
    """Whether a scalar was written plain (unquoted, untagged)."""
    tag = node.tag
    return type(tag) is slice and bool(tag.step[0])


def _collection_tag_is(node: Node, default: str) -> bool:
    """Whether a sequence or mapping is untagged (or tagged with its own kind's tag)."""
    tag: Any = node.tag
    return type(tag) is slice or tag == default


class _Builder:
    """Plain values from composed nodes: depth, value count and duplicate keys checked."""

    def __init__(self, shared: bool) -> None:
        # With anchors, a node may be reached more than once: build it once, as PyYAML does.
        self.built: dict[int, Any] | None = {} if shared else None
        self.count = 1

    def build(self, node: Node, depth: int) -> Any:
        kind = type(node)
        if kind is ScalarNode:
            return _scalar(node)
        built = self.built
        if built is not None and id(node) in built:
            return built[id(node)]
        children = node.value
        if children and depth >= MAX_DEPTH:
            raise _too_deep()
        if built is None:  # without aliases, the values counted are the values built
            self.count += len(children) * (2 if kind is MappingNode else 1)
            if self.count > MAX_NODES:
                raise _too_large()
        deeper = depth + 1
        if kind is SequenceNode:
            if not _collection_tag_is(node, _SEQ):
                raise _Unusual
            items: list[Any] = []
            if built is not None:
                built[id(node)] = items
            # Scalars, most children, are read here rather than through another call.
            items.extend(
                [
                    _scalar(child) if type(child) is ScalarNode else self.build(child, deeper)
                    for child in children
                ]
            )
            return items
        if kind is not MappingNode or not _collection_tag_is(node, _MAP):
            raise _Unusual
        mapping: dict[Any, Any] = {}
        if built is not None:
            built[id(node)] = mapping
        seen: set[str] = set()
        for key_node, value_node in children:
            if type(key_node) is not ScalarNode:
                raise _Unusual
            text = key_node.value
            if text in seen:
                raise _repeated(key_node)
            if text == "<<":
                if _scalar_tag(key_node) == _MERGE:
                    raise _Unusual
            else:
                seen.add(text)
            key = _PLAIN_VALUES.get(text, _UNKNOWN)
            if key is _UNKNOWN or not _plain(key_node):
                key = _scalar(key_node)
            mapping[key] = (
                _scalar(value_node)
                if type(value_node) is ScalarNode
                else self.build(value_node, deeper)
            )
        return mapping


def _load_fast(text: str) -> Any:
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if node is None:
        return None
    # Without both an anchor (`&`) and an alias (`*`) no node is reached twice: nothing can
    # expand or refer to itself, so the walk that counts expansion is only needed with both.
    shared = "&" in text and "*" in text
    if shared:
        _expanded_size(node)
    return _Builder(shared).build(node, 1)


def _libyaml_caps_nesting() -> bool:
    """Whether libyaml refuses deep nesting itself, so that composing in C cannot overflow."""
    if not _LIBYAML:  # pragma: no cover - depends on how PyYAML was built
        return False
    loader = _FastLoader("[" * 5000)
    try:
        loader.get_single_node()
    except yaml.YAMLError:
        return True
    finally:
        loader.dispose()
    return False  # pragma: no cover - an old libyaml without a nesting limit


# Every kind of value a case file holds, read both ways once at import: should a PyYAML
# release compose differently, the fast way is left unused rather than trusted.
_SAMPLE = """\
text: plain words
quoted: 'yes'
answer: yes
off: off
nothing: ~
empty:
count: 12
hex: 0x1F
real: 1.5e3
day: 2026-11-25
block: |
  two
  lines
list: [1, "2", three, null, true, -0.5]
nested: {a: [{b: c}, []], d: {}}
shared: &s [x, y]
again: *s
"""


def _fast_way_agrees() -> bool:
    try:
        return bool(_load_fast(_SAMPLE) == _load_careful(_SAMPLE))
    except (yaml.YAMLError, ValueError, TypeError, AttributeError, _Unusual):  # pragma: no cover
        return False


_FAST = _libyaml_caps_nesting() and _fast_way_agrees()


def load_yaml(text: str) -> Any:
    """Parse one YAML document into plain values, within the caps.

    Raises:
        yaml.YAMLError: the text is not YAML.
        UnsafeDocument: it is too deep, expands too far, refers to itself, repeats a key
            or holds an over-long number.
    """
    if _FAST:
        try:
            return _load_fast(text)
        except (_Unusual, yaml.YAMLError):
            pass  # the careful way reads what is unusual, and names what is wrong more fully
    return _load_careful(text)


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
