"""OWASP ASVS 5.0.0, chapter V13 (configuration): what the running app leaves out. Each test
names the requirements it shows (SECURITY.md, "V13 Configuration"); the production server's
own checks are in test_server.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import World
from tests.integration.pages import pages_for, public_pages, publish_transparency
from tests.integration.test_access_matrix import OWN

# Addresses where frameworks put admin sites, interactive API consoles, debugging and monitoring
# ("api" is ours: ADR 0018).
EXTRAS = ("admin", "docs", "schema", "swagger", "redoc", "__debug__", "debug", "silk")
EXTRAS += ("metrics", "health", "healthz", "status", "django-rq", "rq", "graphql")
EXTRA_APPS = {
    "django.contrib.admin",
    "django.contrib.admindocs",
    "debug_toolbar",
    "django_extensions",
    "silk",
    "rest_framework",
    "drf_spectacular",
    "django_prometheus",
    "health_check",
}


def _routes(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern)


@pytest.mark.asvs("13.4.4")
@pytest.mark.parametrize("standing", OWN)
def test_trace_is_refused_on_every_page(world: World, standing: str) -> None:
    """TRACE to any page, download or public page, signed in or not, is 405 with nothing of
    the request echoed back."""
    # Arrange
    publish_transparency(world)
    client = world.client(standing)
    urls = [page.url for page in pages_for(world, standing) + public_pages()] + ["/"]

    # Act
    answers = {url: client.generic("TRACE", url, secure=True) for url in urls}

    # Assert
    assert {url: r.status_code for url, r in answers.items() if r.status_code != 405} == {}
    assert {url: r.content for url, r in answers.items() if r.content} == {}
    assert all(r["Allow"] == "GET, HEAD, POST" for r in answers.values())


@pytest.mark.asvs("13.4.5")
def test_there_is_no_admin_documentation_or_monitoring_address() -> None:
    """No admin site, debugging or monitoring page is installed or routed: every address the
    app answers belongs to the service itself. The API's documentation is meant to be read by
    the people who connect other systems (ADR 0018): its own page and its OpenAPI document,
    describing no more than the endpoints, which all need a token."""
    # Act
    routes = list(_routes(get_resolver().url_patterns))
    first_parts = {route.lstrip("^").split("/")[0] for route in routes}

    # Assert
    assert len(routes) > 50
    assert first_parts & set(EXTRAS) == set()
    assert EXTRA_APPS & set(settings.INSTALLED_APPS) == set()
    assert first_parts == {
        "",
        "about",
        "accounts",
        "api",  # /api/v1/: the endpoints (a token each), their document and its page
        "demo",  # the demo's mailbox, a 404 outside the demo (test_outbox_pages.py)
        "messages",
        "organisation",
        "relationships",
        "reports",
    }


@pytest.mark.asvs("13.4.2")
def test_no_debugging_page_reaches_a_browser(db: None) -> None:
    """With debugging off, as production always has it, an unknown address gets the service's
    own 404 page: no list of the app's addresses, no settings, no traceback."""
    # Act
    response = Client().get("/no-such-page/")

    # Assert
    page = response.content.decode()
    assert settings.DEBUG is False
    assert response.status_code == 404
    assert "nhsuk-header" in page
    assert "URLconf" not in page and "Traceback" not in page and "SECRET_KEY" not in page
