"""Staff set up a second factor before anything else (ADR 0010)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse

from mutuality.web.access import must_set_up_second_factor


class SecondFactorRequiredMiddleware:
    """A signed-in member of staff without a second factor is sent to the page that sets one
    up from every page but their account's own (/accounts/: setting up, signing out, their
    password), the help, accessibility and privacy pages (/about/) and the static files: so they reach no relationship, report or organisation
    page until they have one. The rule itself is `access.must_set_up_second_factor`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response
        self.open_paths = ("/accounts/", "/about/", f"/{settings.STATIC_URL.strip('/')}/")

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        if must_set_up_second_factor(request.user) and not request.path.startswith(self.open_paths):
            return HttpResponseRedirect(reverse("mfa_index"))
        return self.get_response(request)
