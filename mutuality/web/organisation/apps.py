from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "mutuality.web.organisation"
    label = "organisation"
    verbose_name = "Organisation"
