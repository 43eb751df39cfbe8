"""Words a password may not contain: the service's name, its roles and the person's own
organisation and username (ASVS v5 6.1.2, 6.2.11; docs/security.md, "Signing in").

Someone guessing a password at Mutuality tries these first, so a password that holds one is
refused, however it is written: in capitals, with spaces or punctuation between its letters,
or with digits and symbols for letters ("Mutu4l1ty!"). The list in docs/security.md is this
one; `tests/integration/test_asvs_v6.py` checks that the two agree.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

# The same words in docs/security.md ("Signing in"), in this order.
CONTEXT_WORDS = (
    "mutuality",
    "coproduction",
    "coproducer",
    "professional",
    "supervisor",
    "reviewer",
    "relationship",
)
# A word of the person's own (organisation, username) shorter than this is too common to refuse.
SHORTEST_OWN_WORD = 4
# What people type for a letter: "4" for "a", "1" for "i" or "l" (both are tried), and so on.
_FOR_LETTERS = str.maketrans({"4": "a", "@": "a", "3": "e", "0": "o", "5": "s", "$": "s", "7": "t"})
_NOT_A_LETTER = re.compile(r"[^a-z]")


def _letters(text: str) -> str:
    """Only the letters of `text`, in lower case ("Home Trust" -> "hometrust")."""
    return _NOT_A_LETTER.sub("", text.lower())


def _readings(password: str) -> set[str]:
    """The password's letters, read with digits and symbols as the letters they stand for."""
    swapped = password.lower().translate(_FOR_LETTERS)
    return {_letters(swapped.replace("1", letter).replace("!", letter)) for letter in "il"}


def own_words(user: Any) -> list[str]:
    """The person's own words: their organisation's name and short name, and their username."""
    words = [getattr(user, "username", "") or ""]
    if getattr(user, "organisation_id", None):
        organisation = user.organisation
        words += [organisation.name, organisation.slug]
    return [_letters(word) for word in words if len(_letters(word)) >= SHORTEST_OWN_WORD]


class ContextWordsValidator:
    """Refuse a password that holds one of CONTEXT_WORDS or one of the person's own words."""

    def validate(self, password: str, user: Any = None) -> None:
        readings = _readings(password)
        for word in (*CONTEXT_WORDS, *own_words(user)):
            if any(word in reading for reading in readings):
                raise ValidationError(
                    gettext(
                        "Choose a password without the word “%(word)s”: the names of "
                        "Mutuality, its roles, your organisation and your username are easy "
                        "to guess."
                    )
                    % {"word": word},
                    code="password_has_context_word",
                )

    def get_help_text(self) -> str:
        return gettext(
            "Your password cannot include the name Mutuality, a role such as supervisor, "
            "your organisation's name or your username."
        )
