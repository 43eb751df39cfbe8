"""Statistical disclosure control: the only way a number reaches a transparency report.

- A count of 0 is shown as 0; a count of 1 to 7 is hidden (`*`); any other count is rounded
  to the nearest 5 (so 8 to 12 read 10, 13 to 17 read 15).
- A rate is computed from the rounded counts, and hidden when either count is hidden.
- A mean or median is hidden when it would come from fewer than 8 people.
- A breakdown (counts that add up to a total shown in the same table) is hidden whole, zeros
  included, when any of its counts is hidden and the total is shown: otherwise the hidden
  count could be worked out by taking the others from the total.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from ._model import Figure
from ._words import gettext_noop

SMALLEST_SHOWN = 8
ROUND_TO = 5
HIDDEN = "*"
NOT_APPLICABLE = "—"

RULES = (
    gettext_noop("Counts of 1 to 7 are shown as *; 0 is shown as 0."),
    gettext_noop("Every other count is rounded to the nearest 5."),
    gettext_noop(
        "Percentages are worked out from the rounded counts, and hidden when either count is "
        "hidden."
    ),
    gettext_noop("No average (mean or median) is given for fewer than 8 people."),
    gettext_noop(
        "If any count in a table that shows its total is hidden, every count in that table is "
        "hidden, so that no hidden count can be worked out by subtraction from the total."
    ),
)


def _hidden() -> Figure:
    return Figure(value=None, text=HIDDEN, status="suppressed")


def _not_applicable() -> Figure:
    return Figure(value=None, text=NOT_APPLICABLE, status="not_applicable")


def count(n: int) -> Figure:
    """A count as it may be published."""
    if n < 0:
        raise ValueError(f"a count cannot be negative: got {n}")
    if n == 0:
        return Figure(value=0, text="0")
    if n < SMALLEST_SHOWN:
        return _hidden()
    rounded = ROUND_TO * ((n + ROUND_TO // 2) // ROUND_TO)
    return Figure(value=rounded, text=str(rounded))


def rate(numerator: Figure, denominator: Figure) -> Figure:
    """A whole-number percentage of two published counts (never of the true counts)."""
    if numerator.hidden or denominator.hidden:
        return _hidden()
    if not denominator.value or numerator.value is None:
        return _not_applicable()
    top, bottom = int(numerator.value), int(denominator.value)
    percent = (200 * top + bottom) // (2 * bottom)  # rounded half up, in whole numbers
    return Figure(value=percent, text=f"{percent}%")


Average = Literal["mean", "median"]


def average(values: Sequence[float], kind: Average) -> Figure:
    """A mean or median to one decimal place, hidden when from fewer than 8 people."""
    if not values:
        return _not_applicable()
    if len(values) < SMALLEST_SHOWN:
        return _hidden()
    found = statistics.fmean(values) if kind == "mean" else statistics.median(values)
    shown = round(found, 1) + 0.0  # + 0.0 turns -0.0 into 0.0
    return Figure(value=shown, text=f"{shown:.1f}")


@dataclass(frozen=True)
class Breakdown:
    cells: tuple[Figure, ...]
    total: Figure
    suppressed_whole: bool


def breakdown(counts: Sequence[int]) -> Breakdown:
    """Counts that add up to a total shown beside them, with the secondary rule applied."""
    total = count(sum(counts))
    cells = tuple(count(n) for n in counts)
    if not total.hidden and any(cell.hidden for cell in cells):
        return Breakdown(cells=tuple(_hidden() for _ in cells), total=total, suppressed_whole=True)
    return Breakdown(cells=cells, total=total, suppressed_whole=False)
