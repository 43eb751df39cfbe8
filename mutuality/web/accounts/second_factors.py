"""Second factors (allauth.mfa; ADR 0010): what happens around allauth's own flows.

- `User.has_second_factor` follows allauth's `Authenticator` rows (an authenticator app or a
  passkey; recovery codes alone are not one), so that the check every staff request makes reads
  the user already loaded. It follows the rows themselves, not allauth's signals, so an admin's
  reset that deletes them, by any route, leaves the account needing setup again.
- Adding or removing a second factor, renaming a passkey, making new recovery codes and using
  one are audited writes, and security events in the logs.
- A wrong code, or a passkey that is refused, is a failed sign-in to django-axes, on the account's username, so it counts
  in the same [username, address] lockout as a wrong password (ADR 0009).
- `current_code` is the code an authenticator app would show now: for the demo's code page
  and the tests, never shown outside the demo.
"""

from __future__ import annotations

from typing import Any

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest

from mutuality.web.accounts.models import User
from mutuality.web.accounts.secrets_at_rest import UnreadableSecret
from mutuality.web.audit.actions import record
from mutuality.web.security_log import security_event

# What counts as a second factor; recovery codes only stand in for one.
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
KIND = {
    Authenticator.Type.TOTP: "authenticator app",
    Authenticator.Type.WEBAUTHN: "passkey",
    Authenticator.Type.RECOVERY_CODES: "recovery codes",
}


@receiver(post_save, sender=Authenticator)
def _authenticator_saved(sender: Any, instance: Authenticator, created: bool, **_: Any) -> None:
    if created and instance.type in SECOND_FACTORS:
        User.objects.filter(pk=instance.user_id).update(has_second_factor=True)


@receiver(post_delete, sender=Authenticator)
def _authenticator_deleted(sender: Any, instance: Authenticator, **_: Any) -> None:
    if instance.type in SECOND_FACTORS:
        still = Authenticator.objects.filter(user_id=instance.user_id, type__in=SECOND_FACTORS)
        User.objects.filter(pk=instance.user_id).update(has_second_factor=still.exists())


def _audited(request: HttpRequest, user: Any, authenticator: Authenticator, how: str) -> None:
    """One change to how someone signs in: in the audit trail and the security log."""
    actor = getattr(request, "user", None)
    record(
        user=actor if getattr(actor, "is_authenticated", False) else user,
        action="update",
        obj=user,
        organisation_id=user.organisation_id,
        field="second_factor",
        how=how,
        kind=KIND.get(authenticator.type, authenticator.type),
    )
    security_event("second_factor_changed", f"Second factor {how}", user=user, request=request)


@receiver(mfa_signals.authenticator_added)
def _added(sender: Any, request: HttpRequest, user: Any, authenticator: Any, **_: Any) -> None:
    _audited(request, user, authenticator, "added")


@receiver(mfa_signals.authenticator_removed)
def _removed(sender: Any, request: HttpRequest, user: Any, authenticator: Any, **_: Any) -> None:
    _audited(request, user, authenticator, "removed")


@receiver(mfa_signals.authenticator_reset)
def _reset(sender: Any, request: HttpRequest, user: Any, authenticator: Any, **_: Any) -> None:
    _audited(request, user, authenticator, "made again")


def renamed(request: HttpRequest, authenticator: Authenticator) -> None:
    """A passkey given a new name (allauth sends no signal for it)."""
    _audited(request, request.user, authenticator, "renamed")


@receiver(mfa_signals.authenticator_used)
def _used(sender: Any, request: HttpRequest, user: Any, authenticator: Any, **_: Any) -> None:
    # Using a recovery code spends it (a write); a code from an app or a passkey spends nothing.
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        _audited(request, user, authenticator, "used")


@receiver(mfa_signals.authentication_failed)
def _wrong_code(sender: Any, request: HttpRequest, user: Any, **_: Any) -> None:
    """A wrong code or a refused passkey, told to django-axes as a failed sign-in by this username, so it counts
    towards the same lockout as a wrong password (and is logged like one)."""
    user_login_failed.send(
        sender=__name__, credentials={"username": user.get_username()}, request=request
    )


def current_code(user: Any, *, at: float | None = None) -> str | None:
    """The code this person's authenticator app shows now (or at `at`), or None without one
    (or with one whose key no longer opens: the adapter has logged it)."""
    totp = Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.TOTP).first()
    if totp is None:
        return None
    try:
        secret = decrypt(totp.data["secret"])
    except UnreadableSecret:
        return None
    step = _current_step() if at is None else int(at) // mfa_settings.TOTP_PERIOD
    return str(format_hotp_value(hotp_value(secret, step)))


def _current_step() -> int:
    """The step whose code allauth takes now, by allauth's own clock: the middle of the steps
    it accepts (the current one, with MFA_TOTP_TOLERANCE on either side: none here)."""
    accepted: list[int] = list(yield_hotp_counters_from_time())
    return accepted[len(accepted) // 2]
