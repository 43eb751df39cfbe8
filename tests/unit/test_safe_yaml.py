"""The fast way of reading YAML gives the same values, and the same refusals, as the careful way."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mutuality._safe_yaml import MAX_DEPTH, MAX_NODES, _load_careful, load_yaml


def _outcome(read: Any, text: str) -> tuple[str, str]:
    """What reading `text` gives: the values (as their repr, so NaN equals NaN) or the error."""
    try:
        return "values", repr(read(text))
    except (yaml.YAMLError, ValueError, TypeError) as error:
        return type(error).__name__, str(error)


def _nested(depth: int, innermost: str) -> str:
    """A flow document `depth` levels deep (the document itself is level 1)."""
    return "[" * (depth - 1) + innermost + "]" * (depth - 1) + "\n"


TRICKY = {
    "booleans-yaml-1.1": "a: yes\nb: No\nc: ON\nd: off\ne: 'yes'\nf: y\n",
    "numbers": "a: 0x1F\nb: 0o17\nc: 017\nd: 1_000\ne: +12\nf: -0\ng: 190:20:30\nh: 0b101\n",
    "floats": "a: 1.5\nb: .inf\nc: -.Inf\nd: .nan\ne: 1e3\nf: 6.8523015e+5\ng: 190:20:30.15\n",
    "nulls": "a: ~\nb: null\nc: Null\nd:\ne: ''\n",
    "dates-stay-text": "a: 2026-11-25\nb: 2001-12-14t21:59:43.10-05:00\nc: !!timestamp 2026-02-30\n",
    "block-scalars": "a: |\n  one\n  two\nb: >\n  folded\n  text\nc: |-\n  kept\n",
    "explicit-tags": "a: !!str 3\nb: !!int '7'\nc: !!float '1'\nd: !!bool 'yes'\ne: ! 12\n",
    "binary": "a: !!binary aGVsbG8=\n",
    "set": "a: !!set {x, y}\n",
    "omap": "a: !!omap [x: 1, y: 2]\n",
    "python-tag": "a: !!python/object:os.system x\n",
    "unknown-tag": "a: !local x\n",
    "not-a-boolean": "a: !!bool maybe\n",
    "merge-key": "base: &b {x: 1, y: 2}\nthis: {<<: *b, y: 3}\n",
    "merge-list": "a: &a {x: 1}\nb: &b {y: 2}\nc: {<<: [*a, *b], z: 3}\n",
    "merge-inline": "c: {<<: {x: 1}, z: 3}\n",
    "quoted-merge-twice": "'<<': 1\n'<<': 2\n",
    "complex-key": "? [a, b]\n: 1\n",
    "mapping-key": "? {a: 1}\n: 1\n",
    "int-and-text-keys": "1: a\n'1': b\n",
    "bool-keys": "yes: a\ntrue: b\n",
    "duplicate-key": "a: 1\nb: 2\na: 3\n",
    "duplicate-nested": "a: {b: 1, b: 2}\n",
    "ampersand-in-text": "a: Smith & Jones\nb: '*starred*'\n",
    "anchor-without-alias": "a: &x 1\nb: 2\n",
    "alias-reused": "a: &x [1, 2]\nb: *x\nc: [*x, *x]\n",
    "scalar-alias": "a: &x hello\nb: *x\n",
    "alias-as-key": "a: &k key\n*k : 2\n",
    "recursive-alias": "a: &a [1, *a]\n",
    "undefined-alias": "a: *nowhere\n",
    "empty": "",
    "comment-only": "# nothing\n",
    "scalar-document": "just words\n",
    "two-documents": "a: 1\n---\nb: 2\n",
    "explicit-document": "--- \na: 1\n...\n",
    "non-specific-seq": "a: ! [1, 2]\n",
    "tagged-seq": "a: !!seq [1, 2]\nb: !!map {c: 1}\n",
    "mismatched-tag": "a: !!map [1, 2]\n",
    "long-int": "a: " + "9" * 5000 + "\n",
    "unicode": "naïve: café ☕\n'ключ': 値\n",
    "depth-at-cap": _nested(MAX_DEPTH, "1"),
    "depth-past-cap": _nested(MAX_DEPTH + 1, "1"),
    "empty-list-at-cap": _nested(MAX_DEPTH, "[]"),
    "empty-list-past-cap": _nested(MAX_DEPTH + 1, "[]"),
    "alias-past-cap": "a: &x 1\nb: " + _nested(MAX_DEPTH, "*x").strip() + "\n",
    "block-depth-past-cap": "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH))
    + "  " * MAX_DEPTH
    + "v\n",
    "values-at-cap": "[" + ", ".join(["1"] * (MAX_NODES - 1)) + "]\n",
    "values-past-cap": "[" + ", ".join(["1"] * MAX_NODES) + "]\n",
    "mapping-values-past-cap": "{" + ", ".join(f"k{i}: 1" for i in range(MAX_NODES // 2)) + "}\n",
    "bomb": "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{chr(98 + n)}: &{chr(98 + n)} [" + ", ".join([f"*{chr(97 + n)}"] * 10) + "]\n"
        for n in range(5)
    ),
}


@pytest.mark.parametrize("name", sorted(TRICKY))
def test_tricky_documents_read_alike_both_ways(name: str) -> None:
    """Each awkward document gives the same values, or the same error, both ways."""
    # Arrange
    text = TRICKY[name]

    # Act
    fast = _outcome(load_yaml, text)
    careful = _outcome(_load_careful, text)

    # Assert
    assert fast == careful


@pytest.mark.asvs("15.2.2")
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("depth-past-cap", f"nested more than {MAX_DEPTH} levels"),
        ("empty-list-past-cap", f"nested more than {MAX_DEPTH} levels"),
        ("block-depth-past-cap", f"nested more than {MAX_DEPTH} levels"),
        ("values-past-cap", f"more than {MAX_NODES:,} values"),
        ("mapping-values-past-cap", f"more than {MAX_NODES:,} values"),
        ("bomb", f"more than {MAX_NODES:,} values"),
        ("recursive-alias", "refers to a value that contains it"),
        ("duplicate-nested", "'b' appears twice"),
        ("not-a-boolean", "expected a boolean, but found 'maybe'"),
    ],
)
def test_every_cap_holds_on_the_fast_way(name: str, expected: str) -> None:
    """Depth, value count, self-reference, duplicate keys and bad booleans are all refused."""
    # Arrange
    text = TRICKY[name]

    # Act
    with pytest.raises((yaml.YAMLError, ValueError)) as caught:
        load_yaml(text)

    # Assert
    assert expected in str(caught.value)


def test_documents_at_the_caps_are_read() -> None:
    """A document exactly at the depth and value caps still reads."""
    # Arrange
    texts = [TRICKY["depth-at-cap"], TRICKY["empty-list-at-cap"], TRICKY["values-at-cap"]]

    # Act
    values = [load_yaml(text) for text in texts]

    # Assert
    assert all(isinstance(value, list) for value in values)
    assert len(values[2]) == MAX_NODES - 1


_keys = st.one_of(st.text(max_size=8), st.integers(-5, 5), st.booleans())
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(["yes", "No", "on", "~", "0x1F", "1_000", "2026-11-25", "<<", "&a", "*a"]),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
)
_documents = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(document=_documents, flow=st.booleans())
def test_any_dumped_document_reads_alike_both_ways(document: Any, flow: bool) -> None:
    """Whatever PyYAML writes, the fast way reads exactly as the careful way does."""
    # Arrange
    text = yaml.safe_dump(document, allow_unicode=True, default_flow_style=flow)

    # Act
    fast = _outcome(load_yaml, text)
    careful = _outcome(_load_careful, text)

    # Assert
    assert fast == careful
