from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    name = "mutuality.web.relationships"
    label = "relationships"
    verbose_name = "Co-productive relationships"
