"""The framework's words go through the translation a caller installs (`use_translation`),
and read as written without one: the command line's English never changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date

from mutuality import translation as _translation
from mutuality.framework import (
    HEADLINES,
    QUESTIONS_BY_ID,
    VOCABULARY,
    Finding,
    Params,
    Reader,
    headline,
    speak,
    spoken_date,
    use_translation,
)


def _shouted(message: str) -> str:
    """A stand-in language: every message upper-cased, placeholders and slots kept."""
    return message.upper().replace("%(DAY)S", "%(day)s").replace("%(MONTH)S", "%(month)s")


@contextmanager
def translated_by(translate: Callable[[str], str], deferred: bool = False) -> Iterator[None]:
    """Within: the framework reads its words through `translate` (restoring what was before)."""
    before = _translation._translate, _translation._defer
    defer = (lambda make: _Later(make)) if deferred else None
    use_translation(translate, defer)  # type: ignore[arg-type]
    try:
        yield
    finally:
        _translation._translate, _translation._defer = before


class _Later(str):
    """A deferred word for the test: remembers how to make itself, made when asked."""

    def __new__(cls, make: Callable[[], str]) -> _Later:
        made = super().__new__(cls, "")
        made.make = make  # type: ignore[attr-defined]
        return made

    def __str__(self) -> str:
        return self.make()  # type: ignore[attr-defined, no-any-return]


CATALOGUE = {
    "{who} {who:has|have} not agreed version {version} of the contract.": (
        "Nid yw {who} wedi cytuno i fersiwn {version} o'r contract."
    ),
    "For %(people)s": "I %(people)s",
    "you": "chi",
}
"""A few words of a stand-in catalogue (slots and placeholders kept, as a translator keeps them)."""


def _finding() -> Finding:
    params = Params(
        "{who} {who:has|have} not agreed version {version} of the contract.",
        ("Go through version {version} of the contract with {who}.",),
        who={"who": ("sam",)},
        what={"version": "2"},
        actions_for=(("alex",),),
    )
    return Finding(
        "respect.contract_missing",
        "respect",
        "advisory",
        "Sam has not agreed version 2 of the contract.",
        ("Go through version 2 of the contract with Sam.",),
        basis="",
        concerns=("sam",),
        evidence={},
        params=params,
    )


def test_without_a_translation_the_words_are_as_written() -> None:
    """With nothing installed, headlines, labels and dates read the English they were written in."""
    # Arrange
    day = date(2026, 1, 31)

    # Act
    words = (headline("consult"), VOCABULARY["stage"].label("active"), spoken_date(day))

    # Assert
    assert words == ("Stop and think again, with others", "active", "31 January 2026")


def test_a_finding_is_translated_as_a_template_before_names_fill_it() -> None:
    """The message's template is looked up (so a catalogue finds it), then the names go in."""
    # Arrange
    looked_up: list[str] = []

    def translate(message: str) -> str:
        looked_up.append(message)
        return CATALOGUE.get(message, message)

    # Act
    with translated_by(translate):
        said = speak(_finding(), Reader("alex", {"sam": "Sam", "alex": "Alex"}))

    # Assert
    assert "{who} {who:has|have} not agreed version {version} of the contract." in looked_up
    assert said.message == "Nid yw Sam wedi cytuno i fersiwn 2 o'r contract."


def test_the_headings_of_actions_are_translated() -> None:
    """ "For you" is the reader's language's words, and still comes first."""
    # Arrange
    reader = Reader("alex", {"sam": "Sam", "alex": "Alex"})

    # Act
    with translated_by(lambda message: CATALOGUE.get(message, message)):
        action = speak(_finding(), reader).actions[0]

    # Assert
    assert action.heading == "I chi"


def test_a_spoken_date_takes_its_month_and_order_from_the_translation() -> None:
    """Each month's name and the order of day, month and year are the language's."""

    # Arrange
    def day_first_in_brackets(message: str) -> str:
        if message == "%(day)s %(month)s %(year)s":
            return "%(year)s [%(month)s] %(day)s"
        return {"January": "Ionawr"}.get(message, message)

    # Act
    with translated_by(day_first_in_brackets):
        said = spoken_date(date(2026, 1, 31))

    # Assert
    assert said == "2026 [Ionawr] 31"


def test_headlines_and_question_words_are_read_in_the_language_of_the_moment() -> None:
    """A table of words translates each time it is read, never when it was made."""
    # Arrange
    question = QUESTIONS_BY_ID["can_decline"]

    # Act
    with translated_by(_shouted):
        words = (HEADLINES["proceed"], question.answers["unsure"], question.asked())

    # Assert
    assert words == (
        "GO AHEAD",
        "NOT SURE",
        "COULD THE RECIPIENT SAY NO, OR STOP, WITHOUT LOSING ANY HELP",
    )
    assert HEADLINES.english["proceed"] == "Go ahead"


def test_choices_made_once_read_in_each_language_later() -> None:
    """Choices made while one translation holds are read through whichever holds when shown."""
    # Arrange
    with translated_by(str, deferred=True):
        choices = dict(VOCABULARY["stage"].choices())

        # Act
        with translated_by(_shouted, deferred=True):
            later = str(choices["active"])

    # Assert
    assert later == "ACTIVE"
