"""OWASP ASVS 5.0.0 V11 (cryptography), through the app: how passwords are stored and how a
stored hash moves to a new hasher, what replacing the key does, how strong the random values
are, that the audit chain's digests are SHA-256, and that a passkey of a kind not approved is
refused."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from django.conf import global_settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import Client
from fido2.cose import ES256K, PS256, RS256, CoseKey

from mutuality.web import settings as our_settings
from mutuality.web.accounts.models import Role, User
from mutuality.web.audit import chain
from mutuality.web.audit.actions import record
from mutuality.web.audit.models import AuditEvent, AuditLink
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    UserFactory,
    World,
    confirm_it_is_you,
    totp_code,
)
from tests.passkey_device import PasskeyDevice, options_on

LOGIN = "/accounts/login/"
ADD_PASSKEY = "/accounts/2fa/webauthn/add/"
# The hashers production uses: ours if settings.py names any, else Django's own (the tests
# swap in a fast one, tests/conftest.py).
PRODUCTION_HASHERS = getattr(our_settings, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)


def _sign_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": password})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


@pytest.mark.asvs("11.4.2")
def test_a_password_is_stored_as_pbkdf2_sha256_with_at_least_600000_rounds(
    db: None, settings: Any
) -> None:
    """With production's hashers, a new password is kept as PBKDF2-HMAC-SHA-256 with no fewer
    rounds than the standard asks (600,000), salted, and its owner signs in with it."""
    # Arrange
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    person = UserFactory(username="sam", role=Role.CO_PRODUCER)

    # Act
    client = _sign_in("sam")

    # Assert
    stored = User.objects.get(pk=person.pk).password
    algorithm, rounds, salt, _ = stored.split("$")
    assert algorithm == "pbkdf2_sha256"
    assert int(rounds) >= 600_000
    assert len(salt) >= 22  # about 130 bits of the 62-letter alphabet
    assert PASSWORD not in stored
    assert client.get("/relationships/").status_code == 200


@pytest.mark.asvs("11.2.2")
def test_a_hash_made_by_an_older_hasher_is_made_again_with_the_first(
    db: None, settings: Any
) -> None:
    """A password hashed with a hasher production still accepts but no longer prefers
    (PBKDF2 with SHA-1) still signs its owner in, and is then stored with the first hasher:
    changing the algorithm needs no reset."""
    # Arrange
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    person = UserFactory(username="sam", role=Role.CO_PRODUCER)
    old = make_password(PASSWORD, hasher="pbkdf2_sha1")
    User.objects.filter(pk=person.pk).update(password=old)

    # Act
    _sign_in("sam")

    # Assert
    stored = User.objects.get(pk=person.pk).password
    assert identify_hasher(old).algorithm == "pbkdf2_sha1"
    assert identify_hasher(stored).algorithm == identify_hasher(make_password("x")).algorithm
    assert stored != old


@pytest.mark.asvs("11.2.2")
def test_replacing_the_key_signs_everyone_out_and_nothing_else_is_lost(
    world: World, settings: Any
) -> None:
    """A new `MUTUALITY_SECRET_KEY` ends every session (each one's check is a MAC under the
    key), and the person signs in again with their password: nothing stored needed it."""
    # Arrange
    client = _sign_in("co")
    assert client.get("/relationships/").status_code == 200

    # Act
    settings.SECRET_KEY = "a new key " + "x" * 60
    after = client.get("/relationships/")

    # Assert
    assert after.status_code == 302
    assert after["Location"].startswith(LOGIN)
    assert _sign_in("co").get("/relationships/").status_code == 200


@pytest.mark.asvs("11.5.1")
def test_session_keys_and_invitation_links_are_long_random_values(world: World) -> None:
    """Each sign-in gets a new session key of 32 characters from 36 (over 160 bits), and each
    staff invitation a new link token of 43 URL-safe characters (256 bits), none repeated."""
    # Arrange
    admin = world.client("admin")

    # Act
    keys = [_sign_in("co").session.session_key for _ in range(3)]
    tokens = []
    for n in range(3):
        page = admin.post(
            "/organisation/people/invite/",
            {
                "display_name": f"Person {n}",
                "email": f"person{n}@example.org",
                "username": f"person{n}",
                "role": "supervisor",
            },
        ).content.decode()
        tokens += re.findall(r"/organisation/invitation/([A-Za-z0-9_-]+)/", page)[:1]

    # Assert
    assert all(key is not None and re.fullmatch(r"[a-z0-9]{32}", key) for key in keys)
    assert len(set(keys)) == 3
    assert len(tokens) == 3
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{43}", token) for token in tokens)
    assert len(set(tokens)) == 3


@pytest.mark.asvs("11.4.3")
def test_each_link_of_the_audit_chain_is_a_sha256_digest_of_its_rows(world: World) -> None:
    """A link's digest is the full 256 bits of SHA-256 over the previous digest and the rows
    it covers, so a change to any row gives another digest."""
    # Arrange
    event = record(user=world.users["admin"], action="view", obj=world.relationship)

    # Act
    link = AuditLink.objects.get(first__lte=event.pk, last__gte=event.pk)

    # Assert
    row = chain.as_row(AuditEvent.objects.get(pk=event.pk))
    expected = hashlib.sha256(link.previous.encode("ascii"))
    expected.update(b"\n" + chain.canonical(row))
    assert re.fullmatch(r"[0-9a-f]{64}", link.digest)
    assert link.digest == expected.hexdigest()
    changed = {**row, "action": "export"}
    assert chain.link_digest(link.previous, [changed]) != link.digest


# --- passkeys ----------------------------------------------------------------------------------


@dataclass
class OtherKindOfDevice(PasskeyDevice):
    """A passkey device whose key is of another kind: RSA with PKCS#1 v1.5 or PSS padding, or
    ECDSA on the secp256k1 curve."""

    kind: type[CoseKey] = RS256
    other_key: Any = field(default=None)

    def public_key(self) -> CoseKey:
        if self.other_key is None:
            self.other_key = (
                ec.generate_private_key(ec.SECP256K1())
                if self.kind is ES256K
                else rsa.generate_private_key(public_exponent=65537, key_size=2048)
            )
        return self.kind.from_cryptography_key(self.other_key.public_key())


def _ready_to_add_a_passkey() -> Client:
    """A member of staff signed in with their app's code, who has just confirmed it is them in
    full (as adding a passkey asks), on http://localhost (WebAuthn's one plain-http origin)."""
    UserFactory(username="pat", organisation=OrganisationFactory(slug="home"))
    client = Client(HTTP_HOST="localhost", REMOTE_ADDR="10.0.0.1")
    client.post(LOGIN, {"username": "pat", "password": PASSWORD})
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    return confirm_it_is_you(client)


@pytest.mark.asvs("11.2.3")
@pytest.mark.asvs("11.6.1")
@pytest.mark.parametrize("kind", [RS256, PS256, ES256K], ids=lambda k: k.__name__)
def test_a_passkey_whose_signatures_are_not_approved_is_refused(
    db: None, kind: type[CoseKey]
) -> None:
    """A new passkey holding an RSA key (PKCS#1 v1.5 signatures are not approved, and 2048
    bits give 112 bits of strength) or a secp256k1 key is refused with a plain message, and
    nothing is added; a P-256 passkey on the same page is added."""
    # Arrange
    client = _ready_to_add_a_passkey()
    page = client.get(ADD_PASSKEY).content.decode()
    credential = OtherKindOfDevice(kind=kind).create(options_on(page))

    # Act
    refused = client.post(ADD_PASSKEY, {"name": "Old laptop", "credential": json.dumps(credential)})
    page = client.get(ADD_PASSKEY).content.decode()
    accepted = client.post(
        ADD_PASSKEY,
        {"name": "Phone", "credential": json.dumps(PasskeyDevice().create(options_on(page)))},
    )

    # Assert
    assert refused.status_code == 200
    assert "a kind of passkey that Mutuality does not accept" in refused.content.decode()
    assert accepted.status_code == 302
    names = [a.wrap().name for a in Authenticator.objects.filter(type=Authenticator.Type.WEBAUTHN)]
    assert names == ["Phone"]
