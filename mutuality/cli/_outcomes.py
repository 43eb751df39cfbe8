"""`mutuality outcomes SCORES.csv`: individual change, paired rates and group change."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from mutuality.outcomes import (
    OutcomesError,
    build_instruments,
    fhir_bundle,
    load_instrument_file,
    outcomes_report,
    read_scores_csv,
    trajectories_svg,
)

INVALID = 2
MAX_SCORES_BYTES = 256 * 1024 * 1024


class OutcomesFormat(StrEnum):
    text = "text"
    json = "json"
    fhir = "fhir"


def _number(value: Any, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.{digits}f}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    body = [list(header), *[list(r) for r in rows]]
    widths = [max(len(row[i]) for row in body) for i in range(len(header))]
    return [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in body
    ]


def _people_lines(report: dict[str, Any]) -> list[str]:
    rows = [
        (
            p["person"],
            p["instrument"],
            _number(p["first"]),
            _number(p["latest"]),
            str(p["days"]),
            _number(p["difference"]),
            (p["change"] or "–").replace("_", " "),
            p["category"] or "–",
        )
        for p in report["people"]
    ]
    return [
        "Each person, first score to latest",
        *_table(
            ("person", "measure", "first", "latest", "days", "difference", "change", "category"),
            rows,
        ),
    ]


def _paired_lines(report: dict[str, Any]) -> list[str]:
    rates = report["paired_rates"]
    return [
        "",
        "PHQ-9 and GAD-7 together (NHS Talking Therapies rules)",
        f"  finished: {rates['finished']}; not at caseness at the start: "
        f"{rates['not_at_caseness']}",
        f"  recovery {_percent(rates['recovery'])}, reliable recovery "
        f"{_percent(rates['reliable_recovery'])}, reliable improvement "
        f"{_percent(rates['reliable_improvement'])}, reliable deterioration "
        f"{_percent(rates['reliable_deterioration'])}",
    ]


def _interval(ci: Sequence[float] | None) -> str:
    return "–" if ci is None else f"{_number(ci[0])} to {_number(ci[1])}"


def _proportion(name: str, p: dict[str, Any]) -> str:
    label = name.replace("_", " ")
    if not p["n"]:
        return f"{label}: nobody to count"
    low, high = p["ci95"]
    return (
        f"{label} {p['count']} of {p['n']} ({_percent(p['proportion'])}; 95% CI "
        f"{_percent(low)} to {_percent(high)})"
    )


def _group_lines(report: dict[str, Any]) -> list[str]:
    rows = [
        (
            g["instrument"],
            str(g["n"]),
            _number(g["mean_first"]),
            _number(g["mean_latest"]),
            _number(g["mean_change"]),
            _interval(g["ci95"]),
            _number(g["d_z"]),
            _number(g["g_av"]),
        )
        for g in report["groups"]
    ]
    lines = [
        "",
        "Group change (people with two or more scores)",
        *_table(
            ("measure", "n", "mean first", "mean latest", "mean change", "95% CI", "d_z", "g_av"),
            rows,
        ),
    ]
    for g in report["groups"]:
        parts = [_proportion(name, p) for name, p in g["proportions"].items()]
        lines.append(f"  {g['instrument']}: " + "; ".join(parts))
    return lines


def render_outcomes_text(report: dict[str, Any]) -> str:
    """The outcomes report as readable tables."""
    return "\n".join(_people_lines(report) + _paired_lines(report) + _group_lines(report)) + "\n"


def _read_text(path: Path) -> str:
    with path.open("rb") as stream:
        data = stream.read(MAX_SCORES_BYTES + 1)
    if len(data) > MAX_SCORES_BYTES:
        raise OutcomesError(f"{path}: larger than {MAX_SCORES_BYTES:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise OutcomesError(f"{path}: byte {error.start} is not UTF-8 text") from None


def outcomes_command(
    scores: Annotated[Path, typer.Argument(help="CSV with person,instrument,date,score[,goal].")],
    instruments: Annotated[
        Path | None, typer.Option("--instruments", help="YAML file of your own instruments.")
    ] = None,
    report_format: Annotated[OutcomesFormat, typer.Option("--format", help="Output format.")] = (
        OutcomesFormat.text
    ),
    plot: Annotated[Path | None, typer.Option("--plot", help="Write trajectories as SVG.")] = None,
) -> int:
    """Classify each person's change, and report paired rates and group change."""
    try:
        definitions = load_instrument_file(instruments) if instruments else []
        series = read_scores_csv(_read_text(scores), str(scores), build_instruments(definitions))
    except OSError as error:
        print(f"{error.filename}: cannot read it: {error.strerror}", file=sys.stderr)
        return INVALID
    except OutcomesError as error:
        print(str(error), file=sys.stderr)
        return INVALID
    if plot is not None:
        try:
            plot.write_text(trajectories_svg(series), encoding="utf-8")
        except OSError as error:
            print(f"{plot}: cannot write the plot: {error.strerror}", file=sys.stderr)
            return INVALID
    if report_format is OutcomesFormat.fhir:
        print(json.dumps(fhir_bundle(series), indent=2))
    elif report_format is OutcomesFormat.json:
        print(json.dumps(outcomes_report(series).to_dict(), indent=2))
    else:
        sys.stdout.write(render_outcomes_text(outcomes_report(series).to_dict()))
    return 0
