"""OWASP ASVS 5.0.0, V1 (encoding and sanitisation), read from the code itself: no shell, no
dynamic code, no regular expression or template made from data, and nothing typed written into
a script (SECURITY.md lists each requirement). The web app's behaviour is in
tests/integration/test_asvs_v1.py."""

from __future__ import annotations

import ast
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from mutuality.web import backup

ROOT = Path(__file__).resolve().parents[2]
CODE = ROOT / "mutuality"
TEMPLATES = ROOT / "templates"
OUR_SCRIPTS = ROOT / "static" / "js"


def _modules() -> Iterator[tuple[str, ast.Module]]:
    """Every module of the package (generated migrations too), parsed, by its path."""
    for path in sorted(CODE.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _calls(tree: ast.AST) -> Iterator[ast.Call]:
    return (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def _name(call: ast.Call) -> str:
    """The called name as written: `eval`, `os.system`, `subprocess.run`, `re.compile`."""
    parts: list[str] = []
    func: Any = call.func
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


DYNAMIC_CODE = {"eval", "exec", "compile", "__import__", "builtins.eval", "builtins.exec"}


@pytest.mark.asvs("1.3.2")
def test_no_python_code_is_made_from_data() -> None:
    """No module calls eval, exec, compile or __import__: nothing is ever run as code."""
    # Act
    found = [
        f"{where}:{call.lineno} {_name(call)}"
        for where, tree in _modules()
        for call in _calls(tree)
        if _name(call) in DYNAMIC_CODE
    ]

    # Assert
    assert found == []


@pytest.mark.asvs("1.3.2")
def test_no_script_of_ours_runs_text_as_code_and_the_policy_forbids_it() -> None:
    """Our scripts use no eval, Function or string timer, and the Content-Security-Policy
    allows neither eval nor inline script, so a browser would refuse one anyway."""
    # Arrange
    dynamic = re.compile(r"\beval\s*\(|\bnew\s+Function\b|\bset(?:Timeout|Interval)\s*\(\s*[\"'`]")

    # Act
    found = [
        f"{path.name}: {match[0]}"
        for path in sorted(OUR_SCRIPTS.glob("*.js"))
        for match in dynamic.finditer(path.read_text(encoding="utf-8"))
    ]

    # Assert
    assert sorted(p.name for p in OUR_SCRIPTS.glob("*.js")) != []
    assert found == []
    scripts = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"]
    assert "'unsafe-eval'" not in scripts and "'unsafe-inline'" not in scripts


SHELL = {"os.system", "os.popen", "os.execl", "os.execv", "os.spawnl", "os.startfile"}


@pytest.mark.asvs("1.2.5")
def test_no_shell_is_ever_started_and_only_the_backup_runs_a_program() -> None:
    """No module starts a shell or passes `shell=True`; the one module that runs a program
    (the PostgreSQL backup) is the only one that imports subprocess."""
    # Act
    shells = [
        f"{where}:{call.lineno}"
        for where, tree in _modules()
        for call in _calls(tree)
        if _name(call) in SHELL
        or any(
            k.arg == "shell" and not (isinstance(k.value, ast.Constant) and k.value.value is False)
            for k in call.keywords
        )
    ]
    importers = {
        where
        for where, tree in _modules()
        for node in ast.walk(tree)
        if (isinstance(node, ast.Import) and any(a.name == "subprocess" for a in node.names))
        or (isinstance(node, ast.ImportFrom) and node.module == "subprocess")
    }

    # Assert
    assert shells == []
    assert importers == {"mutuality/web/backup.py"}


@pytest.mark.asvs("1.2.5")
def test_the_backup_passes_its_arguments_as_a_list_without_a_shell(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """pg_dump is run with each argument as its own list item and no shell, so a database or
    file name holding `; rm -rf` or spaces stays one argument."""
    # Arrange
    ran: list[tuple[Any, dict[str, Any]]] = []

    def run(args: Any, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        ran.append((args, kwargs))
        return subprocess.CompletedProcess(args, 0, "", "")

    monkeypatch.setattr(backup.subprocess, "run", run)
    monkeypatch.setattr(backup.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    monkeypatch.setattr(backup, "_pg_env", dict)
    target = tmp_path / "x; rm -rf ~ .dump"

    # Act
    backup._run(["pg_dump", "--format=custom", "-f", str(target)])

    # Assert
    ((args, kwargs),) = ran
    assert args == ["/usr/bin/pg_dump", "--format=custom", "-f", str(target)]
    assert kwargs.get("shell", False) is False


REGEX = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


def _literal(node: ast.expr) -> bool:
    """A pattern written in the code: a string, or strings joined or repeated."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str | bytes)
    if isinstance(node, ast.JoinedStr):  # an f-string: only what `re.escape` made goes in
        return all(
            isinstance(part, ast.Constant)
            or (
                isinstance(part, ast.FormattedValue)
                and isinstance(part.value, ast.Call)
                and _name(part.value) == "re.escape"
            )
            for part in node.values
        )
    if isinstance(node, ast.BinOp):
        return _literal(node.left) and (
            _literal(node.right) or isinstance(node.right, ast.Constant)
        )
    return False


@pytest.mark.asvs("1.2.9")
def test_every_regular_expression_is_written_in_the_code() -> None:
    """Every pattern given to the `re` module is text written in the code, never built from
    data (but for text put through `re.escape`, which matches only itself), so nothing typed is
    read as a regular expression's special characters."""
    # Act
    made = [
        f"{where}:{call.lineno}"
        for where, tree in _modules()
        for call in _calls(tree)
        if _name(call).startswith("re.")
        and _name(call).split(".")[-1] in REGEX
        and call.args
        and not _literal(call.args[0])
    ]
    counted = sum(
        1
        for _, tree in _modules()
        for call in _calls(tree)
        if _name(call).startswith("re.") and _name(call).split(".")[-1] in REGEX
    )

    # Assert
    assert counted > 10  # the scan sees the patterns there are
    assert made == []


TEMPLATE_MAKERS = {"Template", "from_string", "Engine"}


@pytest.mark.asvs("1.3.7")
def test_no_template_is_made_from_a_string() -> None:
    """Templates are only ever files under templates/: no module makes a Template, an Engine
    or a template from a string, so no template can be built from what someone typed."""
    # Act
    made = [
        f"{where}:{call.lineno} {_name(call)}"
        for where, tree in _modules()
        for call in _calls(tree)
        if _name(call).split(".")[-1] in TEMPLATE_MAKERS
    ]
    includes = [
        f"{path.relative_to(ROOT)}: {tag}"
        for path in sorted(TEMPLATES.rglob("*.*"))
        for tag in re.findall(r"\{%\s*(?:include|extends)\s+([^\"'\s][^%]*)%\}", path.read_text())
    ]

    # Assert
    assert made == []
    assert includes == []  # every include and extends names its template in quotes


# The only values a template writes inside a <script> element: ids Django makes for a form's
# field (allauth's passkey settings), which hold no one's words. Data goes to a script only
# through the json_script filter, outside any <script> the template writes.
IN_SCRIPTS = {"{{ form.credential.auto_id }}", "{{ webauthn_form.credential.auto_id }}"}


@pytest.mark.asvs("1.2.3")
def test_no_template_writes_a_value_into_a_script() -> None:
    """Inside every <script> element of every template there is no value but a form field's
    own id: data reaches scripts only as JSON from json_script, which escapes < > and &."""
    # Arrange
    script = re.compile(r"<script\b[^>]*>(.*?)</script>", re.S)
    comment = re.compile(r"\{% comment %\}.*?\{% endcomment %\}|\{#.*?#\}", re.S)

    # Act
    values = {
        f"{path.relative_to(ROOT)}: {tag}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for body in script.findall(comment.sub("", path.read_text(encoding="utf-8")))
        for tag in re.findall(r"\{\{.*?\}\}|\{%.*?%\}", body)
        if tag not in IN_SCRIPTS
    }

    # Assert
    assert values == set()
