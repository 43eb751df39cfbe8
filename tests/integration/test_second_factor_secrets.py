"""Second factors' secrets at rest (ASVS v5 6.5.2; mutuality/web/accounts/secrets_at_rest.py):
an authenticator app's key and the recovery codes' seed are stored sealed with a key derived
from SECRET_KEY, so the database alone gives no code; codes still sign people in; a key kept
in SECRET_KEY_FALLBACKS still opens what it sealed; a changed value is refused, never a 500;
and the migration and `manage.py seal_second_factors` seal what was stored before.

The database rows are read raw (`.values()`), as someone holding a copy of the database
would read them; people sign in through the sign-in and code pages."""

from __future__ import annotations

import importlib
import json
import logging
from io import StringIO
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import decrypt, encrypt
from django.apps import apps
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from mutuality.web.accounts.models import User
from mutuality.web.accounts.secrets_at_rest import PREFIX
from mutuality.web.audit.models import AuditEvent
from tests.factories import (
    PASSWORD,
    TOTP_SECRET,
    OrganisationFactory,
    UserFactory,
    confirm_it_is_you,
    held_totp_clock,
    totp_code,
)

LOGIN = "/accounts/login/"
CODE = "/accounts/2fa/authenticate/"
# A SECRET_KEY used before the tests' own, for sealing "before a rotation".
OLD_KEY = "an-older-key-of-these-tests-only-0123456789-abcdefghijklmnopqrstuvwxyz"
SEED = "0123456789abcdef" * 5  # a recovery-code seed as allauth makes one: 80 hex digits
MIGRATION = importlib.import_module(
    "mutuality.web.accounts.migrations.0010_seal_second_factor_secrets"
)


@pytest.fixture(autouse=True)
def _fresh(db: None, settings: Any) -> None:
    """No code taken and no lockout count left from another test; sign-in lands on "/"."""
    cache.clear()
    settings.LOGIN_REDIRECT_URL = "/"


@pytest.fixture
def pat(db: None) -> User:
    """A professional with the factories' authenticator app (its key TOTP_SECRET)."""
    user: User = UserFactory(username="pat", organisation=OrganisationFactory(slug="home"))
    return user


def _raw(user: User) -> str:
    """Every second factor's row of this person as the database holds it."""
    rows = Authenticator.objects.filter(user=user).order_by("type").values("type", "data")
    return json.dumps(list(rows))


def _store(user: User, kind: str, data: dict[str, Any]) -> None:
    """Put this value in the person's row of this kind, as the database would hold it."""
    Authenticator.objects.update_or_create(user=user, type=kind, defaults={"data": data})


def _sign_in(code: str, username: str = "pat") -> tuple[Client, Any]:
    """The password, then this code, on the pages people use; the client and the code page's
    answer."""
    client = Client()
    client.post(LOGIN, {"username": username, "password": PASSWORD})
    return client, client.post(CODE, {"code": code})


@pytest.mark.asvs("6.5.2")
def test_a_new_apps_key_and_recovery_seed_are_stored_sealed(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    """Setting up an app on its page stores its key and the recovery codes' seed sealed: the
    raw rows hold neither, nor any recovery code, only values marked as sealed."""
    # Arrange
    UserFactory(username="new", organisation=OrganisationFactory(), second_factor=False)
    client = Client()
    client.force_login(User.objects.get(username="new"))
    confirm_it_is_you(client, code=False)
    client.get("/accounts/2fa/totp/activate/")
    key = client.session["mfa.totp.secret"]

    # Act
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret=key)})

    # Assert
    new = User.objects.get(username="new")
    raw = _raw(new)
    rows = {row["type"]: row["data"] for row in Authenticator.objects.filter(user=new).values()}
    seed = decrypt(rows["recovery_codes"]["seed"])
    codes = RecoveryCodes(Authenticator.objects.get(user=new, type="recovery_codes"))
    assert set(rows) == {"totp", "recovery_codes"}
    assert rows["totp"]["secret"].startswith(PREFIX)
    assert rows["recovery_codes"]["seed"].startswith(PREFIX)
    assert key not in raw
    assert len(seed) == 80 and seed not in raw  # 320 bits
    assert [code for code in codes.generate_codes() if code in raw] == []


@pytest.mark.asvs("6.5.2")
@pytest.mark.parametrize("how", ["app", "recovery code"])
def test_staff_still_sign_in_with_a_code_from_their_sealed_secrets(pat: User, how: str) -> None:
    """With the key and the seed stored sealed, the app's code and a recovery code each sign
    the person in, as before."""
    # Arrange
    codes = RecoveryCodes.activate(pat).generate_codes()
    code = totp_code() if how == "app" else codes[3]

    # Act
    client, response = _sign_in(code)

    # Assert
    assert PREFIX in _raw(pat) and TOTP_SECRET not in _raw(pat)
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(pat.pk)


@pytest.mark.asvs("6.5.2")
def test_a_key_sealed_under_the_previous_secret_key_opens_from_the_fallbacks(
    pat: User, settings: Any
) -> None:
    """After SECRET_KEY changes the Django way (the old key kept in SECRET_KEY_FALLBACKS), an
    app set up under the old key still signs its person in; without the old key, it does
    not (so the key is what opens it, not the database)."""
    # Arrange
    with override_settings(SECRET_KEY=OLD_KEY):
        _store(pat, "totp", {"secret": encrypt(TOTP_SECRET)})
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]

    # Act
    with_fallback, _ = _sign_in(totp_code(0))
    settings.SECRET_KEY_FALLBACKS = []
    held_totp_clock().next_step()  # a fresh code, so only the key can refuse it
    without, refused = _sign_in(totp_code())

    # Assert
    assert with_fallback.session[SESSION_KEY] == str(pat.pk)
    assert refused.status_code == 200
    assert SESSION_KEY not in without.session


def _changed(sealed: str) -> str:
    """The sealed value with one character in the middle of its ciphertext changed."""
    middle = len(sealed) // 2
    return sealed[:middle] + ("A" if sealed[middle] != "A" else "B") + sealed[middle + 1 :]


@pytest.mark.asvs("6.5.2")
@pytest.mark.parametrize("damage", ["changed in the database", "its key dropped"])
def test_a_secret_no_key_opens_signs_no_one_in_and_is_logged(
    pat: User, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A sealed key changed in the database, or sealed under a key no longer configured,
    takes no code, even the right one: the code page says the code is not right (no 500),
    no one is signed in, and the log says why."""
    # Arrange
    if damage == "its key dropped":
        with override_settings(SECRET_KEY=OLD_KEY):
            stored = encrypt(TOTP_SECRET)
    else:
        stored = _changed(encrypt(TOTP_SECRET))
    _store(pat, "totp", {"secret": stored})
    caplog.set_level(logging.ERROR, logger="mutuality.security")

    # Act
    client, response = _sign_in(totp_code())

    # Assert
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert SESSION_KEY not in client.session
    assert "second_factor_unreadable" in [getattr(r, "event", None) for r in caplog.records]


@pytest.mark.asvs("6.5.2")
def test_the_migration_seals_secrets_stored_before_it_and_can_go_back(pat: User) -> None:
    """Rows stored plain before sealing began (an app's key, a seed) are sealed by migration
    0010, after which both still sign in; going back stores them plain again, and sealing
    twice seals once."""
    # Arrange
    _store(pat, "totp", {"secret": TOTP_SECRET})
    _store(pat, "recovery_codes", {"seed": SEED, "used_mask": 0})
    code = RecoveryCodes(Authenticator.objects.get(user=pat, type="recovery_codes"))
    recovery = code.generate_codes()[0]

    # Act
    MIGRATION.seal(apps, None)
    sealed = _raw(pat)
    MIGRATION.seal(apps, None)
    sealed_twice = _raw(pat)
    by_app, _ = _sign_in(totp_code())
    by_recovery, _ = _sign_in(recovery)
    MIGRATION.unseal(apps, None)
    back = {row["type"]: row["data"] for row in Authenticator.objects.filter(user=pat).values()}

    # Assert
    assert TOTP_SECRET not in sealed and SEED not in sealed
    assert sealed.count(PREFIX) == 2
    assert sealed_twice == sealed
    assert by_app.session[SESSION_KEY] == str(pat.pk)
    assert by_recovery.session[SESSION_KEY] == str(pat.pk)
    assert back["totp"] == {"secret": TOTP_SECRET}
    assert back["recovery_codes"]["seed"] == SEED


def test_seal_second_factors_moves_every_secret_to_the_new_key(pat: User, settings: Any) -> None:
    """With the old key among the fallbacks, the command seals every secret again under the
    current key, audited as an operator's update; the old key can then go, and running it
    again changes nothing."""
    # Arrange
    with override_settings(SECRET_KEY=OLD_KEY):
        _store(pat, "totp", {"secret": encrypt(TOTP_SECRET)})
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    first, second = StringIO(), StringIO()

    # Act
    call_command("seal_second_factors", stdout=first)
    call_command("seal_second_factors", stdout=second)
    settings.SECRET_KEY_FALLBACKS = []
    client, _ = _sign_in(totp_code())

    # Assert
    assert first.getvalue().strip() == "Sealed 1 second factor again."
    assert second.getvalue().strip() == "Sealed 0 second factors again."
    assert client.session[SESSION_KEY] == str(pat.pk)
    events = AuditEvent.objects.filter(action="update", detail__field="second_factor")
    assert list(events.values_list("user", "detail__how", "detail__kind")) == [
        (None, "sealed again by an operator", "authenticator app")
    ]


def test_seal_second_factors_refuses_when_a_secret_opens_with_no_key(pat: User) -> None:
    """A secret sealed under a key that is not configured stops the command with a plain
    message naming the setting, and nothing is changed: not even the secret before it, stored
    plain, which it would otherwise have sealed."""
    # Arrange
    _store(pat, "totp", {"secret": TOTP_SECRET})
    lee = UserFactory(username="lee", organisation=pat.organisation)
    with override_settings(SECRET_KEY=OLD_KEY):
        _store(lee, "totp", {"secret": encrypt(TOTP_SECRET)})
    before = _raw(pat)

    # Act
    with pytest.raises(CommandError) as refused:
        call_command("seal_second_factors", stdout=StringIO())

    # Assert
    assert "MUTUALITY_SECRET_KEY_FALLBACKS" in str(refused.value)
    assert _raw(pat) == before
    assert not AuditEvent.objects.filter(detail__field="second_factor").exists()
