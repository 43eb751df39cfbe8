"""Every page each role can reach, every download and every error page carries the security
headers: a nonce Content-Security-Policy, Permissions-Policy, no-store caching, HSTS,
nosniff and a referrer policy (ASVS v5 3.4.1–3.4.6, 14.3.2)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.http import HttpResponse
from django.test import Client

from tests.factories import World
from tests.integration.pages import (
    error_pages,
    pages_for,
    public_pages,
    publish_transparency,
)
from tests.integration.test_access_matrix import OWN

EXPECTED_CSP = {
    "default-src": {"'self'"},
    "style-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}
NONCE = re.compile(r"^'nonce-([A-Za-z0-9+/=]{16,})'$")


@dataclass
class Seen:
    url: str
    response: HttpResponse
    html: bool


def _policy(response: HttpResponse) -> dict[str, set[str]]:
    """The Content-Security-Policy header as directive -> sources."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {name: set(sources) for name, *sources in directives}


def _problems(seen: Seen) -> list[str]:
    """Every header on this response that is missing or weaker than it should be."""
    response, problems = seen.response, []
    policy = _policy(response) if response.has_header("Content-Security-Policy") else {}
    for directive, sources in EXPECTED_CSP.items():
        if policy.get(directive) != sources:
            problems.append(f"CSP {directive} is {policy.get(directive)}")
    script = policy.get("script-src", set())
    nonces = [source for source in script if NONCE.match(source)]
    if script - set(nonces) != {"'self'"} or (seen.html and len(nonces) != 1):
        problems.append(f"CSP script-src is {script}")
    if "unsafe-inline" in response.get("Content-Security-Policy", ""):
        problems.append("CSP allows unsafe-inline")
    if "camera=()" not in response.get("Permissions-Policy", ""):
        problems.append(f"Permissions-Policy is {response.get('Permissions-Policy')}")
    if "no-store" not in response.get("Cache-Control", ""):
        problems.append(f"Cache-Control is {response.get('Cache-Control')}")
    hsts = response.get("Strict-Transport-Security", "")
    max_age = re.search(r"max-age=(\d+)", hsts)
    if not max_age or int(max_age[1]) < 31536000 or "includeSubDomains" not in hsts:
        problems.append(f"Strict-Transport-Security is {hsts!r}")
    if response.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"X-Content-Type-Options is {response.get('X-Content-Type-Options')}")
    if response.get("Cross-Origin-Opener-Policy") != "same-origin":
        problems.append(f"COOP is {response.get('Cross-Origin-Opener-Policy')}")
    if response.get("Referrer-Policy") != "same-origin":
        problems.append(f"Referrer-Policy is {response.get('Referrer-Policy')}")
    return [f"{seen.url} ({response.status_code}): {problem}" for problem in problems]


def _nonce(seen: Seen) -> str:
    (nonce,) = (
        m[1] for source in _policy(seen.response)["script-src"] if (m := NONCE.match(source))
    )
    return nonce


def _check(seen: list[Seen]) -> None:
    problems = [problem for page in seen for problem in _problems(page)]
    assert not problems, "\n".join(problems)
    pages = [page for page in seen if page.html]
    nonces = [_nonce(page) for page in pages]
    assert len(set(nonces)) == len(nonces), "a nonce was used on two responses"
    for page, nonce in zip(pages, nonces, strict=True):
        # Every <script> on the page carries this response's nonce.
        scripts = re.findall(r"<script\b[^>]*>", page.response.content.decode())
        assert scripts and all(f'nonce="{nonce}"' in tag for tag in scripts), page.url


@pytest.mark.asvs("3.4.1", "3.4.3", "3.4.4", "3.4.5", "3.4.6", "14.2.2", "14.3.2")
@pytest.mark.parametrize("standing", OWN)
def test_every_page_of_each_role_sends_the_security_headers(world: World, standing: str) -> None:
    """Each page, download and error page a role meets, over HTTPS, carries every header."""
    client = Client()
    client.force_login(world.users[standing])

    seen = [Seen(p.url, client.get(p.url, secure=True), p.html) for p in pages_for(world, standing)]
    seen += [
        Seen(url, client.get(url, secure=True), True) for url, _ in error_pages(world, standing)
    ]

    assert {page.response.status_code for page in seen} <= {200, 403, 404}
    _check(seen)


@pytest.mark.asvs("3.4.1", "3.4.3", "3.4.4", "3.4.5", "3.4.6", "14.3.2")
def test_every_public_page_sends_the_security_headers(world: World) -> None:
    """The sign-in page and the published transparency report (page, CSV, JSON) do too."""
    publish_transparency(world)
    client = Client()

    seen = [Seen(p.url, client.get(p.url, secure=True), p.html) for p in public_pages()]

    assert {page.response.status_code for page in seen} == {200}
    _check(seen)


@pytest.mark.asvs("14.3.2")
def test_a_response_that_sets_its_own_caching_keeps_it(world: World) -> None:
    """The PDF says no-store itself; the middleware leaves its Cache-Control alone."""
    client = Client()
    client.force_login(world.users["professional"])

    response = client.get(f"/reports/relationship/{world.relationship.pk}/report.pdf")

    assert response.status_code in (200, 503)  # 503: no Pango on this machine
    assert "no-store" in response["Cache-Control"]
