"""`Authorization: Bearer mty_…`: the token's person, through the same decisions as pages.

A wrong, expired or revoked token is refused alike (401), so a caller learns nothing from the
difference. A token's requests are counted a minute at a time (throttle.py's counters, under
the `api` limit of MUTUALITY_RATE_LIMITS); past the limit the answer is 429 with Retry-After.
Staff without a second factor may use no page but the one that sets it up (ADR 0010), and so
no endpoint either (403).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer

from mutuality.web import throttle
from mutuality.web.access import must_set_up_second_factor
from mutuality.web.api.models import ApiToken
from mutuality.web.api.tokens import token_for
from mutuality.web.security_log import security_event


class TooManyRequests(Exception):
    """A token past its limit for the minute; `wait` is the seconds until it may try again."""

    def __init__(self, wait: int) -> None:
        super().__init__(wait)
        self.wait = wait


class NeedsSecondFactor(Exception):
    """Staff whose login has no second factor yet."""


class PlainHttp(Exception):
    """A request over plain HTTP where the service requires HTTPS (settings.SECURE_SSL_REDIRECT)."""


def token_of(request: HttpRequest) -> ApiToken | None:
    """The token a request was made with, once it was accepted."""
    token: ApiToken | None = getattr(request, "api_token", None)
    return token


class TokenBearer(HttpBearer):
    """The API's one way in: a person's token (ADR 0018)."""

    def __call__(self, request: HttpRequest) -> Any:
        # Pages are redirected to HTTPS; the API is exempt (settings.SECURE_REDIRECT_EXEMPT)
        # and refuses instead, before it reads the token (ASVS v5 4.1.2).
        if settings.SECURE_SSL_REDIRECT and not request.is_secure():
            security_event(
                "api_plain_http", "An API request came over plain HTTP", level=logging.WARNING
            )
            raise PlainHttp
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = token_for(token)
        if found is None:
            security_event(
                "api_token_refused", "An API token was refused", status=401, level=logging.WARNING
            )
            return None
        # From here the request acts as the token's person, as a page does for whoever is
        # signed in, and is audited and counted as theirs.
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        wait = throttle.seconds_to_wait(f"token-{found.pk}", "api", throttle.clock())
        if wait is not None:
            security_event(
                "rate_limited",
                "Too many requests of one kind in a minute",
                status=429,
                level=logging.WARNING,
                limit="api",
            )
            raise TooManyRequests(wait)
        if must_set_up_second_factor(found.user):
            raise NeedsSecondFactor
        return found
