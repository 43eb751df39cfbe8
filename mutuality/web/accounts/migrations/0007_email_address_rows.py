"""An allauth `EmailAddress` row for each login's address, as its primary one, unverified: no
one has yet shown they receive mail there, so until they confirm it (from "Your account") it
neither signs them in nor gets a reset link (ADR 0009, "Verified email addresses")."""

from typing import Any

from django.db import migrations


def add_rows(apps: Any, schema_editor: Any) -> None:
    user_model = apps.get_model("accounts", "User")
    address_model = apps.get_model("account", "EmailAddress")
    have = set(address_model.objects.values_list("user_id", flat=True))
    logins = user_model.objects.exclude(email="").exclude(pk__in=have)
    address_model.objects.bulk_create(
        (
            address_model(user_id=pk, email=email.lower(), primary=True, verified=False)
            for pk, email in logins.values_list("pk", "email").iterator()
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_organisation_settings"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(add_rows, migrations.RunPython.noop)]
