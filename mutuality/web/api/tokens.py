"""Making, finding and revoking a person's API tokens (ADR 0018).

A token is `mty_` and 32 random bytes in URL-safe base64. Only its SHA-256 digest is stored:
with 256 random bits there is nothing for a slow, salted hash to protect, and the digest finds
the token in one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mutuality.web.api.models import ApiToken
from mutuality.web.audit.actions import record

MARK = "mty_"
DEFAULT_DAYS = 90
MOST_DAYS = 365
PREFIX_LENGTH = 10  # "mty_" and six characters: enough to tell a person's tokens apart


class TokenRefused(ValueError):
    """A token cannot be made as asked; the message names what to change."""


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_days(days: int) -> int:
    """The days a new token lasts: 1 to MOST_DAYS."""
    if not 1 <= days <= MOST_DAYS:
        raise TokenRefused(f"A token lasts from 1 to {MOST_DAYS} days, not {days}.")
    return days


@transaction.atomic
def make_token(user: Any, *, name: str, days: int = DEFAULT_DAYS, by: Any) -> tuple[ApiToken, str]:
    """A new token for `user`, and the secret itself, which is shown once and never kept."""
    name = name.strip()
    if not name:
        raise TokenRefused("Give the token a name, so you can tell it apart later.")
    if not user.is_active or user.erased:
        raise TokenRefused(f"{user.username} cannot sign in, so cannot have a token.")
    secret = MARK + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=secret[:PREFIX_LENGTH],
        digest=digest_of(secret),
        created=now,
        expires=now + timedelta(days=check_days(days)),
    )
    record(user=by, action="create", obj=token, organisation_id=user.organisation_id, days=days)
    return token, secret


def token_for(secret: str) -> ApiToken | None:
    """The live token with this secret (not expired or revoked, its person able to sign in),
    with its person; None otherwise. One query."""
    if not secret.startswith(MARK):
        return None
    found = (
        ApiToken.objects.select_related("user")
        .filter(digest=digest_of(secret), revoked__isnull=True, expires__gt=timezone.now())
        .first()
    )
    if found is None or not found.user.is_active or found.user.erased:
        return None
    return found


def own_tokens(user: Any) -> QuerySet[ApiToken]:
    """A person's tokens that have not been revoked, newest first (expired ones too, so they
    see why one stopped working)."""
    return ApiToken.objects.filter(user=user, revoked__isnull=True)


@transaction.atomic
def revoke(token: ApiToken, *, by: Any) -> None:
    """Stop a token working, from now on; it is kept, revoked, for the audit trail."""
    if token.revoked is not None:
        return
    token.revoked = timezone.now()
    token.save(update_fields=["revoked"])
    record(
        user=by,
        action="update",
        obj=token,
        organisation_id=token.user.organisation_id,
        field="revoked",
    )
