"""The messages that changes cause: one small function for each, called by the action that makes
the change, inside its transaction (docs/messages.md, "What is sent").

Every message says what happened in general words, greets the person by name and links to the
page where they can see more; it never holds health details (no answers, scores, findings,
worries or relationship titles, which people write freely). The texts are templates/email/.
Each message is written in its reader's language (`language_for`); an invitation, whose reader
has no login yet, in the service's own (settings.LANGUAGE_CODE: docs/messages.md, "Language").
A person gets a non-urgent kind unless they turned it off (choices.py); safety flags and the
messages of signing in always go. Once someone in a relationship has withdrawn consent, only
safety messages and the withdrawal notices are posted about it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutuality.web.outbox import choices
from mutuality.web.outbox.models import SURVIVE_WITHDRAWAL, Kind
from mutuality.web.outbox.posting import post
from mutuality.web.relationships.models import (
    ConsultationRequest,
    ContractVersion,
    Invitation,
    Participant,
    Relationship,
    SafetyFlag,
)

SUBJECTS: dict[Kind, Promise] = {
    Kind.INVITATION: _("You are invited to Mutuality"),
    Kind.PASSWORD_RESET: _("Reset your password"),
    Kind.EMAIL_CONFIRMATION: _("Confirm your email address"),
    Kind.SAFETY_FLAG: _("A safety flag needs your attention"),
    Kind.CONSENT_WITHDRAWN: _("Consent was withdrawn in a relationship"),
    Kind.CONTRACT_WAITING: _("A contract is waiting for your agreement"),
    Kind.QUESTIONNAIRE_DUE: _("A wellbeing questionnaire is due"),
    Kind.OVERDUE_DIGEST: _("Supervision or reviews are overdue"),
    Kind.WORRY_RAISED: _("A worry was recorded in a relationship you supervise"),
    Kind.CONSULTATION_REQUESTED: _("A consultation was asked for"),
}


def subject_line(subject: str | Promise) -> str:
    """A message's subject as the inbox shows it, the service's name first (one message, so a
    language can put the name where it reads best)."""
    return gettext("Mutuality: %(subject)s") % {"subject": subject}


def language_for(reader: Any | None) -> str:
    """The language a message to this person is written in: the one they chose for their
    pages. No choice (their pages follow their browser, which an email cannot ask) or no login
    (an invitee): the service's own, settings.LANGUAGE_CODE."""
    chosen = getattr(reader, "language", "")
    return str(chosen) if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def link(path: str) -> str:
    """An absolute link to a page, for an email (read outside any request)."""
    return f"{settings.SITE_URL}{path}"


def compose(
    kind: Kind, *, reader: Any | None, subject: Promise | None = None, **context: Any
) -> tuple[str, str]:
    """The subject and body of a message of this kind (templates/email/<kind>.txt), in the
    reader's language; `subject` for a message that says something else within its kind."""
    with translation.override(language_for(reader)):
        body = render_to_string(f"email/{kind.value}.txt", context)
        return subject_line(subject or SUBJECTS[kind]), body


def send_to(
    kind: Kind,
    key: str,
    users: Iterable[Any],
    *,
    relationship: Relationship | None = None,
    **context: Any,
) -> int:
    """Post one message of this kind to each of these people who can and chose to get it (an
    active login with an email address); `key` is made unique per person. Returns how many."""
    reachable = {u.pk: u for u in users if u is not None and u.is_active and u.email}
    if relationship is not None and kind not in SURVIVE_WITHDRAWAL and withdrawn(relationship):
        return 0
    off = choices.turned_off(reachable, kind)
    posted = 0
    for user in reachable.values():
        if user.pk in off:
            continue
        subject, body = compose(kind, reader=user, name=user.shown_name, **context)
        post(
            kind=kind,
            key=f"{key}:{user.pk}",
            to=user.email,
            subject=subject,
            body=body,
            recipient=user,
            relationship=relationship,
        )
        posted += 1
    return posted


def withdrawn(relationship: Relationship) -> bool:
    """Whether anyone in the relationship has withdrawn their consent."""
    return relationship.participants.filter(consent="withdrawn").exists()


def _users(relationship: Relationship, **which: Any) -> list[Any]:
    found = relationship.participants.filter(user__isnull=False, **which).select_related("user")
    return [p.user for p in found]


def _supervisor(relationship: Relationship) -> list[Any]:
    return [relationship.supervisor] if relationship.supervisor_id else []


def _page(name: str, relationship: Relationship, **kwargs: Any) -> str:
    return link(reverse(f"relationships:{name}", kwargs={"pk": relationship.pk, **kwargs}))


# --- one function per message ------------------------------------------------------------------


def invitation(invitation: Invitation, *, to: str, link_to_accept: str) -> None:
    """The invitation to set up a login, to the address the professional typed (no login yet).
    Always sent: it is the only way in. Written in the service's own language, not the
    sender's: their choice says what they read, not what the person they invite reads."""
    relationship = invitation.participant.relationship
    inviter = invitation.created_by.shown_name if invitation.created_by else _("Someone")
    subject, body = compose(
        Kind.INVITATION,
        reader=None,
        name=invitation.display_name,
        inviter=inviter,
        organisation=relationship.organisation.name,
        link=link_to_accept,
        expires_at=invitation.expires_at,
    )
    post(
        kind=Kind.INVITATION,
        key=f"invitation:{invitation.pk}",
        to=to,
        subject=subject,
        body=body,
        relationship=relationship,
    )


def password_reset(*, user: Any, to: str, subject: str, body: str) -> None:
    """allauth's reset email, as it wrote it (accounts/adapter.py): one for each time someone
    asks (allauth limits how often), so its key is new each time."""
    post(
        kind=Kind.PASSWORD_RESET,
        key=f"password_reset:{secrets.token_hex(16)}",
        to=to,
        subject=subject,
        body=body,
        recipient=user,
        organisation=getattr(user, "organisation", None),
    )


def email_confirmation(*, user: Any, to: str, subject: str, body: str) -> None:
    """allauth's link to confirm an address, as it wrote it (accounts/adapter.py), to that
    address, which need not be the one Mutuality writes to yet: one for each time it is asked."""
    post(
        kind=Kind.EMAIL_CONFIRMATION,
        key=f"email_confirmation:{secrets.token_hex(16)}",
        to=to,
        subject=subject,
        body=body,
        recipient=user,
        organisation=getattr(user, "organisation", None),
    )


def safety_flag(flag: SafetyFlag) -> None:
    """A safety flag, at once to the professional and the supervisor; never turned off and sent
    after a withdrawal too."""
    relationship = flag.relationship
    send_to(
        Kind.SAFETY_FLAG,
        f"safety_flag:{flag.pk}",
        [*_users(relationship, role="professional"), *_supervisor(relationship)],
        relationship=relationship,
        link=_page("safety-flag", relationship, flag_pk=flag.pk),
    )


def consent_withdrawn(participant: Participant, *, by: Any) -> None:
    """The notice that someone withdrew consent, to the others in the relationship and the
    supervisor; pending messages about the relationship were cancelled just before."""
    relationship = participant.relationship
    others = [u for u in [*_users(relationship), *_supervisor(relationship)] if u.pk != by.pk]
    send_to(
        Kind.CONSENT_WITHDRAWN,
        f"consent_withdrawn:{participant.pk}:{relationship.revision}",
        others,
        relationship=relationship,
        link=_page("detail", relationship),
    )


def contract_waiting(contract: ContractVersion, *, by: Any) -> None:
    """A new contract version, to each person in the relationship who must agree to it, but the
    one who wrote it (they are looking at it)."""
    relationship = contract.relationship
    send_to(
        Kind.CONTRACT_WAITING,
        f"contract_waiting:{contract.pk}",
        [u for u in _users(relationship) if u.pk != by.pk],
        relationship=relationship,
        link=_page("contract-agree", relationship),
    )


def contract_declined(contract: ContractVersion, *, by: Any) -> None:
    """A contract version was declined: to everyone else in the relationship, who can read why
    on the contract page (never the reason itself). The same kind of message as a new version:
    both are the contract's conversation, chosen together."""
    relationship = contract.relationship
    send_to(
        Kind.CONTRACT_WAITING,
        f"contract_declined:{contract.pk}",
        [u for u in _users(relationship) if u.pk != by.pk],
        relationship=relationship,
        link=_page("contract", relationship),
        subject=_("A change to a contract was declined"),
        declined=True,
    )


def worry_raised(relationship: Relationship, *, key: str, by: Any) -> None:
    """A worry recorded about the relationship, to its supervisor: the same words and link
    whether it is on the shared record or raised privately (ADR 0015), so the message, its key
    (the record's opaque id) and its row say nothing of which, nor of the worry or who raised
    it."""
    send_to(
        Kind.WORRY_RAISED,
        f"worry_raised:{key}",
        [u for u in _supervisor(relationship) if u.pk != by.pk],
        relationship=relationship,
        link=_page("records", relationship),
    )


def consultation_requested(request: ConsultationRequest, *, by: Any) -> None:
    """A co-producer asked for a consultation about another model of helping: to the
    professional and the supervisor (not the reason they gave)."""
    relationship = request.relationship
    send_to(
        Kind.CONSULTATION_REQUESTED,
        f"consultation_requested:{request.pk}",
        [
            u
            for u in [*_users(relationship, role="professional"), *_supervisor(relationship)]
            if u.pk != by.pk
        ],
        relationship=relationship,
        link=_page("consultation", relationship),
    )
