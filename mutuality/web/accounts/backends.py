"""Signing in with a username, or with an email address only once it is verified (ADR 0009)."""

from __future__ import annotations

from typing import Any

from allauth.account.auth_backends import AuthenticationBackend

from mutuality.web.accounts.addresses import verified_owners


class SignInBackend(AuthenticationBackend):  # type: ignore[misc]  # allauth is untyped
    """allauth's backend, but an email address signs in only the login that has verified it: an
    address someone typed for another person, or mistyped, opens nothing."""

    def _authenticate_by_email(self, email: str, password: str) -> Any:
        if not email or "@" not in email:
            return None
        for user in verified_owners(email):
            if self._check_password(user, password):
                return user
        return None
