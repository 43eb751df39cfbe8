"""`reassess` keeps the typed rows true to the framework, through time as well: lists read a
year later, with nobody touching a relationship, agree with lists read after reassessing it."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mutuality.framework import assess_over_time
from mutuality.web.audit.models import AuditEvent
from mutuality.web.commands import main
from mutuality.web.relationships.actions import reassess, reassess_many
from mutuality.web.relationships.case_io import to_case
from mutuality.web.relationships.models import (
    ROWS_VERSION,
    AssessedPeriod,
    AssessmentRecord,
    CurrentFinding,
    Relationship,
    SeriesSummary,
    Tally,
)
from mutuality.web.reports import tallied
from mutuality.web.reports.service_report import ServiceReport, service_report
from tests.factories import World, build_world
from tests.integration.test_access_matrix import OWN

LISTS = ("/relationships/", "/relationships/due/")


@pytest.fixture
def world(world: World) -> World:
    # Running, supervised today and judged by the calendar (not on a case file's own date):
    # nothing is overdue yet, and nobody touches it again.
    Relationship.objects.filter(pk=world.relationship.pk).update(
        stage="active",
        started=date(2026, 1, 5),
        last_supervision=timezone.localdate(),
        as_of=None,
    )
    reassess(world.relationship, reason="the work started")
    return world


def _on(monkeypatch: pytest.MonkeyPatch, day: date) -> None:
    """Make `day` today for everything that asks Django the date."""
    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: real(*a, **k) if a else day)


def _lists(world: World) -> dict[tuple[str, str], str]:
    """What each person sees on their lists: the main content of each list page."""
    seen = {}
    for standing in OWN:
        client = Client()
        client.force_login(world.users[standing])
        for url in LISTS:
            page = client.get(url).content.decode()
            main_part = re.search(r"<main.*?</main>", page, re.S)
            assert main_part is not None
            # A form's CSRF token is new on every page; the rest must match.
            seen[(standing, url)] = re.sub(
                r'name="csrfmiddlewaretoken" value="[^"]*"', "", main_part.group(0)
            )
    return seen


def _stored(relationship: Relationship) -> list[tuple[object, ...]]:
    return sorted(
        CurrentFinding.objects.filter(relationship=relationship).values_list(
            "code", "severity", "message", "starts", "ends"
        )
    )


def test_lists_a_year_on_agree_with_lists_after_reassessing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A year later, untouched, the lists show what reassessing everything then shows."""
    today = timezone.localdate()
    before_year = _lists(world)
    _on(monkeypatch, today + timedelta(days=365))

    untouched = _lists(world)
    reassess_many(Relationship.objects.all(), reason="a year on")
    reassessed = _lists(world)

    assert untouched == reassessed
    assert untouched != before_year  # time did change something: supervision fell overdue
    assert "Supervision and reviews overdue" in untouched[("supervisor", "/relationships/")]


def test_the_stored_rows_are_the_framework_s_assessments_over_time(world: World) -> None:
    """Each stored period and finding is what `assess_over_time` says of the case."""
    relationship = world.relationship
    periods = list(assess_over_time(to_case(relationship), today=timezone.localdate()))

    stored = list(AssessedPeriod.objects.filter(relationship=relationship).order_by("starts"))

    assert [(p.starts, p.recommendation, p.scrutiny_level) for p in stored] == [
        (day, a.recommendation, a.scrutiny.level) for day, a in periods
    ]
    assert [p.ends for p in stored] == [day for day, _ in periods[1:]] + [None]
    assert len(_stored(relationship)) == sum(len(a.findings) for _, a in periods)


def test_reassessing_in_bulk_stores_what_reassessing_one_by_one_does(world: World) -> None:
    """`reassess_many` writes the same rows as `reassess` for each relationship."""
    for relationship in (world.relationship, world.other):
        reassess(relationship, reason="one by one")
    one_by_one = [_stored(r) for r in (world.relationship, world.other)]
    summaries = SeriesSummary.objects.count()

    reassess_many([world.relationship.pk, world.other.pk], reason="in bulk")

    assert [_stored(r) for r in (world.relationship, world.other)] == one_by_one
    assert SeriesSummary.objects.count() == summaries


def test_a_finding_keeps_the_day_it_was_first_seen(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reassessing later keeps `since` for a finding that stayed open all along."""
    first = {
        f.code: f.since for f in CurrentFinding.objects.filter(relationship=world.relationship)
    }
    _on(monkeypatch, timezone.localdate() + timedelta(days=3))

    reassess(world.relationship, reason="three days on")

    later = CurrentFinding.objects.filter(
        relationship=world.relationship, starts__lte=timezone.localdate()
    )
    kept = {f.code: f.since for f in later if f.code in first}
    assert kept and all(kept[code] == first[code] for code in kept)


@pytest.mark.django_db(transaction=True)
def test_the_command_reassesses_everything_and_audits_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`mutuality reassess --all` reassesses each relationship once and says how many."""
    world = build_world()
    before = AssessmentRecord.objects.count()

    code = main(["reassess", "--all"])

    assert code == 0
    assert capsys.readouterr().out.strip() == "reassessed 2 relationships"
    assert AssessmentRecord.objects.count() == before + 2
    assert AuditEvent.objects.filter(
        action="reassess", organisation_id=world.relationship.organisation_id
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_reassessing_everything_builds_the_tallies_again(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--all` builds each organisation's tallies again from nothing: a tally spoiled by hand
    (as a change of engine would leave it) gives the counted figures again."""
    world = build_world()
    organisation = world.relationship.organisation
    today = timezone.localdate()
    Tally.objects.filter(organisation=organisation, figure="stage").update(value=99)
    assert tallied.service_report(organisation.pk, today) != _counted(organisation.pk, today)

    assert main(["reassess", "--all"]) == 0

    assert tallied.service_report(organisation.pk, today) == _counted(organisation.pk, today)


def _counted(organisation_id: int, today: date) -> ServiceReport:
    return service_report(Relationship.objects.filter(organisation_id=organisation_id), today)


@pytest.mark.django_db(transaction=True)
def test_the_command_can_reassess_only_what_was_never_assessed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--missing` reassesses the relationships without stored rows, and only those."""
    world = build_world()
    AssessedPeriod.objects.filter(relationship=world.other).delete()

    code = main(["reassess", "--missing"])

    assert code == 0
    assert capsys.readouterr().out.strip() == "reassessed 1 relationship"
    assert AssessedPeriod.objects.filter(relationship=world.other).exists()
    audited = AuditEvent.objects.get(action="reassess")
    assert audited.detail["relationships"] == 1


@pytest.mark.django_db(transaction=True)
def test_the_command_rewrites_rows_stored_by_an_older_release(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`--missing` also reassesses relationships whose rows an older release wrote (after
    `migrate` adds what the rows hold), so `make run` brings every row up to date."""
    world = build_world()
    Relationship.objects.filter(pk=world.relationship.pk).update(rows_version=ROWS_VERSION - 1)
    AssessedPeriod.objects.filter(relationship=world.relationship).update(title="stale")

    code = main(["reassess", "--missing"])

    assert code == 0
    assert capsys.readouterr().out.strip() == "reassessed 1 relationship"
    assert Relationship.objects.get(pk=world.relationship.pk).rows_version == ROWS_VERSION
    assert not AssessedPeriod.objects.filter(title="stale").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["reassess", "--organisation", "nowhere"], "no organisation with slug 'nowhere'"),
        (["reassess", "--id", "999"], "no relationship with id 999"),
    ],
)
def test_the_command_names_what_it_cannot_find(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """An unknown organisation or relationship exits 2 with one plain line."""
    code = main(argv)

    assert code == 2
    assert capsys.readouterr().err.strip() == message
