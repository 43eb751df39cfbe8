"""A passkey device in Python, for tests that post what a browser would after WebAuthn
(ADR 0010): it makes a credential for a page's creation options and answers a page's request
options, signing with its own P-256 key, as a platform authenticator does. Origins are
http://localhost, the one plain-http origin WebAuthn allows."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256, CoseKey
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)

ORIGIN = "http://localhost"
_FLAGS = AuthenticatorData.FLAG


@dataclass
class PasskeyDevice:
    """One passkey: its key, its credential id and how many times it has signed."""

    key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1())
    )
    credential_id: bytes = field(default_factory=lambda: os.urandom(32))
    counter: int = 0

    def create(self, options: dict[str, Any], *, origin: str = ORIGIN) -> dict[str, Any]:
        """The credential a browser posts after making this passkey for `options`
        (the page's creation_options)."""
        public_key = options["publicKey"]
        client_data = CollectedClientData.create(
            type="webauthn.create", challenge=_bytes(public_key["challenge"]), origin=origin
        )
        credential = AttestedCredentialData.create(
            b"\0" * 16, self.credential_id, self.public_key()
        )
        auth_data = AuthenticatorData.create(
            _rp_hash(public_key["rp"]["id"]),
            _FLAGS.UP | _FLAGS.UV | _FLAGS.AT,
            self.counter,
            credential,
        )
        attestation = AttestationObject.create("none", auth_data, {})
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "attestationObject": websafe_encode(attestation),
            },
            "clientExtensionResults": {"credProps": {"rk": True}},
            "authenticatorAttachment": "platform",
        }

    def public_key(self) -> CoseKey:
        """The public key the passkey registers (a device of another kind overrides it)."""
        return ES256.from_cryptography_key(self.key.public_key())

    def get(self, options: dict[str, Any], *, origin: str = ORIGIN) -> dict[str, Any]:
        """The answer a browser posts after using this passkey for `options` (the page's
        request_options)."""
        public_key = options["publicKey"]
        client_data = CollectedClientData.create(
            type="webauthn.get", challenge=_bytes(public_key["challenge"]), origin=origin
        )
        self.counter += 1
        auth_data = AuthenticatorData.create(
            _rp_hash(public_key["rpId"]), _FLAGS.UP | _FLAGS.UV, self.counter
        )
        signature = self.key.sign(
            bytes(auth_data) + hashlib.sha256(bytes(client_data)).digest(),
            ec.ECDSA(hashes.SHA256()),
        )
        return {
            "id": websafe_encode(self.credential_id),
            "rawId": websafe_encode(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": websafe_encode(client_data),
                "authenticatorData": websafe_encode(auth_data),
                "signature": websafe_encode(signature),
                "userHandle": None,
            },
            "clientExtensionResults": {},
        }


def options_on(page: str) -> dict[str, Any]:
    """The WebAuthn options a passkey page gives its script (json_script "passkey-options":
    its creation_options or request_options)."""
    start = page.index('<script id="passkey-options" type="application/json">') + len(
        '<script id="passkey-options" type="application/json">'
    )
    data: dict[str, dict[str, Any]] = json.loads(page[start : page.index("</script>", start)])
    (options,) = data.values()
    return options


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else websafe_decode(value)


def _rp_hash(rp_id: str) -> bytes:
    return hashlib.sha256(rp_id.encode()).digest()
