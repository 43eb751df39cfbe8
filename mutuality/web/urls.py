"""URL configuration."""

from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="relationships:dashboard", permanent=False)),
    path("accounts/", include("mutuality.web.accounts.urls")),
    path("relationships/", include("mutuality.web.relationships.urls")),
    path("reports/", include("mutuality.web.reports.urls")),
]
