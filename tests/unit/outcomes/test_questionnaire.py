"""Questionnaires as lines of text for a person to read and answer."""

from collections.abc import Mapping

import pytest

from mutuality.outcomes import Instrument, OutcomesError
from mutuality.outcomes._instrument import ItemText, ResponseOption
from mutuality.outcomes._questionnaire import ORGANISATION_NOTE, credit_lines, questionnaire_lines


def _text(shipped: Mapping[str, Instrument], instrument_id: str) -> ItemText:
    text = shipped[instrument_id].text
    assert text is not None
    return text


def test_phq9_questionnaire_reads_in_order(shipped: Mapping[str, Instrument]) -> None:
    """PHQ-9 shows its name, stem, nine numbered items, the responses and then its credit."""
    # Arrange
    phq9 = shipped["phq9"]

    # Act
    lines = questionnaire_lines(phq9, _text(shipped, "phq9"))

    # Assert
    assert lines[0] == "PHQ-9"
    assert lines[1].startswith("Over the last 2 weeks, how often have you been bothered")
    assert lines[2] == "1. Little interest or pleasure in doing things"
    assert lines[10].startswith("9. ")
    assert lines[11] == (
        "Answer each with one of: 0 = Not at all; 1 = Several days; "
        "2 = More than half the days; 3 = Nearly every day."
    )
    assert lines[-2:] == [phq9.attribution, f"Licence: {phq9.licence}"]


def test_ons4_shows_the_scale_by_its_ends(shipped: Mapping[str, Instrument]) -> None:
    """Labels for only the ends of a scale are shown with the whole range."""
    # Arrange
    ons4 = shipped["ons4"]

    # Act
    lines = questionnaire_lines(ons4, _text(shipped, "ons4"))

    # Assert
    assert (
        "Answer each with a whole number from 0 to 10, where 0 = Not at all; 10 = Completely."
        in lines
    )
    assert lines[-2] == "Source: Office for National Statistics"


def test_gbo_numbers_the_persons_goals(shipped: Mapping[str, Instrument]) -> None:
    """Goal-based outcomes show the goals, in the person's words, as the numbered items."""
    # Arrange
    goals = ["Placeholder goal one", "Placeholder goal two"]

    # Act
    lines = questionnaire_lines(shipped["gbo"], _text(shipped, "gbo"), goals=goals)

    # Assert
    assert lines[1:4] == [
        "How close are you to reaching this goal?",
        "1. Placeholder goal one",
        "2. Placeholder goal two",
    ]


def test_goals_belong_only_to_goal_based_outcomes(shipped: Mapping[str, Instrument]) -> None:
    """Giving goals to PHQ-9 is a mistake."""
    # Arrange
    goals = ["Placeholder goal"]

    # Act / Assert
    with pytest.raises(OutcomesError, match="phq9 is not goal-based"):
        questionnaire_lines(shipped["phq9"], _text(shipped, "phq9"), goals=goals)


def test_organisation_wording_is_marked_and_credited(shipped: Mapping[str, Instrument]) -> None:
    """The organisation's wording is said to be theirs, then CORE-10's credit and licence end it."""
    # Arrange
    core10 = shipped["core10"]
    assert core10.attribution is not None
    text = ItemText(
        stem="Placeholder stem",
        items=tuple(f"Placeholder statement {n}" for n in range(1, 11)),
        options=(),
        attribution=core10.attribution,
        licence=core10.licence,
        supplied_by="organisation",
    )

    # Act
    lines = questionnaire_lines(core10, text)

    # Assert
    assert "Answer each with a whole number from 0 to 4." in lines
    assert lines[-3:] == [ORGANISATION_NOTE, core10.attribution, f"Licence: {core10.licence}"]


def test_credit_without_a_licence_is_the_attribution_alone() -> None:
    """Wording with an attribution but no licence note ends with the attribution."""
    # Arrange
    text = ItemText(
        stem=None,
        items=("Placeholder statement 1",),
        options=(ResponseOption(0, "No"), ResponseOption(1, "Yes")),
        attribution="Placeholder credit",
    )

    # Act
    credit = credit_lines(text)

    # Assert
    assert credit == ["Placeholder credit"]
