"""The words of an instrument: shipped where the licence allows, else the organisation's.

Some instruments (WEMWBS, SWEMWBS, CORE-10) may be scored by Mutuality but not
worded by it: their licences leave the item text with the organisation that
holds a licensed copy. Such an organisation keeps one YAML file per instrument,
``<id>.yaml``, in a directory named by ``MUTUALITY_INSTRUMENT_TEXT``::

    stem: "The instruction shown above the items"
    items:                 # exactly one statement per item, in item order
      - "The first statement"
    options:               # optional: the responses and their words
      - {value: 1, label: "The lowest response"}
    attribution: "..."     # optional: a credit line shown after the definition's own
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mutuality.outcomes._definition import ResponseOptionDefinition, Text
from mutuality.outcomes._instrument import Instrument, ItemText, response_options
from mutuality.outcomes._registry import read_yaml_file, validation_message
from mutuality.outcomes.exceptions import OutcomesError

TEXT_DIRECTORY_VARIABLE = "MUTUALITY_INSTRUMENT_TEXT"
"""The environment variable naming the directory of an organisation's item text."""

# An id becomes a file name, so it must not be able to climb out of the directory.
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class _TextFile(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)

    stem: Text
    items: Annotated[tuple[Text, ...], Field(strict=False)] = ()
    options: Annotated[tuple[ResponseOptionDefinition, ...], Field(strict=False)] = ()
    attribution: Text | None = None


def item_text(instrument: Instrument, directory: Path | None = None) -> ItemText | None:
    """The words to show for ``instrument``, or None when there are none.

    The shipped wording comes first, where the instrument's licence lets it
    ship. Otherwise the organisation's file ``<id>.yaml`` is read from
    ``directory``, or from the directory named by ``MUTUALITY_INSTRUMENT_TEXT``.

    Returns:
        None when there is no shipped wording and no directory, or the
        directory holds no file for the instrument.

    Raises:
        OutcomesError: The organisation's file cannot be read or is wrong; the
            message names the file and the field.
    """
    if instrument.text is not None:
        return instrument.text
    folder = directory if directory is not None else _directory_from_environment()
    if folder is None or not _SAFE_ID.fullmatch(instrument.id):
        return None
    path = folder / f"{instrument.id}.yaml"
    return read_item_text(path, instrument) if path.is_file() else None


def _directory_from_environment() -> Path | None:
    value = os.environ.get(TEXT_DIRECTORY_VARIABLE, "").strip()
    return Path(value) if value else None


def read_item_text(path: Path, instrument: Instrument) -> ItemText:
    """Read an organisation's wording of ``instrument`` from ``path``.

    Raises:
        OutcomesError: The file cannot be read, is not valid, or does not fit
            the instrument; the message names the file and the field.
    """
    data = read_yaml_file(path)
    if not isinstance(data, dict):
        kind = "an empty file" if data is None else f"a {type(data).__name__}"
        raise OutcomesError(f"{path}: expected a mapping with stem and items; got {kind}")
    try:
        text = _TextFile.model_validate(data)
    except ValidationError as error:
        raise OutcomesError(validation_message(path, error)) from None
    attribution = _credit(instrument.attribution, text.attribution)
    problems = [
        *_item_count_problems(text, instrument),
        *_option_problems(text, instrument),
        *_attribution_problems(attribution, instrument),
    ]
    if problems or not attribution:
        raise OutcomesError("\n".join(f"{path}: {problem}" for problem in problems))
    return ItemText(
        stem=text.stem,
        items=text.items,
        options=response_options(text.options),
        attribution=attribution,
        licence=instrument.licence,
        supplied_by="organisation",
    )


def _item_count_problems(text: _TextFile, instrument: Instrument) -> list[str]:
    given = len(text.items)
    if instrument.items is None and given:
        return [f"items: {instrument.id} has no items to word; leave items out"]
    if given == (instrument.items or 0):
        return []
    statements = "statement" if given == 1 else "statements"
    return [f"items: {instrument.id} has {instrument.items} items; got {given} {statements}"]


def _credit(rights_holder: str | None, organisation: str | None) -> str | None:
    # The rights holder's line is a condition of the licence, so it always shows;
    # an organisation's own credit is added after it, never instead of it.
    lines = [line for line in (rights_holder, organisation) if line]
    return "\n".join(dict.fromkeys(lines)) or None


def _attribution_problems(attribution: str | None, instrument: Instrument) -> list[str]:
    if attribution:
        return []
    return [
        f"attribution: required, as {instrument.id} has no credit line of its own "
        "to show with its items"
    ]


def _option_problems(text: _TextFile, instrument: Instrument) -> list[str]:
    low, high = instrument.item_range or (instrument.low, instrument.high)
    problems = []
    seen: set[int] = set()
    for index, option in enumerate(text.options):
        where = f"options[{index}].value"
        if not low <= option.value <= high:
            problems.append(
                f"{where}: {option.value} lies outside the responses {low:g} to {high:g}"
            )
        elif option.value in seen:
            problems.append(f"{where}: {option.value} is already the value of an earlier option")
        seen.add(option.value)
    return problems
