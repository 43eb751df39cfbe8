"""What django-axes counts wrong passwords against (AXES_USERNAME_CALLABLE; ADR 0009)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest


def username_tried(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The username typed, or, for an email address that belongs to one person, their username:
    so guesses by email and by username share one count, and one lockout."""
    typed = str((credentials or {}).get("username") or request.POST.get("username", ""))
    if "@" not in typed:
        return typed
    owners = list(
        get_user_model()
        .objects.filter(email__iexact=typed.strip())
        .values_list("username", flat=True)[:2]
    )
    return owners[0] if len(owners) == 1 else typed
