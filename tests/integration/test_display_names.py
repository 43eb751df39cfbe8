"""People are named by their display names on every page of a relationship, its report (page
and PDF), the dashboards and the downloads, never by their login (issue 12).

The world's relationship is rebuilt on the walking-group example with its people's ids made
their logins, "sian" and "an", and their accounts named "Siân Evans" and "Nguyễn Văn An"; its
free text is made to name nobody, so any "sian" or "an" used as a label on a page is a bug.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.test import Client

from mutuality.framework import validate_case
from mutuality.web.relationships.actions import reassess
from mutuality.web.relationships.case_io import export_yaml
from tests.factories import EXAMPLES, WALKING_GROUP, World, build_world
from tests.integration.pages import pages_for

SIAN, AN = "Siân Evans", "Nguyễn Văn An"
# A login used where a person is named: on its own in a cell or list item, before "'s", or
# before words that follow a person in the findings and due lists.
BARE_LOGIN = re.compile(
    r"(?<![\w/.#=-])(sian|an)(?=(?:'s|\u2019s)\b|\s*(?:\||\(|:|,|;|\.(?!\w))|"
    r" (?:has|says|answered|holds|agreed|is paid)\b)"
)
STANDINGS = ["professional", "co_producer", "supervisor", "reviewer", "admin"]


def _case() -> Any:
    """The walking-group example with the ids `sian` (professional) and `an` (co-producer)."""
    text = (EXAMPLES / WALKING_GROUP).read_text()
    data = yaml.safe_load(text.replace("priya", "sian").replace("tomasz", "an"))
    contract = data["contract"]
    for field in ("inequalities_addressed", "power_differential", "exit_plan"):
        contract[field] = "agreed at the first planning meeting"
    return validate_case(data, "names")


@pytest.fixture
def world(db: None) -> World:
    """The shared world on that case, its two people signed up as "sian" and "an" with their
    display names, and the relationship assessed again so the stored findings name them."""
    world = build_world(_case())
    for standing, login, name in (("professional", "sian", SIAN), ("co_producer", "an", AN)):
        user = world.users[standing]
        user.username, user.display_name = login, name
        user.save()
    reassess(world.relationship, reason="the people have display names")
    return world


def _visible_text(page: str) -> str:
    """What a reader sees: the text between tags, each tag a `|`, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S)
    page = re.sub(r"<svg\b.*?</svg>", lambda m: re.sub(r"<[^>]+>", "|", m[0]), page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "|", page))


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    found = shutil.which("pdftotext")
    assert found, "pdftotext is missing: install Debian's poppler-utils"
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    run = subprocess.run([found, "-layout", str(path), "-"], capture_output=True, check=True)
    return run.stdout.decode()


LOGIN_SHOWN = {"/accounts/", "/accounts/record/", "/organisation/people/"}


@pytest.mark.parametrize("standing", STANDINGS)
def test_every_page_names_people_by_their_display_names(world: World, standing: str) -> None:
    """Each page this standing opens (dashboards, every relationship page, the report) shows no
    login as a person's label, and the relationship page and the report show both names."""
    client = world.client(standing)
    pk = world.relationship.pk
    seen: dict[str, str] = {}

    for page in pages_for(world, standing):
        response = client.get(page.url)
        assert response.status_code == 200, page.url
        if page.html:
            seen[page.url] = _visible_text(response.content.decode())

    # "Your account" shows the reader their own username, and the admin's list of people each
    # login beside the name: there the login itself is the point.
    labels = {url: BARE_LOGIN.findall(text) for url, text in seen.items() if url not in LOGIN_SHOWN}
    assert {url: found for url, found in labels.items() if found} == {}
    for url in (f"/relationships/{pk}/", f"/reports/relationship/{pk}/"):
        assert SIAN in seen[url] and AN in seen[url], url


def test_the_findings_stored_and_the_due_list_name_the_people(world: World) -> None:
    """A finding about the co-producer is stored, and listed as due, with their name; its
    `concerns` keep their id."""
    world.relationship.participants.filter(slug="an").update(consent="given")
    reassess(world.relationship, reason="an agreed before it was explained")
    record = world.relationship.assessments.first()
    assert record is not None

    [finding] = [f for f in record.result["findings"] if f["code"] == "respect.consent_uninformed"]
    dashboard = _visible_text(
        world.client("professional").get("/relationships/due/").content.decode()
    )

    assert finding["message"].startswith(f"{AN} has agreed, but")
    assert finding["concerns"] == ["an"]
    assert f"{AN} has agreed, but" in dashboard
    assert BARE_LOGIN.findall(dashboard) == []


def test_the_pdf_names_people_by_their_display_names(world: World, tmp_path: Path) -> None:
    """The relationship report's PDF, as text, names both people and labels nobody by login."""
    client = world.client("professional")

    response = client.get(f"/reports/relationship/{world.relationship.pk}/report.pdf")
    text = _pdftotext(response.content, tmp_path)

    assert SIAN in text and AN in text
    assert BARE_LOGIN.findall(" ".join(text.split())) == []


def test_the_export_carries_the_display_names(world: World) -> None:
    """The case file a person downloads names both people, beside their ids."""
    data = yaml.safe_load(export_yaml(world.relationship))

    assert [(p["id"], p.get("name")) for p in data["participants"]] == [
        ("sian", SIAN),
        ("an", AN),
    ]


def test_the_service_report_names_the_professional(world: World) -> None:
    """The service report's page and CSV list the professional by display name, not login."""
    client = world.client("admin")

    page = _visible_text(client.get("/reports/service/").content.decode())
    csv = client.get("/reports/service.csv").content.decode()

    assert BARE_LOGIN.findall(page) == [] and BARE_LOGIN.findall(csv) == []
    assert SIAN in page or "professional" not in page.lower()


def test_the_invitation_accepts_a_name_in_any_script(world: World) -> None:
    """An invited co-producer may give their name in Vietnamese, and it names them after."""
    professional = world.client("professional")
    pk = world.relationship.pk
    revision = world.relationship.revision
    sent = professional.post(
        f"/relationships/{pk}/invite/",
        {"participant": "binh", "display_name": "Trần Thị Bình", "revision": revision},
    )
    link = re.search(r"/relationships/invitation/[^/\"<\s]+/", sent.content.decode())
    assert link is not None, sent.status_code

    accepted = Client().post(
        link[0],
        {
            "display_name": "Nguyễn Thị Bình",
            "username": "binh",
            "new_password1": "a long and unguessable phrase 7",
            "new_password2": "a long and unguessable phrase 7",
        },
    )
    page = _visible_text(professional.get(f"/relationships/{pk}/").content.decode())

    assert accepted.status_code == 302
    assert "Nguyễn Thị Bình" in page
