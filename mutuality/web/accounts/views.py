"""Signing in and out, the second-factor step, and a person's account page. Resetting and
changing a password and managing second factors are django-allauth's own views (with our forms
and templates: templates/account/, templates/mfa/); setting a password from an invitation
lives with the invitations."""

from __future__ import annotations

from typing import Any

from allauth.account.views import LoginView
from allauth.mfa.base.views import AuthenticateView, IndexView
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import views as totp_views
from allauth.mfa.webauthn import views as webauthn_views
from axes.handlers.proxy import AxesProxyHandler  # type: ignore[import-untyped]  # no type hints
from axes.helpers import get_lockout_response  # type: ignore[import-untyped]
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.views.generic import TemplateView

from mutuality.web.access import must_set_up_second_factor
from mutuality.web.accounts import language
from mutuality.web.accounts.addresses import is_verified, pending_address
from mutuality.web.accounts.reauthentication import confirmed_by_setting_up
from mutuality.web.accounts.second_factors import SECOND_FACTORS, current_code, renamed


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


class SecondFactorSignInView(AuthenticateView):  # type: ignore[misc]  # allauth is untyped
    """The code after the password (/accounts/2fa/authenticate/): allauth's step, refused
    while django-axes has this username paused at this address, whether by wrong passwords or
    wrong codes (ADR 0010). Someone with a passkey may use it instead of a code. In the demo
    the page shows the account's current code."""

    template_name = "mfa/authenticate.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._paused() or super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._paused() or super().post(request, *args, **kwargs)

    def _paused(self) -> HttpResponse | None:
        credentials = {"username": self.stage.login.user.get_username()}
        if AxesProxyHandler.is_locked(self.request, credentials):
            response: HttpResponse = get_lockout_response(self.request, None, credentials)
            return response
        return None

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        # Only the demo, whose accounts are public, shows a code: it is what lets the README's
        # two commands sign in as its staff with nothing else (docs/security.md).
        user = self.stage.login.user
        context["demo_code"] = current_code(user) if settings.DEMO else None
        # The passkey choice is offered only to someone who has one (allauth builds its form
        # and challenge for everyone, as passkeys are a supported type).
        kinds = set(Authenticator.objects.filter(user_id=user.pk).values_list("type", flat=True))
        context["has_app"] = Authenticator.Type.TOTP in kinds
        context["has_passkey"] = Authenticator.Type.WEBAUTHN in kinds
        return context


class SecondFactorsView(IndexView):  # type: ignore[misc]  # allauth is untyped
    """The list of someone's second factors (/accounts/2fa/), where staff without one are sent
    to set one up, with a word on why."""

    template_name = "mfa/index.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["must_set_up"] = must_set_up_second_factor(self.request.user)
        return context


class AccountView(LoginRequiredMixin, TemplateView):
    """Your account (/accounts/): who you are, and the pages that change how you sign in."""

    template_name = "accounts/account.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        kinds = set(
            Authenticator.objects.filter(user_id=self.request.user.pk).values_list(
                "type", flat=True
            )
        )
        context.update(
            has_app=Authenticator.Type.TOTP in kinds,
            has_passkey=Authenticator.Type.WEBAUTHN in kinds,
            has_recovery_codes=Authenticator.Type.RECOVERY_CODES in kinds,
            has_second_factor=bool(kinds & set(SECOND_FACTORS)),
            must_set_up=must_set_up_second_factor(self.request.user),
            email_verified=is_verified(self.request.user),
            pending=pending_address(self.request.user),
            language=language.offered().get(self.request.user.language),  # type: ignore[union-attr]
        )
        return context


class _FormKeptOnError:
    """allauth's passkey views build their page's context without the form they were given,
    so a refused post would show an empty form; this keeps the refused form and its errors."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)  # type: ignore[misc]
        if "form" in kwargs:
            context["form"] = kwargs["form"]
        return context


class _SettingUpConfirms:
    """Setting up a second factor shows the person holds it (an app's first code, a passkey's
    answer): that counts as confirming it (reauthentication.py), so the recovery codes shown
    next open without asking for it again."""

    kind: str
    request: HttpRequest

    def form_valid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)  # type: ignore[misc]  # the view this is mixed into
        confirmed_by_setting_up(self.request, self.kind)
        return response


class ActivateAppView(_SettingUpConfirms, totp_views.ActivateTOTPView):  # type: ignore[misc]  # allauth is untyped
    """Set up an authenticator app (/accounts/2fa/totp/activate/): allauth's page."""

    kind = Authenticator.Type.TOTP


class AddPasskeyView(_SettingUpConfirms, _FormKeptOnError, webauthn_views.AddWebAuthnView):  # type: ignore[misc]  # allauth is untyped
    """Add a passkey (/accounts/2fa/webauthn/add/): a name, then the device's own steps, run
    by allauth's script (a static file: no inline script under our CSP)."""

    kind = Authenticator.Type.WEBAUTHN


class PasskeyReauthenticateView(_FormKeptOnError, webauthn_views.ReauthenticateWebAuthnView):  # type: ignore[misc]  # allauth is untyped
    """Confirm it is you with a passkey. A refused one shows the page again with the error
    (allauth's own view sends the person to the sign-in page)."""

    def form_invalid(self, form: Any) -> HttpResponse:
        response: HttpResponse = self.render_to_response(self.get_context_data(form=form))
        return response


class RenamePasskeyView(webauthn_views.EditWebAuthnView):  # type: ignore[misc]  # allauth is untyped
    """A passkey's new name: an audited write, like every other change to how someone signs in."""

    def form_valid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)
        renamed(self.request, self.object)
        return response
