"""Middleware of the web app's own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers

SIGNED_OUT = "mutuality_signed_out"
"""Set on a request that signed its person out (accounts/sessions.py), for ClearSiteData."""


class NoStoreMiddleware:
    """Every page and download the app makes tells browsers and proxies to keep no copy
    (`Cache-Control: no-store`, ASVS v5 14.3.2): nearly all of them hold someone's health
    information, and a shared or stolen computer must not show it again from its cache.

    A response that already sets Cache-Control keeps it. Static files never get here:
    WhiteNoise, above this in settings.MIDDLEWARE, answers them itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


class ClearSiteDataMiddleware:
    """The answer to a request that signed someone out, by their choice or at a session's
    limit, tells the browser to drop this site's cache and storage (`Clear-Site-Data`, ASVS
    v5 14.3.1): nothing of what they read stays behind on a shared computer.

    Cookies are left alone: the session that carries "You have signed out" to the sign-in
    page is a new one, and the old one is already gone on the server.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if getattr(request, SIGNED_OUT, False):
            response["Clear-Site-Data"] = '"cache", "storage"'
        return response


class RefuseTraceMiddleware:
    """TRACE is answered 405 everywhere (ASVS v5 13.4.4). Without this, a view that does not
    limit its methods would answer TRACE as if it were GET; no page needs it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if request.method == "TRACE":
            return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
        return self.get_response(request)
