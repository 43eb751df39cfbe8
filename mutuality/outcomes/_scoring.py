"""Scoring item responses into the score an instrument reports.

A total is made in four steps: reversed items are turned round, the answered
responses are added up (the raw total), a total with missing items is prorated
where the instrument allows it, and the raw total becomes the reported score
(times 4 for WHO-5, or through a conversion table for SWEMWBS).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mutuality.outcomes._instrument import Instrument
from mutuality.outcomes.exceptions import ScoringError

_TOTALS = ("sum", "sum_times_4")


@dataclass(frozen=True)
class ItemScore:
    """The score of one questionnaire, and how it was reached.

    Attributes:
        value: The score the instrument reports.
        raw: The sum of the answered responses, after reversing, before any
            prorating, multiplying or conversion.
        answered: How many items were answered.
        missing: The 1-based numbers of the items left unanswered.
        prorated: Whether missing items were made up for by prorating.
        reversed: The 1-based numbers of the answered items that were reversed.
    """

    value: float
    raw: float
    answered: int
    missing: tuple[int, ...]
    prorated: bool
    reversed: tuple[int, ...]


def score_responses(instrument: Instrument, responses: Sequence[int | float | None]) -> ItemScore:
    """Score one questionnaire, in which ``None`` marks an unanswered item.

    Missing items are allowed only up to the instrument's ``max_missing``,
    and only where it prorates them (CORE-10: 10 × total / items answered).

    Raises:
        ScoringError: The instrument has no total from items, a response is
            out of range or not a whole number, there are too few or too many
            responses, or more items are missing than the instrument allows.
    """
    return _score(instrument, responses, allow_missing=True)


def score_items(instrument: Instrument, items: Sequence[int | float]) -> float:
    """The total score of one completed questionnaire.

    Args:
        instrument: An instrument with ``sum`` or ``sum_times_4`` scoring.
        items: One response per item, in item order; each a whole number.

    Raises:
        ScoringError: The instrument has no total from items, or a response
            is missing, extra, not a whole number or out of range.
    """
    return _score(instrument, items, allow_missing=False).value


def score_item_series(instrument: Instrument, items: Sequence[int | float]) -> dict[str, float]:
    """The score of each item series of a ``per_item`` instrument, by series id.

    For ONS4 the result is ``{"ons4.life_satisfaction": x, ..., "ons4.anxious": y}``.

    Raises:
        ScoringError: The instrument is not scored per item, or a response is
            missing, extra, not a whole number or out of range.
    """
    if instrument.scoring != "per_item":
        raise ScoringError(f"{instrument.id} has one total score, not a score per item")
    low, high = _item_range(instrument, items)
    responses = [_checked_response(index, value, low, high) for index, value in enumerate(items)]
    return {s.id: r for s, r in zip(instrument.item_series, responses, strict=True)}


def _score(
    instrument: Instrument, responses: Sequence[int | float | None], *, allow_missing: bool
) -> ItemScore:
    if instrument.scoring not in _TOTALS:
        raise ScoringError(_no_total_message(instrument))
    checked = _checked_responses(instrument, responses, allow_missing=allow_missing)
    missing = tuple(number for number, r in enumerate(checked, 1) if r is None)
    _check_missing(instrument, missing)
    turned = _reversed(instrument, checked)
    answered = [r for r in turned if r is not None]
    raw = sum(answered)
    total = _prorated(len(checked), raw, len(answered)) if missing else raw
    return ItemScore(
        value=_reported(instrument, total),
        raw=raw,
        answered=len(answered),
        missing=missing,
        prorated=bool(missing),
        reversed=tuple(n for n in instrument.reversed_items if checked[n - 1] is not None),
    )


def _check_missing(instrument: Instrument, missing: tuple[int, ...]) -> None:
    allowed = _allowed_missing(instrument)
    if len(missing) <= allowed:
        return
    if allowed == 0:
        verb = "is" if len(missing) == 1 else "are"
        message = f"{instrument.id} needs a response to every item; {_item_numbers(missing)} {verb} missing"
        index = missing[0] - 1 if len(missing) == 1 else None
        raise ScoringError(message, item_index=index)
    message = (
        f"{instrument.id} allows at most {allowed} missing item{'s' if allowed > 1 else ''}; "
        f"{len(missing)} are missing ({_item_numbers(missing)})"
    )
    raise ScoringError(message)


def _allowed_missing(instrument: Instrument) -> int:
    # Only prorating makes up for a missing item, and at least one item must
    # be answered for there to be anything to prorate.
    if not instrument.prorate or instrument.items is None:
        return 0
    return min(instrument.max_missing, instrument.items - 1)


def _item_numbers(numbers: Sequence[int]) -> str:
    if len(numbers) == 1:
        return f"item {numbers[0]}"
    listed = [str(n) for n in numbers]
    return f"items {', '.join(listed[:-1])} and {listed[-1]}"


def _reversed(instrument: Instrument, responses: list[int | None]) -> list[int | None]:
    if not instrument.reversed_items or instrument.item_range is None:
        return responses
    low, high = instrument.item_range
    turned = list(responses)
    for number in instrument.reversed_items:
        response = turned[number - 1]
        if response is not None:
            turned[number - 1] = low + high - response
    return turned


def _prorated(items: int, raw: int, answered: int) -> float:
    # Keep an exact result whole, so that 10 × 27 / 9 is reported as 30, not 30.0.
    scaled = items * raw
    return scaled // answered if scaled % answered == 0 else scaled / answered


def _reported(instrument: Instrument, total: float) -> float:
    if instrument.scoring == "sum_times_4":
        # WHO-5 reports a percentage: the raw sum (0–25) times 4.
        return 4 * total
    if not instrument.conversion:
        return total
    table = dict(instrument.conversion)
    if total not in table:
        raise ScoringError(f"{instrument.id} has no score for the raw total {total:g}")
    return table[int(total)]


def _no_total_message(instrument: Instrument) -> str:
    if instrument.scoring == "per_item":
        return f"{instrument.id} scores each item separately, so it has no total"
    return _takes_value_message(instrument)


def _takes_value_message(instrument: Instrument) -> str:
    return f"{instrument.id} takes a total `value`, not item responses"


def _checked_responses(
    instrument: Instrument, items: Sequence[int | float | None], *, allow_missing: bool
) -> list[int | None]:
    low, high = _item_range(instrument, items)
    return [
        None if value is None and allow_missing else _checked_response(index, value, low, high)
        for index, value in enumerate(items)
    ]


def _item_range(instrument: Instrument, items: Sequence[object]) -> tuple[int, int]:
    if instrument.items is None or instrument.item_range is None:
        raise ScoringError(_takes_value_message(instrument))
    if len(items) != instrument.items:
        message = f"{instrument.id} takes {instrument.items} item responses; got {len(items)}"
        raise ScoringError(message)
    return instrument.item_range


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


def safety_answers(
    instrument: Instrument, responses: Sequence[int | float | None]
) -> tuple[int, ...]:
    """The 1-based safety items answered above their lowest response (PHQ-9 item 9 above 0).

    Such an answer must never just be stored: the person sees where to get help now, and the
    people responsible for their care are told.
    """
    lowest = instrument.item_range[0] if instrument.item_range else instrument.low
    return tuple(
        number
        for number in instrument.safety_items
        if number <= len(responses)
        and (answer := responses[number - 1]) is not None
        and answer > lowest
    )
