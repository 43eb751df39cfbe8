"""OWASP ASVS 5.0.0, 14.2.1: no personal data in an address. A person's pages go by their
participant number, never their id in the case (often a first name); and the words typed into
the dashboard's and the audit log's search boxes are posted and kept in the session, so the
address, the browser's history and any proxy's log never hold them (docs/security.md, "What
goes in an address")."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.actions import reassess
from tests.factories import World
from tests.integration.pages import relationship_pages
from tests.integration.test_access_matrix import OWN

pytestmark = pytest.mark.asvs("14.2.1")

DASHBOARD = "/relationships/"
AUDIT = "/relationships/audit/"
TITLE = "Allotment mornings"  # the other relationship's own title, to search for
LINKS = re.compile(r'(?:href|action)="([^"]*)"')


@pytest.fixture
def world(world: World) -> World:
    """The shared world, its second relationship given a title of its own (and reassessed, as
    the lists read the rows an assessment writes), and an event by its professional."""
    world.other.title = TITLE
    world.other.save()
    reassess(world.other, reason="retitled for the test")
    AuditEvent.objects.create(
        user=world.users["other_professional"],
        organisation_id=world.other.organisation_id,
        action="update",
        object_type="relationships.Relationship",
        object_id=str(world.other.pk),
        relationship_id=world.other.pk,
    )
    return world


def _cards(html: str) -> set[int]:
    """The relationships a dashboard page lists, by number."""
    return {
        int(pk) for pk in re.findall(r'class="nhsuk-card__link" href="/relationships/(\d+)/"', html)
    }


def _csrf(client: Client, url: str) -> str:
    """The CSRF token the page's form carries."""
    html = client.get(url).content.decode()
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "the search form carries no CSRF token"
    return found.group(1)


def _signed_in(world: World, standing: str) -> Client:
    """A client that checks CSRF tokens, as a browser's requests are checked."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[standing])
    return client


def _audit_rows(html: str) -> int:
    """How many events the audit log's page lists."""
    if 'id="audit-events"' not in html:
        return 0
    body = html.split('id="audit-events"')[1].split("<tbody")[1].split("</tbody>")[0]
    return body.count("<tr>")


def test_no_link_to_a_persons_page_holds_their_id_in_the_case(world: World) -> None:
    """Every page of the relationship, for every role that can open it, links to a person's
    pages by number: no address holds a participant's slug."""
    slugs = set(world.relationship.participants.values_list("slug", flat=True))
    numbers = set(world.relationship.participants.values_list("pk", flat=True))
    person_links: set[str] = set()

    for standing in OWN:
        client = world.client(standing)
        for page in relationship_pages(world, standing):
            if page.html:
                html = client.get(page.url).content.decode()
                person_links |= {u for u in LINKS.findall(html) if "/people/" in u}

    named = [u for u in person_links if any(f"/people/{slug}/" in u for slug in slugs)]
    assert named == []
    by_number = {int(n) for n in re.findall(r"/people/(\d+)/", " ".join(person_links))}
    assert by_number and by_number <= numbers


def test_a_person_of_another_relationship_is_not_found_by_number(world: World) -> None:
    """A participant's number is looked up within the relationship in the address: another
    relationship's participant is a 404 on both person pages, and one's own opens."""
    client = world.client("professional")
    own = world.relationship.participants.get(role="recipient").pk
    theirs = world.other.participants.get(role="recipient").pk
    base = f"/relationships/{world.relationship.pk}/people"

    answers = [client.get(f"{base}/{theirs}/{tail}").status_code for tail in ("", "capacity/")]

    assert answers == [404, 404]
    assert client.get(f"{base}/{own}/").status_code == 200
    assert client.get(f"{base}/tomasz/").status_code == 404  # the slug is no address now


def test_a_dashboard_search_is_posted_kept_and_never_in_the_address(world: World) -> None:
    """Posting the search narrows the list, sends the person back to the plain address, and
    the next visit still shows it (in the box, with "Clear search"), in no link of the page."""
    client = _signed_in(world, "admin")
    token = _csrf(client, DASHBOARD)

    response = client.post(DASHBOARD, {"q": TITLE, "csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert response["Location"] == DASHBOARD
    html = client.get(response["Location"]).content.decode()
    assert _cards(html) == {world.other.pk}
    assert f'value="{TITLE}"' in html and "Clear search" in html
    assert not [u for u in LINKS.findall(html) if "Allotment" in u]
    assert _cards(client.get(DASHBOARD).content.decode()) == {world.other.pk}  # kept


def test_the_code_filters_stay_in_the_address_and_the_words_do_not(world: World) -> None:
    """A stage (a code from a fixed list) goes in the address the post sends the person to;
    the words typed beside it do not."""
    client = _signed_in(world, "admin")
    token = _csrf(client, DASHBOARD)

    response = client.post(
        DASHBOARD, {"q": TITLE, "stage": "proposed", "csrfmiddlewaretoken": token}
    )

    assert response["Location"] == f"{DASHBOARD}?stage=proposed"


def test_clearing_the_dashboard_search_lists_everything_again(world: World) -> None:
    """ "Clear search" forgets the search: the plain address lists every relationship again."""
    client = _signed_in(world, "admin")
    token = _csrf(client, DASHBOARD)
    client.post(DASHBOARD, {"q": TITLE, "csrfmiddlewaretoken": token})

    response = client.post(DASHBOARD, {"q": TITLE, "clear": "1", "csrfmiddlewaretoken": token})

    assert response["Location"] == DASHBOARD
    html = client.get(DASHBOARD).content.decode()
    assert _cards(html) == {world.relationship.pk, world.other.pk}
    assert f'value="{TITLE}"' not in html


def test_one_persons_search_leaves_anothers_list_alone(world: World) -> None:
    """The search is kept in the searcher's own session: another person signed in at the same
    time sees their whole list and an empty box."""
    searcher = _signed_in(world, "admin")
    searcher.post(DASHBOARD, {"q": TITLE, "csrfmiddlewaretoken": _csrf(searcher, DASHBOARD)})

    html = world.client("professional").get(DASHBOARD).content.decode()

    assert _cards(html) == {world.relationship.pk}
    assert TITLE not in html


def test_a_search_in_the_address_is_not_read(world: World) -> None:
    """An address carrying a search (an old bookmark) narrows nothing: searches come from the
    session only."""
    html = world.client("admin").get(f"{DASHBOARD}?q=Allotment").content.decode()

    assert _cards(html) == {world.relationship.pk, world.other.pk}


def test_a_search_without_the_csrf_token_is_refused(world: World) -> None:
    """A search posted from another site (no CSRF token) is refused, and nothing is kept."""
    client = _signed_in(world, "admin")

    response = client.post(DASHBOARD, {"q": TITLE})

    assert response.status_code == 403
    assert _cards(client.get(DASHBOARD).content.decode()) == {world.relationship.pk, world.other.pk}


@pytest.mark.parametrize(
    ("url", "field", "label"),
    [
        (DASHBOARD, "q", "Search by title or person"),
        (AUDIT, "who", "Who did it"),
        (AUDIT, "relationship", "Relationship"),
    ],
)
def test_a_search_too_long_is_refused_naming_the_box(
    world: World, url: str, field: str, label: str
) -> None:
    """More than 200 characters is refused on the page, beside the box it was typed in, and
    nothing is kept: the next visit is not searched."""
    client = _signed_in(world, "admin")
    token = _csrf(client, url)

    response = client.post(url, {field: "x" * 201, "csrfmiddlewaretoken": token})

    html = response.content.decode()
    assert response.status_code == 200
    # The summary names the problem and links to the box it is about.
    assert "There is a problem" in html and f'href="#id_{field}"' in html and label in html
    assert "at most 200 characters" in html
    assert "x" * 201 not in client.get(url).content.decode()


def test_an_audit_log_search_is_posted_kept_and_matches_the_download(world: World) -> None:
    """Posting who did it and the relationship narrows the audit log, sends the admin back to
    the plain address, shows the words again on the next visit, and the download (whose link
    holds no words) lists the same events."""
    client = _signed_in(world, "admin")
    token = _csrf(client, AUDIT)
    world.client("supervisor").get(f"/relationships/{world.relationship.pk}/")  # a view
    everything = _audit_rows(client.get(AUDIT).content.decode())

    response = client.post(
        AUDIT,
        {"who": "sup", "relationship": str(world.relationship.pk), "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    assert response["Location"] == AUDIT
    html = client.get(AUDIT).content.decode()
    shown = _audit_rows(html)
    assert 0 < shown < everything
    assert 'value="sup"' in html and "Clear search" in html
    download = re.search(r'href="(/relationships/audit\.csv[^"]*)"', html)
    assert download and "sup" not in download.group(1)
    csv_lines = client.get(download.group(1)).getvalue().decode().splitlines()
    assert len(csv_lines) - 1 == shown  # a header, then a row per event shown


def test_clearing_the_audit_log_search_shows_every_event(world: World) -> None:
    """ "Clear search" on the audit log forgets the words: every event shows again."""
    client = _signed_in(world, "admin")
    token = _csrf(client, AUDIT)
    world.client("supervisor").get(f"/relationships/{world.relationship.pk}/")
    everything = _audit_rows(client.get(AUDIT).content.decode())
    client.post(AUDIT, {"who": "nobody-at-all", "csrfmiddlewaretoken": token})
    assert _audit_rows(client.get(AUDIT).content.decode()) == 0

    response = client.post(AUDIT, {"clear": "1", "csrfmiddlewaretoken": token})

    assert response["Location"] == AUDIT
    assert _audit_rows(client.get(AUDIT).content.decode()) == everything
