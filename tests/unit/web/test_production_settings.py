"""Outside the demo the app needs its own key and host, runs on HTTPS only, and passes
Django's deployment checks (each test runs manage.py in a subprocess)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.unit.web.conftest import Manage

pytestmark = pytest.mark.slow

SHOW_SETTINGS = """
import json
import subprocess
import sys
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in (
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME",
    "SECURE_PROXY_SSL_HEADER", "TRUSTED_PROXY_COUNT", "CSRF_TRUSTED_ORIGINS", "ALLOWED_HOSTS",
    "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS",
)}))
"""


@pytest.mark.asvs("3.3.1", "3.4.1", "13.4.2")
def test_the_production_settings_pass_the_deployment_checks(
    production_env: dict[str, str], manage: Manage
) -> None:
    """check --deploy finds nothing, not even a warning, with production settings."""
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (1 silenced)" in result.stdout


def test_the_app_refuses_to_start_without_a_key_outside_the_demo(
    production_env: dict[str, str], manage: Manage
) -> None:
    """Without MUTUALITY_SECRET_KEY manage.py stops with one line naming it, no traceback."""
    del production_env["MUTUALITY_SECRET_KEY"]

    result = manage("check", "--deploy", env=production_env)

    assert result.returncode != 0
    assert "MUTUALITY_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1


def test_the_app_refuses_to_start_without_its_host_names_outside_the_demo(
    production_env: dict[str, str], manage: Manage
) -> None:
    """Without MUTUALITY_ALLOWED_HOSTS manage.py stops with one line naming it."""
    del production_env["MUTUALITY_ALLOWED_HOSTS"]

    result = manage("check", env=production_env)

    assert result.returncode != 0
    assert "MUTUALITY_ALLOWED_HOSTS is not set" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.asvs("3.3.1", "3.3.3", "3.4.1", "13.4.2")
@pytest.mark.asvs("16.5.1")
def test_production_runs_on_https_with_host_only_secure_cookies(
    production_env: dict[str, str], manage: Manage
) -> None:
    """Outside the demo: the HTTPS redirect, a year of HSTS, and __Host- Secure cookies."""
    result = manage("shell", "--no-imports", "-c", SHOW_SETTINGS, env=production_env)

    values = json.loads(result.stdout)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert values["SECURE_PROXY_SSL_HEADER"] is None  # no proxy: X-Forwarded-Proto is ignored


def test_behind_a_proxy_its_headers_are_trusted(
    production_env: dict[str, str], manage: Manage
) -> None:
    """MUTUALITY_TRUSTED_PROXY and MUTUALITY_CSRF_TRUSTED_ORIGINS reach Django's settings."""
    production_env["MUTUALITY_TRUSTED_PROXY"] = "2"
    production_env["MUTUALITY_CSRF_TRUSTED_ORIGINS"] = "https://mutuality.example.org"

    result = manage("shell", "--no-imports", "-c", SHOW_SETTINGS, env=production_env)

    values = json.loads(result.stdout)
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["TRUSTED_PROXY_COUNT"] == 2
    assert values["CSRF_TRUSTED_ORIGINS"] == ["https://mutuality.example.org"]


def test_an_http_trusted_origin_is_refused_outside_the_demo(
    production_env: dict[str, str], manage: Manage
) -> None:
    """A plain-http origin stops the app with one line naming the variable."""
    production_env["MUTUALITY_CSRF_TRUSTED_ORIGINS"] = "http://mutuality.example.org"

    result = manage("check", env=production_env)

    assert result.returncode != 0
    assert "MUTUALITY_CSRF_TRUSTED_ORIGINS must list origins" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_demo_serves_plain_http_with_ordinary_cookies(
    production_env: dict[str, str], manage: Manage
) -> None:
    """MUTUALITY_DEMO=1 needs no key or host, and turns off the redirect and Secure cookies."""
    del production_env["MUTUALITY_SECRET_KEY"], production_env["MUTUALITY_ALLOWED_HOSTS"]
    production_env["MUTUALITY_DEMO"] = "1"

    result = manage("shell", "--no-imports", "-c", SHOW_SETTINGS, env=production_env)

    values = json.loads(result.stdout)
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SESSION_COOKIE_SECURE"] is False
    assert values["SESSION_COOKIE_NAME"] == "sessionid"
    assert "127.0.0.1" in values["ALLOWED_HOSTS"]


def test_the_mutuality_command_also_names_the_missing_key(production_env: dict[str, str]) -> None:
    """`mutuality export` without a key outside the demo exits 2 with one line naming it."""
    del production_env["MUTUALITY_SECRET_KEY"]
    command = [sys.executable, "-c", "from mutuality.entry import run; run()", "export", "1"]

    result = subprocess.run(
        command, env=production_env, capture_output=True, text=True, timeout=120, check=False
    )

    assert result.returncode == 2
    assert "MUTUALITY_SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_sends_email_through_the_server_its_url_names(
    production_env: dict[str, str], manage: Manage
) -> None:
    """MUTUALITY_EMAIL_URL sets Django's SMTP backend's host, port and STARTTLS."""
    production_env["MUTUALITY_EMAIL_URL"] = "smtp://mutuality:secret@smtp.example.org:587"

    result = manage("shell", "--no-imports", "-c", SHOW_SETTINGS, env=production_env)

    values = json.loads(result.stdout)
    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (values["EMAIL_HOST"], values["EMAIL_PORT"], values["EMAIL_USE_TLS"]) == (
        "smtp.example.org",
        587,
        True,
    )


def test_a_malformed_email_url_stops_the_app_with_one_line_naming_it(
    production_env: dict[str, str], manage: Manage
) -> None:
    """A MUTUALITY_EMAIL_URL that is not smtp(s)://… stops manage.py with one line, no traceback."""
    production_env["MUTUALITY_EMAIL_URL"] = "smtp://mutuality:secret@smtp.example.org:port"

    result = manage("check", env=production_env)

    assert result.returncode != 0
    assert "MUTUALITY_EMAIL_URL must be smtp://" in result.stderr
    assert "secret" not in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) == 1
