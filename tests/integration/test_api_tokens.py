"""Tokens that belong to a person (issue 15, point 2; ADR 0018): made on the command line or on
one's own tokens page, stored as a digest, expiring, revocable, rate-limited, and every use
audited."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mutuality.entry import main
from mutuality.web import throttle
from mutuality.web.api.models import ApiToken
from mutuality.web.api.tokens import make_token, revoke
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.models import Observation
from tests.factories import World, confirm_it_is_you

pytestmark = pytest.mark.django_db(transaction=False)


def bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`mutuality ARGS…`: its exit code, standard output and standard error."""
    code = main(list(args))
    said = capsys.readouterr()
    return code, said.out, said.err


def test_the_command_line_prints_a_token_that_works_and_keeps_only_its_digest(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    """`mutuality token create --user NAME --expires DAYS` prints a token; the database holds its
    SHA-256 digest and never the token; the token reads what its person can read."""
    # Act
    code, out, err = run_cli(capsys, "token", "create", "--user", "pro", "--expires", "7")

    # Assert
    assert code == 0, err
    secret = out.strip()
    stored = ApiToken.objects.get()
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert stored.expires - stored.created == timedelta(days=7)
    answer = bearer(secret).get("/api/v1/relationships")
    assert answer.status_code == 200
    assert [row["id"] for row in answer.json()["results"]] == [world.relationship.pk]


@pytest.mark.parametrize(
    ("arguments", "names"),
    [
        (["--user", "nobody"], "--user"),
        (["--user", "pro", "--expires", "0"], "--expires"),
        (["--user", "pro", "--expires", "366"], "--expires"),
        (["--user", "pro", "--expires", "ten"], "--expires"),
    ],
)
def test_the_command_line_refuses_a_bad_token_request_in_one_line(
    world: World, arguments: list[str], names: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing login or a lifetime outside 1 to 365 days is one line naming the option, and no
    token is made."""
    # Act
    code, out, err = run_cli(capsys, "token", "create", *arguments)

    # Assert
    assert code == 2
    assert out == ""
    assert err.startswith(names) and err.count("\n") == 1
    assert not ApiToken.objects.exists()


def test_an_expired_a_revoked_and_a_wrong_token_are_refused_alike(world: World) -> None:
    """Each is a 401 with the same words, and a WWW-Authenticate header; so is no token."""
    user = world.users["professional"]
    expired_token, expired = make_token(user, name="old", by=user)
    ApiToken.objects.filter(pk=expired_token.pk).update(expires=timezone.now())
    revoked_token, revoked = make_token(user, name="gone", by=user)
    revoke(revoked_token, by=user)
    _, live = make_token(user, name="live", by=user)
    wrong = live[:-2] + ("AA" if not live.endswith("AA") else "BB")

    # Act
    answers = [bearer(secret).get("/api/v1/relationships") for secret in (expired, revoked, wrong)]
    answers.append(Client().get("/api/v1/relationships"))

    # Assert
    assert {answer.status_code for answer in answers} == {401}
    assert len({answer.json()["detail"] for answer in answers}) == 1
    assert all(answer["WWW-Authenticate"].startswith("Bearer") for answer in answers)


def test_a_closed_login_closes_its_tokens(world: World) -> None:
    """A token stops working when its person can no longer sign in."""
    user = world.users["professional"]
    _, secret = make_token(user, name="t", by=user)
    user.is_active = False
    user.save(update_fields=["is_active"])

    # Act
    answer = bearer(secret).get("/api/v1/relationships")

    # Assert
    assert answer.status_code == 401


def test_every_use_is_audited_with_its_route_and_status(world: World) -> None:
    """Each request with a token writes one audit row: the token, the method, the route's
    pattern (never what was typed into the address) and the status."""
    user = world.users["co_producer"]
    token, secret = make_token(user, name="t", by=user)
    pk = world.relationship.pk

    # Act
    bearer(secret).get(f"/api/v1/relationships/{pk}")
    bearer(secret).get(f"/api/v1/relationships/{world.other.pk}")

    # Assert
    uses = AuditEvent.objects.filter(action="api", object_id=str(token.pk)).order_by("pk")
    assert [(u.detail["method"], u.detail["answered"], u.relationship_id) for u in uses] == [
        ("GET", 200, pk),
        ("GET", 404, None),
    ]
    assert all(u.user_id == user.pk and "{" not in u.detail["route"] for u in uses)
    assert all(str(world.other.pk) not in u.detail["route"] for u in uses)


def test_past_its_limit_a_token_waits_and_nothing_is_written(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past MUTUALITY_RATE_LIMITS["api"] in a minute, a token's requests get 429 with
    Retry-After until the minute ends; a write past the limit saves nothing."""
    settings.MUTUALITY_RATE_LIMITS = {**settings.MUTUALITY_RATE_LIMITS, "api": 2}
    monkeypatch.setattr(throttle, "clock", lambda: 1_000_000_000.0)  # 40 s into a minute
    user = world.users["professional"]
    _, secret = make_token(user, name="t", by=user)
    client = bearer(secret)
    url = f"/api/v1/relationships/{world.relationship.pk}/worries"
    body = json.dumps({"kind": "collusion", "note": "too many"})

    # Act
    first = [client.get("/api/v1/relationships").status_code for _ in range(2)]
    refused = client.post(url, body, content_type="application/json")

    # Assert
    assert first == [200, 200]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "20"
    assert not Observation.objects.filter(note="too many").exists()


def test_people_make_see_and_revoke_their_own_tokens_on_their_page(world: World) -> None:
    """On /accounts/tokens/ a person makes a token (after confirming it is them), sees it once,
    sees it listed by its name and first characters, and revokes it; it then stops working."""
    user = world.users["co_producer"]
    client = world.client("co_producer")
    confirm_it_is_you(client, code=False)  # a password alone: they have no second factor

    # Act
    made = client.post("/accounts/tokens/", {"name": "My diary app", "days": "30"})
    secret = made.context["made"]
    works = bearer(secret).get("/api/v1/relationships").status_code
    listed = client.get("/accounts/tokens/").content.decode()
    token = ApiToken.objects.get(user=user)
    revoked = client.post(f"/accounts/tokens/{token.pk}/revoke/", follow=True)
    after = bearer(secret).get("/api/v1/relationships").status_code

    # Assert
    assert made.status_code == 200 and secret.startswith("mty_")
    assert works == 200
    assert "My diary app" in listed and token.prefix in listed and secret not in listed
    assert "is revoked" in revoked.content.decode()
    assert after == 401


def test_nobody_revokes_someone_elses_token(world: World) -> None:
    """Another person's token is not found (404) and keeps working."""
    owner = world.users["professional"]
    token, secret = make_token(owner, name="theirs", by=owner)

    # Act
    answer = world.client("co_producer").post(f"/accounts/tokens/{token.pk}/revoke/")

    # Assert
    assert answer.status_code == 404
    assert bearer(secret).get("/api/v1/relationships").status_code == 200


@pytest.mark.asvs("3.5.1")
def test_a_signed_in_browser_without_a_token_is_refused(world: World) -> None:
    """The session's cookie is not a way into the API: a signed-in browser's request (which
    another site could make it send) is refused without a token, and writes nothing."""
    client = world.client("professional")
    url = f"/api/v1/relationships/{world.relationship.pk}/worries"

    # Act
    read = client.get("/api/v1/relationships")
    write = client.post(url, json.dumps({"kind": "collusion"}), content_type="application/json")

    # Assert
    assert (read.status_code, write.status_code) == (401, 401)
    assert not Observation.objects.exists()
