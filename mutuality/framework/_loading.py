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


def _refuse_json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise UnsafeDocument(f"the key {key!r} appears twice in one object")
        result[key] = value
    return result


def _json_int(text: str) -> int:
    try:
        return int(text)
    except ValueError:  # Python refuses to convert very long digit strings
        raise too_many_digits("") from None


def _load_json(text: str) -> Any:
    data = json.loads(
        text,
        object_pairs_hook=_json_object,
        parse_constant=_refuse_json_constant,
        parse_int=_json_int,
    )
    _check_depth(data)
    return data


def _check_depth(data: Any) -> None:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise UnsafeDocument(f"the document is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, dict):
            stack.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)


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
