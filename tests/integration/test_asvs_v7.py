"""OWASP ASVS 5.0.0 chapter V7, Session management: what SECURITY.md says Mutuality meets and
no other test shows (test_sessions.py, test_accounts_views.py and others carry their own
`asvs` marks).

Sessions are made as people make them, through the sign-in page (and the code page for
staff); a browser is a test client, and an old session's cookie is tried again from another
client, as someone who copied it would."""

from __future__ import annotations

import math
import re
import secrets
from io import StringIO
from typing import Any
from urllib.parse import quote

import pytest
from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client

from mutuality.web.accounts.models import User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.outbox.models import Kind, OutgoingMessage
from tests.factories import (
    PASSWORD,
    USERNAMES,
    OrganisationFactory,
    TotpClock,
    UserFactory,
    World,
    confirm_it_is_you,
    totp_code,
)
from tests.integration.pages import pages_for
from tests.integration.test_access_matrix import OWN
from tests.integration.test_asvs_v6 import _section
from tests.integration.test_passkeys import _with_passkey as with_passkey
from tests.integration.test_sessions import FIREFOX, SAFARI, _age, _confirmed, _signed_in

PAGE = "/relationships/"
LOGIN = "/accounts/login/"
SESSIONS = "/accounts/sessions/"
NEW_PASSWORD = "a quiet path along the canal 9"


@pytest.fixture(autouse=True)
def _fresh_cache(db: None) -> None:
    """No code taken and no lockout count left from another test."""
    cache.clear()


def _cookie(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _with_cookie(key: str) -> Client:
    """A browser that sends this session cookie, as someone who copied it would."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = key
    return client


def _signed_out(client: Client) -> bool:
    """Whether the client's next page sends it to sign in."""
    response = client.get(PAGE)
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def _co_producer_signed_in(username: str = "sian") -> Client:
    client = Client()
    response = client.post(LOGIN, {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


# --- V7.1 Session management documentation ------------------------------------------------------


@pytest.mark.asvs("7.1.1")
def test_the_documentation_gives_both_limits_and_why() -> None:
    """docs/security.md gives the idle and absolute limits, how they compare with NIST SP
    800-63B and why they suit the service; the settings hold the same numbers."""
    # Arrange
    said = _section("Sessions")

    # Act
    promises = [
        "A session ends after 30 minutes without use and 12 hours after signing in",
        "NIST SP 800-63B",
        "sign in again at least every 12 hours, and after 30 minutes without use",
        "So there is no deviation to justify",
        "They suit how the service is used",
        "They work with the other controls here",
    ]

    # Assert
    assert [promise for promise in promises if promise not in said] == []
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60


@pytest.mark.asvs("7.1.2")
def test_the_documentation_says_how_many_sessions_one_login_may_have() -> None:
    """docs/security.md says a login may have any number of sessions, that nothing happens at
    a maximum as there is none, and what a person can do about them instead."""
    # Arrange
    said = _section("Sessions")

    # Act
    promises = [
        "A login may have any number of sessions at once",
        "there is no maximum, so nothing happens when one is reached",
        "may end any or all of the others",
    ]

    # Assert
    assert [promise for promise in promises if promise not in said] == []


# --- V7.2 Fundamental session management security -----------------------------------------------


@pytest.mark.asvs("7.2.1")
def test_a_session_cookie_counts_only_if_the_server_holds_that_session(world: World) -> None:
    """A made-up cookie, a real one with a letter changed, and a real one whose session the
    server no longer holds all sign no one in: every cookie is looked up in the database."""
    # Arrange
    real = _signed_in()
    key = _cookie(real)
    altered = key[:-1] + ("a" if key[-1] != "a" else "b")
    forgotten = _signed_in("co_producer")
    Session.objects.filter(session_key=_cookie(forgotten)).delete()

    # Act
    made_up = _signed_out(_with_cookie(secrets.token_hex(16)))
    changed = _signed_out(_with_cookie(altered))
    gone = _signed_out(_with_cookie(_cookie(forgotten)))

    # Assert
    assert (made_up, changed, gone) == (True, True, True)
    assert not _signed_out(_with_cookie(key))  # the real one, untouched, still works


@pytest.mark.asvs("7.2.2")
def test_each_sign_in_gets_a_session_key_of_its_own(world: World) -> None:
    """Signing in twice as the same person gives two keys, neither a fixed secret of the
    service; signing out and in again gives a third."""
    # Arrange
    first, second = _signed_in(), _signed_in(agent=SAFARI)

    # Act
    first.post("/accounts/logout/")
    third = _signed_in()

    # Assert
    keys = {_cookie(first), _cookie(second), _cookie(third)}
    assert len(keys) == 3
    assert not keys & {settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])}


@pytest.mark.asvs("7.2.3")
def test_session_keys_are_long_random_and_from_a_secure_source(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A session key is 32 characters of a-z and 0-9 (over 165 bits), each drawn by Python's
    `secrets`; a hundred keys are a hundred different ones."""
    # Arrange
    drawn: list[str] = []
    real_choice = secrets.choice

    def recorded(sequence: Any) -> Any:
        drawn.append(real_choice(sequence))
        return drawn[-1]

    monkeypatch.setattr(secrets, "choice", recorded)

    # Act
    key = _cookie(_signed_in("co_producer"))
    many = set()
    for _ in range(100):
        store = SessionStore()
        store.create()
        many.add(store.session_key)

    # Assert
    assert re.fullmatch(r"[a-z0-9]{32}", key)
    assert 32 * math.log2(36) >= 128
    assert key in "".join(drawn)
    assert len(many) == 100


@pytest.mark.asvs("7.2.4")
def test_signing_in_gives_a_new_key_and_ends_the_one_before(world: World) -> None:
    """The key a browser holds between the password and the code is replaced when the code
    signs them in, and the old one no longer exists."""
    # Arrange
    client = Client()
    client.post(LOGIN, {"username": USERNAMES["professional"], "password": PASSWORD})
    before = _cookie(client)

    # Act
    client.post("/accounts/2fa/authenticate/", {"code": totp_code()})
    after = _cookie(client)

    # Assert
    assert SESSION_KEY in client.session
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()


@pytest.mark.asvs("7.2.4")
@pytest.mark.parametrize("how", ["password", "code"])
def test_confirming_it_is_you_gives_a_new_key_and_ends_the_one_before(
    world: World, how: str, totp_clock: TotpClock
) -> None:
    """Confirming it is you again (password, or the app's code) replaces the session's key: a
    copy of the old cookie signs no one in, the person goes on, and the sessions page follows
    the new key."""
    # Arrange
    client = _signed_in()
    before = _cookie(client)
    totp_clock.next_step()  # the code that signed them in is used: the app's next one
    page, data = {
        "password": ("/accounts/reauthenticate/", {"password": PASSWORD}),
        "code": ("/accounts/2fa/reauthenticate/", {"code": totp_code()}),
    }[how]

    # Act
    response = client.post(page, data)
    after = _cookie(client)

    # Assert
    assert response.status_code == 302
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert _signed_out(_with_cookie(before))
    assert not _signed_out(client)
    assert UserSession.objects.filter(session_key=after).exists()
    assert not UserSession.objects.filter(session_key=before).exists()


# --- V7.4 Session termination -------------------------------------------------------------------


@pytest.mark.asvs("7.4.1")
def test_after_signing_out_the_old_cookie_opens_nothing(world: World) -> None:
    """Signing out deletes the session on the server: the same cookie, sent again (the back
    button, or a copy), reaches no page."""
    # Arrange
    client = _signed_in()
    key = _cookie(client)

    # Act
    client.post("/accounts/logout/")

    # Assert
    assert not Session.objects.filter(session_key=key).exists()
    assert _signed_out(_with_cookie(key))


@pytest.mark.asvs("7.4.1")
@pytest.mark.parametrize(("unused", "signed_in"), [(31 * 60, 0), (0, 12 * 60 * 60)])
def test_after_a_limit_ends_a_session_the_old_cookie_opens_nothing(
    world: World, unused: int, signed_in: int
) -> None:
    """A session ended by either limit is deleted on the server, so its cookie is dead too."""
    # Arrange
    client = _signed_in()
    key = _cookie(client)
    _age(client, unused=unused, signed_in=signed_in)

    # Act
    ended = _signed_out(client)

    # Assert
    assert ended
    assert not Session.objects.filter(session_key=key).exists()
    assert _signed_out(_with_cookie(key))


@pytest.mark.asvs("7.4.2")
def test_deleting_a_login_signs_it_out_everywhere(sian: User) -> None:
    """Once a login is deleted, none of its browsers reaches a page."""
    # Arrange
    browsers = [_co_producer_signed_in(), _co_producer_signed_in()]

    # Act
    User.objects.filter(pk=sian.pk).delete()

    # Assert
    assert [_signed_out(browser) for browser in browsers] == [True, True]


@pytest.mark.asvs("7.4.2")
@pytest.mark.asvs("7.4.5")
def test_an_admin_turning_a_login_off_signs_it_out_everywhere(world: World) -> None:
    """The admin's "Turn their login off" ends every session of that login at once."""
    # Arrange
    theirs = [_signed_in("reviewer"), _signed_in("reviewer", agent=SAFARI)]
    reviewer = world.users["reviewer"]

    # Act
    world.client("admin").post(f"/organisation/people/{reviewer.pk}/active/", {"active": "no"})

    # Assert
    assert [_signed_out(browser) for browser in theirs] == [True, True]
    assert not UserSession.objects.filter(user=reviewer).exists()


@pytest.mark.asvs("7.4.3")
def test_changing_the_password_ends_every_other_session(sian: User) -> None:
    """A new password keeps this browser signed in and signs every other one out."""
    # Arrange
    here, elsewhere = _co_producer_signed_in(), _co_producer_signed_in()
    confirm_it_is_you(here, code=False)

    # Act
    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    # Assert
    assert response.status_code == 302
    assert not _signed_out(here)
    assert _signed_out(elsewhere)


@pytest.mark.asvs("7.4.3")
def test_a_reset_password_ends_every_session(sian: User) -> None:
    """A password reset from an emailed link signs out every browser signed in before."""
    # Arrange
    browsers = [_co_producer_signed_in(), _co_producer_signed_in()]
    resetting = Client()
    resetting.post("/accounts/password/reset/", {"email": sian.email})
    body = OutgoingMessage.objects.get(kind=Kind.PASSWORD_RESET).body
    link = re.findall(r"http://testserver(/accounts/password/reset/key/\S+/)", body)[0]
    form = resetting.get(link, follow=True).redirect_chain[-1][0]

    # Act
    saved = resetting.post(form, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    # Assert
    assert saved.status_code == 302
    assert [_signed_out(browser) for browser in browsers] == [True, True]


@pytest.mark.asvs("7.4.3")
def test_the_second_factor_page_offers_to_end_the_other_sessions(world: World) -> None:
    """Where a second factor is added or removed, the page says to sign out everywhere else if
    someone else may have got in, and links to the sessions page."""
    # Act
    html = world.client("professional").get("/accounts/2fa/").content.decode()

    # Assert
    assert "sign out everywhere else too" in html
    assert (
        f'<a href="{SESSIONS}">See where you are signed in and sign out of the others</a>' in html
    )


@pytest.mark.asvs("7.4.4")
@pytest.mark.parametrize("standing", OWN)
def test_every_page_behind_sign_in_has_the_sign_out_button(world: World, standing: str) -> None:
    """Each page a signed-in person of each role can open has "Sign out" in its header."""
    # Arrange
    client = world.client(standing)
    pages = [page.url for page in pages_for(world, standing) if page.html]

    # Act
    without = [
        url
        for url in pages
        if not re.search(
            r'<form class="nhsuk-header__account-form" action="/accounts/logout/" method="post"'
            r'.*?<button class="nhsuk-header__account-button" type="submit">Sign out</button>',
            client.get(url).content.decode(),
            re.S,
        )
    ]

    # Assert
    assert len(pages) > 10
    assert without == []


@pytest.mark.asvs("7.4.5")
def test_an_operator_signs_one_login_out_everywhere(world: World) -> None:
    """`manage.py end_sessions pro` ends both of pro's sessions, audited as an operator's,
    and leaves everyone else signed in."""
    # Arrange
    theirs = [_signed_in(agent=FIREFOX), _signed_in(agent=SAFARI)]
    someone_else = _signed_in("co_producer")
    out = StringIO()

    # Act
    call_command("end_sessions", USERNAMES["professional"], stdout=out)

    # Assert
    assert out.getvalue().strip() == "Ended 2 sessions."
    assert [_signed_out(browser) for browser in theirs] == [True, True]
    assert not _signed_out(someone_else)
    events = AuditEvent.objects.filter(action="delete", object_type="usersessions.UserSession")
    assert events.count() == 2
    assert {(event.user, event.detail["how"]) for event in events} == {
        (None, "ended by an operator")
    }


@pytest.mark.asvs("7.4.5")
def test_an_operator_signs_everyone_out(world: World) -> None:
    """`manage.py end_sessions --all` ends every session there is."""
    # Arrange
    browsers = [_signed_in(), _signed_in("co_producer"), _signed_in("admin")]

    # Act
    call_command("end_sessions", "--all", stdout=StringIO())

    # Assert
    assert [_signed_out(browser) for browser in browsers] == [True, True, True]
    assert not Session.objects.exists()
    assert not UserSession.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (["pro", "nobody"], "No login has the username nobody. No session was ended."),
        ([], "Name the logins to sign out, or give --all, but not both."),
        (["pro", "--all"], "Name the logins to sign out, or give --all, but not both."),
    ],
)
def test_the_operators_command_refuses_what_it_cannot_do_and_ends_nothing(
    world: World, arguments: list[str], words: str
) -> None:
    """An unknown username, no one named, or names with --all: a plain error, nothing ended."""
    # Arrange
    browser = _signed_in()

    # Act
    with pytest.raises(CommandError) as refused:
        call_command("end_sessions", *arguments, stdout=StringIO())

    # Assert
    assert str(refused.value) == words
    assert not _signed_out(browser)
    assert not AuditEvent.objects.filter(action="delete").exists()


# --- V7.5 Defences against session abuse --------------------------------------------------------

CONFIRM_PASSWORD = "/accounts/reauthenticate/"
CONFIRM_CODE = "/accounts/2fa/reauthenticate/"
# Each change to what signs someone in or gets their account back, as the form sends it.
CHANGES = {
    "email address": ("/accounts/email/", {"email": "pat.new@example.org"}),
    "password": (
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    ),
    "removing the app": ("/accounts/2fa/totp/deactivate/", {}),
    "new recovery codes": ("/accounts/2fa/recovery-codes/generate/", {}),
    "adding a passkey": ("/accounts/2fa/webauthn/add/", {"name": "Laptop"}),
}


def _how_they_sign_in(user: User) -> tuple[Any, ...]:
    """Everything that signs this person in or gets their account back, as stored."""
    user.refresh_from_db()
    return (
        user.password,
        sorted(Authenticator.objects.filter(user=user).values_list("pk", "type", "data")),
        sorted(EmailAddress.objects.filter(user=user).values_list("email", "verified")),
    )


def _age_confirmation(client: Client, method: str, seconds: int) -> None:
    """Move this session's confirmations by `method` ("password", "mfa") into the past."""
    session = client.session
    records = session[AUTHENTICATION_METHODS_SESSION_KEY]
    for record in records:
        if record["method"] == method:
            record["at"] -= seconds
    session[AUTHENTICATION_METHODS_SESSION_KEY] = records
    session.save()


@pytest.mark.asvs("7.5.1")
@pytest.mark.parametrize("change", list(CHANGES))
def test_changing_how_one_signs_in_first_asks_who_it_is(world: World, change: str) -> None:
    """Changing the email address, the password or a second factor, without having confirmed
    it is you just now, goes to "Confirm it is you" (the password first) and changes nothing."""
    # Arrange
    client = world.client("professional")
    professional = world.users["professional"]
    url, data = CHANGES[change]
    before = _how_they_sign_in(professional)

    # Act
    response = client.post(url, data)

    # Assert
    assert response.status_code == 302
    assert response["Location"].startswith(CONFIRM_PASSWORD)
    assert _how_they_sign_in(professional) == before
    assert not AuditEvent.objects.exclude(action="view").exists()


@pytest.mark.asvs("7.5.1")
@pytest.mark.parametrize("change", list(CHANGES))
def test_with_only_the_password_confirmed_a_change_asks_for_the_code(
    world: World, change: str
) -> None:
    """Someone with a second factor who has given only their password again is sent on to
    give their code too, with the way back to the change, and nothing changes yet."""
    # Arrange
    client = confirm_it_is_you(world.client("professional"), code=False)
    professional = world.users["professional"]
    url, data = CHANGES[change]
    before = _how_they_sign_in(professional)

    # Act
    response = client.post(url, data)

    # Assert
    assert response.status_code == 302
    assert response["Location"] == f"{CONFIRM_CODE}?next={quote(url, safe='')}"
    assert _how_they_sign_in(professional) == before


@pytest.mark.asvs("7.5.1")
@pytest.mark.parametrize("change", list(CHANGES))
def test_with_only_the_code_confirmed_a_change_asks_for_the_password(
    world: World, change: str
) -> None:
    """A code alone (an app's code, as a stolen phone would give) is not enough either: the
    change asks for the password, and nothing changes yet."""
    # Arrange
    client = confirm_it_is_you(world.client("professional"), password=False)
    professional = world.users["professional"]
    url, data = CHANGES[change]
    before = _how_they_sign_in(professional)

    # Act
    response = client.post(url, data)

    # Assert
    assert response.status_code == 302
    assert response["Location"] == f"{CONFIRM_PASSWORD}?next={quote(url, safe='')}"
    assert _how_they_sign_in(professional) == before


@pytest.mark.asvs("7.5.1")
@pytest.mark.parametrize("change", list(CHANGES))
def test_with_both_confirmed_the_change_goes_ahead(world: World, change: str) -> None:
    """With the password and the code both given again, each change is made (a passkey's page
    opens, to make one with the device)."""
    # Arrange
    client = confirm_it_is_you(world.client("professional"))
    professional = world.users["professional"]
    url, data = CHANGES[change]
    asked = client.get if change == "adding a passkey" else client.post

    # Act
    response = asked(url, data)

    # Assert
    professional.refresh_from_db()
    kinds = set(Authenticator.objects.filter(user=professional).values_list("type", flat=True))
    made = {
        "email address": EmailAddress.objects.filter(email="pat.new@example.org").exists(),
        "password": professional.check_password(NEW_PASSWORD),
        "removing the app": Authenticator.Type.TOTP not in kinds,
        "new recovery codes": Authenticator.Type.RECOVERY_CODES in kinds,
        "adding a passkey": response.status_code == 200
        and "Add a passkey" in response.content.decode(),
    }
    assert response.status_code in (200, 302)
    assert "/reauthenticate/" not in response.get("Location", "")
    assert made[change]


@pytest.mark.asvs("7.5.1")
@pytest.mark.parametrize(
    ("older", "asked_for"), [("password", CONFIRM_PASSWORD), ("mfa", CONFIRM_CODE)]
)
def test_a_confirmation_older_than_five_minutes_is_asked_for_again(
    world: World, older: str, asked_for: str
) -> None:
    """Each factor counts for 5 minutes (allauth's window): once the password, or the code,
    was given more than that ago, it is asked for again, however recent the other."""
    # Arrange
    client = confirm_it_is_you(world.client("professional"))
    _age_confirmation(client, older, 5 * 60 + 1)
    url, data = CHANGES["email address"]

    # Act
    response = client.post(url, data)

    # Assert
    assert response.status_code == 302
    assert response["Location"].startswith(asked_for)
    assert not EmailAddress.objects.filter(email="pat.new@example.org").exists()


@pytest.mark.asvs("7.5.1")
def test_a_change_sent_before_confirming_is_made_once_both_are_given(world: World) -> None:
    """The new address sent first is kept while the person gives their password and then
    their code, and made once both are given: no 500, nothing made half-way."""
    # Arrange
    client = world.client("professional")
    url, data = CHANGES["email address"]

    # Act
    asked = client.post(url, data)
    after_password = client.post(asked["Location"], {"password": PASSWORD})
    made_early = EmailAddress.objects.filter(email="pat.new@example.org").exists()
    after_code = confirm_it_is_you(client, password=False, query=f"?next={quote(url, safe='')}")

    # Assert
    assert asked["Location"].startswith(CONFIRM_PASSWORD)
    assert after_password.status_code == 302
    assert after_password["Location"].startswith(CONFIRM_CODE)
    assert not made_early
    assert after_code.get("/accounts/").status_code == 200
    assert EmailAddress.objects.filter(email="pat.new@example.org", verified=False).exists()


@pytest.mark.asvs("7.5.1")
def test_a_wrong_code_confirms_nothing_and_says_so(world: World) -> None:
    """A wrong code on "Confirm it is you" shows the page again with the error (not a 500),
    and the change still waits for a right one."""
    # Arrange
    client = confirm_it_is_you(world.client("professional"), code=False)
    taken = {totp_code(step) for step in (-1, 0, 1)}
    wrong = next(code for code in ("000000", "111111", "222222") if code not in taken)

    # Act
    response = client.post(CONFIRM_CODE, {"code": wrong})
    change = client.post(*CHANGES["removing the app"])

    # Assert
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert change["Location"].startswith(CONFIRM_CODE)
    assert Authenticator.objects.filter(user=world.users["professional"]).exists()


@pytest.mark.asvs("7.5.1")
def test_someone_without_a_second_factor_confirms_with_the_password(sian: User) -> None:
    """A co-producer without a second factor gives their password again, and the change goes
    ahead: there is nothing else they sign in with."""
    # Arrange
    client = confirm_it_is_you(_co_producer_signed_in(), code=False)

    # Act
    response = client.post("/accounts/email/", {"email": "sian.new@example.org"})

    # Assert
    assert response.status_code == 302
    assert "/reauthenticate/" not in response["Location"]
    assert EmailAddress.objects.filter(email="sian.new@example.org").exists()


@pytest.mark.asvs("7.5.1")
def test_someone_with_only_a_passkey_is_asked_for_the_passkey(db: None) -> None:
    """Staff whose second factor is a passkey, having given their password, are sent to
    confirm with the passkey."""
    # Arrange
    kim = UserFactory(username="kim", organisation=OrganisationFactory(), second_factor=False)
    with_passkey(kim)
    client = Client()
    client.force_login(kim)
    confirm_it_is_you(client, code=False)

    # Act
    response = client.post(*CHANGES["email address"])

    # Assert
    assert response["Location"].startswith("/accounts/2fa/webauthn/reauthenticate/")


@pytest.mark.asvs("7.5.1")
def test_setting_up_an_app_confirms_it_for_the_recovery_codes_shown_next(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    """A member of staff without a second factor confirms their password, sets up an app by
    typing its first code, and sees their recovery codes at once: that code confirmed the
    app. Taking it away again asks for a code."""
    # Arrange
    UserFactory(username="new", organisation=OrganisationFactory(), second_factor=False)
    client = Client()
    client.force_login(User.objects.get(username="new"))
    confirm_it_is_you(client, code=False)
    client.get("/accounts/2fa/totp/activate/")
    secret = client.session["mfa.totp.secret"]

    # Act
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret=secret)})
    codes = client.get(done["Location"])
    _age_confirmation(client, "mfa", 5 * 60 + 1)
    later = client.get(done["Location"])

    # Assert
    assert done["Location"] == "/accounts/2fa/recovery-codes/"
    assert codes.status_code == 200
    assert re.search(r"\b\d{8}\b", codes.content.decode())
    assert later["Location"].startswith(CONFIRM_CODE)


@pytest.mark.asvs("7.5.1")
@pytest.mark.asvs("7.5.2")
def test_ending_a_session_first_asks_for_the_password_and_code_then_ends_it(world: World) -> None:
    """Without the password and the code given again, "End" goes to "Confirm it is you" and
    ends nothing; given both, one after the other, the ending asked for goes ahead."""
    # Arrange
    here = _signed_in(agent=FIREFOX)
    there = _signed_in(agent=SAFARI)
    theirs = UserSession.objects.get(session_key=_cookie(there))
    back = f"?next={quote(SESSIONS, safe='')}"

    # Act
    asked = here.post(SESSIONS, {"session": str(theirs.pk)})
    after_password = here.post(CONFIRM_PASSWORD + back, {"password": PASSWORD})
    still_there = not _signed_out(there)
    confirm_it_is_you(here, password=False, query=back)

    # Assert
    assert asked.status_code == 302
    assert asked["Location"].startswith(CONFIRM_PASSWORD)
    assert after_password["Location"].startswith(CONFIRM_CODE)
    assert still_there
    assert _signed_out(there)
    assert not _signed_out(here)


@pytest.mark.asvs("7.5.2")
def test_confirming_once_lets_a_person_end_sessions_for_a_few_minutes(world: World) -> None:
    """Having given the password and code again, the person ends sessions straight away (the
    helper other tests use: `_confirmed`)."""
    # Arrange
    here = _confirmed(_signed_in(agent=FIREFOX))
    there = _signed_in(agent=SAFARI)

    # Act
    response = here.post(SESSIONS, {"session": "others"}, follow=True)

    # Assert
    assert "Session ended." in response.content.decode()
    assert _signed_out(there)
