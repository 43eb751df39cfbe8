"""How django-allauth behaves here: no signing up (logins come from invitations), messages in
plain English (marked for translation), for accounts and second factors, its reset emails
posted to the outbox like every other message, in the language of the person they are for,
and second factors' secrets sealed before they are stored (secrets_at_rest.py)."""

from __future__ import annotations

import logging
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutuality.web.accounts.secrets_at_rest import UnreadableSecret, seal, unseal
from mutuality.web.client_ip import client_ip
from mutuality.web.outbox import events
from mutuality.web.security_log import security_event

WRONG_USERNAME = _("Enter a correct username and password. Both are case-sensitive.")
RESET_EMAIL = "account/email/password_reset_key"
CONFIRMATION_EMAILS = {
    "account/email/email_confirmation",
    "account/email/email_confirmation_signup",
}
WRONG_EMAIL = _("Enter a correct email address and password. The password is case-sensitive.")


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth is untyped
    """allauth's adapter with Mutuality's words, and signing up closed."""

    error_messages = {  # noqa: RUF012 (allauth reads it from the class)
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": WRONG_USERNAME,
        "email_password_mismatch": WRONG_EMAIL,
        "enter_current_password": _("Enter your current password. It is case-sensitive."),
    }

    def is_open_for_signup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> bool:
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client's address as sign-in limits and the logs see it (behind trusted proxies
        too: client_ip.py), for allauth's limits and the sessions page."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied(gettext("The client's address is not known"))
        return address

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """A reset link or an address's confirmation link goes through the outbox (sent by the
        worker, retried if the mail server is away). allauth asks for a reset mail only for an
        address some login has verified (forms.ResetPasswordForm), and answers every address
        the same way."""
        post = {RESET_EMAIL: events.password_reset}.get(template_prefix)
        if template_prefix in CONFIRMATION_EMAILS:
            post = events.email_confirmation
        if post is None:
            super().send_mail(template_prefix, email, context)
            return
        request = allauth_context.request
        user = context.get("user") or getattr(context.get("email_address"), "user", None)
        # In the language of the login it is for, not of the browser that asked (a reset can
        # be asked for signed out, from anywhere).
        with translation.override(events.language_for(user)):
            written = self.render_mail(
                template_prefix,
                email,
                {"request": request, "email": email, "current_site": get_current_site(request)}
                | context,
            )
        post(user=user, to=email, subject=written.subject, body=written.body)

    def format_email_subject(self, subject: str) -> str:
        """The service's name, then the subject: the same words as every other message's."""
        return events.subject_line(subject)

    def get_email_verification_redirect_url(self, email_address: Any) -> str:
        """After confirming an address: "Your account" for someone signed in, else sign-in."""
        signed_in = allauth_context.request.user.is_authenticated
        return reverse("accounts:account" if signed_in else "accounts:login")


class SecondFactorAdapter(DefaultMFAAdapter):  # type: ignore[misc]  # allauth is untyped
    """allauth.mfa's adapter with Mutuality's words (ADR 0010)."""

    error_messages = {  # noqa: RUF012 (allauth reads it from the class)
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _(
            "That code is not right. Enter the code your authenticator app "
            "shows now, or one of your recovery codes you have not used."
        ),
        "cannot_generate_recovery_codes": _(
            "Set up an authenticator app or a passkey first: "
            "recovery codes are for when you cannot use one."
        ),
    }

    def get_totp_label(self, user: Any) -> str:
        # The name an authenticator app lists this account under: the login, which is never
        # empty, rather than an email address a person may not have given.
        return str(user.get_username())

    def encrypt(self, text: str) -> str:
        """An app's key or the recovery codes' seed, sealed with a key kept outside the
        database before allauth stores it (ASVS v5 6.5.2)."""
        return seal(text)

    def decrypt(self, encrypted_text: str) -> str:
        """The secret again. One that no key opens is refused (the code forms then say the
        code is not right) and logged for whoever runs the service: it was changed in the
        database, or SECRET_KEY changed without the old key kept as a fallback."""
        try:
            return unseal(encrypted_text)
        except UnreadableSecret:
            security_event(
                "second_factor_unreadable",
                "A second factor's stored secret could not be read",
                level=logging.ERROR,
            )
            raise
