from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mutuality.web.api"
    label = "api"
    verbose_name = "API"
