"""The pages every footer links to: help, the accessibility statement and the privacy notice.

Anyone may read them, signed in or not, and staff still setting up a second factor too
(accounts/middleware.py leaves /about/ open). Signed in, they name the reader's organisation,
the one that holds their information; signed out, they speak of "the service that invited
you". They only read, so nothing is audited.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from mutuality.framework import VOCABULARY
from mutuality.web.accounts.models import Organisation

app_name = "about"


def _organisation(request: HttpRequest) -> Organisation | None:
    user = request.user
    return getattr(user, "organisation", None) if user.is_authenticated else None


def _page(template: str) -> Callable[[HttpRequest], HttpResponse]:
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        context = {
            "organisation": _organisation(request),
            "advice": VOCABULARY["recommendation"].values(),
        }
        return render(request, template, context)

    return view


urlpatterns = [
    path("help/", _page("about/help.html"), name="help"),
    path("accessibility/", _page("about/accessibility.html"), name="accessibility"),
    path("privacy/", _page("about/privacy.html"), name="privacy"),
]
