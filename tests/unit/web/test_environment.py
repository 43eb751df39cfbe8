"""Environment variables are read strictly: a wrong value names its variable and what it wants."""

from __future__ import annotations

from pathlib import Path

import pytest

from mutuality.web.environment import (
    ConfigurationError,
    EmailServer,
    env_bool,
    env_count,
    env_email,
    env_list,
    env_origins,
    env_proxy_count,
    secret_key,
)

DEV_KEY = "dev-key-for-these-tests"


@pytest.mark.parametrize(
    ("value", "expected"), [("True", True), ("1", True), ("False", False), ("0", False)]
)
def test_a_boolean_is_true_or_false_or_one_or_zero(value: str, expected: bool) -> None:
    """True, 1, False and 0 are the only booleans, so MUTUALITY_DEMO=1 turns the demo on."""
    result = env_bool("MUTUALITY_DEMO", False, {"MUTUALITY_DEMO": value})

    assert result is expected


@pytest.mark.parametrize("value", ["yes", "true", "", "2"])
def test_any_other_boolean_is_refused_naming_the_variable(value: str) -> None:
    """A typo such as "true" fails loudly rather than meaning False."""
    with pytest.raises(ConfigurationError, match="MUTUALITY_DEBUG must be True or False"):
        env_bool("MUTUALITY_DEBUG", False, {"MUTUALITY_DEBUG": value})


def test_a_missing_boolean_takes_its_default() -> None:
    """An unset variable means its default."""
    assert env_bool("MUTUALITY_DEMO", True, {}) is True


def test_a_list_drops_blanks_around_commas() -> None:
    """Spaces and empty items between commas are ignored."""
    result = env_list("MUTUALITY_ALLOWED_HOSTS", "", {"MUTUALITY_ALLOWED_HOSTS": " a.org, ,b.org,"})

    assert result == ["a.org", "b.org"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, 0), ("False", 0), ("0", 0), ("True", 1), ("1", 1), ("2", 2)],
)
def test_the_trusted_proxy_is_true_false_or_a_count(value: str | None, expected: int) -> None:
    """True means one proxy in front; a whole number says how many."""
    environ = {} if value is None else {"MUTUALITY_TRUSTED_PROXY": value}

    assert env_proxy_count("MUTUALITY_TRUSTED_PROXY", environ) == expected


@pytest.mark.parametrize("value", ["yes", "-1", "1.5", "11"])
def test_a_wrong_proxy_count_is_refused_naming_the_variable(value: str) -> None:
    """Anything but True, False or a small whole number is refused."""
    with pytest.raises(ConfigurationError, match="MUTUALITY_TRUSTED_PROXY must be"):
        env_proxy_count("MUTUALITY_TRUSTED_PROXY", {"MUTUALITY_TRUSTED_PROXY": value})


@pytest.mark.parametrize(("value", "expected"), [(None, 30), ("", 30), ("1", 1), ("500", 500)])
def test_a_count_is_a_whole_number_or_its_default(value: str | None, expected: int) -> None:
    """A limit such as MUTUALITY_RATE_LIMIT_DOWNLOADS is a whole number; unset, the default."""
    environ = {} if value is None else {"MUTUALITY_RATE_LIMIT_DOWNLOADS": value}

    assert env_count("MUTUALITY_RATE_LIMIT_DOWNLOADS", 30, environ) == expected


@pytest.mark.parametrize("value", ["0", "-5", "2.5", "many", "1000001"])
def test_a_wrong_count_is_refused_naming_the_variable(value: str) -> None:
    """Nought, a fraction, a word or an absurdly large number is refused, saying what is wanted."""
    with pytest.raises(
        ConfigurationError, match="MUTUALITY_RATE_LIMIT_WRITES must be a whole number from 1 to"
    ):
        env_count("MUTUALITY_RATE_LIMIT_WRITES", 120, {"MUTUALITY_RATE_LIMIT_WRITES": value})


def test_trusted_origins_are_https_origins() -> None:
    """Origins are split on commas, with any trailing slash dropped."""
    environ = {"ORIGINS": "https://a.example.org, https://b.example.org:8443/"}

    result = env_origins("ORIGINS", demo=False, environ=environ)

    assert result == ["https://a.example.org", "https://b.example.org:8443"]


@pytest.mark.parametrize(
    "origin", ["http://a.example.org", "a.example.org", "https://", "https://a.org/path"]
)
def test_a_trusted_origin_that_is_not_https_is_refused(origin: str) -> None:
    """Outside the demo an origin must be https://host, with no path."""
    with pytest.raises(ConfigurationError, match=r"ORIGINS must list origins .* https://"):
        env_origins("ORIGINS", demo=False, environ={"ORIGINS": origin})


def test_the_demo_also_trusts_http_origins() -> None:
    """The demo serves plain http, so an http:// origin is allowed there."""
    result = env_origins("ORIGINS", demo=True, environ={"ORIGINS": "http://127.0.0.1:8000"})

    assert result == ["http://127.0.0.1:8000"]


def test_outside_the_demo_a_missing_key_is_refused_saying_how_to_make_one() -> None:
    """Without MUTUALITY_SECRET_KEY the app does not start, and says what to do."""
    with pytest.raises(ConfigurationError) as refused:
        secret_key(demo=False, dev_key=DEV_KEY, environ={})

    assert "MUTUALITY_SECRET_KEY is not set" in str(refused.value)
    assert "secrets.token_urlsafe" in str(refused.value)


def test_the_demo_uses_the_development_key() -> None:
    """In the demo an unset key means the public development key."""
    assert secret_key(demo=True, dev_key=DEV_KEY, environ={}) == DEV_KEY


@pytest.mark.asvs("13.3.1")
def test_outside_the_demo_the_development_key_is_refused() -> None:
    """The development key is public, so it is refused outside the demo even when set."""
    with pytest.raises(ConfigurationError, match="development key"):
        secret_key(demo=False, dev_key=DEV_KEY, environ={"MUTUALITY_SECRET_KEY": DEV_KEY})


@pytest.mark.asvs("13.3.1")
def test_the_key_can_come_from_a_file(tmp_path: Path) -> None:
    """MUTUALITY_SECRET_KEY_FILE names a file whose first line is the key."""
    key_file = tmp_path / "key"
    key_file.write_text("a-key-from-a-file\n", encoding="utf-8")

    key = secret_key(
        demo=False, dev_key=DEV_KEY, environ={"MUTUALITY_SECRET_KEY_FILE": str(key_file)}
    )

    assert key == "a-key-from-a-file"


@pytest.mark.parametrize("content", [None, ""])
def test_a_key_file_that_is_missing_or_empty_is_refused(
    tmp_path: Path, content: str | None
) -> None:
    """A key file that cannot be read, or holds nothing, is named in the refusal."""
    key_file = tmp_path / "key"
    if content is not None:
        key_file.write_text(content, encoding="utf-8")

    with pytest.raises(ConfigurationError, match="MUTUALITY_SECRET_KEY_FILE names"):
        secret_key(
            demo=False, dev_key=DEV_KEY, environ={"MUTUALITY_SECRET_KEY_FILE": str(key_file)}
        )


def test_an_email_url_names_the_smtp_server_with_starttls() -> None:
    """smtp://user:password@host:port gives that server, STARTTLS, and %-escapes undone."""
    server = env_email("E", {"E": "smtp://mutuality:p%40ss@smtp.example.org:2525"})

    assert server == EmailServer("smtp.example.org", 2525, "mutuality", "p@ss", True, False)


def test_smtps_is_tls_from_the_start_on_port_465_by_default() -> None:
    """smtps:// without a port or credentials uses port 465 and TLS from the start."""
    assert env_email("E", {"E": "smtps://smtp.example.org"}) == EmailServer(
        "smtp.example.org", 465, "", "", False, True
    )


def test_an_unset_email_url_is_none() -> None:
    """Without the variable there is no server to configure (Django's default applies)."""
    assert env_email("E", {}) is None


@pytest.mark.asvs("13.3.2")
@pytest.mark.parametrize(
    "value",
    [
        "smpt://user:secret@host:587",
        "smtp://user:secret@host:port",
        "smtp://user:secret@:587",
        "smtp://user:secret@host:587/path",
        "host:587",
    ],
)
def test_a_malformed_email_url_is_refused_naming_the_variable_without_the_password(
    value: str,
) -> None:
    """A wrong scheme, port, host or a path: one message naming the variable and the form
    it wants, which never repeats the password."""
    with pytest.raises(ConfigurationError) as refused:
        env_email("MUTUALITY_EMAIL_URL", {"MUTUALITY_EMAIL_URL": value})

    message = str(refused.value)
    assert message.startswith("MUTUALITY_EMAIL_URL must be smtp://user:password@host:port")
    assert "secret" not in message
    assert "\n" not in message
