"""OWASP ASVS 5.0.0 V16 (logging): docs/security.md, "Logs", is an inventory of what is logged
at each layer, in what form, where it goes and who keeps it; its table of events is exactly
the events the code writes; and the logs go to standard error and nowhere else."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings

from mutuality.web import gunicorn_conf

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"
WEB = ROOT / "mutuality" / "web"
GENERIC = {"error", "log"}  # any other logger's lines, by level (said under the table)


def _plain(text: str) -> str:
    """The text with every run of spaces and line breaks as one space (lines wrap anywhere)."""
    return " ".join(text.split())


def _logs_section() -> str:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("\n## Logs")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _documented_events() -> set[str]:
    """The events named in the first cell of each row of the section's table."""
    events: set[str] = set()
    for line in _logs_section().splitlines():
        cells = line.strip().strip("|").split("|")
        if line.strip().startswith("| `") and len(cells) == 3:
            events.update(re.findall(r"`([a-z_]+)`", cells[0]))
    return events


def _constant(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _called(node: ast.Call, name: str) -> bool:
    func = node.func
    return (isinstance(func, ast.Name) and func.id == name) or (
        isinstance(func, ast.Attribute) and func.attr == name
    )


def _events_in(tree: ast.AST) -> set[str]:
    """The event names one module writes: the first argument of `security_event`, an
    `event=` passed on to it, an `"event"` given to a logger, and, in a function that passes `security_event` a name
    chosen from pairs of words, the first word of each pair."""
    events: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node, "security_event") and node.args:
            events.add(_constant(node.args[0]) or "")
        if isinstance(node, ast.Call):  # a helper that passes `event=` on to security_event
            events.update(
                c for k in node.keywords if k.arg == "event" and (c := _constant(k.value))
            )
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if _constant(key) == "event" and _constant(value):
                    events.add(str(_constant(value)))
    for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
        chooses = any(
            isinstance(call, ast.Call)
            and _called(call, "security_event")
            and call.args
            and not _constant(call.args[0])
            for call in ast.walk(function)
        )
        if chooses:
            events.update(
                str(_constant(pair.elts[0]))
                for pair in ast.walk(function)
                if isinstance(pair, ast.Tuple)
                and len(pair.elts) == 2
                and all(_constant(e) for e in pair.elts)
            )
    return events - {""}


def _formatters_events() -> set[str]:
    """The names json_logs gives lines of Django's own loggers, and the generic ones."""
    tree = ast.parse((WEB / "json_logs.py").read_text(encoding="utf-8"))
    named: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "_DJANGO_EVENTS" for t in node.targets
        ):
            named.update(str(_constant(v)) for v in ast.walk(node.value) if _constant(v))
            named -= {str(_constant(k)) for k in node.value.keys}  # type: ignore[attr-defined]
        if isinstance(node, ast.FunctionDef) and node.name == "_event":
            for ret in (r for r in ast.walk(node) if isinstance(r, ast.Return)):
                value = ret.value
                choices = [value.body, value.orelse] if isinstance(value, ast.IfExp) else [value]
                named.update(str(_constant(c)) for c in choices if _constant(c))
    return named


@pytest.mark.asvs("16.1.1")
def test_the_log_inventory_says_what_where_in_what_form_why_who_and_how_long() -> None:
    """The section names each layer that logs, the one format and its fields, where lines go
    and what is never in them, what they are for, and who may read them and for how long."""
    # Act
    section = _plain(_logs_section())

    # Assert
    for words in (
        "One JSON object a line on standard error",
        "The app keeps no log file of its own",
        "**Each layer.**",
        "gunicorn's (`gunicorn.error`, `gunicorn.access`)",
        "the task worker and the scheduler",
        "**What each line holds.** `time` (UTC, ISO 8601",
        "**What is logged.**",
        "**What is never logged.**",
        "to investigate an incident",
        "**Who may read them, and for how long.**",
        "give access to the people who run and secure the service",
    ):
        assert words in section, words


@pytest.mark.asvs("16.1.1")
@pytest.mark.asvs("16.3.3")
def test_the_table_of_events_is_exactly_what_the_code_logs() -> None:
    """Every event name the code writes is a row of the table, and every row is written
    somewhere, so the documented security events and the logged ones cannot drift apart."""
    # Arrange
    documented = _documented_events()

    # Act
    written = set().union(
        *(_events_in(ast.parse(p.read_text(encoding="utf-8"))) for p in WEB.rglob("*.py"))
    )
    written |= _formatters_events()

    # Assert
    assert {"sign_in", "stale_edit", "input_refused", "audit_head", "request"} <= written
    assert written - GENERIC == documented


@pytest.mark.asvs("16.2.3")
@pytest.mark.asvs("16.4.3")
@pytest.mark.asvs("16.4.2")
def test_every_log_handler_writes_to_standard_error_and_nowhere_else() -> None:
    """Each handler the settings configure is a stream on standard error (no file, socket,
    mail or web handler), and gunicorn's access and error logs go there too ("-"), as the
    inventory says: the deployer's collector takes them from there to the log store."""
    # Act
    handlers = settings.LOGGING["handlers"]
    used = {
        name
        for logger in [settings.LOGGING["root"], *settings.LOGGING["loggers"].values()]
        for name in logger.get("handlers", [])
    }

    # Assert
    assert used <= set(handlers)
    for name, handler in handlers.items():
        assert handler["class"] == "logging.StreamHandler", name
        assert handler.get("stream", "ext://sys.stderr") == "ext://sys.stderr", name
    assert gunicorn_conf.accesslog == "-"
    assert getattr(gunicorn_conf, "errorlog", "-") == "-"
