"""OWASP ASVS 5.0.0, chapter V3 (web front end): what the browser is given and allowed to do.
Each test names the requirements it shows (SECURITY.md, "V3 Web front end"); the headers
themselves are checked on every page in test_headers.py."""

from __future__ import annotations

import re
from collections.abc import Iterator
from http.cookies import Morsel
from pathlib import Path

import allauth
import pytest
from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import PASSWORD, World
from tests.integration.pages import pages_for, public_pages, publish_transparency
from tests.integration.test_access_matrix import OWN

ROOT = Path(__file__).resolve().parents[2]
SECURITY_DOC = ROOT / "docs" / "security.md"
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)
# What production names its cookies and how it marks them (mutuality/web/settings.py outside
# the demo; tests/unit/web/test_production_settings.py shows production sets exactly these).
PRODUCTION_COOKIES = {
    "SESSION_COOKIE_NAME": "__Host-sessionid",
    "CSRF_COOKIE_NAME": "__Host-csrftoken",
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


def _cookies_set(response: HttpResponse) -> Iterator[Morsel[str]]:
    """Every cookie this response asks the browser to keep (not the ones it deletes)."""
    for morsel in response.cookies.values():
        if morsel["max-age"] != 0 and morsel.value:
            yield morsel


@pytest.mark.asvs("3.2.1")
def test_every_download_is_an_attachment_that_no_browser_renders_as_a_page(world: World) -> None:
    """Each file a role can download (YAML, CSV, JSON, PDF) and the public report's files come
    as attachments, with a type that is not HTML and nosniff: a browser saves them, it never
    shows one as a page of this site."""
    # Arrange
    publish_transparency(world)
    downloads = [
        (standing, page.url)
        for standing in OWN
        for page in pages_for(world, standing)
        if not page.html
    ] + [("anonymous", page.url) for page in public_pages() if not page.html]

    # Act
    answers = {
        (standing, url): world.client(standing).get(url, secure=True) for standing, url in downloads
    }

    # Assert
    assert len({url for _, url in answers}) >= 8  # YAML, audit CSV, service CSV, PDFs, JSON …
    for (standing, url), response in answers.items():
        assert response.status_code == 200, (standing, url)
        assert response["Content-Disposition"].startswith("attachment;"), (standing, url)
        assert not response["Content-Type"].startswith("text/html"), (standing, url)
        assert response["X-Content-Type-Options"] == "nosniff", (standing, url)


@pytest.mark.asvs("3.2.2")
def test_our_scripts_write_text_into_the_page_never_html() -> None:
    """The project's own scripts (static/js) put words into the page with textContent, and
    none of them turns a string into HTML or code."""
    # Arrange
    scripts = {
        path.name: path.read_text(encoding="utf-8") for path in (ROOT / "static/js").glob("*.js")
    }
    as_html = re.compile(
        r"\.(innerHTML|outerHTML|insertAdjacentHTML)\b|document\.write|\beval\(|new Function\("
        r"|createContextualFragment|DOMParser"
    )

    # Act
    found = {name: as_html.findall(text) for name, text in scripts.items()}

    # Assert
    assert {"mutuality.js", "session-warning.js", "stacked-tables.js"} <= set(scripts)
    assert {name: hits for name, hits in found.items() if hits} == {}
    assert ".textContent = " in scripts["session-warning.js"]  # the deadline it shows


@pytest.mark.asvs("3.3.1", "3.3.2", "3.3.3", "3.3.4", "14.3.3")
@override_settings(**PRODUCTION_COOKIES)
def test_the_only_cookies_are_host_only_secure_session_and_csrf_ones(world: World) -> None:
    """Signing in, saving a form that says "Added: <a name>", reading the next page and
    signing out set two cookies alone, the session's and the CSRF token's: each `__Host-`,
    Secure, for the whole site, SameSite=Lax and HttpOnly; no cookie holds the name, and the
    session's key never appears in a page."""
    # Arrange
    client = Client()
    pk = world.relationship.pk
    marker = "Marker-Sister-5d1c"
    responses = [client.get("/accounts/login/", secure=True)]

    # Act
    responses.append(
        client.post("/accounts/login/", {"username": "co", "password": PASSWORD}, secure=True)
    )
    world.relationship.refresh_from_db()
    saved = client.post(
        f"/relationships/{pk}/affected/",
        {"name": marker, "consent": "informed", "revision": world.relationship.revision},
        secure=True,
    )
    responses += [saved, client.get(saved["Location"], secure=True)]
    session_key = client.cookies["__Host-sessionid"].value
    responses.append(client.post("/accounts/logout/", secure=True))

    # Assert
    assert saved.status_code == 302
    assert marker in responses[3].content.decode()  # the message reached the next page
    cookies = [morsel for response in responses for morsel in _cookies_set(response)]
    assert {morsel.key for morsel in cookies} == {"__Host-sessionid", "__Host-csrftoken"}
    for morsel in cookies:
        assert morsel["secure"] is True, morsel.key
        assert morsel["path"] == "/", morsel.key
        assert not morsel["domain"], morsel.key
        assert morsel["samesite"] == "Lax", morsel.key
        assert morsel["httponly"] is True, morsel.key
        assert marker not in morsel.value, morsel.key
    assert all(session_key not in response.content.decode() for response in responses)


@pytest.mark.asvs("3.4.2")
def test_no_answer_lets_another_site_read_it(world: World) -> None:
    """Asked from another origin (as a page, a download, the session's JSON, or a CORS
    preflight), the app never answers with Access-Control-Allow-Origin or any other CORS
    permission, so a browser keeps every answer from the asking site."""
    # Arrange
    client = world.client("professional")
    urls = [page.url for page in pages_for(world, "professional")] + ["/accounts/session/"]
    origin = {"HTTP_ORIGIN": "https://elsewhere.example", "secure": True}

    # Act
    answers = [client.get(url, **origin) for url in urls]
    answers.append(
        client.options(
            "/accounts/session/stay/", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST", **origin
        )
    )

    # Assert
    allowing = [
        (response.request["PATH_INFO"], name)
        for response in answers
        for name in response.headers
        if name.lower().startswith("access-control-")
    ]
    assert allowing == []


@pytest.mark.asvs("3.5.1")
@pytest.mark.parametrize("standing", OWN)
def test_a_post_without_the_csrf_token_is_refused_on_every_page(
    world: World, standing: str
) -> None:
    """Every page and download this role can open refuses a POST that lacks the CSRF token
    (403), and the refused requests write nothing at all."""
    # Arrange
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[standing])
    urls = [page.url for page in pages_for(world, standing)]

    # Act
    with CaptureQueriesContext(connection) as queries:
        statuses = {url: client.post(url, {"revision": 1}).status_code for url in urls}

    # Assert
    assert {url: status for url, status in statuses.items() if status != 403} == {}
    assert [q["sql"] for q in queries if WRITE.match(q["sql"])] == []


def _views(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[tuple]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _views(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


@pytest.mark.asvs("3.5.1")
def test_no_view_is_excused_from_the_csrf_check() -> None:
    """Django's CSRF middleware is on, and not one of the app's addresses is exempt from it,
    whoever wrote the view (ours, allauth's, Django's), but the API's: a request there is
    accepted only with a token in its Authorization header, which a browser never adds to a
    request another site makes it send, and never with the session's cookie (ADR 0018;
    test_api_tokens.py shows a signed-in browser without a token is refused)."""
    # Act
    exempt = [
        route
        for route, view in _views(get_resolver().url_patterns)
        if getattr(view, "csrf_exempt", False) and not route.startswith("api/v1/")
    ]

    # Assert
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    assert len(list(_views(get_resolver().url_patterns))) > 50
    assert exempt == []


@pytest.mark.asvs("3.5.4")
def test_the_app_answers_only_to_its_own_host_names(db: None) -> None:
    """A request for another host name is refused (400) before any page is made, and the
    production notes tell the deployer to give Mutuality a host name of its own."""
    # Arrange
    doc = SECURITY_DOC.read_text(encoding="utf-8")

    # Act
    response = Client().get("/accounts/login/", HTTP_HOST="intranet.example.org")

    # Assert
    assert response.status_code == 400
    assert "A host name of its own" in doc
    assert "no other application on the same host name" in doc


@pytest.mark.asvs("3.7.1")
@pytest.mark.parametrize("standing", ["professional", "admin"])
def test_no_page_uses_a_browser_plugin(world: World, standing: str) -> None:
    """No template, and no page a role opens, holds an <object>, <embed> or <applet>: the
    pages are HTML, CSS and JavaScript alone (the policy also says object-src 'none')."""
    # Arrange
    plugin = re.compile(r"<(object|embed|applet)\b", re.I)
    client = world.client(standing)
    pages = [page.url for page in pages_for(world, standing) if page.html]

    # Act
    in_pages = {url: plugin.findall(client.get(url).content.decode()) for url in pages}
    in_templates = {
        path.name: plugin.findall(path.read_text(encoding="utf-8"))
        for path in (ROOT / "templates").rglob("*.html")
    }

    # Assert
    assert {url: found for url, found in in_pages.items() if found} == {}
    assert {name: found for name, found in in_templates.items() if found} == {}


@pytest.mark.asvs("3.7.2")
def test_signing_out_never_sends_anyone_to_another_site(world: World) -> None:
    """Signing out with `next` naming another site goes to the sign-in page instead; `next`
    on this site is followed."""
    # Arrange
    away, here = world.client("co_producer"), world.client("co_producer")

    # Act
    to_away = away.post("/accounts/logout/", {"next": "https://elsewhere.example/"})
    to_here = here.post("/accounts/logout/", {"next": "/about/help/"})

    # Assert
    assert to_away.status_code == to_here.status_code == 302
    assert to_away["Location"] == "/accounts/login/"
    assert to_here["Location"] == "/about/help/"


def test_no_script_the_pages_load_uses_post_message() -> None:
    """No script the pages load (ours, htmx, NHS.UK frontend's, allauth's passkey scripts)
    sends or listens for postMessage, which is why SECURITY.md calls 3.5.5 N/A: this fails
    the day one does, so that its messages' origins get checked."""
    # Arrange
    static_roots = [ROOT / "static", Path(allauth.__file__).parent]
    uses = re.compile(r"postMessage|addEventListener\(\s*[\"']message[\"']|\.onmessage\b")

    # Act
    found = [
        path.name
        for root in static_roots
        for path in root.rglob("*.js")
        if "static" in path.parts and uses.search(path.read_text(encoding="utf-8"))
    ]

    # Assert
    assert found == []
