"""Verified email addresses (ADR 0009): allauth's `EmailAddress` rows kept in step with each
login's address; verified only by a link mailed to it (an emailed invitation, or allauth's
confirmation link); only a verified address gets a reset link or signs in; changing an address
keeps the old one until the new one is confirmed."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps as django_apps
from django.core.cache import cache
from django.test import Client

from mutuality.web.accounts.models import Role, User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.outbox.models import Kind, OutgoingMessage
from mutuality.web.relationships.models import Relationship
from tests.factories import PASSWORD, OrganisationFactory, UserFactory, World, verify_email

RESET = "/accounts/password/reset/"
LOGIN = "/accounts/login/"
NEW_PASSWORD = "a new and long enough password"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db: None) -> None:
    """allauth's limits on reset and confirmation emails count in the cache: start at 0."""
    cache.clear()


def _person(username: str, email: str, *, verified: bool) -> User:
    user: User = UserFactory(
        username=username,
        email=email,
        organisation=OrganisationFactory(),
        role=Role.CO_PRODUCER,
    )
    return verify_email(user) if verified else user


def _mailed(kind: Kind) -> list[OutgoingMessage]:
    return list(OutgoingMessage.objects.filter(kind=kind).order_by("pk"))


def _link(message: OutgoingMessage, path: str) -> str:
    """The path of the link to `path…` in a message."""
    found = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+/)", message.body)
    assert found, f"the message has a link to {path}"
    return found.group(1)


def _without_tokens(html: str) -> str:
    return re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]+', r"\1", html)


def _rows(user: User) -> set[tuple[str, bool, bool]]:
    found = EmailAddress.objects.filter(user_id=user.pk)
    return {(row.email, row.primary, row.verified) for row in found}


# --- in step with User.email ---------------------------------------------------------------------


def test_a_logins_address_is_its_primary_row_unverified_until_proven(db: None) -> None:
    """A new login's address gets a primary row, unverified; a new address replaces it, and
    is unverified again even where the old one was verified."""
    person = _person("ana", "Ana@Example.org", verified=True)

    person.email = "ana.new@example.org"
    person.save()

    assert _rows(person) == {("ana.new@example.org", True, False)}


def test_a_login_without_an_address_has_no_row(db: None) -> None:
    """Taking a login's address away takes its row away too."""
    person = _person("ben", "ben@example.org", verified=False)

    person.email = ""
    person.save()

    assert _rows(person) == set()


def test_the_migration_gives_existing_logins_an_unverified_row(db: None) -> None:
    """Migration 0007 gives each login with an address and no row a primary, unverified row,
    and leaves logins without an address, and rows already there, alone."""
    add_rows = importlib.import_module(
        "mutuality.web.accounts.migrations.0007_email_address_rows"
    ).add_rows
    before = _person("mo", "mo@example.org", verified=False)
    kept = _person("nia", "nia@example.org", verified=True)
    none = _person("oz", "", verified=False)
    EmailAddress.objects.filter(user=before).delete()

    add_rows(django_apps, None)

    assert _rows(before) == {("mo@example.org", True, False)}
    assert _rows(kept) == {("nia@example.org", True, True)}
    assert _rows(none) == set()


# --- password reset ------------------------------------------------------------------------------


def test_reset_answers_unknown_unverified_and_verified_alike_and_mails_only_verified(
    db: None,
) -> None:
    """An unknown, an unverified and a verified address get the same answer and the same page;
    only the verified one is mailed a link."""
    _person("cara", "cara@example.org", verified=True)
    _person("dev", "dev@example.org", verified=False)
    answers = {}

    for email in ("cara@example.org", "dev@example.org", "nobody@example.org"):
        response = Client().post(RESET, {"email": email}, follow=True)
        answers[email] = (
            response.redirect_chain,
            response.status_code,
            _without_tokens(response.content.decode()),
        )

    assert answers["dev@example.org"] == answers["cara@example.org"]
    assert answers["nobody@example.org"] == answers["cara@example.org"]
    assert [m.to for m in _mailed(Kind.PASSWORD_RESET)] == ["cara@example.org"]


def test_the_reset_link_to_a_verified_address_still_works(db: None) -> None:
    """The link mailed to a verified address opens the page to choose a new password."""
    _person("eve", "eve@example.org", verified=True)
    Client().post(RESET, {"email": "EVE@example.org"})
    (message,) = _mailed(Kind.PASSWORD_RESET)
    client = Client()

    opened = client.get(_link(message, "/accounts/password/reset/key/"), follow=True)

    assert opened.status_code == 200
    assert "Choose a new password" in opened.content.decode()


# --- signing in by email -------------------------------------------------------------------------


def test_an_unverified_address_does_not_sign_in_but_the_username_does(db: None) -> None:
    """Signing in by email needs the address verified; the username always works."""
    person = _person("fay", "fay@example.org", verified=False)

    by_email = Client().post(LOGIN, {"username": "fay@example.org", "password": PASSWORD})
    by_name = Client().post(LOGIN, {"username": "fay", "password": PASSWORD})
    verify_email(person)
    verified = Client().post(LOGIN, {"username": "fay@example.org", "password": PASSWORD})

    assert (by_email.status_code, by_name.status_code, verified.status_code) == (200, 302, 302)


# --- invitations ---------------------------------------------------------------------------------


def _invite_tomasz(world: World, email: str = "Tomasz@Example.org") -> tuple[str, str]:
    """Invite the walking group's co-producer again by email; return the page's link token
    and the emailed link's path."""
    relationship = world.relationship
    relationship.participants.filter(slug="tomasz").update(user=None)
    page = world.client("professional").post(
        f"/relationships/{relationship.pk}/invite/",
        {
            "participant": "tomasz",
            "display_name": "Tomasz Nowak",
            "email": email,
            "revision": Relationship.objects.get(pk=relationship.pk).revision,
        },
    )
    found = re.search(r"/relationships/invitation/([A-Za-z0-9_-]+)/", page.content.decode())
    assert found, "the page shows the invitation link"
    (message,) = _mailed(Kind.INVITATION)
    return found.group(1), _link(message, "/relationships/invitation/")


def test_an_emailed_address_another_login_has_is_not_given(world: World) -> None:
    """Accepting by the emailed link gives no address when another login already has it."""
    UserFactory(username="taken", email="tomasz@example.org")
    _, emailed = _invite_tomasz(world)

    _accept(emailed)

    user = User.objects.get(username="tomasz.new")
    assert (user.email, _rows(user)) == ("", set())


def _accept(path: str) -> Any:
    data = {
        "display_name": "Tomasz",
        "username": "tomasz.new",
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
    }
    return Client().post(path, data)


def test_the_emailed_invitation_link_differs_from_the_copied_one(world: World) -> None:
    """The email holds a link of its own, so following it proves the address."""
    token, emailed = _invite_tomasz(world)

    assert token not in emailed


def test_accepting_by_the_emailed_link_verifies_the_address(world: World) -> None:
    """Accepting by the emailed link gives the new login that address, verified, audited."""
    _, emailed = _invite_tomasz(world)

    response = _accept(emailed)

    user = User.objects.get(username="tomasz.new")
    assert response.status_code == 302
    assert _rows(user) == {("tomasz@example.org", True, True)}
    assert AuditEvent.objects.filter(
        object_type="account.EmailAddress", detail__how="emailed invitation"
    ).exists()


def test_accepting_by_the_copied_link_proves_nothing(world: World) -> None:
    """Accepting by the link copied from the professional's screen gives no address at all:
    whoever opened it may not be the one who reads that mailbox."""
    token, _ = _invite_tomasz(world)

    response = _accept(f"/relationships/invitation/{token}/")

    user = User.objects.get(username="tomasz.new")
    assert response.status_code == 302
    assert (user.email, _rows(user)) == ("", set())


def _invite_priya(world: World) -> tuple[str, str]:
    page = world.client("admin").post(
        "/organisation/people/invite/",
        {
            "display_name": "Priya Shah",
            "email": "priya@example.org",
            "username": "priya",
            "role": "supervisor",
        },
    )
    (message,) = _mailed(Kind.STAFF_INVITATION)
    return page.context["link"], _link(message, "/organisation/invitation/")


@pytest.mark.parametrize(("which", "verified"), [("emailed", True), ("copied", False)])
def test_a_staff_invitation_verifies_only_by_its_emailed_link(
    world: World, which: str, verified: bool
) -> None:
    """A new member of staff's address is verified by the emailed link, not the admin's."""
    copied, emailed = _invite_priya(world)
    path = emailed if which == "emailed" else re.sub(r"^https?://[^/]+", "", copied)

    response = Client().post(path, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    person = User.objects.get(username="priya")
    assert response.status_code == 302
    assert _rows(person) == {("priya@example.org", True, verified)}


# --- confirming and changing one's address -------------------------------------------------------


def _signed_in(user: User) -> Client:
    """Signed in, and the password just given again (changing an address asks for it)."""
    client = Client()
    client.force_login(user)
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    return client


def test_changing_the_address_first_asks_for_the_password_again(db: None) -> None:
    """Without a recent password, sending a new address goes to the password page first and
    changes nothing."""
    person = _person("lee", "lee@example.org", verified=True)
    client = Client()
    client.force_login(person)

    response = client.post("/accounts/email/", {"email": "lee.new@example.org"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert _rows(person) == {("lee@example.org", True, True)}
    assert _mailed(Kind.EMAIL_CONFIRMATION) == []


def test_your_account_shows_whether_the_address_is_confirmed(db: None) -> None:
    """The account page says an unconfirmed address is not confirmed and offers a link."""
    person = _person("gus", "gus@example.org", verified=False)

    html = _signed_in(person).get("/accounts/").content.decode()

    assert "Not confirmed" in html
    assert 'action="/accounts/email/confirm/"' in html


def test_the_confirmation_link_verifies_the_address(db: None) -> None:
    """Asking for a link mails one (through the outbox, always sent); opening it asks to
    confirm; confirming verifies the address, audited."""
    person = _person("hal", "hal@example.org", verified=False)
    client = _signed_in(person)

    client.post("/accounts/email/confirm/")
    (message,) = _mailed(Kind.EMAIL_CONFIRMATION)
    path = _link(message, "/accounts/confirm-email/")
    opened = client.get(path)
    unchanged = _rows(person)
    confirmed = client.post(path)

    assert message.to == "hal@example.org" and message.recipient_id == person.pk
    assert "Confirm your email address" in opened.content.decode()
    assert unchanged == {("hal@example.org", True, False)}  # opening the link changes nothing
    assert confirmed["Location"] == "/accounts/"
    assert _rows(person) == {("hal@example.org", True, True)}
    assert AuditEvent.objects.filter(
        object_type="account.EmailAddress", detail__how="confirmation link"
    ).exists()


def test_a_verified_address_is_not_sent_a_link(db: None) -> None:
    """Asking again for a confirmed address mails nothing."""
    person = _person("ida", "ida@example.org", verified=True)

    response = _signed_in(person).post("/accounts/email/confirm/")

    assert response.status_code == 302
    assert _mailed(Kind.EMAIL_CONFIRMATION) == []


def test_changing_the_address_keeps_the_old_one_until_the_new_is_confirmed(db: None) -> None:
    """A new address waits, unverified, beside the old one, which Mutuality still writes to;
    confirming it replaces the old one. Both writes are audited."""
    person = _person("jo", "jo@example.org", verified=True)
    client = _signed_in(person)

    asked = client.post("/accounts/email/", {"email": "Jo.New@Example.org"})
    person.refresh_from_db()
    waiting = (person.email, _rows(person))
    (message,) = _mailed(Kind.EMAIL_CONFIRMATION)
    client.post(_link(message, "/accounts/confirm-email/"))
    person.refresh_from_db()

    assert asked.status_code == 302
    assert waiting == (
        "jo@example.org",
        {("jo@example.org", True, True), ("jo.new@example.org", False, False)},
    )
    assert message.to == "jo.new@example.org"
    assert (person.email, _rows(person)) == (
        "jo.new@example.org",
        {("jo.new@example.org", True, True)},
    )
    audited = AuditEvent.objects.filter(user=person)
    assert audited.filter(object_type="account.EmailAddress", action="create").exists()
    assert audited.filter(object_type="accounts.User", detail__field="email").exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your new email address"),
        ("not an address", "Enter an email address in the correct format"),
        ("kit@example.org", "That is already your email address"),
    ],
)
def test_a_wrong_new_address_is_refused_and_nothing_changes(
    db: None, typed: str, message: str
) -> None:
    """An empty, malformed or unchanged address is named as the problem; nothing is saved or
    mailed."""
    person = _person("kit", "kit@example.org", verified=True)

    response = _signed_in(person).post("/accounts/email/", {"email": typed})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert _rows(person) == {("kit@example.org", True, True)}
    assert _mailed(Kind.EMAIL_CONFIRMATION) == []
