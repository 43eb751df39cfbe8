"""Case files score item responses with the outcomes library, prorating only where allowed."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from mutuality.framework import CaseError, assess, validate_case


def _case(instrument: str, *scores: dict[str, Any]) -> dict[str, Any]:
    return {
        "mutuality": 1,
        "title": "Scores from item responses",
        "as_of": "2026-11-25",
        "participants": [{"id": "ann", "role": "professional"}, {"id": "bo", "role": "recipient"}],
        "outcomes": [{"instrument": instrument, "of": "bo", "scores": list(scores)}],
    }


def test_core10_prorates_one_missing_item_and_records_it() -> None:
    """CORE-10 with one item unanswered is prorated (10 × total / 9) and the entry says so."""
    case = _case(
        "core10",
        {"date": "2026-01-01", "items": [3, 1, 1, 3, 3, 3, 3, 3, None, 3]},
        {"date": "2026-06-01", "items": [1, 3, 3, 1, 1, 1, 1, 1, 1, 1]},
    )

    entry = assess(validate_case(case, "t")).to_dict()["outcomes"][0]

    assert entry["first"] == 30  # items 2 and 3 reversed: 27 over 9 answered → 30
    assert entry["latest"] == 10
    assert entry["prorated_scores"] == 1
    assert entry["change"] == "reliable_improvement"


def test_phq9_refuses_a_missing_item_naming_it() -> None:
    """PHQ-9 does not prorate, so an unanswered item is an error at that item's path."""
    case = _case("phq9", {"date": "2026-01-01", "items": [1, 1, 1, None, 1, 1, 1, 1, 1]})

    with pytest.raises(CaseError) as caught:
        validate_case(case, "t.yaml")

    assert "t.yaml: outcomes[0].scores[0].items" in str(caught.value)
    assert "missing" in str(caught.value)


def test_ons4_items_must_all_be_answered() -> None:
    """ONS4 reports each item separately, so a null item is refused at its own path."""
    case = _case("ons4", {"date": "2026-01-01", "items": [3, None, 1, 3]})

    with pytest.raises(CaseError) as caught:
        validate_case(case, "t.yaml")

    assert "outcomes[0].scores[0].items[1]" in str(caught.value)


def test_who5_items_are_scored_as_a_percentage() -> None:
    """WHO-5 item responses are summed and multiplied by four, as the instrument defines."""
    case = _case(
        "who5",
        {"date": "2026-01-01", "items": [2, 2, 2, 2, 2]},
        {"date": "2026-04-01", "items": [4, 4, 3, 3, 3]},
    )

    entry = assess(validate_case(case, "t")).to_dict()["outcomes"][0]

    assert (entry["first"], entry["latest"]) == (40, 68)
    assert entry["category"] == "recovered"


def test_series_worked_out_once_are_forgotten_with_their_case() -> None:
    """The series kept between validation and assessment go when their case goes (no leak)."""
    # Arrange
    from mutuality.framework import _series

    scores = [{"date": "2026-01-01", "value": 20}, {"date": "2026-06-01", "value": 8}]
    before = len(_series._KNOWN)

    # Act
    recommendations = [
        assess(validate_case(_case("phq9", *scores), "t")).recommendation for _ in range(50)
    ]

    # Assert
    assert len(set(recommendations)) == 1
    assert len(_series._KNOWN) <= before + 1


def test_a_copy_with_another_date_has_the_series_of_its_own_scores() -> None:
    """A case and its copy as of another date give the same outcome classification."""
    # Arrange
    case = validate_case(
        _case("phq9", {"date": "2026-01-01", "value": 20}, {"date": "2026-06-01", "value": 8}),
        "t",
    )
    later = case.with_as_of(date(2027, 1, 1))

    # Act
    first, second = assess(case), assess(later)

    # Assert
    assert first.outcomes[0].change == second.outcomes[0].change
    assert second.as_of == date(2027, 1, 1)
