"""Each page speaks to the person reading it: "you" for them, names for everyone else, and the
actions under whom each is for, theirs first."""

from __future__ import annotations

import re

from mutuality.web.relationships.actions import people
from tests.factories import World


def _fresh(world: World) -> int:
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
    return relationship.pk


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_co_producer_reads_you_and_not_the_professionals_list_as_theirs(
    world: World,
) -> None:
    """On a new relationship the co-producer's page says "You have not yet been asked", and
    what the professional must do is headed with the professional's id, not "For you", and
    says what they should do with "you" rather than telling them to "Ask you"."""
    pk = _fresh(world)

    page = _text(world.client("co_producer").get(f"/relationships/{pk}/").content.decode())

    assert "You have not yet been asked to consent to working this way." in page
    assert "cop has not yet been asked" not in page
    assert (
        "For pro pro should explain the costs, the benefits and the other ways of working to "
        "you, then ask for your informed consent."
    ) in page.replace(":", "")
    assert "Ask you" not in page


def test_the_supervisor_reads_names_and_their_own_actions_as_theirs(world: World) -> None:
    """A supervisor reads each person by name, never "you" about a participant."""
    pk = _fresh(world)

    page = _text(world.client("supervisor").get(f"/relationships/{pk}/").content.decode())

    assert "cop has not yet been asked to consent" in page
    assert "You have not yet been asked" not in page


def test_the_professionals_due_list_reads_you_for_their_own_consent(world: World) -> None:
    """The professional's own missing consent reads "You" on their list; the co-producer's
    by name."""
    _fresh(world)

    page = _text(world.client("professional").get("/relationships/due/").content.decode())

    assert "You have not yet been asked to consent to working this way." in page
    assert "cop has not yet been asked to consent to working this way." in page
    assert "pro has not yet been asked" not in page
