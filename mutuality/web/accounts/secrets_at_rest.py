"""Second factors' secrets, sealed before they are stored (ASVS v5 6.5.2; ADR 0010).

allauth.mfa keeps two secrets in `Authenticator.data`: an authenticator app's key (`secret`,
160 random bits) and the seed the ten recovery codes are worked out from (`seed`, 320 random
bits). Either one, read from the database, gives every code it stands for. So allauth hands
each to its adapter's `encrypt` before storing it and to `decrypt` after reading it
(`adapter.SecondFactorAdapter`), and these functions do the work:

- **Sealed** with Fernet (the `cryptography` package): AES-128 in CBC mode, then an
  HMAC-SHA256 over the whole, checked before anything is decrypted, so a value changed in
  the database, or cut short, is refused rather than read. It chooses its own random IV for
  every value: nothing here picks a nonce or a padding.
- **The key is not in the database.** It is derived with HKDF-SHA256 from Django's
  `SECRET_KEY` (the environment's MUTUALITY_SECRET_KEY), with a salt and label naming this
  use alone, so it is never the key that signs sessions, and reading the database (a copy of
  it, a backup) gives no code.
- **Rotating SECRET_KEY the Django way.** The old key, put in `SECRET_KEY_FALLBACKS`
  (MUTUALITY_SECRET_KEY_FALLBACKS), still opens what it sealed; `manage.py
  seal_second_factors` then seals everything again under the new key, after which the old one
  can be dropped. A key dropped too soon leaves those secrets unreadable: `UnreadableSecret`.
- **Marked.** A sealed value starts with `enc1:`. A value without the mark was stored before
  sealing began (migration 0009 seals every one of them) and is read as it is: an app's key
  is base-32 capitals and digits and a seed is hexadecimal, so neither can start with it.
"""

from __future__ import annotations

import base64
import functools
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.utils.encoding import force_bytes

PREFIX = "enc1:"
# Name this use of SECRET_KEY, so the derived key is one no other part of Django can make.
_SALT = b"mutuality.accounts.secrets_at_rest"
_INFO = b"Fernet key sealing allauth.mfa Authenticator secrets, version 1"


class UnreadableSecret(ValueError):
    """A sealed value that no configured key opens: changed in the database, or sealed under
    a SECRET_KEY that is neither the key now nor one of its fallbacks."""


@functools.lru_cache(maxsize=8)
def _fernet(secret_key: str | bytes) -> Fernet:
    """The Fernet key derived from one SECRET_KEY (32 bytes: half signs, half encrypts)."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO).derive(
        force_bytes(secret_key)
    )
    return Fernet(base64.urlsafe_b64encode(derived))


def _current() -> Fernet:
    return _fernet(settings.SECRET_KEY)


def _every_key() -> MultiFernet:
    """The current key first (it seals), then each fallback (they only open)."""
    return MultiFernet([_current(), *(_fernet(key) for key in settings.SECRET_KEY_FALLBACKS)])


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def seal(text: str) -> str:
    """The value to store for this secret."""
    return PREFIX + _current().encrypt(text.encode()).decode("ascii")


def unseal(stored: object) -> str:
    """The secret a stored value holds; one stored before sealing began, as it is."""
    if not isinstance(stored, str):
        raise UnreadableSecret("a second factor's stored secret is not text")
    if not is_sealed(stored):
        return stored
    try:
        return _every_key().decrypt(stored.removeprefix(PREFIX).encode("ascii")).decode()
    except (InvalidToken, UnicodeError):
        raise UnreadableSecret(
            "a second factor's stored secret opens with no key in SECRET_KEY or "
            "SECRET_KEY_FALLBACKS (changed in the database, or its key was dropped)"
        ) from None


def sealed_again(stored: object) -> str | None:
    """The value to store instead, sealed under the current key, or None when it is sealed
    under it already: for a value stored plain, or sealed under a fallback key."""
    text = unseal(stored)
    if isinstance(stored, str) and is_sealed(stored):
        try:
            _current().decrypt(stored.removeprefix(PREFIX).encode("ascii"))
            return None
        except InvalidToken:
            pass
    return seal(text)


# Where allauth.mfa keeps a secret in `Authenticator.data`, by the authenticator's type:
# the app's key; the codes' seed, and the codes themselves of an account moved from
# django-allauth-2fa (a list; Mutuality never had any, but allauth reads them the same way).
SEALED_FIELDS = {"totp": ("secret",), "recovery_codes": ("seed", "migrated_codes")}


def data_sealed_again(kind: str, data: dict[str, object]) -> dict[str, object] | None:
    """An authenticator's `data` with every secret sealed under the current key, or None when
    nothing needs it."""
    changed = False
    new = dict(data)
    for field in SEALED_FIELDS.get(kind, ()):
        value = data.get(field)
        if value is None:
            continue
        if isinstance(value, list):
            again = [sealed_again(item) for item in value]
            if any(item is not None for item in again):
                new[field] = [a if a is not None else b for a, b in zip(again, value, strict=True)]
                changed = True
        elif (one := sealed_again(value)) is not None:
            new[field] = one
            changed = True
    return new if changed else None


def data_unsealed(kind: str, data: dict[str, object]) -> dict[str, object] | None:
    """An authenticator's `data` with every secret as allauth stored it before sealing (the
    migration's way back), or None when nothing is sealed."""
    new = dict(data)
    changed = False
    for field in SEALED_FIELDS.get(kind, ()):
        value = data.get(field)
        if isinstance(value, list):
            if any(isinstance(item, str) and is_sealed(item) for item in value):
                new[field] = [unseal(item) for item in value]
                changed = True
        elif isinstance(value, str) and is_sealed(value):
            new[field] = unseal(value)
            changed = True
    return new if changed else None


def seal_every_secret(authenticators: Any) -> list[Any]:
    """Seal under the current key every secret of these `Authenticator` rows (the model, or
    the migration's historical one) that is stored plain or sealed under a fallback key; the
    rows it changed."""
    changed = []
    for row in authenticators.objects.filter(type__in=SEALED_FIELDS).order_by("pk"):
        new = data_sealed_again(row.type, row.data)
        if new is not None:
            row.data = new
            row.save(update_fields=["data"])
            changed.append(row)
    return changed


def unseal_every_secret(authenticators: Any) -> None:
    """Store every secret plain again, as allauth does unaided (the migration's way back)."""
    for row in authenticators.objects.filter(type__in=SEALED_FIELDS).order_by("pk"):
        new = data_unsealed(row.type, row.data)
        if new is not None:
            row.data = new
            row.save(update_fields=["data"])
