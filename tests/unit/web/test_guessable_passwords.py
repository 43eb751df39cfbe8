"""GuessableValidator on its own (mutuality/web/accounts/passwords.py): how it reads a very long
password and which of the person's own words it gives zxcvbn. The pages that use it are tested
in tests/integration/test_asvs_v6.py (ASVS v5 6.2.4)."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from mutuality.web.accounts.passwords import (
    MOST_CHARACTERS_JUDGED,
    GuessableValidator,
    _person_words,
)


def test_a_very_long_password_is_judged_by_its_first_72_characters_and_quickly() -> None:
    """zxcvbn refuses more than 72 characters and slows down sharply with length, so a
    password of 4,000 characters is judged by its first 72: taken when they are hard to guess,
    refused when they are not, in well under the time zxcvbn would take over the whole."""
    # Arrange
    strong = "heron violet spanner tuesday " * 140
    weak = "password" * 9 + "heron violet spanner tuesday " * 140
    validator = GuessableValidator()

    # Act
    started = time.monotonic()
    validator.validate(strong)
    with pytest.raises(ValidationError) as refused:
        validator.validate(weak)
    took = time.monotonic() - started

    # Assert
    assert len(strong) > 4000 and len(weak[:MOST_CHARACTERS_JUDGED]) == 72
    assert refused.value.code == "password_too_guessable"
    assert took < 5


def test_the_persons_words_are_given_whole_run_together_and_one_by_one() -> None:
    """A name of several words is given as written, as one run of letters, and word by word,
    so "ZephyrineQuillfeather" and "quillfeather" are both known; so are the username and the
    organisation's name and short name."""
    # Arrange
    organisation = SimpleNamespace(name="Home Trust", slug="home")
    person = SimpleNamespace(
        username="zq_1",
        display_name="Zephyrine Quillfeather",
        first_name="",
        last_name="",
        organisation_id=1,
        organisation=organisation,
    )

    # Act
    words = _person_words(person)

    # Assert
    assert {
        "zephyrine quillfeather",
        "zephyrinequillfeather",
        "zephyrine",
        "quillfeather",
        "zq_1",
        "zq1",
        "home trust",
        "hometrust",
        "trust",
        "home",
    } == set(words)


def test_no_person_gives_no_words() -> None:
    """Checked without a person (Django's validate_password may be called so), zxcvbn is given
    nothing of anyone's."""
    # Act
    words = _person_words(None)

    # Assert
    assert words == []
