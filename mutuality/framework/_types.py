"""Field types of the case format: dates, ids, numbers and text, with plain errors."""

from __future__ import annotations

import math
import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
_DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"


def expected(what: str) -> PydanticCustomError:
    """An error whose message is the expectation; the renderer adds the value given."""
    return PydanticCustomError("mutuality", "expected {expected}", {"expected": what})


def parse_iso_date(value: object) -> date:
    """Accept ``YYYY-MM-DD`` text (or a plain date) within a plausible span of years."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        parsed = value
    elif isinstance(value, str) and _DATE_PATTERN.fullmatch(value):
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise expected("a real calendar date as YYYY-MM-DD") from None
    else:
        raise expected("a date as YYYY-MM-DD")
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise expected(f"a date between {EARLIEST_DATE} and {LATEST_DATE}")
    return parsed


def _check_number(value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise expected("a number")
    if isinstance(value, float) and not math.isfinite(value):
        raise expected("a finite number")
    return value


def _check_format_version(value: object) -> int:
    # `Literal[1]` would also take `true` and `1.0`; the format version is exactly the integer 1.
    if type(value) is not int or value != 1:
        raise expected("1 (the only version of the case format so far)")
    return value


def _check_bool(value: object) -> bool:
    if not isinstance(value, bool):
        raise expected("true or false")
    return value


IsoDate = Annotated[
    date,
    BeforeValidator(parse_iso_date),
    WithJsonSchema({"type": "string", "format": "date", "pattern": _DATE_PATTERN.pattern}),
]
Number = Annotated[int | float, PlainValidator(_check_number), WithJsonSchema({"type": "number"})]
FormatVersion = Annotated[
    int, PlainValidator(_check_format_version), WithJsonSchema({"const": 1, "type": "integer"})
]
Flag = Annotated[bool, PlainValidator(_check_bool), WithJsonSchema({"type": "boolean"})]
Slug = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
# A record's own id (format 1 addition): opaque, stable, unique in the file. Mutuality writes
# UUIDs; hand-written files may use any slug. It lets an edited export update the same record.
RecordId = Annotated[str, StringConstraints(pattern=ID_PATTERN, max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
OptionalText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Days = Annotated[int, Field(ge=1, le=36_500)]


def without_nulls(data: Any) -> Any:
    """``null`` means the same as omitting a field, so drop null-valued keys."""
    if isinstance(data, dict):
        return {key: value for key, value in data.items() if value is not None}
    return data
