"""The public API of each core is curated, sorted and complete."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import mutuality.framework
from mutuality.framework._catalogue import catalogue_markdown

DOCS = Path(__file__).resolve().parents[3] / "docs"


def _isort_style(name: str) -> tuple[int, str]:
    # Constants, then classes, then functions: the order ruff's RUF022 keeps.
    return (0 if name.isupper() else 1 if name[:1].isupper() else 2, name)


@pytest.mark.parametrize("name", ["mutuality.framework", "mutuality.outcomes"])
def test_all_is_sorted_and_importable(name: str) -> None:
    """`__all__` is sorted, and every name in it exists on the package."""
    module = importlib.import_module(name)

    exported = list(module.__all__)

    assert exported == sorted(exported, key=_isort_style)
    assert all(hasattr(module, item) for item in exported)


def test_docs_catalogue_matches_the_rules() -> None:
    """docs/framework.md is exactly the catalogue the running rules generate."""
    published = (DOCS / "framework.md").read_text(encoding="utf-8")

    assert published == catalogue_markdown(), (
        "run: mutuality rules --format markdown > docs/framework.md"
    )


def test_every_rule_has_a_basis_and_a_known_principle() -> None:
    """Every registered rule names its principle and the framework passage it rests on."""
    rules = mutuality.framework.registered_rules()

    assert all(r.basis.strip() and r.principle in mutuality.framework.PRINCIPLES for r in rules)
    assert len({r.code for r in rules}) == len(rules)
