"""The address a request came from, as sign-in limits (django-axes) and the logs see it.

Directly on the internet that is the connection's own address. Behind trusted reverse
proxies (MUTUALITY_TRUSTED_PROXY=N) each proxy appends the address it was reached from to
X-Forwarded-For, so the client is the N-th entry from the right; the entries to the left of
it were sent by the client and could say anything, so they are never used.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, or the connection's if the proxies did not say."""
    proxies: int = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    remote: str | None = request.META.get("REMOTE_ADDR")
    if not proxies:
        return remote
    header: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [entry.strip() for entry in header.split(",") if entry.strip()]
    if len(forwarded) < proxies:
        return remote  # the request did not come through every proxy
    return forwarded[-proxies]
