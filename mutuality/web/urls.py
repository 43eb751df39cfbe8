"""URL configuration."""

from allauth.account import urls as allauth_urls
from allauth.mfa.base import views as mfa_views
from allauth.mfa.recovery_codes import views as recovery_code_views
from allauth.mfa.totp import views as totp_views
from allauth.mfa.webauthn import views as webauthn_views
from django.urls import URLPattern, include, path
from django.views.generic import RedirectView

from mutuality.web.accounts.reauthentication import full_reauthentication_required as confirmed
from mutuality.web.accounts.views import (
    ActivateAppView,
    AddPasskeyView,
    PasskeyReauthenticateView,
    RenamePasskeyView,
    SecondFactorSignInView,
    SecondFactorsView,
)
from mutuality.web.api import views as api_views

# The pages of django-allauth that Mutuality serves (ADR 0009). Its others (signing up, its
# list of addresses (ours is accounts:email), signing in by code …) are left out until they
# have our templates and audited writes. Its sign-in and sign-out are here for their names only: ours answer.
ALLAUTH_PAGES = {
    "account_login",
    "account_logout",
    "account_inactive",
    "account_change_password",
    "account_set_password",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_reauthenticate",
    "account_confirm_email",
}
# allauth's pages that set a password: sending the form first asks the person to confirm
# every factor they have (accounts/reauthentication.py; ASVS v5 7.5.1). The form is not kept
# while they do (it holds the new password): they fill it in again, confirmed.
PASSWORD_PAGES = {"account_change_password", "account_set_password"}


def _allauth_page(page: URLPattern) -> URLPattern:
    if page.name not in PASSWORD_PAGES:
        return page
    view = confirmed(page.callback, allow_get=True, keep_post=False)
    return path(str(page.pattern), view, name=page.name)


# The pages of allauth.mfa that Mutuality serves, by allauth's names, each with our template
# (templates/mfa/; ADR 0010). The list, the code step and some passkey pages are ours, built on
# allauth's views. Passkeys are a second step only: allauth's passwordless sign-in is not served.
# Each page that changes a second factor or shows recovery codes first asks the person to
# confirm every factor they have (`confirmed`: accounts/reauthentication.py; ASVS v5 7.5.1).
SECOND_FACTOR_PAGES = [
    path("", SecondFactorsView.as_view(), name="mfa_index"),
    path("authenticate/", SecondFactorSignInView.as_view(), name="mfa_authenticate"),
    path("reauthenticate/", mfa_views.reauthenticate, name="mfa_reauthenticate"),
    path("totp/activate/", confirmed(ActivateAppView.as_view()), name="mfa_activate_totp"),
    path("totp/deactivate/", confirmed(totp_views.deactivate_totp), name="mfa_deactivate_totp"),
    path(
        "recovery-codes/",
        confirmed(recovery_code_views.view_recovery_codes),
        name="mfa_view_recovery_codes",
    ),
    path(
        "recovery-codes/generate/",
        confirmed(recovery_code_views.generate_recovery_codes),
        name="mfa_generate_recovery_codes",
    ),
    path(
        "recovery-codes/download/",
        confirmed(recovery_code_views.download_recovery_codes),
        name="mfa_download_recovery_codes",
    ),
    path("webauthn/", webauthn_views.list_webauthn, name="mfa_list_webauthn"),
    path("webauthn/add/", confirmed(AddPasskeyView.as_view()), name="mfa_add_webauthn"),
    path(
        "webauthn/reauthenticate/",
        PasskeyReauthenticateView.as_view(),
        name="mfa_reauthenticate_webauthn",
    ),
    path(
        "webauthn/keys/<int:pk>/remove/",
        confirmed(webauthn_views.remove_webauthn),
        name="mfa_remove_webauthn",
    ),
    path(
        "webauthn/keys/<int:pk>/edit/",
        confirmed(RenamePasskeyView.as_view()),
        name="mfa_edit_webauthn",
    ),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="relationships:dashboard", permanent=False)),
    path("accounts/tokens/", api_views.tokens_page, name="api-tokens"),
    path("accounts/tokens/<int:pk>/revoke/", api_views.revoke_token, name="api-token-revoke"),
    path("accounts/", include("mutuality.web.accounts.urls")),
    path(
        "accounts/",
        include(
            [
                _allauth_page(page)
                for page in allauth_urls.urlpatterns
                if isinstance(page, URLPattern) and page.name in ALLAUTH_PAGES
            ]
        ),
    ),
    path("accounts/2fa/", include(SECOND_FACTOR_PAGES)),
    path("relationships/", include("mutuality.web.relationships.urls")),
    path("reports/", include("mutuality.web.reports.urls")),
    path("organisation/", include("mutuality.web.organisation.urls")),
    path("about/", include("mutuality.web.about")),
    path("api/v1/", include("mutuality.web.api.urls")),
    path("", include("mutuality.web.outbox.urls")),
]
