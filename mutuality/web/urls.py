"""URL configuration."""

from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="relationships:dashboard", permanent=False)),
    path("accounts/", include("mutuality.web.accounts.urls")),
    # django-allauth's pages (password reset and change …); ours above come first.
    path("accounts/", include("allauth.urls")),
    path("relationships/", include("mutuality.web.relationships.urls")),
    path("reports/", include("mutuality.web.reports.urls")),
]
