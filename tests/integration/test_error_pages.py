"""Error pages speak plain English in the service's own look, and never show a traceback."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory
from django.views.defaults import server_error

from mutuality.web.accounts.models import Role
from tests.factories import UserFactory
from tests.integration.logs import captured_logs


@pytest.fixture
def client_signed_in(db: None) -> Client:
    user = UserFactory(username="co", role=Role.CO_PRODUCER)
    client = Client()
    client.force_login(user)
    return client


def test_a_missing_page_says_so_plainly(client_signed_in: Client) -> None:
    response = client_signed_in.get("/relationships/999999/")

    page = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in page
    assert "nhsuk-header" in page


def test_a_forbidden_page_says_why(client_signed_in: Client) -> None:
    response = client_signed_in.get("/relationships/propose/")

    page = response.content.decode()
    assert response.status_code == 403
    assert "You cannot do this here" in page
    assert "Only professionals can propose a relationship." in page


@pytest.mark.asvs("3.5.1")
def test_a_form_sent_without_its_csrf_token_is_refused_plainly(db: None) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "Your page was out of date" in response.content.decode()


@pytest.mark.asvs("13.4.2")
@pytest.mark.asvs("16.5.1")
def test_the_server_error_page_shows_no_traceback() -> None:
    response = server_error(RequestFactory().get("/"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page
    assert "Traceback" not in page


@pytest.mark.asvs("3.5.4")
@pytest.mark.asvs("16.3.3")
@pytest.mark.asvs("16.5.1")
def test_a_forged_host_gets_the_services_own_page_and_is_logged(db: None) -> None:
    """A request naming a host the service does not answer to gets its plain 400 page, and
    one JSON log line saying so, with no traceback in either."""
    with captured_logs() as logs:
        response = Client().get("/relationships/", HTTP_HOST="evil.example")

    page = response.content.decode()
    (line,) = logs.lines
    assert response.status_code == 400
    assert "<h1>Something was wrong with the request</h1>" in page
    assert "nhsuk-header" in page
    assert line["event"] == "disallowed_host"
    assert line["status"] == 400
    assert "evil.example" in line["message"]
    assert "traceback" not in line
    assert "Traceback" not in page + logs.text


@pytest.mark.asvs("16.3.3")
@pytest.mark.asvs("16.5.1")
def test_a_form_without_its_csrf_token_gets_the_services_own_page_and_is_logged(
    db: None,
) -> None:
    """A POST without a CSRF token gets the plain "out of date" page (403) and one JSON log
    line, with no traceback in either."""
    client = Client(enforce_csrf_checks=True)

    with captured_logs() as logs:
        response = client.post("/accounts/login/", {"username": "x", "password": "y"})

    page = response.content.decode()
    (line,) = logs.lines
    assert response.status_code == 403
    assert "<h1>Your page was out of date</h1>" in page
    assert line["event"] == "csrf_failed"
    assert line["status"] == 403
    assert line["path"] == "/accounts/login/"
    assert "Traceback" not in page + logs.text
