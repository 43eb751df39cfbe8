"""Passkeys (WebAuthn) as a second factor (allauth.mfa; ADR 0010): adding one after confirming
it is you, signing in with the password and then the passkey, renaming and removing, all
audited; a refused passkey counts towards the one lockout; and forged or malformed credential
posts get the page again with a plain error, never a 500. The browser's part is played by
tests/passkey_device.py, on http://localhost (the plain-http origin WebAuthn allows)."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.internal.auth import WebAuthn
from django.contrib.auth import SESSION_KEY
from django.test import Client
from fido2.utils import websafe_encode

from mutuality.web.accounts.models import User
from mutuality.web.audit.models import AuditEvent
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    UserFactory,
    confirm_it_is_you,
    totp_code,
)
from tests.passkey_device import PasskeyDevice, options_on

LOGIN = "/accounts/login/"
CODE = "/accounts/2fa/authenticate/"
ADD = "/accounts/2fa/webauthn/add/"
NOT_ACCEPTED = "Your passkey was not accepted"
NOT_ADDED = "The passkey was not added"
# What no browser sends: not JSON, JSON of the wrong shape, and the right shape with parts
# that are not what they claim.
MALFORMED = [
    "not json {",
    "[]",
    '"a string"',
    "12",
    "{}",
    '{"id": "!!", "rawId": "!!", "type": "public-key", "response": {}}',
    json.dumps(
        {
            "id": "AAAA",
            "rawId": "AAAA",
            "type": "public-key",
            "response": {
                "clientDataJSON": "AAAA",
                "attestationObject": "AAAA",
                "authenticatorData": "AAAA",
                "signature": "AAAA",
            },
        }
    ),
]


@pytest.fixture(autouse=True)
def _land_on_the_home_page(settings: Any) -> None:
    settings.LOGIN_REDIRECT_URL = "/"


def _client() -> Client:
    return Client(HTTP_HOST="localhost", REMOTE_ADDR="10.0.0.1")


@pytest.fixture
def pat(db: None) -> User:
    """A professional with the factories' authenticator app."""
    user: User = UserFactory(username="pat", organisation=OrganisationFactory(slug="home"))
    return user


def _with_passkey(user: User) -> PasskeyDevice:
    """Give `user` a passkey directly (as if added earlier), and return its device."""
    device = PasskeyDevice()
    options = {
        "publicKey": {"challenge": websafe_encode(os.urandom(32)), "rp": {"id": "localhost"}}
    }
    WebAuthn.add(user, "Work laptop", device.create(options))
    return device


def _password(client: Client, username: str = "pat") -> Any:
    return client.post(LOGIN, {"username": username, "password": PASSWORD})


def _confirmed(username: str = "pat", *, code: bool = True) -> Client:
    """A client signed in as `username` (with the app's code if `code`) who has just confirmed
    their password, and their code if `code`, as adding a passkey asks."""
    client = _client()
    _password(client, username)
    if code:
        client.post(CODE, {"code": totp_code()})
    return confirm_it_is_you(client, code=code)


@pytest.mark.asvs("11.6.1")
def test_a_staff_member_adds_a_passkey_and_it_is_audited(pat: User) -> None:
    """After confirming their password, a professional names a passkey and their device makes
    it: it is saved under that name and the adding is in the audit trail."""
    client = _confirmed()
    page = client.get(ADD).content.decode()

    response = client.post(
        ADD,
        {"name": "Work laptop", "credential": json.dumps(PasskeyDevice().create(options_on(page)))},
    )

    passkey = Authenticator.objects.get(user=pat, type=Authenticator.Type.WEBAUTHN)
    assert response.status_code == 302
    assert passkey.wrap().name == "Work laptop"
    assert AuditEvent.objects.filter(
        user=pat, detail__field="second_factor", detail__how="added", detail__kind="passkey"
    ).exists()


def test_a_passkey_alone_is_a_second_factor_for_staff(db: None) -> None:
    """Staff without a second factor who add a passkey may go on; removing it sends them back
    to set one up."""
    user: User = UserFactory(
        username="new", organisation=OrganisationFactory(), second_factor=False
    )
    client = _confirmed("new", code=False)
    page = client.get(ADD).content.decode()
    client.post(
        ADD, {"name": "", "credential": json.dumps(PasskeyDevice().create(options_on(page)))}
    )
    passkey = Authenticator.objects.get(user=user, type=Authenticator.Type.WEBAUTHN)
    had_one = User.objects.get(pk=user.pk).has_second_factor
    reached = client.get("/relationships/").status_code

    removed = client.post(f"/accounts/2fa/webauthn/keys/{passkey.pk}/remove/")

    assert had_one
    assert reached == 200
    assert removed.status_code == 302
    assert not User.objects.get(pk=user.pk).has_second_factor
    assert client.get("/relationships/")["Location"] == "/accounts/2fa/"
    assert AuditEvent.objects.filter(detail__how="removed", detail__kind="passkey").exists()


def test_staff_sign_in_with_a_password_then_a_passkey(pat: User) -> None:
    """The code page offers the passkey to someone who has one; the passkey's answer signs
    them in."""
    device = _with_passkey(pat)
    client = _client()
    _password(client)
    page = client.get(CODE).content.decode()

    response = client.post(CODE, {"credential": json.dumps(device.get(options_on(page)))})

    assert "Use your passkey" in page
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(pat.pk)


def test_the_code_page_offers_no_passkey_to_someone_without_one(pat: User) -> None:
    """Without a passkey the code page has no passkey button and loads no passkey script."""
    client = _client()
    _password(client)

    page = client.get(CODE).content.decode()

    assert "Use your passkey" not in page
    assert "webauthn.js" not in page


@pytest.mark.parametrize("credential", MALFORMED)
def test_a_malformed_passkey_answer_signs_no_one_in(pat: User, credential: str) -> None:
    """A credential post that is not a passkey's answer gets the page again with a plain error."""
    _with_passkey(pat)
    client = _client()
    _password(client)
    client.get(CODE)

    response = client.post(CODE, {"credential": credential})

    assert response.status_code == 200
    assert NOT_ACCEPTED in response.content.decode()
    assert SESSION_KEY not in client.session


def test_an_answer_to_another_challenge_signs_no_one_in(pat: User) -> None:
    """A real passkey's answer to a challenge the service did not set (a replayed or forged
    one) is refused."""
    device = _with_passkey(pat)
    client = _client()
    _password(client)
    options = options_on(client.get(CODE).content.decode())
    options["publicKey"]["challenge"] = websafe_encode(os.urandom(32))

    response = client.post(CODE, {"credential": json.dumps(device.get(options))})

    assert response.status_code == 200
    assert NOT_ACCEPTED in response.content.decode()
    assert SESSION_KEY not in client.session


def test_another_devices_passkey_signs_no_one_in(pat: User) -> None:
    """A passkey that is not one of this account's is refused."""
    _with_passkey(pat)
    client = _client()
    _password(client)
    options = options_on(client.get(CODE).content.decode())

    response = client.post(CODE, {"credential": json.dumps(PasskeyDevice().get(options))})

    assert NOT_ACCEPTED in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.asvs("6.3.1")
def test_ten_refused_passkeys_pause_the_account(pat: User) -> None:
    """Refused passkeys count like wrong codes: the 10th try pauses the sign-in."""
    device = _with_passkey(pat)
    client = _client()
    _password(client)
    client.get(CODE)

    responses = [client.post(CODE, {"credential": "{}"}) for _ in range(10)]
    # The 9th refusal's page set the challenge the service holds now.
    options = options_on(responses[8].content.decode())
    right = client.post(CODE, {"credential": json.dumps(device.get(options))})

    assert [response.status_code for response in responses] == [200] * 9 + [429]
    assert right.status_code == 429
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("credential", [*MALFORMED, "wrong challenge"])
def test_a_malformed_new_passkey_adds_nothing(pat: User, credential: str) -> None:
    """A new passkey's post that is not what a browser sends, or answers another challenge,
    gets the page again with a plain error and adds nothing."""
    client = _confirmed()
    page = client.get(ADD).content.decode()
    if credential == "wrong challenge":
        options = options_on(page)
        options["publicKey"]["challenge"] = websafe_encode(os.urandom(32))
        credential = json.dumps(PasskeyDevice().create(options))

    response = client.post(ADD, {"name": "Work laptop", "credential": credential})

    assert response.status_code == 200
    assert NOT_ADDED in response.content.decode()
    assert 'value="Work laptop"' in response.content.decode()
    assert not Authenticator.objects.filter(user=pat, type=Authenticator.Type.WEBAUTHN).exists()


def test_renaming_a_passkey_is_audited(pat: User) -> None:
    """A passkey's new name is saved and the change audited; too long a name is refused."""
    _with_passkey(pat)
    passkey = Authenticator.objects.get(user=pat, type=Authenticator.Type.WEBAUTHN)
    client = _confirmed()
    url = f"/accounts/2fa/webauthn/keys/{passkey.pk}/edit/"

    too_long = client.post(url, {"name": "x" * 61})
    renamed = client.post(url, {"name": "Home phone"})

    assert too_long.status_code == 200
    assert "60 characters or fewer" in too_long.content.decode()
    assert renamed.status_code == 302
    passkey.refresh_from_db()
    assert passkey.wrap().name == "Home phone"
    assert AuditEvent.objects.filter(detail__how="renamed", detail__kind="passkey").exists()


def test_someone_elses_passkey_cannot_be_renamed_or_removed(pat: User) -> None:
    """Another person's passkey is not found from this account."""
    other: User = UserFactory(username="other", organisation=pat.organisation)
    _with_passkey(other)
    passkey = Authenticator.objects.get(user=other, type=Authenticator.Type.WEBAUTHN)
    client = _confirmed()

    edit = client.post(f"/accounts/2fa/webauthn/keys/{passkey.pk}/edit/", {"name": "Mine"})
    remove = client.post(f"/accounts/2fa/webauthn/keys/{passkey.pk}/remove/")

    assert (edit.status_code, remove.status_code) == (404, 404)
    assert Authenticator.objects.filter(pk=passkey.pk).exists()


@pytest.mark.parametrize("credential", ["not json {", "{}"])
def test_a_malformed_passkey_when_confirming_it_is_you_shows_the_page_again(
    pat: User, credential: str
) -> None:
    """Confirming it is you with a passkey that is refused shows that page with the error."""
    _with_passkey(pat)
    client = _client()
    _password(client)
    client.post(CODE, {"code": totp_code()})
    client.get("/accounts/2fa/webauthn/reauthenticate/")

    response = client.post("/accounts/2fa/webauthn/reauthenticate/", {"credential": credential})

    assert response.status_code == 200
    assert NOT_ACCEPTED in response.content.decode()


def test_confirming_it_is_you_with_a_passkey_opens_the_add_page(pat: User) -> None:
    """The passkey confirms the second factor before a change, after the password."""
    device = _with_passkey(pat)
    client = _client()
    _password(client)
    client.post(CODE, {"code": totp_code()})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    url = "/accounts/2fa/webauthn/reauthenticate/"
    options = options_on(client.get(url).content.decode())

    response = client.post(url + f"?next={ADD}", {"credential": json.dumps(device.get(options))})

    assert response.status_code == 302
    assert response["Location"] == ADD
    assert client.get(ADD).status_code == 200
