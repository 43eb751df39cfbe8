"""OWASP ASVS 5.0.0 V11 (cryptography): docs/security.md, "Cryptography", has a key-management
policy and an inventory that names every module using cryptography, the numbers it gives are
the code's, and the app's cryptography is the standard libraries', with SHA-256 its one hash."""

from __future__ import annotations

import ast
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.checks.security.base import W009, check_secret_key

from mutuality.web.accounts.forms import PASSKEY_ALGORITHMS
from mutuality.web.environment import MAKE_A_KEY

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"
APP = ROOT / "mutuality"
# The modules that hash, make MACs or keys, draw random values or check signatures, and
# allauth's insides that compute second-factor codes.
CRYPTOGRAPHIC = (
    "hashlib",
    "hmac",
    "secrets",
    "random",
    "uuid",
    "ssl",
    "cryptography",
    "fido2",
    "Crypto",
    "nacl",
    "jwt",
    "passlib",
    "bcrypt",
    "argon2",
    "django.utils.crypto",
    "django.core.signing",
    "django.contrib.auth.hashers",
    "django.contrib.auth.tokens",
    "allauth.mfa.totp.internal",
    "allauth.mfa.recovery_codes.internal",
    "allauth.mfa.webauthn.internal",
)
# The libraries the app may take its cryptography from: Python's own, Django, allauth, fido2,
# and `cryptography` (pyca's, for sealing second factors' secrets: Fernet and HKDF).
STANDARD = {"hashlib", "secrets", "random", "uuid", "fido2", "django", "allauth", "cryptography"}


def _plain(text: str) -> str:
    """The text with every run of spaces and line breaks as one space (lines wrap anywhere)."""
    return " ".join(text.split())


def _section(heading: str) -> str:
    """The text of the level-2 section of docs/security.md whose heading starts so."""
    text = DOC.read_text(encoding="utf-8")
    start = text.index(f"\n## {heading}")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def _subsection(section: str, heading: str) -> str:
    start = section.index(f"\n### {heading}")
    end = section.find("\n### ", start + 1)
    return section[start : end if end != -1 else len(section)]


def _imports(tree: ast.AST) -> set[str]:
    """Every module a file imports, by its full dotted name."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _cryptographic_uses() -> dict[str, set[str]]:
    """Each module of the app (its path from mutuality/) and the cryptographic modules it
    imports; migrations are left out (they only replay models)."""
    uses: dict[str, set[str]] = {}
    for path in sorted(APP.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        imported = _imports(ast.parse(path.read_text(encoding="utf-8")))
        found = {
            name
            for name in imported
            if any(name == c or name.startswith(c + ".") for c in CRYPTOGRAPHIC)
        }
        if found:
            uses[path.relative_to(APP).as_posix()] = found
    return uses


def _named(path: str, text: str) -> bool:
    """Whether the text names this module in backticks, from mutuality/, mutuality/web/ or
    the package below them."""
    short = path.removeprefix("web/")
    return re.search(rf"`(?:mutuality/)?(?:web/)?{re.escape(short)}`", text) is not None


@pytest.mark.asvs("11.1.1")
def test_the_key_policy_says_how_the_key_is_made_kept_used_and_replaced() -> None:
    """The policy names the one key, how it is made (the very command the app prints), that
    only the service holds it, what it may be used for, when and how it is replaced and what
    that does, and how the other secrets the service holds are protected."""
    # Act
    policy = _subsection(_section("Cryptography"), "Key management")

    # Assert
    for words in (
        "`MUTUALITY_SECRET_KEY`",
        f"`{MAKE_A_KEY}`",
        "fails a key shorter than 50 characters",
        "never in the repository, the database, a backup or a log line",
        "One party holds it, the service itself",
        "MACs (HMAC-SHA-256",
        "the one key that seals second factors' secrets",
        "The key itself never encrypts anything",
        "Replace it when",
        "at least every two years",
        "Everyone is signed out",
        "remove the old key and destroy every copy of it",
        "authenticator app's key and their recovery codes' seed, sealed in the database",
        "`manage.py seal_second_factors`",
        "A passkey's private key never leaves its device",
    ):
        assert words in _plain(policy), words


@pytest.mark.asvs("11.1.2")
def test_the_inventory_names_every_module_that_uses_cryptography() -> None:
    """Each module of the app that imports a hashing, random, MAC or signature library (or
    allauth's code for second-factor codes) is named in the inventory, so a new use cannot go
    unrecorded."""
    # Arrange
    inventory = _subsection(_section("Cryptography"), "Inventory")

    # Act
    uses = _cryptographic_uses()

    # Assert
    assert len(uses) >= 10  # the scan finds the uses there are (a broken scan finds none)
    missing = sorted(path for path in uses if not _named(path, inventory))
    assert missing == []


@pytest.mark.asvs("11.1.2")
def test_the_inventorys_numbers_are_the_codes() -> None:
    """The password hasher's rounds, the passkey algorithms and each key's use are what the
    installed libraries and the code say, so an upgrade that changes them shows here."""
    # Act
    inventory = _subsection(_section("Cryptography"), "Inventory")

    # Assert
    assert f"PBKDF2-HMAC-SHA-256, {PBKDF2PasswordHasher.iterations:,} rounds" in inventory
    assert "`PASSKEY_ALGORITHMS`" in inventory
    assert "ECDSA on P-256, P-384 or P-521, or EdDSA" in _plain(inventory)
    assert -7 in PASSKEY_ALGORITHMS  # ES256, which every passkey device can make
    assert not PASSKEY_ALGORITHMS & {-257, -37, -47, -65535}  # RS256, PS256, ES256K, RS1
    for what in (
        "Passwords",
        "Signed links",
        "Invitation links",
        "Audit chain",
        "Passkeys",
        "Sealed second-factor secrets",
    ):
        assert f"\n| {what}" in inventory, what


@pytest.mark.asvs("11.2.1")
@pytest.mark.asvs("11.4.1")
@pytest.mark.asvs("11.4.3")
def test_the_apps_cryptography_is_the_standard_libraries_with_sha256_its_one_hash() -> None:
    """The app implements no cryptography: what it imports comes from Python, Django, allauth
    or fido2; the one hash function it names is SHA-256; and the non-cryptographic `random`
    is used only by the synthetic-service generator."""
    # Arrange
    uses = _cryptographic_uses()

    # Act
    libraries = {name.split(".")[0] for names in uses.values() for name in names}
    hashes = {
        node.attr
        for path in uses
        for node in ast.walk(ast.parse((APP / path).read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "hashlib"
    }
    with_random = sorted(path for path, names in uses.items() if "random" in names)

    # Assert
    assert libraries <= STANDARD
    assert hashes == {"sha256"}
    assert with_random == ["web/relationships/generate.py"]


@pytest.mark.asvs("11.3.1")
@pytest.mark.asvs("11.3.2")
@pytest.mark.asvs("11.3.3")
def test_what_is_sealed_is_aes_in_cbc_with_a_random_iv_and_an_hmac_over_it(settings: Any) -> None:
    """A sealed secret is a Fernet token: version 0x80, a 128-bit random IV, AES-128-CBC with
    PKCS#7 padding (whole 16-byte blocks), and a 256-bit HMAC-SHA-256 tag over all of it,
    under a key the sealing derives from SECRET_KEY: an approved cipher and mode, no ECB, and
    authenticated (encrypt-then-MAC)."""
    # Arrange
    import base64

    from mutuality.web.accounts.secrets_at_rest import PREFIX, seal, unseal

    settings.SECRET_KEY = "k" * 50
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

    # Act
    sealed = seal(secret)
    token = base64.urlsafe_b64decode(sealed.removeprefix(PREFIX))
    version, iv, ciphertext, tag = token[0], token[9:25], token[25:-32], token[-32:]

    # Assert
    assert sealed.startswith(PREFIX) and secret not in sealed
    assert version == 0x80
    assert len(iv) == 16 and len(tag) == 32
    assert len(ciphertext) % 16 == 0 and len(ciphertext) > len(secret)
    assert unseal(sealed) == secret


@pytest.mark.asvs("11.4.1")
def test_the_one_older_hash_is_a_written_exception_with_its_reason_and_its_end() -> None:
    """HMAC-SHA-1 in second-factor codes is written down as an exception: why it is kept, why
    it is safe where it is used, the alternative without it and when it ends; and no module of
    the app names SHA-1 or MD5 itself."""
    # Arrange
    exception = _plain(_subsection(_section("Cryptography"), "One hash kept"))
    sources = [path.read_text(encoding="utf-8") for path in APP.rglob("*.py")]

    # Act
    named = [
        weak
        for weak in ("hashlib.md5", "hashlib.sha1", '"md5"', '"sha1"', "'md5'", "'sha1'")
        if any(weak in source for source in sources)
    ]

    # Assert
    for words in (
        "HMAC-SHA-1",
        "authenticator apps people already have compute",
        "keyed with a random secret of 160 bits or more",
        "SP 800-131A",
        "passkey",
        "this exception ends",
    ):
        assert words in exception, words
    assert named == []


@pytest.mark.asvs("11.2.3")
def test_a_key_too_short_for_its_strength_fails_the_deployment_check(settings: Any) -> None:
    """The deployment check every production install runs (`make check-deploy`, at WARNING)
    refuses a key shorter than 50 characters, and passes one made as the app says."""
    # Arrange
    short = "abcdefghij" * 4

    # Act
    settings.SECRET_KEY = short
    refused = check_secret_key(None)
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    passed = check_secret_key(None)

    # Assert
    assert refused == [W009]
    assert passed == []
