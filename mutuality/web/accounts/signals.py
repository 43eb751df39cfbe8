"""Signing in and out, as security events in the logs (ASVS v5 16.3.1).

A failed sign-in is logged without the username typed, which might be someone's password
typed in the wrong box; the address it came from is there, and a lockout (django-axes) is
an event of its own.
"""

from __future__ import annotations

import logging
from typing import Any

from axes.signals import user_locked_out  # type: ignore[import-untyped]  # no type hints
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

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
