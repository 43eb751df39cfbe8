"""`mutuality generate`: a synthetic organisation of valid, assessed relationships, with a
login for every role printed as JSON, the same for the same seed; bad input is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.db import transaction
from django.test import Client

from mutuality.entry import main
from mutuality.framework import assess
from mutuality.web.accounts.models import Organisation, User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.actions import reassess
from mutuality.web.relationships.case_io import to_case
from mutuality.web.relationships.models import (
    AssessmentRecord,
    ContractVersion,
    Disclosure,
    Observation,
    OutcomeSeries,
    Participant,
    Relationship,
    Score,
    SupervisionRecord,
)
from tests.factories import totp_code

pytestmark = pytest.mark.django_db
SIZE = 40
KEYS = ["username", "role", "email", "password", "display_name"]
ROLES = {"admin", "supervisor", "reviewer", "professional", "coproducer"}
COUNTED = (
    Relationship,
    Participant,
    ContractVersion,
    SupervisionRecord,
    Disclosure,
    Observation,
    OutcomeSeries,
    Score,
    AssessmentRecord,
    User,
)


def _generate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    """Run `mutuality generate ARGS`; its exit code, stdout lines and stderr."""
    code = main(["generate", *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def _logins(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in lines]


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in COUNTED}


def test_the_same_seed_makes_the_same_logins_and_the_same_service(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Run twice with one seed (the first rolled back), the logins and every count agree."""
    args = ("--organisation", "north", "--relationships", str(SIZE), "--seed", "11")
    with transaction.atomic():
        first = _generate(capsys, *args)
        first_counts = _counts()
        transaction.set_rollback(True)

    second = _generate(capsys, *args)

    assert first[0] == second[0] == 0
    assert first[1] == second[1]
    assert first_counts == _counts()
    assert first_counts["Relationship"] == SIZE


def test_another_seed_makes_another_service(capsys: pytest.CaptureFixture[str]) -> None:
    """A different seed gives different people (so the seed is what decides)."""
    with transaction.atomic():
        _, first, _ = _generate(capsys, "--organisation", "east", "--relationships", "5")
        transaction.set_rollback(True)

    _, second, _ = _generate(capsys, "--organisation", "east", "--relationships", "5")

    assert [x["display_name"] for x in _logins(first)] != [
        x["display_name"] for x in _logins(second)
    ]


def test_each_line_is_one_login_with_its_fields_and_every_role_several_times(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Every stdout line is a JSON object of the five fields (staff: and `totp_secret`); each
    role has three or more."""
    code, lines, err = _generate(
        capsys, "--organisation", "west", "--relationships", str(SIZE), "--seed", "1"
    )

    logins = _logins(lines)
    roles = [login["role"] for login in logins]
    assert code == 0
    staff = [login for login in logins if login["role"] != "coproducer"]
    others = [login for login in logins if login["role"] == "coproducer"]
    assert all(list(login) == [*KEYS, "totp_secret"] for login in staff)
    assert all(list(login) == KEYS for login in others)
    assert all(login["email"] for login in logins)
    assert set(roles) == ROLES
    assert all(roles.count(role) >= 3 for role in ROLES)
    assert len({login["username"] for login in logins}) == len(logins)
    assert f"generated {SIZE} relationships" in err


def test_every_printed_login_signs_in(capsys: pytest.CaptureFixture[str]) -> None:
    """Each printed username and password signs in through the sign-in page, staff then with
    a code computed from their printed `totp_secret` (ADR 0010)."""
    _, lines, _ = _generate(capsys, "--organisation", "south", "--relationships", "30")

    signed_in = [_sign_in(login) for login in _logins(lines)]

    assert lines
    assert all(response.status_code == 302 for response in signed_in)
    assert all(response["Location"] == "/relationships/" for response in signed_in)


def test_every_generated_login_has_its_printed_address_verified(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each printed email address is its login's primary address, verified (ADR 0009)."""
    _, lines, _ = _generate(capsys, "--organisation", "south", "--relationships", "30")

    rows = set(EmailAddress.objects.values_list("user__username", "email", "primary", "verified"))

    assert rows == {(login["username"], login["email"], True, True) for login in _logins(lines)}


def _sign_in(login: dict[str, Any]) -> Any:
    """The password, then (for staff) the code: the last response."""
    client = Client()
    credentials = {"username": login["username"], "password": login["password"]}
    response = client.post("/accounts/login/", credentials)
    if "totp_secret" in login:
        assert response["Location"] == "/accounts/2fa/authenticate/"
        code = totp_code(secret=login["totp_secret"])
        response = client.post("/accounts/2fa/authenticate/", {"code": code})
    return response


def test_logins_stand_where_their_role_says(capsys: pytest.CaptureFixture[str]) -> None:
    """Professionals hold 10–40 relationships each, supervisors supervise, reviewers review,
    co-producers are recipients, and everyone belongs to the organisation."""
    _, lines, _ = _generate(capsys, "--organisation", "mid", "--relationships", str(SIZE))
    users = {login["username"]: login["role"] for login in _logins(lines)}
    people = {user.username: user for user in User.objects.filter(username__in=users)}

    held = {
        name: Participant.objects.filter(user=people[name], role="professional").count()
        for name, role in users.items()
        if role == "professional"
    }

    assert all(10 <= count <= 40 for count in held.values()), held
    assert sum(held.values()) == SIZE
    supervised = Relationship.objects.exclude(supervisor=None).count()
    assert supervised == SIZE
    assert Relationship.objects.filter(reviewers__isnull=False).exists()
    coproducers = [people[n] for n, role in users.items() if role == "coproducer"]
    assert all(Participant.objects.filter(user=u, role="recipient").exists() for u in coproducers)
    assert {u.organisation.slug for u in people.values() if u.organisation} == {"mid"}


def test_every_relationship_is_a_valid_case_with_a_stored_assessment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each relationship converts to a valid case; its stored assessment is what assess() says,
    and a fresh reassess of a sample stores the same result."""
    _generate(capsys, "--organisation", "valid", "--relationships", str(SIZE), "--seed", "4")
    relationships = list(Relationship.objects.order_by("pk"))

    stored = {r.pk: r.assessments.first() for r in relationships}
    fresh = {r.pk: assess(to_case(r)) for r in relationships}

    assert len(relationships) == SIZE
    assert all(record is not None for record in stored.values())
    assert all(stored[pk].recommendation == fresh[pk].recommendation for pk in stored)
    for relationship in relationships[::8]:
        rows_before = _typed_rows(relationship)
        again = reassess(relationship, reason="checking the generated one")
        assert again.result == stored[relationship.pk].result
        assert again.recommendation == stored[relationship.pk].recommendation
        assert _typed_rows(relationship) == rows_before


def _typed_rows(relationship: Relationship) -> dict[str, list[tuple[object, ...]]]:
    """Every typed row the lists and reports read, without ids (a reassess writes new rows)."""
    return {
        "periods": list(
            relationship.periods.order_by("starts").values_list(
                "starts", "ends", "recommendation", "scrutiny_level", "title", "stage", "result"
            )
        ),
        "findings": list(
            relationship.current_findings.order_by("starts", "position").values_list(
                "starts", "ends", "code", "severity", "message", "since"
            )
        ),
        "due": list(
            relationship.due_items.order_by("position").values_list(
                "starts", "ends", "category", "text", "url", "to_participant", "except_participant"
            )
        ),
        "series": list(
            relationship.series_summaries.order_by("series_id", "person").values_list(
                "series_id",
                "n_scores",
                "first_score",
                "last_score",
                "change",
                "category",
                "short_score",
                "medium_score",
                "long_score",
                "paired",
            )
        ),
    }


def test_the_service_looks_like_a_real_one(capsys: pytest.CaptureFixture[str]) -> None:
    """Several stages and recommendations, about 20 scores a relationship, answers that
    sometimes disagree, and records of every kind."""
    _generate(capsys, "--organisation", "real", "--relationships", "60", "--seed", "2")
    records = AssessmentRecord.objects.all()

    stages = set(Relationship.objects.values_list("stage", flat=True))
    recommendations = set(records.values_list("recommendation", flat=True))
    per_relationship = Score.objects.count() / 60
    divergent = sum("respect.divergent_views" in str(r.result) for r in records)

    assert len(stages) >= 3
    assert len(recommendations) >= 3
    assert 12 <= per_relationship <= 30
    assert 0 < divergent < 60
    assert SupervisionRecord.objects.exists() and Disclosure.objects.exists()
    assert OutcomeSeries.objects.filter(instrument="ons4").exists()


def test_generating_writes_one_audit_event(capsys: pytest.CaptureFixture[str]) -> None:
    """One audit event says the organisation was generated, by the command line."""
    _generate(capsys, "--organisation", "audited", "--relationships", "5", "--seed", "3")

    (event,) = AuditEvent.objects.filter(action="generate")

    assert event.organisation == Organisation.objects.get(slug="audited")
    assert event.detail["relationships"] == 5
    assert event.detail["seed"] == 3


def test_an_existing_organisation_is_refused_without_append(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Generating into a slug that exists exits 2 with one line, and adds nothing."""
    Organisation.objects.create(slug="taken", name="Taken")

    code, lines, err = _generate(capsys, "--organisation", "taken", "--relationships", "5")

    assert code == 2
    assert lines == []
    assert err.strip().splitlines() == [
        "--organisation: 'taken' exists already; expected a new slug, or --append to add to it"
    ]
    assert not Relationship.objects.exists()


def test_append_adds_relationships_and_new_logins(capsys: pytest.CaptureFixture[str]) -> None:
    """--append adds to the organisation, with logins of their own that sign in too."""
    _, first, _ = _generate(capsys, "--organisation", "grow", "--relationships", "5")

    code, second, _ = _generate(
        capsys, "--organisation", "grow", "--relationships", "7", "--append"
    )

    usernames = [login["username"] for login in _logins(first + second)]
    assert code == 0
    assert Relationship.objects.filter(organisation__slug="grow").count() == 12
    assert len(set(usernames)) == len(usernames)
    login = _logins(second)[0]
    response = Client().post(
        "/accounts/login/", {"username": login["username"], "password": login["password"]}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--organisation", "fine", "--relationships", "0"), "--relationships: got '0'"),
        (("--organisation", "fine", "--relationships", "-3"), "--relationships: got '-3'"),
        (("--organisation", "fine", "--relationships", "many"), "--relationships: got 'many'"),
        (("--organisation", "Not A Slug", "--relationships", "5"), "--organisation: got"),
        (("--organisation", "fine", "--relationships", "5", "--seed", "x"), "--seed: got 'x'"),
        (("--organisation", "fine"), "the following arguments are required: --relationships"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], field: str
) -> None:
    """A count below one, a word for a number, a bad slug or seed, or a missing option: one
    line naming it, exit 2, nothing made."""
    code, lines, err = _generate(capsys, *args)

    assert code == 2
    assert lines == []
    assert len(err.strip().splitlines()) == 1
    assert field in err
    assert "Traceback" not in err
    assert not Organisation.objects.exists()
