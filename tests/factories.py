"""Test data for the web app: factory_boy factories of its models, and the one world most web
tests share.

The world (`build_world`, and the `world` fixture in tests/conftest.py) is the walking-group
example with a person in every standing towards it, another relationship of the same
organisation (with its own professional), and another organisation's admin. A test module that
needs more asks for `world` in a fixture of the same name and adds to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as allauth_totp
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import encrypt
from django.test import Client
from factory.django import DjangoModelFactory, Password

from mutuality.framework import Case, load_case
from mutuality.web.accounts.models import Organisation, Role, User
from mutuality.web.relationships.case_io import import_case
from mutuality.web.relationships.models import Participant, Relationship
from tests.copies import Copies

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
WALKING_GROUP = "fathers-walking-group.yaml"
PASSWORD = "a long test password 123"
# The key of the authenticator app every member of staff the factories make has (ADR 0010).
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class TotpClock:
    """The clock allauth.mfa checks app codes against, held still for each test (the autouse
    `totp_clock` fixture in tests/conftest.py puts it in place of allauth's `time`).

    The service takes a code only in its own 30-second step (no tolerance; ADR 0010), so a
    code computed just before a step ends would be refused just after; with the clock held,
    a test's codes stay current until the test moves it on."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        """What allauth reads as the time (it calls `time.time()`)."""
        return self.now

    def next_step(self, steps: int = 1) -> None:
        """Move on by whole steps, as when a person waits for their app's next code."""
        self.now += steps * mfa_settings.TOTP_PERIOD


def held_totp_clock() -> TotpClock:
    """The clock the `totp_clock` fixture put in place for this test."""
    clock = allauth_totp.time
    if not isinstance(clock, TotpClock):
        raise RuntimeError("No TotpClock is in place: the totp_clock fixture is not in use")
    return clock


def totp_code(step: int = 0, secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app with this key shows now, by the clock allauth checks
    codes against (`step` -1: the one before, 1: the next one, which the service refuses)."""
    # allauth's own list of the steps it accepts now: the current one, and the tolerance's
    # either side of it (none here), so the middle one is the current step.
    accepted = list(yield_hotp_counters_from_time())
    counter = accepted[len(accepted) // 2] + step
    return str(format_hotp_value(hotp_value(secret, counter)))


def confirm_it_is_you(
    client: Client, *, password: bool = True, code: bool = True, query: str = ""
) -> Client:
    """The signed-in person confirms it is them in full, as a change to how they sign in asks
    (ASVS v5 7.5.1): if `password`, their password; then, if `code`, their app's next code
    (the one that signed them in may be current and is used: they wait for the next, so the
    held clock moves on a step). `query` is added to each page's address (`?next=…`)."""
    if password:
        response = client.post(f"/accounts/reauthenticate/{query}", {"password": PASSWORD})
        assert response.status_code == 302, response.content.decode()
    if code:
        held_totp_clock().next_step()
        response = client.post(f"/accounts/2fa/reauthenticate/{query}", {"code": totp_code()})
        assert response.status_code == 302, response.content.decode()
    return client


def verify_email(user: User) -> User:
    """Mark the person's address verified, as following a link mailed to it would."""
    EmailAddress.objects.filter(user_id=user.pk, primary=True).update(verified=True)
    return user


def example(name: str = WALKING_GROUP) -> Case:
    """One of the project's own example cases, by file name."""
    return load_case(EXAMPLES / name)


class OrganisationFactory(DjangoModelFactory[Organisation]):
    """An organisation; `slug="home"` is named "Home trust"."""

    class Meta:
        model = Organisation

    slug = factory.Sequence(lambda n: f"trust{n}")
    name = factory.LazyAttribute(lambda o: f"{o.slug.capitalize()} trust")


class UserFactory(DjangoModelFactory[User]):
    """A person with a login (the tests' one password), a professional unless `role` says."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    password = Password(PASSWORD)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PROFESSIONAL

    @factory.post_generation
    def second_factor(obj: User, create: bool, extracted: bool | None, **_: Any) -> None:
        """Staff get an authenticator app with TOTP_SECRET (stored sealed, as allauth stores
        it here), as the service requires of them; `second_factor=False` makes one without,
        `second_factor=True` a co-producer with."""
        wanted = extracted if extracted is not None else obj.role != Role.CO_PRODUCER
        if create and wanted:
            Authenticator.objects.create(
                user=obj, type=Authenticator.Type.TOTP, data={"secret": encrypt(TOTP_SECRET)}
            )
            obj.has_second_factor = True


class RelationshipFactory(DjangoModelFactory[Relationship]):
    """A relationship imported from a case (the walking-group example unless `case` is given),
    with any other field given set afterwards."""

    class Meta:
        model = Relationship

    organisation = factory.SubFactory(OrganisationFactory)
    case = factory.LazyFunction(example)

    @classmethod
    def _create(
        cls, model_class: type[Relationship], *args: Any, case: Case, **fields: Any
    ) -> Relationship:
        relationship = import_case(case, fields.pop("organisation"))
        if fields:
            for name, value in fields.items():
                setattr(relationship, name, value)
            relationship.save()
        return relationship


class ParticipantFactory(DjangoModelFactory[Participant]):
    """Someone added to a relationship, after those its case file named."""

    class Meta:
        model = Participant

    relationship = factory.SubFactory(RelationshipFactory)
    slug = factory.Sequence(lambda n: f"person-{n}")
    role = "recipient"
    position = factory.LazyAttribute(lambda p: p.relationship.participants.count())


# --- The shared world -------------------------------------------------------------------------

# Each standing towards the world's relationship, and the outsiders, with their usernames.
USERNAMES = {
    "professional": "pro",
    "co_producer": "co",
    "supervisor": "sup",
    "reviewer": "rev",
    "admin": "adm",
    "other_professional": "pro2",
    "other_admin": "adm2",
}
ROLES = {
    "professional": Role.PROFESSIONAL,
    "co_producer": Role.CO_PRODUCER,
    "supervisor": Role.SUPERVISOR,
    "reviewer": Role.REVIEWER,
    "admin": Role.ADMIN,
    "other_professional": Role.PROFESSIONAL,
    "other_admin": Role.ADMIN,
}


@dataclass
class World:
    """The relationship, another one of the same organisation, and everyone by standing."""

    relationship: Relationship
    other: Relationship
    users: dict[str, User]

    def client(self, standing: str) -> Client:
        """A test client signed in as this standing (`anonymous`: signed out)."""
        client = Client()
        if standing != "anonymous":
            client.force_login(self.users[standing])
        return client


def build_world(case: Case | None = None) -> World:
    """The world on the walking-group example (or `case`): its professional and co-producer,
    a supervisor, an assigned reviewer and the organisation's admin; another relationship with
    another professional; and an admin of another organisation.

    Built once a process for each case (and date, settings and database), and copied into the
    tests after that (tests/copies.py): the same rows, made in a small part of the time."""
    case = case or example()
    return _WORLDS.get(case.model_dump_json(), lambda: built_world(case))


def built_world(case: Case) -> World:
    """The world built the ordinary way: the case imported twice, the people made and placed."""
    home = OrganisationFactory(slug="home")
    away = OrganisationFactory(slug="away")
    relationship = RelationshipFactory(organisation=home, case=case)
    other = RelationshipFactory(organisation=home, case=case)
    users = {
        standing: UserFactory(
            username=username,
            organisation=away if standing == "other_admin" else home,
            role=ROLES[standing],
        )
        for standing, username in USERNAMES.items()
    }
    relationship.participants.filter(role="professional").update(user=users["professional"])
    relationship.participants.filter(role="recipient").update(user=users["co_producer"])
    relationship.supervisor = users["supervisor"]
    relationship.save()
    relationship.reviewers.add(users["reviewer"])
    other.participants.filter(role="professional").update(user=users["other_professional"])
    return World(relationship, other, users)


@dataclass(frozen=True)
class WorldKeys:
    """What a copied world is fetched by: its relationships' and people's primary keys."""

    relationship: int
    other: int
    users: dict[str, int]


def world_keys(world: World) -> WorldKeys:
    """The keys a copy of this world is fetched by."""
    users = {standing: user.pk for standing, user in world.users.items()}
    return WorldKeys(world.relationship.pk, world.other.pk, users)


def fetched_world(keys: WorldKeys) -> World:
    """The world from its rows, its objects sharing their organisations as a built one's do."""
    found = {r.pk: r for r in Relationship.objects.filter(pk__in=[keys.relationship, keys.other])}
    people = User.objects.in_bulk(keys.users.values())
    organisations = Organisation.objects.in_bulk({u.organisation_id for u in people.values()})
    for item in [*found.values(), *people.values()]:
        item.organisation = organisations[item.organisation_id]
    users = {standing: people[pk] for standing, pk in keys.users.items()}
    return World(found[keys.relationship], found[keys.other], users)


_WORLDS: Copies[World, WorldKeys] = Copies(world_keys, fetched_world)
"""The worlds this test process has built, to copy."""
