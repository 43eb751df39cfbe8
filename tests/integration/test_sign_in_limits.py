"""Guessing passwords is slowed down: after 10 wrong passwords for one username from one
address, that pair is paused for 15 minutes, with a page that says so in plain words. The
counts live in the cache every server process shares (ADR 0010); wrong second-factor codes
count too (test_second_factors.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from axes.helpers import make_cache_key_list
from django.core.cache import cache, caches
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time

from mutuality.web.accounts.models import Role
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

# Every test here shows the brute-force controls docs/security.md describes (ASVS v5 6.3.1),
# on co-producers' logins, which a password alone signs in: the lockout is one of the controls
# that make up for it (6.3.3; ADR 0010, notes).
pytestmark = [pytest.mark.asvs("6.3.1"), pytest.mark.asvs("6.3.3")]


@pytest.fixture
def people(db: None) -> None:
    home = OrganisationFactory(slug="home")
    for name in ("co", "pro"):
        UserFactory(username=name, organisation=home, role=Role.CO_PRODUCER)


def _sign_in(client: Client, username: str, password: str, address: str = "10.0.0.1") -> int:
    response = client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    return response.status_code


def test_ten_wrong_passwords_pause_that_username_from_that_address(people: None) -> None:
    client = Client()
    wrong = [_sign_in(client, "co", "not it") for _ in range(10)]

    right = client.post(
        "/accounts/login/", {"username": "co", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )

    assert wrong[:9] == [200] * 9  # the form again, with its error
    assert right.status_code == 429
    assert "Too many tries to sign in" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_pause_touches_no_one_else(people: None) -> None:
    client = Client()
    for _ in range(10):
        _sign_in(client, "co", "not it")

    assert _sign_in(Client(), "pro", PASSWORD) == 302  # another person, same address
    assert _sign_in(Client(), "co", PASSWORD, address="10.0.0.2") == 302  # them, elsewhere


def test_a_right_password_before_the_limit_starts_the_count_again(people: None) -> None:
    client = Client()
    for _ in range(9):
        _sign_in(client, "co", "not it")
    assert _sign_in(Client(), "co", PASSWORD) == 302

    later = [_sign_in(Client(), "co", "not it") for _ in range(9)]

    assert later == [200] * 9
    assert _sign_in(Client(), "co", PASSWORD) == 302


def test_the_pause_ends_after_fifteen_minutes(people: None) -> None:
    for _ in range(10):
        _sign_in(Client(), "co", "not it")
    assert _sign_in(Client(), "co", PASSWORD) == 429

    with freeze_time(timezone.now() + timedelta(minutes=16)):  # the cache's clock moves on
        assert _sign_in(Client(), "co", PASSWORD) == 302


@pytest.mark.asvs("15.3.4")
def test_behind_a_trusted_proxy_the_pause_is_for_the_clients_own_address(
    people: None, settings: Any
) -> None:
    """Behind a proxy (MUTUALITY_TRUSTED_PROXY) the pair is keyed on the address the proxy
    reports, not the proxy's own, so one client's guesses do not pause everyone behind it."""
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.9"}
    for _ in range(10):
        Client().post(
            "/accounts/login/",
            {"username": "co", "password": "not it"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
            **proxy,
        )

    guesser = Client().post(
        "/accounts/login/",
        {"username": "co", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="203.0.113.7",
        **proxy,
    )
    someone_else = Client().post(
        "/accounts/login/",
        {"username": "co", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="198.51.100.4",
        **proxy,
    )

    assert guesser.status_code == 429
    assert someone_else.status_code == 302
    assert cache.get(_key("co", "203.0.113.7")) >= 10
    assert cache.get(_key("co", "10.0.0.9")) is None


def _key(username: str, address: str) -> str:
    """django-axes' cache key for one [username, address] pair."""
    return str(make_cache_key_list([{"username": username, "ip_address": address}])[0])


def _cache_keys() -> list[str]:
    """The keys in the shared cache (the database cache's table)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM mutuality_cache")
        return [row[0] for row in cursor.fetchall()]


def test_the_counts_are_in_the_shared_cache(people: None) -> None:
    """A wrong password is counted in the cache every server process shares (the database
    cache by default), not in a process's own memory."""
    _sign_in(Client(), "co", "not it")

    assert type(caches["default"]).__name__ == "DatabaseCache"
    assert len(_cache_keys()) >= 1
