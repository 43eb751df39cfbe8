"""Every page each role can reach is valid HTML: the Nu HTML checker finds no error in any.

The checker is `vnu.jar` from npm's `vnu-jar` (`make setup` installs it) and runs on Java
(Debian's `default-jre-headless`, which `make test` and CI install). Java starts slowly, so
the pages are written to files and checked in one run. Besides the pages in
tests/integration/pages.py (each role's pages, their error pages and the public ones), it
checks the pages only a form reaches: forms sent empty (their error states add markup), the
sign-in pause after wrong passwords, the "Too many requests" page past a person's limit, and an
invitation from sending it to opening its link.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from mutuality.web import throttle
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.views.audit_log import AUDIT_PAGE_SIZE
from tests.factories import World
from tests.integration.pages import (
    error_pages,
    pages_for,
    public_pages,
    publish_transparency,
    relationship_pages,
)
from tests.integration.test_access_matrix import OWN

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
# Every form page of the relationship that these open is sent empty too: those that answer
# with an error summary show their error state.
SENT_EMPTY_BY = ("professional", "supervisor")


@dataclass
class Pages:
    """HTML bodies written to a folder, each remembered with what was asked for it."""

    folder: Path
    asked: dict[str, str] = field(default_factory=dict)

    def keep(self, what: str, response: Any, status: int = 200) -> None:
        assert response.status_code == status, f"{what}: {response.status_code}"
        assert response["Content-Type"].startswith("text/html"), what
        name = f"page-{len(self.asked):03d}.html"
        (self.folder / name).write_bytes(response.content)
        self.asked[name] = what


def _signed_in(world: World, standing: str) -> Client:
    client = Client()
    client.force_login(world.users[standing])
    return client


def _role_pages(pages: Pages, world: World) -> None:
    for standing in OWN:
        client = _signed_in(world, standing)
        for page in pages_for(world, standing):
            if page.html:
                pages.keep(f"{standing}: GET {page.url}", client.get(page.url))
        for url, status in error_pages(world, standing):
            pages.keep(f"{standing}: GET {url}", client.get(url), status)


def _audit_log_pages(pages: Pages, world: World) -> None:
    """The audit log's second page too, with its links to the other pages, and filtered with
    a problem in one filter."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            organisation=world.relationship.organisation,
            action="view",
            object_type="relationships.Relationship",
            object_id=str(world.relationship.pk),
            relationship_id=world.relationship.pk,
        )
        for _ in range(2 * AUDIT_PAGE_SIZE)
    )
    second = _signed_in(world, "admin").get("/relationships/audit/?page=2")
    assert b"nhsuk-pagination" in second.content
    pages.keep("admin: GET /relationships/audit/?page=2", second)
    filtered = "/relationships/audit/?action=view&on_or_after_0=31&on_or_after_1=2&page=2"
    problem = _signed_in(world, "admin").get(filtered)
    assert b"nhsuk-error-summary" in problem.content and b"nhsuk-pagination" in problem.content
    pages.keep(f"admin: GET {filtered}", problem)


def _public_pages(pages: Pages, world: World) -> None:
    publish_transparency(world)
    for page in public_pages():
        if page.html:
            pages.keep(f"signed out: GET {page.url}", Client().get(page.url))


def _forms_sent_empty(pages: Pages, world: World) -> None:
    for standing in SENT_EMPTY_BY:
        client = _signed_in(world, standing)
        for page in relationship_pages(world, standing):
            response = client.post(page.url, {}) if page.html else None
            if response is not None and b"nhsuk-error-summary" in response.content:
                pages.keep(f"{standing}: POST {page.url} (empty)", response)
    pages.keep(
        "professional: POST /relationships/propose/ (empty)",
        _signed_in(world, "professional").post("/relationships/propose/", {}),
    )
    pages.keep(
        "co_producer: POST /accounts/details/ (empty)",
        _signed_in(world, "co_producer").post("/accounts/details/", {}),
    )


def _sign_in_pages(pages: Pages, world: World) -> None:
    client = Client()
    pages.keep("signed out: POST /accounts/login/ (empty)", client.post("/accounts/login/", {}))
    wrong = {"username": world.users["co_producer"].username, "password": "not it"}
    for _ in range(10):
        client.post("/accounts/login/", wrong)
    pages.keep(
        "signed out: the pause after 10 wrong passwords",
        client.post("/accounts/login/", wrong),
        429,
    )


def _limit_pages(pages: Pages, world: World, settings: Any, monkeypatch: Any) -> None:
    """The "Too many requests" page a signed-in person gets past a limit (throttle.py), with
    the throttle's clock held still so that both downloads fall in one minute."""
    settings.MUTUALITY_RATE_LIMITS = {"download": 1, "upload": 1, "write": 1}
    monkeypatch.setattr(throttle, "clock", lambda: 1_800_000_000.0)
    client = _signed_in(world, "co_producer")
    client.get("/accounts/record.json")
    pages.keep(
        "co_producer: GET /accounts/record.json (past the limit)",
        client.get("/accounts/record.json"),
        429,
    )


def _invitation_pages(pages: Pages, world: World) -> None:
    """A professional proposes a relationship and invites the other person, who opens the link."""
    client = _signed_in(world, "professional")
    proposal = {
        "title": "Co-writing the ward's welcome leaflet",
        "setting": "service_design",
        "co_produced": "the leaflet's words",
        "my_id": "pro",
        "their_id": "jo",
        "supervisor": "",
    }
    detail = client.post("/relationships/propose/", proposal)["Location"]
    pages.keep(f"professional: GET {detail} (proposed)", client.get(detail))
    invite = f"{detail}invite/"
    form = client.get(invite)
    pages.keep(f"professional: GET {invite}", form)
    sent = client.post(invite, {**_filled_in(form.content.decode()), "display_name": "Jo Bloggs"})
    pages.keep(f"professional: POST {invite}", sent)
    token = re.search(r"/relationships/invitation/([A-Za-z0-9_-]+)/", sent.content.decode())
    assert token, "the page shows the invitation link"
    link = f"/relationships/invitation/{token.group(1)}/"
    pages.keep(f"signed out: GET {link}", Client().get(link))
    pages.keep(f"signed out: POST {link} (empty)", Client().post(link, {}))
    unknown = "/relationships/invitation/nope/"
    pages.keep(f"signed out: GET {unknown}", Client().get(unknown), 404)


def _filled_in(html: str) -> dict[str, str]:
    """The inputs a page's form sends as it stands (hidden ones and those filled in)."""
    return dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html))


def _vnu() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.fail(
            "java is missing: install Debian's default-jre-headless (make test does)",
            pytrace=False,
        )
    if not VNU.is_file():
        pytest.fail(
            f"{VNU.relative_to(ROOT)} is missing: run make setup (npm installs vnu-jar)",
            pytrace=False,
        )
    return [java, "-jar", str(VNU)]


def _errors(pages: Pages) -> list[str]:
    """Every error the checker finds, as `what was asked, line N: message`."""
    files = [str(pages.folder / name) for name in pages.asked]
    run = subprocess.run(
        [*_vnu(), "--errors-only", "--format", "json", "--stdout", *files],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    try:
        messages = json.loads(run.stdout)["messages"]
    except (ValueError, KeyError):
        pytest.fail(
            f"the checker did not answer in JSON: {run.stdout or run.stderr}", pytrace=False
        )
    return [f"{_asked(pages, m)}, line {m.get('lastLine', '?')}: {m['message']}" for m in messages]


def _asked(pages: Pages, message: dict[str, Any]) -> str:
    """What was asked for the page a checker's message is about (its URL names the file)."""
    url = str(message.get("url", "the checker"))
    return pages.asked.get(Path(urlsplit(url).path).name, url)


@pytest.mark.slow
def test_every_page_is_valid_html(
    world: World, tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Nu HTML checker finds no error on any page each role can reach, nor in error states."""
    pages = Pages(tmp_path)
    _role_pages(pages, world)
    _public_pages(pages, world)
    _forms_sent_empty(pages, world)
    _sign_in_pages(pages, world)
    _invitation_pages(pages, world)
    _audit_log_pages(pages, world)
    _limit_pages(pages, world, settings, monkeypatch)

    errors = _errors(pages)

    assert len(pages.asked) > 100
    if errors:
        pytest.fail(f"{len(errors)} HTML errors:\n" + "\n".join(errors), pytrace=False)
