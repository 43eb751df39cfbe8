"""OWASP ASVS 5.0.0, chapter V14 (data protection): health and personal information stays in
the database and the pages that show it, and leaves nothing behind in caches, other sites or
the browser. Each test names the requirements it shows (SECURITY.md, "V14 Data protection");
docs/security.md, "Data and how it is protected", is what they hold the app to."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from mutuality.web.accounts.sessions import ACTIVE_AT
from tests.factories import PASSWORD, World
from tests.integration.pages import pages_for
from tests.integration.test_access_matrix import OWN

ROOT = Path(__file__).resolve().parents[2]
MARKER = "Marker-Health-81b2"  # in every piece of health content the world holds
CLEARED = ('"cache"', '"storage"')
# Attributes by which a page makes the browser load something or send something somewhere.
LOADS = re.compile(
    r"<(script|img|iframe|source|video|audio|embed|track)\b[^>]*\bsrc=\"([^\"]*)\""
    r"|<link\b[^>]*\bhref=\"([^\"]*)\""
    r"|<form\b[^>]*\baction=\"([^\"]*)\""
    r"|<object\b[^>]*\bdata=\"([^\"]*)\"",
    re.I,
)


@pytest.fixture
def world(world: World) -> World:
    """The shared world, its relationship's title, notes and names all marked."""
    relationship = world.relationship
    relationship.title = f"{MARKER} title"
    relationship.save()
    professional = relationship.participants.get(role="professional")
    relationship.observations.create(
        date="2026-11-01", kind="collusion", by="someone", note=f"{MARKER} note"
    )
    relationship.disclosures.create(
        by=professional, date="2026-05-04", about=f"{MARKER} about", rationale=f"{MARKER} why"
    )
    relationship.affected_parties.create(name=f"{MARKER} sister")
    return world


def _cache_contents() -> list[bytes]:
    """What the shared cache holds, each entry as the bytes it stores (Django's database
    cache keeps each value pickled and base64-encoded)."""
    table = settings.CACHES["default"]["LOCATION"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT cache_key, value FROM {table}")  # noqa: S608 (a setting)
        rows = cursor.fetchall()
    return [key.encode() + base64.b64decode(value) for key, value in rows]


@pytest.mark.asvs("14.2.2", "14.2.4")
def test_no_server_side_cache_keeps_what_a_page_showed(world: World) -> None:
    """After every role has read every page and download of a relationship full of marked
    content, the shared cache (which does hold the sign-in lockout's count) holds none of
    it; nothing caches whole pages, and every answer tells proxies to keep no copy."""
    # Arrange
    Client().post("/accounts/login/", {"username": "co", "password": "not the password"})
    seen = []
    shown = 0

    # Act
    for standing in OWN:
        client = world.client(standing)
        for page in pages_for(world, standing):
            response = client.get(page.url, secure=True)
            seen.append((page.url, response.status_code, response["Cache-Control"]))
            shown += MARKER.encode() in response.getvalue()  # a streamed CSV too
    cached = _cache_contents()

    # Assert
    assert shown > 20  # the marked content really was on the pages read
    assert cached, "the lockout's count should be in the cache: is it the cache the app uses?"
    assert [entry for entry in cached if MARKER.encode() in entry] == []
    assert not any("CacheMiddleware" in name for name in settings.MIDDLEWARE)
    assert {
        url for url, status, caching in seen if status != 200 or "no-store" not in caching
    } == set()
    sources = [path.read_text(encoding="utf-8") for path in (ROOT / "mutuality").rglob("*.py")]
    assert not any("cache_page" in source for source in sources)


@pytest.mark.asvs("14.2.3", "14.2.4")
@pytest.mark.parametrize("standing", OWN)
def test_no_page_loads_from_or_sends_to_another_site(world: World, standing: str) -> None:
    """Every script, style, image, frame and form of every page a role opens is this site's
    own: no tracker, font service or analytics ever gets a request from a page (the
    Content-Security-Policy would refuse one anyway)."""
    # Arrange
    client = world.client(standing)
    pages = [page.url for page in pages_for(world, standing) if page.html]

    # Act
    found = {
        url: [
            next(part for part in match.groups()[1:] if part is not None)
            for match in LOADS.finditer(client.get(url).content.decode())
        ]
        for url in pages
    }

    # Assert
    addresses = [address for loads in found.values() for address in loads]
    assert any(address.startswith("/static/") for address in addresses)
    elsewhere = {
        url: [a for a in loads if re.match(r"^([a-z]+:)?//", a, re.I) or ":" in a.split("/")[0]]
        for url, loads in found.items()
    }
    assert {url: loads for url, loads in elsewhere.items() if loads} == {}


@pytest.mark.asvs("14.3.1", "14.2.4")
def test_signing_out_tells_the_browser_to_clear_the_sites_cache_and_storage(
    world: World,
) -> None:
    """The answer to "Sign out" carries Clear-Site-Data for the cache and storage; an ordinary
    page does not (it would empty the cache at every click)."""
    # Arrange
    client = Client()
    client.post("/accounts/login/", {"username": "co", "password": PASSWORD})
    page = client.get("/relationships/")

    # Act
    signed_out = client.post("/accounts/logout/")

    # Assert
    assert signed_out.status_code == 302
    assert all(kind in signed_out["Clear-Site-Data"] for kind in CLEARED)
    assert '"cookies"' not in signed_out["Clear-Site-Data"]  # the sign-in page's message
    assert not page.has_header("Clear-Site-Data")


@pytest.mark.asvs("14.3.1")
def test_a_session_ended_by_its_limit_clears_the_browser_too(world: World) -> None:
    """A request 31 minutes after the last one signs the person out, sends them to sign in,
    and clears the browser's cache and storage of the site, as signing out does."""
    # Arrange
    client = world.client("co_producer")
    client.get("/relationships/")
    session = client.session
    session[ACTIVE_AT] -= 31 * 60
    session.save()

    # Act
    response = client.get("/relationships/")

    # Assert
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert all(kind in response["Clear-Site-Data"] for kind in CLEARED)


@pytest.mark.asvs("14.3.1", "14.3.3")
def test_nothing_is_kept_in_the_browsers_storage(world: World) -> None:
    """No script of the site writes to localStorage, sessionStorage or IndexedDB (or reads
    cookies), and every page tells htmx to keep no copies of earlier pages, which it would
    otherwise keep in sessionStorage."""
    # Arrange
    scripts = [path.read_text(encoding="utf-8") for path in (ROOT / "static/js").glob("*.js")]
    storage = re.compile(r"localStorage|sessionStorage|indexedDB|document\.cookie|caches\.open")
    client = world.client("professional")

    # Act
    pages = [
        client.get(page.url).content.decode()
        for page in pages_for(world, "professional")
        if page.html
    ]

    # Assert
    assert scripts and [hit for text in scripts for hit in storage.findall(text)] == []
    assert pages and all('"historyCacheSize": 0' in html for html in pages)
