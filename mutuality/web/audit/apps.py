from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mutuality.web.audit"
    label = "audit"
    verbose_name = "Audit trail"
