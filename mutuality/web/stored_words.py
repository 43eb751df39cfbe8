"""Sentences the service writes once and keeps (a safety flag's words, an item on a list of
what is due, the reason an assessment was made), read again in each reader's language.

Each is stored twice: in English, in the row's own text column, which logs, downloads and
comparisons read as they always have; and as its message and values (a JSON column), from
which a page says it again in the language of the person reading (docs/architecture.md,
"Other languages"). A message is marked where it is written (`gettext_noop`), so that
`make messages` gathers it. A date is kept as a date and spoken when read; a code of one of
the framework's enumerations is kept as its code and read as its label.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext

from mutuality.framework import VOCABULARY, Params, Reader, english_date, speak_words, spoken_date

Value = str | int | float | date


@dataclass(frozen=True)
class Said:
    """A sentence to keep: its message (marked, with `%(name)s` placeholders) and values."""

    message: str
    values: Mapping[str, Value] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)
    """Values that are codes of an enumeration, by the enumeration's name (`VOCABULARY`)."""

    def english(self) -> str:
        """The sentence as the row's text keeps it."""
        return self.message % {
            name: english_date(value)
            if isinstance(value, date)
            else _label(self.labels.get(name), value, translate=False)
            for name, value in self.values.items()
        }

    def words(self) -> dict[str, Any]:
        """The sentence as the row's JSON column keeps it."""
        return {
            "message": self.message,
            "values": {
                name: value.isoformat() if isinstance(value, date) else value
                for name, value in self.values.items()
            },
            "dates": sorted(name for name, value in self.values.items() if isinstance(value, date)),
            "labels": dict(self.labels),
        }


def _label(vocabulary: str | None, value: Value, *, translate: bool) -> Value:
    """A value that is a code of this enumeration, as its label (any other value as it is)."""
    if vocabulary is None:
        return value
    english = VOCABULARY[vocabulary].english[str(value)].label
    return gettext(english) if translate else english


def said(message: str, labels: Mapping[str, str] | None = None, **values: Value) -> Said:
    """A sentence to keep (`labels`: which values are codes, and of which enumeration)."""
    return Said(message, values, labels or {})


def read(words: Mapping[str, Any] | None, as_written: str) -> str:
    """A kept sentence in the reader's language; a row kept before its words were (or one a
    test wrote by hand) reads as written."""
    if words and "finding" in words:
        return _finding(words)
    if not words or "message" not in words:
        return as_written
    dates = set(words.get("dates", ()))
    labels = words.get("labels", {})
    values: dict[str, Value] = {}
    for name, value in words.get("values", {}).items():
        if name in dates:
            values[name] = spoken_date(date.fromisoformat(value))
        else:
            values[name] = _label(labels.get(name), value, translate=True)
    return gettext(words["message"]) % values


def finding_words(params: Params, reader: str | None, names: Mapping[str, str]) -> dict[str, Any]:
    """A finding's message kept for one reader (None: everyone but the people it speaks to
    as "you"), with everyone's names as they were, so that it is spoken again when read."""
    return {"finding": params.to_dict(), "reader": reader, "names": dict(names)}


def _finding(words: Mapping[str, Any]) -> str:
    params = Params.from_dict(words["finding"])
    reader = Reader(words.get("reader"), words.get("names", {}))
    return speak_words(params.message, (), params, reader).message
