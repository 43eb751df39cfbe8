"""Relationships to case files and back, losslessly.

The web app never re-implements a rule: it turns database rows into the same
case data a YAML file holds, validates it with the framework's own model and
calls the same `assess()`. Import is the inverse, so the export of an import
assesses exactly like the original file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import yaml
from django.db import transaction
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from mutuality.framework import Case, validate_case
from mutuality.web.accounts.models import Organisation
from mutuality.web.relationships.consent_history import consent_changed
from mutuality.web.relationships.models import (
    AffectedParty,
    Consultation,
    ContractAgreement,
    ContractVersion,
    Disclosure,
    Observation,
    OutcomeSeries,
    Participant,
    PrivateWorry,
    Relationship,
    Score,
    people_with_names,
)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _without_nulls(data: dict[str, Any]) -> dict[str, Any]:
    # `null` means the same as omitting a field, so leave them out of exported files.
    return {key: value for key, value in data.items() if value is not None}


def _participant(p: Participant) -> dict[str, Any]:
    return _without_nulls(
        {
            "id": p.slug,
            # The person's own name wins over the one a case file gave (models.Participant.called);
            # an export carries it, so the file assesses, and reads, as the relationship does.
            "name": p.own_name or p.name or None,
            "role": p.role,
            "capacity": p.capacity,
            "consent": p.consent,
            "other_roles": p.other_roles or None,
            "vulnerability": p.vulnerability or None,
            "can_decline_freely": p.can_decline_freely,
            "access_needs": p.access_needs or None,
            "adjustments": p.adjustments or None,
            "answers": p.answers or None,
        }
    )


def latest_contract(relationship: Relationship) -> ContractVersion | None:
    """The newest contract version (from the prefetched versions, newest first)."""
    return next(iter(relationship.contract_versions.all()), None)


def _contract(relationship: Relationship) -> dict[str, Any] | None:
    contract = latest_contract(relationship)
    if contract is None:
        return None
    agreed = sorted(
        contract.agreements.all(), key=lambda a: (a.participant.position, a.participant.pk)
    )
    return _without_nulls(
        {
            "version": contract.version,
            "agreed_by": [a.participant.slug for a in agreed],
            "costs_and_benefits": contract.costs_and_benefits,
            "communicated_to": contract.communicated_to,
            "payments": contract.payments,
            "inequalities_addressed": contract.inequalities_addressed,
            "power_differential": contract.power_differential,
            "multiple_roles_plan": contract.multiple_roles_plan,
            "exit_plan": contract.exit_plan,
            "review_every_days": contract.review_every_days,
            "last_review": _iso(contract.last_review),
        }
    )


def _scrutiny(r: Relationship) -> dict[str, Any]:
    return _without_nulls(
        {
            "supervisor": r.supervisor_name or None,
            "supervisor_is_participant": r.supervisor_is_participant,
            "supervision_every_days": r.supervision_every_days,
            "last_supervision": _iso(r.last_supervision),
            "team_informed": r.team_informed,
            "public_reporting": r.public_reporting,
            "last_independent_review": _iso(r.last_independent_review),
        }
    )


# Each record of the case format as plain data, beginning with its own id (`uid`), so that an
# export changed elsewhere and uploaded again updates the same records (case_merge.py).


def score_data(score: Score) -> dict[str, Any]:
    entry: dict[str, Any] = {"id": score.uid, "date": score.date.isoformat()}
    if score.items is not None:
        entry["items"] = score.items
    else:
        value = score.value
        entry["value"] = int(value) if value is not None and value.is_integer() else value
    return entry


def series_data(series: OutcomeSeries) -> dict[str, Any]:
    """An outcome series with its scores (`of` read from the series' participant)."""
    return _without_nulls(
        {
            "id": series.uid,
            "instrument": series.instrument,
            "of": series.of.slug,
            "goal": series.goal,
            "scores": [score_data(score) for score in series.scores.all()],
        }
    )


def _outcomes(r: Relationship) -> list[dict[str, Any]]:
    return [
        series_data(s)
        for s in r.outcome_series.all()
        # A questionnaire started but never filled in is planned, not yet evidence: the case
        # format holds only series with scores, and the plan holds the instrument.
        if s.scores.all()
    ]


def affected_party_data(a: AffectedParty) -> dict[str, Any]:
    return _without_nulls(
        {"id": a.uid, "name": a.name, "consent": a.consent, "reason": a.reason or None}
    )


def disclosure_data(d: Disclosure) -> dict[str, Any]:
    """A disclosure (`by` read from its participant)."""
    return _without_nulls(
        {
            "id": d.uid,
            "by": d.by.slug,
            "date": d.date.isoformat(),
            "about": d.about,
            "rationale": d.rationale,
        }
    )


def observation_data(o: Observation) -> dict[str, Any]:
    return _without_nulls(
        {
            "id": o.uid,
            "date": o.date.isoformat(),
            "kind": o.kind,
            "by": o.by,
            "status": o.status,
            "note": o.note,
        }
    )


def private_worry_data(worry: PrivateWorry, *, by: str) -> dict[str, Any]:
    """A private worry as an observation of the case format, said to be raised `by` someone:
    what it would add to the assessment if it were on the record (the supervisor's view), or
    the raiser's own worry in their own export (ADR 0015)."""
    return _without_nulls(
        {
            "id": worry.uid,
            "date": worry.date.isoformat(),
            "kind": worry.kind,
            "by": by,
            "status": "open" if worry.state == "held" else "resolved",
            "note": worry.note or None,
        }
    )


def consultation_data(c: Consultation) -> dict[str, Any]:
    return {"id": c.uid, "date": c.date.isoformat(), "with": c.with_whom, "outcome": c.outcome}


def case_data(r: Relationship) -> dict[str, Any]:
    """The relationship in the case format (docs/case-format.md), as plain data: the shared
    record only. Private worries are never part of it (ADR 0015): nothing here reads them."""
    data: dict[str, Any] = {
        "mutuality": 1,
        "title": r.title,
        # The case format's stages stop at `ending`: an ended relationship is assessed as it
        # stood on the day it ended, so nothing falls due after the work is over.
        "as_of": _iso(r.as_of or (r.ended_on if r.stage == "ended" else None)),
        "stage": "ending" if r.stage == "ended" else r.stage,
        "started": _iso(r.started),
        "setting": r.setting,
        "participants": [_participant(p) for p in r.participants.all()],
        "affected_parties": [affected_party_data(a) for a in r.affected_parties.all()]
        if r.affected_identified
        else None,
        "context": {
            "best_interests": r.best_interests,
            "compulsory": r.compulsory,
            "court_ordered": r.court_ordered,
            "coproduced_elements_outside": r.coproduced_elements_outside,
        },
        "approach": {
            "co_produced_elements": r.co_produced_elements,
            "professional_led_methods": r.professional_led_methods,
            "resource_review": r.resource_review,
            "alternatives_considered": r.alternatives_considered,
            "outcome_plan": r.outcome_plan,
        },
        "contract": _contract(r),
        "contrast": r.contrast,
        "scrutiny": _scrutiny(r),
        "disclosures": [disclosure_data(d) for d in r.disclosures.all()],
        "observations": [observation_data(o) for o in r.observations.all()],
        "uncertain": r.uncertain,
        "consultations": [consultation_data(c) for c in r.consultations.all()],
        "outcomes": _outcomes(r),
        "instruments": instrument_definitions(r),
    }
    return _without_nulls(data)


def instrument_definitions(r: Relationship) -> list[dict[str, Any]]:
    """The instruments a relationship's case defines: its own (from a case file), then those of
    its organisation it does not define itself (ADR 0012). A case file carries both, so that
    it is whole on its own."""
    own = list(r.instruments)
    ids = {definition.get("id") for definition in own}
    shared = r.organisation.instruments or []
    return own + [definition for definition in shared if definition.get("id") not in ids]


CASE_RECORDS = (
    people_with_names(),
    "affected_parties",
    "contract_versions__agreements__participant",
    "disclosures__by",
    "observations",
    "consultations",
    "outcome_series__of",
    "outcome_series__scores",
)
"""Everything `case_data` reads, fetched in one query per kind of record for any number of
relationships (`case_data` itself only reads what is fetched)."""


def with_records(relationships: QuerySet[Relationship]) -> QuerySet[Relationship]:
    # The organisation comes in the same query: its policy and instruments are the case's too.
    return relationships.select_related("organisation").prefetch_related(*CASE_RECORDS)


def _fresh(relationship: Relationship) -> Relationship:
    return with_records(Relationship.objects.filter(pk=relationship.pk)).get()


def to_case(relationship: Relationship, *, fetched: bool = False) -> Case:
    """The relationship as a validated `Case`, ready for `assess()`: read afresh from the
    database, unless it was just `fetched` with `with_records`."""
    found = relationship if fetched else _fresh(relationship)
    return validate_case(case_data(found), f"relationship {relationship.pk}")


def series_case(relationship: Relationship) -> Case:
    """The relationship's people and scores as a case that leaves out everything else: all
    that `person_series` reads, for the pages that draw the scores, in three queries where a
    whole case (`to_case`) takes twelve. What is fetched stays on `relationship`, whose page
    lists its people too."""
    prefetch_related_objects(
        [relationship],
        people_with_names(),
        Prefetch("outcome_series", OutcomeSeries.objects.select_related("of")),
        "outcome_series__scores",
    )
    data = {
        "mutuality": 1,
        "title": relationship.title,
        "participants": [_participant(p) for p in relationship.participants.all()],
        "outcomes": _outcomes(relationship),
        "instruments": instrument_definitions(relationship),
    }
    return validate_case(data, f"relationship {relationship.pk}")


OWN_PRIVATE_WORRIES = (
    "# This file includes the worries you raised privately with the supervisor. They are not\n"
    "# on the shared record: nobody else's copy of this file has them.\n"
)


def export_data(
    relationship: Relationship, *, own_worries: Sequence[PrivateWorry] = ()
) -> dict[str, Any]:
    """The relationship as case-file data: the shared record, and, in the raiser's own copy
    only, the worries they raised privately (`own_worries`), as observations."""
    data = case_data(_fresh(relationship))
    if own_worries:
        data["observations"] = [
            *data.get("observations", []),
            *(private_worry_data(w, by="you, privately with the supervisor") for w in own_worries),
        ]
    return data


def export_yaml(relationship: Relationship, *, own_worries: Sequence[PrivateWorry] = ()) -> str:
    """The relationship as a case file (YAML) that `mutuality assess` reads (`export_data`),
    with a line at the top of the file when it holds its reader's private worries."""
    data = export_data(relationship, own_worries=own_worries)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return OWN_PRIVATE_WORRIES + text if own_worries else text


def plain_case(case: Case) -> dict[str, Any]:
    # Python mode keeps dates as dates for DateFields; instrument definitions go to JSON.
    data = case.model_dump(by_alias=True)
    data["instruments"] = [d.model_dump(mode="json", exclude_none=True) for d in case.instruments]
    return data


def participant_fields(p: dict[str, Any]) -> dict[str, Any]:
    """A participant of the case format (as plain data) as Participant fields."""
    return {
        "slug": p["id"],
        "name": p["name"] or "",
        "role": p["role"],
        "capacity": p["capacity"],
        "consent": p["consent"],
        "other_roles": p["other_roles"],
        "vulnerability": p["vulnerability"] or "",
        "can_decline_freely": p["can_decline_freely"],
        "access_needs": p["access_needs"],
        "adjustments": p["adjustments"],
        "answers": {k: v for k, v in p["answers"].items() if v is not None},
    }


def _create_participants(r: Relationship, data: dict[str, Any]) -> dict[str, Participant]:
    return {
        p["id"]: Participant.objects.create(
            relationship=r, position=position, **participant_fields(p)
        )
        for position, p in enumerate(data["participants"])
    }


def contract_fields(contract: dict[str, Any]) -> dict[str, Any]:
    """The contract of the case format (as plain data) as ContractVersion fields, but its
    number and who agreed to it."""
    keys = (
        "costs_and_benefits",
        "communicated_to",
        "payments",
        "inequalities_addressed",
        "power_differential",
        "multiple_roles_plan",
        "exit_plan",
        "review_every_days",
        "last_review",
    )
    return {key: contract[key] for key in keys}


def _create_contract(
    r: Relationship, contract: dict[str, Any] | None, people: dict[str, Participant]
) -> None:
    if contract is None:
        return
    version = ContractVersion.objects.create(
        relationship=r, version=contract["version"], **contract_fields(contract)
    )
    for slug in dict.fromkeys(contract["agreed_by"]):
        ContractAgreement.objects.create(contract=version, participant=people[slug])


def record_id(entry: dict[str, Any]) -> dict[str, Any]:
    """The record's own id from a case file, if it has one (else the model makes a new one).

    Ids are unique within a file (the framework checks), so a relationship imported from one
    keeps them unique too.
    """
    return {"uid": entry["id"]} if entry.get("id") else {}


def affected_party_fields(a: dict[str, Any], position: int) -> dict[str, Any]:
    return {
        "name": a["name"],
        "consent": a["consent"],
        "reason": a["reason"] or "",
        "position": position,
    }


def observation_fields(o: dict[str, Any]) -> dict[str, Any]:
    return {
        "date": o["date"],
        "kind": o["kind"],
        "by": o["by"],
        "status": o["status"],
        "note": o["note"],
    }


def score_fields(x: dict[str, Any]) -> dict[str, Any]:
    return {"date": x["date"], "value": x["value"], "items": x["items"]}


def _create_records(r: Relationship, data: dict[str, Any], people: dict[str, Participant]) -> None:
    for position, a in enumerate(data["affected_parties"] or []):
        party = AffectedParty.objects.create(
            relationship=r, **record_id(a), **affected_party_fields(a, position)
        )
        consent_changed(party)
    for d in data["disclosures"]:
        Disclosure.objects.create(
            relationship=r,
            **record_id(d),
            by=people[d["by"]],
            date=d["date"],
            about=d["about"],
            rationale=d["rationale"],
        )
    for o in data["observations"]:
        Observation.objects.create(relationship=r, **record_id(o), **observation_fields(o))
    for c in data["consultations"]:
        Consultation.objects.create(
            relationship=r,
            **record_id(c),
            date=c["date"],
            with_whom=c["with"],
            outcome=c["outcome"],
        )
    for position, s in enumerate(data["outcomes"]):
        series = OutcomeSeries.objects.create(
            relationship=r,
            **record_id(s),
            of=people[s["of"]],
            instrument=s["instrument"],
            goal=s["goal"],
            position=position,
        )
        Score.objects.bulk_create(
            Score(series=series, **record_id(x), **score_fields(x)) for x in s["scores"]
        )


def relationship_fields(data: dict[str, Any]) -> dict[str, Any]:
    context, approach, scrutiny = data["context"], data["approach"], data["scrutiny"]
    return {
        "title": data["title"],
        "stage": data["stage"],
        "started": data["started"],
        "setting": data["setting"],
        "as_of": data["as_of"],
        **context,
        **approach,
        # None (left out: nobody has looked yet) and [] (looked, none) stay apart (format 1.1).
        "contrast": data["contrast"],
        "affected_identified": data["affected_parties"] is not None,
        "supervisor_name": scrutiny["supervisor"] or "",
        "supervisor_is_participant": scrutiny["supervisor_is_participant"],
        "supervision_every_days": scrutiny["supervision_every_days"],
        "last_supervision": scrutiny["last_supervision"],
        "team_informed": scrutiny["team_informed"],
        "public_reporting": scrutiny["public_reporting"],
        "last_independent_review": scrutiny["last_independent_review"],
        "uncertain": data["uncertain"],
        "instruments": data["instruments"],
    }


@transaction.atomic
def import_case(case: Case, organisation: Organisation) -> Relationship:
    """Create a relationship (and everything in it) from a validated case, and assess it (so
    that no page has to: a page that only reads never writes)."""
    from mutuality.web.relationships.actions import reassess  # actions reads cases through here

    data = plain_case(case)
    relationship = Relationship.objects.create(
        organisation=organisation, **relationship_fields(data)
    )
    people = _create_participants(relationship, data)
    _create_contract(relationship, data["contract"], people)
    for person in people.values():
        # After the contract: the file's consents stand with the file's contract.
        consent_changed(person)
    _create_records(relationship, data, people)
    reassess(relationship, reason="imported from a case file")
    return relationship
