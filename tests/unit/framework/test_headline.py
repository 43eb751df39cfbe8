"""The headline a person reads for an assessment: its recommendation's words, except that a
relationship not yet started never reads "Go ahead" while there is something to do first."""

from __future__ import annotations

from typing import Any

import pytest

from mutuality.framework import HEADLINES, NOT_READY, assess, headline, validate_case
from tests.unit.framework.test_rules import clean_case

STAGES = ("proposed", "active", "ending", "ended")


def _proposed_without_consent_or_contract() -> dict[str, Any]:
    case = clean_case()
    case["stage"] = "proposed"
    del case["started"]
    del case["contract"]
    for participant in case["participants"]:
        participant["consent"] = "not_sought"
    return case


def test_a_new_relationship_without_consent_or_contract_is_not_ready() -> None:
    """Its recommendation stays "go ahead, with safeguards"; its headline says not yet."""
    assessment = assess(validate_case(_proposed_without_consent_or_contract(), "test"))

    read = headline(assessment.recommendation, assessment.stage)

    assert assessment.recommendation == "proceed_with_safeguards"
    assert read == NOT_READY
    assert not read.startswith("Go ahead")


@pytest.mark.parametrize("stage", STAGES)
@pytest.mark.parametrize("recommendation", sorted(HEADLINES))
def test_every_other_headline_is_the_recommendations(recommendation: str, stage: str) -> None:
    """Only a proposed relationship to go ahead with safeguards reads otherwise."""
    read = headline(recommendation, stage)

    changed = (recommendation, stage) == ("proceed_with_safeguards", "proposed")
    assert (read == HEADLINES[recommendation]) is not changed
