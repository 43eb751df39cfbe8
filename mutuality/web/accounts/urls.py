"""Your account (/accounts/); signing in and out (/accounts/login/, /accounts/logout/); a
person's sessions; choosing which messages to get (/accounts/messages/); the language of one's
pages (/accounts/language/); one's email address (/accounts/email/); correcting one's own
details (/accounts/details/); one's own record (/accounts/record/, .pdf and .json)."""

from django.urls import path

from mutuality.web.accounts import details, email_views, language, session_views, views
from mutuality.web.outbox.choice_views import message_choices
from mutuality.web.reports.views import personal_record

app_name = "accounts"
urlpatterns = [
    path("", views.AccountView.as_view(), name="account"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("sessions/", session_views.sessions, name="sessions"),
    path("session/", session_views.session_status, name="session-status"),
    path("session/stay/", session_views.stay_signed_in, name="session-stay"),
    path("messages/", message_choices, name="messages"),
    path("language/", language.choose_language, name="language"),
    path("email/", email_views.change_email, name="email"),
    path("email/confirm/", email_views.send_confirmation, name="email-confirm"),
    path("details/", details.own_details, name="details"),
    path("record/", personal_record.record_page, name="record"),
    path("record.pdf", personal_record.record_pdf, name="record-pdf"),
    path("record.json", personal_record.record_json, name="record-json"),
]
