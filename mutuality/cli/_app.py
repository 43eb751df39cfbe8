"""Sub-commands: assess, validate, schema, rules, questions.

Exit codes: 0 when everything asked for was done; 2 when any input was invalid
(each problem is printed on stderr, and the valid inputs are still processed).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from mutuality.framework import (
    DEFAULT_POLICY,
    PRINCIPLES,
    QUESTIONS,
    ROLES,
    FrameworkError,
    Policy,
    case_schema,
    catalogue_markdown,
    load_case,
    load_policy,
    parse_iso_date,
    registered_rules,
)

from ._assessing import Job, ReportFormat, assessed, every_core
from ._files import expand
from ._instruments import instruments_command
from ._outcomes import outcomes_command

INVALID = 2

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Assess co-productive helping relationships, principle by principle.",
)

app.command("outcomes")(outcomes_command)
app.command("instruments")(instruments_command)


class ListFormat(StrEnum):
    text = "text"
    json = "json"


class CatalogueFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


class RoleChoice(StrEnum):
    professional = "professional"
    recipient = "recipient"


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def _as_of(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_iso_date(value)
    except ValueError:
        raise typer.BadParameter(
            f"got {value!r}; expected a date as YYYY-MM-DD", param_hint="--as-of"
        ) from None


def _policy(path: Path | None) -> Policy:
    return DEFAULT_POLICY if path is None else load_policy(path)


@app.command("assess")
def assess_command(
    paths: Annotated[list[Path], typer.Argument(help="Case files, or directories of them.")],
    report: Annotated[ReportFormat, typer.Option("--format", help="Report format.")] = (
        ReportFormat.text
    ),
    policy_file: Annotated[Path | None, typer.Option("--policy", help="TOML policy file.")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Assess as of YYYY-MM-DD.")] = None,
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            min=1,
            help="How many processes assess files at once (default: one per core).",
            show_default=False,
        ),
    ] = None,
) -> int:
    """Assess each case and print its report (JSON Lines when several are asked for as JSON)."""
    when = _as_of(as_of)
    try:
        policy = _policy(policy_file)
    except FrameworkError as error:
        _stderr(str(error))
        return INVALID
    files = expand(paths)
    if not files:
        _stderr("no case files found (expected .yaml, .yml or .json files)")
        return INVALID
    single = len(paths) == 1 and len(files) == 1 and not paths[0].is_dir()
    job = Job(report=report, policy=policy, when=when, single=single)
    show_progress = report is ReportFormat.text and len(files) > 1
    return _assess_files(files, job, every_core() if jobs is None else jobs, show_progress)


def _assess_files(files: list[Path], job: Job, jobs: int, progress: bool) -> int:
    failed = False
    console = Console(file=sys.stderr)
    # On a terminal the bar redraws and then clears; elsewhere (a log, a pipe) it is
    # printed once, complete, so the record shows how many files were assessed.
    columns = (TextColumn("Assessing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with (
        assessed(job, files, jobs) as results,  # before the bar, whose thread must not fork
        Progress(
            *columns, console=console, transient=console.is_terminal, disable=not progress
        ) as bar,
    ):
        task = bar.add_task("Assessing", total=len(files))
        step = max(1, len(files) // 200)  # the bar moves in steps of half a percent at most
        for number, result in enumerate(results, start=1):
            if result.ok:
                separator = "\n" if job.report is not ReportFormat.json and number > 1 else ""
                sys.stdout.write(separator + result.text)
            else:
                failed = True
                _stderr(result.text)
            if number % step == 0 or number == len(files):
                bar.update(task, completed=number)
    return INVALID if failed else 0


@app.command("validate")
def validate_command(
    paths: Annotated[list[Path], typer.Argument(help="Case files, or directories of them.")],
) -> int:
    """Check case files without assessing them; print each problem with its field path."""
    files = expand(paths)
    failed = not files
    if not files:
        _stderr("no case files found (expected .yaml, .yml or .json files)")
    for path in files:
        try:
            load_case(path)
        except FrameworkError as error:
            failed = True
            _stderr(str(error))
        else:
            print(f"{path}: valid")
    return INVALID if failed else 0


@app.command("schema")
def schema_command() -> int:
    """Print the case format as JSON Schema."""
    print(json.dumps(case_schema(), indent=2))
    return 0


@app.command("rules")
def rules_command(
    listing: Annotated[CatalogueFormat, typer.Option("--format", help="Output format.")] = (
        CatalogueFormat.text
    ),
) -> int:
    """List the findings catalogue: code, principle, severity and basis."""
    rules = registered_rules()
    if listing is CatalogueFormat.markdown:
        sys.stdout.write(catalogue_markdown())
        return 0
    if listing is CatalogueFormat.json:
        print(
            json.dumps(
                [
                    {
                        "code": r.code,
                        "principle": r.principle,
                        "severity": r.severity,
                        "basis": r.basis,
                    }
                    for r in rules
                ],
                indent=2,
            )
        )
        return 0
    for principle in PRINCIPLES:
        print(principle.capitalize())
        for r in (r for r in rules if r.principle == principle):
            print(f"  {r.code}  [{r.severity}]\n      {r.basis}")
    return 0


@app.command("questions")
def questions_command(
    role: Annotated[RoleChoice | None, typer.Option("--role", help="Show one role's wording.")] = (
        None
    ),
    listing: Annotated[ListFormat, typer.Option("--format", help="Output format.")] = (
        ListFormat.text
    ),
) -> int:
    """List the two-sided questions, as each role is asked them, with their answers."""
    roles = [r for r in ROLES if role is None or r == role.value]
    if listing is ListFormat.json:
        print(
            json.dumps(
                [
                    {
                        "id": q.id,
                        "asks": q.asks,
                        "answers": list(q.options),
                        "wording": {r: q.wording[r] for r in roles},
                        # The contrast indicator a `yes` from anyone counts as (format 1.1).
                        "indicates": q.indicates,
                    }
                    for q in QUESTIONS
                ],
                indent=2,
            )
        )
        return 0
    for q in QUESTIONS:
        print(q.id)
        for r in roles:
            print(f"  {r}: {q.wording[r]}")
        print("  answers: " + ", ".join(f"{v} ({label})" for v, label in q.answers.items()))
        if q.indicates:
            print(f"  a yes from anyone counts as: {q.indicates}")
    return 0


# Typer 0.20 and later carry their own copy of click, whose exceptions are not
# click's: catch both kinds, so that a usage error is a message, never a traceback.
_USAGE_ERRORS: tuple[type[Exception], ...] = (
    click.ClickException,
    getattr(typer, "TyperException", click.ClickException),
)
_EXITS: tuple[type[BaseException], ...] = (click.exceptions.Exit, typer.Exit)
_ABORTS: tuple[type[BaseException], ...] = (click.Abort, typer.Abort)


def _show_usage_error(error: Exception) -> int:
    show = getattr(error, "show", None)
    if callable(show):
        show()
    else:  # pragma: no cover - every usage error Typer raises can show itself
        _stderr(f"Error: {error}")
    code = getattr(error, "exit_code", INVALID)
    return code if isinstance(code, int) else INVALID


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code rather than exiting (for tests)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = app(args=args, prog_name="mutuality", standalone_mode=False)
    except _USAGE_ERRORS as error:
        return _show_usage_error(error)
    except _EXITS as error:
        return int(getattr(error, "exit_code", 0) or 0)
    except _ABORTS:
        _stderr("stopped")
        return 130
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
