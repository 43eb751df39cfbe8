"""Correcting one's own details (/accounts/details/, linked from "Your account"): the right to
rectification, for what is a person's own to correct.

A person corrects their own name here: the name on their login, which every page, report,
download and email uses for them, in every relationship they are in (it wins over the name a
case file gave them: `Participant.called`). Their email address, language and password have
their own pages. What a relationship records about them they correct on their own page in it,
as `access.describes` lets them (a co-producer describes themselves); what someone else wrote
they ask that person, the supervisor or the organisation's admin to correct. The page says so,
and docs/security.md, "People's rights", says why.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from mutuality.web.access import own_relationships
from mutuality.web.accounts.forms import NhsFormMixin
from mutuality.web.accounts.models import User
from mutuality.web.audit.actions import record
from mutuality.web.forms_flow import FormFlow, Result, handle, saved_or_unchanged

NAME_LENGTH = User._meta.get_field("display_name").max_length or 200


class DetailsForm(NhsFormMixin, forms.Form):
    """The details a person corrects themselves: their name."""

    display_name = forms.CharField(
        label=_("Your name"),
        help_text=_(
            "The name everyone sees for you in Mutuality: in each relationship you are in, "
            "on its reports and in emails about you."
        ),
        max_length=NAME_LENGTH,
        strip=True,
        error_messages={
            "required": _("Enter your name"),
            "max_length": _("Your name must be %(limit_value)d characters or fewer"),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )


def own_name(user: Any) -> str:
    """The name they go by now, as they would type it: their display name, else their full
    name, else nothing (never their username, which is not a name)."""
    return str(user.display_name or f"{user.first_name} {user.last_name}".strip())


@transaction.atomic
def correct_name(*, user: Any, name: str) -> bool:
    """Keep the person's corrected name; returns whether it changed. A change is audited by
    the field's name alone: a name never enters the trail (audit/actions.py, `kept`)."""
    if name == own_name(user):
        return False
    user.display_name = name
    user.save(update_fields=["display_name"])
    record(
        user=user,
        action="update",
        obj=user,
        organisation_id=user.organisation_id,
        field="display_name",
    )
    return True


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def own_details(request: HttpRequest) -> HttpResponse:
    """Correct one's own name; the page says where to correct everything else."""
    user: Any = request.user

    def make_form(data: QueryDict | None) -> DetailsForm:
        return DetailsForm(data, initial={"display_name": own_name(user)})

    def act(form: DetailsForm) -> Result:
        changed = correct_name(user=user, name=form.cleaned_data["display_name"])
        return saved_or_unchanged(changed, _("Your name is saved."))

    def show(form: DetailsForm) -> HttpResponse:
        # Where they describe themselves: their own page in each relationship they are in.
        mine = own_relationships(user).order_by("relationship__title", "relationship_id")
        return render(request, "accounts/details.html", {"form": form, "own_pages": mine})

    return handle(
        request,
        FormFlow(
            form=make_form,
            act=act,
            show=show,
            then=reverse("accounts:account"),
            page="details",
            organisation_id=user.organisation_id,
        ),
    )
