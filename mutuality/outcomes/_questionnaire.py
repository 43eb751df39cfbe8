"""A questionnaire as lines of plain text, for a person to read and answer.

The command line prints these lines and the web app shows them. Whatever shows
an instrument's items must show its credit too, so the lines always end with
the attribution and the licence note, and nothing can leave them out.
"""

from __future__ import annotations

from collections.abc import Sequence

from mutuality.outcomes._instrument import Instrument, ItemText, ResponseOption
from mutuality.outcomes.exceptions import OutcomesError
from mutuality.translation import gettext_noop, translated

ORGANISATION_NOTE = gettext_noop(
    "The wording of the items is supplied by the organisation under its own licence."
)
"""Shown with wording that comes from the organisation's file rather than Mutuality."""


def questionnaire_lines(
    instrument: Instrument, text: ItemText, *, goals: Sequence[str] = ()
) -> list[str]:
    """The instrument's name, stem, numbered items and responses, then its credit.

    Args:
        instrument: The instrument being given.
        text: Its wording, from :func:`item_text`.
        goals: For goal-based outcomes, the goals in the person's own words,
            shown as the numbered items.

    Returns:
        Lines of text that always end with :func:`credit_lines`.

    Raises:
        OutcomesError: Goals are given for an instrument that is not goal-based.
    """
    if goals and instrument.scoring != "per_goal":
        raise OutcomesError(f"{instrument.id} is not goal-based, so it takes no goals")
    entries = [*text.items, *goals]
    lines = [instrument.name]
    if text.stem:
        lines.append(text.stem)
    lines.extend(f"{number}. {entry}" for number, entry in enumerate(entries, 1))
    lines.extend(_answer_lines(instrument, text.options))
    return [*lines, "", *credit_lines(text)]


def credit_lines(text: ItemText) -> list[str]:
    """The lines to show wherever the items are shown, ending with the attribution and licence."""
    lines = [translated(ORGANISATION_NOTE)] if text.supplied_by == "organisation" else []
    lines.append(text.attribution)
    if text.licence:
        lines.append(translated(_LICENCE) % {"licence": text.licence})
    return lines


_LICENCE = gettext_noop("Licence: %(licence)s")


def _answer_lines(instrument: Instrument, options: Sequence[ResponseOption]) -> list[str]:
    low, high = instrument.item_range or (int(instrument.low), int(instrument.high))
    if not options:
        return [f"Answer each with a whole number from {low} to {high}."]
    labels = [f"{option.value} = {option.label}" for option in options]
    if {option.value for option in options} == set(range(low, high + 1)):
        return [f"Answer each with one of: {'; '.join(labels)}."]
    return [f"Answer each with a whole number from {low} to {high}, where {'; '.join(labels)}."]
