"""OWASP ASVS 5.0.0 V16 (logging and errors), where the security-log tests do not already show
it: a forged line break stays inside its line, a wrong second-factor code is a failed
sign-in, a value no page offers is logged, a mail server's failed TLS handshake is logged and
waited out, and a failure half-way through a change keeps nothing and says nothing of why."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client, override_settings

from mutuality.web.accounts.models import Role
from mutuality.web.audit.models import AuditEvent
from mutuality.web.outbox import sending
from mutuality.web.outbox.models import Kind, OutgoingMessage, State
from mutuality.web.relationships.models import Relationship
from tests.factories import (
    PASSWORD,
    OrganisationFactory,
    UserFactory,
    World,
    totp_code,
    verify_email,
)
from tests.integration.logs import captured_logs


@pytest.mark.asvs("16.4.1")
def test_a_forged_line_break_in_an_address_stays_inside_its_line(db: None) -> None:
    """An address carrying a line break and a JSON object of its own is logged as one line
    holding it as text: no second line, no event of the sender's choosing."""
    # Arrange
    forged = '/relationships/x%0A{"event": "sign_in", "user_id": 1}/'

    # Act
    with captured_logs() as logs:
        response = Client().get(forged)

    # Assert
    (line,) = logs.lines
    assert response.status_code == 404
    assert len(logs.text.splitlines()) == 1
    assert line["event"] == "client_error"
    assert line["path"] == '/relationships/x\n{"event": "sign_in", "user_id": 1}/'
    assert logs.events("sign_in") == []


@pytest.mark.asvs("16.3.1")
def test_a_wrong_second_factor_code_is_a_failed_sign_in_and_the_right_one_signs_in(
    world: World,
) -> None:
    """After the right password, a wrong authenticator code is logged as a failed sign-in
    (with the address, not the person, as for a wrong password); the right code then signs
    in, logged with who."""
    # Arrange
    client = Client(REMOTE_ADDR="10.0.0.7")
    client.post("/accounts/login/", {"username": "pro", "password": PASSWORD})
    wrong = "000000" if totp_code() != "000000" else "111111"

    # Act
    with captured_logs() as logs:
        client.post("/accounts/2fa/authenticate/", {"code": wrong})
        signed_in = client.post("/accounts/2fa/authenticate/", {"code": totp_code()})

    # Assert
    (failed,) = logs.events("sign_in_failed")
    (success,) = logs.events("sign_in")
    assert signed_in.status_code == 302
    assert (failed["ip"], failed["user_id"], failed["level"]) == ("10.0.0.7", None, "WARNING")
    assert (success["ip"], success["user_id"]) == ("10.0.0.7", world.users["professional"].pk)


@pytest.mark.asvs("16.3.3")
def test_a_value_no_page_offers_is_logged_and_a_persons_mistake_is_not(world: World) -> None:
    """Inviting a member of staff with a role that is not in the page's list (only a request
    made outside the page can send one) is logged with the page and organisation; leaving
    the name out, a mistake anyone can make on the page, is not."""
    # Arrange
    admin = world.client("admin")
    invitation = {
        "display_name": "Priya Shah",
        "email": "priya@example.org",
        "username": "priya",
        "role": "supervisor",
    }

    # Act
    with captured_logs() as logs:
        mistake = admin.post("/organisation/people/invite/", {**invitation, "display_name": ""})
        crafted = admin.post("/organisation/people/invite/", {**invitation, "role": "owner"})

    # Assert
    (line,) = logs.events("input_refused")
    assert (mistake.status_code, crafted.status_code) == (200, 200)
    assert line["level"] == "WARNING"
    assert line["page"] == "invite staff"
    assert line["organisation_id"] == world.relationship.organisation_id
    assert line["user_id"] == world.users["admin"].pk
    assert "owner" not in logs.text


class FailedHandshake:
    """An email backend whose mail server's TLS handshake fails."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        pass

    def open(self) -> bool:
        raise ssl.SSLError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")

    def close(self) -> None:
        pass

    def send_messages(self, messages: list[Any]) -> int:
        raise smtplib.SMTPServerDisconnected("never reached")


@pytest.fixture
def failed_handshake() -> Iterator[None]:
    with override_settings(EMAIL_BACKEND=f"{__name__}.FailedHandshake"):
        yield


@pytest.mark.asvs("16.3.4")
@pytest.mark.asvs("16.5.2")
@pytest.mark.usefixtures("failed_handshake")
def test_a_failed_tls_handshake_with_the_mail_server_is_logged_and_waited_out(db: None) -> None:
    """Asking for a password reset while the mail server's TLS fails still gets the usual
    answer; the email waits in the outbox to be tried again, says in general words what
    went wrong, and the failure is one WARNING line naming its kind, without the address."""
    # Arrange
    verify_email(
        UserFactory(
            username="sian",
            email="sian@example.org",
            organisation=OrganisationFactory(slug="home"),
            role=Role.CO_PRODUCER,
        )
    )

    # Act
    with captured_logs() as logs:
        response = Client().post("/accounts/password/reset/", {"email": "sian@example.org"})
        sending.send_due()

    # Assert
    message = OutgoingMessage.objects.get(kind=Kind.PASSWORD_RESET)
    (line,) = logs.events("send_failed")
    assert response.status_code == 302
    assert (message.state, message.attempts) == (State.PENDING, 1)
    assert message.last_error == "The mail server could not be reached."
    assert line["level"] == "WARNING"
    assert "SSLError" in line["message"]
    assert "sian@example.org" not in logs.text


@pytest.mark.asvs("16.5.1")
@pytest.mark.asvs("16.5.3")
def test_a_failure_half_way_through_a_change_keeps_none_of_it(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the assessment that follows renaming the work fails, after the new name was
    written and audited, the whole change is undone: the person gets the service's plain
    error page, without a trace of the fault, and the error is logged with its traceback."""

    # Arrange
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a fault made by this test")

    monkeypatch.setattr("mutuality.web.relationships.actions.details.reassess", broken)
    before = Relationship.objects.get(pk=world.relationship.pk)
    client = Client(raise_request_exception=False)
    client.force_login(world.users["professional"])

    # Act
    with captured_logs() as logs:
        response = client.post(
            f"/relationships/{before.pk}/about/",
            {"title": "A new name", "setting": before.setting, "revision": before.revision},
        )

    # Assert
    after = Relationship.objects.get(pk=before.pk)
    page = response.content.decode()
    (error,) = logs.events("server_error")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page
    assert "RuntimeError" not in page and "Traceback" not in page
    assert (after.title, after.revision) == (before.title, before.revision)
    assert not AuditEvent.objects.filter(action="update").exists()
    assert "a fault made by this test" in error["traceback"]
