"""Participant.uid: required and unique, now that every participant has one (0022)."""

from django.db import migrations, models

import mutuality.web.relationships.models


class Migration(migrations.Migration):
    # Apart from 0022's backfill: PostgreSQL cannot alter a table with writes of the same
    # transaction still to check.
    dependencies = [("relationships", "0022_participant_uid")]

    operations = [
        migrations.AlterField(
            model_name="participant",
            name="uid",
            field=models.CharField(
                default=mutuality.web.relationships.models.new_record_id,
                editable=False,
                help_text="The person's pseudonymous identifier in FHIR (urn:mutuality:person): "
                "random, and kept when their scores are imported elsewhere (so unique only "
                "within their relationship).",
                max_length=64,
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.UniqueConstraint(
                fields=("relationship", "uid"), name="participant_uid_unique"
            ),
        ),
    ]
