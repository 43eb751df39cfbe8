"""Middleware of the web app's own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import add_never_cache_headers


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
