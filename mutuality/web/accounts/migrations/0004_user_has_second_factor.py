"""Whether each person has a second factor, read from allauth.mfa's rows (ADR 0010)."""

from typing import Any

from django.db import migrations, models


def from_authenticators(apps: Any, schema_editor: Any) -> None:
    authenticators = apps.get_model("mfa", "Authenticator").objects.filter(
        type__in=("totp", "webauthn")
    )
    apps.get_model("accounts", "User").objects.filter(
        pk__in=authenticators.values("user_id")
    ).update(has_second_factor=True)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_email_in_lower_case"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="has_second_factor",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(from_authenticators, migrations.RunPython.noop),
    ]
