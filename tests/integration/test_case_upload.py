"""Uploading a case file to a relationship: changes come in, nothing recorded is lost, nobody
speaks for a person with their own login, bad files are explained, and only the professional
may do it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from mutuality.framework import MAX_FILE_BYTES
from mutuality.web.accounts.models import User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.case_io import export_yaml
from mutuality.web.relationships.models import Relationship
from tests.factories import World

CASE = Path(__file__).resolve().parents[2] / "examples" / "fathers-walking-group.yaml"
STALE = "Someone else changed this relationship after you opened this page."


@pytest.fixture
def relationship(world: World) -> Relationship:
    """The shared world's relationship: professional `pro`, co-producer `co`, supervisor `sup`."""
    return world.relationship


def _client(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _data(relationship: Relationship) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(export_yaml(relationship))
    return loaded


def _upload(
    relationship: Relationship,
    content: bytes | dict[str, Any],
    *,
    user: str = "pro",
    name: str = "case.yaml",
    revision: int | None = None,
    follow: bool = False,
) -> Any:
    relationship.refresh_from_db()
    body = content if isinstance(content, bytes) else yaml.safe_dump(content).encode()
    return _client(user).post(
        f"/relationships/{relationship.pk}/case/upload/",
        {
            "case_file": SimpleUploadedFile(name, body),
            "revision": revision or relationship.revision,
        },
        follow=follow,
    )


def _counts(relationship: Relationship) -> tuple[int, ...]:
    return (
        relationship.participants.count(),
        relationship.affected_parties.count(),
        relationship.contract_versions.count(),
        relationship.observations.count(),
        relationship.disclosures.count(),
        relationship.consultations.count(),
    )


def test_uploading_the_downloaded_file_changes_nothing(relationship: Relationship) -> None:
    before, counts = _data(relationship), _counts(relationship)

    response = _upload(relationship, export_yaml(relationship).encode())

    assert response.status_code == 302
    assert _data(relationship) == before
    assert _counts(relationship) == counts
    assert relationship.assessments.first().reason == "a case file was uploaded"
    assert AuditEvent.objects.filter(action="update", relationship_id=relationship.pk).exists()


def test_changes_in_the_file_come_in_and_records_it_leaves_out_are_kept(
    relationship: Relationship,
) -> None:
    relationship.observations.create(date="2026-10-01", kind="collusion", by="Dr Kaur")
    data = _data(relationship)
    data["title"] = "The walking group, second season"
    data["observations"] = [
        {"date": "2026-11-02", "kind": "boundary_drift", "by": "priya", "status": "open"}
    ]

    response = _upload(relationship, data)

    relationship.refresh_from_db()
    assert response.status_code == 302
    assert relationship.title == "The walking group, second season"
    kinds = sorted(relationship.observations.values_list("kind", flat=True))
    assert kinds == ["boundary_drift", "collusion"]


@pytest.mark.asvs("15.3.3")
def test_a_file_cannot_give_consent_for_someone_with_their_own_login(
    relationship: Relationship,
) -> None:
    relationship.participants.filter(slug="tomasz").update(consent="withdrawn")
    data = _data(relationship)
    next(p for p in data["participants"] if p["id"] == "tomasz")["consent"] = "given"

    response = _upload(relationship, data, follow=True)

    assert relationship.participants.get(slug="tomasz").consent == "withdrawn"
    assert relationship.assessments.first().recommendation == "alternative_model"
    page = response.content.decode()
    assert "The file&#x27;s consent for tomasz was not used: only tomasz can give them" in page


def test_a_changed_contract_is_a_new_version_the_other_person_agrees_to_themselves(
    relationship: Relationship,
) -> None:
    data = _data(relationship)
    data["contract"]["exit_plan"] = "We meet twice more, then hand the group to the fathers."

    _upload(relationship, data)

    latest = relationship.contract_versions.first()
    assert latest.version == 2
    assert latest.exit_plan.startswith("We meet twice more")
    agreed = set(latest.agreements.values_list("participant__slug", flat=True))
    assert agreed == {"priya"}  # tomasz has a login: he agrees on it, not by a file
    assert relationship.contract_versions.count() == 2  # version 1 is kept


def test_a_file_that_leaves_someone_out_keeps_them(relationship: Relationship) -> None:
    data = _data(relationship)
    extra = {"id": "sam", "role": "recipient", "consent": "informed"}
    data["participants"].append(extra)
    _upload(relationship, data)
    data["participants"].remove(extra)

    response = _upload(relationship, data, follow=True)

    assert relationship.participants.filter(slug="sam").exists()
    page = response.content.decode()
    assert "The file leaves out sam; they were kept." in page


@pytest.mark.asvs("2.3.2", "15.2.2")
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"title: [unclosed", "case.yaml", "The case file:"),
        (b"", "case.yaml", "The case file is empty"),
        (b"title: x\n", "case.yaml", "In the case file, participants:"),
        (b'{"title": 1}', "case.json", "In the case file, title:"),
        (b"\xff\xfe\x00bad", "case.yaml", "The case file:"),
        (b"a: 1\n" * (MAX_FILE_BYTES // 4), "big.yaml", "must be 1,024 KB or smaller"),
    ],
)
def test_a_bad_file_is_explained_and_changes_nothing(
    relationship: Relationship, content: bytes, name: str, message: str
) -> None:
    before = _data(relationship)

    response = _upload(relationship, content, name=name)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert _data(relationship) == before


@pytest.mark.asvs("2.3.3")
def test_a_file_that_changes_someones_role_is_refused(relationship: Relationship) -> None:
    data = _data(relationship)
    next(p for p in data["participants"] if p["id"] == "tomasz")["role"] = "professional"
    for p in data["participants"]:
        if p["id"] == "tomasz":
            p.pop("vulnerability", None)
            p.pop("can_decline_freely", None)
    data["participants"].append({"id": "sam", "role": "recipient", "consent": "informed"})
    before = _data(relationship)

    response = _upload(relationship, data)

    assert response.status_code == 200
    assert "cannot change by a file" in response.content.decode()
    assert "got nothing" not in response.content.decode()  # the file is not read twice
    assert _data(relationship) == before


def test_a_stale_upload_saves_nothing(relationship: Relationship) -> None:
    data = _data(relationship)
    data["title"] = "Changed"
    relationship.refresh_from_db()

    response = _upload(relationship, data, revision=relationship.revision + 5)

    assert STALE in response.content.decode()
    relationship.refresh_from_db()
    assert relationship.title != "Changed"


@pytest.mark.parametrize(("user", "status"), [("pro", 200), ("co", 403), ("sup", 403)])
def test_only_the_professional_may_upload(
    relationship: Relationship, user: str, status: int
) -> None:
    response = _client(user).get(f"/relationships/{relationship.pk}/case/upload/")

    assert response.status_code == status


def test_a_file_carries_the_new_answers_and_an_unexamined_contrast(
    relationship: Relationship,
) -> None:
    """Format 1.1 by upload: the professional's own answer to a new question comes in and
    counts; a file that leaves `contrast` out leaves it unexamined; the download says both."""
    data = _data(relationship)
    professional = next(p for p in data["participants"] if p["role"] == "professional")
    professional["answers"] = {**professional.get("answers", {}), "money_between_us": "yes"}
    del data["contrast"]

    response = _upload(relationship, data)

    relationship.refresh_from_db()
    assert response.status_code == 302
    mine = relationship.participants.get(slug=professional["id"])
    assert mine.answers["money_between_us"] == "yes"
    assert relationship.contrast is None
    scrutiny = relationship.periods.order_by("-starts").first().result["scrutiny"]
    assert scrutiny["sources"]["payment_between_participants"] == [f"answer:{mine.slug}"]
    downloaded = _data(relationship)
    assert "contrast" not in downloaded
    again = next(p for p in downloaded["participants"] if p["id"] == mine.slug)
    assert again["answers"]["money_between_us"] == "yes"
