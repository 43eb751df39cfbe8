"""Which messages each person gets: every non-urgent kind unless they turned it off.

Safety flags and the messages of signing in (ALWAYS_SENT) are never asked about and always go.
A person is offered only the kinds that can reach someone in their role, so the page never asks
about a message they could not get.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mutuality.web.accounts.models import Role
from mutuality.web.audit.actions import record
from mutuality.web.outbox.models import ALWAYS_SENT, Kind, MessageChoice

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

OFFERED: dict[str, tuple[Kind, ...]] = {
    Role.PROFESSIONAL: (
        Kind.CONSENT_WITHDRAWN,
        Kind.CONTRACT_WAITING,
        Kind.QUESTIONNAIRE_DUE,
        Kind.OVERDUE_DIGEST,
        Kind.CONSULTATION_REQUESTED,
    ),
    Role.CO_PRODUCER: (Kind.CONSENT_WITHDRAWN, Kind.CONTRACT_WAITING, Kind.QUESTIONNAIRE_DUE),
    Role.SUPERVISOR: (
        Kind.CONSENT_WITHDRAWN,
        Kind.WORRY_RAISED,
        Kind.OVERDUE_DIGEST,
        Kind.CONSULTATION_REQUESTED,
    ),
    Role.REVIEWER: (Kind.OVERDUE_DIGEST,),
    Role.ADMIN: (),
}
"""The kinds a person in each role may turn off: those that can be sent to that role."""

WORDS: dict[Kind, StrOrPromise] = {
    Kind.CONSENT_WITHDRAWN: _("Someone withdraws their consent in a relationship you are part of"),
    Kind.CONTRACT_WAITING: _("A new version of a contract is waiting for your agreement"),
    Kind.QUESTIONNAIRE_DUE: _("A wellbeing questionnaire is due, on the schedule you agreed"),
    Kind.OVERDUE_DIGEST: _("Once a week, when supervision or a review is overdue"),
    Kind.WORRY_RAISED: _("Someone records a worry about a relationship you supervise"),
    Kind.CONSULTATION_REQUESTED: _("Someone asks for a consultation about another way of helping"),
}
"""How the choices page names each kind a person may turn off."""


def offered(user: Any) -> tuple[Kind, ...]:
    """The kinds this person may choose about, in the page's order."""
    return OFFERED.get(user.role, ())


def wanted(user: Any) -> set[Kind]:
    """The offered kinds this person gets now."""
    off = set(MessageChoice.objects.filter(user=user, wanted=False).values_list("kind", flat=True))
    return {kind for kind in offered(user) if kind not in off}


def turned_off(users: Iterable[int], kind: Kind) -> set[int]:
    """Of these people (by id), those who turned this kind off: one query for any number."""
    if kind in ALWAYS_SENT:
        return set()
    return set(
        MessageChoice.objects.filter(user_id__in=list(users), kind=kind, wanted=False).values_list(
            "user_id", flat=True
        )
    )


def gets(user: Any, kind: Kind) -> bool:
    """Whether this person gets a message of this kind (always, for ALWAYS_SENT)."""
    return kind in ALWAYS_SENT or user.pk not in turned_off([user.pk], kind)


@transaction.atomic
def choose(*, user: Any, wanted_kinds: set[Kind]) -> list[Kind]:
    """Keep which of their offered kinds a person wants; returns the kinds that changed, each
    audited."""
    before = wanted(user)
    changed = [kind for kind in offered(user) if (kind in wanted_kinds) != (kind in before)]
    for kind in changed:
        now = kind in wanted_kinds
        choice, _ = MessageChoice.objects.update_or_create(
            user=user, kind=kind, defaults={"wanted": now}
        )
        record(
            user=user,
            action="update",
            obj=choice,
            organisation_id=user.organisation_id,
            field="wanted",
            kind=str(kind),
            before=not now,
            after=now,
        )
    return changed
