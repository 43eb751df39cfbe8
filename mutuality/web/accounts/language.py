"""Each person's language: the middleware that puts their pages in it, and the page where they
choose it (/accounts/language/, linked from "Your account").

A signed-in person's choice wins; without one (or signed out) the page is in the language the
browser asks for, among those with a catalogue, else in English (settings.LANGUAGE_CODE).
docs/architecture.md, "Other languages", says how strings are marked and checked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mutuality.web.accounts.forms import NhsFormMixin
from mutuality.web.audit.actions import record
from mutuality.web.forms_flow import FormFlow, Result, handle, saved_or_unchanged

BROWSER = ""
"""The stored value of "the language my browser asks for": no choice of one's own."""
BROWSER_CHOICE = "browser"
"""The form's value for it (an empty radio value would read as no answer)."""


def offered() -> dict[str, str]:
    """The languages a person may choose, by code, each named in its own words."""
    return dict(settings.LANGUAGES)


def language_of(request: HttpRequest) -> str:
    """The language this request's pages are in: the person's choice, else the browser's."""
    chosen = getattr(request.user, "language", BROWSER)
    if chosen in offered():
        return str(chosen)
    return translation.get_language_from_request(request)


class LanguageMiddleware:
    """Turns on each request's language (`language_of`) for everything that answers it, and
    says which it is (Content-Language) and that a signed-out page depends on the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_of(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # Django's own name for it
        response = self.get_response(request)
        patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", language)
        return response


class LanguageForm(NhsFormMixin, forms.Form):
    """The language to show pages in, or the browser's."""

    language = forms.ChoiceField(
        label=_("Show pages in"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a language"),
            "invalid_choice": _("Choose a language from the list"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [(BROWSER_CHOICE, _("The language your browser asks for"))]
        choices += list(offered().items())
        self.fields["language"].choices = choices  # type: ignore[attr-defined]

    def clean_language(self) -> str:
        language = str(self.cleaned_data["language"])
        return BROWSER if language == BROWSER_CHOICE else language


@transaction.atomic
def choose(*, user: Any, language: str) -> bool:
    """Keep the person's language; returns whether it changed (a change is audited)."""
    before = user.language
    if language == before:
        return False
    user.language = language
    user.save(update_fields=["language"])
    record(
        user=user,
        action="update",
        obj=user,
        organisation_id=user.organisation_id,
        field="language",
        before=before,
        after=language,
    )
    return True


@login_required
@require_http_methods(["GET", "POST"])
def choose_language(request: HttpRequest) -> HttpResponse:
    """Choose the language of one's pages; a saved choice takes effect on the next page."""
    user: Any = request.user

    def make_form(data: QueryDict | None) -> LanguageForm:
        return LanguageForm(data, initial={"language": user.language or BROWSER_CHOICE})

    def act(form: LanguageForm) -> Result:
        changed = choose(user=user, language=form.cleaned_data["language"])
        translation.activate(language_of(request))  # the message in the new language
        return saved_or_unchanged(changed, _("Your language is saved."))

    def show(form: LanguageForm) -> HttpResponse:
        return render(request, "accounts/language.html", {"form": form})

    return handle(
        request,
        FormFlow(
            form=make_form,
            act=act,
            show=show,
            then=reverse("accounts:account"),
            page="language",
            organisation_id=user.organisation_id,
        ),
    )
