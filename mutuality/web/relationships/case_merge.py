"""Bring an uploaded case file into an existing relationship, without losing anything.

A case file downloaded, changed elsewhere and uploaded again updates the relationship's
details, but three promises hold whatever the file says (docs/adr/0004-case-file-upload.md):

- Nothing recorded is removed. People, affected parties, disclosures, observations,
  consultations and scores the file leaves out are kept; the notes say so.
- Nobody speaks for a person who has their own login. Their consent, their answers and their
  agreement to the contract are what they gave here, unless they upload the file themselves.
- A changed contract is a new version, which needs agreeing again like any other change.
"""

from __future__ import annotations

from typing import Any

from mutuality.framework import Case
from mutuality.web.relationships.actions import Refused
from mutuality.web.relationships.case_io import (
    contract_fields,
    participant_fields,
    plain_case,
    relationship_fields,
)
from mutuality.web.relationships.models import (
    AffectedParty,
    Consultation,
    ContractAgreement,
    ContractVersion,
    Disclosure,
    Observation,
    OutcomeSeries,
    Participant,
    Relationship,
    Score,
)

# What a person with a login decides for themselves, and nobody else may set from a file.
_OWN_SAY = ("consent", "answers")


class MergeRefused(Refused):
    """The file cannot be brought in without changing who someone is; nothing is saved."""


def merge_case(relationship: Relationship, case: Case, uploader: Any) -> list[str]:
    """Update the relationship from the case; return plain-English notes of what was kept.

    Raises:
        MergeRefused: the file gives someone already here another role.
    """
    data = plain_case(case)
    _check_roles(relationship, data)
    notes: list[str] = []
    for field, value in relationship_fields(data).items():
        setattr(relationship, field, value)
    relationship.save()
    people = _merge_participants(relationship, data, uploader, notes)
    _merge_contract(relationship, data["contract"], people, uploader, notes)
    _merge_records(relationship, data, people)
    return notes


def _check_roles(r: Relationship, data: dict[str, Any]) -> None:
    roles = dict(r.participants.values_list("slug", "role"))
    for entry in data["participants"]:
        here = roles.get(entry["id"])
        if here is not None and here != entry["role"]:
            raise MergeRefused(
                f"The file makes {entry['id']} a {entry['role']}, but here they are the "
                f"{here}. A person's role cannot change by a file: check the file."
            )


def _speaks_for(uploader: Any, person: Participant) -> bool:
    """Whether the file may set this person's own say: they have no login, or it is them."""
    return person.user_id is None or person.user_id == uploader.pk


def _merge_participants(
    r: Relationship, data: dict[str, Any], uploader: Any, notes: list[str]
) -> dict[str, Participant]:
    existing = {p.slug: p for p in r.participants.all()}
    people: dict[str, Participant] = {}
    for position, entry in enumerate(data["participants"]):
        fields = {**participant_fields(entry), "position": position}
        person = existing.get(entry["id"])
        if person is None:
            people[entry["id"]] = Participant.objects.create(relationship=r, **fields)
            continue
        if not _speaks_for(uploader, person):
            kept = [f for f in _OWN_SAY if getattr(person, f) != fields[f]]
            for field in _OWN_SAY:
                fields.pop(field)
            if kept:
                notes.append(
                    f"{person.slug}'s own {' and '.join(kept)} were kept as they gave them here."
                )
        for field, value in fields.items():
            setattr(person, field, value)
        person.save()
        people[entry["id"]] = person
    left_out = sorted(set(existing) - set(people))
    if left_out:
        notes.append(f"The file leaves out {', '.join(left_out)}; they were kept.")
    return {**existing, **people}


def _merge_contract(
    r: Relationship,
    contract: dict[str, Any] | None,
    people: dict[str, Participant],
    uploader: Any,
    notes: list[str],
) -> None:
    if contract is None:
        return
    latest = r.contract_versions.first()
    fields = contract_fields(contract)
    if latest is None or any(getattr(latest, k) != v for k, v in fields.items()):
        number = 1 if latest is None else latest.version + 1
        latest = ContractVersion.objects.create(relationship=r, version=number, **fields)
        if number > 1:
            notes.append(f"The file changes the contract, so it is now version {number}.")
    agreed = set(latest.agreements.values_list("participant__slug", flat=True))
    for slug in dict.fromkeys(contract["agreed_by"]):
        person = people[slug]
        if slug in agreed:
            continue
        if _speaks_for(uploader, person):
            ContractAgreement.objects.create(contract=latest, participant=person)
        else:
            notes.append(f"{slug} agrees to the contract on their own login, not by a file.")


def _merge_records(r: Relationship, data: dict[str, Any], people: dict[str, Participant]) -> None:
    parties = {a.name: a for a in r.affected_parties.all()}
    for position, a in enumerate(data["affected_parties"] or []):
        party = parties.get(a["name"]) or AffectedParty(relationship=r, name=a["name"])
        party.consent, party.reason, party.position = a["consent"], a["reason"] or "", position
        party.save()
    for d in data["disclosures"]:
        Disclosure.objects.update_or_create(
            relationship=r,
            by=people[d["by"]],
            date=d["date"],
            about=d["about"],
            defaults={"rationale": d["rationale"]},
        )
    for o in data["observations"]:
        Observation.objects.update_or_create(
            relationship=r,
            date=o["date"],
            kind=o["kind"],
            by=o["by"],
            defaults={"status": o["status"], **({"note": o["note"]} if o["note"] else {})},
        )
    for c in data["consultations"]:
        Consultation.objects.get_or_create(
            relationship=r, date=c["date"], with_whom=c["with"], outcome=c["outcome"]
        )
    for s in data["outcomes"]:
        _merge_series(r, s, people)


def _merge_series(r: Relationship, s: dict[str, Any], people: dict[str, Participant]) -> None:
    series = OutcomeSeries.objects.filter(
        relationship=r, of=people[s["of"]], instrument=s["instrument"], goal=s["goal"]
    ).first()
    if series is None:
        last = r.outcome_series.count()
        series = OutcomeSeries.objects.create(
            relationship=r,
            of=people[s["of"]],
            instrument=s["instrument"],
            goal=s["goal"],
            position=last,
        )
    dated = set(series.scores.values_list("date", "value", "items"))
    for x in s["scores"]:
        if (x["date"], x["value"], x["items"]) not in dated:
            Score.objects.create(series=series, date=x["date"], value=x["value"], items=x["items"])
