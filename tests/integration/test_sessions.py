"""Sessions: the idle and absolute limits, what counts as activity, "Stay signed in", a
person's sessions page, and turning an account off (docs/security.md, "Sessions")."""

from __future__ import annotations

import re
from typing import Any

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mutuality.web.accounts.models import User
from mutuality.web.accounts.sessions import ACTIVE_AT, SIGNED_IN_AT, in_words, standing
from mutuality.web.audit.models import AuditEvent
from tests.factories import (
    PASSWORD,
    USERNAMES,
    World,
    confirm_it_is_you,
    held_totp_clock,
    totp_code,
)

PAGE = "/relationships/"
STATUS = "/accounts/session/"
STAY = "/accounts/session/stay/"
SESSIONS = "/accounts/sessions/"
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def _age(client: Client, *, unused: int = 0, signed_in: int = 0) -> None:
    """Move the session's stamps this many seconds into the past."""
    session = client.session
    session[ACTIVE_AT] -= unused
    session[SIGNED_IN_AT] -= signed_in
    session.save()


def _signed_in(standing_name: str = "professional", agent: str = FIREFOX) -> Client:
    """A client signed in through the sign-in page, as a browser would be."""
    client = Client(HTTP_USER_AGENT=agent)
    response = client.post(
        "/accounts/login/", {"username": USERNAMES[standing_name], "password": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()
    # Staff go on to the second step (ADR 0010). A code once used is not taken again, and the
    # service takes only the current step's code, so each sign-in waits for the app's next
    # code, as a person signing in a second browser would.
    if response["Location"] == "/accounts/2fa/authenticate/":
        held_totp_clock().next_step()
        client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    assert SESSION_KEY in client.session
    return client


def _confirmed(client: Client) -> Client:
    """The person types their password again, and a staff member their code too, as ending a
    session asks (ASVS v5 7.5.2, 7.5.1)."""
    user = User.objects.get(pk=client.session[SESSION_KEY])
    return confirm_it_is_you(client, code=user.has_second_factor)


def _writes(client: Client, url: str, **headers: Any) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return [q["sql"] for q in queries if WRITE.match(q["sql"])]


@pytest.mark.asvs("7.3.1")
def test_a_session_unused_for_30_minutes_ends_with_a_plain_message(world: World) -> None:
    """Past 30 minutes without use, the next page signs out and says why on the sign-in page."""
    client = world.client("professional")
    _age(client, unused=30 * 60 + 1)

    response = client.get(PAGE, follow=True)

    assert response.redirect_chain[0] == ("/accounts/login/?next=/relationships/", 302)
    assert "You were signed out because you had not used Mutuality for 30 minutes." in (
        response.content.decode()
    )
    assert SESSION_KEY not in client.session


@pytest.mark.asvs("7.3.1")
def test_a_session_used_within_30_minutes_goes_on(world: World) -> None:
    """Just inside the idle limit the page opens as usual."""
    client = world.client("professional")
    _age(client, unused=30 * 60 - 5)

    response = client.get(PAGE)

    assert response.status_code == 200


@pytest.mark.asvs("7.3.2")
def test_a_session_ends_12_hours_after_signing_in_however_busy(world: World) -> None:
    """Twelve hours after signing in the session ends, though it was used a moment ago."""
    client = world.client("professional")
    _age(client, signed_in=12 * 60 * 60)

    response = client.get(PAGE, follow=True)

    assert "because you had been signed in for 12 hours" in response.content.decode()
    assert SESSION_KEY not in client.session


def test_reading_within_a_minute_of_the_last_stamp_writes_nothing(world: World) -> None:
    """A page read 30 seconds after the last stamp writes no row at all."""
    client = world.client("professional")
    _age(client, unused=30)

    assert _writes(client, PAGE) == []


def test_reading_after_a_minute_moves_the_stamp_and_last_used_only(world: World) -> None:
    """A page read after a minute writes the session and its row on the sessions page, no more."""
    client = _signed_in()
    _age(client, unused=90)
    before = client.session[ACTIVE_AT]

    written = _writes(client, PAGE)

    tables = sorted({re.findall(r'(?:UPDATE|INTO)\s+"?(\w+)', sql)[0] for sql in written})
    assert tables == ["django_session", "usersessions_usersession"]
    assert client.session[ACTIVE_AT] >= before + 90


@pytest.mark.asvs("7.3.1")
@pytest.mark.parametrize(
    ("url", "headers"),
    [(STATUS, {}), (PAGE, {"Mutuality-Background": "true"})],
    ids=["status", "background-header"],
)
def test_asking_in_the_background_is_not_activity(
    world: World, url: str, headers: dict[str, str]
) -> None:
    """The warning's question and a request marked as background leave the stamp where it was."""
    client = world.client("professional")
    _age(client, unused=5 * 60)
    before = client.session[ACTIVE_AT]

    client.get(url, headers=headers)

    assert client.session[ACTIVE_AT] == before


def test_the_status_says_how_long_is_left(world: World) -> None:
    """Five minutes after the last use, the status counts the 25 that are left."""
    client = world.client("professional")
    _age(client, unused=5 * 60)

    seconds_left = client.get(STATUS).json()["seconds_left"]

    assert 25 * 60 - 5 <= seconds_left <= 25 * 60


def test_the_status_of_an_ended_session_says_none_is_left(world: World) -> None:
    """The warning's question after the limit signs out and answers 0 (the script reloads)."""
    client = world.client("professional")
    _age(client, unused=31 * 60)

    response = client.get(STATUS)

    assert response.json() == {"seconds_left": 0, "renewable": False}
    assert SESSION_KEY not in client.session


def test_a_background_request_on_an_ended_session_is_told_401(world: World) -> None:
    """Any other request marked as background gets 401 after the limit, not a page."""
    client = world.client("professional")
    _age(client, unused=31 * 60)

    response = client.get(PAGE, headers={"Mutuality-Background": "true"})

    assert response.status_code == 401
    assert SESSION_KEY not in client.session


def test_an_htmx_request_on_an_ended_session_moves_the_whole_page(world: World) -> None:
    """An htmx fragment asked for after the limit sends the page itself to sign in."""
    client = world.client("professional")
    _age(client, unused=31 * 60)

    response = client.get(PAGE, headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == "/accounts/login/"


@pytest.mark.asvs("7.3.1")
def test_stay_signed_in_moves_the_stamp_to_now(world: World) -> None:
    """POST /accounts/session/stay/ 29 minutes in answers 204 and gives another 30 minutes."""
    client = world.client("professional")
    _age(client, unused=29 * 60)

    response = client.post(STAY)

    assert response.status_code == 204
    assert standing(client.session).idle_left >= 30 * 60 - 5


def test_stay_signed_in_takes_only_a_post(world: World) -> None:
    """A GET (a link, a prefetch) is refused and keeps no one signed in."""
    client = world.client("professional")
    _age(client, unused=10 * 60)
    before = client.session[ACTIVE_AT]

    response = client.get(STAY)

    assert response.status_code == 405
    assert client.session[ACTIVE_AT] == before


def test_stay_signed_in_needs_the_csrf_token(world: World) -> None:
    """Without the form's token the POST is refused (403) and the stamp stays."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["professional"])
    _age(client, unused=10 * 60)
    before = client.session[ACTIVE_AT]

    response = client.post(STAY)

    assert response.status_code == 403
    assert client.session[ACTIVE_AT] == before


def test_stay_signed_in_needs_someone_signed_in(world: World) -> None:
    """Signed out, the endpoint sends to the sign-in page."""
    response = Client().post(STAY)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.asvs("7.5.2")
def test_the_sessions_page_lists_each_browser_and_marks_this_one(world: World) -> None:
    """Signed in from Firefox and Safari, the Firefox page lists both and marks itself."""
    here = _signed_in(agent=FIREFOX)
    _signed_in(agent=SAFARI)

    html = here.get(SESSIONS).content.decode()

    assert "Firefox on Windows" in html
    assert "Mobile Safari on iOS" in html
    assert html.count("This one") == 1
    assert html.index("Firefox on Windows") < html.index("This one") < html.index("Mobile Safari")


@pytest.mark.asvs("7.5.2")
def test_ending_another_session_signs_that_browser_out_and_is_audited(world: World) -> None:
    """Ending the Safari session from Firefox signs Safari out; Firefox stays; it is audited."""
    here = _confirmed(_signed_in(agent=FIREFOX))
    there = _signed_in(agent=SAFARI)
    theirs = UserSession.objects.get(session_key=there.session.session_key)

    response = here.post(SESSIONS, {"session": str(theirs.pk)}, follow=True)

    assert "Session ended." in response.content.decode()
    assert there.get(PAGE).status_code == 302
    assert here.get(PAGE).status_code == 200
    event = AuditEvent.objects.get(action="delete", object_type="usersessions.UserSession")
    assert event.user == world.users["professional"]
    assert event.object_id == str(theirs.pk)


@pytest.mark.asvs("7.5.2")
def test_nobody_can_end_someone_elses_session(world: World) -> None:
    """A session of another person named in the form is refused with a message; it goes on."""
    mine = _confirmed(_signed_in("professional"))
    someone_else = _signed_in("co_producer")
    theirs = UserSession.objects.get(session_key=someone_else.session.session_key)

    response = mine.post(SESSIONS, {"session": str(theirs.pk)})

    assert response.status_code == 200
    assert "That session cannot be ended here" in response.content.decode()
    assert someone_else.get(PAGE).status_code == 200
    assert not AuditEvent.objects.filter(action="delete").exists()


@pytest.mark.asvs("7.5.2")
def test_signing_out_everywhere_else_keeps_only_this_session(world: World) -> None:
    """ "Sign out everywhere else" ends both other sessions and keeps this one. (The
    co-producer's: a password alone signs them in, so three browsers need no three codes.)"""
    here = _confirmed(_signed_in("co_producer", agent=FIREFOX))
    others = [_signed_in("co_producer", agent=SAFARI), _signed_in("co_producer", agent=SAFARI)]

    response = here.post(SESSIONS, {"session": "others"}, follow=True)

    assert "2 sessions ended." in response.content.decode()
    assert [other.get(PAGE).status_code for other in others] == [302, 302]
    assert UserSession.objects.filter(user=world.users["co_producer"]).count() == 1


def test_signing_out_removes_the_session_from_the_list(world: World) -> None:
    """A session signed out leaves no row behind on the sessions page."""
    client = _signed_in()
    key = client.session.session_key

    client.post("/accounts/logout/")

    assert not UserSession.objects.filter(session_key=key).exists()


@pytest.mark.asvs("7.4.2")
def test_turning_an_account_off_ends_every_session_at_once(world: World) -> None:
    """Saving a user with is_active False deletes all their sessions; their next page signs in."""
    clients = [_signed_in(agent=FIREFOX), _signed_in(agent=SAFARI)]
    keys = [client.session.session_key for client in clients]
    user = world.users["professional"]

    user.is_active = False
    user.save()

    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.filter(user=user).exists()
    assert [client.get(PAGE).status_code for client in clients] == [302, 302]


def test_turning_an_account_off_leaves_other_peoples_sessions(world: World) -> None:
    """Only the person turned off is signed out."""
    other = _signed_in("co_producer")
    user = world.users["professional"]

    user.is_active = False
    user.save()

    assert other.get(PAGE).status_code == 200


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(30 * 60, "30 minutes"), (12 * 3600, "12 hours"), (60, "1 minute"), (90, "90 seconds")],
)
def test_limits_are_said_in_plain_words(seconds: int, words: str) -> None:
    """A limit in seconds reads as people say it."""
    assert in_words(seconds) == words
