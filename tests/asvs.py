"""What SECURITY.md claims about OWASP ASVS 5.0.0, and the tests marked as showing it.

SECURITY.md has one table row per Level 1 and 2 requirement of the chapters it covers:
`| 6.2.1 | 1 | what it asks | Pass | how it is met |`, or `N/A` with the reason it does not
apply. A test shows a requirement is met by carrying `@pytest.mark.asvs("6.2.1")` (on the test,
its class, or the module's `pytestmark`). The marks are read from the tests' source, so the
check needs no test to run; the suite itself shows the marked tests pass.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECURITY = ROOT / "SECURITY.md"
REQUIREMENTS = ROOT / "docs" / "security" / "asvs-5.0.0-level-1-and-2.txt"
VERDICTS = ("Pass", "N/A")
ID = re.compile(r"(?:v5\.0\.0-)?(\d+\.\d+\.\d+)")


def requirement_id(text: str) -> str | None:
    """A requirement's id as SECURITY.md and the marks write it ("6.2.1"; "v5.0.0-6.2.1" too)."""
    found = ID.fullmatch(text.strip().strip("`"))
    return found.group(1) if found else None


def chapter(requirement: str) -> str:
    return "V" + requirement.split(".")[0]


@dataclass(frozen=True)
class Row:
    requirement: str
    level: str
    asks: str
    verdict: str
    because: str


def rows(text: str) -> list[Row]:
    """Every requirement row of SECURITY.md's tables."""
    found = []
    for line in text.splitlines():
        if not line.startswith("|"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        requirement = requirement_id(cells[0])
        if requirement is None:
            continue
        cells += [""] * (5 - len(cells))
        found.append(Row(requirement, *cells[1:5]))
    return found


def required() -> dict[str, str]:
    """Each requirement SECURITY.md must have a row for, and its level."""
    wanted = {}
    for line in REQUIREMENTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            requirement, level = line.split()
            wanted[requirement] = level
    return wanted


def _mark_ids(node: ast.AST) -> Iterable[str]:
    """The ids of every `pytest.mark.asvs(...)` call within `node`."""
    for call in ast.walk(node):
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "asvs"
        ):
            for argument in call.args:
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    yield requirement_id(argument.value) or argument.value


def marked_tests(files: Iterable[Path], root: Path = ROOT) -> dict[str, list[str]]:
    """Each id any test is marked with, and the tests ("path::name", the path from `root`)
    that carry it."""
    tests: dict[str, list[str]] = defaultdict(list)
    for path in files:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(root).as_posix()
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "pytestmark"
                for target in node.targets
            ):
                for requirement in _mark_ids(node.value):
                    tests[requirement].append(where)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                for decorator in node.decorator_list:
                    for requirement in _mark_ids(decorator):
                        tests[requirement].append(f"{where}::{node.name}")
                if isinstance(node, ast.ClassDef):
                    for method in node.body:
                        if isinstance(method, ast.FunctionDef | ast.AsyncFunctionDef):
                            for decorator in method.decorator_list:
                                for requirement in _mark_ids(decorator):
                                    tests[requirement].append(
                                        f"{where}::{node.name}::{method.name}"
                                    )
    return dict(tests)


def suite_files() -> list[Path]:
    return sorted(
        path
        for path in (ROOT / "tests").rglob("*.py")
        if "node_modules" not in path.parts and ".venv" not in path.parts
    )


def problems(
    found: list[Row], wanted: dict[str, str], marks: dict[str, list[str]], only: str | None = None
) -> list[str]:
    """What is wrong with the claims (of one chapter, `only`): each as one line."""
    said = []
    in_chapter = (lambda r: chapter(r) == only) if only else (lambda r: True)
    seen: dict[str, int] = defaultdict(int)
    for row in found:
        seen[row.requirement] += 1
    for requirement in sorted(set(wanted) - set(seen), key=_order):
        if in_chapter(requirement):
            said.append(f"{requirement}: no row in SECURITY.md")
    for row in found:
        if not in_chapter(row.requirement):
            continue
        name = row.requirement
        if name not in wanted:
            said.append(f"{name}: not a Level 1 or 2 requirement of the chapters covered")
            continue
        if seen[name] > 1:
            said.append(f"{name}: more than one row")
        if row.level != wanted[name]:
            said.append(f"{name}: level {row.level!r}, the standard says {wanted[name]}")
        if row.verdict not in VERDICTS:
            said.append(f"{name}: verdict {row.verdict!r}, expected one of {', '.join(VERDICTS)}")
        if not row.asks or not row.because:
            said.append(f"{name}: says neither what it asks nor how it is met, or why not")
        if row.verdict == "Pass" and not marks.get(name):
            said.append(f"{name}: Pass, but no test is marked @pytest.mark.asvs({name!r})")
    verdicts = {row.requirement: row.verdict for row in found}
    for name, tests in sorted(marks.items(), key=lambda item: _order(item[0])):
        if in_chapter(name) and verdicts.get(name) != "Pass":
            said.append(f"{name}: marked on {tests[0]}, but SECURITY.md does not say Pass")
    return said


def _order(requirement: str) -> tuple[int, ...]:
    return tuple(int(part) for part in requirement.split(".") if part.isdigit())
