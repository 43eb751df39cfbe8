"""A person's own email address: changing it (/accounts/email/) and asking for a link that
confirms it (/accounts/email/confirm/). The link itself is allauth's confirmation page
(account_confirm_email, templates/account/email_confirm.html); addresses.py says what an
address's rows mean."""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.email_verification import (
    send_verification_email_to_address,
)
from allauth.account.models import EmailAddress
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from mutuality.web.accounts.addresses import pending_address, primary_address
from mutuality.web.accounts.forms import ChangeEmailForm
from mutuality.web.accounts.reauthentication import full_reauthentication_required
from mutuality.web.audit.actions import record
from mutuality.web.forms_flow import Confirm, FormFlow, Result, handle


def _sent(request: HttpRequest, address: EmailAddress, *, how: str) -> None:
    """Post a confirmation link to the address (allauth's flow: at most one a few seconds per
    address, the rest quietly skipped, as the earlier link still works), audited."""
    user: Any = request.user
    record(
        user=user,
        action="update",
        obj=address,
        organisation_id=user.organisation_id,
        field="confirmation",
        how=how,
    )
    send_verification_email_to_address(request, address)


@login_required
@full_reauthentication_required(allow_get=True)
def change_email(request: HttpRequest) -> HttpResponse:
    """The address to change to: it is kept beside the current one, unverified, and a link to
    confirm it is mailed to it. Mail goes to the current address until it is confirmed.
    Sending it first asks for the password again, and the second factor of anyone with one
    (then the request is carried out): a confirmed new address could reset the password, so a
    borrowed session must not set one (ASVS v5 7.5.1)."""
    user: Any = request.user

    def act(form: ChangeEmailForm) -> Result:
        with transaction.atomic():
            address = EmailAddress.objects.add_new_email(
                request, user, form.cleaned_data["email"], send_verification=False
            )
            record(
                user=user,
                action="create",
                obj=address,
                organisation_id=user.organisation_id,
                verified=False,
                primary=False,
            )
            _sent(request, address, how="asked to change address")
        return Result.saved("")  # the account page says a link is on its way

    def show(form: ChangeEmailForm) -> HttpResponse:
        context = {"form": form, "pending": pending_address(user)}
        return render(request, "accounts/email.html", context)

    return handle(
        request,
        FormFlow(
            form=lambda data: ChangeEmailForm(data, user=user),
            act=act,
            show=show,
            then=reverse("accounts:account"),
            page="email",
            organisation_id=user.organisation_id,
        ),
    )


@login_required
@require_POST
def send_confirmation(request: HttpRequest) -> HttpResponse:
    """Mail a confirmation link to the address waiting to be confirmed: the one someone asked to
    change to, else their current address if it is not yet verified."""
    user: Any = request.user

    def act(form: Confirm) -> Result:
        address = pending_address(user) or primary_address(user)
        if address is None or address.verified:
            return Result.unchanged(gettext("Your email address is already confirmed."))
        with transaction.atomic():
            _sent(request, address, how="asked for a link")
        return Result.saved("")  # the account page says a link is on its way

    return handle(
        request,
        FormFlow(
            form=Confirm,
            act=act,
            show=None,
            then=reverse("accounts:account"),
            page="email confirmation",
            organisation_id=user.organisation_id,
        ),
    )
