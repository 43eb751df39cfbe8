"""From text or plain data to a valid `Case`, with every problem named by its path."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ._loading import decode, parse_document, read_bytes
from ._model import Case
from ._references import check_references
from .exceptions import CaseError, Problem

_MAX_SHOWN = 60


def format_path(loc: Sequence[int | str]) -> str:
    """`('participants', 1, 'consent')` → `participants[1].consent`."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else part
    return text


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _literal_options(error: Mapping[str, Any]) -> str:
    expected = str(error.get("ctx", {}).get("expected", ""))
    return expected.replace("'", "").replace(" or ", ", ")


def _fields_of(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        info = model.model_fields.get(part)
        inner = _model_inside(info.annotation) if info else None
        if inner is None:
            return []
        model = inner
    return [info.alias or name for name, info in model.model_fields.items()]


def _model_inside(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for argument in getattr(annotation, "__args__", ()):
        found = _model_inside(argument)
        if found is not None:
            return found
    return None


def _describe(error: Mapping[str, Any], model: type[BaseModel]) -> str:
    kind, given = error["type"], error.get("input")
    if kind == "missing":
        return "required, but missing"
    if kind == "extra_forbidden":
        name = str(error["loc"][-1])
        close = difflib.get_close_matches(name, _fields_of(model, error["loc"]), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unknown field {name!r}{hint}"
    if kind == "literal_error":
        return f"got {_shown(given)}; expected one of: {_literal_options(error)}"
    if kind == "mutuality":
        return f"got {_shown(given)}; {error['msg']}"
    return f"got {_shown(given)}; expected {_lower_first(error['msg'])}"


def _lower_first(message: str) -> str:
    message = message.removeprefix("Input should be ").removeprefix("Value error, ")
    return message[:1].lower() + message[1:]


def problems_from(error: ValidationError, model: type[BaseModel] = Case) -> list[Problem]:
    """Pydantic's errors as plain problems, one per field."""
    problems = []
    for item in error.errors(include_url=False):
        loc = [part for part in item["loc"] if not str(part).startswith("function-")]
        problems.append(Problem(format_path(loc), _describe(item, model)))
    return problems


# Text may hold tabs and line breaks, never other control characters: NUL cannot be stored by
# PostgreSQL at all, and the rest are invisible on a page and invalid in HTML and XML.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _any_control_character(data: Any) -> bool:
    """Whether any text or field name holds a control character (one search over them all)."""
    texts: list[str] = []
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            texts.extend(key for key in value if isinstance(key, str))
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    # A line break is allowed, so joining with one cannot make a control character.
    return _CONTROL.search("\n".join(texts)) is not None


def _control_characters(data: Any, loc: tuple[int | str, ...]) -> Iterator[Problem]:
    """A problem for each text (or field name) holding a control character."""
    if isinstance(data, str):
        found = _CONTROL.search(data)
        if found:
            code = f"U+{ord(found.group()):04X}"
            yield Problem(
                format_path(loc),
                f"got text with a control character ({code}); expected text without control "
                "characters (tabs and line breaks are fine)",
            )
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(key, str) and _CONTROL.search(key):
                yield Problem(
                    format_path(loc), f"got a field name with a control character: {key!r}"
                )
            yield from _control_characters(value, (*loc, str(key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _control_characters(value, (*loc, index))


def validate_case(data: Any, source: str) -> Case:
    """Validate plain data (as read from YAML or JSON) into a `Case`, or raise CaseError."""
    return _validate(data, source, may_hold_control_characters=True)


def _validate(data: Any, source: str, *, may_hold_control_characters: bool) -> Case:
    if not isinstance(data, dict):
        kind = "nothing" if data is None else type(data).__name__
        raise CaseError(
            source,
            [
                Problem(
                    "", f"got {kind}; expected a case: a mapping of fields beginning `mutuality: 1`"
                )
            ],
        )
    problems = (
        list(_control_characters(data, ()))
        if may_hold_control_characters and _any_control_character(data)
        else []
    )
    try:
        case = Case.model_validate(data)
    except ValidationError as error:
        raise CaseError(source, problems + problems_from(error)) from None
    if problems:
        raise CaseError(source, problems)
    problems = check_references(case)
    if problems:
        raise CaseError(source, problems)
    return case


def _text_may_give_control_characters(text: str) -> bool:
    """Whether values read from this YAML or JSON text could hold a control character.

    Neither format makes one out of nothing: the text holds it, or an escape (`\\x01`,
    `\\u0001`, `\\b`) in a quoted string spells it. Text with neither needs no walk
    over every value afterwards.
    """
    return "\\" in text or _CONTROL.search(text) is not None


def parse_case(data: bytes, source: str, *, as_json: bool = False) -> Case:
    """Read a case from the bytes of a YAML (or JSON) file."""
    text = decode(data, source)
    return _validate(
        parse_document(text, source, as_json=as_json),
        source,
        may_hold_control_characters=_text_may_give_control_characters(text),
    )


def load_case(path: str | Path) -> Case:
    """Read and validate one case file; `.json` files are read as JSON, others as YAML."""
    path = Path(path)
    return parse_case(read_bytes(path), str(path), as_json=path.suffix.lower() == ".json")
