"""Consent history: one row per state of a person's consent (models.ConsentEvent).

Every participant and affected party already here gets one row with the consent they have now.
When that state began is not known, so the row says the relationship's last change
(`Relationship.updated`): the latest moment it can have begun.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

BATCH = 1000


def backfill(apps, schema_editor):
    ConsentEvent = apps.get_model("relationships", "ConsentEvent")
    Participant = apps.get_model("relationships", "Participant")
    AffectedParty = apps.get_model("relationships", "AffectedParty")
    participants = Participant.objects.select_related("relationship").order_by("pk")
    ConsentEvent.objects.bulk_create(
        (
            ConsentEvent(
                relationship_id=p.relationship_id,
                participant_id=p.pk,
                consent=p.consent,
                contract_version=p.consent_version,
                at=p.relationship.updated,
            )
            for p in participants.iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )
    parties = AffectedParty.objects.select_related("relationship").order_by("pk")
    ConsentEvent.objects.bulk_create(
        (
            ConsentEvent(
                relationship_id=a.relationship_id,
                affected_party_id=a.pk,
                consent=a.consent,
                at=a.relationship.updated,
            )
            for a in parties.iterator(chunk_size=BATCH)
        ),
        batch_size=BATCH,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("relationships", "0020_stored_words"),
    ]

    operations = [
        migrations.CreateModel(
            name="ConsentEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "consent",
                    models.CharField(
                        help_text="The vocabulary's code, as the person's row stores it.",
                        max_length=20,
                    ),
                ),
                (
                    "contract_version",
                    models.PositiveIntegerField(
                        blank=True,
                        help_text="The contract version the consent was given for (participants only).",
                        null=True,
                    ),
                ),
                (
                    "at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, help_text="When this state began."
                    ),
                ),
                (
                    "affected_party",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="consent_events",
                        to="relationships.affectedparty",
                    ),
                ),
                (
                    "participant",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="consent_events",
                        to="relationships.participant",
                    ),
                ),
                (
                    "relationship",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="consent_events",
                        to="relationships.relationship",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "pk"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("affected_party__isnull", True), ("participant__isnull", False)
                            ),
                            models.Q(
                                ("affected_party__isnull", False), ("participant__isnull", True)
                            ),
                            _connector="OR",
                        ),
                        name="consent_event_one_party",
                    )
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
