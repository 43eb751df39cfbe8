"""Pages for this feature (filled in feature by feature)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
