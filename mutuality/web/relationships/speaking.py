"""Stored findings spoken to the person reading a page: the framework's `speak` with the
reader's participant id and everyone's display names. Pages never patch a finding's words;
they ask for them here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mutuality.framework import (
    Params,
    Reader,
    Spoken,
    finding_from_dict,
    grouped_actions,
    speak,
    speak_words,
)
from mutuality.web.access import Standing


def reader_for(standing: Standing | str, own_id: str | None, names: Mapping[str, str]) -> Reader:
    """The reader of a relationship's page: their participant id (None for a supervisor,
    reviewer or admin), how everyone is named, and whether they supervise it."""
    return Reader(own_id, dict(names), supervising=standing == Standing.SUPERVISOR)


def spoken(finding: Mapping[str, Any], reader: Reader) -> Spoken:
    """A finding of a stored assessment's JSON in the reader's words."""
    return speak(finding_from_dict(finding), reader)


def what_to_do(said: Iterable[tuple[Mapping[str, Any], Spoken]], reader: Reader) -> list[Any]:
    """Every action the findings above "worth knowing" ask for, under whom it is for, the
    reader's own first."""
    return grouped_actions((s for f, s in said if f["severity"] != "info"), reader)


def spoken_message(message: str, params: Mapping[str, Any] | None, reader: Reader) -> str:
    """A stored finding's message in the reader's words, from its words' parameters alone (a
    list reads no more of the assessment); without them, the words it was stored with."""
    said = Params.from_dict(params) if params is not None else None
    return speak_words(message, (), said, reader).message
