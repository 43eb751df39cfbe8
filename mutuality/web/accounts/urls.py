"""Your account (/accounts/), and signing in and out: /accounts/login/ and /accounts/logout/."""

from django.urls import path

from mutuality.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.AccountView.as_view(), name="account"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
]
