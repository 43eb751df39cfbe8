from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mutuality.web.accounts"
    label = "accounts"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        from mutuality.web.accounts import (  # noqa: F401  (connect the receivers)
            sessions,
            signals,
        )
