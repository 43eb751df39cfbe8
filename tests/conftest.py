"""Fixtures shared by every test: the shared example cases, a clean case to vary, and the web
tests' one world (tests/factories.py)."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

if TYPE_CHECKING:
    from tests.factories import TotpClock, World

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "examples"

_CLEAN_CASE: dict[str, Any] = {
    "mutuality": 1,
    "title": "Co-facilitating a hearing-voices group",
    "as_of": "2026-11-25",
    "stage": "active",
    "started": "2026-03-02",
    "setting": "group_work",
    "participants": [
        {
            "id": "alex",
            "role": "professional",
            "capacity": "presumed",
            "consent": "informed",
            "other_roles": [],
            "answers": {},
        },
        {
            "id": "sam",
            "role": "recipient",
            "capacity": "presumed",
            "consent": "informed",
            "vulnerability": "moderate",
            "can_decline_freely": True,
            "access_needs": ["large print"],
            "adjustments": ["materials in 16pt"],
            "answers": {},
        },
    ],
    "affected_parties": [{"name": "the other group members", "consent": "informed"}],
    "context": {"best_interests": False, "compulsory": False, "court_ordered": False},
    "approach": {
        "co_produced_elements": ["session plans", "group ground rules"],
        "professional_led_methods": [],
        "resource_review": "comparable",
        "alternatives_considered": ["a group led by two staff members"],
        "outcome_plan": ["phq9"],
    },
    "contract": {
        "version": 1,
        "agreed_by": ["alex", "sam"],
        "costs_and_benefits": [
            {"party": "sam", "costs": ["time"], "benefits": ["paid experience"]},
            {"party": "alex", "costs": ["preparation"], "benefits": ["learning"]},
        ],
        "communicated_to": ["alex", "sam"],
        "payments": [{"to": "alex", "kind": "salary"}, {"to": "sam", "kind": "payment"}],
        "inequalities_addressed": "paid at the trust's involvement rate",
        "power_differential": "discussed at the first meeting; sam chairs the review",
        "exit_plan": "either can end it; sam keeps their place in the group",
        "review_every_days": 90,
        "last_review": "2026-09-01",
    },
    "contrast": ["shared_clinical_decisions"],
    "scrutiny": {
        "supervisor": "Dr K, clinical supervisor",
        "supervisor_is_participant": False,
        "supervision_every_days": 28,
        "last_supervision": "2026-11-10",
        "team_informed": True,
        "public_reporting": True,
    },
    "disclosures": [
        {
            "by": "alex",
            "date": "2026-05-04",
            "about": "own experience of hearing voices",
            "rationale": "to show recovery is possible; agreed in supervision",
        }
    ],
    "observations": [
        {
            "date": "2026-10-01",
            "kind": "collusion",
            "by": "supervisor",
            "status": "resolved",
            "note": "agreed to stop discussing other staff",
        }
    ],
    "uncertain": False,
    "consultations": [{"date": "2026-02-20", "with": "team meeting", "outcome": "continue"}],
    "outcomes": [
        {
            "instrument": "phq9",
            "of": "sam",
            "scores": [{"date": "2026-03-02", "value": 16}, {"date": "2026-06-01", "value": 9}],
        }
    ],
    "instruments": [],
}


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    """The directory of shared example case files (beside the project, when it is there)."""
    if not EXAMPLES.is_dir():  # the shared folder lives beside the project, if at all
        pytest.skip(f"the shared examples are not beside the project ({EXAMPLES})")
    return EXAMPLES


@pytest.fixture(scope="session")
def example_files(examples_dir: Path) -> list[Path]:
    """Every shared example case file, in name order."""
    return sorted(examples_dir.glob("*.yaml"))


@pytest.fixture(scope="session")
def clean_case() -> Callable[[], dict[str, Any]]:
    """A factory of fresh, valid case dictionaries (every section filled in)."""

    def make() -> dict[str, Any]:
        return copy.deepcopy(_CLEAN_CASE)

    return make


@pytest.fixture
def write_case(tmp_path: Path) -> Callable[..., Path]:
    """Write a case dictionary (or raw text) to a file in a temporary directory."""

    def write(case: dict[str, Any] | str | bytes, name: str = "case.yaml") -> Path:
        path = tmp_path / name
        if isinstance(case, bytes):
            path.write_bytes(case)
        elif isinstance(case, str):
            path.write_text(case, encoding="utf-8")
        elif name.endswith(".json"):
            path.write_text(json.dumps(case), encoding="utf-8")
        else:
            path.write_text(yaml.safe_dump(case, sort_keys=False), encoding="utf-8")
        return path

    return write


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    """Tests create many users; a fast hasher keeps them quick (never used outside tests)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def totp_clock(monkeypatch: pytest.MonkeyPatch) -> TotpClock:
    """Hold still the clock allauth checks app codes against (and `totp_code` computes them
    by), at the time the test starts: a code is taken only in its own 30-second step, and a
    test must not fail because a step ended between computing a code and posting it. A test
    that needs a later step moves it (`totp_clock.next_step()`)."""
    from allauth.mfa.totp.internal import auth as allauth_totp  # needs Django's apps ready

    from tests.factories import TotpClock

    clock = TotpClock(time.time())
    monkeypatch.setattr(allauth_totp, "time", clock)
    return clock


@pytest.fixture
def world(db: None) -> World:
    """The web tests' one world (tests/factories.py, `build_world`): the walking-group example
    with a person in every standing, another relationship, and outsiders. A test module needing
    more defines a `world` fixture that asks for this one and adds to it."""
    from tests.factories import build_world  # the web app's models, only for tests that use it

    return build_world()
