"""The demo organisation: every role can sign in, and its relationships show every recommendation."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command

from mutuality.web.accounts.models import Role, User
from mutuality.web.relationships.models import AssessmentRecord, Relationship


@pytest.fixture
def logins(settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "demo-logins.txt"
    monkeypatch.setattr("mutuality.web.relationships.management.commands.seed_demo.LOGINS", path)
    return path


@pytest.mark.django_db
def test_seed_demo_loads_every_role_and_every_recommendation(logins: Path) -> None:
    """A user per role, at least six relationships, all four recommendations, logins printed."""
    out = StringIO()

    call_command("seed_demo", stdout=out)

    recommendations = {r.assessments.first().recommendation for r in Relationship.objects.all()}
    assert {u.role for u in User.objects.all()} == set(Role.values)
    assert Relationship.objects.count() >= 6
    assert recommendations == {"proceed", "proceed_with_safeguards", "consult", "alternative_model"}
    for username in ("professional", "coproducer", "supervisor", "reviewer", "admin"):
        assert f"username: {username}" in out.getvalue()


@pytest.mark.django_db
def test_seed_demo_leaves_an_existing_database_alone(logins: Path) -> None:
    """Run twice, it adds nothing the second time and prints the same logins."""
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    counts = (Relationship.objects.count(), AssessmentRecord.objects.count())

    call_command("seed_demo", stdout=second)

    assert (Relationship.objects.count(), AssessmentRecord.objects.count()) == counts
    assert second.getvalue() == first.getvalue()


@pytest.mark.django_db
def test_seed_demo_gives_its_staff_an_authenticator_app(logins: Path) -> None:
    """Every demo member of staff has an authenticator app (so they reach their pages after
    the code the demo shows); the co-producer has none and is not asked for one."""
    call_command("seed_demo", stdout=StringIO())

    has = dict(User.objects.values_list("username", "has_second_factor"))
    assert has == {
        "professional": True,
        "coproducer": False,
        "supervisor": True,
        "reviewer": True,
        "admin": True,
    }


@pytest.mark.django_db
def test_seed_demo_gives_everyone_a_confirmed_address(logins: Path) -> None:
    """Every demo login has a confirmed address, so the demo's password reset mails a link."""
    out = StringIO()

    call_command("seed_demo", stdout=out)

    rows = set(EmailAddress.objects.values_list("user__username", "email", "primary", "verified"))
    assert rows == {
        (name, f"{name}@demo.example.org", True, True)
        for name in ("professional", "coproducer", "supervisor", "reviewer", "admin")
    }
    assert "confirmed email address" in out.getvalue()
