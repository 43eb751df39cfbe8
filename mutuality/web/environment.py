"""Reading the settings' environment variables strictly, so that a typo fails loudly.

Every variable the web app reads is listed, with what it does, in `dotenv-sample` at the
project root. A value that cannot be used raises `ConfigurationError`, whose message names
the variable and says what was expected; `manage.py`, `wsgi.py` and the `mutuality` command
print that message as one line instead of a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

MAKE_A_KEY = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"


class ConfigurationError(ImproperlyConfigured):
    """An environment variable is missing or holds a value the app cannot use."""


def _value(name: str, environ: Mapping[str, str] | None) -> str | None:
    return (os.environ if environ is None else environ).get(name)


def env_bool(name: str, default: bool, environ: Mapping[str, str] | None = None) -> bool:
    """Strict booleans: only "True" or "1" and "False" or "0" are accepted."""
    value = _value(name, environ)
    if value is None:
        return default
    if value not in ("True", "1", "False", "0"):
        raise ConfigurationError(f"{name} must be True or False (or 1 or 0); got {value!r}")
    return value in ("True", "1")


def env_list(name: str, default: str, environ: Mapping[str, str] | None = None) -> list[str]:
    """A comma-separated list; blanks around and between the commas are dropped."""
    value = _value(name, environ)
    return [
        item.strip() for item in (default if value is None else value).split(",") if item.strip()
    ]


def env_proxy_count(name: str, environ: Mapping[str, str] | None = None) -> int:
    """How many proxies stand in front of the app: False or 0 for none, True for one, or a
    whole number."""
    value = _value(name, environ)
    if value is None or value in ("False", "0", ""):
        return 0
    if value == "True":
        return 1
    if value.isdigit() and 0 < int(value) <= 10:
        return int(value)
    raise ConfigurationError(
        f"{name} must be True, False or the number of proxies in front of Mutuality "
        f"(1 to 10); got {value!r}"
    )


def env_count(
    name: str, default: int, environ: Mapping[str, str] | None = None, *, most: int = 1_000_000
) -> int:
    """A whole number from 1 to `most`; unset, the default."""
    value = _value(name, environ)
    if value is None or value == "":
        return default
    if value.isdigit() and 0 < int(value) <= most:
        return int(value)
    raise ConfigurationError(f"{name} must be a whole number from 1 to {most:,}; got {value!r}")


def env_origins(name: str, *, demo: bool, environ: Mapping[str, str] | None = None) -> list[str]:
    """Comma-separated origins (scheme and host, no path), each https:// (http:// too in the
    demo, which serves plain http on this machine)."""
    schemes = ("https", "http") if demo else ("https",)
    origins = env_list(name, "", environ)
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in schemes or not parts.netloc or parts.path not in ("", "/"):
            expected = " or ".join(f"{scheme}://" for scheme in schemes)
            raise ConfigurationError(
                f"{name} must list origins such as https://mutuality.example.org, each "
                f"starting with {expected} and with no path; got {origin!r}"
            )
    return [origin.rstrip("/") for origin in origins]


class EmailServer(NamedTuple):
    """Where to send email: an SMTP server, and how to talk to it."""

    host: str
    port: int
    user: str
    password: str
    use_tls: bool  # STARTTLS after connecting (smtp://)
    use_ssl: bool  # TLS from the start (smtps://)


def env_email(name: str, environ: Mapping[str, str] | None = None) -> EmailServer | None:
    """An SMTP server as smtp://user:password@host:port (STARTTLS) or smtps://… (TLS from the
    start); user and password may be left out, and characters such as @ in them written as
    %40. None when the variable is unset."""
    value = _value(name, environ)
    if value is None or value == "":
        return None
    expected = (
        f"{name} must be smtp://user:password@host:port or smtps://user:password@host:port "
        "(user and password may be left out; write @ in them as %40)"
    )
    parts = urlsplit(value)
    try:
        port = parts.port
    except ValueError:
        port = None
        parts = parts._replace(scheme="")  # a port that is not a number
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname or parts.path not in ("", "/"):
        raise ConfigurationError(f"{expected}; got {_hide_password(value)!r}")
    secure = parts.scheme == "smtps"
    return EmailServer(
        host=parts.hostname,
        port=port or (465 if secure else 587),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=not secure,
        use_ssl=secure,
    )


DEFAULT_PASSWORDS = frozenset(
    {"password", "passw0rd", "changeme", "admin", "root", "postgres", "redis", "guest"}
    | {"default", "mutuality", "123456", "12345678"}
)
"""Passwords that installers, images and examples come with (dotenv-sample's own placeholder
among them): anyone trying a service guesses these first."""


def refuse_default_password(name: str, environ: Mapping[str, str] | None = None) -> None:
    """Stop when the URL in `name` signs in with a well-known default password, or with its
    user name as its password (ASVS v5 13.2.3). Unset, or without a password, passes."""
    value = _value(name, environ)
    if not value:
        return
    parts = urlsplit(value)
    password = unquote(parts.password or "")
    if not password:
        return
    user = unquote(parts.username or "")
    if password.lower() in DEFAULT_PASSWORDS or password.lower() == user.lower():
        raise ConfigurationError(
            f"{name} signs in with a default password (or one that repeats the user name): "
            f"give Mutuality's account a password of its own (make one with {MAKE_A_KEY})"
        )


def _hide_password(url: str) -> str:
    """The URL with any password replaced by ***, for an error message."""
    scheme, _, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


def secret_key(*, demo: bool, dev_key: str, environ: Mapping[str, str] | None = None) -> str:
    """The key that signs sessions and tokens: MUTUALITY_SECRET_KEY, or the first line of the
    file MUTUALITY_SECRET_KEY_FILE names; the fixed development key only in the demo."""
    key = _value("MUTUALITY_SECRET_KEY", environ)
    key_file = _value("MUTUALITY_SECRET_KEY_FILE", environ)
    if key and key_file:
        raise ConfigurationError("Set MUTUALITY_SECRET_KEY or MUTUALITY_SECRET_KEY_FILE, not both.")
    if key_file:
        try:
            lines = Path(key_file).read_text(encoding="utf-8").splitlines()
        except OSError as error:
            raise ConfigurationError(
                f"MUTUALITY_SECRET_KEY_FILE names {key_file!r}, which cannot be read "
                f"({error.strerror})."
            ) from None
        key = lines[0].strip() if lines else ""
        if not key:
            raise ConfigurationError(
                f"MUTUALITY_SECRET_KEY_FILE names {key_file!r}, which is empty."
            )
    if key:
        if not demo and key == dev_key:
            raise ConfigurationError(
                "MUTUALITY_SECRET_KEY is the development key, which is public: make a key of "
                f"your own with {MAKE_A_KEY}"
            )
        return key
    if demo:
        return dev_key
    raise ConfigurationError(
        "MUTUALITY_SECRET_KEY is not set. Outside the demo (MUTUALITY_DEMO=1) Mutuality needs "
        f"a secret key of its own: make one with {MAKE_A_KEY} and set it in "
        "MUTUALITY_SECRET_KEY (or put it in a file named by MUTUALITY_SECRET_KEY_FILE)."
    )
