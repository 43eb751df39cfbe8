"""`mutuality instruments [ID]`: the measures Mutuality knows, and a questionnaire to read."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from mutuality.outcomes import (
    TEXT_DIRECTORY_VARIABLE,
    Instrument,
    OutcomesError,
    build_instruments,
    item_text,
    load_instrument_file,
    questionnaire_lines,
    reliable_change_threshold,
)

INVALID = 2


def _summary(instrument: Instrument) -> str:
    direction = "higher is better" if instrument.higher_is_better else "higher is worse"
    threshold = reliable_change_threshold(instrument)
    change = (
        "no reliable-change statistic"
        if threshold is None
        else (f"reliable change {threshold:.4g} points")
    )
    return (
        f"{instrument.id:<10} {instrument.name}: {instrument.low:g}–{instrument.high:g}, "
        f"{direction}, {change}"
    )


def _show(instrument: Instrument) -> int:
    text = item_text(instrument)
    if text is None:
        print(
            f"{instrument.name}: Mutuality does not ship this instrument's wording under its "
            f"licence. Put your organisation's licensed wording in {instrument.id}.yaml in the "
            f"folder named by {TEXT_DIRECTORY_VARIABLE}.",
            file=sys.stderr,
        )
        return INVALID
    print("\n".join(questionnaire_lines(instrument, text)))
    return 0


def instruments_command(
    instrument_id: Annotated[str | None, typer.Argument(help="Show this questionnaire.")] = None,
    definitions: Annotated[
        Path | None, typer.Option("--instruments", help="YAML file of your own instruments.")
    ] = None,
) -> int:
    """List the instruments, or show one questionnaire with its attribution."""
    try:
        known = build_instruments(load_instrument_file(definitions) if definitions else [])
        if instrument_id is None:
            print("\n".join(_summary(i) for i in known.values()))
            return 0
        if instrument_id not in known:
            print(f"got {instrument_id!r}; expected one of: {', '.join(known)}", file=sys.stderr)
            return INVALID
        return _show(known[instrument_id])
    except OutcomesError as error:
        print(str(error), file=sys.stderr)
        return INVALID
