"""Private worries held by the supervisor (issue 13, point 5; ADR 0015), a co-producer's request
for a consultation and the reviewer's independent review (point 4)."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from mutuality.framework import HEADLINES
from mutuality.web.audit.models import AuditEvent
from mutuality.web.outbox.models import Kind, OutgoingMessage
from mutuality.web.relationships.due import due_rows
from mutuality.web.relationships.models import (
    ACT_WITHIN_DAYS,
    RAISED_PRIVATELY_BY,
    AssessmentRecord,
    ConsultationRequest,
    PrivateWorry,
    Relationship,
)
from tests.factories import World
from tests.integration.pages import pages_for

SECRET = "He asked me to keep his drinking from the team 4e1b"
NOTE_FOR_THE_RECORD = "The two of them avoid talking about money 8c2d"
RESOLUTION = "We talked it through in supervision 93fa"


@pytest.fixture
def world(world: World) -> World:
    """The shared world, active, with everyone's email address and display name."""
    for standing, user in world.users.items():
        user.email = f"{user.username}@example.org"
        user.display_name = f"{standing.replace('_', ' ').title()} Person"
        user.save()
    relationship = world.relationship
    relationship.stage, relationship.as_of = "active", None
    relationship.started = timezone.localdate() - timedelta(days=120)
    relationship.save()
    return world


def _revision(world: World) -> int:
    return Relationship.objects.get(pk=world.relationship.pk).revision


def _url(world: World, tail: str) -> str:
    return f"/relationships/{world.relationship.pk}/{tail}"


def _raise(world: World, *, private: bool = True, note: str = SECRET) -> Any:
    day = timezone.localdate()
    return world.client("co_producer").post(
        _url(world, "observations/new/"),
        {
            "date_0": str(day.day),
            "date_1": str(day.month),
            "date_2": str(day.year),
            "kind": "collusion",
            "note": note,
            "revision": _revision(world),
            **({"supervisor_only": "on"} if private else {}),
        },
    )


def _worry(world: World) -> PrivateWorry:
    return world.relationship.private_worries.get()


def _due_texts(world: World, standing: str, days_on: int = 0) -> list[str]:
    today = timezone.localdate() + timedelta(days=days_on)
    return [row.text for row in due_rows(world.users[standing], today)]


def _text(response: Any) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode(errors="replace")
    return str(response.content.decode(errors="replace"))


def _texts_of(world: World, standing: str) -> dict[str, str]:
    """Every page and download this standing reaches, as text, by URL."""
    client = world.client(standing)
    return {page.url: _text(client.get(page.url)) for page in pages_for(world, standing)}


def _audit_rows(world: World) -> list[list[str]]:
    """The admin's audit log as CSV rows, but their own downloads of it."""
    text = _text(world.client("admin").get("/relationships/audit.csv"))
    rows = list(csv.reader(io.StringIO(text)))[1:]
    return [row for row in rows if row[4] != "Downloaded the audit log"]


def test_raising_a_private_worry_changes_nothing_shared(world: World) -> None:
    """The shared revision, the assessment and its history stay as they were, and the worry is
    held, not observed."""
    revision = _revision(world)
    history = AssessmentRecord.objects.filter(relationship=world.relationship).count()

    response = _raise(world)

    assert response.status_code == 302
    assert _revision(world) == revision
    assert AssessmentRecord.objects.filter(relationship=world.relationship).count() == history
    assert not world.relationship.observations.exists()
    assert (_worry(world).state, _worry(world).note) == ("held", SECRET)


def test_the_professional_never_learns_of_a_private_worry(world: World) -> None:
    """No page, download, due list, dashboard, report or email of the professional's holds the
    worry, its kind or anything that says one was raised privately."""
    before = _texts_of(world, "professional")

    _raise(world)
    after = _texts_of(world, "professional")

    for url, text in after.items():
        assert SECRET not in text, url
        assert "raised privately" not in text.lower(), url
        assert _worry(world).uid not in text, url
        # Not even its kind: collusion is named on a page only if it was named before.
        assert ("ollusion" in text) == ("ollusion" in before[url]), url
    assert not OutgoingMessage.objects.filter(recipient=world.users["professional"]).exists()


@pytest.mark.parametrize("standing", ["reviewer", "admin"])
def test_nobody_else_but_the_supervisor_learns_of_it_either(world: World, standing: str) -> None:
    """The reviewer's and the admin's pages and downloads never hold the worry."""
    _raise(world)

    texts = _texts_of(world, standing)

    assert all(SECRET not in t and "raised privately" not in t.lower() for t in texts.values())


def test_the_admins_audit_log_never_lists_it(world: World) -> None:
    """Raising a worry privately, and the supervisor reading and resolving it, add nothing to the
    organisation's audit log or its CSV; the events are kept in the trail outside it."""
    before = _audit_rows(world)

    _raise(world)
    worry = _worry(world)
    world.client("supervisor").get(_url(world, f"private-worries/{worry.pk}/"))
    world.client("supervisor").post(
        _url(world, f"private-worries/{worry.pk}/resolve/"),
        {"note": RESOLUTION, "revision": _revision(world)},
    )
    page = world.client("admin").get("/relationships/audit/").content.decode()

    assert _audit_rows(world) == before
    assert "private" not in page.lower()
    held = AuditEvent.objects.filter(relationship_id=world.relationship.pk, organisation=None)
    assert {e.action for e in held} == {"create", "view", "update"}
    assert all(e.detail["held_by_supervisor"] for e in held)


def test_the_supervisors_message_is_the_same_as_for_a_shared_worry(world: World) -> None:
    """The supervisor is told at once, in words that do not say whether a worry is private, nor
    what it is or who raised it."""
    _raise(world)
    private = OutgoingMessage.objects.get(kind=Kind.WORRY_RAISED)
    OutgoingMessage.objects.all().delete()

    _raise(world, private=False, note="a shared one")
    shared = OutgoingMessage.objects.get(kind=Kind.WORRY_RAISED)

    assert private.recipient == world.users["supervisor"]
    assert (private.subject, private.body) == (shared.subject, shared.body)
    assert SECRET not in private.body
    assert "Co Producer Person" not in private.body


def test_the_supervisor_sees_it_at_once_with_the_assessment_if_it_were_on_record(
    world: World,
) -> None:
    """The worry's page shows the note and the headline the same `assess()` gives with it on the
    record, which is the headline once it is put there."""
    _raise(world)
    worry = _worry(world)

    page = world.client("supervisor").get(_url(world, f"private-worries/{worry.pk}/"))
    world.client("supervisor").post(
        _url(world, f"private-worries/{worry.pk}/"),
        {"note": NOTE_FOR_THE_RECORD, "revision": _revision(world)},
    )

    html = page.content.decode()
    after = AssessmentRecord.objects.filter(relationship=world.relationship).first()
    assert after is not None
    assert SECRET in html
    assert f"it would read “{HEADLINES[after.recommendation]}”" in html
    assert "someone who spoke privately with the supervisor" in html  # a finding it would add


def test_it_is_on_the_supervisors_due_list_for_the_days_they_have(world: World) -> None:
    """The supervisor alone has it to do from the day it is raised; after the days they have,
    it says it is overdue; it names nobody."""
    _raise(world)

    today = _due_texts(world, "supervisor")
    late = _due_texts(world, "supervisor", days_on=ACT_WITHIN_DAYS + 1)

    assert any("raised privately with you" in t and "resolve it by" in t for t in today)
    assert any("raised privately with you" in t and "overdue" in t for t in late)
    for standing in ("professional", "co_producer", "reviewer", "admin"):
        assert not any("privately" in t for t in _due_texts(world, standing)), standing
    assert all("Co Producer Person" not in t for t in today)


def test_put_on_the_record_it_counts_and_never_names_its_raiser(world: World) -> None:
    """Once on the record it is an observation "raised privately with the supervisor" with the
    supervisor's words, counted in the assessment; the raiser's words and name stay out."""
    _raise(world)
    worry = _worry(world)

    response = world.client("supervisor").post(
        _url(world, f"private-worries/{worry.pk}/"),
        {"note": NOTE_FOR_THE_RECORD, "revision": _revision(world)},
    )
    records = world.client("professional").get(_url(world, "records/")).content.decode()
    own = world.client("co_producer").get(_url(world, "private-worries/")).content.decode()

    worry.refresh_from_db()
    observation = world.relationship.observations.get()
    latest = AssessmentRecord.objects.filter(relationship=world.relationship).first()
    assert response.status_code == 302
    assert (worry.state, worry.observation) == ("on_record", observation)
    assert (observation.by, observation.note) == (RAISED_PRIVATELY_BY, NOTE_FOR_THE_RECORD)
    assert latest is not None
    assert "competence.collusion" in {f["code"] for f in latest.result["findings"]}
    assert f"Raised by {RAISED_PRIVATELY_BY}" in records
    assert NOTE_FOR_THE_RECORD in records
    assert SECRET not in records
    assert "Co Producer Person" not in records.split("Worries about the relationship")[1]
    assert "Put on the shared record, without your name" in own
    assert not any("privately" in t for t in _due_texts(world, "supervisor"))


def test_resolved_privately_it_stays_private_with_its_note(world: World) -> None:
    """Resolving it leaves the shared record and assessment alone, takes it off the due list,
    and shows its raiser the state and the supervisor's note."""
    _raise(world)
    worry = _worry(world)
    history = AssessmentRecord.objects.filter(relationship=world.relationship).count()

    response = world.client("supervisor").post(
        _url(world, f"private-worries/{worry.pk}/resolve/"),
        {"note": RESOLUTION, "revision": _revision(world)},
    )
    own = world.client("co_producer").get(_url(world, "private-worries/")).content.decode()

    worry.refresh_from_db()
    assert response.status_code == 302
    assert (worry.state, worry.resolution, worry.acted_by) == (
        "resolved",
        RESOLUTION,
        world.users["supervisor"],
    )
    assert not world.relationship.observations.exists()
    assert AssessmentRecord.objects.filter(relationship=world.relationship).count() == history
    assert not any("privately" in t for t in _due_texts(world, "supervisor"))
    assert "Dealt with privately by the supervisor" in own
    assert RESOLUTION in own


def test_resolving_without_a_note_is_refused(world: World) -> None:
    """The note is asked for beside its field, and nothing changes."""
    _raise(world)
    worry = _worry(world)

    response = world.client("supervisor").post(
        _url(world, f"private-worries/{worry.pk}/resolve/"),
        {"note": "", "revision": _revision(world)},
    )

    worry.refresh_from_db()
    assert response.status_code == 200
    assert "Enter how it was resolved" in response.content.decode()
    assert worry.state == "held"


def test_a_worry_already_dealt_with_is_not_changed_again(world: World) -> None:
    """Putting on the record a worry resolved meanwhile (another tab) changes nothing."""
    _raise(world)
    worry = _worry(world)
    supervisor = world.client("supervisor")
    page_revision = _revision(world)
    supervisor.post(
        _url(world, f"private-worries/{worry.pk}/resolve/"),
        {"note": RESOLUTION, "revision": page_revision},
    )

    response = supervisor.post(
        _url(world, f"private-worries/{worry.pk}/"),
        {"note": NOTE_FOR_THE_RECORD, "revision": page_revision},
    )

    worry.refresh_from_db()
    assert response.status_code == 200
    assert worry.state == "resolved"
    assert not world.relationship.observations.exists()


def test_the_raiser_sees_their_own_worry_and_nobody_elses(world: World) -> None:
    """The co-producer's list holds their own worry and its state; a worry raised by someone
    else (from before private worries were held) is not in it."""
    _raise(world)
    world.relationship.private_worries.create(
        date=timezone.localdate(), kind="other", note="someone else's 0d3c", raised_by=None
    )

    own = world.client("co_producer").get(_url(world, "private-worries/")).content.decode()
    supervisor = world.client("supervisor").get(_url(world, "private-worries/")).content.decode()

    assert SECRET in own
    assert "With the supervisor, who has not decided yet" in own
    assert "someone else's 0d3c" not in own
    assert SECRET in supervisor and "someone else&#x27;s 0d3c" in supervisor


def test_the_co_producer_asks_for_a_consultation(world: World) -> None:
    """The request is recorded and audited; the professional and the supervisor are told
    (without the reason) and have it to do until a consultation is recorded."""
    reason = "I wonder if a peer group would suit me better 5b7e"

    response = world.client("co_producer").post(
        _url(world, "consultations/request/"), {"reason": reason, "revision": _revision(world)}
    )
    due_professional = _due_texts(world, "professional")
    due_supervisor = _due_texts(world, "supervisor")
    messages = OutgoingMessage.objects.filter(kind=Kind.CONSULTATION_REQUESTED)
    form = world.client("professional").get(_url(world, "consultations/new/")).content.decode()

    request = ConsultationRequest.objects.get()
    assert response.status_code == 302
    assert (request.reason, request.requested_by.user) == (reason, world.users["co_producer"])
    assert AuditEvent.objects.filter(
        action="create", object_type="relationships.ConsultationRequest"
    ).exists()
    assert {m.recipient for m in messages} == {
        world.users["professional"],
        world.users["supervisor"],
    }
    assert all(reason not in m.body for m in messages)
    assert any("asked on" in t and "consultation" in t for t in due_professional)
    assert any("asked on" in t and "consultation" in t for t in due_supervisor)
    assert reason in form


def test_recording_a_consultation_answers_the_request(world: World) -> None:
    """Once the professional records a consultation, the request is answered and off the lists."""
    world.client("co_producer").post(
        _url(world, "consultations/request/"),
        {"reason": "Another way?", "revision": _revision(world)},
    )
    day = timezone.localdate()

    world.client("professional").post(
        _url(world, "consultations/new/"),
        {
            "date_0": str(day.day),
            "date_1": str(day.month),
            "date_2": str(day.year),
            "with_whom": "the team meeting",
            "outcome": "continue",
            "revision": _revision(world),
        },
    )

    request = ConsultationRequest.objects.get()
    assert request.answered_by == world.relationship.consultations.get()
    assert not any("asked on" in t for t in _due_texts(world, "professional"))


def test_an_empty_consultation_request_is_refused(world: World) -> None:
    """The reason is asked for beside its field, and nothing is saved."""
    response = world.client("co_producer").post(
        _url(world, "consultations/request/"), {"reason": "  ", "revision": _revision(world)}
    )

    assert response.status_code == 200
    assert "Enter what you would like the consultation to think about" in (
        response.content.decode()
    )
    assert not ConsultationRequest.objects.exists()


def test_the_assigned_reviewer_records_an_independent_review(world: World) -> None:
    """The reviewer's review is recorded, audited and becomes the last independent review."""
    day = timezone.localdate()

    response = world.client("reviewer").post(
        _url(world, "reviews/independent/"),
        {
            "date_0": str(day.day),
            "date_1": str(day.month),
            "date_2": str(day.year),
            "note": "All in order",
            "revision": _revision(world),
        },
    )

    world.relationship.refresh_from_db()
    review = world.relationship.review_records.get()
    assert response.status_code == 302
    assert (review.kind, review.recorded_by) == ("independent", world.users["reviewer"])
    assert world.relationship.last_independent_review == day
    assert AuditEvent.objects.filter(
        action="create", object_type="relationships.ReviewRecord", user=world.users["reviewer"]
    ).exists()
