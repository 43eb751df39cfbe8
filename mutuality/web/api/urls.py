"""/api/v1/: the endpoints, their OpenAPI document and its page for people."""

from django.urls import path

from mutuality.web.api.endpoints import api
from mutuality.web.api.views import documentation

urlpatterns = [
    path("docs", documentation, name="api-docs"),
    path("", api.urls),
]
