"""Signing in and out, and changing a password, as security events in the logs (ASVS v5
16.3.1); a changed password is also in the audit trail.

A failed sign-in is logged without the username typed, which might be someone's password
typed in the wrong box; the address it came from is there, and a lockout (django-axes) is
an event of its own.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.signals import (
    email_changed,
    email_confirmed,
    password_changed,
    password_reset,
    password_set,
)
from axes.signals import user_locked_out  # type: ignore[import-untyped]  # no type hints
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from mutuality.web.audit.actions import record
from mutuality.web.security_log import security_event


@receiver(user_logged_in)
def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_event("sign_in", "Signed in", user=user, request=request)


@receiver(user_logged_out)
def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    security_event("sign_out", "Signed out", user=user, request=request)


@receiver(user_login_failed)
def sign_in_failed(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    security_event("sign_in_failed", "A sign-in failed", level=logging.WARNING, request=request)


@receiver(user_locked_out)
def locked_out(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    security_event(
        "locked_out",
        "Sign-in paused after too many wrong passwords",
        level=logging.WARNING,
        status=429,
        request=request,
    )


def _password_written(
    request: HttpRequest, user: Any, *, how: str, event: str, message: str
) -> None:
    """A person's password written (changed, reset or set): audited and logged, ids only."""
    record(
        user=user,
        action="update",
        obj=user,
        organisation_id=user.organisation_id,
        field="password",
        how=how,
    )
    security_event(event, message, user=user, request=request)


@receiver(password_changed)
def changed_password(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _password_written(
        request, user, how="changed", event="password_changed", message="Password changed"
    )


@receiver(password_reset)
def reset_password(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _password_written(
        request,
        user,
        how="reset by email",
        event="password_reset",
        message="Password reset from an emailed link",
    )


@receiver(password_set)
def set_password(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    _password_written(request, user, how="set", event="password_changed", message="Password set")


@receiver(email_confirmed)
def confirmed_email(sender: Any, request: HttpRequest, email_address: Any, **kwargs: Any) -> None:
    """An address confirmed from allauth's emailed link (addresses.py): audited."""
    user = email_address.user
    record(
        user=user,
        action="update",
        obj=email_address,
        organisation_id=user.organisation_id,
        field="verified",
        how="confirmation link",
    )
    security_event("email_confirmed", "Email address confirmed", user=user, request=request)


@receiver(email_changed)
def changed_email(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """The login's address replaced by the one just confirmed: audited (ids only)."""
    record(
        user=user,
        action="update",
        obj=user,
        organisation_id=user.organisation_id,
        field="email",
        how="confirmed new address",
    )
    security_event("email_changed", "Email address changed", user=user, request=request)
