"""Private worries (ADR 0015): how long the supervisor has to act on one, how each reads to the
people who may know of it, and the assessment as it would be if one were on the record.

A private worry is never part of the shared case (case_io reads no private worry), so the shared
assessment, its history and everyone's lists stay as they were when one is raised. The
supervisor's view of "what if it were on the record" is the framework's own `assess()` of the
shared case with the worry added as an observation: no rule is worked out here.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

__all__ = [
    "ACT_WITHIN_DAYS",
    "RAISED_PRIVATELY_WORDS",
    "STATE_WORDS",
    "act_by",
    "hypothetical",
    "own_rows",
    "raised_by_reader",
    "raised_by_words",
]

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutuality.framework import Assessment, assess, validate_case
from mutuality.web.organisation.policy import policy_of
from mutuality.web.relationships.case_io import case_data, private_worry_data, with_records
from mutuality.web.relationships.forms.records import OBSERVATION_KINDS
from mutuality.web.relationships.models import (
    ACT_WITHIN_DAYS,
    RAISED_PRIVATELY_BY,
    Observation,
    PrivateWorry,
    Relationship,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

STATE_WORDS: dict[str, StrOrPromise] = {
    "held": _("With the supervisor, who has not decided yet"),
    "on_record": _("Put on the shared record, without your name"),
    "resolved": _("Dealt with privately by the supervisor"),
}
"""Each state as the person who raised the worry reads it."""

RAISED_PRIVATELY_WORDS = _("someone who spoke privately with the supervisor")
"""RAISED_PRIVATELY_BY in the reader's language: the stored words are the record's (the case
file's `by`, English like every value of the case format); a page says these."""


def act_by(worry: PrivateWorry) -> date:
    """The last day the supervisor has to act on the worry."""
    return worry.raised_at.date() + timedelta(days=ACT_WITHIN_DAYS)


def raised_by_reader(observation: Observation, user: Any) -> bool:
    """Whether this reader raised the shared observation themselves; never for one put on the
    record from a private worry (its words never name anyone, "you" included)."""
    if observation.by == RAISED_PRIVATELY_BY:
        return False
    return observation.raised_by_id is not None and observation.raised_by_id == user.pk


def raised_by_words(observation: Observation, user: Any) -> str:
    """Who raised a shared observation, as this reader reads it: "you" for their own (a page
    that can should say a sentence of its own for that, with `raised_by_reader`)."""
    if observation.by == RAISED_PRIVATELY_BY:
        return str(RAISED_PRIVATELY_WORDS)
    if raised_by_reader(observation, user):
        return gettext("you")
    return observation.by


def hypothetical(relationship: Relationship, worry: PrivateWorry) -> Assessment:
    """The assessment of the shared case with this worry added as an open observation, as it
    would be on the record: the same `assess()` as every other, on the organisation's policy.
    It is only read, never stored, so who raised it is in the reader's words (the record keeps
    RAISED_PRIVATELY_BY's)."""
    found = with_records(Relationship.objects.filter(pk=relationship.pk)).get()
    data = case_data(found)
    added = private_worry_data(worry, by=str(RAISED_PRIVATELY_WORDS)) | {"status": "open"}
    data["observations"] = [*data.get("observations", []), added]
    case = validate_case(data, f"relationship {relationship.pk} with a private worry")
    return assess(case, policy=policy_of(found.organisation))


def own_rows(user: Any, relationship: Relationship) -> list[dict[str, Any]]:
    """The private worries this person raised in the relationship, with their state in words
    (for their own pages and their own report)."""
    return [
        {
            "pk": w.pk,
            "date": w.date,
            "kind": OBSERVATION_KINDS.get(w.kind, w.kind),
            "note": w.note,
            "state": w.state,
            "state_words": STATE_WORDS[w.state],
            "resolution": w.resolution if w.state == "resolved" else "",
        }
        for w in relationship.private_worries.filter(raised_by=user)
        if user.pk is not None
    ]
