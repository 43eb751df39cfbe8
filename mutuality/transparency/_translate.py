"""A report in the reader's language, for the web page (docs/architecture.md, "Other
languages"): every word put through the reader's `gettext`, so a version published in English
reads in their language wherever the catalogue knows its words, and as published where it does
not. The JSON and the CSV are not translated: they are the report as published.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ._build import AVERAGE_CAPTION, CHANGE_CAPTION, MEASURES
from ._model import Report, Row, Table

Gettext = Callable[[str], str]

_CAPTIONS = {"change_": CHANGE_CAPTION, "average_change_": AVERAGE_CAPTION}
"""Captions made from a message and a measure's name, by the prefix of their table's key."""


def _caption(table: Table, measures: dict[str, str], gettext: Gettext) -> str:
    """The caption in the reader's words: one made from a message and a measure's name is
    made again from both translated, so a translator sees the sentence, not the pieces."""
    for prefix, message in _CAPTIONS.items():
        name = (
            measures.get(table.key.removeprefix(prefix)) if table.key.startswith(prefix) else None
        )
        # A caption published in other words than today's is translated as it stands.
        if name is not None and table.caption == message % {"measure": name}:
            return gettext(message) % {"measure": gettext(name)}
    return gettext(table.caption)


def _row(row: Row, gettext: Gettext) -> Row:
    return replace(row, label=gettext(row.label))


def _table(table: Table, measures: dict[str, str], gettext: Gettext) -> Table:
    return replace(
        table,
        caption=_caption(table, measures, gettext),
        columns=tuple(gettext(column) for column in table.columns),
        rows=tuple(_row(row, gettext) for row in table.rows),
        total=None if table.total is None else _row(table.total, gettext),
        note=gettext(table.note) if table.note else "",
    )


def translated(report: Report, gettext: Gettext) -> Report:
    """The report with every word put through `gettext`; keys, figures and statuses as they
    are. An empty text stays empty (gettext of "" is a catalogue's header)."""
    sections = tuple(
        replace(
            section,
            title=gettext(section.title),
            summary=gettext(section.summary),
            tables=tuple(_table(table, MEASURES, gettext) for table in section.tables),
        )
        for section in report.sections
    )
    rules = tuple(gettext(rule) for rule in report.rules)
    return replace(report, sections=sections, rules=rules)
