"""Writes about the people in a relationship: proposing it, inviting, consent, affected parties.

Each is atomic and audited; each change to an existing relationship first bumps its revision
(refusing a stale one with `StaleEdit`) and ends with a fresh stored assessment.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from mutuality.web.accounts.addresses import mark_verified
from mutuality.web.accounts.models import Role, hash_token
from mutuality.web.audit.actions import record
from mutuality.web.outbox import events
from mutuality.web.relationships.actions import StaleEdit, bump_revision, reassess
from mutuality.web.relationships.consent_history import consent_changed, state
from mutuality.web.relationships.models import (
    AffectedParty,
    Invitation,
    Participant,
    Relationship,
)
from mutuality.web.stored_words import said

# A token is 43 characters (`token_urlsafe(32)`); anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 100


class InvalidChoice(Exception):
    """What was asked for no longer makes sense (the page was out of date)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _where(relationship: Relationship) -> dict[str, Any]:
    return {"relationship_id": relationship.pk, "organisation_id": relationship.organisation_id}


@transaction.atomic
def propose(
    *,
    by: Any,
    title: str,
    setting: str,
    co_produced: list[str],
    my_id: str,
    their_id: str,
    supervisor: Any | None,
) -> Relationship:
    """A relationship at stage proposed, with its professional and the person they will invite.

    The case format needs both a professional and a recipient, so the person the
    professional will work with is added now (without a login) and invited next.
    """
    relationship = Relationship.objects.create(
        organisation_id=by.organisation_id,
        title=title,
        stage="proposed",
        setting=setting,
        co_produced_elements=co_produced,
        supervisor=supervisor,
        supervisor_name=supervisor.shown_name if supervisor is not None else "",
    )
    record(user=by, action="create", obj=relationship, **_where(relationship), title=title)
    for position, (slug, role, user) in enumerate(
        ((my_id, "professional", by), (their_id, "recipient", None))
    ):
        participant = Participant.objects.create(
            relationship=relationship, slug=slug, role=role, user=user, position=position
        )
        consent_changed(participant)
        record(user=by, action="create", obj=participant, **_where(relationship), role=role)
    reassess(
        relationship, reason=said(gettext_noop("%(who)s proposed the relationship"), who=my_id)
    )
    return relationship


@transaction.atomic
def invite(
    *,
    relationship: Relationship,
    by: Any,
    slug: str,
    display_name: str,
    expected_revision: int,
    email: str = "",
) -> tuple[Invitation, str]:
    """A new single-use link for a co-producer; returns the invitation and its secret token.

    Only the token's hash is stored, so the link can be shown once and never again (and, given
    an `email` address, emailed once). A new link for the same person replaces any earlier one
    that has not been used.
    """
    bump_revision(relationship, expected_revision)
    participant = relationship.participants.filter(slug=slug).first()
    if participant is not None and (participant.role != "recipient" or participant.user_id):
        raise InvalidChoice("participant", gettext("This person can no longer be invited"))
    if participant is None:
        last = relationship.participants.order_by("-position").first()
        participant = Participant.objects.create(
            relationship=relationship,
            slug=slug,
            role="recipient",
            position=(last.position + 1) if last else 0,
        )
        consent_changed(participant)
        record(
            user=by,
            action="create",
            obj=participant,
            **_where(relationship),
            role="recipient",
        )
    now = timezone.now()
    replaced = participant.invitations.filter(used_at__isnull=True, expires_at__gt=now)
    for old in replaced:
        record(user=by, action="update", obj=old, **_where(relationship), field="expires_at")
    replaced.update(expires_at=now)
    token = secrets.token_urlsafe(32)
    email_token = secrets.token_urlsafe(32) if email else ""
    invitation = Invitation.objects.create(
        participant=participant,
        token_hash=hash_token(token),
        created_by=by,
        expires_at=now + timedelta(days=settings.INVITATION_DAYS),
        display_name=display_name,
        emailed_to=email,
        email_token_hash=hash_token(email_token) if email else None,
    )
    record(
        user=by,
        action="create",
        obj=invitation,
        **_where(relationship),
        participant=participant.pk,
        display_name=display_name,
        emailed=bool(email),
    )
    if email:
        accept = events.link(reverse("relationships:invitation", args=[email_token]))
        events.invitation(invitation, to=email, link_to_accept=accept)
    reassess(
        relationship,
        reason=said(gettext_noop("%(who)s was invited to set up their login"), who=slug),
    )
    return invitation, token


class LinkProblem(StrEnum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"


def find_invitation(token: str) -> tuple[Invitation | None, LinkProblem | None]:
    """The invitation a link's token opens, or why it opens nothing."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None, LinkProblem.UNKNOWN
    hashed = hash_token(token)
    invitation = (
        Invitation.objects.filter(Q(token_hash=hashed) | Q(email_token_hash=hashed))
        .select_related("participant__relationship", "created_by")
        .first()
    )
    if invitation is None:
        return None, LinkProblem.UNKNOWN
    if invitation.used_at is not None or invitation.participant.user_id is not None:
        return invitation, LinkProblem.USED
    if invitation.expires_at <= timezone.now():
        return invitation, LinkProblem.EXPIRED
    return invitation, None


def invited_name(invitation: Invitation) -> str:
    """The name the professional gave when they made the invitation ('' if none); the
    set-password page offers it, and the person may change it."""
    return invitation.display_name


def came_by_email(invitation: Invitation, token: str) -> bool:
    """Whether this token is the one only the invitation's email held (not the on-screen one)."""
    return bool(invitation.email_token_hash) and invitation.email_token_hash == hash_token(token)


class LinkUsed(Exception):
    """The invitation was used (or expired) while the person was filling in the form."""


@transaction.atomic
def accept_invitation(*, invitation: Invitation, form: Any, by_email: bool = False) -> Any:
    """Create the co-producer's login from the completed form, and link it to the participant.

    `form` is a valid AcceptInvitationForm whose (unsaved) user has the chosen username.
    The invitation is marked used in the same step that checks it is still usable, so a
    link can never make two logins. Accepted `by_email` (the emailed link), the login gets the
    address it was mailed to, verified, unless another login already has that address.
    """
    now = timezone.now()
    claimed = Invitation.objects.filter(
        pk=invitation.pk, used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    participant = Participant.objects.select_for_update().get(pk=invitation.participant_id)
    if claimed != 1 or participant.user_id is not None:
        raise LinkUsed
    relationship = participant.relationship
    user = form.user
    user.organisation_id = relationship.organisation_id
    user.role = Role.CO_PRODUCER
    address = _proven_address(invitation) if by_email else ""
    user.email = address
    user = form.save()
    where = _where(relationship)
    record(user=user, action="create", obj=user, **where, username=user.username)
    if address:
        mark_verified(user, address, how="emailed invitation")
    record(user=user, action="update", obj=invitation, **where, field="used_at")
    participant.user = user
    participant.save(update_fields=["user"])
    record(user=user, action="update", obj=participant, **where, field="user", after=user.pk)
    bump_revision(relationship)
    reassess(
        relationship, reason=said(gettext_noop("%(who)s set up their login"), who=participant.slug)
    )
    return user


def _proven_address(invitation: Invitation) -> str:
    """The address the invitation was mailed to, if no other login has it already."""
    address = invitation.emailed_to.lower()
    if not address or get_user_model().objects.filter(email__iexact=address).exists():
        return ""
    return address


def new_user() -> Any:
    """An unsaved co-producer, for the set-password form to fill in."""
    return get_user_model()(role=Role.CO_PRODUCER)


@transaction.atomic
def add_affected_party(
    *,
    relationship: Relationship,
    by: Any,
    name: str,
    consent: str,
    reason: str,
    expected_revision: int,
) -> AffectedParty:
    """Someone else the relationship affects; saying so also marks the affected as identified."""
    bump_revision(relationship, expected_revision)
    last = relationship.affected_parties.order_by("-position").first()
    party = AffectedParty.objects.create(
        relationship=relationship,
        name=name,
        consent=consent,
        reason=reason,
        position=(last.position + 1) if last else 0,
    )
    consent_changed(party)
    record(user=by, action="create", obj=party, **_where(relationship), name=name, consent=consent)
    if not relationship.affected_identified:
        Relationship.objects.filter(pk=relationship.pk).update(affected_identified=True)
        record(
            user=by,
            action="update",
            obj=relationship,
            **_where(relationship),
            field="affected_identified",
            before=False,
            after=True,
        )
    reassess(
        relationship,
        reason=said(
            gettext_noop("%(name)s added as affected (consent: %(consent)s)"),
            name=name,
            consent=consent,
        ),
    )
    return party


@transaction.atomic
def update_affected_party(
    *,
    party: AffectedParty,
    by: Any,
    name: str,
    consent: str,
    reason: str,
    expected_revision: int,
) -> AffectedParty:
    """Change what is recorded about someone the relationship affects."""
    relationship = party.relationship
    bump_revision(relationship, expected_revision)
    before = {"name": party.name, "consent": party.consent, "reason": party.reason}
    after = {"name": name, "consent": consent, "reason": reason}
    was = state(party)
    party.name, party.consent, party.reason = name, consent, reason
    party.save(update_fields=["name", "consent", "reason"])
    consent_changed(party, was)
    for field, value in after.items():
        if before[field] != value:
            record(
                user=by,
                action="update",
                obj=party,
                **_where(relationship),
                field=field,
                before=before[field],
                after=value,
            )
    reassess(
        relationship,
        reason=said(
            gettext_noop("consent of %(name)s is now %(consent)s"), name=name, consent=consent
        ),
    )
    return party


@transaction.atomic
def nobody_else_affected(*, relationship: Relationship, by: Any, expected_revision: int) -> None:
    """Record that the relationship affects nobody beyond its participants."""
    bump_revision(relationship, expected_revision)
    if relationship.affected_parties.exists():
        raise InvalidChoice(
            "revision", gettext("People affected by this relationship are already listed")
        )
    Relationship.objects.filter(pk=relationship.pk).update(affected_identified=True)
    record(
        user=by,
        action="update",
        obj=relationship,
        **_where(relationship),
        field="affected_identified",
        before=relationship.affected_identified,
        after=True,
        nobody_else=True,
    )
    reassess(relationship, reason="recorded that nobody else is affected")


__all__ = [
    "InvalidChoice",
    "LinkProblem",
    "LinkUsed",
    "StaleEdit",
    "accept_invitation",
    "add_affected_party",
    "find_invitation",
    "invite",
    "invited_name",
    "new_user",
    "nobody_else_affected",
    "propose",
    "update_affected_party",
]
