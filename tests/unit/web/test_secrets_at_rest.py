"""The sealing of second factors' secrets (mutuality/web/accounts/secrets_at_rest.py): Fernet,
authenticated encryption (AES-128-CBC, then HMAC-SHA256 over the whole), under a key derived
with HKDF-SHA256 from SECRET_KEY. No database: the functions themselves."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.test import override_settings

from mutuality.web.accounts.secrets_at_rest import (
    PREFIX,
    UnreadableSecret,
    data_sealed_again,
    is_sealed,
    seal,
    sealed_again,
    unseal,
)

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
OLD_KEY = "an-older-key-of-these-tests-only-0123456789-abcdefghijklmnopqrstuvwxyz"


def _token(sealed: str) -> bytes:
    """The Fernet token's bytes: version, time, IV, ciphertext, then the 32-byte HMAC."""
    return base64.urlsafe_b64decode(sealed.removeprefix(PREFIX))


def _with(sealed: str, token: bytes) -> str:
    return PREFIX + base64.urlsafe_b64encode(token).decode()


def test_a_sealed_secret_opens_to_itself_and_never_shows_it() -> None:
    """Sealing marks the value and hides the secret; unsealing gives it back."""
    # Act
    sealed = seal(SECRET)

    # Assert
    assert is_sealed(sealed)
    assert SECRET not in sealed
    assert unseal(sealed) == SECRET


@pytest.mark.asvs("11.3.1")
def test_the_same_secret_sealed_twice_looks_different() -> None:
    """Each sealing draws a fresh random IV, so equal secrets are not seen to be equal."""
    # Act
    first, second = seal(SECRET), seal(SECRET)

    # Assert
    assert first != second
    assert _token(first)[9:25] != _token(second)[9:25]  # the IVs


@pytest.mark.parametrize(
    "damage",
    ["a byte of the ciphertext", "a byte of the MAC", "cut short", "not base 64", "not text"],
)
@pytest.mark.asvs("11.3.3")
def test_a_changed_sealed_value_is_refused_not_read(damage: str) -> None:
    """Whatever is changed (the ciphertext, the MAC, the length), the MAC check fails before
    anything is decrypted: the value is refused, never read as some other secret."""
    # Arrange
    sealed = seal(SECRET)
    token = bytearray(_token(sealed))
    stored: Any
    if damage == "a byte of the ciphertext":
        token[30] ^= 1
        stored = _with(sealed, bytes(token))
    elif damage == "a byte of the MAC":
        token[-1] ^= 1
        stored = _with(sealed, bytes(token))
    elif damage == "cut short":
        stored = sealed[:-10]
    elif damage == "not base 64":
        stored = PREFIX + "é" * 40
    else:
        stored = 12345

    # Act, Assert
    with pytest.raises(UnreadableSecret):
        unseal(stored)


def test_the_key_is_derived_from_secret_key_and_is_not_it(settings: Any) -> None:
    """The sealing key is HKDF's, for this use alone: a Fernet key made straight from
    SECRET_KEY's own bytes cannot open a sealed value, nor can another SECRET_KEY's."""
    # Arrange
    sealed = seal(SECRET)
    token = sealed.removeprefix(PREFIX).encode()
    raw_key = settings.SECRET_KEY.encode()[:32].ljust(32, b"\0")

    # Act
    naive = Fernet(base64.urlsafe_b64encode(raw_key))

    # Assert
    with pytest.raises(InvalidToken):
        naive.decrypt(token)
    with override_settings(SECRET_KEY=OLD_KEY), pytest.raises(UnreadableSecret):
        unseal(sealed)


def test_only_the_current_key_and_its_fallbacks_open_a_value(settings: Any) -> None:
    """A value sealed under an older SECRET_KEY opens while that key is a fallback, and not
    once it is gone."""
    # Arrange
    with override_settings(SECRET_KEY=OLD_KEY):
        sealed = seal(SECRET)

    # Act
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    with_fallback = unseal(sealed)
    settings.SECRET_KEY_FALLBACKS = []

    # Assert
    assert with_fallback == SECRET
    with pytest.raises(UnreadableSecret):
        unseal(sealed)


def test_a_value_stored_before_sealing_began_is_read_and_sealed_again(settings: Any) -> None:
    """A plain value (from before) is read as it is; sealing again seals it, and a value
    under a fallback key, but leaves one already under the current key."""
    # Arrange
    with override_settings(SECRET_KEY=OLD_KEY):
        under_old = seal(SECRET)
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    current = seal(SECRET)

    # Act
    plain_again = sealed_again(SECRET)
    old_again = sealed_again(under_old)
    current_again = sealed_again(current)

    # Assert
    assert unseal(SECRET) == SECRET
    assert plain_again is not None and unseal(plain_again) == SECRET
    assert old_again is not None and old_again != under_old and unseal(old_again) == SECRET
    assert current_again is None


def test_an_authenticators_data_has_only_its_secrets_sealed() -> None:
    """Of an authenticator's data only the secret fields are sealed; the rest (which codes
    were used, when they were seen) is left as it is."""
    # Arrange
    data = {"seed": "ab" * 40, "used_mask": 5, "viewed_at": 1.5}

    # Act
    again = data_sealed_again("recovery_codes", data)
    webauthn = data_sealed_again("webauthn", {"name": "Laptop", "credential": {}})

    # Assert
    assert again is not None
    assert is_sealed(str(again["seed"]))
    assert {k: v for k, v in again.items() if k != "seed"} == {"used_mask": 5, "viewed_at": 1.5}
    assert webauthn is None
