"""Every page is ready for another language: under a pseudo-translation (tests/pseudo_translation.py:
every string that goes through gettext comes back accented and bracketed) no visible text of
the page's own comes through in plain letters.

The page's own text is what the service says, the framework's words included (finding
messages and actions, headlines, VOCABULARY, spoken dates: the framework's translation hook,
docs/architecture.md, "Other languages"). Left out, as in the reading-grade test: what people
typed (the world's case file, names, usernames, email addresses, the organisation's name),
numbers, each language's name in its own words (the language choice), what the API's
documentation shows as code (addresses, parameters' names); and a validated
instrument's own words (its items, answers and credit), which only the instrument's validated
translation may replace, never a catalogue.

Pages are marked a few at a time. MARKED lists the pages walked here; NOT_YET lists, with
comments, the pages still to mark. A page any role reaches (tests/integration/pages.py) must be
in one of them, so nothing new appears unmarked, and NOT_YET only shrinks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import resolve, reverse

from mutuality.outcomes import item_text, shipped_instruments
from mutuality.web.accounts.models import User
from mutuality.web.api.endpoints import api
from mutuality.web.relationships.models import SafetyFlag
from tests.factories import World
from tests.integration.page_text import text_blocks
from tests.integration.pages import error_pages, pages_for, public_pages, publish_transparency
from tests.integration.test_access_matrix import OWN
from tests.integration.test_reading_grade import typed_values
from tests.pseudo_translation import PSEUDO, pseudo_translated, transformed

MARKED = {
    # Every page's frame (base.html, templates/_components/) is marked; these pages are too.
    "api-tokens",
    "api-docs",
    "accounts:account",
    "accounts:details",
    "accounts:language",
    "accounts:messages",
    "accounts:login",
    "about:help",
    "about:accessibility",
    "about:privacy",
    "outbox:undelivered",
    "outbox:demo-mail",
    "error 404",
    # The organisation's own pages, for its admin.
    "organisation:home",
    "organisation:people",
    "organisation:invite",
    "organisation:person",
    "organisation:record",
    "organisation:relationships",
    "organisation:assign",
    "organisation:settings",
    "organisation:details",
    "organisation:policy",
    "organisation:instruments",
    "organisation:erase",
    "organisation:retention",
    "organisation:exchange",
    # The relationship list, what is due, the audit log, help now, uploading a case file,
    # withdrawing consent, and every reason a 403 gives.
    "relationships:dashboard",
    "relationships:due",
    "relationships:audit",
    "relationships:help-now",
    "relationships:upload",
    "relationships:withdraw-consent",
    "error 403",
    # The relationship's questions, contract, details and outcomes pages (helper tr-b).
    "relationships:questions",
    "relationships:contract",
    "relationships:contract-agree",
    "relationships:contract-consent",
    "relationships:contract-edit",
    "relationships:contract-respond",
    "relationships:about",
    "relationships:approach",
    "relationships:capacity",
    "relationships:context",
    "relationships:people",
    "relationships:person",
    "relationships:together",
    "relationships:outcomes",
    "relationships:outcomes-fill-in",
    "relationships:outcomes-schedule",
    "relationships:outcomes-schedule-agree",
    "relationships:outcomes-start",
    # The reports (templates/reports/, mutuality/web/reports/) and one's own record.
    "accounts:record",
    "reports:relationship",
    "reports:service",
    "reports:transparency-review",
    "reports:transparency-public",
    "reports:transparency-version",
    # django-allauth's pages with our templates (templates/account/, templates/mfa/,
    # templates/usersessions/), and the people pages of a relationship (helper tr-e).
    "account_change_password",
    "account_reset_password",
    "account_reset_password_done",
    "account_reset_password_from_key",
    "account_reset_password_from_key_done",
    "account_inactive",
    "mfa_index",
    "accounts:sessions",
    "relationships:propose",
    "relationships:affected",
    "relationships:affected-change",
    "relationships:affected-none",
    "relationships:consent",
    "relationships:invite",
    # Supervision, worries and other records (templates/relationships/records/), with their
    # forms, choices and messages (helper tr-c).
    "relationships:consultation",
    "relationships:consultation-request",
    "relationships:contrast",
    "relationships:disclosure",
    "relationships:observation-resolve",
    "relationships:observe",
    "relationships:private-worries",
    "relationships:private-worry",
    "relationships:private-worry-resolve",
    "relationships:records",
    "relationships:review",
    "relationships:scrutiny",
    "relationships:stage",
    "relationships:supervision",
    # A relationship's page and a safety flag's, whose stored words (a flag's, the reasons of
    # the assessment history, the items of what is due) are kept as a message and its values.
    "relationships:detail",
    "relationships:safety-flag",
}
"""Pages whose every word is marked: walked under the pseudo-translation for each role."""

NOT_YET: set[str] = set()
"""Pages not yet marked, each group with what holds it back. Remove a page when it is marked,
and add it to MARKED."""

LETTER = re.compile(r"[A-Za-z]")


def _instruments_words() -> set[str]:
    """What a validated instrument says itself: its name, stem, items, answers and credit."""
    words = set()
    for instrument in shipped_instruments().values():
        words.add(instrument.name)
        if text := item_text(instrument):
            words |= {text.stem or "", *text.items, text.attribution, text.licence or ""}
            words |= {option.label for option in text.options}
    return {word for word in words if word}


def _api_code() -> set[str]:
    """What the API's documentation shows as code, the same in every language: each
    endpoint's method and address, its parameters' and bodies' names, and the address of the
    OpenAPI document."""
    document = api.get_openapi_schema()
    code = {"JSON", reverse("api:openapi-json"), *document["components"]["schemas"]}
    for route, operations in document["paths"].items():
        code |= {route, *(method.upper() for method in operations)}
        for operation in operations.values():
            code |= {parameter["name"] for parameter in operation.get("parameters", [])}
            bodies = operation.get("requestBody", {}).get("content", {}).values()
            code |= {body["schema"]["title"] for body in bodies if "title" in body["schema"]}
    return code


def page_key(url: str) -> str:
    """The name a page goes by in MARKED and NOT_YET: its URL pattern's name."""
    return resolve(urlsplit(url).path).view_name


def _reached(world: World) -> Iterator[tuple[str | None, str, int, str]]:
    """Every HTML page someone reaches: (standing or None signed out, URL, status, key)."""
    for standing in OWN:
        for page in pages_for(world, standing):
            if page.html:
                yield standing, page.url, 200, page_key(page.url)
        for url, status in error_pages(world, standing):
            yield standing, url, status, page_key(url) if status == 200 else f"error {status}"
    for page in public_pages():
        if page.html:
            yield None, page.url, 200, page_key(page.url)


def untransformed(html: str, left_out: list[str]) -> list[str]:
    """The blocks of the page's text that hold letters no translation touched."""
    found = []
    for block in text_blocks(html):
        own = block
        for text in sorted(left_out, key=len, reverse=True):  # whole words only, longest first
            own = re.sub(rf"(?<![\w\]]){re.escape(text)}(?![\w\[])", " ", own)
        if LETTER.search(own):
            found.append(block)
    return found


def _left_out(world: World) -> list[str]:
    typed = set(typed_values(world)) | _instruments_words() | _api_code()
    # A report starts a typed list item with a capital ("the walking routes").
    typed |= {text[:1].upper() + text[1:] for text in typed}
    # A flag the test world raised by hand, not through the service that writes a flag's words.
    typed |= set(SafetyFlag.objects.filter(words={}).values_list("detail", flat=True))
    typed |= {str(name) for _, name in settings.LANGUAGES}
    return sorted(typed, key=len, reverse=True)


def test_the_pseudo_translation_keeps_placeholders_and_tags() -> None:
    """A message's placeholders and HTML tags come through as they are; its letters do not."""
    # Arrange
    message = 'Hello %(name)s, read <a href="/x/">this</a> &amp; {count} more'

    # Act
    result = transformed(message)

    # Assert
    assert result == '[Ħḗŀŀǿ %(name)s, řḗȧḓ <a href="/x/">ŧħīş</a> &amp; {count} ḿǿřḗ]'


def test_an_unmarked_string_is_found_and_a_marked_one_is_not(world: World) -> None:
    """The check itself: a plain English block is reported, a transformed one and typed
    values are not."""
    # Arrange
    html = (
        f"<p>{transformed('Your relationships')}</p><p>Not marked</p>"
        f"<h1>{world.relationship.title}</h1><p>3 March 2026</p>"
    )

    # Act
    found = untransformed(html, _left_out(world))

    # Assert
    assert found == ["Not marked", "3 March 2026"]


@pytest.mark.parametrize("standing", [*OWN, None])
def test_every_marked_page_comes_through_the_pseudo_translation(
    world: World, standing: str | None
) -> None:
    """Each marked page this standing reaches shows no text of its own untranslated."""
    # Arrange
    publish_transparency(world)
    client = Client()
    if standing:
        User.objects.filter(pk=world.users[standing].pk).update(language=PSEUDO)
        client.force_login(world.users[standing])
    pages = [
        (url, status)
        for who, url, status, key in _reached(world)
        if who == standing and key in MARKED
    ]

    left_out = _left_out(world)  # after the pages: finding some adds what people type (a name)

    # Act
    found = {}
    with pseudo_translated():
        for url, status in pages:
            response = client.get(url, HTTP_ACCEPT_LANGUAGE=PSEUDO)
            assert response.status_code == status, url
            if blocks := untransformed(response.content.decode(), left_out):
                found[url] = blocks

    # Assert
    assert pages
    assert not found, "text not marked for translation:\n" + "\n".join(
        f"{url}: {block}" for url, blocks in found.items() for block in blocks
    )


def test_every_page_is_marked_or_listed_as_not_yet(world: World) -> None:
    """Every page a role reaches is in MARKED or NOT_YET, never both, and the lists name only
    pages someone reaches."""
    # Arrange
    publish_transparency(world)

    # Act
    reached = {key for _, _, _, key in _reached(world)}

    # Assert
    assert sorted(reached - MARKED - NOT_YET) == [], "pages in neither list"
    assert sorted(MARKED & NOT_YET) == [], "pages in both lists"
    assert sorted((MARKED | NOT_YET) - reached) == [], "pages listed that nobody reaches"
