from django.urls import path

from mutuality.web.relationships import views

app_name = "relationships"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/case.yaml", views.export_case, name="export"),
    path("<int:pk>/consent/withdraw/", views.withdraw_consent, name="withdraw-consent"),
]
