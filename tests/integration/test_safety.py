"""Safety signals: an answer about thoughts of self-harm is never just stored, and reliably
worse scores are flagged; the professional and supervisor see the flag first until one of
them records what was done."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mutuality.web.accounts.models import User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.models import OutcomeSeries, Relationship, SafetyFlag
from tests.factories import World

CASE = Path(__file__).resolve().parents[2] / "examples" / "fathers-walking-group.yaml"


@pytest.fixture
def relationship(world: World) -> Relationship:
    """The shared world's relationship (`pro`, `co`, `sup`, `rev`), active for 120 days."""
    relationship = world.relationship
    relationship.stage = "active"
    relationship.started = timezone.localdate() - timedelta(days=120)
    relationship.as_of = None
    relationship.save()
    return relationship


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _phq9(relationship: Relationship) -> OutcomeSeries:
    return relationship.outcome_series.get_or_create(
        of=relationship.participants.get(slug="tomasz"), instrument="phq9"
    )[0]


def _fill_in(
    relationship: Relationship, items: list[int], on: date | None = None, user: str = "co"
) -> Any:
    relationship.refresh_from_db()
    day = on or timezone.localdate()
    data = {
        "date_0": str(day.day),
        "date_1": str(day.month),
        "date_2": str(day.year),
        "revision": relationship.revision,
        **{f"item_{n}": str(answer) for n, answer in enumerate(items, 1)},
    }
    series = _phq9(relationship)
    return _client(user).post(f"/relationships/{relationship.pk}/outcomes/{series.pk}/", data)


def _due_headings(username: str) -> list[str]:
    page = _client(username).get("/relationships/").content.decode()
    return re.findall(r'<h3 class="nhsuk-heading-s">(.*?)</h3>', page)


def test_an_answer_about_self_harm_shows_where_to_get_help_now(
    relationship: Relationship,
) -> None:
    response = _fill_in(relationship, [1] * 8 + [1])

    assert response.status_code == 302
    assert response["Location"] == f"/relationships/{relationship.pk}/help-now/"
    page = _client("co").get(response["Location"]).content.decode()
    assert "116 123" in page and "999" in page and "NHS 111" in page
    assert "The assessment is up to date" not in page  # no green "Done" above the help
    # Each number is one tap to call or text on a phone.
    for link in ('href="tel:999"', 'href="tel:111"', 'href="tel:116123"', 'href="sms:85258'):
        assert link in page, link
    flag = SafetyFlag.objects.get(relationship=relationship)
    assert flag.kind == "self_harm_thoughts" and flag.about.slug == "tomasz"
    assert "question 9" in flag.detail
    assert AuditEvent.objects.filter(object_type="relationships.SafetyFlag", action="create")


def test_not_at_all_raises_nothing(relationship: Relationship) -> None:
    response = _fill_in(relationship, [2] * 8 + [0])

    assert response["Location"] == f"/relationships/{relationship.pk}/outcomes/"
    assert not SafetyFlag.objects.exists()


def test_the_professional_and_supervisor_see_the_flag_first_and_nobody_else(
    relationship: Relationship,
) -> None:
    relationship.participants.filter(slug="tomasz").update(consent="withdrawn")
    _fill_in(relationship, [0] * 8 + [2])

    for staff in ("pro", "sup"):
        assert _due_headings(staff)[0] == "Safety: act on this now"
    for other in ("co", "rev"):
        assert "Safety: act on this now" not in _due_headings(other)
    detail = _client("pro").get(f"/relationships/{relationship.pk}/").content.decode()
    assert 'id="safety-flags"' in detail
    co_detail = _client("co").get(f"/relationships/{relationship.pk}/").content.decode()
    assert 'id="safety-flags"' not in co_detail


def test_recording_what_was_done_closes_the_flag_and_keeps_it(relationship: Relationship) -> None:
    _fill_in(relationship, [0] * 8 + [3])
    flag = SafetyFlag.objects.get()
    url = f"/relationships/{relationship.pk}/safety/{flag.pk}/"

    empty = _client("sup").post(url, {"action_taken": "  "})
    done = _client("sup").post(url, {"action_taken": "Phoned him; he is safe; plan agreed."})
    again = _client("pro").post(url, {"action_taken": "Something else"})

    flag.refresh_from_db()
    assert "Say what was done about this" in empty.content.decode()
    assert done.status_code == 302
    assert flag.action_taken == "Phoned him; he is safe; plan agreed."
    assert flag.resolved_by.username == "sup"
    assert again.status_code == 200  # the page shows what was already recorded
    assert "Safety: act on this now" not in _due_headings("pro")
    assert AuditEvent.objects.filter(object_type="relationships.SafetyFlag", action="update")


@pytest.mark.parametrize("username", ["co", "rev"])
def test_only_the_professional_and_supervisor_act_on_a_flag(
    relationship: Relationship, username: str
) -> None:
    _fill_in(relationship, [0] * 8 + [1])
    flag = SafetyFlag.objects.get()

    response = _client(username).post(
        f"/relationships/{relationship.pk}/safety/{flag.pk}/", {"action_taken": "x"}
    )

    assert response.status_code == 403
    flag.refresh_from_db()
    assert flag.resolved_at is None


def test_reliably_worse_scores_are_flagged_once_while_open(relationship: Relationship) -> None:
    today = timezone.localdate()
    _fill_in(relationship, [0] * 9, on=today - timedelta(days=60))  # 0
    _fill_in(relationship, [1] * 8 + [0], on=today - timedelta(days=30))  # 8: reliably worse
    _fill_in(relationship, [2] * 8 + [0], on=today)  # 16: still worse, same open flag

    flags = SafetyFlag.objects.filter(kind="reliable_deterioration")
    assert [f.about.slug for f in flags] == ["tomasz"]
    assert "reliably worse" in flags[0].detail


def test_flags_appear_in_the_relationship_report(relationship: Relationship) -> None:
    today = timezone.localdate()
    _fill_in(relationship, [0] * 9, on=today - timedelta(days=30))
    _fill_in(relationship, [2] * 8 + [1], on=today)  # question 9, and reliably worse (0 → 17)

    page = _client("co").get(f"/reports/relationship/{relationship.pk}/").content.decode()

    kinds = set(SafetyFlag.objects.values_list("kind", flat=True))
    assert kinds == {"self_harm_thoughts", "reliable_deterioration"}
    assert 'id="safety-heading"' in page
    assert "question 9 of the PHQ-9" in page
    assert "scores are reliably worse" in page
    assert "Not yet recorded" in page
