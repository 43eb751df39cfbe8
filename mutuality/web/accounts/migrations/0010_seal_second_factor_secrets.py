"""Seal every second factor's secret already stored (an authenticator app's key, the seed of
the recovery codes), as allauth.mfa now stores new ones through our adapter (ASVS v5 6.5.2;
accounts/secrets_at_rest.py). Going back stores them plain again."""

from typing import Any

from django.db import migrations

from mutuality.web.accounts.secrets_at_rest import seal_every_secret, unseal_every_secret


def seal(apps: Any, schema_editor: Any) -> None:
    seal_every_secret(apps.get_model("mfa", "Authenticator"))


def unseal(apps: Any, schema_editor: Any) -> None:
    unseal_every_secret(apps.get_model("mfa", "Authenticator"))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0009_organisation_retention_years"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(seal, unseal)]
