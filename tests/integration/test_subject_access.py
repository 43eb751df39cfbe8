"""A person's record made by their organisation's admin for a subject access request
(/organisation/people/<pk>/record/, .pdf and .json): it is the person's own record, across
all their relationships in the organisation, less the worries kept between a raiser and the
supervisor (ADR 0015), which it always says it leaves out; it keeps the own record's shapes;
only the admin of the person's organisation reaches it; and every read is audited and logged,
while a person's reads of their own record write nothing."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from jsonschema import Draft202012Validator

from mutuality.web.accounts.models import User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.actions import set_consent
from mutuality.web.relationships.actions.records import (
    raise_private_worry,
    resolve_worry_privately,
)
from mutuality.web.relationships.models import (
    Observation,
    OutcomeSeries,
    Participant,
    PrivateWorry,
    QuestionnaireDraft,
    SupervisionRecord,
)
from mutuality.web.reports.personal_record import FORMAT, SUBJECT_ACCESS_NOTE
from tests.factories import RelationshipFactory, World
from tests.integration.logs import captured_logs
from tests.integration.test_personal_record import SCHEMA, _poppler

OWN_NOTE = "my own worry for the supervisor alone 5d1"
RESOLUTION = "the supervisor's private answer 0c7"
OTHERS_NOTE = "someone else's worry for the supervisor 7a9"
SHARED_NOTE = "a shared worry in the second relationship 2b4"
SUPERVISION_NOTE = "supervision in the first relationship 6e3"
ELSEWHERE = "A relationship of another organisation 9f2"
NAMES = ("organisation:record", "organisation:record-pdf", "organisation:record-json")


@pytest.fixture
def world(world: World) -> World:
    """The shared world with the co-producer in both of its organisation's relationships and
    in one of another organisation; a worry they told the supervisor alone, which the
    supervisor resolved privately; another person's worry for the supervisor; a shared worry in
    the second relationship; a supervision session and a change of consent in the first; and a
    questionnaire the professional began for the co-producer."""
    co_producer, supervisor = world.users["co_producer"], world.users["supervisor"]
    world.other.participants.filter(role="recipient").update(user=co_producer)
    elsewhere = RelationshipFactory(
        organisation=world.users["other_admin"].organisation, title=ELSEWHERE
    )
    elsewhere.participants.filter(role="recipient").update(user=co_producer)
    day = date(2026, 3, 4)
    worry = raise_private_worry(
        relationship=world.relationship, by=co_producer, on=day, kind="collusion", note=OWN_NOTE
    )
    resolve_worry_privately(worry=worry, by=supervisor, note=RESOLUTION)
    PrivateWorry.objects.create(
        relationship=world.relationship, date=day, kind="boundary_drift", note=OTHERS_NOTE,
        raised_by=world.users["other_professional"],
    )  # fmt: skip
    Observation.objects.create(
        relationship=world.other, date=day, kind="other", by="pro2", note=SHARED_NOTE,
        raised_by=world.users["other_professional"],
    )  # fmt: skip
    SupervisionRecord.objects.create(
        relationship=world.relationship, date=day, recorded_by=supervisor, note=SUPERVISION_NOTE
    )
    me = Participant.objects.get(relationship=world.relationship, user=co_producer)
    set_consent(participant=me, consent="given", by=co_producer)
    series = OutcomeSeries.objects.create(relationship=world.relationship, of=me, instrument="gad7")
    QuestionnaireDraft.objects.create(
        series=series, by=world.users["professional"], answers={"item_1": "3"}
    )
    return world


def _url(name: str, person: User) -> str:
    return reverse(name, args=[person.pk])


def _admins_json(world: World, standing: str = "co_producer") -> dict[str, Any]:
    response = world.client("admin").get(_url("organisation:record-json", world.users[standing]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    data: dict[str, Any] = json.loads(response.content)
    return data


def _admins_page(world: World, standing: str = "co_producer") -> str:
    response = world.client("admin").get(_url("organisation:record", world.users[standing]))
    assert response.status_code == 200
    return response.content.decode()


def _own_json(world: World, standing: str = "co_producer") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        world.client(standing).get(reverse("accounts:record-json")).content
    )
    return data


def _kinds(page: str) -> list[str]:
    """The kinds of record a record's page shows, in their order, each once."""
    return list(dict.fromkeys(re.findall(r'data-part="([a-z_]+)"', page)))


def test_the_admins_copy_holds_every_relationship_of_the_organisation(world: World) -> None:
    """The copy holds the co-producer's part in both of the organisation's relationships (the
    supervision of one, the shared worry of the other, their consent change), and not the
    relationship of another organisation, which their own record holds."""
    # Arrange
    ours = {world.relationship.pk, world.other.pk}

    # Act
    data = _admins_json(world)

    # Assert
    relationships = {r["id"]: r for r in data["relationships"]}
    assert set(relationships) == ours
    first, second = relationships[world.relationship.pk], relationships[world.other.pk]
    assert [s["note"] for s in first["supervision"]] == [SUPERVISION_NOTE]
    assert [(c["before"], c["after"]) for c in first["consent_history"]] == [("informed", "given")]
    assert [o["note"] for o in second["observations"]] == [SHARED_NOTE]
    assert all(r["participation"][0]["role"] == "Co-producer" for r in relationships.values())
    assert data["account"]["username"] == world.users["co_producer"].username
    assert {r["title"] for r in _own_json(world)["relationships"]} >= {ELSEWHERE}
    assert ELSEWHERE not in json.dumps(data) + _admins_page(world)


def test_the_admins_copy_never_holds_a_private_worry_or_anothers_private_notes(
    world: World,
) -> None:
    """Neither the page nor the JSON holds the worry the co-producer told the supervisor alone,
    its resolution, its audit rows, another person's worry or the professional's draft; the
    co-producer's own record holds their worry and its resolution."""
    # Arrange
    own = json.dumps(_own_json(world))

    # Act
    data = _admins_json(world)
    text = json.dumps(data) + _admins_page(world)

    # Assert
    assert OWN_NOTE in own and RESOLUTION in own
    for secret in (OWN_NOTE, RESOLUTION, OTHERS_NOTE, "PrivateWorry", "held_by_supervisor"):
        assert secret not in text, secret
    assert all("private_worries" not in r for r in data["relationships"])
    assert all(r["questionnaire_drafts"] == [] for r in data["relationships"])


def test_the_supervisors_copy_leaves_out_their_part_in_a_private_worry(world: World) -> None:
    """The supervisor read and resolved the worry; none of those audit rows is in the admin's
    copy of the supervisor's record, though all are in their own."""
    # Arrange
    own_events = _own_json(world, "supervisor")["audit_events"]

    # Act
    events = _admins_json(world, "supervisor")["audit_events"]

    # Assert
    assert any("held_by_supervisor" in e["detail"] for e in own_events)
    assert not any("held_by_supervisor" in e["detail"] for e in events)


@pytest.mark.parametrize("standing", ["co_producer", "professional", "supervisor", "reviewer"])
def test_the_copy_always_says_what_it_leaves_out(world: World, standing: str) -> None:
    """Whether or not the person told a supervisor anything, the page and the JSON say that such
    worries are not in the copy, and where the person finds them; their own record says no such
    thing."""
    # Act
    data = _admins_json(world, standing)
    page = _admins_page(world, standing)

    # Assert
    assert data["note"] == str(SUBJECT_ACCESS_NOTE)
    assert "/accounts/record/" in data["note"]
    assert str(SUBJECT_ACCESS_NOTE).replace("'", "&#x27;") in page
    assert "note" not in _own_json(world, standing)


@pytest.mark.parametrize("standing", ["co_producer", "professional", "supervisor", "reviewer"])
def test_the_json_keeps_the_own_records_shape(world: World, standing: str) -> None:
    """The copy validates against docs/personal-record.schema.json, names the same format, and
    holds the own record's keys, with its note and without private worries."""
    # Arrange
    own = _own_json(world, standing)

    # Act
    data = _admins_json(world, standing)

    # Assert
    errors = [e.message for e in Draft202012Validator(SCHEMA).iter_errors(data)]
    assert errors == []
    assert data["format"] == own["format"] == FORMAT
    assert set(data) == set(own) | {"note"}
    for relationship in data["relationships"]:
        (same,) = [r for r in own["relationships"] if r["id"] == relationship["id"]]
        assert set(relationship) == set(same) - {"private_worries"}


def test_the_schema_tells_a_copy_from_an_own_record(world: World) -> None:
    """The schema refuses an own record with a note (a copy never holds private worries), and
    an admin's copy without its note (an own record always holds them)."""
    # Arrange
    own, copy = _own_json(world), _admins_json(world)
    without_note = {key: value for key, value in copy.items() if key != "note"}

    # Act
    own_noted = list(Draft202012Validator(SCHEMA).iter_errors({**own, "note": "x"}))
    unnoted = list(Draft202012Validator(SCHEMA).iter_errors(without_note))

    # Assert
    assert own_noted and unnoted


def test_the_page_shows_the_own_records_parts(world: World) -> None:
    """The admin's page shows the kinds of record the person's own page shows, in the same
    order, but the private worries."""
    # Arrange
    own = _kinds(world.client("co_producer").get(reverse("accounts:record")).content.decode())

    # Act
    shown = _kinds(_admins_page(world))

    # Assert
    assert shown == [key for key in own if key != "private_worries"]
    assert "private_worries" in own


def test_the_pdf_is_the_tagged_record_with_its_note(world: World, tmp_path: Path) -> None:
    """The PDF is a tagged PDF titled as the person's record, with the note and without the
    worry the person told the supervisor alone."""
    # Act
    response = world.client("admin").get(
        _url("organisation:record-pdf", world.users["co_producer"])
    )

    # Assert
    path = tmp_path / "record.pdf"
    path.write_bytes(response.content)
    info = dict(
        (part.strip() for part in line.split(":", 1))
        for line in _poppler("pdfinfo", str(path)).splitlines()
        if ":" in line
    )
    text = " ".join(_poppler("pdftotext", str(path), "-").split())
    assert response["Content-Type"] == "application/pdf"
    assert info["Title"].startswith("Your record in Mutuality")
    assert info["Tagged"] == "yes"
    assert " ".join(str(SUBJECT_ACCESS_NOTE).split()) in text
    assert SUPERVISION_NOTE in text
    assert OWN_NOTE not in text and RESOLUTION not in text


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    "standing",
    ["professional", "co_producer", "supervisor", "reviewer", "other_professional", "other_admin"],
)
def test_nobody_but_the_organisations_admin_reaches_it(
    world: World, name: str, standing: str
) -> None:
    """Everyone else, the person themselves and another organisation's admin included, is told
    it does not exist, and nothing is recorded."""
    # Act
    response = world.client(standing).get(_url(name, world.users["co_producer"]))

    # Assert
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(detail__kind="subject_access").exists()


@pytest.mark.parametrize("name", NAMES)
def test_an_admins_own_record_is_not_made_here(world: World, name: str) -> None:
    """The admin's own record is theirs at /accounts/record/, not a subject access copy."""
    # Act
    response = world.client("admin").get(_url(name, world.users["admin"]))

    # Assert
    assert response.status_code == 404


@pytest.mark.parametrize("name", NAMES)
def test_someone_signed_out_is_sent_to_sign_in(world: World, name: str) -> None:
    """Signed out, the pages send to the sign-in page."""
    # Act
    response = world.client("anonymous").get(_url(name, world.users["co_producer"]))

    # Assert
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("name", "action", "page"),
    [
        ("organisation:record", "view", "record"),
        ("organisation:record-pdf", "export", "record.pdf"),
        ("organisation:record-json", "export", "record.json"),
    ],
)
def test_each_read_is_one_audit_row_and_a_security_event(
    world: World, name: str, action: str, page: str
) -> None:
    """Each read or download writes one audit row by the admin about the person's login, saying
    it was for subject access and in which form, and logs a security event with ids only."""
    # Arrange
    person, admin = world.users["co_producer"], world.users["admin"]
    before = AuditEvent.objects.count()

    # Act
    with captured_logs() as logs:
        response = world.client("admin").get(_url(name, person))

    # Assert
    assert response.status_code == 200
    (event,) = AuditEvent.objects.order_by("pk")[before:]
    assert (event.user_id, event.action, event.object_type, event.object_id) == (
        admin.pk,
        action,
        "accounts.User",
        str(person.pk),
    )
    assert event.organisation_id == admin.organisation_id
    assert event.detail == {"kind": "subject_access", "page": page}
    (line,) = logs.events("subject_access")
    assert (line["user_id"], line["page"], line["organisation_id"]) == (
        admin.pk,
        page,
        admin.organisation_id,
    )


def test_a_persons_reads_of_their_own_record_write_no_audit_row(world: World) -> None:
    """The co-producer's page, PDF and JSON of their own record record nothing."""
    # Arrange
    client = world.client("co_producer")
    before = AuditEvent.objects.count()

    # Act
    statuses = [
        client.get(reverse(name)).status_code
        for name in ("accounts:record", "accounts:record-pdf", "accounts:record-json")
    ]

    # Assert
    assert statuses == [200, 200, 200]
    assert AuditEvent.objects.count() == before


def test_the_person_learns_of_the_admins_read_in_their_own_record(world: World) -> None:
    """After the admin read the co-producer's record, the co-producer's own record lists that
    read among the audit rows about their login: by whom in the JSON, and in words on the
    page."""
    # Arrange
    world.client("admin").get(_url("organisation:record", world.users["co_producer"]))

    # Act
    events = _own_json(world)["audit_events"]
    page = world.client("co_producer").get(reverse("accounts:record")).content.decode()

    # Assert
    assert [e["by"] for e in events if e["detail"].get("kind") == "subject_access"] == [
        world.users["admin"].shown_name
    ]
    assert "For a subject access request: your record, read as a page" in page
    assert "subject_access" not in page


def test_the_persons_page_links_to_their_record(world: World) -> None:
    """The admin's page about a person offers their record for a subject access request; the
    admin's page about themselves offers their own record instead."""
    # Arrange
    client = world.client("admin")
    person, admin = world.users["co_producer"], world.users["admin"]

    # Act
    theirs = client.get(reverse("organisation:person", args=[person.pk])).content.decode()
    mine = client.get(reverse("organisation:person", args=[admin.pk])).content.decode()

    # Assert
    assert f'href="{_url("organisation:record", person)}"' in theirs
    assert "Their record, for a subject access request" in theirs
    assert _url("organisation:record", admin) not in mine
    assert f'href="{reverse("accounts:record")}"' in mine
