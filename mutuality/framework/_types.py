"""Field types of the case format: dates, ids, numbers and text, with plain errors."""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, PlainValidator, StringConstraints, WithJsonSchema
from pydantic_core import PydanticCustomError

from ._translation import gettext_noop, translated

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
_DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"

# --- The same rules as JSON Schema patterns (ECMA-262 regular expressions, anchored) ----------
# Characters no text may hold (validation refuses them anywhere in a case): the C0 controls but
# tab, line feed and carriage return, and DEL.
CONTROL_CHARACTERS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
# What trimming removes at either end of text (Unicode White_Space), less the controls above.
_SPACES = r"\t\n\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_EDGE = f"[{_SPACES}]*"
_SOLID = f"[^{_SPACES}{CONTROL_CHARACTERS}]"  # neither a space nor a control character
_ANY = f"[^{CONTROL_CHARACTERS}]"
# A real calendar date from 1900-01-01 to 2199-12-31: 29 February only in leap years (2000 is
# one; 1900 and 2100 are not).
_DAY_OF_ANY_YEAR = (
    "(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31"
)
_LEAP_YEAR = "(?:19|20|21)(?:0[48]|[2468][048]|[13579][26])|2000"
DATE_JSON_PATTERN = f"^(?:(?:19|20|21)[0-9]{{2}}-(?:{_DAY_OF_ANY_YEAR})|(?:{_LEAP_YEAR})-02-29)$"


def text_json_pattern(*, min_length: int, max_length: int) -> str:
    """Text without control characters whose length once trimmed is within the bounds."""
    if min_length not in (0, 1) or max_length < 2:
        raise ValueError("text patterns are made for a minimum of 0 or 1 and a maximum of 2+")
    core = f"{_SOLID}(?:{_ANY}{{0,{max_length - 2}}}{_SOLID})?"
    return f"^{_EDGE}{core if min_length else f'(?:{core})?'}{_EDGE}$"


def _text_schema(*, min_length: int, max_length: int) -> dict[str, Any]:
    return {
        "type": "string",
        "pattern": text_json_pattern(min_length=min_length, max_length=max_length),
        "description": (
            f"Text of {min_length} to {max_length:,} characters once spaces at either end are "
            "dropped; tabs and line breaks are fine, other control characters are not."
        ),
    }


def expected(what: str) -> PydanticCustomError:
    """An error whose message is the expectation; the renderer adds the value given."""
    return PydanticCustomError("mutuality", "expected {expected}", {"expected": what})


_MONTHS = (
    *(gettext_noop("January"), gettext_noop("February"), gettext_noop("March")),
    *(gettext_noop("April"), gettext_noop("May"), gettext_noop("June")),
    *(gettext_noop("July"), gettext_noop("August"), gettext_noop("September")),
    *(gettext_noop("October"), gettext_noop("November"), gettext_noop("December")),
)
# One message for the whole date, so that a language can put day, month and year in its order.
_DAY_MONTH_YEAR = gettext_noop("%(day)s %(month)s %(year)s")


def english_date(day: date) -> str:
    """A date as `spoken_date` says it in English, whatever the reader's language: for what is
    stored or printed as written (an assessment's own words, the command line)."""
    return _DAY_MONTH_YEAR % {"day": day.day, "month": _MONTHS[day.month - 1], "year": day.year}


def spoken_date(day: date) -> str:
    """A date as people say it, "31 January 2026": how every sentence names a day (the
    machine-readable forms, JSON and case files, keep ISO 8601), in the reader's language."""
    month = translated(_MONTHS[day.month - 1])
    return translated(_DAY_MONTH_YEAR) % {"day": day.day, "month": month, "year": day.year}


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
    WithJsonSchema(
        {
            "type": "string",
            "format": "date",
            "pattern": DATE_JSON_PATTERN,
            "description": (
                f"A real calendar date as YYYY-MM-DD, from {EARLIEST_DATE} to {LATEST_DATE}; "
                "written as text (Mutuality's YAML reader leaves unquoted dates as text)."
            ),
        }
    ),
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
Text = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=2000),
    WithJsonSchema(_text_schema(min_length=1, max_length=2000)),
]
OptionalText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=4000),
    WithJsonSchema(_text_schema(min_length=0, max_length=4000)),
]
Days = Annotated[int, Field(ge=1, le=36_500)]


def without_nulls(data: Any, fields: Collection[str]) -> Any:
    """``null`` means the same as omitting a field, so drop the null-valued keys among `fields`."""
    if isinstance(data, dict):
        return {key: value for key, value in data.items() if value is not None or key not in fields}
    return data
