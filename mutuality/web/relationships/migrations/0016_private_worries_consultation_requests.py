"""Private worries held by the supervisor (ADR 0015), and requests for a consultation.

Every observation a co-producer raised "for the supervisor's eyes only" becomes a private worry
still held by the supervisor, and leaves the shared record (and so, at the next reassessment,
the shared assessment: ROWS_VERSION 6 makes `mutuality reassess --missing` rewrite it).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import mutuality.web.relationships.models


def hold_private_observations(apps, schema_editor):
    Observation = apps.get_model("relationships", "Observation")
    PrivateWorry = apps.get_model("relationships", "PrivateWorry")
    private = Observation.objects.filter(supervisor_only=True)
    for o in private.iterator():
        PrivateWorry.objects.create(
            relationship_id=o.relationship_id,
            uid=o.uid,
            date=o.date,
            kind=o.kind,
            note=o.note or "",
            raised_by_id=o.raised_by_id,
            state="held" if o.status == "open" else "resolved",
            resolution="" if o.status == "open" else "Resolved before private worries were held.",
        )
    private.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0015_capacity_views"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="dueitem",
            name="category",
            field=models.CharField(
                choices=[
                    ("safety", "Safety"),
                    ("withdrawn", "Withdrawn"),
                    ("private_worries", "Private worries"),
                    ("consent", "Consent"),
                    ("contract", "Contract"),
                    ("overdue", "Overdue"),
                    ("observations", "Observations"),
                    ("consultation_requests", "Consultation requests"),
                    ("questionnaires", "Questionnaires"),
                ],
                max_length=30,
            ),
        ),
        migrations.CreateModel(
            name="ConsultationRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("requested_at", models.DateTimeField(auto_now_add=True)),
                ("reason", models.TextField()),
                (
                    "answered_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="requests",
                        to="relationships.consultation",
                    ),
                ),
                (
                    "relationship",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="consultation_requests",
                        to="relationships.relationship",
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="relationships.participant",
                    ),
                ),
            ],
            options={
                "ordering": ["-requested_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="PrivateWorry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "uid",
                    models.CharField(
                        default=mutuality.web.relationships.models.new_record_id,
                        editable=False,
                        help_text="The record's id in case files (unique within its relationship).",
                        max_length=64,
                    ),
                ),
                ("date", models.DateField(help_text="When the person noticed it.")),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("malignant_coupling", "Malignant coupling"),
                            ("collusion", "Collusion"),
                            ("traumatic_reenactment", "Traumatic reenactment"),
                            ("gang_or_cartel", "Gang or cartel"),
                            ("boundary_drift", "Boundary drift"),
                            ("other", "Other"),
                        ],
                        max_length=30,
                    ),
                ),
                ("note", models.TextField(blank=True)),
                ("raised_at", models.DateTimeField(auto_now_add=True)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("held", "Held"),
                            ("on_record", "On record"),
                            ("resolved", "Resolved"),
                        ],
                        default="held",
                        max_length=10,
                    ),
                ),
                ("acted_at", models.DateTimeField(blank=True, null=True)),
                (
                    "resolution",
                    models.TextField(blank=True, help_text="The supervisor's note, when resolved."),
                ),
                (
                    "acted_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "observation",
                    models.OneToOneField(
                        blank=True,
                        help_text="The observation it became, once put on the record.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="from_private_worry",
                        to="relationships.observation",
                    ),
                ),
                (
                    "raised_by",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "relationship",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="private_worries",
                        to="relationships.relationship",
                    ),
                ),
            ],
            options={
                "ordering": ["-raised_at", "-pk"],
            },
        ),
        migrations.RunPython(hold_private_observations, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="observation",
            name="supervisor_only",
        ),
    ]
