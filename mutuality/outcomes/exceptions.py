"""Errors raised by the outcomes core.

The hierarchy::

    OutcomesError           anything the outcomes core rejects on purpose
    └── ScoringError        item responses or scores an instrument cannot score

Messages are plain English and say what was expected, so that a person who
typed the responses can put them right without reading any code.
"""

from __future__ import annotations


class OutcomesError(Exception):
    """Base class of every error the outcomes core raises on purpose."""


class ScoringError(OutcomesError):
    """Item responses that an instrument cannot score.

    Attributes:
        item_index: The 0-based position of the one response at fault, or
            ``None`` when the fault lies with the responses as a whole.
    """

    def __init__(self, message: str, *, item_index: int | None = None) -> None:
        super().__init__(message)
        self.item_index = item_index
