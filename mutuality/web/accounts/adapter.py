"""How django-allauth behaves here: no signing up (logins come from invitations), and
messages in plain English, for accounts and second factors."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from django.http import HttpRequest

WRONG_USERNAME = "Enter a correct username and password. Both are case-sensitive."
WRONG_EMAIL = "Enter a correct email address and password. The password is case-sensitive."


class AccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]  # allauth is untyped
    """allauth's adapter with Mutuality's words, and signing up closed."""

    error_messages = {  # noqa: RUF012 (allauth reads it from the class)
        **DefaultAccountAdapter.error_messages,
        "username_password_mismatch": WRONG_USERNAME,
        "email_password_mismatch": WRONG_EMAIL,
        "enter_current_password": "Enter your current password. It is case-sensitive.",
    }

    def is_open_for_signup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> bool:
        return False


class SecondFactorAdapter(DefaultMFAAdapter):  # type: ignore[misc]  # allauth is untyped
    """allauth.mfa's adapter with Mutuality's words (ADR 0010)."""

    error_messages = {  # noqa: RUF012 (allauth reads it from the class)
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": "That code is not right. Enter the code your authenticator app "
        "shows now, or one of your recovery codes you have not used.",
        "cannot_generate_recovery_codes": "Set up an authenticator app or a passkey first: "
        "recovery codes are for when you cannot use one.",
    }

    def get_totp_label(self, user: Any) -> str:
        # The name an authenticator app lists this account under: the login, which is never
        # empty, rather than an email address a person may not have given.
        return str(user.get_username())
