"""Scoring item responses into the score an instrument reports."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from mutuality.outcomes._definition import Scoring
from mutuality.outcomes._instrument import Instrument
from mutuality.outcomes.exceptions import ScoringError


def _sum_times_4(responses: Sequence[int]) -> int:
    # WHO-5 reports a percentage: the raw sum (0–25) times 4.
    return 4 * sum(responses)


# Each way of turning item responses into one total. New scoring kinds (for
# example prorating or a conversion table) are added here.
_TOTALS: Mapping[Scoring, Callable[[Sequence[int]], float]] = {
    "sum": sum,
    "sum_times_4": _sum_times_4,
}


def score_items(instrument: Instrument, items: Sequence[int | float]) -> float:
    """The total score of one completed questionnaire.

    Args:
        instrument: An instrument with ``sum`` or ``sum_times_4`` scoring.
        items: One response per item, in item order; each a whole number.

    Raises:
        ScoringError: The instrument has no total from items, or a response
            is missing, extra, not a whole number or out of range.
    """
    total = _TOTALS.get(instrument.scoring)
    if total is None:
        raise ScoringError(_no_total_message(instrument))
    return total(_checked_responses(instrument, items))


def score_item_series(instrument: Instrument, items: Sequence[int | float]) -> dict[str, float]:
    """The score of each item series of a ``per_item`` instrument, by series id.

    For ONS4 the result is ``{"ons4.life_satisfaction": x, ..., "ons4.anxious": y}``.

    Raises:
        ScoringError: The instrument is not scored per item, or a response is
            missing, extra, not a whole number or out of range.
    """
    if instrument.scoring != "per_item":
        raise ScoringError(f"{instrument.id} has one total score, not a score per item")
    responses = _checked_responses(instrument, items)
    return {s.id: r for s, r in zip(instrument.item_series, responses, strict=True)}


def _no_total_message(instrument: Instrument) -> str:
    if instrument.scoring == "per_item":
        return f"{instrument.id} scores each item separately, so it has no total"
    return _takes_value_message(instrument)


def _takes_value_message(instrument: Instrument) -> str:
    return f"{instrument.id} takes a total `value`, not item responses"


def _checked_responses(instrument: Instrument, items: Sequence[int | float]) -> list[int]:
    if instrument.items is None or instrument.item_range is None:
        raise ScoringError(_takes_value_message(instrument))
    if len(items) != instrument.items:
        message = f"{instrument.id} takes {instrument.items} item responses; got {len(items)}"
        raise ScoringError(message)
    low, high = instrument.item_range
    return [_checked_response(index, value, low, high) for index, value in enumerate(items)]


def _checked_response(index: int, value: object, low: int, high: int) -> int:
    whole = _as_whole_number(value)
    if whole is None or not low <= whole <= high:
        message = f"item {index + 1}: got {value!r}; expected a whole number from {low} to {high}"
        raise ScoringError(message, item_index=index)
    return whole


def _as_whole_number(value: object) -> int | None:
    # bool is a subclass of int, but True is a mistake, not a response of 1.
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None
