"""An organisation's own pages, under /organisation/."""

from django.urls import path

from mutuality.web.organisation import views
from mutuality.web.reports.views import personal_record

app_name = "organisation"
urlpatterns = [
    path("", views.home, name="home"),
    path("people/", views.people, name="people"),
    path("people/invite/", views.invite, name="invite"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/role/", views.change_role, name="role"),
    path("people/<int:pk>/active/", views.set_active, name="active"),
    path("people/<int:pk>/second-factor/", views.reset_second_factor, name="second-factor"),
    path("people/<int:pk>/erase/", views.erase, name="erase"),
    # A person's record for a subject access request: the same record as their own download.
    path("people/<int:pk>/record/", personal_record.subject_access_page, name="record"),
    path("people/<int:pk>/record.pdf", personal_record.subject_access_pdf, name="record-pdf"),
    path("people/<int:pk>/record.json", personal_record.subject_access_json, name="record-json"),
    path("relationships/", views.relationships, name="relationships"),
    path("relationships/<int:pk>/", views.assign, name="assign"),
    path("settings/", views.settings_home, name="settings"),
    path("settings/policy/", views.policy, name="policy"),
    path("settings/crisis-lines-and-report-name/", views.details, name="details"),
    path("settings/instruments/", views.instruments, name="instruments"),
    path("settings/retention/", views.retention, name="retention"),
    path("settings/exchange/", views.exchange, name="exchange"),
    path("invitation/<str:token>/", views.invitation, name="invitation"),
]
