"""How long an organisation keeps records, and deleting them after (ADR 0017): the setting on the
organisation's settings pages, the daily task that deletes exactly the relationships past the
period (each with a tombstone in a trail that still verifies, the tallies still adding up, in
the same queries per batch at any size), the scheduler asking for it once a day, and
`mutuality retention [--dry-run]`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mutuality.web.accounts.models import Organisation
from mutuality.web.audit import chain
from mutuality.web.audit.models import AuditEvent
from mutuality.web.commands import main
from mutuality.web.organisation import retention
from mutuality.web.organisation.tasks import apply_retention, schedule_retention
from mutuality.web.outbox import scheduler
from mutuality.web.outbox.models import ScheduledRun
from mutuality.web.relationships.actions import reassess, reassess_many
from mutuality.web.relationships.generate import generate
from mutuality.web.relationships.models import (
    AssessmentRecord,
    Participant,
    Relationship,
    SafetyFlag,
    TallyShare,
)
from mutuality.web.reports import tallied, transparency_data
from mutuality.web.reports.service_report import service_report
from tests.factories import OrganisationFactory, RelationshipFactory, World

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 5)


def _home(world: World) -> Organisation:
    return Organisation.objects.get(pk=world.relationship.organisation_id)


def _ended(organisation: Organisation, on: date | None, stage: str = "ended") -> Relationship:
    """A relationship of the organisation whose work ended on this day (assessed as it is)."""
    started = (on or timezone.localdate()) - timedelta(days=365)
    relationship = RelationshipFactory(
        organisation=organisation, stage=stage, ended_on=on, started=started
    )
    reassess(relationship, reason="the scene")
    return relationship


def _save_years(world: World, years: Any, revision: int | None = None) -> Any:
    organisation = _home(world)
    data = {"revision": revision or organisation.revision, "retention_years": years}
    return world.client("admin").post("/organisation/settings/retention/", data)


# --- the setting -------------------------------------------------------------------------------


def test_the_period_is_twenty_years_unless_the_organisation_changes_it(world: World) -> None:
    """A new organisation keeps records 20 years; its admin sets 8, which is saved and audited,
    and the settings page says so."""
    # Arrange
    organisation = _home(world)
    assert organisation.retention_years == 20

    # Act
    response = _save_years(world, "8")

    # Assert
    organisation.refresh_from_db()
    assert response.status_code == 302
    assert organisation.retention_years == 8
    event = AuditEvent.objects.get(action="update", object_type="accounts.Organisation")
    assert event.detail == {"field": "retention_years", "years": [20, 8]}
    page = world.client("admin").get("/organisation/settings/").content.decode()
    assert "8 years after the work ends" in page


@pytest.mark.parametrize("years", ["0", "101", "ten", "", "2.5", "-3"])
def test_a_period_that_is_not_whole_years_from_1_to_100_is_refused(
    world: World, years: str
) -> None:
    """Anything but a whole number of years from 1 to 100 is refused beside the field, saying
    what is expected, and nothing changes."""
    # Arrange
    revision = _home(world).revision

    # Act
    response = _save_years(world, years)

    # Assert
    organisation = _home(world)
    assert response.status_code == 200
    assert response.context["form"].errors["retention_years"] == [
        "Enter a whole number of years from 1 to 100, like 20"
    ]
    assert (organisation.retention_years, organisation.revision) == (20, revision)
    assert not AuditEvent.objects.exists()


def test_a_period_saved_from_an_old_page_is_refused(world: World) -> None:
    """A form loaded before another admin changed a setting is refused and shows the latest."""
    # Arrange
    old = _home(world).revision
    _save_years(world, "10")

    # Act
    response = _save_years(world, "30", revision=old)

    # Assert
    assert response.status_code == 200
    assert "changed by someone else" in " ".join(response.context["form"].non_field_errors())
    assert _home(world).retention_years == 10


# --- deleting ----------------------------------------------------------------------------------


def test_the_task_deletes_exactly_the_relationships_past_the_period(world: World) -> None:
    """Work that ended the day before the period began is deleted with all its rows, each with
    a tombstone; work that ended on that day, or later, or has not ended, or has a safety flag
    still open, is kept; the audit trail verifies."""
    # Arrange
    organisation = _home(world)
    today = timezone.localdate()
    start = retention.cutoff(today, 20)
    past = _ended(organisation, start - timedelta(days=1))
    on_the_day = _ended(organisation, start)
    recent = _ended(organisation, today - timedelta(days=1))
    not_ended = _ended(organisation, None, stage="active")
    flagged = _ended(organisation, start - timedelta(days=400))
    SafetyFlag.objects.create(
        relationship=flagged,
        about=flagged.participants.first(),
        kind="self_harm_thoughts",
        detail="open",
    )
    kept = {world.relationship.pk, world.other.pk, on_the_day.pk, recent.pk, not_ended.pk}

    # Act
    result = apply_retention.enqueue(organisation.pk)

    # Assert
    assert result.return_value == 1
    assert set(Relationship.objects.values_list("pk", flat=True)) == kept | {flagged.pk}
    for model in (Participant, AssessmentRecord, TallyShare):
        assert not model.objects.filter(relationship_id=past.pk).exists(), model
    tombstone = AuditEvent.objects.get(action="delete")
    assert (tombstone.object_type, tombstone.object_id, tombstone.relationship_id) == (
        "relationships.Relationship",
        str(past.pk),
        past.pk,
    )
    assert tombstone.organisation_id == organisation.pk
    assert tombstone.detail == {"how": "retention", "years": 20}
    assert chain.verify().holds


def test_a_shorter_period_deletes_more_and_the_reports_still_add_up(
    django_capture_on_commit_callbacks: Any,
) -> None:
    """In a generated service keeping records 1 year, the work that ended 2 years ago goes;
    the organisation's tallies then give the figures the remaining records give when counted."""
    # Arrange
    organisation = generate(slug="kept", relationships=20, seed=5).organisation
    today = timezone.localdate()
    ended = Relationship.objects.filter(organisation=organisation, stage="ended")
    gone = set(ended.values_list("pk", flat=True))
    assert gone, "the seed makes some ended relationships"
    ended.update(ended_on=today - timedelta(days=800))
    reassess_many(sorted(gone), reason="the scene")
    Organisation.objects.filter(pk=organisation.pk).update(retention_years=1)
    organisation.refresh_from_db()

    # Act
    done = retention.apply(organisation, today)

    # Assert
    assert done.deleted == len(gone)
    assert not Relationship.objects.filter(pk__in=gone).exists()
    remaining = Relationship.objects.filter(organisation=organisation)
    assert remaining.count() == 20 - len(gone)
    assert tallied.service_report(organisation.pk, today) == service_report(remaining, today)
    assert tallied.transparency_data(organisation, today) == transparency_data.count(
        organisation, today
    )


def test_deleting_a_batch_costs_the_same_queries_for_one_relationship_as_for_four() -> None:
    """The queries of one batch do not grow with the number of relationships in it."""
    # Arrange
    today = timezone.localdate()
    long_ago = retention.cutoff(today, 20) - timedelta(days=10)
    batches = []
    # The trail's first write ever also makes its head row: a first batch of one does that.
    for size in (1, 1, 4):
        organisation = OrganisationFactory()
        batches.append((organisation, [_ended(organisation, long_ago).pk for _ in range(size)]))

    # Act
    counts, deleted = [], []
    for organisation, ids in batches:
        with CaptureQueriesContext(connection) as queries:
            deleted.append(retention.delete_batch(organisation, ids, today))
        counts.append(len(queries))

    # Assert
    assert deleted == [1, 1, 4]
    assert counts[1] == counts[2]


# --- the scheduler and the command -------------------------------------------------------------


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_the_scheduler_asks_for_it_once_a_day_for_each_organisation(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """The first round of a day deletes what is past the period in every organisation; later
    rounds that day, or a second scheduler, ask for nothing; the next day asks again."""
    # Arrange
    organisation = _home(world)
    past = _ended(organisation, retention.cutoff(timezone.localdate(), 20) - timedelta(days=1))
    organisations = Organisation.objects.count()

    # Act
    with django_capture_on_commit_callbacks(execute=True):
        scheduler.tick(_at(TODAY, 0))
    again = schedule_retention(_at(TODAY, 13))
    next_day = schedule_retention(_at(TODAY + timedelta(days=1), 0))

    # Assert
    assert not Relationship.objects.filter(pk=past.pk).exists()
    assert (again, next_day) == (0, organisations)
    assert ScheduledRun.objects.filter(name__startswith="retention:").count() == 2


def test_the_command_with_dry_run_deletes_nothing_and_says_how_many(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--dry-run` counts what would go and deletes nothing; without it, the same goes, with
    counts only in what it prints."""
    # Arrange
    organisation = _home(world)
    past = _ended(organisation, retention.cutoff(timezone.localdate(), 20) - timedelta(days=30))
    start = retention.cutoff(timezone.localdate(), 20).isoformat()

    # Act
    dry = main(["retention", "--dry-run"])
    said_dry = capsys.readouterr().out
    kept_after_dry = Relationship.objects.filter(pk=past.pk).exists()
    tombstones_after_dry = AuditEvent.objects.filter(action="delete").count()
    real = main(["retention"])
    said = capsys.readouterr().out

    # Assert
    assert (dry, real) == (0, 0)
    assert kept_after_dry and tombstones_after_dry == 0
    assert f"home: would delete 1 relationship that ended before {start}" in said_dry
    assert AuditEvent.objects.filter(action="delete", object_id=str(past.pk)).exists()
    assert f"home: deleted 1 relationship that ended before {start} (kept for 20 years)" in said
    assert "away: deleted 0 relationships" in said
    assert past.title not in said
    assert not Relationship.objects.filter(pk=past.pk).exists()
