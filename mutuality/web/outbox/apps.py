from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "mutuality.web.outbox"
    label = "outbox"
    verbose_name = "Messages"
