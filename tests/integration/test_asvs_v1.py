"""OWASP ASVS 5.0.0, V1 (encoding and sanitisation), through the web app: what people type is
decoded once and kept as typed, escaped for where it lands (a page, an attribute, a link, JSON,
a template, a format string, an email header), and never read as markup, code or XML
(SECURITY.md lists each requirement)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest
import yaml
from django.utils.html import escape

from mutuality.web.accounts.models import Organisation, User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.outbox.models import OutgoingMessage
from mutuality.web.relationships.actions import reassess
from mutuality.web.relationships.models import Relationship
from tests.factories import World
from tests.integration.upload_world import everything, export_as, unchanged, upload

# Markup that would end a tag, an attribute or a script if it were written out as it is.
HOSTILE = '"\'><script>alert(1)</script><b onmouseover="x">&amp;'


def _fresh(world: World) -> Relationship:
    return Relationship.objects.get(pk=world.relationship.pk)


def _retitle(world: World, title: str) -> Any:
    """The professional renames the work on its "about" page."""
    return world.client("professional").post(
        f"/relationships/{world.relationship.pk}/about/",
        {"revision": _fresh(world).revision, "title": title, "setting": "community"},
    )


def _page(response: Any) -> str:
    assert response.status_code == 200
    return str(response.content.decode())


def _pdftotext(pdf: bytes, folder: Path) -> str:
    """The PDF's text, by poppler-utils' pdftotext (`make test` installs it)."""
    found = shutil.which("pdftotext")
    assert found, "pdftotext is missing: install Debian's poppler-utils"
    path = folder / "report.pdf"
    path.write_bytes(pdf)
    run = subprocess.run([found, str(path), "-"], capture_output=True, check=True, text=True)
    return run.stdout


@pytest.mark.asvs("1.1.1")
def test_typed_text_is_decoded_once_and_kept_as_typed(world: World) -> None:
    """Percent signs, escapes and entities someone types are decoded once, as the request
    arrives, and kept exactly as typed: nothing decodes them a second time."""
    # Arrange
    typed = "50%25 off %3Cb%3E &amp; \\u0041 %2e%2e/"

    # Act
    response = _retitle(world, typed)

    # Assert
    assert response.status_code == 302
    assert _fresh(world).title == typed
    assert _fresh(world).title != unquote_plus(typed)


@pytest.mark.asvs("1.1.1")
def test_an_escaped_control_character_is_decoded_before_it_is_checked(world: World) -> None:
    """A NUL written as an escape in a case file is decoded when the file is read, then refused
    by the check of its field, so an escape cannot carry it past the check; nothing changes."""
    # Arrange
    text = export_as(world, "professional").replace(
        "title: ", 'title: "walking \\0 group" # was: ', 1
    )
    before = everything(world)

    # Act
    response = upload(world, "professional", text.encode())

    # Assert
    assert "title: got text with a control character (U+0000)" in _page(response)
    assert unchanged(before, everything(world)) == []


@pytest.mark.asvs("1.1.2", "1.2.1")
def test_markup_is_kept_as_typed_and_escaped_once_where_it_is_shown(world: World) -> None:
    """Markup in a title is stored as typed (never escaped on the way in) and escaped as the
    page is written, once, both between tags and inside the form field's value attribute."""
    # Arrange
    _retitle(world, HOSTILE)
    escaped = escape(HOSTILE)
    pk = world.relationship.pk

    # Act
    detail = _page(world.client("professional").get(f"/relationships/{pk}/"))
    form = _page(world.client("professional").get(f"/relationships/{pk}/about/"))

    # Assert
    assert _fresh(world).title == HOSTILE
    for page in (detail, form):
        assert "<script>alert(1)</script>" not in page
        assert "<b onmouseover" not in page
        assert escape(escaped) not in page  # not escaped twice
    assert escaped in detail
    assert f'value="{escaped}"' in form


@pytest.mark.asvs("1.2.2")
def test_filters_go_back_into_links_encoded_for_a_query_string(world: World) -> None:
    """What an admin types into the audit log's filters never reaches the download link built
    from them (it is kept in the session: docs/security.md, "What goes in an address"), and
    the code filters that do are percent-encoded, so nothing typed can end the attribute or
    add a parameter."""
    # Arrange
    who = 'Kaur" onclick="alert(1)&action=create'
    supervisor = world.users["supervisor"]
    User.objects.filter(pk=supervisor.pk).update(display_name=f"Dr {who}")
    AuditEvent.objects.create(
        user=supervisor,
        organisation_id=world.relationship.organisation_id,
        action="view",
        object_type="relationships.Relationship",
        object_id=str(world.relationship.pk),
        relationship_id=world.relationship.pk,
    )

    admin = world.client("admin")

    # Act
    admin.post("/relationships/audit/", {"who": who})
    page = _page(admin.get("/relationships/audit/", {"action": "view"}))

    # Assert
    link = page.split('href="/relationships/audit.csv?', 1)[1].split('"', 1)[0]
    assert link == "action=view"
    assert 'onclick="alert' not in page


@pytest.mark.asvs("1.2.2")
def test_an_address_someone_types_never_becomes_a_link(world: World) -> None:
    """Crisis lines holding a javascript: address and a web address are shown as text: no
    page makes a link of anything typed, so no unsafe scheme can reach an href."""
    # Arrange
    organisation = Organisation.objects.get(pk=world.relationship.organisation_id)
    lines = "Out of hours: javascript:alert(1)\nMore at https://crisis.example.org/help"
    world.client("admin").post(
        "/organisation/settings/crisis-lines-and-report-name/",
        {"revision": organisation.revision, "crisis_text": lines, "report_name": ""},
    )

    # Act
    page = _page(
        world.client("co_producer").get(f"/relationships/{world.relationship.pk}/help-now/")
    )

    # Assert
    assert "Out of hours: javascript:alert(1)<br>More at https://crisis.example.org/help" in page
    assert 'href="javascript:' not in page
    assert 'href="https://crisis.example.org' not in page


@pytest.mark.asvs("1.2.3")
def test_the_json_download_keeps_hostile_text_as_one_string(world: World) -> None:
    """A title built to break out of a JSON string comes back from the person's JSON download
    as the same single string, with no key added."""
    # Arrange
    title = '", "injected": true, "x": "</script><script>alert(1)</script>'
    _retitle(world, title)

    # Act
    response = world.client("co_producer").get("/accounts/record.json")

    # Assert
    data = json.loads(response.content)
    (relationship,) = data["relationships"]
    assert response["Content-Type"].startswith("application/json")
    assert relationship["title"] == title
    assert "injected" not in relationship


@pytest.mark.asvs("1.2.4", "1.2.9")
@pytest.mark.parametrize(
    "typed", ["x' OR '1'='1", "%", "_", "' ; DROP TABLE relationships_relationship; --"]
)
def test_search_text_is_a_value_never_part_of_the_query(world: World, typed: str) -> None:
    """SQL and LIKE wildcards typed into the dashboard's search and the audit log's filters
    match only themselves (no title holds them), and every table is still there."""
    # Arrange
    admin = world.client("admin")

    # Act
    dashboard = _page(admin.post("/relationships/", {"q": typed}, follow=True))
    audit = _page(
        admin.post("/relationships/audit/", {"who": typed, "relationship": typed}, follow=True)
    )

    # Assert
    assert "No relationship matches this search" in dashboard
    assert "No events match these filters" in audit
    assert Relationship.objects.count() == 2


@pytest.mark.asvs("1.3.7")
def test_template_syntax_in_typed_text_is_shown_never_run(world: World, tmp_path: Path) -> None:
    """Template tags in a title are printed as they were typed on the report's page and in
    its PDF (made by WeasyPrint from the same templates): no template is built from them."""
    # Arrange
    title = "{% debug %}{{ settings.SECRET_KEY }}{{ request.user.password }}"
    _retitle(world, title)
    pk = world.relationship.pk
    client = world.client("co_producer")

    # Act
    page = _page(client.get(f"/reports/relationship/{pk}/"))
    pdf = client.get(f"/reports/relationship/{pk}/report.pdf").content

    # Assert
    assert escape(title) in page
    assert title in _pdftotext(pdf, tmp_path)
    assert "SECRET_KEY" in page and "pbkdf2" not in page.lower()


@pytest.mark.asvs("1.3.10")
def test_format_placeholders_in_a_name_are_shown_as_typed(world: World) -> None:
    """A display name holding format placeholders is put into a finding's words as it is:
    the sentence and the list of what is due show it, never read as a placeholder."""
    # Arrange
    name = "Tom {0.__class__} {who} %(who)s %s"
    User.objects.filter(pk=world.users["co_producer"].pk).update(display_name=name)
    world.relationship.participants.filter(role="recipient").update(consent="given")
    reassess(world.relationship, reason="a name with placeholders")

    # Act
    record = world.relationship.assessments.first()
    due = _page(world.client("professional").get("/relationships/due/"))

    # Assert
    assert record is not None
    messages = [f["message"] for f in record.result["findings"]]
    assert f"{name} has agreed, but" in " ".join(messages)
    assert escape(name) + " has agreed, but" in due


@pytest.mark.asvs("1.3.11")
@pytest.mark.parametrize(
    "address", ["new@example.org\r\nBcc: spy@example.org", "new@example.org\nSubject: hi"]
)
def test_an_address_carrying_a_header_is_refused_before_any_email(
    world: World, address: str
) -> None:
    """An invitation whose email address smuggles in a mail header is refused, naming the
    field; no login is made and nothing is put in the outbox."""
    # Arrange
    users = User.objects.count()

    # Act
    response = world.client("admin").post(
        "/organisation/people/invite/",
        {"display_name": "Sam", "email": address, "username": "sam", "role": "supervisor"},
    )

    # Assert
    assert response.status_code == 200
    assert "Enter an email address in the right form" in " ".join(
        response.context["form"].errors["email"]
    )
    assert User.objects.count() == users
    assert not OutgoingMessage.objects.exists()


@pytest.mark.asvs("1.3.11")
def test_a_name_with_line_breaks_stays_out_of_the_mail_headers(world: World) -> None:
    """A name holding a line break and a header goes only into the email's text: its
    recipient is the one address and its subject the service's own words."""
    # Arrange
    name = "Sam\r\nBcc: spy@example.org"

    # Act
    world.client("admin").post(
        "/organisation/people/invite/",
        {"display_name": name, "email": "sam@example.org", "username": "sam", "role": "supervisor"},
    )

    # Assert
    (message,) = OutgoingMessage.objects.all()
    assert message.to == "sam@example.org"
    assert "\n" not in message.subject and "spy@" not in message.subject


@pytest.mark.asvs("1.5.1")
def test_an_xml_file_with_an_external_entity_is_refused_unread(world: World) -> None:
    """A case file written as XML with an external entity is not a case file: it is refused
    in plain words, the file the entity names is never read, and nothing changes."""
    # Arrange
    xml = (
        b'<?xml version="1.0"?>\n<!DOCTYPE case [<!ENTITY leak SYSTEM "file:///etc/passwd">]>\n'
        b"<case><title>&leak;</title></case>\n"
    )
    before = everything(world)

    # Act
    page = _page(upload(world, "professional", xml))

    # Assert
    assert "root:" not in page
    assert "The case file" in page
    assert unchanged(before, everything(world)) == []


@pytest.mark.asvs("1.5.2")
@pytest.mark.parametrize(
    "tag",
    ["!!python/object/apply:os.system ['touch /tmp/mutuality-owned']", "!!python/name:os.system"],
)
def test_a_case_file_cannot_make_a_python_object(world: World, tag: str) -> None:
    """A case file asking the YAML reader for a Python object or function is refused: only
    plain text, numbers, lists and mappings are ever made; nothing changes."""
    # Arrange
    data = yaml.safe_load(export_as(world, "professional"))
    text = yaml.safe_dump(data).replace("title: ", f"title: {tag} # was: ", 1)
    before = everything(world)

    # Act
    page = _page(upload(world, "professional", text.encode()))

    # Assert
    assert "could not determine a constructor" in page
    assert unchanged(before, everything(world)) == []
