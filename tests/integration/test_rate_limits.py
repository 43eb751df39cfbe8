"""How often one signed-in person may download, upload or send a form (ASVS v5 2.4.1;
mutuality/web/throttle.py): past the minute's limit the request is turned away with the
"Too many requests" page before anything is made or written, and logged once; another person,
the next minute, a signed-out visitor and ordinary reading are not affected.

The limits are set low here (the `settings` fixture) and the throttle's clock is held still,
at 15 seconds into a minute, so that every count falls in one window.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from mutuality.web import throttle
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.models import Relationship
from tests.factories import World
from tests.integration.logs import captured_logs

pytestmark = pytest.mark.asvs("2.4.1")

MINUTE_STARTS = 1_800_000_000.0  # a whole number of minutes since the epoch
LIMITS = {"download": 3, "upload": 2, "write": 3}
RECORD_JSON = "/accounts/record.json"
REFUSED_WORDS = "You have downloaded too many files in the last minute."


class Clock:
    """The time the throttle reads, moved by the test."""

    def __init__(self) -> None:
        self.now = MINUTE_STARTS + 15

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Clock:
    settings.MUTUALITY_RATE_LIMITS = LIMITS
    held = Clock()
    monkeypatch.setattr(throttle, "clock", held)
    return held


def _download(client: Client, times: int) -> list[int]:
    return [client.get(RECORD_JSON).status_code for _ in range(times)]


def _together(world: World, client: Client, words: str) -> Any:
    """Send the "what we do together" form from the relationship's current revision."""
    relationship = Relationship.objects.get(pk=world.relationship.pk)
    return client.post(
        f"/relationships/{relationship.pk}/together/",
        {"revision": relationship.revision, "co_produced_elements": words},
    )


def test_a_download_past_the_limit_is_refused_plainly_and_logged_once(
    world: World, clock: Clock
) -> None:
    """The fourth download in a minute (the limit is three) gets the "Too many requests" page
    with a Retry-After of the 45 seconds left in the minute; the file is not made, and one
    `rate_limited` event names the kind, with nothing else about the person's data."""
    # Arrange
    client = world.client("co_producer")

    # Act
    with captured_logs() as logs:
        allowed = _download(client, 3)
        refused = client.get(RECORD_JSON)

    # Assert
    page = refused.content.decode()
    assert allowed == [200, 200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "45"
    assert "<h1>Too many requests</h1>" in page
    assert REFUSED_WORDS in page
    assert "Try again in 45 seconds." in page
    assert refused["Content-Type"].startswith("text/html")
    assert len(logs.events("export")) == 3  # the refused file was never made
    [event] = logs.events("rate_limited")
    assert event["limit"] == "download"
    assert event["status"] == 429
    assert event["user_id"] == world.users["co_producer"].pk
    assert event["level"] == "WARNING"
    assert set(event) <= {"time", "level", "logger", "event", "message", "user_id", "ip"} | {
        "path",
        "status",
        "limit",
    }


def test_a_form_past_the_limit_saves_nothing(world: World, clock: Clock) -> None:
    """The fourth form sent in a minute (the limit is three) is turned away before its view
    runs: the relationship keeps the third one's words and revision, and no audit event is
    added."""
    # Arrange
    client = world.client("co_producer")
    sent = [_together(world, client, f"walk {number}").status_code for number in range(3)]
    revision = Relationship.objects.get(pk=world.relationship.pk).revision
    audited = AuditEvent.objects.count()

    # Act
    refused = _together(world, client, "one too many")

    # Assert
    page = refused.content.decode()
    assert sent == [302, 302, 302]
    assert refused.status_code == 429
    assert "You have sent too many changes in the last minute. This one was not saved." in page
    assert Relationship.objects.get(pk=world.relationship.pk).revision == revision
    assert AuditEvent.objects.count() == audited


def test_uploads_have_their_own_limit(world: World, clock: Clock) -> None:
    """Case-file uploads count against their own limit (two here): the third is refused while
    other forms are still allowed."""
    # Arrange
    client = world.client("professional")
    url = f"/relationships/{world.relationship.pk}/case/upload/"
    empty = {"revision": world.relationship.revision}  # no file: the form says so, saves nothing
    first, second = client.post(url, empty), client.post(url, empty)

    # Act
    third = client.post(url, empty)
    form = _together(world, client, "still allowed")

    # Assert
    assert (first.status_code, second.status_code) == (200, 200)
    assert third.status_code == 429
    assert "You have uploaded too many case files in the last minute." in third.content.decode()
    assert form.status_code == 302


def test_the_limit_is_each_persons_own(world: World, clock: Clock) -> None:
    """One person reaching the limit leaves another person's downloads alone."""
    # Arrange
    mine = _download(world.client("co_producer"), 4)

    # Act
    theirs = _download(world.client("professional"), 3)

    # Assert
    assert mine == [200, 200, 200, 429]
    assert theirs == [200, 200, 200]


def test_the_next_minute_starts_a_new_count(world: World, clock: Clock) -> None:
    """Once the minute the limit was reached in has passed, downloads work again."""
    # Arrange
    client = world.client("co_producer")
    before = _download(client, 4)

    # Act
    clock.now = MINUTE_STARTS + 60
    after = _download(client, 3)

    # Assert
    assert before == [200, 200, 200, 429]
    assert after == [200, 200, 200]


def test_signed_out_requests_are_not_counted(world: World, clock: Clock) -> None:
    """Forms sent while signed out (here, wrong passwords, which django-axes counts instead)
    are never turned away by this limit, and leave the person's own count untouched: once
    signed in they have their whole three, and only the fourth is refused."""
    # Arrange
    client = Client()
    wrong = {"username": world.users["co_producer"].username, "password": "not it"}

    # Act
    answers = [client.post("/accounts/login/", wrong).status_code for _ in range(5)]
    client.force_login(world.users["co_producer"])
    signed_in = [_together(world, client, f"walk {number}").status_code for number in range(4)]

    # Assert
    assert answers == [200] * 5
    assert signed_in == [302, 302, 302, 429]


def test_reading_ordinary_pages_is_not_counted(world: World, clock: Clock) -> None:
    """Opening pages, however often, uses none of the download or form allowance: after ten
    reads the person still has their three of each, and only the fourth is refused."""
    # Arrange
    client = world.client("co_producer")
    page = f"/relationships/{world.relationship.pk}/"

    # Act
    reads = [client.get(page).status_code for _ in range(10)]
    downloads = _download(client, 4)
    forms = [_together(world, client, f"walk {number}").status_code for number in range(4)]

    # Assert
    assert reads == [200] * 10
    assert downloads == [200, 200, 200, 429]
    assert forms == [302, 302, 302, 429]


def test_signing_out_works_past_the_limit(world: World, clock: Clock) -> None:
    """Someone who has sent too many forms can still sign out."""
    # Arrange
    client = world.client("co_producer")
    forms = [_together(world, client, f"walk {number}").status_code for number in range(4)]

    # Act
    response = client.post("/accounts/logout/")

    # Assert
    assert forms == [302, 302, 302, 429]
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def _routes(patterns: list[Any], prefix: str = "", namespace: str = "") -> list[tuple[str, str]]:
    """Every (route, URL name) the app serves."""
    found = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            found += _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            found.append((prefix + str(pattern.pattern), namespace + pattern.name))
    return found


def test_every_download_the_app_serves_is_counted_as_one(db: None) -> None:
    """Each route that serves a file (ending .pdf, .csv, .json or .yaml) is in the throttle's
    downloads, and each name there is a route the app serves: a new download cannot slip past."""
    # Act
    routes = _routes(get_resolver().url_patterns)

    # Assert
    files = {name for route, name in routes if route.endswith((".pdf", ".csv", ".json", ".yaml"))}
    assert files == throttle.DOWNLOADS
