"""Signing in and out. Setting a password from an invitation lives with the invitations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse

from mutuality.web.accounts.forms import SignInForm


class SignInView(auth_views.LoginView):
    """Django's sign-in, with our form and template. A signed-in visitor sees who they are."""

    form_class = SignInForm
    template_name = "accounts/login.html"


class SignOutView(auth_views.LogoutView):
    """Sign out (POST only: a link or a prefetch must not end someone's session)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, "You have signed out.")
        return response
