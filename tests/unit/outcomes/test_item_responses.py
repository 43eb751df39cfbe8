"""Scoring responses with missing items, reversed items and conversion tables."""

from collections.abc import Mapping, Sequence

import pytest

from mutuality.outcomes import Instrument, ScoringError, score_items
from mutuality.outcomes._scoring import ItemScore, score_responses

# CORE-10 responses whose items 2 and 3 score 4 − response: 1 + 3 + 2 + 2 + 2×6 = 20.
CORE10_FULL = [1, 1, 2, 2, 2, 2, 2, 2, 2, 2]


def test_core10_reverses_items_2_and_3(shipped: Mapping[str, Instrument]) -> None:
    """CORE-10 scores items 2 and 3 as 4 − response before adding up."""
    # Arrange
    responses = CORE10_FULL

    # Act
    score = score_responses(shipped["core10"], responses)

    # Assert
    assert score == ItemScore(
        value=20, raw=20, answered=10, missing=(), prorated=False, reversed=(2, 3)
    )


def test_core10_all_highest_is_not_forty(shipped: Mapping[str, Instrument]) -> None:
    """Answering 4 to every CORE-10 item gives 32, as the two reversed items score 0."""
    # Arrange
    responses = [4] * 10

    # Act
    total = score_items(shipped["core10"], responses)

    # Assert
    assert total == 32


def test_core10_prorates_one_missing_item(shipped: Mapping[str, Instrument]) -> None:
    """With one CORE-10 item missing the score is 10 × total / 9, and says it was prorated."""
    # Arrange
    responses: list[int | None] = [1, 1, 2, 2, None, 2, 2, 2, 2, 2]

    # Act
    score = score_responses(shipped["core10"], responses)

    # Assert
    assert score.raw == 18
    assert score.value == pytest.approx(10 * 18 / 9)
    assert (score.answered, score.missing, score.prorated) == (9, (5,), True)


def test_prorating_keeps_an_exact_score_whole(shipped: Mapping[str, Instrument]) -> None:
    """10 × 27 / 9 is reported as the whole number 30."""
    # Arrange
    responses: list[int | None] = [3, 1, 1, 3, 3, 3, 3, 3, None, 3]

    # Act
    score = score_responses(shipped["core10"], responses)

    # Assert
    assert (score.raw, score.value, type(score.value)) == (27, 30, int)


def test_a_missing_reversed_item_is_not_reported_as_reversed(
    shipped: Mapping[str, Instrument],
) -> None:
    """Only the reversed items that were answered are listed as reversed."""
    # Arrange
    responses: list[int | None] = [1, None, 2, 2, 2, 2, 2, 2, 2, 2]

    # Act
    score = score_responses(shipped["core10"], responses)

    # Assert
    assert score.reversed == (3,)
    assert score.missing == (2,)


def test_missing_beyond_the_allowance_is_an_error(shipped: Mapping[str, Instrument]) -> None:
    """Two missing CORE-10 items are one more than it allows, and the message says so."""
    # Arrange
    responses: list[int | None] = [1, None, 2, 2, 2, 2, None, 2, 2, 2]

    # Act
    with pytest.raises(ScoringError) as caught:
        score_responses(shipped["core10"], responses)

    # Assert
    assert str(caught.value) == (
        "core10 allows at most 1 missing item; 2 are missing (items 2 and 7)"
    )
    assert caught.value.item_index is None


def test_an_instrument_without_prorating_allows_no_missing_item(
    shipped: Mapping[str, Instrument],
) -> None:
    """PHQ-9 allows no missing item, and the error points at the one missing."""
    # Arrange
    responses: list[int | None] = [1, 1, None, 1, 1, 1, 1, 1, 1]

    # Act
    with pytest.raises(ScoringError) as caught:
        score_responses(shipped["phq9"], responses)

    # Assert
    assert str(caught.value) == "phq9 needs a response to every item; item 3 is missing"
    assert caught.value.item_index == 2


def test_several_missing_items_are_listed(shipped: Mapping[str, Instrument]) -> None:
    """Several missing items are listed together, with no single item to blame."""
    # Arrange
    responses: list[int | None] = [None, 1, None, 1, None]

    # Act
    with pytest.raises(ScoringError) as caught:
        score_responses(shipped["who5"], responses)

    # Assert
    assert str(caught.value) == "who5 needs a response to every item; items 1, 3 and 5 are missing"
    assert caught.value.item_index is None


def test_score_items_refuses_a_missing_item_even_where_prorating_is_allowed(
    shipped: Mapping[str, Instrument],
) -> None:
    """score_items takes complete questionnaires only; missing items go through score_responses."""
    # Arrange
    responses: Sequence[int | None] = [1, 1, 2, 2, None, 2, 2, 2, 2, 2]

    # Act
    with pytest.raises(ScoringError) as caught:
        score_items(shipped["core10"], responses)  # type: ignore[arg-type]

    # Assert
    assert caught.value.item_index == 4


@pytest.mark.parametrize(
    ("raw", "metric"), [(7, 7.00), (14, 15.32), (21, 19.25), (28, 25.03), (35, 35.00)]
)
def test_swemwbs_converts_the_raw_total(
    raw: int, metric: float, shipped: Mapping[str, Instrument]
) -> None:
    """SWEMWBS reports the metric score the published table gives for the raw total."""
    # Arrange
    responses = [raw // 7] * 7

    # Act
    score = score_responses(shipped["swemwbs"], responses)

    # Assert
    assert (score.raw, score.value) == (raw, metric)


def test_swemwbs_converts_an_uneven_total(shipped: Mapping[str, Instrument]) -> None:
    """Responses adding up to 20 give the metric score 18.59."""
    # Arrange
    responses = [1, 2, 3, 4, 5, 3, 2]

    # Act
    total = score_items(shipped["swemwbs"], responses)

    # Assert
    assert total == 18.59


def test_who5_multiplies_by_four(shipped: Mapping[str, Instrument]) -> None:
    """WHO-5's raw sum of 13 is reported as 52 per cent."""
    # Arrange
    responses = [3, 3, 2, 2, 3]

    # Act
    score = score_responses(shipped["who5"], responses)

    # Assert
    assert (score.raw, score.value) == (13, 52)


def test_wemwbs_adds_up_its_fourteen_items(shipped: Mapping[str, Instrument]) -> None:
    """WEMWBS is the plain sum of its fourteen 1–5 responses."""
    # Arrange
    responses = [3] * 14

    # Act
    total = score_items(shipped["wemwbs"], responses)

    # Assert
    assert total == 42


def test_responses_are_still_counted(shipped: Mapping[str, Instrument]) -> None:
    """A missing item still needs its place, so a short list is the wrong count."""
    # Arrange
    responses = [1] * 9

    # Act / Assert
    with pytest.raises(ScoringError, match="core10 takes 10 item responses; got 9"):
        score_responses(shipped["core10"], responses)


@pytest.mark.parametrize("bad", [5, -1, 2.5, True])
def test_responses_are_still_range_checked(bad: object, shipped: Mapping[str, Instrument]) -> None:
    """A response outside 0–4, fractional or boolean is refused, naming its item."""
    # Arrange
    responses = [1, 1, 1, bad, 1, 1, 1, 1, 1, 1]

    # Act
    with pytest.raises(ScoringError) as caught:
        score_responses(shipped["core10"], responses)  # type: ignore[arg-type]

    # Assert
    assert caught.value.item_index == 3
    assert "expected a whole number from 0 to 4" in str(caught.value)


def test_per_item_instruments_have_no_item_score(shipped: Mapping[str, Instrument]) -> None:
    """ONS4 has no single score, with or without missing items."""
    # Arrange
    responses = [7, 8, None, 3]

    # Act / Assert
    with pytest.raises(ScoringError, match="scores each item separately"):
        score_responses(shipped["ons4"], responses)
