from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "mutuality.web.accounts"
    label = "accounts"
    verbose_name = "People and organisations"

    def ready(self) -> None:
        # (importing them connects their receivers)
        from mutuality.web.accounts import (  # noqa: F401
            addresses,
            second_factors,
            sessions,
            signals,
        )
