"""Reading case files safely: size and nesting caps, alias limits, duplicate keys.

Case files are written by hand and sometimes arrive from elsewhere, so reading one
must never crash, hang or exhaust memory. YAML dates stay text here (so that an
impossible date is a validation error with a path, not a parser crash) and the
case model parses them.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from mutuality._safe_yaml import (
    MAX_DEPTH,
    UnsafeDocument,
    describe_yaml_error,
    load_yaml,
    too_many_digits,
)

from .exceptions import CaseError, Problem

MAX_FILE_BYTES = 1_048_576


class _NotAJsonNumber(ValueError):
    pass


def _refuse_json_constant(name: str) -> Any:
    raise _NotAJsonNumber(f"{name} is not a number JSON allows")


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):  # a key came twice: name the first to repeat
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise UnsafeDocument(f"the key {key!r} appears twice in one object")
            seen.add(key)
    return result


def _load_json(text: str) -> Any:
    """JSON by the json module's C scanner; duplicate keys, NaN, overlong numbers refused."""
    try:
        data = json.loads(
            text, object_pairs_hook=_json_object, parse_constant=_refuse_json_constant
        )
    except (json.JSONDecodeError, UnsafeDocument, _NotAJsonNumber):
        raise
    except ValueError:  # the scanner's int() refused a very long string of digits
        raise too_many_digits("") from None
    _check_depth(data)
    return data


def _check_depth(data: Any) -> None:
    """Refuse a value more than MAX_DEPTH levels down (the document itself is level 1)."""
    level = [data]
    depth = 1
    while True:
        below: list[Any] = []
        for value in level:
            if isinstance(value, dict):
                below.extend(value.values())
            elif isinstance(value, list):
                below.extend(value)
        if not below:
            return
        depth += 1
        if depth > MAX_DEPTH:
            raise UnsafeDocument(f"the document is nested more than {MAX_DEPTH} levels deep")
        level = below


def _describe_parse_error(error: Exception, text: str) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"line {error.lineno}, column {error.colno}: {error.msg} (not valid JSON)"
    return describe_yaml_error(error, text)


def decode(data: bytes, source: str) -> str:
    """Decode UTF-8 (with or without a byte-order mark), or say where it fails."""
    if len(data) > MAX_FILE_BYTES:
        raise CaseError(
            source,
            [
                Problem(
                    "",
                    f"the file is larger than {MAX_FILE_BYTES:,} bytes; "
                    "a case file is expected to be far smaller",
                )
            ],
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        message = f"byte {error.start} is not UTF-8 text; save the file as UTF-8"
        raise CaseError(source, [Problem("", message)]) from None


def parse_document(text: str, source: str, *, as_json: bool) -> Any:
    """Parse YAML or JSON text into plain Python values, or raise CaseError."""
    try:
        return _load_json(text) if as_json else load_yaml(text)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as error:
        raise CaseError(source, [Problem("", _describe_parse_error(error, text))]) from None


def read_bytes(path: Path) -> bytes:
    """Read at most one byte more than the cap, so a huge file is never read whole."""
    try:
        with path.open("rb") as stream:
            return stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        reason = error.strerror or "it could not be opened"
        raise CaseError(str(path), [Problem("", f"cannot read the file: {reason}")]) from None
