"""Marking the report's words for translation, without Django (docs/architecture.md, "Other
languages").

The core writes its words in English, and a published report is frozen with them (its JSON and
CSV are a contract and stay as published). Each word is marked where it is written with
`gettext_noop`, which returns its argument: `makemessages` gathers that name's arguments into
the web app's catalogue, and the web page shows a report through `translated` (_translate.py).
"""

from __future__ import annotations

from mutuality.translation import gettext_noop

__all__ = ["gettext_noop"]
