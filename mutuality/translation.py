"""The cores' words in other languages: marked where they are written, translated where they
are read (docs/architecture.md, "Other languages"). Pure Python, shared by the framework and
the outcomes core.

The cores never import Django. Its words are marked with `gettext_noop`, which returns its
argument (Django's `makemessages` gathers that name's arguments into the catalogue, as it does
the web's). Whoever shows the words installs a translation with `use_translation`; until then
every word is the English it was written in, so the command line and the cores' tests read as
they always have. The web installs Django's `gettext`, which answers in the language turned on
for the request, so one process speaks to each person in their own.

Two ways to read a word:
- `translated(message)`: now, in the language of the moment (inside a request: the reader's).
- `translated_later(message)`: a string whose words are looked up each time it is read, for
  what is made once when a module is imported (a form's choices, a model's choices) and read in
  many requests. Without an installed way to defer, it is the English string itself.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

Code = TypeVar("Code", bound=str)
Translate = Callable[[str], str]
Defer = Callable[[Callable[[], str]], str]


def gettext_noop(message: str) -> str:
    """Marks a word for the catalogue and returns it unchanged (translated when read)."""
    return message


def _english(message: str) -> str:
    return message


_translate: Translate = _english
_defer: Defer | None = None


def use_translation(translate: Translate, defer: Defer | None = None) -> None:
    """Install how the framework's words are translated: `translate` gives a message in the
    language of the moment; `defer`, if given, turns a function into a string that calls it
    each time it is read (Django's `lazy(f, str)()`), for words made at import."""
    global _translate, _defer
    _translate, _defer = translate, defer


def translated(message: str) -> str:
    """The message in the language of the moment. The empty string stays empty (a catalogue's
    entry for "" is its own header, never a translation)."""
    return _translate(message) if message else message


def translated_later(message: str, then: Callable[[str], str] = _english) -> str:
    """The message, looked up each time it is read where a way to defer is installed;
    `then` shapes the translation (a capital first letter, say)."""
    if _defer is None or not message:
        return then(message)
    return _defer(lambda: then(translated(message)))


class TranslatedWords(Mapping[Code, str]):
    """A code → words table whose words are read in the language of the moment (the raw
    English stays in `english`, for what must not change: CSV headers, the command line).
    Read it when the words are needed, not when a module is imported."""

    def __init__(self, english: Mapping[Code, str]) -> None:
        self.english = dict(english)

    def __getitem__(self, code: Code) -> str:
        return translated(self.english[code])

    def __iter__(self) -> Iterator[Code]:
        return iter(self.english)

    def __len__(self) -> int:
        return len(self.english)

    def __repr__(self) -> str:
        return f"TranslatedWords({self.english!r})"
