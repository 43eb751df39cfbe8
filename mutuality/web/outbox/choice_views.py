"""The page where each person chooses which non-urgent messages they get (/accounts/messages/)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mutuality.web.accounts.forms import NhsFormMixin
from mutuality.web.accounts.models import Role
from mutuality.web.forms_flow import FormFlow, Result, handle, saved_or_unchanged
from mutuality.web.outbox import choices
from mutuality.web.outbox.models import Kind
from mutuality.web.relationships.forms.common import field_of


class ChoicesForm(NhsFormMixin, forms.Form):
    """The kinds of message a person may turn off, ticked when they get them."""

    wanted = forms.MultipleChoiceField(
        label=_("Email me when"),
        help_text=_("Untick any you do not want. You can change this at any time."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose only messages from the list")},
    )

    def __init__(self, *args: Any, offered: tuple[Kind, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "wanted", forms.MultipleChoiceField).choices = [
            (kind.value, choices.WORDS[kind]) for kind in offered
        ]


ALWAYS = {
    Role.PROFESSIONAL: _("a safety flag is raised in a relationship you work in"),
    Role.SUPERVISOR: _("a safety flag is raised in a relationship you supervise"),
}
"""The always-sent message a role gets beyond the ones of signing in, in the page's words."""


@login_required
@require_http_methods(["GET", "POST"])
def message_choices(request: HttpRequest) -> HttpResponse:
    """Choose which messages to get; safety messages and password links always go."""
    user: Any = request.user
    offered = choices.offered(user)

    def make_form(data: QueryDict | None) -> ChoicesForm:
        initial = {"wanted": [kind.value for kind in offered if kind in choices.wanted(user)]}
        return ChoicesForm(data, initial=initial, offered=offered)

    def act(form: ChoicesForm) -> Result:
        wanted = {Kind(value) for value in form.cleaned_data["wanted"]}
        changed = choices.choose(user=user, wanted_kinds=wanted)
        return saved_or_unchanged(changed, gettext("Your choices are saved."))

    def show(form: ChoicesForm) -> HttpResponse:
        context = {"form": form, "offered": offered, "always": ALWAYS.get(user.role, "")}
        return render(request, "accounts/messages.html", context)

    return handle(
        request,
        FormFlow(
            form=make_form,
            act=act,
            show=show,
            then=reverse("accounts:messages"),
            page="messages",
            organisation_id=user.organisation_id,
        ),
    )
