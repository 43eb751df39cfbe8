"""The words an erasure rewrites and the day retention counts from: a name goes only where it
stands as a whole word, an old id wherever it is an id, and a period counts whole years."""

from __future__ import annotations

from datetime import date

import pytest

from mutuality.web.accounts.models import ERASED_NAME
from mutuality.web.organisation.erasure import _Swaps
from mutuality.web.organisation.retention import cutoff


def test_a_name_goes_only_as_a_whole_word() -> None:
    """The name Al goes from "for Al." but not from "Alternative" or another name, "Al-Amin"."""
    # Arrange
    swaps = _Swaps({"Al"}, {})

    # Act
    said = swaps("Alternative plans for Al. Al-Amin agreed.")

    # Assert
    assert said == f"Alternative plans for {ERASED_NAME}. Al-Amin agreed."


def test_the_longest_name_goes_first() -> None:
    """A full name is replaced whole, not first name by first name."""
    # Arrange
    swaps = _Swaps({"Priya", "Priya Shah"}, {})

    # Act
    said = swaps("Make sure Priya Shah can say no.")

    # Assert
    assert said == f"Make sure {ERASED_NAME} can say no."


def test_an_old_id_goes_from_lists_keys_and_sentences_in_stored_json() -> None:
    """In an assessment's JSON the old id goes where it is an id (a list, a key) and in the
    sentences that use it as a name; other people's ids stay."""
    # Arrange
    swaps = _Swaps({"Tomasz K"}, {"tomasz": "erased-7"})
    stored = {
        "concerns": ["priya", "tomasz"],
        "answers": {"tomasz": "no", "priya": "yes"},
        "message": "Tomasz K may not be able to say no; tomasz answered no.",
    }

    # Act
    said = swaps(stored)

    # Assert
    assert said == {
        "concerns": ["priya", "erased-7"],
        "answers": {"erased-7": "no", "priya": "yes"},
        "message": f"{ERASED_NAME} may not be able to say no; erased-7 answered no.",
    }


def test_an_id_that_is_a_common_word_goes_only_where_it_stands_alone() -> None:
    """An id like "professional" is replaced as an id, never inside the service's sentences."""
    # Arrange
    swaps = _Swaps(set(), {"professional": "erased-3"})

    # Act
    said = swaps(["professional", "Ask the professional to check."])

    # Assert
    assert said == ["erased-3", "Ask the professional to check."]


@pytest.mark.parametrize(
    ("today", "years", "expected"),
    [
        (date(2026, 12, 5), 20, date(2006, 12, 5)),
        (date(2028, 2, 29), 1, date(2027, 2, 28)),  # no 29 February a year before
        (date(2028, 2, 29), 4, date(2024, 2, 29)),
    ],
)
def test_the_period_counts_whole_years_back_from_today(
    today: date, years: int, expected: date
) -> None:
    """Work that ended before this day was kept longer than the period."""
    # Act
    day = cutoff(today, years)

    # Assert
    assert day == expected
