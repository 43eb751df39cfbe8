"""The dashboard never reads better than the relationship's own page: each card's headline is
the page's, a new relationship with nothing agreed is not told to go ahead, and what needs
doing on a card speaks to its reader as the page does."""

from __future__ import annotations

import re

import pytest

from mutuality.framework import HEADLINES, NOT_READY
from mutuality.web.relationships.actions import people
from mutuality.web.relationships.models import Relationship
from tests.factories import World

CARD = re.compile(
    r'<a class="nhsuk-card__link" href="/relationships/(\d+)/">.*?</a>\s*</h3>\s*'
    r'<p class="nhsuk-card__description"><strong>(.*?)\.</strong>',
    re.S,
)
PAGE = re.compile(r'<div class="nhsuk-inset-text" id="recommendation">.*?<h2[^>]*>(.*?)</h2>', re.S)


def _fresh(world: World) -> Relationship:
    """A brand-new relationship: nobody has consented and there is no contract yet."""
    relationship = people.propose(
        by=world.users["professional"],
        title="Fresh start",
        setting="peer_support",
        co_produced=[],
        my_id="pro",
        their_id="cop",
        supervisor=world.users["supervisor"],
    )
    relationship.participants.filter(slug="cop").update(user=world.users["co_producer"])
    return relationship


def _cards(html: str) -> dict[int, str]:
    return {int(pk): headline for pk, headline in CARD.findall(html)}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_new_relationship_without_consent_or_contract_is_not_ready_on_the_dashboard(
    world: World,
) -> None:
    """Its card and its page say it is not ready to start, never "Go ahead, with safeguards"."""
    fresh = _fresh(world)
    client = world.client("professional")

    cards = _cards(client.get("/relationships/").content.decode())
    page = client.get(f"/relationships/{fresh.pk}/").content.decode()

    assert cards[fresh.pk] == NOT_READY
    assert PAGE.findall(page) == [NOT_READY]
    assert HEADLINES["proceed_with_safeguards"] not in page


@pytest.mark.parametrize("standing", ["professional", "co_producer", "supervisor", "admin"])
def test_each_cards_headline_is_its_relationship_pages(world: World, standing: str) -> None:
    """For every relationship the reader's dashboard lists, the card reads as the page does."""
    _fresh(world)
    client = world.client(standing)

    cards = _cards(client.get("/relationships/").content.decode())
    pages = {pk: PAGE.findall(client.get(f"/relationships/{pk}/").content.decode()) for pk in cards}

    assert cards
    assert {pk: [headline] for pk, headline in cards.items()} == pages


def test_the_filter_finds_a_relationship_under_the_headline_its_card_reads(world: World) -> None:
    """Filtering on "not ready" finds the new relationship; "go ahead, with safeguards" does
    not."""
    fresh = _fresh(world)
    client = world.client("professional")

    not_ready = _cards(client.get("/relationships/?recommendation=not_ready").content.decode())
    safeguards = _cards(
        client.get("/relationships/?recommendation=proceed_with_safeguards").content.decode()
    )

    assert not_ready == {fresh.pk: NOT_READY}
    assert fresh.pk not in safeguards


def test_what_needs_doing_on_a_card_speaks_to_the_co_producer(world: World) -> None:
    """The co-producer reads "You have not yet been asked" on their card, not their own name;
    the professional reads the co-producer's name."""
    fresh = _fresh(world)

    mine = _text(world.client("co_producer").get("/relationships/").content.decode())
    theirs = _text(world.client("professional").get("/relationships/").content.decode())

    assert "You have not yet been asked to consent to working this way." in mine
    assert "cop has not yet been asked" not in mine
    assert "cop has not yet been asked to consent to working this way." in theirs
    assert fresh.participants.filter(slug="cop", user=world.users["co_producer"]).exists()
