"""Every enumeration is spelled once, in the framework's `VOCABULARY`, with every code the
case format or the assessment can hold and a plain label for each."""

from __future__ import annotations

import re
from typing import Any, get_args

import pytest

from mutuality.framework import (
    PRINCIPLES,
    VOCABULARY,
    Recommendation,
    Severity,
    Status,
    registered_rules,
)
from mutuality.framework._model import (
    AffectedConsent,
    Capacity,
    Consent,
    ConsultationOutcome,
    ContrastIndicator,
    ObservationKind,
    ObservationStatus,
    ParticipantRole,
    PaymentKind,
    ResourceReview,
    Setting,
    Stage,
    Vulnerability,
)
from mutuality.framework._policy import Level
from mutuality.outcomes import Category, HorizonName, ProportionName

# Each vocabulary and the codes the case format or the assessment defines for it.
CODES: dict[str, tuple[Any, ...]] = {
    "recommendation": get_args(Recommendation),
    "severity": get_args(Severity),
    "principle": PRINCIPLES,
    "principle_status": get_args(Status),
    "change": ("reliable_improvement", "no_reliable_change", "reliable_deterioration"),
    "outcome_category": get_args(Category),
    "group_proportion": get_args(ProportionName),
    "horizon": get_args(HorizonName),
    # The web app records the day the work ended; the case format stops at `ending`.
    "stage": (*get_args(Stage), "ended"),
    "setting": get_args(Setting),
    "role": get_args(ParticipantRole),
    "capacity": get_args(Capacity),
    "consent": get_args(Consent),
    "affected_consent": get_args(AffectedConsent),
    "vulnerability": get_args(Vulnerability),
    "resource_review": get_args(ResourceReview),
    "payment_kind": get_args(PaymentKind),
    "contrast_indicator": get_args(ContrastIndicator),
    "observation_kind": get_args(ObservationKind),
    "observation_status": get_args(ObservationStatus),
    "consultation_outcome": get_args(ConsultationOutcome),
    "review_kind": ("contract", "independent"),
    "scrutiny_level": get_args(Level),
    "finding": tuple(rule.code for rule in registered_rules()),
}


@pytest.mark.parametrize("name", sorted(CODES))
def test_each_vocabulary_has_exactly_the_codes_of_its_enumeration(name: str) -> None:
    """A vocabulary holds every code its enumeration allows and no other."""
    # Arrange
    expected = set(CODES[name])

    # Act
    codes = set(VOCABULARY[name])

    # Assert
    assert codes == expected


def test_every_vocabulary_is_checked_against_its_enumeration() -> None:
    """No vocabulary is left out of the check above."""
    # Arrange
    names = set(VOCABULARY)

    # Act
    unchecked = names - set(CODES)

    # Assert
    assert unchecked == set()


@pytest.mark.parametrize("name", sorted(VOCABULARY))
def test_labels_are_words_not_codes(name: str) -> None:
    """Every label is plain words: not empty, no underscores, no dotted finding code."""
    # Arrange
    words = VOCABULARY[name]

    # Act
    labels = [str(label) for label in words.labels().values()]  # each may be read later
    codelike = [
        label
        for label in labels
        if not label.strip() or "_" in label or re.search(r"\w\.\w", label)
    ]

    # Assert
    assert codelike == []


def test_choices_start_with_a_capital_and_keep_the_order() -> None:
    """A form's choices are the codes in order, each label with a capital first letter."""
    # Arrange
    stage = VOCABULARY["stage"]

    # Act
    choices = stage.choices()

    # Assert
    assert choices == [
        ("proposed", "Proposed"),
        ("active", "Active"),
        ("ending", "Ending"),
        ("ended", "Ended"),
    ]


def test_the_consult_recommendation_reads_stop_and_think_again() -> None:
    """`consult` reads as every page says it, never as the bare code."""
    # Arrange
    recommendation = VOCABULARY["recommendation"]

    # Act
    label = recommendation.label("consult")

    # Assert
    assert label.startswith("Stop and think again")
