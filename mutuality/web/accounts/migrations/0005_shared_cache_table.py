"""The table of Django's database cache, which the sign-in lockout counts in (ADR 0010).

Made by the migrations rather than by `manage.py createcachetable` so that every database
has it (the tests' too), whichever cache MUTUALITY_CACHE picks today.
"""

from typing import Any

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "mutuality_cache"


def create_table(apps: Any, schema_editor: Any) -> None:
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop_table(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_user_has_second_factor")]

    operations = [migrations.RunPython(create_table, drop_table)]
