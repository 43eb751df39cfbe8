"""OWASP ASVS 5.0.0 chapter V6, Authentication: what SECURITY.md says Mutuality meets and no
other test shows (the others carry their own `asvs` marks: test_passwords.py,
test_sign_in_limits.py, test_second_factors.py, test_organisation_pages.py …).

Passwords are chosen here on the pages people use (changing one, a reset link, an invitation)
and tried on the sign-in page; the documentation's promises are read from docs/security.md and
checked against the settings and code they describe."""

from __future__ import annotations

import ast
import base64
import re
import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from allauth.account import app_settings as account_settings
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.utils import decrypt
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from mutuality.web import urls as web_urls
from mutuality.web.accounts.models import Role, User
from mutuality.web.accounts.passwords import CONTEXT_WORDS
from mutuality.web.organisation.models import StaffInvitation
from mutuality.web.outbox.models import Kind, OutgoingMessage
from tests.factories import (
    PASSWORD,
    USERNAMES,
    TotpClock,
    UserFactory,
    World,
    confirm_it_is_you,
    totp_code,
    verify_email,
)
from tests.integration.logs import captured_logs
from tests.integration.pages import relationship_pages
from tests.integration.test_sessions import _age

ROOT = Path(__file__).resolve().parents[2]
SECURITY_DOC = ROOT / "docs" / "security.md"
SECOND_FACTORS_ADR = ROOT / "docs" / "adr" / "0010-second-factors.md"
LOGIN = "/accounts/login/"
CHANGE = "/accounts/password/change/"
RESET = "/accounts/password/reset/"
CODE = "/accounts/2fa/authenticate/"
GOOD = "a quiet path along the canal 9"
# Common passwords padded out to the 12 characters the length rule asks for, as people do
# when told "at least 12": each is in, or made of what is in, breached-password lists.
PADDED_COMMON = [
    "password1234",
    "qwertyuiop12",
    "iloveyou2024!",
    "letmein12345",
    "monkey123456",
    "sunshine2024",
    "Password1234!",
    "p@ssw0rd2024",
    "trustno1trustno1",
    "1qaz2wsx3edc4",
    "manchester123",
    "michael19850412",
    "abcdefghijkl",
    "aaaaaaaaaaaa",
]
GUESSABLE = "This password would be easy to guess"


@pytest.fixture(autouse=True)
def _fresh_limits(db: None, settings: Any) -> None:
    """Each test starts with no lockout counts or email limits, and lands on "/"."""
    cache.clear()
    settings.LOGIN_REDIRECT_URL = "/"


def _signed_in(user: User) -> Client:
    """Signed in, and having just confirmed it is them, as changing a password asks first."""
    client = Client()
    client.force_login(user)
    if user.has_usable_password():
        confirm_it_is_you(client, code=user.has_second_factor)
    return client


def _change(client: Client, new: str, current: str = PASSWORD) -> Any:
    """Post the change-password form: the current password, then the new one twice."""
    return client.post(CHANGE, {"oldpassword": current, "password1": new, "password2": new})


def _signs_in(username: str, password: str) -> bool:
    """Whether the sign-in page takes this password (for someone without a second factor)."""
    client = Client()
    client.post(LOGIN, {"username": username, "password": password})
    return SESSION_KEY in client.session


def _section(heading: str) -> str:
    """One `## ` section of docs/security.md, from its heading to the next."""
    text = SECURITY_DOC.read_text(encoding="utf-8")
    start = text.index(f"\n## {heading}")
    end = text.find("\n## ", start + 1)
    return " ".join(text[start : end if end != -1 else None].split())


def _reset_link(email: str) -> str:
    """Ask for a reset email to `email`; the path of the link in it."""
    Client().post(RESET, {"email": email})
    message = OutgoingMessage.objects.filter(kind=Kind.PASSWORD_RESET).latest("pk")
    found = re.findall(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body)
    return str(found[0])


# --- V6.1 Authentication documentation ---------------------------------------------------------


@pytest.mark.asvs("6.1.1")
def test_the_documentation_says_how_guessing_is_slowed_and_that_no_stranger_can_lock_one_out() -> (
    None
):
    """docs/security.md says how many wrong tries pause what, for how long, where it is set, and
    why it is keyed so that nobody can lock a named person out; the settings say the same."""
    # Arrange
    said = _section("Signing in")

    # Act
    promises = [
        "after 10 wrong passwords for one username from one address",
        "locked out for 15 minutes",
        "`AXES_*` in `mutuality/web/settings.py`",
        "stops a stranger locking a named person out",
        "A wrong code or a refused passkey counts in the same lockout",
    ]

    # Assert
    assert [promise for promise in promises if promise not in said] == []
    assert settings.AXES_FAILURE_LIMIT == 10
    assert timedelta(minutes=15) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


@pytest.mark.asvs("6.1.2")
def test_the_documented_context_words_are_the_ones_refused() -> None:
    """The list of words no password may hold, in docs/security.md, is the validator's list."""
    # Arrange
    said = _section("Signing in")

    # Act
    listed = re.search(r"Context words.*?\*\*(.+?)\*\*", said)

    # Assert
    assert listed is not None, "docs/security.md lists the context words in bold"
    assert tuple(word.strip() for word in listed.group(1).split(",")) == CONTEXT_WORDS
    assert "organisation" in said and "username" in said


@pytest.mark.asvs("6.1.3")
def test_the_documentation_lists_every_way_in_with_its_controls() -> None:
    """The "Every way in" list names each path to a session, which exists, and the controls
    that hold on all of them."""
    # Arrange
    said = _section("Signing in")
    paths = [
        "/accounts/login/",
        "/accounts/2fa/authenticate/",
        "/relationships/invitation/<token>/",
        "/organisation/invitation/<token>/",
        "/accounts/reauthenticate/",
    ]

    # Act
    missing = [path for path in paths if path not in said]
    served = [
        reverse("accounts:login"),
        reverse("mfa_authenticate"),
        reverse("relationships:invitation", args=["t"]),
        reverse("organisation:invitation", args=["t"]),
        reverse("account_reauthenticate"),
    ]

    # Assert
    assert missing == []
    assert [path.replace("<token>", "t") for path in paths] == served
    assert "Every way in" in said
    assert "A reset link" in said
    assert "The same controls hold on every path" in said


# --- V6.2 Password security ---------------------------------------------------------------------


@pytest.mark.asvs("6.2.1")
@pytest.mark.asvs("6.3.3")
def test_a_password_needs_at_least_12_characters(sian: User) -> None:
    """An 11-character password is refused with a plain message; 12 characters are enough."""
    # Arrange
    client = _signed_in(sian)

    # Act
    short = _change(client, "river walk9")
    enough = _change(client, "river walk99")

    # Assert
    assert short.status_code == 200
    assert "This password is too short" in short.content.decode()
    assert enough.status_code == 302
    assert _signs_in("sian", "river walk99")


@pytest.mark.asvs("6.2.4")
@pytest.mark.asvs("6.2.12")
@pytest.mark.asvs("6.3.3")
@pytest.mark.parametrize("password", PADDED_COMMON)
def test_a_common_password_padded_to_12_characters_is_refused(sian: User, password: str) -> None:
    """A common password made long enough for the length rule (digits or a symbol added, a
    keyboard run, a repeat) is refused as easy to guess, on the new-password box by name, and
    the old password still signs in."""
    # Arrange
    client = _signed_in(sian)

    # Act
    response = _change(client, password)

    # Assert
    assert len(password) >= 12
    assert response.status_code == 200
    errors = [str(error) for error in response.context["form"].errors["password1"]]
    assert any(error.startswith(GUESSABLE) for error in errors), errors
    assert f'<a href="#id_password1">{GUESSABLE}' in response.content.decode()
    assert _signs_in("sian", PASSWORD)
    assert not _signs_in("sian", password)


@pytest.mark.asvs("6.2.4")
def test_djangos_list_alone_lets_most_padded_common_passwords_through() -> None:
    """Why the second check is there: Django's list of common passwords, which has few of 12
    characters or more, refuses hardly any of the padded ones above."""
    # Act
    let_through = []
    for password in PADDED_COMMON:
        try:
            CommonPasswordValidator().validate(password)
        except ValidationError:
            continue
        let_through.append(password)

    # Assert
    assert len(let_through) >= len(PADDED_COMMON) - 3


@pytest.mark.asvs("6.2.4")
@pytest.mark.parametrize(
    "password",
    [
        "walnut kettle orbit lantern",
        "heron violet spanner tuesday",
        "Seven buses and one umbrella",
        "quietly-orange-harbour-42",
    ],
)
def test_a_passphrase_of_unrelated_words_is_taken(sian: User, password: str) -> None:
    """What the message suggests works: three or four words that do not go together."""
    # Act
    response = _change(_signed_in(sian), password)

    # Assert
    assert response.status_code == 302, response.content.decode()
    assert _signs_in("sian", password)


@pytest.mark.asvs("6.2.4")
def test_a_password_made_of_the_persons_own_name_is_refused(db: None) -> None:
    """zxcvbn is given the person's names: a password that is their unusual display name with
    a year added is refused, though it is no common password, word or name in itself."""
    # Arrange
    person: User = UserFactory(
        username="zq", display_name="Zephyrine Quillfeather", role=Role.CO_PRODUCER
    )
    other: User = UserFactory(username="yv", display_name="Ysolde Varga", role=Role.CO_PRODUCER)

    # Act
    own = _change(_signed_in(person), "Quillfeather1987")
    someone_elses = _change(_signed_in(other), "Quillfeather1987")

    # Assert
    assert own.status_code == 200
    assert GUESSABLE in own.content.decode()
    assert someone_elses.status_code == 302


@pytest.mark.asvs("6.2.4")
@pytest.mark.asvs("6.2.12")
def test_every_way_of_choosing_a_password_refuses_an_easy_one(world: World, sian: User) -> None:
    """The validator is one of Django's password validators, so a staff invitation, a reset
    link and a change all refuse a padded common password, naming the password box."""
    # Arrange
    names = [validator["NAME"] for validator in settings.AUTH_PASSWORD_VALIDATORS]
    invited = world.client("admin").post(
        "/organisation/people/invite/",
        {"display_name": "Dev", "email": "dev@example.org", "username": "dev", "role": "reviewer"},
    )
    invitation = invited.context["link"].split("testserver", 1)[1]
    resetting = Client()  # the reset page keeps its key in the session
    reset = resetting.get(_reset_link("sian@example.org"), follow=True)
    easy = "sunshine2024"

    # Act
    from_invitation = Client().post(invitation, {"new_password1": easy, "new_password2": easy})
    from_reset = resetting.post(reset.redirect_chain[-1][0], {"password1": easy, "password2": easy})
    from_change = _change(_signed_in(sian), easy)

    # Assert
    assert "mutuality.web.accounts.passwords.GuessableValidator" in names
    assert f'<a href="#id_new_password1">{GUESSABLE}' in from_invitation.content.decode()
    assert f'<a href="#id_password1">{GUESSABLE}' in from_reset.content.decode()
    assert f'<a href="#id_password1">{GUESSABLE}' in from_change.content.decode()
    assert not User.objects.get(username="dev").has_usable_password()
    assert _signs_in("sian", PASSWORD)


@pytest.mark.asvs("6.2.5")
@pytest.mark.parametrize(
    "password",
    [
        "onlysmallletterstogether",  # no capital, digit or symbol
        "839104726153",  # digits alone
        "ALL CAPITALS AND SPACES",
        "ẞtraße über Brücken 🌉",  # letters beyond English, and an emoji
        "#$%&*()[]{}<>?/|~^",  # symbols alone
    ],
)
def test_a_password_of_any_kind_of_character_is_taken(sian: User, password: str) -> None:
    """No rule asks for capitals, digits or symbols, and none forbids any character."""
    # Arrange
    client = _signed_in(sian)

    # Act
    response = _change(client, password)

    # Assert
    assert response.status_code == 302, response.content.decode()
    assert _signs_in("sian", password)


def _password_inputs(html: str) -> list[str]:
    """Each <input> on the page whose name is a password's."""
    return [
        tag
        for tag in re.findall(r"<input\b[^>]*>", html)
        if re.search(r'name="(password\d?|oldpassword|new_password\d)"', tag)
    ]


@pytest.fixture
def password_pages(sian: User, world: World) -> dict[str, str]:
    """Every page with a password box, as its person sees it: signing in, changing and setting
    one's password, confirming it is you, choosing one from a reset link and from an invitation."""
    pages: dict[str, str] = {"sign in": Client().get(LOGIN).content.decode()}
    signed_in = _signed_in(sian)
    pages["change"] = signed_in.get(CHANGE).content.decode()
    pages["confirm it is you"] = signed_in.get("/accounts/reauthenticate/").content.decode()
    reset = Client()
    pages["reset link"] = reset.get(_reset_link(sian.email), follow=True).content.decode()
    invited = world.client("admin").post(
        "/organisation/people/invite/",
        {
            "display_name": "Priya",
            "email": "p@example.org",
            "username": "priya",
            "role": "reviewer",
        },
    )
    link = invited.context["link"].split("testserver", 1)[1]
    pages["invitation"] = Client().get(link).content.decode()
    nobody = UserFactory(username="unset", role=Role.CO_PRODUCER)
    nobody.set_unusable_password()
    nobody.save()
    pages["set"] = _signed_in(nobody).get("/accounts/password/set/").content.decode()
    return pages


@pytest.mark.asvs("6.2.6")
def test_every_password_box_hides_what_is_typed(password_pages: dict[str, str]) -> None:
    """Each password box on every page that has one is type="password"."""
    # Act
    boxes = {name: _password_inputs(html) for name, html in password_pages.items()}

    # Assert
    assert all(boxes.values()), {name: len(found) for name, found in boxes.items()}
    shown = [tag for found in boxes.values() for tag in found if 'type="password"' not in tag]
    assert shown == []


@pytest.mark.asvs("6.2.7")
def test_every_password_box_lets_a_password_manager_fill_it_and_pasting_in(
    password_pages: dict[str, str],
) -> None:
    """Each password box tells password managers what it wants (the current password or a new
    one), none turns autofill off, and no page or script stops pasting."""
    # Arrange
    scripts = " ".join(path.read_text() for path in (ROOT / "static" / "js").glob("*.js"))

    # Act
    boxes = [tag for html in password_pages.values() for tag in _password_inputs(html)]
    kinds = {re.search(r'autocomplete="([^"]+)"', tag).group(1) for tag in boxes}  # type: ignore[union-attr]
    pages = " ".join(password_pages.values())

    # Assert
    assert kinds == {"current-password", "new-password"}
    assert not re.search(r"onpaste|oncopy|ondrop", pages, re.I)
    assert not re.search(r"""["']paste["']""", scripts)
    assert 'autocomplete="off"' not in " ".join(boxes)


@pytest.mark.asvs("6.2.8")
def test_a_password_is_checked_exactly_as_typed(sian: User) -> None:
    """Spaces at either end, capitals and every character count: the password without its
    spaces, in other capitals or cut short does not sign in; as typed, it does."""
    # Arrange
    typed = "  Exactly As Typed, Every Letter 42  "
    assert _change(_signed_in(sian), typed).status_code == 302

    # Act
    tries = {
        "trimmed": _signs_in("sian", typed.strip()),
        "lower case": _signs_in("sian", typed.lower()),
        "upper case": _signs_in("sian", typed.upper()),
        "cut short": _signs_in("sian", typed[:20]),
        "as typed": _signs_in("sian", typed),
    }

    # Assert
    assert tries == {
        "trimmed": False,
        "lower case": False,
        "upper case": False,
        "cut short": False,
        "as typed": True,
    }


@pytest.mark.asvs("6.2.9")
def test_a_password_of_well_over_64_characters_works(sian: User) -> None:
    """A 150-character passphrase is taken, kept whole and signs in."""
    # Arrange
    long = ("the heron waits by the lock gates every morning " * 4)[:150]

    # Act
    response = _change(_signed_in(sian), long)

    # Assert
    assert len(long) == 150
    assert response.status_code == 302
    assert _signs_in("sian", long)
    assert not _signs_in("sian", long[:64])


@pytest.mark.asvs("6.2.10")
def test_a_password_never_expires(sian: User) -> None:
    """Three years on, the same password still signs in, straight to the page asked for: no
    one is made to change it."""
    # Arrange
    later = timezone.now() + timedelta(days=3 * 365)
    client = Client()

    # Act
    with freeze_time(later):
        response = client.post(LOGIN, {"username": "sian", "password": PASSWORD})

    # Assert
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session[SESSION_KEY] == str(sian.pk)


@pytest.mark.asvs("6.2.11")
@pytest.mark.parametrize(
    "password",
    [
        "I love Mutuality so much",
        "my supervisor is kind 12",
        "CO-PRODUCER all day long",  # a word with a hyphen in it
        "r3v13w3r of everything",  # digits for letters
        "m u t u a l i t y 2 0 2 6",  # spaces between the letters
        "Riverside Trust for ever",  # the organisation's name
        "down by the riverside",  # its short name
        "sian sian sian sian",  # the username
    ],
)
def test_a_password_with_a_context_word_is_refused(sian: User, password: str) -> None:
    """A password holding the service's name, a role, the organisation's name or short name,
    or the username, however written, is refused with the word named; nothing changes."""
    # Arrange
    client = _signed_in(sian)

    # Act
    response = _change(client, password)

    # Assert
    assert response.status_code == 200
    assert "Choose a password without the word" in response.content.decode()
    assert _signs_in("sian", PASSWORD)


@pytest.mark.asvs("6.2.11")
def test_a_password_without_context_words_is_taken(sian: User) -> None:
    """The validator refuses only what it should: an ordinary passphrase is taken."""
    # Act
    response = _change(_signed_in(sian), GOOD)

    # Assert
    assert response.status_code == 302
    assert _signs_in("sian", GOOD)


@pytest.mark.asvs("6.2.12")
@pytest.mark.parametrize("password", ["1q2w3e4r5t6y", "qwerty123456", "qazwsxedcrfv"])
def test_a_breached_password_is_refused(sian: User, password: str) -> None:
    """A password from the list of breached passwords Django ships, long enough for the length
    rule, is refused as too common."""
    # Act
    response = _change(_signed_in(sian), password)

    # Assert
    assert response.status_code == 200
    assert "This password is too common" in response.content.decode()
    assert _signs_in("sian", PASSWORD)


# --- V6.3 General authentication security -------------------------------------------------------


@pytest.mark.asvs("6.3.2")
@pytest.mark.parametrize(
    ("username", "password"),
    [("admin", "admin"), ("root", "root"), ("sa", ""), ("administrator", "password")],
)
def test_a_new_service_has_no_login_at_all(db: None, username: str, password: str) -> None:
    """A freshly migrated database holds no login, so no default account can sign in."""
    # Act
    signed_in = _signs_in(username, password)

    # Assert
    assert not User.objects.exists()
    assert not signed_in


@pytest.mark.asvs("6.3.3")
def test_why_co_producers_may_use_a_password_alone_is_written_down_with_its_controls() -> None:
    """ADR 0010 and docs/security.md give the reasons co-producers may sign in with a password
    alone, and name each control that makes up for it."""
    # Arrange
    adr = " ".join(SECOND_FACTORS_ADR.read_text(encoding="utf-8").split())
    start = adr.index("## Notes: 2026-12-05, why co-producers may sign in with a password alone")
    notes = adr[start : adr.find("## ", start + 3) if adr.find("## ", start + 3) != -1 else None]
    said = _section("Signing in")
    reasons = ["only their own relationships", "no smartphone", "two adults with capacity"]
    controls = [
        "authenticator app or a passkey",
        "lockout",
        "12 characters or more",
        "30 minutes without use",
        "12 hours",
        "`access.py` decides",
        "audit trail",
        "security log",
    ]

    # Act
    missing = {
        where: [words for words in (*reasons, *controls) if words not in text]
        for where, text in (("ADR 0010", notes), ("docs/security.md", said))
    }

    # Assert
    assert "ASVS v5 6.3.3" in notes
    assert "Co-producers may sign in with a password alone (ASVS v5 6.3.3" in said
    assert missing == {"ADR 0010": [], "docs/security.md": []}


@pytest.mark.asvs("6.3.3")
def test_a_co_producer_may_add_an_authenticator_app_and_is_then_asked_for_it(
    sian: User, totp_clock: TotpClock, django_capture_on_commit_callbacks: Any
) -> None:
    """ "Your account" offers a co-producer a second step; once they add an app, signing in
    with the password alone no longer gets them in: the app's code does."""
    # Arrange
    client = Client()
    client.post(LOGIN, {"username": "sian", "password": PASSWORD})
    offer = client.get("/accounts/").content.decode()
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    client.get("/accounts/2fa/totp/activate/")
    key = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        added = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret=key)})
    client.post("/accounts/logout/")
    totp_clock.next_step()  # another day's sign-in, with the code the app shows then

    # Act
    later = Client()
    after_password = later.post(LOGIN, {"username": "sian", "password": PASSWORD})
    in_on_password_alone = SESSION_KEY in later.session
    after_code = later.post(CODE, {"code": totp_code(secret=key)})

    # Assert
    assert "Set up a second step when you sign in" in offer
    assert added.status_code == 302
    assert User.objects.get(username="sian").has_second_factor
    assert after_password["Location"] == CODE
    assert not in_on_password_alone
    assert after_code.status_code == 302
    assert later.session[SESSION_KEY] == str(sian.pk)


@pytest.mark.asvs("6.3.3")
def test_a_co_producers_session_ends_after_30_minutes_unused_and_12_hours_in_all(
    world: World,
) -> None:
    """A co-producer signed in with a password alone is signed out by the same two limits as
    staff: 30 minutes without use, and 12 hours after signing in however busy."""
    # Arrange
    idle, busy, recent = (world.client("co_producer") for _ in range(3))
    _age(idle, unused=30 * 60 + 1)
    _age(busy, signed_in=12 * 60 * 60)
    _age(recent, unused=30 * 60 - 5)

    # Act
    answers = {name: c.get("/relationships/") for name, c in [("idle", idle), ("busy", busy)]}
    still_in = recent.get("/relationships/")

    # Assert
    assert {name: r["Location"] for name, r in answers.items()} == dict.fromkeys(
        answers, "/accounts/login/?next=/relationships/"
    )
    assert SESSION_KEY not in idle.session
    assert SESSION_KEY not in busy.session
    assert still_in.status_code == 200


@pytest.mark.asvs("6.3.3")
def test_a_co_producer_reaches_only_their_own_relationship(world: World) -> None:
    """A co-producer's login opens their own relationship and lists only it; another
    relationship of the same organisation is "not found", and so are the organisation's
    service report and audit trail."""
    # Arrange
    client = world.client("co_producer")

    # Act
    own = client.get(f"/relationships/{world.relationship.pk}/")
    other = client.get(f"/relationships/{world.other.pk}/")
    listed = client.get("/relationships/").content.decode()
    elsewhere = [client.get(url) for url in ("/reports/service/", "/relationships/audit/")]

    # Assert
    assert own.status_code == 200
    assert other.status_code == 404
    assert listed.count(world.relationship.title) == 1
    assert f"/relationships/{world.other.pk}/" not in listed
    assert [response.status_code for response in elsewhere] == [404, 404]


@pytest.mark.asvs("6.3.3")
def test_a_co_producers_sign_ins_are_in_the_security_log(world: World) -> None:
    """Signing in with a password alone, a wrong password and signing out are each a security
    event with the co-producer's id or username's attempt and the address."""
    # Arrange
    co = world.users["co_producer"]
    client = Client()

    # Act
    with captured_logs() as logs:
        Client().post(
            LOGIN,
            {"username": USERNAMES["co_producer"], "password": "not it"},
            REMOTE_ADDR="10.0.0.7",
        )
        client.post(
            LOGIN,
            {"username": USERNAMES["co_producer"], "password": PASSWORD},
            REMOTE_ADDR="10.0.0.7",
        )
        client.post("/accounts/logout/", REMOTE_ADDR="10.0.0.7")

    # Assert
    assert [line["ip"] for line in logs.events("sign_in_failed")] == ["10.0.0.7"]
    assert [(line["user_id"], line["ip"]) for line in logs.events("sign_in")] == [
        (co.pk, "10.0.0.7")
    ]
    assert [line["user_id"] for line in logs.events("sign_out")] == [co.pk]


@pytest.mark.asvs("6.3.3")
@pytest.mark.parametrize("standing", ["professional", "supervisor", "reviewer", "admin"])
def test_staff_signed_in_without_a_second_factor_reach_no_relationship(
    world: World, standing: str
) -> None:
    """A member of staff whose login has no second factor, signed in with the right password,
    is sent to set one up from every page of the relationship they stand in, and from every
    other relationship's page: the password alone reaches no health information."""
    # Arrange
    Authenticator.objects.filter(user=world.users[standing]).delete()
    client = Client()
    signed_in = client.post(LOGIN, {"username": USERNAMES[standing], "password": PASSWORD})
    urls = [page.url for page in relationship_pages(world, standing)]
    urls += ["/relationships/", f"/relationships/{world.other.pk}/"]

    # Act
    answers = {url: client.get(url) for url in urls}

    # Assert
    assert signed_in.status_code == 302
    assert SESSION_KEY in client.session
    assert len(urls) > 5
    assert {url: (r.status_code, r.get("Location")) for url, r in answers.items()} == dict.fromkeys(
        urls, (302, "/accounts/2fa/")
    )


def _calls_to_login(path: Path) -> list[int]:
    """The lines of `path` that call Django's `login` (signing someone in)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Name) and node.func.id in ("login", "auth_login"))
            or (isinstance(node.func, ast.Attribute) and node.func.attr == "login")
        )
    ]


@pytest.mark.asvs("6.3.4")
def test_there_is_no_way_in_but_the_documented_ones() -> None:
    """The only code of ours that signs someone in is the co-producer's invitation; allauth
    serves only the pages listed, with signing in by emailed code, by passkey alone, after a
    reset, by sign-up and through other providers all off; no admin site is installed."""
    # Arrange
    sources = sorted((ROOT / "mutuality").rglob("*.py"))

    # Act
    signing_in = {
        path.relative_to(ROOT).as_posix(): lines
        for path in sources
        if "migrations" not in path.parts and (lines := _calls_to_login(path))
    }

    # Assert
    assert list(signing_in) == ["mutuality/web/relationships/views/people.py"]
    assert {
        "account_login",
        "account_logout",
        "account_inactive",
        "account_change_password",
        "account_set_password",
        "account_reset_password",
        "account_reset_password_done",
        "account_reset_password_from_key",
        "account_reset_password_from_key_done",
        "account_reauthenticate",
        "account_confirm_email",
    } == web_urls.ALLAUTH_PAGES
    assert not account_settings.LOGIN_BY_CODE_ENABLED
    assert not account_settings.LOGIN_ON_PASSWORD_RESET
    assert not mfa_settings.PASSKEY_LOGIN_ENABLED
    assert not mfa_settings.PASSKEY_SIGNUP_ENABLED
    assert "allauth.socialaccount" not in settings.INSTALLED_APPS
    assert "django.contrib.admin" not in settings.INSTALLED_APPS
    assert settings.AUTHENTICATION_BACKENDS == [
        "axes.backends.AxesStandaloneBackend",
        "mutuality.web.accounts.backends.SignInBackend",
    ]


# --- V6.4 Authentication factor lifecycle and recovery ------------------------------------------


@pytest.mark.asvs("6.4.1")
def test_an_invitation_is_a_random_link_that_expires_and_only_leads_to_a_password_of_ones_own(
    world: World,
) -> None:
    """An invitation's link holds 256 random bits, different every time, of which only a hash
    is kept; it stops working after 7 days; the password chosen from it follows the rules."""
    # Arrange
    admin = world.client("admin")
    links = []
    for name in ("priya", "dev"):
        response = admin.post(
            "/organisation/people/invite/",
            {
                "display_name": name,
                "email": f"{name}@example.org",
                "username": name,
                "role": "reviewer",
            },
        )
        links.append(response.context["link"].split("testserver", 1)[1])
    tokens = [link.rstrip("/").rsplit("/", 1)[1] for link in links]

    # Act
    too_short = Client().post(links[0], {"new_password1": "short", "new_password2": "short"})
    with freeze_time(timezone.now() + timedelta(days=settings.INVITATION_DAYS, minutes=1)):
        expired = Client().get(links[1])

    # Assert
    assert len(set(tokens)) == 2
    assert all(len(base64.urlsafe_b64decode(token + "=")) == 32 for token in tokens)
    stored = StaffInvitation.objects.values_list("token_hash", flat=True)
    assert not set(tokens) & set(stored)
    assert "This password is too short" in too_short.content.decode()
    assert not User.objects.get(username="priya").has_usable_password()
    assert expired.status_code == 404


@pytest.mark.asvs("6.4.2")
def test_there_are_no_password_hints_or_secret_questions(sian: User) -> None:
    """No login keeps a hint or a question, and neither signing in nor a reset asks for one."""
    # Arrange
    fields = {field.name for field in User._meta.get_fields()}

    # Act
    sign_in = Client().get(LOGIN).content.decode()
    reset = Client().get(RESET).content.decode()

    # Assert
    assert not [name for name in fields if re.search("hint|question|answer|secret", name)]
    assert set(re.findall(r'<input[^>]*\bname="([^"]+)"', sign_in)) == {
        "csrfmiddlewaretoken",
        "username",
        "password",
    }
    assert set(re.findall(r'<input[^>]*\bname="([^"]+)"', reset)) == {
        "csrfmiddlewaretoken",
        "email",
    }
    assert "hint" not in sign_in.lower() and "question" not in reset.lower()


@pytest.mark.asvs("6.4.3")
def test_a_reset_password_still_asks_staff_for_their_second_factor(db: None) -> None:
    """A professional who resets a forgotten password is not signed in by the reset; signing in
    with the new password still asks for the code, and only the code lets them in."""
    # Arrange
    pat: User = UserFactory(username="pat", email="pat@example.org")
    verify_email(pat)
    client = Client()
    form = client.get(_reset_link("pat@example.org"), follow=True)
    saved = client.post(form.redirect_chain[-1][0], {"password1": GOOD, "password2": GOOD})

    # Act
    signing_in = Client()
    after_password = signing_in.post(LOGIN, {"username": "pat", "password": GOOD})
    in_before_code = SESSION_KEY in signing_in.session
    signing_in.post(CODE, {"code": totp_code()})

    # Assert
    assert saved.status_code == 302
    assert SESSION_KEY not in client.session
    assert after_password["Location"] == CODE
    assert not in_before_code
    assert signing_in.session[SESSION_KEY] == str(pat.pk)


@pytest.mark.asvs("6.4.4")
def test_only_an_admin_resets_a_second_factor_after_making_sure_it_is_them(world: World) -> None:
    """The admin's page for a person asks them to make sure it is really that person before a
    reset; a professional of the same organisation cannot reset anyone's."""
    # Arrange
    person = world.users["supervisor"]
    url = f"/organisation/people/{person.pk}/second-factor/"

    # Act
    page = world.client("admin").get(f"/organisation/people/{person.pk}/").content.decode()
    refused = world.client("professional").post(url)

    # Assert
    assert "First make sure it is really them asking" in page
    assert "call them on a number you already had for them" in page
    assert refused.status_code == 404
    assert Authenticator.objects.filter(user=person).exists()


# --- V6.5 Multi-factor authentication -----------------------------------------------------------


def _spy(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    """Record what `secrets.<name>` gives out (calling the real one)."""
    real: Callable[..., Any] = getattr(secrets, name)
    given: list[Any] = []

    def recorded(*args: Any, **kwargs: Any) -> Any:
        value = real(*args, **kwargs)
        given.append(value)
        return value

    monkeypatch.setattr(secrets, name, recorded)
    return given


@pytest.mark.asvs("6.5.3")
def test_an_apps_key_and_the_recovery_codes_come_from_pythons_secrets(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key an authenticator app is given, and the seed the recovery codes are made from,
    are drawn from Python's `secrets` (the operating system's secure random source)."""
    # Arrange
    UserFactory(username="new", second_factor=False)
    client = Client()
    client.post(LOGIN, {"username": "new", "password": PASSWORD})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    random_bytes = _spy(monkeypatch, "token_bytes")
    random_hex = _spy(monkeypatch, "token_hex")

    # Act
    client.get("/accounts/2fa/totp/activate/")
    key = client.session["mfa.totp.secret"]
    codes = RecoveryCodes.activate(User.objects.get(username="new"))

    # Assert
    drawn = {base64.b32encode(value).decode(): value for value in random_bytes}
    assert key in drawn  # (other draws are the pages' script nonces)
    assert len(drawn[key]) * 8 == 160
    assert decrypt(codes.instance.data["seed"]) in random_hex


@pytest.mark.asvs("6.5.4")
def test_recovery_codes_are_ten_different_codes_of_eight_digits(db: None) -> None:
    """Each recovery code has 8 digits (over 26 bits), far above the 20 asked for."""
    # Arrange
    person = UserFactory(username="pat")

    # Act
    codes = RecoveryCodes.activate(person).generate_codes()

    # Assert
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"\d{8}", code) for code in codes)
    assert mfa_settings.RECOVERY_CODE_DIGITS == 8


@pytest.mark.asvs("6.5.5")
@pytest.mark.parametrize(("step", "taken"), [(-1, False), (0, True), (1, False)])
def test_only_the_current_steps_code_is_taken(db: None, step: int, taken: bool) -> None:
    """The code of the current 30-second step signs a member of staff in; the code of the step
    before (however recent) and of the step after are refused as not right."""
    # Arrange
    UserFactory(username="pat")
    client = Client()
    client.post(LOGIN, {"username": "pat", "password": PASSWORD})

    # Act
    response = client.post(CODE, {"code": totp_code(step)})

    # Assert
    assert (SESSION_KEY in client.session) is taken
    if not taken:
        assert response.status_code == 200
        assert "That code is not right" in response.content.decode()


@pytest.mark.asvs("6.5.5")
def test_a_code_is_refused_once_its_30_seconds_are_over(db: None, totp_clock: TotpClock) -> None:
    """A code still works in the last moment of its 30 seconds and not a moment after: the
    settings allow one step of 30 seconds and no steps either side."""
    # Arrange
    UserFactory(username="pat")
    step_began = totp_clock.now - totp_clock.now % 30
    totp_clock.now = step_began
    code = totp_code()
    late, in_time = Client(), Client()
    for client in (late, in_time):
        client.post(LOGIN, {"username": "pat", "password": PASSWORD})

    # Act
    totp_clock.now = step_began + 30
    refused = late.post(CODE, {"code": code})
    totp_clock.now = step_began + 29.9
    taken = in_time.post(CODE, {"code": code})

    # Assert
    assert (mfa_settings.TOTP_PERIOD, mfa_settings.TOTP_TOLERANCE) == (30, 0)
    assert "That code is not right" in refused.content.decode()
    assert SESSION_KEY not in late.session
    assert taken.status_code == 302
    assert in_time.session[SESSION_KEY] == str(User.objects.get(username="pat").pk)
