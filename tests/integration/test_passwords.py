"""Signing in by email, resetting a forgotten password by email, and changing a password
(django-allauth, with django-axes counting every wrong password: ADR 0009)."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.cache import cache
from django.test import Client

from mutuality.web.accounts.models import Role, User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.outbox import posting
from mutuality.web.outbox.models import Kind, OutgoingMessage
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    UserFactory,
    confirm_it_is_you,
    verify_email,
)
from tests.integration.logs import captured_logs

LOGIN = "/accounts/login/"
RESET = "/accounts/password/reset/"
CHANGE = "/accounts/password/change/"
NEW_PASSWORD = "a new and long enough password"
EMAIL = "Sian.Evans@example.org"


@pytest.fixture(autouse=True)
def _land_on_the_home_page(settings: Any) -> None:
    """After signing in, go to "/" (these tests do not need the dashboard)."""
    settings.LOGIN_REDIRECT_URL = "/"


@pytest.fixture(autouse=True)
def _fresh_rate_limits(db: None) -> None:
    """allauth's limit on asking for reset emails counts in the cache (a table of the
    database: ADR 0010): start each test at 0."""
    cache.clear()


def _without_tokens(html: bytes) -> str:
    """The page with its CSRF tokens and script nonces (new on every response) blanked."""
    return re.sub(
        r'(csrfmiddlewaretoken" value="|"X-CSRFToken": "|nonce=")[^"]+', r"\1", html.decode()
    )


@pytest.fixture
def sian(db: None) -> User:
    """A co-producer with a verified email address and a known password."""
    user: User = UserFactory(
        username="sian",
        email=EMAIL,
        organisation=OrganisationFactory(slug="home"),
        role=Role.CO_PRODUCER,
    )
    return verify_email(user)


def _sign_in(login: str, password: str, address: str = "10.0.0.1") -> int:
    response = Client().post(LOGIN, {"username": login, "password": password}, REMOTE_ADDR=address)
    return response.status_code


def _posted() -> list[OutgoingMessage]:
    """The reset emails posted to the outbox (the sending engine delivers them)."""
    return list(OutgoingMessage.objects.filter(kind=Kind.PASSWORD_RESET))


def _reset_link(client: Client, email: str = EMAIL) -> str:
    """Ask for a reset email; return the path of the link in it."""
    client.post(RESET, {"email": email})
    (message,) = _posted()
    return re.findall(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body)[0]


def test_sign_in_by_username_or_by_email_in_any_case(sian: User) -> None:
    """The username, or the email address however it is capitalised, signs in with the password."""
    by_name, by_email = Client(), Client()

    name = by_name.post(LOGIN, {"username": "sian", "password": PASSWORD})
    email = by_email.post(LOGIN, {"username": EMAIL.upper(), "password": PASSWORD})

    assert (name.status_code, email.status_code) == (302, 302)
    assert by_name.session[SESSION_KEY] == by_email.session[SESSION_KEY] == str(sian.pk)


def test_a_wrong_password_with_an_email_says_so_plainly(sian: User) -> None:
    """A wrong password after an email address is named as such, linked to the first field."""
    response = Client().post(LOGIN, {"username": EMAIL, "password": "not it"})

    assert response.status_code == 200
    assert (
        '<a href="#id_username">Enter a correct email address and password. '
        "The password is case-sensitive.</a>" in response.content.decode()
    )


@pytest.mark.asvs("6.3.1")
def test_wrong_passwords_by_email_and_by_username_share_one_lockout(sian: User) -> None:
    """Five guesses by email and five by username lock the account out from that address
    (django-axes), and allauth's own limit, which would stop at five, never speaks."""
    guesses = [_sign_in(EMAIL, "not it") for _ in range(5)]
    guesses += [_sign_in("sian", "not it") for _ in range(4)]
    assert guesses == [200] * 9
    assert _sign_in("sian", "not it") == 429  # the tenth starts the pause

    assert _sign_in(EMAIL, PASSWORD) == 429
    assert _sign_in("sian", PASSWORD) == 429
    assert _sign_in("sian", PASSWORD, address="10.0.0.2") == 302


def test_a_reset_email_holds_a_link_and_no_one_else_is_told(sian: User) -> None:
    """Asking with a known address posts one email to it (through the outbox), greeting them,
    with a link and the username."""
    response = Client().post(RESET, {"email": EMAIL.lower()})

    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    (message,) = _posted()
    assert (message.to, message.recipient) == (EMAIL.lower(), sian)
    assert message.subject == "Mutuality: Reset your password"
    assert message.body.startswith("Hello sian,")
    assert "http://testserver/accounts/password/reset/key/" in message.body
    assert "Your username is sian." in message.body


@pytest.mark.asvs("6.4.3")
def test_an_unknown_email_gets_the_same_answer_and_no_email(sian: User) -> None:
    """An address that belongs to no one gets the same redirect and page, and nothing is sent."""
    known, unknown = Client(), Client()

    to_known = known.post(RESET, {"email": EMAIL}, follow=True)
    OutgoingMessage.objects.all().delete()
    to_unknown = unknown.post(RESET, {"email": "nobody@example.org"}, follow=True)

    assert to_unknown.redirect_chain == to_known.redirect_chain
    assert _without_tokens(to_unknown.content) == _without_tokens(to_known.content)
    assert not OutgoingMessage.objects.exists()


@pytest.mark.asvs("6.4.3")
@pytest.mark.asvs("16.3.1")
def test_a_reset_link_sets_a_new_password_once(sian: User) -> None:
    """The link leads to a form; the new password works, the old does not, the change is
    audited and logged, and the same link then shows a plain page with a way to ask again."""
    client = Client()
    link = _reset_link(client)

    form_page = client.get(link, follow=True)
    with captured_logs() as logs:
        saved = client.post(
            form_page.redirect_chain[-1][0],
            {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        )
    again = Client().get(link, follow=True)

    assert "<h1>Choose a new password</h1>" in form_page.content.decode()
    assert saved.status_code == 302
    assert saved["Location"] == "/accounts/password/reset/key/done/"
    assert _sign_in("sian", PASSWORD) == 200
    assert _sign_in("sian", NEW_PASSWORD) == 302
    event = AuditEvent.objects.get(action="update", object_id=str(sian.pk))
    assert (event.user, event.organisation_id) == (sian, sian.organisation_id)
    assert event.detail == {"field": "password", "how": "reset by email"}
    assert [line["user_id"] for line in logs.events("password_reset")] == [sian.pk]
    assert "<h1>This link does not work</h1>" in again.content.decode()
    assert f'href="{RESET}">Ask for a new link</a>' in again.content.decode()


def test_an_altered_link_shows_the_plain_page(sian: User) -> None:
    """A link with its key changed sets nothing and offers a new one."""
    client = Client()
    link = _reset_link(client)

    response = client.get(link[:-3] + "xx/", follow=True)

    assert "<title>This link does not work – Mutuality</title>" in response.content.decode()
    assert "Choose a new password" not in response.content.decode()


@pytest.mark.asvs("6.4.3")
def test_a_link_older_than_an_hour_shows_the_plain_page(
    sian: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An hour and a minute after it was sent, the link no longer works."""
    client = Client()
    link = _reset_link(client)
    later = datetime.now() + timedelta(hours=1, minutes=1)  # noqa: DTZ005 (Django's tokens use naive local time)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)

    response = client.get(link, follow=True)

    assert "<h1>This link does not work</h1>" in response.content.decode()


def test_the_demo_writes_each_email_to_a_file(
    sian: User, settings: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    """With Django's file backend (the demo's, into var/mail/), the reset email is a file once
    the sending engine has sent what the request posted."""
    if not posting.after_commit:
        pytest.skip("no sending engine is installed to deliver the outbox")
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path

    with django_capture_on_commit_callbacks(execute=True):
        Client().post(RESET, {"email": EMAIL})

    (written,) = tmp_path.iterdir()
    assert "/accounts/password/reset/key/" in written.read_text()


def test_the_demo_settings_send_email_to_var_mail(settings: Any) -> None:
    """The demo's mail folder is var/mail/ (pytest-django swaps in its own backend for tests)."""
    assert Path(settings.EMAIL_FILE_PATH) == Path(settings.VAR_DIR) / "mail"


@pytest.mark.asvs("6.2.2")
@pytest.mark.asvs("6.2.3")
@pytest.mark.asvs("16.3.1")
def test_change_password_needs_the_current_one_and_is_audited(sian: User) -> None:
    """A wrong current password is refused plainly; the right one changes it, keeps the
    person signed in, and records the change. (Sending the form first asks them to confirm
    it is them: test_asvs_v7.py, V7.5.)"""
    client = Client()
    client.force_login(sian)
    confirm_it_is_you(client, code=False)
    new = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}

    wrong = client.post(CHANGE, {"oldpassword": "not it", **new})
    with captured_logs() as logs:
        right = client.post(CHANGE, {"oldpassword": PASSWORD, **new})

    assert '<a href="#id_oldpassword">Enter your current password.' in wrong.content.decode()
    assert right.status_code == 302
    assert client.get(CHANGE).status_code == 200  # still signed in
    assert _sign_in("sian", NEW_PASSWORD) == 302
    event = AuditEvent.objects.get(action="update", object_id=str(sian.pk))
    assert event.detail == {"field": "password", "how": "changed"}
    assert [line["user_id"] for line in logs.events("password_changed")] == [sian.pk]


def test_change_password_is_for_signed_in_people(db: None) -> None:
    """Signed out, the change page sends you to sign in."""
    response = Client().get(CHANGE)

    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")


@pytest.mark.asvs("6.3.4")
@pytest.mark.parametrize(
    "path",
    [
        "/accounts/signup/",
        "/accounts/confirm-email/",
        "/accounts/login/code/",
        "/accounts/2fa/webauthn/login/",
        "/accounts/2fa/webauthn/signup/",
        "/accounts/2fa/trust/",
    ],
)
def test_allauths_other_pages_are_not_served(db: None, path: str) -> None:
    """Logins come from invitations, and email addresses are managed on our own page: allauth's
    sign-up, verification-sent and code pages do not exist here, nor signing in with a passkey alone, nor
    second-factor pages without our templates."""
    assert Client().get(path).status_code == 404


def test_a_turned_off_account_is_told_so_plainly(sian: User) -> None:
    """The right password for an account that is turned off signs no one in and says why."""
    sian.is_active = False
    sian.save()
    client = Client()

    response = client.post(LOGIN, {"username": "sian", "password": PASSWORD}, follow=True)

    assert SESSION_KEY not in client.session
    assert "<h1>This account is turned off</h1>" in response.content.decode()


def test_asking_for_too_many_reset_emails_is_refused_plainly(sian: User) -> None:
    """A sixth request for the same address within a minute gets a plain 429 page, no email."""
    for _ in range(5):
        Client().post(RESET, {"email": EMAIL})
    sent = len(_posted())

    response = Client().post(RESET, {"email": EMAIL})

    assert response.status_code == 429
    assert "<h1>Too many requests</h1>" in response.content.decode()
    assert len(_posted()) == sent == 5


def test_a_signed_in_person_without_a_password_sets_one(sian: User) -> None:
    """Someone signed in whose account has no usable password is sent to set one, audited."""
    sian.set_unusable_password()
    sian.save()
    client = Client()
    client.force_login(sian)

    sent_on = client.get(CHANGE)
    saved = client.post(
        "/accounts/password/set/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    assert sent_on["Location"] == "/accounts/password/set/"
    assert saved.status_code == 302
    assert _sign_in("sian", NEW_PASSWORD) == 302
    assert AuditEvent.objects.get(object_id=str(sian.pk)).detail["how"] == "set"
