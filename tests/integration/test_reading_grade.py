"""Every page the co-producer reaches reads at a Flesch-Kincaid grade of 7 or below.

The grade is of the page's own words: what the service says, not what people typed. The world's
typed values (everything written in its case file, people's names and usernames, the
organisation's name) are taken out of the page's text before it is measured. Each block of
text of five words or more (a paragraph, a list item, a hint, a longer heading or cell) is read
as a sentence of its own, shorter ones (links, labels) are left out as not prose, and the grade
is textstat's over the whole page: an average over the page rather than its worst line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import textstat
import yaml
from django.test import Client

from mutuality.framework import VOCABULARY
from mutuality.web.accounts.models import Organisation, User
from mutuality.web.relationships.models import (
    RAISED_PRIVATELY_BY,
    AffectedParty,
    Observation,
    PrivateWorry,
)
from tests.factories import EXAMPLES, WALKING_GROUP, World
from tests.integration.page_text import text_blocks
from tests.integration.pages import pages_for, publish_transparency

MOST = 7.0
ENDS = (".", "!", "?", ":")
# A block shorter than this (a link, a label, a heading of a word or two) is not prose: counted
# as a sentence of its own, it would pull every page's grade down and hide hard paragraphs.
FEWEST_WORDS = 5


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def typed_values(world: World) -> list[str]:
    """What people typed into the world, longest first: its case file's text (not the codes
    of the case format), and names of people and organisations."""
    case = yaml.safe_load(Path(EXAMPLES, WALKING_GROUP).read_text(encoding="utf-8"))
    codes = {code for words in VOCABULARY.values() for code in words}
    typed = {text for text in _strings(case) if text not in codes and not text.isdigit()}
    for user in User.objects.all():
        typed |= {user.username, user.shown_name, user.first_name, user.last_name, user.email}
    for participant in world.relationship.participants.all():
        typed |= {participant.called, participant.slug}
    typed |= set(world.relationship.affected_parties.values_list("name", flat=True))
    typed |= set(Organisation.objects.values_list("name", flat=True))
    typed |= _typed_in_records()
    return sorted((text for text in typed if text and len(text) > 1), key=len, reverse=True)


def _typed_in_records() -> set[str]:
    """What people wrote in the records pages add to the world (a worry's note, who raised
    it, the name of someone affected), but not the service's own words for a worry raised
    privately."""
    typed = set(Observation.objects.values_list("by", flat=True)) - {RAISED_PRIVATELY_BY}
    typed |= set(AffectedParty.objects.values_list("name", flat=True))
    typed |= set(Observation.objects.values_list("note", flat=True))
    typed |= set(PrivateWorry.objects.values_list("note", flat=True))
    return {text for text in typed if text}


def own_words(html: str, typed: list[str]) -> str:
    """The page's text without what people typed, each block a sentence."""
    sentences = []
    for block in text_blocks(html):
        for text in typed:  # whole words only: a username "co" is not the start of "consent"
            block = re.sub(rf"(?<!\w){re.escape(text)}(?!\w)", " ", block)
        block = " ".join(block.split()).strip(" ,;()-–")
        if len(block.split()) >= FEWEST_WORDS:
            sentences.append(block if block.endswith(ENDS) else block + ".")
    return " ".join(sentences)


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of the text (textstat, pinned in pyproject.toml)."""
    return float(textstat.flesch_kincaid_grade(text))


def test_the_grade_reads_plain_words_low_and_dense_words_high() -> None:
    """The measure itself: a plain sentence grades low, a dense one high."""
    # Arrange
    plain = "You can say no. It will not cost you any help."
    dense = (
        "Consideration of the appropriateness of co-productive methodologies necessitates "
        "comprehensive organisational deliberation regarding accountability."
    )

    # Act
    grades = (grade(plain), grade(dense))

    # Assert
    assert grades[0] <= MOST < grades[1]


def test_typed_values_are_left_out_of_the_measure(world: World) -> None:
    """The relationship's title, typed by a person, is not part of the page's own words."""
    # Arrange
    typed = typed_values(world)
    html = f"<h1>{world.relationship.title}</h1><p>This is the page of your relationship.</p>"

    # Act
    words = own_words(html, typed)

    # Assert
    assert words == "This is the page of your relationship."


def test_every_co_producer_page_reads_at_grade_seven_or_below(world: World) -> None:
    """Each HTML page the co-producer reaches grades at most 7 on its own words."""
    # Arrange
    publish_transparency(world)
    client = Client()
    client.force_login(world.users["co_producer"])
    typed = typed_values(world)

    # Act
    grades = {}
    for page in pages_for(world, "co_producer"):
        if page.html:
            response = client.get(page.url)
            assert response.status_code == 200, page.url
            grades[page.url] = round(grade(own_words(response.content.decode(), typed)), 1)

    # Assert
    assert {url: g for url, g in grades.items() if g > MOST} == {}, f"grades above {MOST}"
