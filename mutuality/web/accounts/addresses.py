"""Each person's email address as allauth keeps it (`EmailAddress`), in step with `User.email`,
and whether they have shown they receive mail there (ADR 0009, "Verified email addresses").

`User.email` is the address Mutuality writes to; its `EmailAddress` row is the primary one and
says whether it is verified. A second, unverified row is an address someone asked to change to:
it replaces the primary one only when they follow the confirmation link sent to it (allauth's
ACCOUNT_CHANGE_EMAIL), so until then mail still goes to the old address.

An address is verified only by a link that was mailed to it: an emailed invitation link (which
differs from the link shown on the inviter's screen) or allauth's confirmation link. A reset
link is mailed only to a verified address, so following one proves nothing new.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from mutuality.web.audit.actions import record


@receiver(post_save, sender=get_user_model())
def user_saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """Keep the primary `EmailAddress` row on the address a saved login holds (a save that
    names its fields and leaves out `email` cannot have changed it)."""
    if kwargs.get("raw") or (update_fields is not None and "email" not in update_fields):
        return
    keep_in_step(instance)


def keep_in_step(user: Any) -> None:
    """Make the person's primary row the address `User.email` holds (none if it is empty).
    An address they have asked to change to stays, unverified, beside it."""
    email = (user.email or "").lower()
    rows = list(EmailAddress.objects.filter(user_id=user.pk))
    primary = next((row for row in rows if row.primary), None)
    if primary is not None and primary.email == email:
        return
    with transaction.atomic():
        if primary is not None:
            primary.delete()
        if not email:
            return
        row = next((row for row in rows if row.email == email and row is not primary), None)
        if row is None:
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
        else:
            row.primary = True
            row.save(update_fields=["primary"])


def primary_address(user: Any) -> EmailAddress | None:
    """The row for the address Mutuality writes to, if the person has one."""
    return EmailAddress.objects.filter(user_id=user.pk, primary=True).first()


def pending_address(user: Any) -> EmailAddress | None:
    """The address the person asked to change to and has not yet confirmed, if any."""
    return EmailAddress.objects.filter(user_id=user.pk, primary=False, verified=False).last()


def is_verified(user: Any) -> bool:
    """Whether the address Mutuality writes to is one the person has shown they receive."""
    found = EmailAddress.objects.filter(user_id=user.pk, primary=True, verified=True)
    return bool(found.exists())


def mark_verified(user: Any, email: str, *, how: str) -> bool:
    """Record that `user` receives mail at `email` (their primary address), audited; `how` says
    what proved it. False, and nothing written, when it is not their address or another login
    has already verified it."""
    row = EmailAddress.objects.filter(user_id=user.pk, email=email.lower(), primary=True).first()
    if row is None:
        return False
    if row.verified:
        return True
    if not row.set_verified(commit=True):
        return False
    record(
        user=user,
        action="update",
        obj=row,
        organisation_id=user.organisation_id,
        field="verified",
        how=how,
    )
    return True


def verified_owners(email: str) -> list[Any]:
    """The active logins whose verified address this is (one at most: a verified address
    belongs to one login)."""
    found = EmailAddress.objects.filter(email=email.strip().lower(), verified=True)
    return [row.user for row in found.select_related("user") if row.user.is_active]
