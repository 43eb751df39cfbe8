"""How often one signed-in person may make a costly or writing request (ASVS v5 2.4.1).

Three kinds of request are counted for each signed-in person, a minute at a time:
downloads (the PDFs, CSVs, JSON and case files the app makes, named in DOWNLOADS), uploads
of a case file, and every other form sent (POST, PUT, PATCH or DELETE). Past
`settings.MUTUALITY_RATE_LIMITS[kind]` in one minute the request is answered with the "Too
many requests" page (429, with `Retry-After`) before its view runs, and a `rate_limited`
security event names the kind. The limits are generous for a person at a keyboard and tight
for a script using their session.

Never counted: a signed-out request (django-axes and allauth limit signing in and reset
emails), reading an ordinary page, and signing out, which always works.

The counts live in the cache every server process shares (settings.CACHES), one counter for
each person, kind and minute: `incr` counts, and `add` starts the counter (only one request
of the minute can). Redis counts atomically; the database cache reads and then writes, so two
requests arriving at the same instant may be counted as one, letting a limit be passed by a
few, never by many.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext

from mutuality.web.security_log import security_event

WINDOW_SECONDS = 60
# The views that make a file to download, by URL name (a test checks that every route ending
# in .pdf, .csv, .json or .yaml is here).
DOWNLOADS = frozenset(
    {
        "accounts:record-pdf",
        "api:openapi-json",  # the API's description (its endpoints count per token: api/auth.py)
        "accounts:record-json",
        "organisation:record-pdf",
        "organisation:record-json",
        "relationships:export",
        "relationships:audit-csv",
        "reports:relationship-pdf",
        "reports:service-csv",
        "reports:transparency-csv",
        "reports:transparency-json",
    }
)
UPLOADS = frozenset({"relationships:upload"})
# Signing out must always work, however many forms someone has sent.
NEVER_COUNTED = frozenset({"accounts:logout", "account_logout"})
WRITING_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def clock() -> float:
    """Seconds since the epoch: the one clock the windows are read from (tests move it)."""
    return time.time()


def kind_of(request: HttpRequest) -> str | None:
    """Which limit a request counts against: "download", "upload", "write", or None."""
    match = request.resolver_match
    name = match.view_name if match is not None else None
    if name in NEVER_COUNTED:
        return None
    if name in DOWNLOADS:
        return "download"
    if request.method not in WRITING_METHODS:
        return None
    return "upload" if name in UPLOADS else "write"


def seconds_to_wait(user_id: int | str, kind: str, now: float) -> int | None:
    """Count this request; None while the person is within the limit, else how many seconds
    remain until the minute ends and they may try again."""
    window = int(now // WINDOW_SECONDS)
    key = f"throttle:{user_id}:{kind}:{window}"
    cache = caches["default"]
    try:
        count = cache.incr(key)
    except ValueError:
        # The minute's first request starts the counter, unless another request started it at
        # the same moment. It outlives its minute, so that a slow request never restarts it.
        started = cache.add(key, 1, timeout=2 * WINDOW_SECONDS)
        count = 1 if started else cache.incr(key)
    if count <= settings.MUTUALITY_RATE_LIMITS[kind]:
        return None
    return max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))


def _what_happened(kind: str) -> str:
    """One sentence for the page: what was refused, and that nothing was done."""
    if kind == "download":
        return gettext("You have downloaded too many files in the last minute.")
    if kind == "upload":
        return gettext(
            "You have uploaded too many case files in the last minute. This one was not uploaded."
        )
    return gettext("You have sent too many changes in the last minute. This one was not saved.")


def too_many(request: HttpRequest, kind: str, wait: int) -> HttpResponseBase:
    """The service's "Too many requests" page, saying when to try again."""
    response = render(
        request,
        "429.html",
        {"what_happened": _what_happened(kind), "wait_seconds": wait},
        status=429,
    )
    response["Retry-After"] = str(wait)
    return response


class ThrottleMiddleware:
    """Turn away a signed-in person's download, upload or form past its limit for the minute
    (settings.MUTUALITY_RATE_LIMITS), before the view runs: nothing is made or written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        kind = kind_of(request)
        if kind is None:
            return None
        wait = seconds_to_wait(user.pk, kind, clock())
        if wait is None:
            return None
        security_event(
            "rate_limited",
            "Too many requests of one kind in a minute",
            status=429,
            level=logging.WARNING,
            limit=kind,
        )
        return too_many(request, kind, wait)
