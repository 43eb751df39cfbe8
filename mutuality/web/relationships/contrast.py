"""The contrast the assessment counts, in words (framework format 1.1, section 7.1).

What counts, and where each indicator came from, is the framework's (`scrutiny.sources` in the
stored assessment); this only says it, for the contrast page and the relationship report.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mutuality.framework import QUESTIONS, Question
from mutuality.web.relationships.forms.records import CONTRAST_INDICATORS
from mutuality.web.relationships.models import Participant, Relationship, with_names


def counted_contrast(
    scrutiny: dict[str, Any], relationship: Relationship, viewer: Any
) -> list[dict[str, Any]]:
    """Each way the assessment counts the work as departing from usual care, with where it
    came from in words, read from the stored assessment's `scrutiny.sources` (the framework
    decides what counts; this only says it)."""
    sources = scrutiny.get("sources", {})
    people = {p.slug: p for p in with_names(relationship.participants.all())}
    return [
        {
            "indicator": CONTRAST_INDICATORS.get(indicator, indicator),
            "sources": [_source_words(indicator, source, people, viewer) for source in found],
            "declared": "declared" in found,
        }
        for indicator, found in sources.items()
    ]


def _source_words(indicator: str, source: str, people: dict[str, Participant], viewer: Any) -> str:
    if source == "declared":
        return _("Declared by the people in the relationship")
    if source == "record:disclosures":
        return _("A self-disclosure the professional recorded")
    slug = source.removeprefix("answer:")
    person = people.get(slug)
    if person is None:
        return _("%(name)s answered yes to a question") % {"name": slug}
    return _answer_words(person, _ASKED_BY_INDICATOR.get(indicator), viewer)


def _answer_words(person: Participant, asked: Question | None, viewer: Any) -> str:
    """Who answered yes to which question: "you" to the person who answered, else their name
    (one sentence each, so a language can put the words in its own order)."""
    mine = person.user_id is not None and person.user_id == viewer.pk
    if asked is None:
        if mine:
            return _("You answered yes to a question")
        return _("%(name)s answered yes to a question") % {"name": person.called}
    question = asked.wording[person.role]  # type: ignore[index]
    if mine:
        return _("You answered yes to “%(question)s”") % {"question": question}
    return _("%(name)s answered yes to “%(question)s”") % {
        "name": person.called,
        "question": question,
    }


_ASKED_BY_INDICATOR: dict[str, Question] = {q.indicates: q for q in QUESTIONS if q.indicates}
"""The question whose `yes` counts as each indicator (the framework's own mapping)."""
