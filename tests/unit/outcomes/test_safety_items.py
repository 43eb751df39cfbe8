"""Safety items: an answer above the lowest to one (PHQ-9 item 9) is found, never missed."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from mutuality.outcomes import (
    Instrument,
    InstrumentDefinition,
    safety_answers,
    shipped_instruments,
)

PHQ9 = shipped_instruments()["phq9"]


def _definition(**changes: Any) -> dict[str, Any]:
    return {
        "id": "my_scale",
        "name": "Service wellbeing scale",
        "range": [0, 20],
        "higher_is": "worse",
        "items": 5,
        "item_range": [0, 4],
        **changes,
    }


def test_phq9_marks_item_9_as_a_safety_item() -> None:
    assert PHQ9.safety_items == (9,)


@pytest.mark.parametrize(
    ("item_9", "expected"), [(0, ()), (1, (9,)), (2, (9,)), (3, (9,)), (None, ())]
)
def test_any_answer_above_not_at_all_to_item_9_is_found(
    item_9: int | None, expected: tuple[int, ...]
) -> None:
    assert safety_answers(PHQ9, [0] * 8 + [item_9]) == expected


@given(st.lists(st.integers(0, 3), min_size=9, max_size=9))
def test_the_other_items_never_matter(answers: list[int]) -> None:
    assert safety_answers(PHQ9, answers) == ((9,) if answers[8] > 0 else ())


def test_an_instrument_without_safety_items_finds_none() -> None:
    assert safety_answers(shipped_instruments()["gad7"], [3] * 7) == ()


def test_a_custom_instrument_counts_from_its_own_lowest_answer() -> None:
    definition = InstrumentDefinition.model_validate(
        _definition(item_range=[1, 5], range=[5, 25], safety_items=[2])
    )
    instrument = Instrument.from_definition(definition)

    assert safety_answers(instrument, [1, 1, 1, 1, 1]) == ()
    assert safety_answers(instrument, [1, 2, 1, 1, 1]) == (2,)


@pytest.mark.parametrize(
    ("safety_items", "loc"),
    [([6], ("safety_items", 0)), ([0], ("safety_items", 0)), ([2, 2], ("safety_items", 1))],
)
def test_a_safety_item_must_be_one_of_the_items_once(
    safety_items: list[int], loc: tuple[str | int, ...]
) -> None:
    with pytest.raises(ValidationError) as caught:
        InstrumentDefinition.model_validate(_definition(safety_items=safety_items))

    assert loc in [tuple(error["loc"]) for error in caught.value.errors()]
