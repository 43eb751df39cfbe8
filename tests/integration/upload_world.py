"""A relationship with a record of every kind and every author, for the case-upload tests.

Built on the shared world (tests/factories.py: a person in every standing, and another
relationship):
the co-producer's private worry for the supervisor, observations by the supervisor, the
professional and the co-producer, two observations with the same date and kind, a
consultation the supervisor recorded, a disclosure by the co-producer, item-by-item PHQ-9
answers the co-producer gave, a supervision session and an independent review.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client

from mutuality.web.relationships.case_io import export_yaml
from mutuality.web.relationships.models import (
    Consultation,
    ContractAgreement,
    Disclosure,
    Observation,
    OutcomeSeries,
    Participant,
    Relationship,
    ReviewRecord,
    SafetyFlag,
    Score,
    SupervisionRecord,
)
from tests.factories import World

PRIVATE_NOTE = "private worry 51c2: I feel I cannot say no to him"


def with_every_record(world: World) -> World:
    """The world, its relationship given a record of every kind by every author."""
    r = world.relationship
    pro, co, sup = (world.users[s] for s in ("professional", "co_producer", "supervisor"))
    tomasz = r.participants.get(slug="tomasz")
    observations = [
        dict(kind="boundary_drift", by="Dr Kaur", raised_by=sup, note="supervisor's own note"),
        dict(kind="boundary_drift", by="Priya", raised_by=pro, note="priya's own note"),
        dict(kind="other", by="Tomasz", raised_by=co, note="tomasz's open note"),
        dict(kind="other", by="Tomasz", raised_by=co, note="the same day and kind again"),
    ]
    for fields in observations:
        Observation.objects.create(relationship=r, date=date(2026, 11, 2), **fields)
    # Held by the supervisor, on no shared record (ADR 0015).
    r.private_worries.create(
        date=date(2026, 11, 2), kind="collusion", raised_by=co, note=PRIVATE_NOTE
    )
    Consultation.objects.create(
        relationship=r,
        date=date(2026, 10, 20),
        with_whom="the perinatal team",
        outcome="continue",
        recorded_by=sup,
    )
    Disclosure.objects.create(
        relationship=r, by=tomasz, date=date(2026, 10, 1), about="his own first year as a dad"
    )
    phq9 = OutcomeSeries.objects.create(relationship=r, of=tomasz, instrument="phq9", position=9)
    Score.objects.create(series=phq9, date=date(2026, 10, 1), items=[1, 2, 1, 0, 1, 2, 1, 0, 0])
    Score.objects.create(series=phq9, date=date(2026, 11, 1), items=[0, 1, 1, 0, 0, 1, 0, 0, 0])
    SupervisionRecord.objects.create(relationship=r, date=date(2026, 11, 10), recorded_by=sup)
    ReviewRecord.objects.create(
        relationship=r, date=date(2026, 11, 12), kind="independent", recorded_by=sup
    )
    Relationship.objects.filter(pk=r.pk).update(
        last_supervision=date(2026, 11, 10), last_independent_review=date(2026, 11, 12)
    )
    Participant.objects.filter(pk=tomasz.pk).update(answers={"decide_goals": "shared"})
    r.refresh_from_db()
    return world


def export_as(world: World, standing: str, relationship: Relationship | None = None) -> str:
    """The case file this standing downloads (the professional's, if they may not download)."""
    r = relationship or world.relationship
    client = Client()
    client.force_login(world.users[standing])
    response = client.get(f"/relationships/{r.pk}/case.yaml")
    if response.status_code != 200:
        return export_yaml(r)
    return response.content.decode()


def upload(world: World, standing: str, content: bytes | dict[str, Any], **extra: Any) -> Any:
    """POST a case file to the relationship's upload page as this standing (or signed out)."""
    r = world.relationship
    r.refresh_from_db()
    body = content if isinstance(content, bytes) else yaml.safe_dump(content).encode()
    client = Client()
    if standing != "anonymous":
        client.force_login(world.users[standing])
    return client.post(
        f"/relationships/{r.pk}/case/upload/",
        {"case_file": SimpleUploadedFile("case.yaml", body), "revision": r.revision},
        **extra,
    )


def _rows(queryset: models.QuerySet[Any], *fields: str) -> dict[int, dict[str, Any]]:
    """Rows by primary key: every field, or the fields named."""
    rows = queryset.values("id", *fields) if fields else queryset.values()
    return {row["id"]: row for row in rows}


# Records an upload may add to (new scores, series and people); those already there must stay.
GROWS = frozenset({"series", "scores", "people"})


def unchanged(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The parts of a fingerprint that changed (records that may be added to keep their old
    rows); empty when nothing did."""
    changed = []
    for part, rows in before.items():
        now = after[part]
        if part in GROWS and isinstance(rows, dict):
            now = {pk: row for pk, row in now.items() if pk in rows}
        if now != rows:
            changed.append(part)
    return changed


def everything(world: World) -> dict[str, Any]:
    """Every row of both relationships (but the audit trail and the assessments)."""
    return {
        label: fingerprint_of(world, r)
        for label, r in (("this", world.relationship), ("other", world.other))
    }


def fingerprint_of(world: World, r: Relationship) -> dict[str, Any]:
    fresh = Relationship.objects.filter(pk=r.pk)
    return {
        "relationship": _rows(fresh),
        "participants": _rows(r.participants.all()),
        "affected": _rows(r.affected_parties.all()),
        "contracts": _rows(r.contract_versions.all()),
        "agreements": _rows(ContractAgreement.objects.filter(contract__relationship=r)),
        "disclosures": _rows(r.disclosures.all()),
        "observations": _rows(r.observations.all()),
        "consultations": _rows(r.consultations.all()),
        "series": _rows(r.outcome_series.all()),
        "scores": _rows(Score.objects.filter(series__relationship=r)),
        "supervision": _rows(r.supervision_records.all()),
        "reviews": _rows(r.review_records.all()),
        "flags": _rows(SafetyFlag.objects.filter(relationship=r)),
        "reviewers": sorted(r.reviewers.values_list("pk", flat=True)),
    }


def outside_reach(world: World) -> dict[str, Any]:
    """Everything a professional's upload must leave alone: the other relationship whole, and
    in theirs every record hidden from them or written by someone else, every answer, consent
    and agreement of another person, the scores on record and what the supervisor recorded."""
    r = world.relationship
    pro = world.users["professional"]
    others = r.participants.exclude(user=pro)
    mine = models.Q(raised_by=pro) | models.Q(raised_by__isnull=True)
    relationship = Relationship.objects.filter(pk=r.pk)
    return {
        "other": fingerprint_of(world, world.other),
        "people": _rows(others, "slug", "role", "user", "consent", "answers"),
        "their_agreements": _rows(
            ContractAgreement.objects.filter(contract__relationship=r, participant__in=others)
        ),
        "observations": _rows(r.observations.exclude(mine)),
        "consultations": _rows(
            r.consultations.exclude(recorded_by=pro).exclude(recorded_by__isnull=True)
        ),
        "disclosures": _rows(r.disclosures.exclude(by__user=pro)),
        "series": _rows(r.outcome_series.all()),
        "scores": _rows(Score.objects.filter(series__relationship=r)),
        "supervision": _rows(r.supervision_records.all()),
        "reviews": _rows(r.review_records.all()),
        "dates": _rows(
            relationship,
            "as_of",
            "last_supervision",
            "last_independent_review",
            "supervisor",
            "organisation",
        ),
        "reviewers": sorted(r.reviewers.values_list("pk", flat=True)),
    }
