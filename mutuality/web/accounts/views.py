"""Signing in and out. Resetting and changing a password are django-allauth's own views (with
our forms and templates: templates/account/); setting a password from an invitation lives with
the invitations."""

from __future__ import annotations

from typing import Any

from allauth.account.views import LoginView
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse


class SignInView(LoginView):  # type: ignore[misc]  # allauth is untyped
    """allauth's sign-in (by username or email: settings.ACCOUNT_FORMS), with our template.
    A signed-in visitor sees who they are."""

    template_name = "accounts/login.html"


class SignOutView(auth_views.LogoutView):
    """Sign out (POST only: a link or a prefetch must not end someone's session)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        return response
