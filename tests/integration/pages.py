"""Every page each role can reach, for the checks that run over all of them (headers, the Nu
HTML checker, axe in the browser).

The relationship pages come from the access matrix (tests/integration/test_access_matrix.py),
so a page added there is checked everywhere; the pages that belong to no relationship are
listed here, with the roles that reach them, for the people and relationships of the shared
world (tests/factories.py). `publish_transparency` adds a published report so the public pages
exist.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client

from tests.factories import World
from tests.integration.test_access_matrix import (
    MATRIX,
    ORGANISATION_PAGES,
    OWN,
    _organisation_url,
    _url,
)


@dataclass(frozen=True)
class Page:
    """A URL someone may GET, and whether it is a full HTML page (not a download)."""

    url: str
    html: bool = True


def publish_transparency(world: World) -> None:
    """The admin publishes the organisation's transparency report (version 1)."""
    client = Client()
    client.force_login(world.users["admin"])
    response = client.post("/reports/transparency/publish/")
    assert response.status_code in (200, 302), response.status_code


def relationship_pages(world: World, standing: str) -> list[Page]:
    """Every page of the world's relationship the access matrix lets this standing open."""
    return [
        Page(_url(world, world.relationship, name), html=name != "export")
        for name, row in MATRIX.items()
        if dict(zip(OWN, row.split(), strict=True))[standing] == "200"
    ]


ORGANISATION_DOWNLOADS = {"record-pdf", "record-json"}
"""The organisation's pages that download a file rather than show a page."""


def organisation_pages(world: World) -> list[Page]:
    """The organisation's own pages its admin opens (from the access matrix)."""
    return [
        Page(_organisation_url(world, name), html=name not in ORGANISATION_DOWNLOADS)
        for name, (_, get) in ORGANISATION_PAGES.items()
        if get
    ]


ABOUT_PAGES = [Page("/about/help/"), Page("/about/accessibility/"), Page("/about/privacy/")]
"""The help page, the accessibility statement and the privacy notice: every footer links them."""


def pages_for(world: World, standing: str) -> list[Page]:
    """Every page this standing can reach: their relationship's pages, its report (page and
    PDF), the dashboard, their account, changing their password, their second factors, their
    sessions, choosing their messages and their language, correcting their details, their own
    record (page, PDF and JSON), the help, accessibility and privacy pages and the pages of
    their role."""
    pk = world.relationship.pk
    extra = {
        "professional": [Page("/relationships/propose/")],
        "supervisor": [Page("/reports/service/"), Page("/reports/service.csv", html=False)],
        "admin": [
            Page("/relationships/audit/"),
            Page("/relationships/audit.csv", html=False),
            *organisation_pages(world),
            Page("/reports/service/"),
            Page("/reports/service.csv", html=False),
            Page("/reports/transparency/"),
            Page("/messages/undelivered/"),
        ],
    }
    return [
        Page("/relationships/"),
        Page("/relationships/due/"),
        Page("/accounts/password/change/"),
        Page("/accounts/"),
        Page("/accounts/2fa/"),
        Page("/accounts/sessions/"),
        Page("/accounts/messages/"),
        Page("/accounts/language/"),
        Page("/accounts/details/"),
        Page("/accounts/tokens/"),
        Page("/accounts/record/"),
        Page("/accounts/record.pdf", html=False),
        Page("/accounts/record.json", html=False),
        *ABOUT_PAGES,
        *extra.get(standing, []),
        Page(f"/reports/relationship/{pk}/"),
        Page(f"/reports/relationship/{pk}/report.pdf", html=False),
        *relationship_pages(world, standing),
    ]


def public_pages() -> list[Page]:
    """Pages anyone can open signed out (call `publish_transparency` first)."""
    return [
        Page("/accounts/login/"),
        Page("/accounts/password/reset/"),
        Page("/accounts/password/reset/done/"),
        Page("/accounts/password/reset/key/1-not-a-key/"),  # the page of a link that does not work
        Page("/accounts/password/reset/key/done/"),
        Page("/accounts/inactive/"),
        Page("/reports/public/home/"),
        Page("/demo/mail/"),  # the demo's mailbox (the tests run the demo's settings)
        Page("/reports/public/home/v1/"),
        Page("/reports/public/home/v1.csv", html=False),
        Page("/reports/public/home/v1.json", html=False),
        *ABOUT_PAGES,
        Page("/api/v1/docs"),
    ]


def error_pages(world: World, standing: str) -> list[tuple[str, int]]:
    """What this standing meets when they cannot go on: another relationship (404 unless they
    are its organisation's admin) and a page that is not for them (403 unless supervisor)."""
    supervision = _url(world, world.relationship, "supervision")
    return [
        (f"/relationships/{world.other.pk}/", 200 if standing == "admin" else 404),
        (supervision, 200 if standing == "supervisor" else 403),
    ]
