"""An organisation's tallies (ADR 0008) give the figures the typed rows give when counted.

The organisation-wide service report and transparency report read the tallies `reassess` keeps;
filtered reports count the typed rows. Here both are made for a generated service on many days
(figures that change with the day: overdue supervision, findings' days open, outcome horizons),
after changes written on later days (a new stage, a withdrawn consent, a supervision, a score,
a relationship deleted), after the daily fold, and after building them again from nothing. The
service has work under way stopped by a withdrawn consent, which the reports count apart
(tallies.py, "What counts as running").
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from threading import Thread

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mutuality.web.accounts.models import Organisation, Role
from mutuality.web.relationships import tallies
from mutuality.web.relationships.actions import reassess, set_consent
from mutuality.web.relationships.generate import generate
from mutuality.web.relationships.models import (
    ROWS_VERSION,
    OutcomeSeries,
    Participant,
    Relationship,
    Score,
    Tally,
)
from mutuality.web.reports import tallied, transparency_data
from mutuality.web.reports.service_report import service_report

pytestmark = pytest.mark.django_db
# Days on which the figures change for a service generated today: supervision falling due, the
# medium and long horizons beginning for series started up to a year ago.
LATER = (0, 1, 13, 29, 45, 91, 92, 120, 200, 366, 367, 500)


def _on(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: real(*a, **k) if a else day)


def _agree(organisation: Organisation, day: date) -> None:
    """Both reports, from the tallies and counted, are the same on this day."""
    counted = service_report(Relationship.objects.filter(organisation=organisation), day)
    assert tallied.service_report(organisation.pk, day) == counted, day
    assert tallied.transparency_data(organisation, day) == transparency_data.count(
        organisation, day
    )


@pytest.fixture
def service() -> Organisation:
    """A generated service in which, beside the consents it was made with, someone withdrew
    their consent in two active relationships and an ending one (a professional in one),
    as the withdrawal pages and the API do it."""
    organisation = generate(slug="tallied", relationships=40, seed=11).organisation
    for stage, role, n in (("active", "recipient", 2), ("ending", "professional", 1)):
        people = Participant.objects.filter(
            relationship__organisation=organisation,
            relationship__stage=stage,
            role=role,
            user__isnull=False,
        ).exclude(consent="withdrawn")
        for person in people.order_by("pk")[:n]:
            set_consent(participant=person, consent="withdrawn", by=person.user)
    return organisation


def _withdrawn_and_running(organisation: Organisation) -> tuple[int, int]:
    """Counted by hand: the relationships under way in which someone withdrew their consent,
    and those under way in which nobody did."""
    under_way = Relationship.objects.filter(organisation=organisation, stage__in=tallies.RUNNING)
    stopped = under_way.filter(participants__consent="withdrawn").distinct().count()
    return stopped, under_way.count() - stopped


def test_the_tallies_give_the_counted_figures_on_every_day(service: Organisation) -> None:
    """On every day from today to 500 days on, the figures from the tallies are the counted
    ones; and both count work stopped by a withdrawn consent apart, as the hand count says."""
    # Arrange
    today = timezone.localdate()
    stopped, running = _withdrawn_and_running(service)

    # Act
    whole = tallied.service_report(service.pk, today)

    # Assert
    assert whole is not None
    assert stopped >= 3 and whole.by_stage["withdrawn"] == stopped
    assert sum(level.running for level in whole.compliance) == running
    for days in LATER:
        _agree(service, today + timedelta(days=days))


def test_changes_on_later_days_keep_them_equal(
    service: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = timezone.localdate()
    chosen = random.Random(3).sample(list(service.relationships.order_by("pk")), 6)  # noqa: S311 (a test's fixed choice)
    for step, relationship in enumerate(chosen):
        day = today + timedelta(days=[17, 40, 95, 95, 210, 380][step])
        _on(monkeypatch, day)
        _change(relationship, step, day)
        for later in (0, 1, 30, 91, 366):
            _agree(service, day + timedelta(days=later))
    # Nothing left on a day that has come but `SINCE_EVER` (the last write folded them).
    come = Tally.objects.filter(organisation=service, day__gt=tallies.SINCE_EVER, day__lte=day)
    assert not come.exists()


def _change(relationship: Relationship, step: int, day: date) -> None:
    """A different kind of change at each step, each followed by `reassess` as actions do."""
    if step == 0:
        Relationship.objects.filter(pk=relationship.pk).update(stage="ending")
    elif step == 1:
        Participant.objects.filter(relationship=relationship, role="recipient").update(
            consent="withdrawn"
        )
    elif step == 2:
        Relationship.objects.filter(pk=relationship.pk).update(last_supervision=day)
    elif step == 3:
        series = OutcomeSeries.objects.filter(relationship=relationship).first()
        if series is not None:
            Score.objects.create(series=series, date=day, value=3)
    elif step == 4:
        relationship.delete()
        return
    reassess(Relationship.objects.get(pk=relationship.pk), reason="a change")


def test_building_them_again_gives_the_same_figures(service: Organisation) -> None:
    today = timezone.localdate()
    before = {days: tallies.figures(service.pk, today + timedelta(days=days)) for days in LATER}

    tallies.rebuild(service.pk, today)

    for days, figures in before.items():
        assert tallies.figures(service.pk, today + timedelta(days=days)) == figures


def test_the_tallies_stand_aside_when_they_cannot_say(
    service: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relationship whose rows an older release wrote, or a tally written on a later day than
    the report's, and the reports are counted instead."""
    today = timezone.localdate()
    assert tallies.figures(service.pk, today) is not None
    assert tallies.figures(service.pk, today - timedelta(days=1)) is None  # written today

    one = service.relationships.first()
    assert one is not None
    Relationship.objects.filter(pk=one.pk).update(rows_version=ROWS_VERSION - 1)
    assert tallies.figures(service.pk, today) is None

    counted = service_report(Relationship.objects.filter(organisation=service), today)
    client = Client()
    client.force_login(service.users.filter(role=Role.ADMIN).first())
    assert client.get("/reports/service/").context["report"] == counted


def test_the_admins_whole_report_reads_no_typed_row(service: Organisation) -> None:
    """Unfiltered, an admin's report reads the tallies, not the rows that grow with the
    organisation; narrowed to a team, it counts them."""
    client = Client()
    client.force_login(service.users.filter(role=Role.ADMIN).first())
    client.get("/reports/service/")

    with CaptureQueriesContext(connection) as whole:
        assert client.get("/reports/service/").status_code == 200
    team = service.users.exclude(team="").values_list("team", flat=True).first()
    with CaptureQueriesContext(connection) as narrowed:
        assert client.get("/reports/service/", {"team": team}).status_code == 200

    def reads(queries: CaptureQueriesContext, table: str) -> bool:
        return any(table in query["sql"] for query in queries.captured_queries)

    assert reads(whole, "relationships_tally")
    assert not reads(whole, "relationships_seriessummary")
    assert not reads(whole, "relationships_assessedperiod")
    assert reads(narrowed, "relationships_seriessummary")


@pytest.mark.django_db(transaction=True)
def test_writers_at_the_same_time_keep_them_equal() -> None:
    """Three writers reassess relationships of one organisation at once, on a day whose changes
    need folding (PostgreSQL only: SQLite writes one transaction at a time)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (make test-postgres runs this)")
    organisation = generate(slug="at-once", relationships=40, seed=4).organisation
    active = organisation.relationships.filter(stage="active").order_by("pk")
    ids = list(active.values_list("pk", flat=True))
    assert len(ids) >= 6
    today = timezone.localdate()
    # A change whose day has come but that is not yet folded, as on the first write of a day.
    Tally.objects.create(
        organisation=organisation,
        figure="stage",
        item='["active"]',
        day=today,
        value=0,
        written=today,
    )
    failures: list[BaseException] = []

    def write(chosen: list[int]) -> None:
        try:
            for pk in chosen:
                with transaction.atomic():
                    Relationship.objects.filter(pk=pk).update(stage="ending")
                    reassess(Relationship.objects.get(pk=pk), reason="at the same time")
        except BaseException as failure:
            failures.append(failure)
        finally:
            connection.close()

    writers = [Thread(target=write, args=(ids[i::3],)) for i in range(3)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()

    assert failures == []
    _agree(organisation, today)
    assert not Tally.objects.filter(organisation=organisation, day=today).exists()
