"""Records carry their own ids in case files; consultations say who recorded them; text columns
hold as much as the case format allows.

Three steps for the ids, as usual for a new unique column: add it empty, give every existing
row its own UUID, then make it required and unique within its relationship (or series). Who
recorded an existing consultation is read back from the audit trail.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import mutuality.web.relationships.models

RECORDS = ("affectedparty", "consultation", "disclosure", "observation", "outcomeseries", "score")


def give_every_record_an_id(apps, schema_editor):
    for name in RECORDS:
        model = apps.get_model("relationships", name)
        rows = list(model.objects.only("pk"))
        for row in rows:
            row.uid = str(uuid.uuid4())
        model.objects.bulk_update(rows, ["uid"], batch_size=500)


def who_recorded_each_consultation(apps, schema_editor):
    consultation = apps.get_model("relationships", "Consultation")
    event = apps.get_model("audit", "AuditEvent")
    created = event.objects.filter(
        object_type="relationships.Consultation", action="create", user__isnull=False
    ).values_list("object_id", "user_id")
    for object_id, user_id in created:
        if object_id.isdigit():
            consultation.objects.filter(pk=int(object_id)).update(recorded_by_id=user_id)


def forwards(apps, schema_editor):
    give_every_record_an_id(apps, schema_editor)
    who_recorded_each_consultation(apps, schema_editor)


def _uid(null):
    return models.CharField(
        max_length=64,
        null=null,
        default=None if null else mutuality.web.relationships.models.new_record_id,
        editable=False,
        help_text="The record's id in case files (unique within its relationship).",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
        ("relationships", "0005_safety_flags"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *[migrations.AddField(model_name=name, name="uid", field=_uid(True)) for name in RECORDS],
        migrations.AddField(
            model_name="consultation",
            name="recorded_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Who recorded it here; empty for consultations that came from a case file.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        *[
            migrations.AlterField(model_name=name, name="uid", field=_uid(False))
            for name in RECORDS
        ],
        migrations.AddConstraint(
            model_name="affectedparty",
            constraint=models.UniqueConstraint(
                fields=("relationship", "uid"), name="affected_party_uid_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="consultation",
            constraint=models.UniqueConstraint(
                fields=("relationship", "uid"), name="consultation_uid_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="disclosure",
            constraint=models.UniqueConstraint(
                fields=("relationship", "uid"), name="disclosure_uid_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="observation",
            constraint=models.UniqueConstraint(
                fields=("relationship", "uid"), name="observation_uid_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="outcomeseries",
            constraint=models.UniqueConstraint(
                fields=("relationship", "uid"), name="outcome_series_uid_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="score",
            constraint=models.UniqueConstraint(fields=("series", "uid"), name="score_uid_unique"),
        ),
        migrations.AlterField(
            model_name="affectedparty", name="name", field=models.CharField(max_length=2000)
        ),
        migrations.AlterField(
            model_name="consultation", name="with_whom", field=models.CharField(max_length=2000)
        ),
        migrations.AlterField(
            model_name="observation", name="by", field=models.CharField(max_length=2000)
        ),
        migrations.AlterField(
            model_name="outcomeseries", name="instrument", field=models.CharField(max_length=2000)
        ),
        migrations.AlterField(
            model_name="relationship",
            name="supervisor_name",
            field=models.CharField(blank=True, max_length=4000),
        ),
        migrations.AlterField(
            model_name="relationship", name="title", field=models.CharField(max_length=2000)
        ),
    ]
