"""A person's own record (/accounts/record/, .pdf, .json): what it holds for a co-producer and
for staff, that it shows their own private notes and never anyone else's, that the JSON keeps
its documented shape, that the PDF is a tagged PDF with a title, and that nobody signed out
(or staff without a second factor) reaches it."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse
from jsonschema import Draft202012Validator

from mutuality.framework import VOCABULARY
from mutuality.web.access import (
    observations_in_own_relationships,
    own_private_worries,
    visible_private_worries,
)
from mutuality.web.audit.models import AuditEvent
from mutuality.web.outbox.models import Kind, OutgoingMessage
from mutuality.web.relationships.actions import set_consent
from mutuality.web.relationships.actions.details import record_capacity
from mutuality.web.relationships.models import (
    Consultation,
    ConsultationRequest,
    ContractResponse,
    Observation,
    OutcomeSeries,
    Participant,
    PrivateWorry,
    QuestionnaireDraft,
    SafetyFlag,
    Score,
    SupervisionRecord,
)
from mutuality.web.reports.personal_record import FORMAT, LEFT_OUT
from tests.factories import World

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "docs" / "personal-record.schema.json").read_text()
)
OWN_NOTE = "my own private worry 51c"
OTHERS_NOTE = "someone else's private worry 9d2"
SHARED_NOTE = "a shared worry everyone sees 3e8"
MY_DECLINE = "my reason for declining 1f9"
THEIR_COMMENT = "a comment from the professional 3a7"
MY_REQUEST = "my reason for asking 2d4"
THEIR_REQUEST = "a reason sam gave for asking 8b3"


@pytest.fixture
def world(world: World) -> World:
    """The shared world with records in its relationship: the co-producer's own private worry,
    another person's private worry, a shared one, a supervision session, a questionnaire with a
    safety flag about the co-producer, a consent change, the professional's record of the
    co-producer's capacity with the co-producer's own view beside it, an email to them, the
    contract's conversation (the professional's comment, the co-producer's decline), a
    consultation request from the co-producer (answered) and one from someone else, and
    half-filled questionnaires begun by the co-producer and by the professional."""
    relationship = world.relationship
    co_producer = world.users["co_producer"]
    me = Participant.objects.get(relationship=relationship, user=co_producer)
    someone = Participant.objects.create(relationship=relationship, slug="sam", role="recipient")
    day = date(2026, 3, 4)
    PrivateWorry.objects.create(
        relationship=relationship, date=day, kind="collusion", note=OWN_NOTE,
        raised_by=co_producer,
    )  # fmt: skip
    PrivateWorry.objects.create(
        relationship=relationship, date=day, kind="boundary_drift", note=OTHERS_NOTE,
        raised_by=world.users["other_professional"],
    )  # fmt: skip
    Observation.objects.create(
        relationship=relationship, date=day, kind="other", by="priya", note=SHARED_NOTE,
        raised_by=world.users["professional"],
    )  # fmt: skip
    SupervisionRecord.objects.create(
        relationship=relationship, date=day, recorded_by=world.users["supervisor"],
        note="supervision note 77a",
    )  # fmt: skip
    series = OutcomeSeries.objects.create(relationship=relationship, of=me, instrument="phq9")
    Score.objects.create(series=series, date=day, value=12, items=[1, 1, 2, 1, 2, 1, 2, 1, 1])
    other_series = OutcomeSeries.objects.create(
        relationship=relationship, of=someone, instrument="gad7"
    )
    SafetyFlag.objects.create(
        relationship=relationship, about=me, kind="self_harm_thoughts", series=series,
        detail="flag about me 4b1", action_taken="called the next day 8f0",
    )  # fmt: skip
    SafetyFlag.objects.create(
        relationship=relationship, about=someone, kind="reliable_deterioration",
        series=other_series, detail="flag about sam 2c6",
    )  # fmt: skip
    set_consent(participant=me, consent="given", by=co_producer)
    record_capacity(
        person=me, by=world.users["professional"], capacity="fluctuating",
        note="capacity record note 5e2", own_view=False, expected_revision=None,
    )  # fmt: skip
    record_capacity(
        person=me, by=co_producer, capacity="has", note="my own view note 6c4",
        own_view=True, expected_revision=None,
    )  # fmt: skip
    _email(co_producer, Kind.QUESTIONNAIRE_DUE, "questionnaire due body 6a1")
    _email(co_producer, Kind.PASSWORD_RESET, "reset link secret-token-0e4")
    _conversation(world, me, someone, series)
    return world


def _conversation(world: World, me: Participant, someone: Participant, series: Any) -> None:
    """The contract's answers, the consultation requests and the drafts of the fixture."""
    relationship = world.relationship
    professional = Participant.objects.get(relationship=relationship, role="professional")
    contract = relationship.contract_versions.get(version=1)
    ContractResponse.objects.create(
        contract=contract, participant=professional, kind="comment", reason=THEIR_COMMENT
    )
    ContractResponse.objects.create(
        contract=contract, participant=me, kind="declined", reason=MY_DECLINE
    )
    Participant.objects.filter(pk=me.pk).update(consent_version=1)
    held = Consultation.objects.create(
        relationship=relationship, date=date(2026, 3, 9), with_whom="the team", outcome="adapt"
    )
    ConsultationRequest.objects.create(
        relationship=relationship, requested_by=me, reason=MY_REQUEST, answered_by=held
    )
    ConsultationRequest.objects.create(
        relationship=relationship, requested_by=someone, reason=THEIR_REQUEST
    )
    QuestionnaireDraft.objects.create(
        series=series, by=world.users["co_producer"], answers={"item_1": "2", "item_2": "1"}
    )
    QuestionnaireDraft.objects.create(
        series=series, by=world.users["professional"], answers={"item_1": "3"}
    )


def _email(user: Any, kind: Kind, body: str) -> None:
    from django.utils import timezone

    OutgoingMessage.objects.create(
        key=f"{kind}-{body}", kind=kind, recipient=user, to=user.email or "x@example.org",
        subject=f"subject of {kind}", body=body, not_before=timezone.now(),
    )  # fmt: skip


def _json(client: Client) -> dict[str, Any]:
    response = client.get(reverse("accounts:record-json"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data: dict[str, Any] = json.loads(response.content)
    return data


def _page(client: Client) -> str:
    response = client.get(reverse("accounts:record"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_co_producers_record_holds_their_part_in_the_relationship(world: World) -> None:
    """The co-producer's JSON names their relationship and holds their participant record,
    consent history, contract, supervision, questionnaire items and the flag about them."""
    client = world.client("co_producer")

    data = _json(client)

    (relationship,) = data["relationships"]
    (me,) = relationship["participation"]
    assert relationship["title"] == world.relationship.title
    assert (me["role"], me["consent"]) == ("Co-producer", VOCABULARY["consent"].choices()[1][1])
    assert me["access_needs"] == ["routes that take a pushchair"]
    assert {a["question"] for a in me["answers"]} >= {"can_decline", "decide_goals"}
    assert [(c["before"], c["after"]) for c in relationship["consent_history"]] == [
        ("informed", "given")
    ]
    assert relationship["contract_versions"][0]["version"] == 1
    assert [s["note"] for s in relationship["supervision"]] == ["supervision note 77a"]
    (questionnaire,) = relationship["questionnaires"]
    assert questionnaire["scores"][0]["items"] == [1, 1, 2, 1, 2, 1, 2, 1, 1]
    assert [f["detail"] for f in relationship["safety_flags"]] == ["flag about me 4b1"]
    assert relationship["safety_flags"][0]["action_taken"] == "called the next day 8f0"


def test_the_record_holds_ones_own_private_note_and_never_anothers(world: World) -> None:
    """The co-producer's record (JSON and page) shows their own private worry and the shared
    one, never a private worry someone else raised."""
    client = world.client("co_producer")

    text = json.dumps(_json(client)) + _page(client)

    assert OWN_NOTE in text
    assert SHARED_NOTE in text
    assert OTHERS_NOTE not in text


def test_the_professionals_record_never_holds_the_co_producers_private_note(world: World) -> None:
    """The professional's record holds the shared worry and neither private one."""
    client = world.client("professional")

    text = json.dumps(_json(client)) + _page(client)

    assert SHARED_NOTE in text
    assert OWN_NOTE not in text
    assert OTHERS_NOTE not in text


def test_the_record_sees_the_private_worries_the_relationship_pages_show(world: World) -> None:
    """The record's private worries are `visible_private_worries` of each relationship, for
    each participant (their own, and nobody else's): one rule, read for all their relationships
    at once; every shared observation is in it."""
    for standing in ("professional", "co_producer"):
        user = world.users[standing]

        found = set(own_private_worries(user))
        shared = set(observations_in_own_relationships(user))

        assert found == set(visible_private_worries(user, world.relationship)), standing
        assert shared == set(world.relationship.observations.all()), standing
    assert len(set(own_private_worries(world.users["co_producer"]))) == 1


@pytest.mark.asvs("15.3.1")
def test_the_json_keeps_its_documented_shape(world: World) -> None:
    """Every standing's JSON validates against docs/personal-record.schema.json and names
    its format."""
    for standing in ("professional", "co_producer", "supervisor", "reviewer", "admin"):
        data = _json(world.client(standing))

        errors = [e.message for e in Draft202012Validator(SCHEMA).iter_errors(data)]

        assert errors == [], standing
        assert data["format"] == FORMAT == "mutuality.personal-record/1"


@pytest.mark.asvs("15.3.1")
def test_the_record_holds_the_account_and_emails_without_links(world: World) -> None:
    """The account part names the person, their emails are there, and a sign-in link's body is
    left out."""
    data = _json(world.client("co_producer"))

    bodies = {m["kind"]: m["body"] for m in data["messages"]}

    assert data["account"]["username"] == "co"
    assert bodies[Kind.QUESTIONNAIRE_DUE] == "questionnaire due body 6a1"
    assert bodies[Kind.PASSWORD_RESET] == LEFT_OUT
    assert "secret-token-0e4" not in json.dumps(data)


def test_the_record_holds_the_audit_rows_about_the_person(world: World) -> None:
    """Their consent change (which they made, about their own participant record) is among
    their audit rows; an event about someone else is not."""
    AuditEvent.objects.create(
        action="update", object_type="accounts.User",
        object_id=str(world.users["professional"].pk), detail={"field": "email"},
    )  # fmt: skip

    events = _json(world.client("co_producer"))["audit_events"]

    assert any(e["detail"].get("field") == "consent" for e in events)
    assert all(e["detail"].get("field") != "email" for e in events)


def test_a_staff_persons_record_holds_their_login_and_no_relationship(world: World) -> None:
    """A supervisor, in no relationship as a participant, gets their login, second factor and
    no relationship (what they supervise is not about them)."""
    data = _json(world.client("supervisor"))
    page = _page(world.client("supervisor"))

    assert data["relationships"] == []
    assert [f["kind"] for f in data["second_factors"]] == ["Authenticator app"]
    assert "supervision note 77a" not in json.dumps(data)
    assert "You are not one of the two people in any relationship" in page


def test_the_professionals_record_holds_their_relationship_and_not_others_flags(
    world: World,
) -> None:
    """The professional's record has their relationship; flags about the co-producer are the
    co-producer's, not the professional's."""
    data = _json(world.client("professional"))

    (relationship,) = data["relationships"]

    assert relationship["participation"][0]["role"] == "Professional"
    assert relationship["safety_flags"] == []
    assert relationship["questionnaires"] == []


def test_the_record_holds_the_views_of_ones_capacity(world: World) -> None:
    """The co-producer's record holds the professional's record of their capacity and their own
    view beside it, oldest first, in the JSON and on the page; the professional's record holds
    neither (they are about the co-producer)."""
    client = world.client("co_producer")

    (relationship,) = _json(client)["relationships"]
    page = _page(client)

    views = relationship["capacity_views"]
    assert [(v["kind"], v["capacity"], v["by"]) for v in views] == [
        ("record", "fluctuating", world.users["professional"].shown_name),
        ("view", "has", world.users["co_producer"].shown_name),
    ]
    assert views[1]["words"] == "I can make these decisions"
    assert "capacity record note 5e2" in page
    assert "my own view note 6c4" in page
    (professionals,) = _json(world.client("professional"))["relationships"]
    assert professionals["capacity_views"] == []


def test_the_record_holds_the_whole_contract_conversation(world: World) -> None:
    """The co-producer's record holds every answer to the contract, theirs and the other
    person's, with the decline's reason, in the JSON and on the page, and the version their
    consent was given for."""
    client = world.client("co_producer")

    (relationship,) = _json(client)["relationships"]
    page = _page(client)

    said = [(r["kind"], r["by_you"], r["reason"]) for r in relationship["contract_conversation"]]
    assert said == [("comment", False, THEIR_COMMENT), ("declined", True, MY_DECLINE)]
    assert relationship["contract_conversation"][1]["what"] == "declined version 1"
    assert relationship["participation"][0]["consent_version"] == 1
    assert MY_DECLINE in page
    assert THEIR_COMMENT in page


def test_the_record_holds_only_ones_own_consultation_requests(world: World) -> None:
    """The co-producer's record holds the consultation they asked for, with the day one was
    held, and not someone else's request."""
    client = world.client("co_producer")

    (relationship,) = _json(client)["relationships"]
    page = _page(client)

    (asked,) = relationship["consultation_requests"]
    assert (asked["reason"], asked["answered"], asked["answered_on"]) == (
        MY_REQUEST,
        True,
        "2026-03-09",
    )
    assert MY_REQUEST in page
    assert THEIR_REQUEST not in page + json.dumps(relationship)


def test_a_half_filled_questionnaire_is_in_its_writers_record_alone(world: World) -> None:
    """Each person's record holds the questionnaire they began and not the one the other
    began, though both are of the co-producer's questionnaire."""
    mine = _json(world.client("co_producer"))["relationships"][0]["questionnaire_drafts"]
    theirs = _json(world.client("professional"))["relationships"][0]["questionnaire_drafts"]

    assert [(d["answers"], d["answered"]) for d in mine] == [({"item_1": "2", "item_2": "1"}, 2)]
    assert [d["answers"] for d in theirs] == [{"item_1": "3"}]
    me = Participant.objects.get(relationship=world.relationship, user=world.users["co_producer"])
    assert mine[0]["about"] == theirs[0]["about"] == me.called


def test_the_records_words_are_the_vocabularys(world: World) -> None:
    """Roles, kinds of worry and consultation outcomes read as the framework's one vocabulary
    says them (ADR 0016), not in words of the record's own."""
    (relationship,) = _json(world.client("co_producer"))["relationships"]

    words = dict(VOCABULARY["observation_kind"].choices())

    assert (
        relationship["participation"][0]["role"] == dict(VOCABULARY["role"].choices())["recipient"]
    )
    assert [o["kind_words"] for o in relationship["observations"]] == [words["other"]]
    assert [w["kind_words"] for w in relationship["private_worries"]] == [words["collusion"]]
    assert [c["outcome_words"] for c in relationship["consultations"]] == [
        VOCABULARY["consultation_outcome"].label("adapt")
    ]


def test_the_account_page_links_to_the_record(world: World) -> None:
    """The "Your account" page offers the record."""
    page = world.client("co_producer").get(reverse("accounts:account")).content.decode()

    assert f'href="{reverse("accounts:record")}"' in page


@pytest.mark.parametrize("name", ["accounts:record", "accounts:record-pdf", "accounts:record-json"])
def test_signed_out_people_are_sent_to_sign_in(world: World, name: str) -> None:
    """Nobody signed out gets a record: they are sent to the sign-in page."""
    response = world.client("anonymous").get(reverse(name))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", ["accounts:record", "accounts:record-pdf", "accounts:record-json"])
def test_staff_without_a_second_factor_set_one_up_first(world: World, name: str) -> None:
    """The record shows relationships, so staff without a second factor are sent to set one
    up, as from every relationship page."""
    Authenticator.objects.filter(user=world.users["professional"]).delete()
    client = Client()
    client.force_login(world.users["professional"])

    response = client.get(reverse(name))

    assert (response.status_code, response["Location"]) == (302, "/accounts/2fa/")


def _poppler(tool: str, *args: str) -> str:
    """Run one of Debian's poppler-utils (`make test` installs them) and return what it says."""
    found = shutil.which(tool)
    assert found, f"{tool} is missing: install Debian's poppler-utils"
    return subprocess.run([found, *args], capture_output=True, check=True, text=True).stdout


def test_the_pdf_is_a_tagged_pdf_with_a_title_and_the_records_text(
    world: World, tmp_path: Path
) -> None:
    """The PDF download is a tagged PDF titled as the person's record, holding its text."""
    response = world.client("co_producer").get(reverse("accounts:record-pdf"))
    path = tmp_path / "record.pdf"
    path.write_bytes(response.content)

    info = dict(
        (part.strip() for part in line.split(":", 1))
        for line in _poppler("pdfinfo", str(path)).splitlines()
        if ":" in line
    )
    text = " ".join(_poppler("pdftotext", str(path), "-").split())

    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert info["Title"].startswith("Your record in Mutuality")
    assert info["Tagged"] == "yes"
    assert OWN_NOTE in text
    assert OTHERS_NOTE not in text
