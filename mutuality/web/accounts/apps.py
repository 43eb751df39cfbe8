from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mutuality.web.accounts"
    label = "accounts"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        from mutuality.web.accounts import signals  # noqa: F401  (connects the receivers)
