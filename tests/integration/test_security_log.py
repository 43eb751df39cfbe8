"""The logs: one JSON object a line, security events with who, from where and which record,
errors with their traceback, and never a word of anyone's health information."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mutuality.web.json_logs import JsonFormatter
from tests.factories import PASSWORD, World, totp_code
from tests.integration.logs import Captured, captured_logs
from tests.integration.test_access_matrix import _url

CANARY = "CANARY-7f3a"  # in every piece of health content, and in what people type
FIELDS = {"time", "level", "logger", "event", "message", "user_id", "ip", "path", "status"}


@pytest.fixture
def world(world: World) -> World:
    """The shared world, its relationship full of canary health content."""
    relationship = world.relationship
    relationship.title = f"{CANARY} title"
    relationship.save()
    professional = relationship.participants.get(role="professional")
    relationship.observations.create(
        date="2026-11-01", kind="collusion", by="someone", note=f"{CANARY} note"
    )
    relationship.disclosures.create(
        by=professional, date="2026-05-04", about=f"{CANARY} about", rationale=f"{CANARY} why"
    )
    relationship.affected_parties.create(name=f"{CANARY} sister")
    return world


def _signed_in(world: World, standing: str) -> Client:
    client = Client()
    client.force_login(world.users[standing])
    return client


def _sign_in(username: str, password: str, address: str = "10.0.0.1") -> int:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )
    if response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/":
        # Staff then type their authenticator app's code (ADR 0010).
        response = client.post(
            "/accounts/2fa/authenticate/", {"code": totp_code()}, REMOTE_ADDR=address
        )
    return response.status_code


def _one(logs: Captured, event: str, **expected: Any) -> dict[str, Any]:
    """The single line of this event with these fields."""
    found = [
        line
        for line in logs.events(event)
        if all(line.get(key) == value for key, value in expected.items())
    ]
    assert len(found) == 1, (event, expected, logs.events(event))
    return found[0]


@pytest.mark.asvs("14.2.4")
@pytest.mark.asvs("16.2.1")
@pytest.mark.asvs("16.2.5")
@pytest.mark.asvs("16.3.1")
@pytest.mark.asvs("16.3.2")
@pytest.mark.asvs("16.3.3")
def test_security_events_say_who_where_and_which_record_and_nothing_of_health(
    world: World,
) -> None:
    """Signing in and out, failures, a lockout, refusals, a download, an upload and a
    publication are each logged with ids, and no canary content is in any line."""
    pk, other = world.relationship.pk, world.other.pk
    ids = {standing: user.pk for standing, user in world.users.items()}
    professional, admin = _signed_in(world, "professional"), _signed_in(world, "admin")

    with captured_logs() as logs:
        assert _sign_in("pro", PASSWORD) == 302
        assert _sign_in(f"{CANARY} typed as a username", f"{CANARY} password") == 200
        for _ in range(10):
            _sign_in("co", f"{CANARY} wrong password", address="10.0.0.5")
        assert professional.get(f"/relationships/{other}/").status_code == 404
        assert professional.get(_url(world, world.relationship, "supervision")).status_code == 403
        export = professional.get(f"/relationships/{pk}/case.yaml")
        upload = professional.post(
            f"/relationships/{pk}/case/upload/",
            {
                "case_file": SimpleUploadedFile("case.yaml", export.content),
                "revision": world.relationship.revision,
            },
        )
        assert admin.get("/reports/service.csv").status_code == 200
        assert admin.post("/reports/transparency/publish/").status_code == 302
        assert professional.post("/accounts/logout/").status_code == 302

    assert upload.status_code == 302
    assert all(set(line) >= FIELDS for line in logs.lines)
    assert _one(logs, "sign_in", user_id=ids["professional"], ip="10.0.0.1")
    failed = logs.events("sign_in_failed")
    assert len(failed) == 11
    assert {line["user_id"] for line in failed} == {None}
    assert _one(logs, "locked_out", ip="10.0.0.5", status=429)
    assert _one(logs, "access_refused", status=404, relationship_id=other, permission="view")
    assert _one(logs, "access_refused", status=403, relationship_id=pk, permission="supervise")
    assert _one(logs, "export", user_id=ids["professional"], relationship_id=pk, format="yaml")
    assert _one(logs, "export", user_id=ids["admin"], format="csv")
    assert _one(logs, "upload", user_id=ids["professional"], relationship_id=pk)
    assert _one(logs, "publish", user_id=ids["admin"], version=1)
    assert _one(logs, "sign_out", user_id=ids["professional"], path="/accounts/logout/")
    assert CANARY not in logs.text
    assert world.relationship.title not in logs.text


@pytest.mark.asvs("16.2.2")
@pytest.mark.asvs("16.2.4")
@pytest.mark.asvs("16.4.1")
def test_every_line_is_one_json_object_with_the_time_in_utc(world: World) -> None:
    """Each line parses on its own, and its time is ISO 8601 with the UTC offset."""
    with captured_logs() as logs:
        _sign_in("pro", PASSWORD)
        _sign_in("pro", "a wrong password")

    times = [line["time"] for line in logs.lines]
    assert len(times) == 2
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", t) for t in times)


@pytest.mark.asvs("16.3.2")
def test_a_refusal_by_a_view_of_its_own_is_logged_once(world: World) -> None:
    """A page that refuses by itself (not through access.py) is logged as refused, once."""
    client = _signed_in(world, "co_producer")

    with captured_logs() as logs:
        response = client.get("/relationships/propose/")

    assert response.status_code == 403
    refusal = _one(logs, "access_refused", status=403)
    assert refusal["user_id"] == world.users["co_producer"].pk
    assert refusal["path"] == "/relationships/propose/"


@pytest.mark.asvs("16.3.2")
def test_pages_that_are_not_for_someone_are_logged_as_refused(world: World) -> None:
    """The service report, the audit log and the transparency review are refused (404) to a
    co-producer, and each refusal is logged with the page."""
    client = _signed_in(world, "co_producer")
    urls = ["/reports/service/", "/relationships/audit/", "/reports/transparency/"]

    with captured_logs() as logs:
        statuses = [client.get(url).status_code for url in urls]

    assert statuses == [404, 404, 404]
    refusals = logs.events("access_refused")
    assert [line["path"] for line in refusals] == urls
    assert {line["user_id"] for line in refusals} == {world.users["co_producer"].pk}


def test_a_download_of_the_report_pdf_is_logged(world: World) -> None:
    """The relationship report's PDF is an export too."""
    client = _signed_in(world, "co_producer")

    with captured_logs() as logs:
        client.get(f"/reports/relationship/{world.relationship.pk}/report.pdf")

    _one(logs, "export", relationship_id=world.relationship.pk, format="pdf")
    assert CANARY not in logs.text


@pytest.mark.asvs("16.3.4")
@pytest.mark.asvs("16.5.1")
def test_a_server_error_is_logged_with_its_traceback(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An unexpected error is one ERROR line with the traceback, and the page shows none."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a fault made by this test")

    monkeypatch.setattr("mutuality.web.relationships.views.dashboard.relationship_rows", broken)
    client = Client(raise_request_exception=False)
    client.force_login(world.users["professional"])

    with captured_logs() as logs:
        response = client.get("/relationships/")

    errors = [line for line in logs.lines if line["level"] == "ERROR"]
    assert response.status_code == 500
    assert "Traceback" not in response.content.decode()
    assert len(errors) == 1
    assert errors[0]["event"] == "server_error"
    assert errors[0]["status"] == 500
    assert errors[0]["user_id"] == world.users["professional"].pk
    assert "RuntimeError: a fault made by this test" in errors[0]["traceback"]


@pytest.mark.asvs("16.2.5")
def test_a_secret_in_the_path_is_not_logged(world: World) -> None:
    """An invitation link's token, part of its path, is left out of the log lines (Django's
    "Not Found" line and a forged host's line, which both name the path)."""
    token = "A" * 20 + "b" * 23  # the shape of a real token: 43 URL-safe characters
    url = f"/relationships/invitation/{token}/"

    with captured_logs() as logs:
        unknown = Client().get(url)
        forged = Client().get(url, HTTP_HOST="evil.example")

    assert (unknown.status_code, forged.status_code) == (404, 400)
    assert [line["event"] for line in logs.lines] == ["client_error", "disallowed_host"]
    assert {line["path"] for line in logs.lines} == {"/relationships/invitation/[secret]/"}
    assert "Not Found: /relationships/invitation/[secret]/" in logs.text
    assert token not in logs.text


@pytest.mark.asvs("15.3.4")
@pytest.mark.asvs("16.2.1")
def test_behind_a_trusted_proxy_the_client_address_is_the_one_it_reports(
    world: World, settings: Any
) -> None:
    """With MUTUALITY_TRUSTED_PROXY the logs name the client, not the proxy (a co-producer's
    sign-in, which needs the password alone)."""
    settings.TRUSTED_PROXY_COUNT = 1

    with captured_logs() as logs:
        Client().post(
            "/accounts/login/",
            {"username": "co", "password": PASSWORD},
            REMOTE_ADDR="10.0.0.9",
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )

    assert _one(logs, "sign_in")["ip"] == "203.0.113.7"


def test_the_demo_servers_request_lines_stay_out_of_the_json_log() -> None:
    """runserver's request lines, which hold query strings, keep Django's own handler."""
    server = logging.getLogger("django.server")

    formatters = {type(handler.formatter) for handler in server.handlers}

    assert server.propagate is False
    assert formatters and JsonFormatter not in formatters


@pytest.mark.asvs("16.3.3")
def test_an_upload_refused_or_from_a_stale_page_is_logged(world: World) -> None:
    """A crafted upload (an id that is not this relationship's) and an upload from an
    out-of-date page are logged as refused, with the page and ids but not the file."""
    pk = world.relationship.pk
    professional = _signed_in(world, "professional")
    export = professional.get(f"/relationships/{pk}/case.yaml").content.decode()
    data = yaml.safe_load(export)
    data["observations"][0]["id"] = f"{CANARY}-not-one-of-its-records"
    crafted = yaml.safe_dump(data).encode()
    revision = world.relationship.revision
    url = f"/relationships/{pk}/case/upload/"

    with captured_logs() as logs:
        for body, sent_revision in ((crafted, revision), (export.encode(), revision + 7)):
            upload = SimpleUploadedFile("case.yaml", body)
            response = professional.post(url, {"case_file": upload, "revision": sent_revision})
            assert response.status_code == 200

    mine = {"user_id": world.users["professional"].pk, "relationship_id": pk}
    _one(logs, "change_refused", page="case-upload", **mine)
    _one(logs, "stale_edit", page="case-upload", **mine)
    assert CANARY not in logs.text
