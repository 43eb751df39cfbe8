"""The rows lists read carry their relationship's organisation and title (and a period its
stage and supervision interval, a due item its category's place), so a list orders them
through one index and a report reads no JSON."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When

CATEGORIES = [
    "safety",
    "withdrawn",
    "consent",
    "contract",
    "overdue",
    "observations",
    "questionnaires",
]


def _copy_from_relationships(apps: Any, schema_editor: Any) -> None:
    relationships = apps.get_model("relationships", "Relationship").objects.filter(
        pk=OuterRef("relationship_id")
    )
    for name in ("AssessedPeriod", "DueItem"):
        rows = apps.get_model("relationships", name).objects
        rows.update(
            organisation_id=Subquery(relationships.values("organisation_id")[:1]),
            title=Subquery(relationships.values("title")[:1]),
        )
    periods = apps.get_model("relationships", "AssessedPeriod").objects
    periods.update(stage=Subquery(relationships.values("stage")[:1]))
    for period in periods.only("result").iterator():
        every = (period.result.get("scrutiny") or {}).get("supervision_every_days") or 0
        periods.filter(pk=period.pk).update(supervision_every_days=every)
    apps.get_model("relationships", "DueItem").objects.update(
        rank=Case(
            *(When(category=key, then=Value(n)) for n, key in enumerate(CATEGORIES)),
            default=Value(0),
            output_field=IntegerField(),
        )
    )


def _organisation(null: bool) -> models.ForeignKey[Any, Any]:
    return models.ForeignKey(
        null=null,
        on_delete=django.db.models.deletion.CASCADE,
        related_name="+",
        to="accounts.organisation",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_team"),
        ("relationships", "0007_typed_assessment"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="assessedperiod", name="period_current_urgency"),
        *(
            migrations.AddField(model_name=model, name="organisation", field=_organisation(True))
            for model in ("assessedperiod", "dueitem")
        ),
        *(
            migrations.AddField(
                model_name=model,
                name="title",
                field=models.CharField(
                    default="", help_text="The relationship's title.", max_length=2000
                ),
                preserve_default=False,
            )
            for model in ("assessedperiod", "dueitem")
        ),
        migrations.AddField(
            model_name="assessedperiod",
            name="stage",
            field=models.CharField(
                choices=[
                    ("proposed", "Proposed"),
                    ("active", "Active"),
                    ("ending", "Ending"),
                    ("ended", "Ended"),
                ],
                default="proposed",
                help_text="The relationship's.",
                max_length=20,
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="assessedperiod",
            name="supervision_every_days",
            field=models.PositiveIntegerField(
                default=0, help_text="The supervision interval its scrutiny level needs."
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="dueitem",
            name="rank",
            field=models.PositiveSmallIntegerField(
                default=0, help_text="Its category's place in the list."
            ),
            preserve_default=False,
        ),
        migrations.RunPython(_copy_from_relationships, migrations.RunPython.noop),
        *(
            migrations.AlterField(model_name=model, name="organisation", field=_organisation(False))
            for model in ("assessedperiod", "dueitem")
        ),
        migrations.AddIndex(
            model_name="assessedperiod",
            index=models.Index(
                fields=["organisation", "urgency", "title", "relationship", "starts", "ends"],
                name="period_most_urgent",
            ),
        ),
        migrations.AddIndex(
            model_name="dueitem",
            index=models.Index(
                fields=["organisation", "rank", "title", "relationship", "position"],
                name="due_in_order",
            ),
        ),
    ]
