"""URL configuration."""

from allauth.account import urls as allauth_urls
from django.urls import include, path
from django.views.generic import RedirectView

# The pages of django-allauth that Mutuality serves (ADR 0009). Its others (signing up,
# managing email addresses, signing in by code …) are left out until they have our templates
# and audited writes. Its sign-in and sign-out are here for their names only: ours answer.
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
}

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="relationships:dashboard", permanent=False)),
    path("accounts/", include("mutuality.web.accounts.urls")),
    path(
        "accounts/",
        include([page for page in allauth_urls.urlpatterns if page.name in ALLAUTH_PAGES]),
    ),
    path("relationships/", include("mutuality.web.relationships.urls")),
    path("reports/", include("mutuality.web.reports.urls")),
    path("", include("mutuality.web.outbox.urls")),
]
