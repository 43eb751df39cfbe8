"""Our own password validators (docs/security.md, "Signing in").

`ContextWordsValidator`: words a password may not contain, the service's name, its roles and
the person's own organisation and username (ASVS v5 6.1.2, 6.2.11). Someone guessing a
password at Mutuality tries these first, so a password that holds one is refused, however it
is written: in capitals, with spaces or punctuation between its letters, or with digits and
symbols for letters ("Mutu4l1ty!"). The list in docs/security.md is this one;
`tests/integration/test_asvs_v6.py` checks that the two agree.

`GuessableValidator`: a password that zxcvbn judges easy to guess (ASVS v5 6.2.4, 6.2.12).
Django's list of common passwords has only about 190 of 12 characters or more, so alone it
lets through the common passwords people pad out to our length ("password1234",
"qwertyuiop12", "iloveyou2024!"). zxcvbn knows 30,000 common passwords and English words,
names and surnames, and sees keyboard runs, repeats, sequences, dates and digits for letters
in them, all on this machine (no network call).
"""

from __future__ import annotations

import re
import threading
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from zxcvbn import zxcvbn

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


# zxcvbn's scores run from 0 (too guessable) to 4; 3 and 4 need over 10^8 guesses, which
# stands up to guessing online and slows guessing offline at a salted, stretched hash.
LEAST_SCORE = 3
# zxcvbn judges at most 72 characters (it refuses longer ones, and its time grows fast with
# length); a longer password is judged by its first 72, which must then be hard to guess.
MOST_CHARACTERS_JUDGED = 72
# The person's own words zxcvbn is given (with their organisation's name and short name).
_PERSON_FIELDS = ("username", "display_name", "first_name", "last_name")
_WORD = re.compile(r"[^\W_]+")  # a run of letters or digits, in any script
# zxcvbn keeps the words it is given in a dictionary all its calls share, so two threads
# (Django's development and test servers have several) judging at once could swap them.
_ONE_AT_A_TIME = threading.Lock()


def _person_words(user: Any) -> list[str]:
    """What zxcvbn should treat as known about this person: their username, names and
    organisation's name and short name (for a login not yet saved too), each whole, run
    together and word by word ("Home Trust", "hometrust", "home", "trust"; words of one or
    two letters alone are left out)."""
    values = [getattr(user, name, "") or "" for name in _PERSON_FIELDS]
    if getattr(user, "organisation_id", None):
        values += [user.organisation.name, user.organisation.slug]
    words: list[str] = []
    for value in values:
        parts = _WORD.findall(value.lower())
        words += [value.lower(), "".join(parts), *(part for part in parts if len(part) >= 3)]
    return sorted({word for word in words if word})


class GuessableValidator:
    """Refuse a password that zxcvbn scores below LEAST_SCORE: common passwords however padded,
    words, names, keyboard runs, repeats, sequences and dates, and the person's own words.

    Our own message only: zxcvbn's suggestions are in English and cannot be translated."""

    def validate(self, password: str, user: Any = None) -> None:
        judged, known = password[:MOST_CHARACTERS_JUDGED], _person_words(user)
        with _ONE_AT_A_TIME:
            score = zxcvbn(judged, user_inputs=known)["score"]
        if score < LEAST_SCORE:
            raise ValidationError(
                gettext(
                    "This password would be easy to guess: it is made of common passwords, "
                    "words, names or patterns. Try three or four words that do not go together."
                ),
                code="password_too_guessable",
            )

    def get_help_text(self) -> str:
        return gettext(
            "Your password cannot be easy to guess: not a common password, a word, a name or a "
            "pattern such as 12345 or qwerty, even with numbers or symbols added. Three or four "
            "words that do not go together make a good one."
        )
