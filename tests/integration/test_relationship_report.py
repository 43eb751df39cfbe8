"""The relationship report, as a page and as a PDF: what it says, who may read it, what each
reader sees of the observations, that downloads are audited, and that the PDF is real text on
pages that are not blank."""

from __future__ import annotations

import contextlib
import re
import shutil
import subprocess
import zlib
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from mutuality.framework import HEADLINES, headline, load_case
from mutuality.web.accounts.models import Organisation, User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.actions import latest_assessment
from mutuality.web.relationships.case_io import import_case
from mutuality.web.relationships.models import Relationship
from mutuality.web.reports.views import relationship as views
from tests.factories import World, build_world

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CASE = EXAMPLES / "cbt-shared-formulation.yaml"
TITLE = "A shared formulation in CBT for panic and low mood"
SECRET = "I feel I cannot say no to the experiments"


@pytest.fixture
def world(db: None) -> World:
    """The shared world on the CBT example instead of the walking group."""
    return build_world(load_case(CASE))


def _page(relationship: Relationship) -> str:
    return reverse("reports:relationship", kwargs={"pk": relationship.pk})


def _pdf(relationship: Relationship) -> str:
    return reverse("reports:relationship-pdf", kwargs={"pk": relationship.pk})


def _download(client: Client, relationship: Relationship) -> bytes:
    response = client.get(_pdf(relationship))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def _poppler(tool: str, *args: str) -> str:
    """Run one of Debian's poppler-utils (`make test` installs them) and return what it says."""
    found = shutil.which(tool)
    assert found, f"{tool} is missing: install Debian's poppler-utils"
    return subprocess.run([found, *args], capture_output=True, check=True, text=True).stdout


def _pdftotext(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    return " ".join(_poppler("pdftotext", "-layout", str(path), "-").split())


def _pdfinfo(pdf: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    pairs = (line.split(":", 1) for line in _poppler("pdfinfo", str(path)).splitlines())
    return {pair[0].strip(): pair[1].strip() for pair in pairs if len(pair) == 2}


def _gray_pages(pdf: bytes, tmp_path: Path) -> list[bytes]:
    """Each page as 8-bit grey pixels, from `pdftoppm -gray` (binary PGM, trivial to read)."""
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)
    _poppler("pdftoppm", "-r", "50", "-gray", str(path), str(tmp_path / "page"))
    return [_pgm_pixels(p.read_bytes()) for p in sorted(tmp_path.glob("page*.pgm"))]


def _pgm_pixels(data: bytes) -> bytes:
    """The pixels of a binary PGM: "P5", width, height, maxval, one whitespace, then bytes."""
    fields: list[bytes] = []
    at = 0
    while len(fields) < 4:
        while data[at : at + 1].isspace():
            at += 1
        end = at
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[at:end])
        at = end
    assert fields[0] == b"P5" and fields[3] == b"255"
    width, height = int(fields[1]), int(fields[2])
    return data[at + 1 : at + 1 + width * height]


def _catalogue_languages(pdf: bytes) -> set[str]:
    """Every /Lang the PDF declares, looking inside its compressed object streams too."""
    found = set(re.findall(rb"/Lang ?(\([^)]*\))", pdf))
    for start in re.finditer(rb"stream\r?\n", pdf):
        with contextlib.suppress(zlib.error):
            found |= set(
                re.findall(
                    rb"/Lang ?(\([^)]*\))", zlib.decompressobj().decompress(pdf[start.end() :])
                )
            )
    return {value.decode() for value in found}


def test_the_report_has_every_section_in_plain_words(world: World) -> None:
    """The co-producer's report says what the relationship is, who agreed what, each principle,
    scrutiny, records and outcomes, under the stored assessment's headline."""
    recommendation = latest_assessment(world.relationship).recommendation

    response = world.client("co_producer").get(_page(world.relationship))

    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "In short",
        "What this relationship is",
        "Who agreed what, and when",
        "The four principles",
        "How this relationship is checked from outside",
        "Things shared, and worries raised",
        "Wellbeing over time",
        "What the numbers mean",
    ):
        assert f">{heading}</h" in html, heading
    assert HEADLINES[recommendation] in html
    assert "gethin (you), the co-producer: agrees" in html
    assert "Version 2 (the latest)" in html
    assert "gethin agreed to it on" in html and "noor agreed to it on" in html
    assert "gethin&#x27;s partner: agreement not needed" in html
    assert "Respect: met" in html
    assert "gethin&#x27;s scores on PHQ-9 show reliable improvement" in html
    assert "At least every 56 days" in html and "9 November 2026" in html
    assert "<svg" in html and "cut-off" in html
    assert (
        "gethin: PHQ-9" in html
        and "Reliable improvement (recovered: it also crossed the cut-off)" in html
    )


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_the_headline_and_findings_are_the_stored_assessments(world: World, example: Path) -> None:
    """Whatever the case, the report leads with the stored assessment's headline and lists
    each of its findings under its principle."""
    relationship = import_case(load_case(example), world.relationship.organisation)
    relationship.participants.filter(role="professional").update(user=world.users["professional"])
    result = latest_assessment(relationship).result

    html = world.client("professional").get(_page(relationship)).content.decode()

    said = headline(result["recommendation"], result["stage"])  # as the relationship page says
    assert f"What the assessment says: </span>{said}" in html
    for finding in result["findings"]:
        assert f'data-code="{finding["code"]}"' in html


def _private_worry(world: World) -> None:
    world.relationship.private_worries.create(
        date="2026-11-20", kind="boundary_drift", note=SECRET, raised_by=world.users["co_producer"]
    )


def test_a_private_worry_is_in_its_raisers_report_alone(world: World) -> None:
    """A worry the co-producer raised privately is in their own report (ADR 0015), never the
    professional's, the reviewer's, the admin's or even the supervisor's (who reads it on its
    own page): not its note, nor its kind."""
    _private_worry(world)

    pages = {
        standing: world.client(standing).get(_page(world.relationship)).content.decode()
        for standing in ("supervisor", "co_producer", "professional", "reviewer", "admin")
    }

    assert {s: SECRET in html for s, html in pages.items()} == {
        "supervisor": False,
        "co_producer": True,
        "professional": False,
        "reviewer": False,
        "admin": False,
    }
    assert "Boundaries slipping" in pages["co_producer"]
    assert all("Boundaries slipping" not in pages[s] for s in ("professional", "admin"))


def test_a_private_worry_is_in_its_raisers_pdf_alone(world: World, tmp_path: Path) -> None:
    """The PDF follows the same rule as the page: the raiser's has the worry, the
    professional's does not."""
    _private_worry(world)

    raisers = _pdftotext(_download(world.client("co_producer"), world.relationship), tmp_path)
    professionals = _pdftotext(
        _download(world.client("professional"), world.relationship), tmp_path
    )

    assert SECRET in raisers
    assert SECRET not in professionals


STANDINGS = [
    "professional",
    "co_producer",
    "supervisor",
    "reviewer",
    "admin",
    "other_professional",
    "other_admin",
]
# Anyone who may see the relationship may read and download its report; on a relationship that
# is not theirs, only the organisation's admin and that relationship's own professional may.
MAY_READ = {
    True: {"professional", "co_producer", "supervisor", "reviewer", "admin"},
    False: {"admin", "other_professional"},
}
OUTSIDERS = {"supervisor", "reviewer", "admin", "other_admin"}


@pytest.mark.parametrize("which", ["page", "pdf"])
@pytest.mark.parametrize("standing", STANDINGS)
@pytest.mark.parametrize("theirs", [True, False], ids=["theirs", "not-theirs"])
def test_who_may_open_the_report(world: World, which: str, standing: str, theirs: bool) -> None:
    """Each standing opens the report of a relationship they see, and gets 404 for any other;
    an outsider's read of the page is audited, and every download is."""
    relationship = world.relationship if theirs else world.other
    url = _page(relationship) if which == "page" else _pdf(relationship)

    response = world.client(standing).get(url)

    allowed = standing in MAY_READ[theirs]
    assert response.status_code == (200 if allowed else 404)
    events = AuditEvent.objects.filter(relationship_id=relationship.pk, user=world.users[standing])
    if which == "pdf":
        assert events.filter(action="export").exists() == allowed
    else:
        assert events.filter(action="view").exists() == (allowed and standing in OUTSIDERS)


@pytest.mark.parametrize("which", ["page", "pdf"])
def test_someone_signed_out_is_sent_to_sign_in(world: World, which: str) -> None:
    """Signed out, neither the page nor the PDF is shown, and nothing is recorded."""
    url = _page(world.relationship) if which == "page" else _pdf(world.relationship)

    response = Client().get(url)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not AuditEvent.objects.filter(relationship_id=world.relationship.pk).exists()


def test_a_download_is_audited_as_an_export(world: World) -> None:
    """The co-producer's download of their own report is recorded: who, what, which page."""
    _download(world.client("co_producer"), world.relationship)

    event = AuditEvent.objects.get(relationship_id=world.relationship.pk, action="export")
    assert event.user == world.users["co_producer"]
    assert event.detail == {"page": "report.pdf"}


def test_the_report_takes_only_get(world: World) -> None:
    """The report is read-only: a POST is refused and writes nothing."""
    response = world.client("professional").post(_page(world.relationship))

    assert response.status_code == 405


def test_the_relationship_page_links_to_the_report(world: World) -> None:
    """Everyone who sees the relationship finds the report from its page."""
    detail = reverse("relationships:detail", kwargs={"pk": world.relationship.pk})

    html = world.client("reviewer").get(detail).content.decode()

    assert f'href="{_page(world.relationship)}"' in html


def test_the_pdf_is_text_on_pages_that_are_not_blank(world: World, tmp_path: Path) -> None:
    """Every page of the PDF has ink on it, and its text can be extracted: the title, the
    headline and the outcome table."""
    recommendation = latest_assessment(world.relationship).recommendation

    pdf = _download(world.client("co_producer"), world.relationship)

    pages = _gray_pages(pdf, tmp_path)
    assert len(pages) >= 2
    for number, pixels in enumerate(pages, start=1):
        ink = sum(1 for value in pixels if value < 200)
        assert ink > 0.002 * len(pixels), f"page {number} is blank"
    text = _pdftotext(pdf, tmp_path)
    assert TITLE in text
    assert HEADLINES[recommendation] in text
    assert "What the numbers mean" in text
    assert "gethin: PHQ-9" in text


def test_the_pdf_has_a_title_a_language_and_a_date(world: World, tmp_path: Path) -> None:
    """The PDF's metadata names the report, says it is in British English, dates it, and it
    is tagged for screen readers."""
    pdf = _download(world.client("co_producer"), world.relationship)

    info = _pdfinfo(pdf, tmp_path)
    assert info["Title"] == f"Relationship report: {TITLE}"
    assert info["Tagged"] == "yes"
    assert info["CreationDate"]
    assert "(en-GB)" in _catalogue_languages(pdf)


def test_a_machine_that_cannot_make_pdfs_says_so_plainly(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without Pango, WeasyPrint raises OSError: the page explains, never a 500."""
    organisation = Organisation.objects.create(slug="pdfless", name="Trust")
    relationship = import_case(load_case(EXAMPLES / "cbt-shared-formulation.yaml"), organisation)
    user = User.objects.create_user(
        username="pdfless",
        password="a long test password 123",
        organisation=organisation,
        has_second_factor=True,  # staff need one (ADR 0010)
    )
    relationship.participants.filter(role="professional").update(user=user)

    def broken(html: str) -> bytes:
        raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setattr(views, "_pdf", broken)
    client = Client()
    client.force_login(user)

    response = client.get(f"/reports/relationship/{relationship.pk}/report.pdf")

    assert response.status_code == 503
    assert "The PDF cannot be made just now" in response.content.decode()
