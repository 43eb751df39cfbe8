"""OWASP ASVS 5.0.0, chapter V13 (configuration): what Mutuality connects to, as whom, and
where its secrets come from. Each test names the requirements it shows (SECURITY.md, "V13
Configuration"); docs/security.md, "Connections", is the documentation they check."""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path
from unittest import mock

import pytest

from mutuality.web import backup
from mutuality.web.environment import ConfigurationError, refuse_default_password
from tests.unit.web import conftest as web
from tests.unit.web.conftest import Manage

# The production settings in a subprocess, as tests/unit/web/ runs them (its fixtures).
production_env = web.production_env
manage = web.manage

ROOT = Path(__file__).resolve().parents[2]
SECURITY_DOC = ROOT / "docs" / "security.md"
# Modules that open network connections (or name the errors of one, as the outbox does).
NETWORK_MODULES = {
    "aiohttp",
    "ftplib",
    "http.client",
    "httpx",
    "imaplib",
    "paramiko",
    "poplib",
    "psycopg",
    "psycopg2",
    "redis",
    "requests",
    "smtplib",
    "socket",
    "telnetlib",
    "urllib.request",
    "urllib3",
    "websocket",
    "websockets",
    "xmlrpc.client",
}
# Each use, and the row of docs/security.md's "Connections" it belongs to.
DOCUMENTED_USES = {
    ("mutuality/web/outbox/sending.py", "smtplib"): "the mail server",
    ("mutuality/web/outbox/sending.py", "socket"): "the mail server",  # its errors
    ("mutuality/web/reports/pdf.py", "urllib.request"): "StaticFilesOnly",  # url2pathname
}
SHOW_DATABASE = """
import json
from django.conf import settings as s
d = s.DATABASES["default"]
print(json.dumps({"SECRET_KEY": s.SECRET_KEY, "PASSWORD": d.get("PASSWORD"),
    "HOST": d.get("HOST"), "USER": d.get("USER"), "OPTIONS": d.get("OPTIONS"),
    "EMAIL_HOST_PASSWORD": s.EMAIL_HOST_PASSWORD}))
"""


def _section(title: str) -> str:
    """The text of docs/security.md's section whose heading starts with `title`, its lines
    joined (so a phrase is found wherever the paragraph wraps)."""
    text = SECURITY_DOC.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}")
    end = text.find("\n## ", start + 1)
    return " ".join(text[start : end if end > 0 else None].split())


def _network_imports() -> set[tuple[str, str]]:
    """Every (file, module) where code under mutuality/ imports a network module."""
    found = set()
    for path in (ROOT / "mutuality").rglob("*.py"):
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            else:
                continue
            found |= {
                (where, name)
                for name in names
                if name in NETWORK_MODULES or name.split(".")[0] in NETWORK_MODULES
            }
    return found


@pytest.mark.asvs("13.1.1")
def test_the_documentation_names_every_connection_and_says_nobody_adds_one() -> None:
    """docs/security.md, "Connections", names the database, the mail server and Redis by the
    variables that set them, the way in through the proxy, and that no user can make the app
    connect anywhere else."""
    # Act
    section = _section("Connections")

    # Assert
    for needed in (
        "DATABASE_URL",
        "MUTUALITY_EMAIL_URL",
        "MUTUALITY_REDIS_URL",
        "pg_dump",
        "reverse proxy",
        "127.0.0.1:8000",
        "Nobody supplies a destination",
        "StaticFilesOnly",
    ):
        assert needed in section, needed


@pytest.mark.asvs("13.1.1", "13.2.4", "13.2.5")
def test_the_code_connects_to_nothing_the_documentation_does_not_list() -> None:
    """The only network modules the code imports are the documented ones: SMTP for the mail
    server, and urllib's path helper for the PDF's own static files. A new client (requests,
    a raw socket, Redis used directly) fails this until the documentation lists it."""
    # Act
    found = _network_imports()

    # Assert
    assert found == set(DOCUMENTED_USES)
    section = _section("Connections")
    assert all(row in section for row in DOCUMENTED_USES.values())


@pytest.mark.asvs("13.2.3")
@pytest.mark.parametrize(
    ("name", "url"),
    [
        ("DATABASE_URL", "postgres://postgres:postgres@db.example.org/mutuality"),
        ("DATABASE_URL", "postgres://mutuality:password@db.example.org/mutuality"),
        ("MUTUALITY_EMAIL_URL", "smtp://admin:Admin@smtp.example.org:587"),
        ("MUTUALITY_REDIS_URL", "redis://default:changeme@127.0.0.1:6379/0"),
        ("MUTUALITY_REDIS_URL", "redis://:redis@127.0.0.1:6379/0"),
    ],
)
def test_a_default_password_is_refused_naming_the_variable_but_not_the_password(
    name: str, url: str
) -> None:
    """A well-known default password, or one that repeats the user name, is refused."""
    # Arrange
    password = url.split("@")[0].rsplit(":", 1)[1]

    # Act
    with pytest.raises(ConfigurationError) as refused:
        refuse_default_password(name, {name: url})

    # Assert
    assert str(refused.value).startswith(f"{name} signs in with a default password")
    assert f":{password}@" not in str(refused.value)


@pytest.mark.asvs("13.2.3")
@pytest.mark.parametrize(
    "url",
    [
        None,
        "",
        "postgres:///mutuality?host=/var/run/postgresql",  # peer authentication, no password
        "postgres://mutuality:Tq0v-8dL2wX3mZ@db.example.org/mutuality",
        "smtp://smtp.example.org:587",
    ],
)
def test_a_url_of_its_own_or_without_a_password_is_accepted(url: str | None) -> None:
    """No password at all, or a password of its own, passes."""
    # Arrange
    environ = {} if url is None else {"DATABASE_URL": url}

    # Act
    refused = refuse_default_password("DATABASE_URL", environ)

    # Assert
    assert refused is None


@pytest.mark.slow
@pytest.mark.asvs("13.2.3")
def test_production_with_a_default_database_password_does_not_start(
    production_env: dict[str, str], manage: Manage
) -> None:
    """Outside the demo, manage.py stops with one line naming DATABASE_URL, no traceback."""
    # Arrange
    production_env["DATABASE_URL"] = "postgres://postgres:postgres@db.example.org/mutuality"

    # Act
    result = manage("check", env=production_env)

    # Assert
    assert result.returncode != 0
    assert "DATABASE_URL signs in with a default password" in result.stderr
    assert ":postgres@" not in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.mark.slow
@pytest.mark.asvs("13.2.1", "13.3.1")
def test_the_database_may_be_reached_with_a_certificate_and_no_password(
    production_env: dict[str, str], manage: Manage
) -> None:
    """A DATABASE_URL with TLS and a client certificate reaches the connection's options with
    no password, and every secret the settings hold is the one the environment gave: the
    code holds none of its own."""
    # Arrange
    production_env["DATABASE_URL"] = (
        "postgres://mutuality@db.example.org/mutuality?sslmode=verify-full"
        "&sslcert=/etc/mutuality/client.crt&sslkey=/etc/mutuality/client.key"
    )

    # Act
    result = manage("shell", "--no-imports", "-c", SHOW_DATABASE, env=production_env)

    # Assert
    values = json.loads(result.stdout)
    assert values["OPTIONS"] == {
        "sslmode": "verify-full",
        "sslcert": "/etc/mutuality/client.crt",
        "sslkey": "/etc/mutuality/client.key",
    }
    assert (values["USER"], values["PASSWORD"]) == ("mutuality", "")
    assert values["SECRET_KEY"] == production_env["MUTUALITY_SECRET_KEY"]
    assert values["EMAIL_HOST_PASSWORD"] == ""  # none given, none made up


@pytest.mark.asvs("13.2.1")
def test_a_backup_connects_with_the_same_tls_and_certificate() -> None:
    """pg_dump and pg_restore are given the URL's sslmode, certificate, key and authority, so
    a backup signs in as the app does, without a password."""
    # Arrange
    database = {
        "NAME": "mutuality",
        "HOST": "db.example.org",
        "USER": "mutuality",
        "PASSWORD": "",
        "OPTIONS": {
            "sslmode": "verify-full",
            "sslcert": "/etc/mutuality/client.crt",
            "sslkey": "/etc/mutuality/client.key",
            "sslrootcert": "/etc/mutuality/ca.crt",
        },
    }

    # Act
    with mock.patch.object(backup, "connection", mock.Mock(settings_dict=database)):
        environment = backup._pg_env()

    # Assert
    assert {name: environment.get(name) for name in ("PGSSLMODE", "PGSSLCERT", "PGSSLKEY")} == {
        "PGSSLMODE": "verify-full",
        "PGSSLCERT": "/etc/mutuality/client.crt",
        "PGSSLKEY": "/etc/mutuality/client.key",
    }
    assert environment["PGSSLROOTCERT"] == "/etc/mutuality/ca.crt"
    assert (environment["PGHOST"], environment["PGUSER"]) == ("db.example.org", "mutuality")
    assert environment.get("PGPASSWORD") == os.environ.get("PGPASSWORD")  # none added


@pytest.mark.asvs("13.2.1", "13.2.2", "13.3.1", "13.3.2")
def test_the_documentation_asks_for_accounts_and_secrets_of_mutualitys_own() -> None:
    """The deployer is told: each connection signs in as Mutuality alone, with no more than
    it needs (not a superuser), preferably without a password; secrets come from a secret
    store and never the code; the key file is for the service's user alone."""
    # Act
    section = _section("Connections")

    # Assert
    for needed in (
        "never a shared or administrator account",
        "not a superuser",
        "peer authentication",
        "client certificate",
        "an ACL user of its own",
        "secret store",
        "none is in the repository",
        "to the service's user alone (mode 0400)",
        "rotate it",
    ):
        assert needed in section, needed
