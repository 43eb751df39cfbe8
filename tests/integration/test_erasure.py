"""Erasing a person's details on request (ADR 0017): what identifies them goes from every table,
their login is closed, the shared record still reads and assesses, one tombstone is written to
an audit trail that still verifies, and it is refused, changing nothing, while a safety flag is
open, while they supervise running work, for the admin's own login and for the last admin."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.apps import apps
from django.db import models
from django.db.models.functions import Cast
from django.test import Client
from django.utils import timezone

from mutuality.web.accounts.models import ERASED_NAME, Role, User
from mutuality.web.audit import chain
from mutuality.web.audit.models import AuditEvent
from mutuality.web.organisation import erasure
from mutuality.web.outbox.models import Kind, MessageChoice, OutgoingMessage
from mutuality.web.relationships.actions import reassess
from mutuality.web.relationships.case_io import to_case
from mutuality.web.relationships.models import (
    Consultation,
    Invitation,
    Observation,
    OutcomeSeries,
    Participant,
    QuestionnaireDraft,
    Relationship,
    SafetyFlag,
)
from tests.factories import PASSWORD, TOTP_SECRET, UserFactory, World, totp_code

NAME = "Zebedee Quux"
USERNAME = "zquux77"
EMAIL = "zebedee.quux@example.org"
NEW_EMAIL = "zq.elsewhere@example.org"
STAFF_NAME = "Zara Pellworthy"
STAFF_USERNAME = "zpellw31"
STAFF_EMAIL = "zara.pellworthy@example.org"


# --- the world with a person named everywhere the service names people --------------------------


def _in_every_table(canary: str) -> set[str]:
    """Every model field, of every table (the audit trail, sessions and third parties' too),
    whose text or JSON holds `canary`, as "app.Model.field"."""
    found = set()
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            rows = model._base_manager.all()
            if isinstance(field, models.JSONField):
                rows = rows.annotate(_text=Cast(field.name, models.TextField()))
                hit = rows.filter(_text__contains=canary).exists()
            elif isinstance(field, models.CharField | models.TextField):
                hit = rows.filter(**{f"{field.name}__contains": canary}).exists()
            else:
                continue
            if hit:
                found.add(f"{model._meta.label}.{field.name}")
    return found


def _name_them(world: World) -> User:
    """The co-producer, named NAME, with what a year of using Mutuality leaves: two email
    addresses, a second factor and recovery codes, message choices and messages, an
    invitation, an answer that makes the assessment name them, a resolved safety flag about
    them, an observation they raised, a consultation with them, a questionnaire half filled in,
    and a session."""
    person = world.users["co_producer"]
    person.username, person.display_name, person.email = USERNAME, NAME, EMAIL
    person.first_name, person.last_name = "Zebedee", "Quux"
    person.save()
    EmailAddress.objects.create(user=person, email=NEW_EMAIL, primary=False, verified=False)
    for kind in (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES):
        Authenticator.objects.create(user=person, type=kind, data={"secret": TOTP_SECRET})
    relationship = world.relationship
    me = relationship.participants.get(user=person)
    me.answers = {**me.answers, "can_decline": "no"}  # a finding that names them
    me.save()
    MessageChoice.objects.create(user=person, kind=Kind.CONTRACT_WAITING, wanted=False)
    for key, to in (("to-them", EMAIL), ("to-new", NEW_EMAIL)):
        OutgoingMessage.objects.create(
            key=key, kind=Kind.INVITATION, to=to, subject="Hello", body=f"Hello {NAME}",
            recipient=person if key == "to-them" else None, relationship=relationship,
            not_before=timezone.now(),
        )  # fmt: skip
    Invitation.objects.create(
        participant=me, token_hash="a" * 64, expires_at=timezone.now() + timedelta(days=7),
        display_name=NAME, emailed_to=EMAIL,
    )  # fmt: skip
    series = OutcomeSeries.objects.create(relationship=relationship, of=me, instrument="phq9")
    QuestionnaireDraft.objects.create(series=series, by=person, answers={"item_1": "2"})
    SafetyFlag.objects.create(
        relationship=relationship, about=me, kind="self_harm_thoughts", detail=f"{NAME} answered",
        words={"message": "%(name)s answered", "values": {"name": NAME}},
        resolved_at=timezone.now(), action_taken="called the next day",
    )  # fmt: skip
    Observation.objects.create(
        relationship=relationship, date=timezone.localdate(), kind="collusion", by=NAME,
        raised_by=person,
    )  # fmt: skip
    Consultation.objects.create(
        relationship=relationship, date=timezone.localdate(), with_whom=NAME, outcome="continue"
    )
    reassess(relationship, reason="their answers recorded")
    return person


@pytest.fixture
def named(world: World) -> User:
    return _name_them(world)


def _erase(world: World, person: Any, *, by: str = "admin", confirm: bool = True) -> Any:
    data = {"confirm": "on"} if confirm else {}
    return world.client(by).post(f"/organisation/people/{person.pk}/erase/", data)


def _snapshot() -> tuple[int, int, int]:
    """How many logins are active, audit events written and participants named the label."""
    return (
        User.objects.filter(is_active=True).count(),
        AuditEvent.objects.count(),
        Participant.objects.filter(name=ERASED_NAME).count(),
    )


# --- erasing -----------------------------------------------------------------------------------


def test_erasing_leaves_nothing_that_names_them_in_any_table(world: World, named: User) -> None:
    """Their name, username and email addresses are in many tables before, and in none after
    (the audit trail never held them); their old id in the relationship (their first name) is
    gone from its record too, though not from the words people typed, and so is the FHIR
    identifier other systems know them by."""
    # Arrange
    fhir_id = Participant.objects.get(user=named).uid  # others may hold it beside their name
    canaries = (NAME, "Zebedee", "Quux", USERNAME, EMAIL, NEW_EMAIL, fhir_id)
    before = {canary: _in_every_table(canary) for canary in canaries}
    relationship = world.relationship

    # Act
    response = _erase(world, named)

    # Assert
    assert response.status_code == 302
    assert {"accounts.User.display_name", "relationships.AssessmentRecord.result"} <= before[NAME]
    assert "account.EmailAddress.email" in before[NEW_EMAIL]
    assert "relationships.Participant.uid" in before[fhir_id]
    assert {canary: _in_every_table(canary) for canary in canaries} == {
        canary: set() for canary in canaries
    }
    case = to_case(Relationship.objects.get(pk=relationship.pk))
    contract = case.contract
    assert contract is not None
    ids = {p.id for p in case.participants} | set(contract.agreed_by)
    ids |= set(contract.communicated_to) | {p.to for p in contract.payments}
    ids |= {c.party for c in contract.costs_and_benefits}
    assert "tomasz" not in ids  # their first name, as their id there
    # What people typed stays as they typed it (ADR 0017): the admin is told so on the page.
    assert contract.power_differential and "tomasz chooses" in contract.power_differential


def test_an_erased_login_cannot_sign_in_and_its_sessions_end(world: World, named: User) -> None:
    """Signed in before, they are signed out; neither their old username nor the new one signs
    in; their second factors, addresses, choices, messages, invitation and draft are gone."""
    # Arrange
    signed_in = Client()
    signed_in.post("/accounts/login/", {"username": USERNAME, "password": PASSWORD})
    signed_in.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert signed_in.get("/relationships/").status_code == 200
    assert UserSession.objects.filter(user_id=named.pk).exists()

    # Act
    _erase(world, named)

    # Assert
    person = User.objects.get(pk=named.pk)
    assert signed_in.get("/relationships/").status_code == 302
    for username in (USERNAME, person.username, EMAIL):
        trying = Client()
        tried = trying.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert tried.status_code == 200 and "_auth_user_id" not in trying.session, username
    assert (person.username, person.is_active, person.has_usable_password()) == (
        f"erased-{named.pk}",
        False,
        False,
    )
    assert not UserSession.objects.filter(user_id=named.pk).exists()
    assert not Authenticator.objects.filter(user_id=named.pk).exists()
    assert not EmailAddress.objects.filter(user_id=named.pk).exists()
    assert not MessageChoice.objects.filter(user_id=named.pk).exists()
    assert not OutgoingMessage.objects.filter(key__in=["to-them", "to-new"]).exists()
    assert not Invitation.objects.filter(participant__user_id=named.pk).exists()
    assert not QuestionnaireDraft.objects.filter(by_id=named.pk).exists()


def test_the_shared_record_still_reads_and_assesses(world: World, named: User) -> None:
    """The relationship's page, its report and its people's page still open for the
    professional, calling them by the label; its assessment still runs, and kept their
    answers, scores and records."""
    # Arrange
    relationship = world.relationship
    observations = relationship.observations.count()
    professional = world.client("professional")

    # Act
    _erase(world, named)

    # Assert
    for path in ("", "people/", "outcomes/", "contract/"):
        page = professional.get(f"/relationships/{relationship.pk}/{path}")
        assert page.status_code == 200, path
        assert NAME not in page.content.decode()
    page = professional.get(f"/relationships/{relationship.pk}/people/").content.decode()
    assert ERASED_NAME in page
    report = professional.get(f"/reports/relationship/{relationship.pk}/")
    assert report.status_code == 200
    again = reassess(Relationship.objects.get(pk=relationship.pk), reason="checked after")
    assert again.recommendation
    assert "responsibility.not_optional" in {f["code"] for f in again.result["findings"]}
    assert relationship.observations.count() == observations
    me = Participant.objects.get(user=named)
    assert (me.name, me.slug, me.answers["can_decline"]) == (ERASED_NAME, f"erased-{me.pk}", "no")


def test_erasure_writes_one_tombstone_and_the_trail_still_verifies(
    world: World, named: User
) -> None:
    """One audit event, "erase", about their login by its id, counting what went by kind and
    holding no name; every earlier event stays as it was and the chain verifies."""
    # Arrange
    earlier = list(AuditEvent.objects.order_by("pk").values())

    # Act
    _erase(world, named)

    # Assert
    added = list(AuditEvent.objects.exclude(pk__in=[e["id"] for e in earlier]))
    assert [(e.action, e.object_type, e.object_id) for e in added] == [
        ("erase", "accounts.User", str(named.pk))
    ]
    counts = added[0].detail["erased"]
    assert set(added[0].detail) == {"erased"}
    assert counts["second_factors"] == 2 and counts["email_addresses"] == 2
    assert counts["participants"] == 1 and counts["relationships"] >= 1
    assert all(isinstance(value, int) for value in counts.values())
    assert list(AuditEvent.objects.filter(pk__in=[e["id"] for e in earlier]).values()) == earlier
    assert chain.verify().holds


def test_a_member_of_staff_is_named_nowhere_after_erasure(world: World) -> None:
    """A professional's name goes from the invitation email they sent, the observation they
    raised, a consultation with them and the stored assessments; their relationships go on."""
    # Arrange
    person = world.users["professional"]
    person.username, person.display_name, person.email = STAFF_USERNAME, STAFF_NAME, STAFF_EMAIL
    person.save()
    relationship = world.relationship
    OutgoingMessage.objects.create(
        key="invitation:1", kind=Kind.INVITATION, to="someone@example.org",
        subject="You are invited", body=f"{STAFF_NAME} invited you.", relationship=relationship,
        not_before=timezone.now(),
    )  # fmt: skip
    Observation.objects.create(
        relationship=relationship, date=timezone.localdate(), kind="collusion", by=STAFF_NAME,
        raised_by=person,
    )  # fmt: skip
    Consultation.objects.create(
        relationship=world.other, date=timezone.localdate(), with_whom=f"{STAFF_NAME} (lead)",
        outcome="continue",
    )  # fmt: skip
    reassess(relationship, reason="their name stored")
    canaries = (STAFF_NAME, STAFF_USERNAME, STAFF_EMAIL)
    assert all(_in_every_table(canary) for canary in canaries)

    # Act
    response = _erase(world, person)

    # Assert
    assert response.status_code == 302, response.context["form"].errors
    assert {canary: _in_every_table(canary) for canary in canaries} == {
        canary: set() for canary in canaries
    }
    message = OutgoingMessage.objects.get(key="invitation:1")
    assert message.body == f"{ERASED_NAME} invited you."
    assert world.client("supervisor").get(f"/relationships/{relationship.pk}/").status_code == 200


# --- refusals ----------------------------------------------------------------------------------


def test_an_open_safety_flag_stops_erasure_naming_the_relationship(
    world: World, named: User
) -> None:
    """With a safety flag still open in their relationship, erasure is refused on the page,
    naming the relationship and saying the flag must be resolved first; nothing changes."""
    # Arrange
    me = world.relationship.participants.get(user=named)
    SafetyFlag.objects.create(
        relationship=world.relationship, about=me, kind="self_harm_thoughts", detail="open"
    )
    before = _snapshot()

    # Act
    shown = world.client("admin").get(f"/organisation/people/{named.pk}/erase/")
    response = _erase(world, named)

    # Assert
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert f"“{world.relationship.title}” has a safety flag that is still open" in errors
    assert "must record what was done about it" in errors
    assert world.relationship.title in shown.content.decode()
    assert "Erase their details</button>" not in shown.content.decode()
    assert _snapshot() == before
    assert User.objects.get(pk=named.pk).display_name == NAME


def test_an_admin_cannot_erase_themselves(world: World) -> None:
    """An admin's own erase page says another admin must do it, and a post changes nothing."""
    # Arrange
    admin = world.users["admin"]
    before = _snapshot()

    # Act
    response = _erase(world, admin)

    # Assert
    assert response.status_code == 200
    assert "You cannot erase your own details" in " ".join(
        response.context["form"].non_field_errors()
    )
    assert _snapshot() == before


def test_two_admins_erasing_each_other_leave_one(world: World) -> None:
    """One admin erases the other; the other's erasure of the first, sent at the same moment
    and handled after, is refused: the organisation keeps an admin."""
    # Arrange
    first = world.users["admin"]
    second = UserFactory(username="adm3", organisation=first.organisation, role=Role.ADMIN)
    _erase(world, second)
    before = _snapshot()

    # Act
    with pytest.raises(erasure.Blocked) as refused:
        erasure.erase(person=first, by=second)

    # Assert
    assert "The organisation needs an admin" in str(refused.value)
    assert _snapshot() == before
    assert User.objects.get(pk=first.pk).is_active


def test_someone_supervising_running_work_is_not_erased(world: World) -> None:
    """A supervisor of a relationship still running is refused until another supervises it."""
    # Arrange
    supervisor = world.users["supervisor"]
    before = _snapshot()

    # Act
    response = _erase(world, supervisor)

    # Assert
    errors = " ".join(response.context["form"].non_field_errors())
    assert f"They supervise “{world.relationship.title}”" in errors
    assert _snapshot() == before


def test_the_box_naming_them_must_be_ticked(world: World, named: User) -> None:
    """Without the confirmation the page asks for it beside the box and erases nothing."""
    # Arrange
    before = _snapshot()

    # Act
    response = _erase(world, named, confirm=False)

    # Assert
    assert response.status_code == 200
    assert response.context["form"].errors["confirm"] == [
        "Tick the box to confirm you want to erase their details"
    ]
    assert NAME in response.content.decode()  # the box names whom it erases
    assert _snapshot() == before


@pytest.mark.parametrize("standing", ["professional", "co_producer", "supervisor", "other_admin"])
def test_only_their_organisations_admin_finds_the_page(
    world: World, named: User, standing: str
) -> None:
    """Anyone else, an admin of another organisation too, is told it does not exist, and a
    post changes nothing."""
    # Arrange
    before = _snapshot()

    # Act
    shown = world.client(standing).get(f"/organisation/people/{named.pk}/erase/")
    posted = _erase(world, named, by=standing)

    # Assert
    assert (shown.status_code, posted.status_code) == (404, 404)
    assert _snapshot() == before


def test_an_erased_login_is_never_turned_on_again(world: World, named: User) -> None:
    """After erasure, turning the login on is refused, and erasing again changes nothing."""
    # Arrange
    _erase(world, named)
    events = AuditEvent.objects.count()

    # Act
    turned = world.client("admin").post(
        f"/organisation/people/{named.pk}/active/", {"active": "yes"}
    )
    again = _erase(world, named)

    # Assert
    assert turned.status_code == 302 and again.status_code == 302
    assert not User.objects.get(pk=named.pk).is_active
    assert AuditEvent.objects.count() == events
