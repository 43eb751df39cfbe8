"""Email addresses in lower case, as django-allauth looks them up (ADR 0009)."""

from typing import Any

from django.db import migrations
from django.db.models.functions import Lower


def lower_case_emails(apps: Any, schema_editor: Any) -> None:
    apps.get_model("accounts", "User").objects.exclude(email="").update(email=Lower("email"))


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_user_team")]

    operations = [migrations.RunPython(lower_case_emails, migrations.RunPython.noop)]
