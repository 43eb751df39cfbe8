"""Participant.uid: each person's pseudonymous identifier in FHIR, random and stored.

FHIR bundles used to name a participant by a name-based UUID of their relationship's and their
own primary keys: stable, but anyone with the code and the keys could work it out, and a
person's scores imported into another organisation (new keys) would come back under another
identifier. Every participant already here gets a random one (ADR 0019).
"""

import uuid

from django.db import migrations, models

BATCH = 1000


def backfill(apps, schema_editor):
    Participant = apps.get_model("relationships", "Participant")
    waiting = Participant.objects.filter(uid__isnull=True).order_by("pk")
    while chunk := list(waiting[:BATCH]):
        for participant in chunk:
            participant.uid = str(uuid.uuid4())
        Participant.objects.bulk_update(chunk, ["uid"])


class Migration(migrations.Migration):
    dependencies = [("relationships", "0021_consent_events")]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="uid",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
