"""Signing in and out (/accounts/login/, /accounts/logout/) and choosing which messages to get
(/accounts/messages/)."""

from django.urls import path

from mutuality.web.accounts import views
from mutuality.web.outbox.views import message_choices

app_name = "accounts"
urlpatterns = [
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("messages/", message_choices, name="messages"),
]
