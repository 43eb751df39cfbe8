"""Issue 15, point 5: withdrawing consent, on the page or through the API, takes the
relationship out of the reports' counts of work under way at once. The next service report no
longer counts it as running and shows it by stage as "Stopped: consent withdrawn"; the
transparency draft moves it there too. After an upgrade that brought this rule
(`ROWS_VERSION` 8), `mutuality reassess --missing` builds again the tallies an older release
kept under the old rule, so the reports read from them agree with the counted ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from mutuality.web.accounts.models import Organisation
from mutuality.web.api.tokens import make_token
from mutuality.web.commands import main
from mutuality.web.relationships import tallies
from mutuality.web.relationships.actions import reassess, set_consent
from mutuality.web.relationships.models import ROWS_VERSION, Relationship, Tally
from mutuality.web.reports import tallied, transparency_data
from mutuality.web.reports.service_report import ServiceReport, service_report
from tests.factories import World, build_world


def _under_way(world: World) -> Relationship:
    """The world's relationship, active since January and supervised today, assessed so."""
    relationship = world.relationship
    Relationship.objects.filter(pk=relationship.pk).update(
        stage="active",
        started=date(2026, 1, 5),
        last_supervision=timezone.localdate(),
        as_of=None,
    )
    reassess(relationship, reason="the work started")
    return relationship


def _report_page(world: World) -> ServiceReport:
    """The service report the organisation's admin reads (from the tallies: the whole
    organisation), checked against the report counted from the rows."""
    response = world.client("admin").get("/reports/service/")
    assert response.status_code == 200
    report: ServiceReport = response.context["report"]
    organisation = world.relationship.organisation_id
    counted = service_report(
        Relationship.objects.filter(organisation_id=organisation), report.today
    )
    assert report == counted
    return report


def _running(report: ServiceReport) -> int:
    return sum(level.running for level in report.compliance)


def _withdraw_on_the_page(world: World, relationship: Relationship) -> int:
    client = world.client("co_producer")
    return client.post(f"/relationships/{relationship.pk}/consent/withdraw/").status_code


def _withdraw_through_the_api(world: World, relationship: Relationship) -> int:
    user = world.users["co_producer"]
    _, secret = make_token(user, name="reports", by=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    answer = client.post(
        f"/api/v1/relationships/{relationship.pk}/consent/withdrawal",
        json.dumps({"confirm": True}),
        content_type="application/json",
    )
    return answer.status_code


def _read_through_the_api(world: World, relationship: Relationship) -> dict[str, object]:
    """The relationship as the API's list gives it to the organisation's admin."""
    user = world.users["admin"]
    _, secret = make_token(user, name="reads", by=user)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    listed = client.get("/api/v1/relationships").json()["results"]
    return next(row for row in listed if row["id"] == relationship.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("withdraw", "answered"),
    [(_withdraw_on_the_page, 302), (_withdraw_through_the_api, 200)],
    ids=["page", "api"],
)
def test_a_withdrawal_takes_the_work_out_of_the_running_counts(
    world: World, withdraw: Callable[[World, Relationship], int], answered: int
) -> None:
    """The co-producer withdraws their consent in an active relationship: the next service
    report counts one running relationship fewer and shows it as stopped by a withdrawn
    consent, not as active; the transparency draft's stages move it the same way, and the
    API's list says the consent is withdrawn."""
    # Arrange
    relationship = _under_way(world)
    organisation = relationship.organisation
    before = _report_page(world)
    draft_before = transparency_data.gather(organisation)
    listed_before = _read_through_the_api(world, relationship)

    # Act
    status = withdraw(world, relationship)

    # Assert
    after = _report_page(world)
    draft_after = transparency_data.gather(organisation)
    listed_after = _read_through_the_api(world, relationship)
    assert (listed_before["consent_withdrawn"], listed_after["consent_withdrawn"]) == (False, True)
    assert listed_after["stage"] == "active"
    assert status == answered
    assert relationship.participants.get(role="recipient").consent == "withdrawn"
    assert Relationship.objects.get(pk=relationship.pk).stage == "active"  # its own stage stays
    assert _running(after) == _running(before) - 1
    assert (before.by_stage["active"], before.by_stage["withdrawn"]) == (1, 0)
    assert (after.by_stage["active"], after.by_stage["withdrawn"]) == (0, 1)
    assert after.relationships == before.relationships
    assert draft_before.by_stage.get("active") == 1 and "withdrawn" not in draft_before.by_stage
    assert draft_after.by_stage.get("withdrawn") == 1 and "active" not in draft_after.by_stage
    assert draft_after == transparency_data.count(organisation, timezone.localdate())


@pytest.mark.django_db
def test_the_stage_table_names_the_stopped_work(world: World) -> None:
    """On the service report page the stage table has a row "Stopped: consent withdrawn" with
    the one relationship in it."""
    # Arrange
    relationship = _under_way(world)
    person = relationship.participants.get(role="recipient")
    set_consent(participant=person, consent="withdrawn", by=world.users["co_producer"])

    # Act
    response = world.client("admin").get("/reports/service/")

    # Assert
    stage = response.context["tables"]["stage"]
    assert ("Stopped: consent withdrawn", 1) in stage.rows
    assert "Stopped: consent withdrawn" in response.content.decode()


def _the_old_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a relationship's facts added to the tallies before `ROWS_VERSION` 8: counted under
    its own stage, and running while active or ending, whoever had withdrawn."""
    monkeypatch.setattr(tallies, "reported_stage", lambda stage, consents: stage)
    monkeypatch.setattr(tallies, "is_running", lambda stage, consents: stage in tallies.RUNNING)


def _stage_tally(organisation: Organisation, stage: str) -> float:
    rows = Tally.objects.filter(organisation=organisation, figure="stage", item=f'["{stage}"]')
    return rows.aggregate(total=Sum("value"))["total"] or 0


@pytest.mark.django_db(transaction=True)
def test_reassessing_what_an_older_release_wrote_builds_the_tallies_again(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A relationship stopped by a withdrawn consent whose rows and tallies were written at
    `ROWS_VERSION` 7, under the old rule (still counted as active and running): `reassess
    --missing` rewrites it and builds the organisation's tallies again, so the reports read
    from them equal the counted ones and show it as stopped."""
    # Arrange
    world = build_world()
    relationship = _under_way(world)
    organisation = relationship.organisation
    today = timezone.localdate()
    with monkeypatch.context() as old:
        _the_old_rule(old)
        person = relationship.participants.get(role="recipient")
        set_consent(participant=person, consent="withdrawn", by=world.users["co_producer"])
        tallies.rebuild(organisation.pk, today)
    Relationship.objects.filter(pk=relationship.pk).update(rows_version=ROWS_VERSION - 1)
    assert _stage_tally(organisation, "active") == 1  # as the old release kept it
    assert tallies.figures(organisation.pk, today) is None  # meanwhile the reports count

    # Act
    code = main(["reassess", "--missing"])

    # Assert
    assert code == 0
    assert capsys.readouterr().out.strip() == "reassessed 1 relationship"
    assert Relationship.objects.get(pk=relationship.pk).rows_version == ROWS_VERSION == 8
    assert _stage_tally(organisation, "active") == 0
    assert _stage_tally(organisation, "withdrawn") == 1
    whole = tallied.service_report(organisation.pk, today)
    assert whole is not None
    assert whole == service_report(Relationship.objects.filter(organisation=organisation), today)
    assert whole.by_stage["withdrawn"] == 1 and _running(whole) == 0
    assert tallied.transparency_data(organisation, today) == transparency_data.count(
        organisation, today
    )
