"""dotenv-sample lists every environment variable the code under mutuality/ reads."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "dotenv-sample"
# Calls whose first argument is the name of an environment variable.
READERS = {"os.environ.get", "os.getenv", "os.environ.setdefault", "_value"}


def _read_in(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            function = ast.unparse(node.func)
            first = node.args[0] if node.args else None
            named = isinstance(first, ast.Constant) and isinstance(first.value, str)
            if named and (function in READERS or function.startswith("env_")):
                names.add(first.value)  # type: ignore[union-attr]
            if function == "dj_database_url.config":
                names.add("DATABASE_URL")  # the variable dj-database-url reads by default
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) == "os.environ":
            names.add(ast.unparse(node.slice).strip("'\""))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # A name kept in a constant, as outcomes/_text.py does.
            names.update(re.findall(r"^MUTUALITY_[A-Z0-9_]+$", node.value))
    return names


def variables_read() -> set[str]:
    """Every environment variable named in the source of the mutuality package."""
    return set().union(*(_read_in(path) for path in (ROOT / "mutuality").rglob("*.py")))


def variables_listed() -> set[str]:
    """Every NAME= line of dotenv-sample, set or commented out."""
    text = SAMPLE.read_text(encoding="utf-8")
    return set(re.findall(r"^(?:#\s*)?([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def test_the_source_scan_finds_the_variables_settings_read() -> None:
    """The scan sees the variables read in each way the code reads them."""
    found = variables_read()

    assert {
        "MUTUALITY_SECRET_KEY",  # through environment.secret_key
        "MUTUALITY_DEMO",  # env_bool
        "MUTUALITY_VAR_DIR",  # os.environ.get
        "MUTUALITY_INSTRUMENT_TEXT",  # a module constant
        "DATABASE_URL",  # dj_database_url
    } <= found


def test_every_variable_the_code_reads_is_in_dotenv_sample() -> None:
    """A variable read anywhere under mutuality/ must be documented in dotenv-sample."""
    missing = variables_read() - variables_listed()

    assert not missing, f"add these to dotenv-sample, each with a comment: {sorted(missing)}"


def test_dotenv_sample_lists_nothing_the_code_does_not_read() -> None:
    """A variable the code no longer reads is not left in dotenv-sample to mislead."""
    stale = variables_listed() - variables_read()

    assert not stale, f"dotenv-sample lists variables nothing reads: {sorted(stale)}"
