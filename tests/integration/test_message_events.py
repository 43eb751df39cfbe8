"""The messages changes cause: each event posts the right message to the right people once,
people's choices are kept (safety ones cannot be turned off), withdrawn consent cancels what is
pending but safety messages and the withdrawal notice, and no message holds health details.

What is posted to the outbox is checked here (kind, address, person, key, words); sending it is
the sending engine's part."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mutuality.web.audit.models import AuditEvent
from mutuality.web.outbox import events
from mutuality.web.outbox.models import Kind, MessageChoice, OutgoingMessage, State
from mutuality.web.relationships.actions.questions import save_contract
from mutuality.web.relationships.case_io import export_yaml
from mutuality.web.relationships.models import CurrentFinding, Relationship, SafetyFlag
from tests.factories import World

WORRY = "He asked me to keep his drinking from the team"
TERMS = {
    "costs_and_benefits": [{"party": "tomasz", "costs": ["time"], "benefits": ["company"]}],
    "exit_plan": "We stop when either of us asks.",
}


@pytest.fixture
def world(world: World) -> World:
    """The shared world, active, with everyone's email address and display name."""
    for standing, user in world.users.items():
        user.email = f"{user.username}@example.org"
        user.display_name = f"{standing.replace('_', ' ').title()} Person"
        user.save()
    relationship = world.relationship
    relationship.stage, relationship.as_of = "active", None
    relationship.started = timezone.localdate() - timedelta(days=120)
    relationship.save()
    return world


def _posted(kind: Kind) -> dict[str, OutgoingMessage]:
    """The messages of this kind, by the username of the person each is to."""
    rows = OutgoingMessage.objects.filter(kind=kind).select_related("recipient")
    return {m.recipient.username if m.recipient else m.to: m for m in rows}


def _revision(world: World) -> int:
    return Relationship.objects.get(pk=world.relationship.pk).revision


def _fill_in_phq9(world: World, items: list[int]) -> Any:
    relationship = world.relationship
    series = relationship.outcome_series.get_or_create(
        of=relationship.participants.get(slug="tomasz"), instrument="phq9"
    )[0]
    day = timezone.localdate()
    data = {
        "date_0": str(day.day),
        "date_1": str(day.month),
        "date_2": str(day.year),
        "revision": _revision(world),
        **{f"item_{n}": str(answer) for n, answer in enumerate(items, 1)},
    }
    return world.client("co_producer").post(
        f"/relationships/{relationship.pk}/outcomes/{series.pk}/", data
    )


def _raise_worry(world: World, *, private: bool) -> Any:
    day = timezone.localdate()
    data = {
        "date_0": str(day.day),
        "date_1": str(day.month),
        "date_2": str(day.year),
        "kind": "collusion",
        "note": WORRY,
        "revision": _revision(world),
        **({"supervisor_only": "on"} if private else {}),
    }
    return world.client("co_producer").post(
        f"/relationships/{world.relationship.pk}/observations/new/", data
    )


def _turn_off(user: Any, kind: Kind) -> None:
    MessageChoice.objects.create(user=user, kind=kind, wanted=False)


def test_a_safety_flag_goes_to_the_professional_and_supervisor_at_once(world: World) -> None:
    """An answer about self-harm posts one message each to the professional and the
    supervisor, greeting them and linking to the flag, and to nobody else."""
    response = _fill_in_phq9(world, [1, 1, 1, 1, 1, 1, 1, 1, 2])

    flag = SafetyFlag.objects.get(relationship=world.relationship)
    posted = _posted(Kind.SAFETY_FLAG)
    assert response.status_code == 302
    assert set(posted) == {"pro", "sup"}
    assert posted["pro"].to == "pro@example.org"
    assert posted["pro"].key == f"safety_flag:{flag.pk}:{world.users['professional'].pk}"
    assert posted["sup"].body.startswith("Hello Supervisor Person,")
    link = f"{settings.SITE_URL}/relationships/{world.relationship.pk}/safety/{flag.pk}/"
    assert link in posted["sup"].body


def test_safety_messages_cannot_be_turned_off(world: World) -> None:
    """Even a stored choice against safety messages (the page never offers one) is ignored."""
    _turn_off(world.users["professional"], Kind.SAFETY_FLAG)

    _fill_in_phq9(world, [1, 1, 1, 1, 1, 1, 1, 1, 3])

    assert set(_posted(Kind.SAFETY_FLAG)) == {"pro", "sup"}


def test_a_new_contract_version_waits_for_the_others_once(world: World) -> None:
    """A contract version written by the professional posts one message to the co-producer,
    none to its writer, and posting it again changes nothing."""
    contract = save_contract(
        relationship=world.relationship,
        terms=TERMS,
        by=world.users["professional"],
        expected_revision=_revision(world),
    )

    events.contract_waiting(contract, by=world.users["professional"])

    posted = _posted(Kind.CONTRACT_WAITING)
    assert set(posted) == {"co"}
    assert posted["co"].key == f"contract_waiting:{contract.pk}:{world.users['co_producer'].pk}"
    assert f"/relationships/{world.relationship.pk}/contract/agree/" in posted["co"].body


def test_a_person_who_turned_a_kind_off_is_not_sent_it(world: World) -> None:
    """The co-producer unticks contract messages on their page; the next version posts
    nothing to them, and their choice is audited."""
    client = world.client("co_producer")
    offered = client.get("/accounts/messages/").content.decode()

    saved = client.post(
        "/accounts/messages/",
        {"wanted": [Kind.CONSENT_WITHDRAWN.value, Kind.QUESTIONNAIRE_DUE.value]},
    )
    save_contract(
        relationship=world.relationship,
        terms=TERMS,
        by=world.users["professional"],
        expected_revision=_revision(world),
    )

    assert 'value="contract_waiting"' in offered
    assert 'value="safety_flag"' not in offered
    assert saved.status_code == 302
    assert _posted(Kind.CONTRACT_WAITING) == {}
    assert AuditEvent.objects.filter(
        user=world.users["co_producer"], object_type="outbox.MessageChoice"
    ).exists()


def test_a_choice_that_is_not_offered_is_refused_and_nothing_changes(world: World) -> None:
    """Asking for a kind not on the page names the field's problem and saves nothing."""
    response = world.client("co_producer").post(
        "/accounts/messages/", {"wanted": ["worry_raised", "not_a_kind"]}
    )

    assert response.status_code == 200
    assert "Choose only messages from the list" in response.content.decode()
    assert not MessageChoice.objects.exists()


def test_a_worry_goes_to_the_supervisor_without_what_it_says(world: World) -> None:
    """A co-producer's supervisor-only worry posts one message to the supervisor, which
    neither quotes the worry nor names its kind or who raised it."""
    response = _raise_worry(world, private=True)

    posted = _posted(Kind.WORRY_RAISED)
    assert response.status_code == 302
    assert set(posted) == {"sup"}
    body = posted["sup"].body
    assert WORRY not in body
    assert "ollusion" not in body
    assert "Co Producer Person" not in body
    assert f"/relationships/{world.relationship.pk}/records/" in body


def test_withdrawal_cancels_pending_messages_but_safety_and_its_notice(world: World) -> None:
    """When the co-producer withdraws consent, a pending contract message is cancelled; the
    pending safety messages stay, and the withdrawal notice goes to the professional and the
    supervisor (not to the person who withdrew)."""
    save_contract(
        relationship=world.relationship,
        terms=TERMS,
        by=world.users["co_producer"],
        expected_revision=_revision(world),
    )
    _fill_in_phq9(world, [1, 1, 1, 1, 1, 1, 1, 1, 2])

    world.client("co_producer").post(f"/relationships/{world.relationship.pk}/consent/withdraw/")

    states = dict(OutgoingMessage.objects.values_list("kind", "state").distinct())
    assert states == {
        Kind.CONTRACT_WAITING: State.CANCELLED,
        Kind.SAFETY_FLAG: State.PENDING,
        Kind.CONSENT_WITHDRAWN: State.PENDING,
    }
    assert set(_posted(Kind.CONSENT_WITHDRAWN)) == {"pro", "sup"}


def test_after_withdrawal_only_safety_messages_are_posted(world: World) -> None:
    """Once consent is withdrawn, a new contract version posts nothing, a safety flag still
    does."""
    world.client("co_producer").post(f"/relationships/{world.relationship.pk}/consent/withdraw/")

    save_contract(
        relationship=world.relationship,
        terms=TERMS,
        by=world.users["professional"],
        expected_revision=_revision(world),
    )
    _fill_in_phq9(world, [1, 1, 1, 1, 1, 1, 1, 1, 2])

    assert _posted(Kind.CONTRACT_WAITING) == {}
    assert set(_posted(Kind.SAFETY_FLAG)) == {"pro", "sup"}


def test_nobody_without_an_address_or_a_working_login_is_sent_anything(world: World) -> None:
    """A supervisor with no email address and a turned-off professional get no message."""
    world.users["supervisor"].email = ""
    world.users["supervisor"].save()
    world.users["professional"].is_active = False
    world.users["professional"].save()

    _fill_in_phq9(world, [1, 1, 1, 1, 1, 1, 1, 1, 2])

    assert _posted(Kind.SAFETY_FLAG) == {}


def test_an_invitation_with_an_address_is_emailed_and_still_shown(world: World) -> None:
    """Given an email address, the invitation is posted to it with a link of its own (not the
    one the page shows to copy), greeting the person by the name given."""
    relationship = world.relationship
    relationship.participants.filter(slug="tomasz").update(user=None)

    page = world.client("professional").post(
        f"/relationships/{relationship.pk}/invite/",
        {
            "participant": "tomasz",
            "display_name": "Tomasz Nowak",
            "email": "Tomasz@Example.org",
            "revision": _revision(world),
        },
    )

    (message,) = OutgoingMessage.objects.filter(kind=Kind.INVITATION)
    html = page.content.decode()
    token = html.split("/relationships/invitation/")[1].split("/")[0]
    assert page.status_code == 200
    assert "Mutuality is also emailing a link to tomasz@example.org" in html
    assert message.to == "tomasz@example.org"
    assert message.recipient is None
    assert message.body.startswith("Hello Tomasz Nowak,")
    assert f"{settings.SITE_URL}/relationships/invitation/" in message.body
    assert token not in message.body  # the emailed link is its own (ADR 0009)


def test_an_invitation_without_an_address_posts_nothing(world: World) -> None:
    """Without an email address the link is only shown, as before."""
    relationship = world.relationship
    relationship.participants.filter(slug="tomasz").update(user=None)

    page = world.client("professional").post(
        f"/relationships/{relationship.pk}/invite/",
        {"participant": "tomasz", "display_name": "Tomasz", "revision": _revision(world)},
    )

    assert page.status_code == 200
    assert "/relationships/invitation/" in page.content.decode()
    assert not OutgoingMessage.objects.exists()


def test_a_wrong_address_on_an_invitation_is_named_and_nothing_changes(world: World) -> None:
    """An address that is not one says so next to the field; no invitation is made."""
    relationship = world.relationship
    relationship.participants.filter(slug="tomasz").update(user=None)
    before = _revision(world)

    page = world.client("professional").post(
        f"/relationships/{relationship.pk}/invite/",
        {
            "participant": "tomasz",
            "display_name": "T",
            "email": "not an address",
            "revision": before,
        },
    )

    assert "Enter an email address in the correct format" in page.content.decode()
    assert _revision(world) == before
    assert not OutgoingMessage.objects.exists()


@pytest.mark.asvs("14.2.3")
def test_no_message_holds_health_details(world: World) -> None:
    """After a flag, a worry, a contract and a withdrawal, no body holds an answer's words, a
    score, a finding, the flag's detail, the worry or the relationship's title."""
    _fill_in_phq9(world, [3, 3, 3, 3, 3, 3, 3, 3, 2])
    _raise_worry(world, private=False)
    save_contract(
        relationship=world.relationship,
        terms=TERMS,
        by=world.users["co_producer"],
        expected_revision=_revision(world),
    )
    world.client("co_producer").post(f"/relationships/{world.relationship.pk}/consent/withdraw/")

    secrets = {
        WORRY,
        world.relationship.title,
        *SafetyFlag.objects.values_list("detail", flat=True),
        *CurrentFinding.objects.values_list("message", flat=True),
        "PHQ-9",
        "answered",
        "self-harm",
        TERMS["exit_plan"],
    }
    bodies = list(OutgoingMessage.objects.values_list("subject", "body"))
    assert len(bodies) >= 5
    assert [
        (text, secret) for pair in bodies for text in pair for secret in secrets if secret in text
    ] == []


def test_the_choices_page_offers_each_role_its_own_kinds(world: World) -> None:
    """A supervisor is asked about worries and the digest, a reviewer only about the digest."""
    supervisor = world.client("supervisor").get("/accounts/messages/").content.decode()
    reviewer = world.client("reviewer").get("/accounts/messages/").content.decode()

    assert 'value="worry_raised"' in supervisor
    assert 'value="overdue_digest"' in supervisor
    assert 'value="contract_waiting"' not in supervisor
    assert reviewer.count('type="checkbox"') == 1


def test_the_same_event_twice_posts_once(world: World) -> None:
    """A flag's message posted again (a retried action, say) keeps one row per person."""
    _fill_in_phq9(world, [1, 1, 1, 1, 1, 1, 1, 1, 2])
    flag = SafetyFlag.objects.get()

    events.safety_flag(flag)

    assert OutgoingMessage.objects.filter(kind=Kind.SAFETY_FLAG).count() == 2


def test_a_worry_and_a_contract_from_an_uploaded_file_are_sent_like_typed_ones(
    world: World,
) -> None:
    """A case file that adds a worry and a new contract version posts the worry to the
    supervisor and the contract to the co-producer, as the forms do."""
    relationship = world.relationship
    data = yaml.safe_load(export_yaml(relationship))
    data["observations"] = [
        {"date": "2026-11-02", "kind": "boundary_drift", "by": "priya", "status": "open"}
    ]
    data["contract"] = {**data["contract"], "exit_plan": "A new exit plan."}

    response = world.client("professional").post(
        f"/relationships/{relationship.pk}/case/upload/",
        {
            "case_file": SimpleUploadedFile("case.yaml", yaml.safe_dump(data).encode()),
            "revision": _revision(world),
        },
    )

    assert response.status_code == 302
    assert set(_posted(Kind.WORRY_RAISED)) == {"sup"}
    assert set(_posted(Kind.CONTRACT_WAITING)) == {"co"}
