from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "mutuality.web.reports"
    label = "reports"
    verbose_name = "Reports"
