"""Second factors (allauth.mfa; ADR 0010): staff sign in with a password and then a code;
wrong codes count towards the one lockout; setting up, removing and recovery codes are audited;
an admin's reset leaves the account needing setup again; only the demo shows the code."""

from __future__ import annotations

from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import decrypt
from django.contrib.auth import SESSION_KEY
from django.test import Client

from mutuality.web.accounts.models import Role, User
from mutuality.web.accounts.second_factors import current_code
from mutuality.web.audit.models import AuditEvent
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    OrganisationFactory,
    UserFactory,
    confirm_it_is_you,
    totp_code,
)

LOGIN = "/accounts/login/"
CODE = "/accounts/2fa/authenticate/"


@pytest.fixture(autouse=True)
def _land_on_the_home_page(settings: Any) -> None:
    settings.LOGIN_REDIRECT_URL = "/"


@pytest.fixture
def pat(db: None) -> User:
    """A professional with the factories' authenticator app."""
    user: User = UserFactory(username="pat", organisation=OrganisationFactory(slug="home"))
    return user


def _password(client: Client, username: str = "pat", password: str = PASSWORD) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR="10.0.0.1")


def _code(client: Client, code: str) -> Any:
    return client.post(CODE, {"code": code}, REMOTE_ADDR="10.0.0.1")


def test_staff_sign_in_with_a_password_then_the_code(pat: User) -> None:
    """The right password leads to the code page, not in; the right code signs them in."""
    client = Client()

    after_password = _password(client)
    signed_in_early = SESSION_KEY in client.session
    after_code = _code(client, totp_code())

    assert after_password.status_code == 302
    assert after_password["Location"] == CODE
    assert not signed_in_early
    assert after_code.status_code == 302
    assert client.session[SESSION_KEY] == str(pat.pk)


def test_a_wrong_code_signs_no_one_in_and_says_so(pat: User) -> None:
    """A wrong code shows the page again with a plain error, and no one is signed in."""
    client = Client()
    _password(client)

    response = _code(client, "000000" if totp_code() != "000000" else "111111")

    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.asvs("6.3.1")
def test_ten_wrong_codes_pause_the_account_from_that_address(pat: User) -> None:
    """Wrong codes count in the same lockout as wrong passwords: the 10th pauses the code page,
    and the right code and the right password are both refused until the pause ends."""
    client = Client()
    _password(client)
    wrong = "000000" if totp_code() != "000000" else "111111"

    answers = [_code(client, wrong).status_code for _ in range(10)]
    right_code = _code(client, totp_code())
    right_password = _password(Client())

    assert answers == [200] * 9 + [429]
    assert right_code.status_code == 429
    assert "Too many tries to sign in" in right_code.content.decode()
    assert right_password.status_code == 429
    assert SESSION_KEY not in client.session


@pytest.mark.asvs("6.3.1")
def test_wrong_passwords_and_wrong_codes_add_up(pat: User) -> None:
    """Five wrong passwords and five wrong codes are ten tries at one account."""
    for _ in range(5):
        _password(Client(), password="not it")
    client = Client()
    _password(client)
    wrong = "000000" if totp_code() != "000000" else "111111"

    answers = [_code(client, wrong).status_code for _ in range(5)]

    assert answers == [200] * 4 + [429]


@pytest.mark.asvs("6.5.1")
def test_a_code_once_used_is_not_taken_again(pat: User) -> None:
    """A code that has signed someone in cannot sign in anyone else while it is current
    (the shared cache remembers it)."""
    first = Client()
    _password(first)
    _code(first, totp_code())
    second = Client()
    _password(second)

    again = _code(second, totp_code())

    assert again.status_code == 200
    assert SESSION_KEY not in second.session


@pytest.mark.asvs("6.5.1")
def test_a_recovery_code_signs_in_once_and_is_audited(pat: User) -> None:
    """A recovery code works instead of the app's code, once, and using it is audited."""
    code = RecoveryCodes.activate(pat).generate_codes()[0]
    client = Client()
    _password(client)

    used = _code(client, code)
    again_client = Client()
    _password(again_client)
    again = _code(again_client, code)

    assert used.status_code == 302
    assert again.status_code == 200
    event = AuditEvent.objects.get(detail__field="second_factor")
    assert event.detail == {"field": "second_factor", "how": "used", "kind": "recovery codes"}
    assert event.user == pat


def test_the_demo_shows_the_current_code_and_production_never(pat: User, settings: Any) -> None:
    """In the demo the code page shows the account's current code; elsewhere it does not."""
    client = Client()
    _password(client)

    settings.DEMO = True
    demo = client.get(CODE).content.decode()
    settings.DEMO = False
    production = client.get(CODE).content.decode()

    code = current_code(pat)
    assert code is not None and code == totp_code()
    assert code in demo and "This is the demo" in demo
    assert code not in production and "This is the demo" not in production


def test_a_staff_member_sets_up_an_authenticator_app(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    """A professional without a second factor signs in, is sent to set one up, confirms their
    password, scans the key and types its code: they then have one, it is audited, and they
    see their recovery codes."""
    UserFactory(username="new", organisation=OrganisationFactory(), second_factor=False)
    client = Client()
    signed_in = _password(client, "new")
    sent_to = client.get("/", follow=True)
    activate = client.get("/accounts/2fa/totp/activate/")
    reauthenticated = client.post(
        activate["Location"].split("?")[0] + "?next=/accounts/2fa/totp/activate/",
        {"password": PASSWORD},
    )
    page = client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]

    # allauth announces a new authenticator once its transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret=secret)})

    user = User.objects.get(username="new")
    assert signed_in["Location"] == "/"
    assert sent_to.redirect_chain[-1][0] == "/accounts/2fa/"
    assert activate["Location"].startswith("/accounts/reauthenticate/")
    assert reauthenticated["Location"] == "/accounts/2fa/totp/activate/"
    assert secret in page.content.decode()
    assert done["Location"] == "/accounts/2fa/recovery-codes/"
    assert user.has_second_factor
    assert client.get("/relationships/").status_code == 200
    events = AuditEvent.objects.filter(detail__field="second_factor", user=user)
    hows = set(events.values_list("detail__how", "detail__kind"))
    assert hows == {("added", "authenticator app"), ("added", "recovery codes")}


def test_a_wrong_first_code_adds_nothing(db: None) -> None:
    """A wrong code when setting up an app says so, names the box, and adds nothing."""
    UserFactory(username="new", organisation=OrganisationFactory(), second_factor=False)
    client = Client()
    _password(client, "new")
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]
    wrong = "000000" if totp_code(secret=secret) != "000000" else "111111"

    response = client.post("/accounts/2fa/totp/activate/", {"code": wrong})

    assert response.status_code == 200
    assert "Code from your authenticator app" in response.content.decode()
    assert "That code is not right" in response.content.decode()
    assert not Authenticator.objects.filter(user__username="new").exists()
    assert not User.objects.get(username="new").has_second_factor


def test_removing_the_app_is_audited_and_staff_must_set_up_again(pat: User) -> None:
    """Removing one's app deletes it (and the recovery codes), is audited, and sends staff
    back to setup."""
    client = Client()
    _password(client)
    _code(client, totp_code())
    confirm_it_is_you(client)

    removed = client.post("/accounts/2fa/totp/deactivate/")

    assert removed.status_code == 302
    assert not Authenticator.objects.filter(user=pat).exists()
    assert not User.objects.get(pk=pat.pk).has_second_factor
    assert client.get("/relationships/")["Location"] == "/accounts/2fa/"
    assert AuditEvent.objects.filter(detail__how="removed", detail__kind="authenticator app")


@pytest.mark.asvs("6.4.4")
def test_an_admin_reset_leaves_the_account_needing_setup(pat: User) -> None:
    """Deleting someone's authenticators (as an admin's reset does) clears their flag, so they
    are sent to set one up again: no other step is needed."""
    Authenticator.objects.filter(user=pat).delete()
    client = Client()
    client.force_login(User.objects.get(pk=pat.pk))

    response = client.get("/relationships/")

    assert not User.objects.get(pk=pat.pk).has_second_factor
    assert response["Location"] == "/accounts/2fa/"


def test_a_co_producer_signs_in_with_a_password_alone(db: None) -> None:
    """A co-producer without a second factor signs in with their password and goes on."""
    UserFactory(username="cora", organisation=OrganisationFactory(), role=Role.CO_PRODUCER)
    client = Client()

    response = _password(client, "cora")

    assert response["Location"] == "/"
    assert SESSION_KEY in client.session


def test_the_factories_key_is_what_the_code_page_checks(pat: User) -> None:
    """The tests' known key is the one stored for staff (so browser tests can type codes)."""
    stored = Authenticator.objects.get(user=pat, type=Authenticator.Type.TOTP)

    assert decrypt(stored.data["secret"]) == TOTP_SECRET
    assert pat.has_second_factor
