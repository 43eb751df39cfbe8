"""ASVS v5 chapter 4, API and web service: every response says truly what it holds, with its
character set where the type needs one (4.1.1); pages are sent on to HTTPS but the API is not
(4.1.2); and the client address a proxy adds cannot be forged (4.1.3, tests/unit/web/
test_client_ip.py)."""

from __future__ import annotations

import json
from collections.abc import Iterable

import pytest
import yaml
from django.http.response import HttpResponseBase
from django.test import Client, override_settings

from mutuality.web.api.tokens import make_token
from mutuality.web.audit.models import AuditEvent
from tests.factories import World
from tests.integration.pages import error_pages, pages_for, public_pages, publish_transparency
from tests.integration.test_access_matrix import OWN

NEEDS_CHARSET = ("text/", "+xml", "/xml", "ndjson", "yaml")


def _body(response: HttpResponseBase) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)  # type: ignore[attr-defined]
    return response.content  # type: ignore[attr-defined,no-any-return]


def _holds(media: str, body: bytes) -> bool:
    """Whether the body is what its media type says."""
    if media == "text/html":
        return body.lstrip()[:15].lower() == b"<!doctype html>"
    if media == "application/json" or media.endswith("+json"):
        json.loads(body)
        return True
    if media.endswith("ndjson"):
        return all(json.loads(line) for line in body.decode().splitlines())
    if media.endswith("yaml"):
        return isinstance(yaml.safe_load(body), dict)
    if media == "application/pdf":
        return body.startswith(b"%PDF-")
    if media == "image/svg+xml":
        return b"<svg" in body
    if media.startswith("text/"):
        body.decode("utf-8")
        return True
    return False


def _problems(url: str, response: HttpResponseBase) -> list[str]:
    body = _body(response)
    if not body:
        return []
    declared = response.get("Content-Type")
    if not declared:
        return [f"{url}: no Content-Type"]
    media = declared.split(";")[0].strip().lower()
    problems = []
    if any(mark in media for mark in NEEDS_CHARSET) and "charset=utf-8" not in declared.lower():
        problems.append(f"{url}: {declared!r} does not say its character set")
    if not _holds(media, body):
        problems.append(f"{url}: the body is not {media}")
    return problems


def _check(seen: Iterable[tuple[str, HttpResponseBase]]) -> None:
    problems = [problem for url, response in seen for problem in _problems(url, response)]
    assert not problems, "\n".join(problems)


@pytest.mark.asvs("4.1.1")
@pytest.mark.parametrize("standing", OWN)
def test_every_page_and_download_says_truly_what_it_holds(world: World, standing: str) -> None:
    """Each page, download and error page a role meets declares its media type, which is what
    its body holds, and text says it is UTF-8."""
    client = Client()
    client.force_login(world.users[standing])

    # Act
    seen = [(p.url, client.get(p.url, secure=True)) for p in pages_for(world, standing)]
    seen += [(url, client.get(url, secure=True)) for url, _ in error_pages(world, standing)]

    # Assert
    _check(seen)


@pytest.mark.asvs("4.1.1")
def test_every_public_page_says_truly_what_it_holds(world: World) -> None:
    """The sign-in page and the published transparency report (page, CSV, JSON) too."""
    publish_transparency(world)
    client = Client()

    # Act
    seen = [(p.url, client.get(p.url, secure=True)) for p in public_pages()]

    # Assert
    _check(seen)


@pytest.mark.asvs("4.1.1")
def test_every_kind_of_api_answer_says_truly_what_it_holds(world: World) -> None:
    """JSON, the OpenAPI document, the FHIR bundle, the bulk NDJSON, and the refusals."""
    _, professional = make_token(world.users["professional"], name="v4", by=None)
    _, admin = make_token(world.users["admin"], name="v4", by=None)
    rid = world.relationship.pk
    asked = [
        (professional, f"/api/v1/relationships/{rid}"),
        (professional, f"/api/v1/relationships/{rid}/fhir"),
        (professional, "/api/v1/relationships/999999"),
        (professional, "/api/v1/relationships/x"),
        (None, "/api/v1/relationships"),
        (None, "/api/v1/openapi.json"),
        (admin, "/api/v1/fhir/$export"),
    ]

    # Act
    seen = [
        (url, Client(HTTP_AUTHORIZATION=f"Bearer {token}").get(url, secure=True))
        for token, url in asked
    ]

    # Assert
    assert [response.status_code for _, response in seen] == [200, 200, 404, 422, 401, 200, 200]
    _check(seen)


@pytest.mark.asvs("4.1.2")
@override_settings(SECURE_SSL_REDIRECT=True)
def test_pages_are_sent_on_to_https_but_the_api_refuses_plain_http(world: World) -> None:
    """Over plain HTTP, a page (and the API's page for people) is redirected to HTTPS; a call
    to the API is refused, not redirected, so a client sending its token in the clear finds
    out, and nothing is done with the token."""
    _, secret = make_token(world.users["professional"], name="v4", by=None)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"/api/v1/relationships/{world.relationship.pk}"
    uses_before = AuditEvent.objects.filter(action="api").count()

    # Act
    page = client.get("/accounts/login/")
    docs = client.get("/api/v1/docs")
    plain = client.get(url)
    secure = client.get(url, secure=True)

    # Assert
    assert page.status_code == docs.status_code == 301
    assert page["Location"].startswith("https://")
    assert plain.status_code == 403
    assert "HTTPS" in plain.json()["detail"]
    assert not plain.has_header("Location")
    assert secure.status_code == 200
    assert AuditEvent.objects.filter(action="api").count() == uses_before + 1
