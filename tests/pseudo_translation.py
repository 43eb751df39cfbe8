"""A pseudo-translation for tests: every string that goes through gettext comes back with each
letter swapped for an accented look-alike and bracketed ("Sign in" → "[Şīɠƞ īƞ]"), so text a
page shows without marking it for translation stands out as plain ASCII letters.

It needs no catalogue (no .po file, no msgfmt): `pseudo_translated()` puts a translation object
of its own in Django's table of loaded translations under the code `PSEUDO`, and lists that
code among settings.LANGUAGES, so a person whose language preference is `PSEUDO` gets it from
the app's own middleware (mutuality/web/accounts/language.py), as they would a real language.
"""

from __future__ import annotations

import gettext as gettext_module
import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.test import override_settings
from django.utils.translation import trans_real

PSEUDO = "qps-ploc"
"""The pseudo-locale's code (the one Windows reserves for pseudo-localisation)."""

_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ACCENTED = "ȧƀƈḓḗƒɠħīĵķŀḿƞǿƥɋřşŧŭṽẇẋẏẑȦƁƇḒḖƑƓĦĪĴĶĿḾȠǾƤɊŘŞŦŬṼẆẊẎẐ"
_LOOK_ALIKE = str.maketrans(_PLAIN, _ACCENTED)
# What must come through as it is for the string to still work: printf and format
# placeholders, HTML tags (blocktranslate's messages may hold links) and character references.
_KEPT = re.compile(r"%\([^)]*\)[a-z]|%[a-z%]|\{[^{}]*\}|<[^>]*>|&#?\w+;")
_CONTEXT = "\x04"  # how Django joins a pgettext context to its message


def transformed(message: str) -> str:
    """The message with every letter outside placeholders and tags accented, in brackets."""
    pieces, start = [], 0
    for kept in _KEPT.finditer(message):
        pieces += [message[start : kept.start()].translate(_LOOK_ALIKE), kept.group()]
        start = kept.end()
    pieces.append(message[start:].translate(_LOOK_ALIKE))
    return "[" + "".join(pieces) + "]"


class PseudoTranslation(gettext_module.NullTranslations):
    """Django's translation interface (`gettext`, `ngettext`, `to_language`), transforming
    every message instead of looking it up."""

    def gettext(self, message: str) -> str:
        # pgettext asks for "context\x04message"; the answer is the message alone.
        return transformed(message.rpartition(_CONTEXT)[2])

    def ngettext(self, msgid1: str, msgid2: str, n: int) -> str:
        return self.gettext(msgid1 if n == 1 else msgid2)

    def to_language(self) -> str:
        return PSEUDO


@contextmanager
def pseudo_translated() -> Iterator[None]:
    """Within: `PSEUDO` is one of settings.LANGUAGES and means the pseudo-translation.

    Django keeps loaded translations in `trans_real._translations`, by code, and clears that
    table (binding a new one) when LANGUAGES changes (django.test.signals), so the object is put
    in the new table after the override and goes when the override ends."""
    with override_settings(LANGUAGES=[*settings.LANGUAGES, (PSEUDO, transformed("Pseudo"))]):
        trans_real._translations[PSEUDO] = PseudoTranslation()  # type: ignore[attr-defined]
        yield
