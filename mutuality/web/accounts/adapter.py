"""How django-allauth behaves here: no signing up (logins come from invitations), and
messages in plain English."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from mutuality.web.client_ip import client_ip

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

    def get_client_ip(self, request: HttpRequest) -> str:
        """The client's address as sign-in limits and the logs see it (behind trusted proxies
        too: client_ip.py), for allauth's limits and the sessions page."""
        address = client_ip(request)
        if not address:
            raise PermissionDenied("The client's address is not known")
        return address
