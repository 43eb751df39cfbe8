"""The public API of each core is curated, sorted and complete."""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import pytest

import mutuality.framework
from mutuality.framework._catalogue import catalogue_markdown

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs"
PACKAGE = ROOT / "mutuality"
EXAMPLE = ROOT / "examples" / "supported-housing-collusion.yaml"
# What the web app and the command line use to show an assessment.
RENDERING = [
    "CHANGE_WORDS",
    "EXPLANATIONS",
    "HEADLINES",
    "NOT_READY",
    "SEVERITY_WORDS",
    "STATUS_WORDS",
    "headline",
    "VOCABULARY",
    "render_json",
    "render_markdown",
    "render_text",
]


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


@pytest.mark.parametrize("name", RENDERING)
def test_the_renderers_are_public(name: str) -> None:
    """Each renderer and word table the web app and command line use is in `__all__`."""
    # Arrange
    exported = mutuality.framework.__all__

    # Act
    value = getattr(mutuality.framework, name, None)

    # Assert
    assert name in exported
    assert value is not None


def test_the_public_renderers_show_the_recommendation_in_words() -> None:
    """Text, Markdown and JSON from the public API all carry the assessment's recommendation."""
    # Arrange
    framework = mutuality.framework
    assessment = framework.assess(framework.load_case(EXAMPLE))
    headline = framework.HEADLINES[assessment.recommendation]

    # Act
    text = framework.render_text(assessment)
    markdown = framework.render_markdown(assessment)
    data = json.loads(framework.render_json(assessment))

    # Assert
    assert headline in text and headline in markdown
    assert data["recommendation"] == assessment.recommendation


def _private_imports(path: Path, core: str) -> list[str]:
    """`core._something` modules that a source file imports."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        found += [name for name in names if name.startswith(f"{core}._")]
    return found


@pytest.mark.parametrize("core", ["framework", "outcomes"])
def test_no_module_outside_a_core_imports_its_private_modules(core: str) -> None:
    """Outside `mutuality/<core>/`, only `mutuality.<core>` itself is imported (import-linter's
    private_modules contract says the same in `make lint`)."""
    # Arrange
    inside = PACKAGE / core
    outside = [path for path in PACKAGE.rglob("*.py") if inside not in path.parents]

    # Act
    offending = {
        str(path.relative_to(ROOT)): found
        for path in outside
        if (found := _private_imports(path, f"mutuality.{core}"))
    }

    # Assert
    assert outside and offending == {}
