"""A relationship as FHIR R4 resources: its people, each one's consent, and the scores.

Pure functions over the models (no HTTP): the JSON API calls them and decides who may see what
and whether names are included. Like the outcome bundle (mutuality.outcomes, ADR 0003), the
resources use only elements common to R4 and R4B, and the tests check them with
`fhir.resources.R4B` and with FHIR.js.

People. The co-producer (role "recipient") is a Patient, the professional a Practitioner, each
affected party a RelatedPerson of the co-producer (the first, should there be several: every
Consent but another co-producer's own is about that one). Each is known by a pseudonymous identifier
(system `urn:mutuality:person`), which is also the resource's id. A participant's is their own
random identifier (`Participant.uid`, ADR 0019), never their slug, which is often a first name;
it stays with their scores when another organisation imports them. An affected party's is a
name-based UUID (uuid5) of its relationship's key and its record id (`uid`, random for parties
added here, but a case file may give one such as "mum"). Both are stable (an erasure changes a
slug, never a key) and reveal no name; a participant's cannot be worked out from the database's
keys. A `name` is written only when the caller asks for names.

Consent. One Consent per participant and per affected party whose consent is needed (`not_needed`
gives none, in the history too): status from `CONSENT_STATUS`, the vocabulary's own code kept in
`meta.tag`, `dateTime` the moment the state began (models.ConsentEvent). Its policy is the
contract version the consent was given for (`Participant.consent_version`), else the latest
version, else the relationship's contract with no version (R4's ppc-1 asks for a policy).

History. Each recorded state of a person's consent is a version of one Consent resource: one
id (and one fullUrl) per person, `meta.versionId` counting the states from 1 and
`meta.lastUpdated` when each began. A bundle without history holds the latest version only; one
with history holds every version in order, so the current state is the entry with the highest
`versionId` (and the last of its fullUrl). R4 allows entries of a Bundle to share a fullUrl when
their `meta.versionId`s differ (invariant bdl-7). An earlier version's policy names the contract
version it was given for, else the latest version there was at the time. A consent changed
without a history row (the migration gave every earlier one its row, so only a write outside
the actions leaves one) is the latest version, with no `dateTime`: when it began is not known.

Scores. The QuestionnaireResponses and Observations are `mutuality.outcomes.fhir_bundle`'s, of
the series the outcome pages read, with the co-producer's pseudonymous key as their subject's
identifier (the Patient's identifier), and each given its fullUrl's UUID as its id.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.db.models import Prefetch, QuerySet

from mutuality.framework import person_series
from mutuality.outcomes import fhir_bundle
from mutuality.web.accounts.models import Organisation
from mutuality.web.relationships.case_io import series_case
from mutuality.web.relationships.models import (
    AffectedParty,
    ConsentEvent,
    ContractVersion,
    OutcomeSeries,
    Participant,
    Relationship,
    people_with_names,
)

JSON = dict[str, Any]

PERSON_SYSTEM = "urn:mutuality:person"
"""The system of people's pseudonymous identifiers: the outcome bundle's too."""
CONSENT_SYSTEM = "urn:mutuality:consent"
CONSENT_CODE_SYSTEM = "urn:mutuality:consent-code"
"""The system of the vocabulary's consent codes, kept as a tag (`informed` and `given` are both
`active`)."""
CONTRACT_POLICY = "urn:mutuality:contract"
CONSENT_SCOPE = {
    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
    "code": "treatment",
    "display": "Treatment",
}
CONSENT_CATEGORY = {"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}
CONSENT_STATUS = {
    "not_sought": "proposed",
    "informed": "active",
    "given": "active",
    "declined": "rejected",
    "withdrawn": "inactive",
}
"""The vocabulary's consent codes (participants' and affected parties') as Consent.status."""
NOT_NEEDED = "not_needed"
RESOURCE_TYPES = (
    "Patient",
    "Practitioner",
    "RelatedPerson",
    "Consent",
    "QuestionnaireResponse",
    "Observation",
)
"""Every kind of resource written, in the order a bulk export groups them."""
ROLE_RESOURCE = {"recipient": "Patient", "professional": "Practitioner"}
NDJSON_CHUNK = 500
"""Relationships read together by the bulk export: one query per kind of record for each."""
_NAMESPACE = uuid.UUID("4b9a3121-2f02-444c-9043-33002d9c06eb")


def participant_key(participant: Participant) -> str:
    """A participant's pseudonymous identifier: random, stored, and no name."""
    return participant.uid


def affected_party_key(party: AffectedParty) -> str:
    """An affected party's pseudonymous identifier, from its record id."""
    return str(uuid.uuid5(_NAMESPACE, f"affected-party|{party.relationship_id}|{party.uid}"))


def consent_policy(relationship_id: int, version: int | None) -> str:
    """The contract (at a version, if known) a consent is given under, as a URI."""
    base = f"{CONTRACT_POLICY}:{relationship_id}"
    return base if version is None else f"{base}:version:{version}"


@dataclass(frozen=True)
class _Person:
    """Someone in the relationship as the bundle needs them."""

    kind: str  # Patient, Practitioner or RelatedPerson
    key: str
    name: str
    consent: str
    contract_version: int | None
    events: Sequence[ConsentEvent] = field(default_factory=tuple)

    @property
    def url(self) -> str:
        return f"urn:uuid:{self.key}"


@dataclass(frozen=True)
class _State:
    """One version of a person's Consent."""

    consent: str
    contract_version: int | None
    at: datetime | None
    number: int


def _events_by_party(relationship: Relationship) -> dict[tuple[str, int], list[ConsentEvent]]:
    """The relationship's consent history by ("participant" or "affected", the party's key),
    each in order."""
    events: dict[tuple[str, int], list[ConsentEvent]] = {}
    for event in relationship.consent_events.all():
        if event.participant_id is not None:
            events.setdefault(("participant", event.participant_id), []).append(event)
        elif event.affected_party_id is not None:
            events.setdefault(("affected", event.affected_party_id), []).append(event)
    return events


def _people(relationship: Relationship) -> list[_Person]:
    """Patients, then Practitioners, then RelatedPersons, each in the relationship's order."""
    events = _events_by_party(relationship)
    participants = [
        _Person(
            kind=ROLE_RESOURCE[p.role],
            key=participant_key(p),
            name=p.own_name or p.name or p.slug,
            consent=p.consent,
            contract_version=p.consent_version,
            events=events.get(("participant", p.pk), []),
        )
        for p in relationship.participants.all()
    ]
    participants.sort(key=lambda person: RESOURCE_TYPES.index(person.kind))
    affected = [
        _Person(
            kind="RelatedPerson",
            key=affected_party_key(a),
            name=a.name,
            consent=a.consent,
            contract_version=None,
            events=events.get(("affected", a.pk), []),
        )
        for a in relationship.affected_parties.all()
    ]
    return participants + affected


def _patient(relationship: Relationship, people: Sequence[_Person]) -> _Person:
    """The co-producer every Consent and RelatedPerson is about (the first, if several)."""
    for person in people:
        if person.kind == "Patient":
            return person
    raise ValueError(f"Relationship {relationship.pk} has no co-producer (a recipient).")


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _entry(resource: JSON) -> JSON:
    return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}


def _person_resource(person: _Person, patient: _Person, *, names: bool) -> JSON:
    resource: JSON = {
        "resourceType": person.kind,
        "id": person.key,
        "identifier": [{"system": PERSON_SYSTEM, "value": person.key}],
    }
    if names and person.name:
        resource["name"] = [{"text": person.name}]
    if person.kind == "RelatedPerson":
        resource["patient"] = {"reference": patient.url}
    return resource


def _states(person: _Person) -> list[_State]:
    """Every version of the person's Consent, the current one last; none if their consent is
    not needed."""
    if person.consent == NOT_NEEDED:
        return []
    shown = [event for event in person.events if event.consent != NOT_NEEDED]
    states = [
        _State(event.consent, event.contract_version, event.at, number)
        for number, event in enumerate(shown, start=1)
    ]
    last = person.events[-1] if person.events else None
    now = (person.consent, person.contract_version)
    if last is None or (last.consent, last.contract_version) != now:
        # Written without a history row: the current state, from when is not known.
        states.append(_State(person.consent, person.contract_version, None, len(states) + 1))
    return states


def _version_at(contracts: Sequence[ContractVersion], moment: datetime | None) -> int | None:
    """The latest contract version there was at a moment (now, if it is not known)."""
    for contract in contracts:  # newest first
        if moment is None or contract.created <= moment:
            return contract.version
    return None


def _then(state: _State, contracts: Sequence[ContractVersion]) -> int | None:
    """The contract version an earlier state was given for, else the latest there was then."""
    if state.contract_version is not None:
        return state.contract_version
    return _version_at(contracts, state.at)


def _consent(person: _Person, patient: _Person, state: _State, policy: str) -> JSON:
    consent_id = str(uuid.uuid5(_NAMESPACE, f"consent|{person.key}"))
    meta: JSON = {
        "versionId": str(state.number),
        "tag": [{"system": CONSENT_CODE_SYSTEM, "code": state.consent}],
    }
    resource: JSON = {
        "resourceType": "Consent",
        "id": consent_id,
        "meta": meta,
        "identifier": [{"system": CONSENT_SYSTEM, "value": consent_id}],
        "status": CONSENT_STATUS[state.consent],
        "scope": {"coding": [CONSENT_SCOPE]},
        "category": [{"coding": [CONSENT_CATEGORY]}],
        "patient": {"reference": patient.url},
        "performer": [{"reference": person.url}],
        "policy": [{"uri": policy}],
    }
    if state.at is not None:
        meta["lastUpdated"] = resource["dateTime"] = _instant(state.at)
    return resource


def _consents(
    relationship: Relationship,
    person: _Person,
    patient: _Person,
    contracts: Sequence[ContractVersion],
    *,
    history: bool,
) -> list[JSON]:
    states = _states(person)
    if not states:
        return []
    *earlier, current = states
    latest = contracts[0].version if contracts else None
    given_for = current.contract_version
    policy = consent_policy(relationship.pk, latest if given_for is None else given_for)
    now = _consent(person, patient, current, policy)
    if not history:
        return [now]
    before = [
        _consent(person, patient, state, consent_policy(relationship.pk, _then(state, contracts)))
        for state in earlier
    ]
    return [*before, now]


def _outcome_entries(relationship: Relationship, people: dict[str, str]) -> list[JSON]:
    """The outcome bundle's entries for the relationship's scores, each person by their key."""
    series = [
        replace(one, person=people[one.person]) for one in person_series(series_case(relationship))
    ]
    entries = fhir_bundle(series)["entry"]
    for entry in entries:
        resource = entry["resource"]
        entry["resource"] = {
            "resourceType": resource.pop("resourceType"),
            "id": entry["fullUrl"].removeprefix("urn:uuid:"),
            **resource,
        }
    return list(entries)


def _entries(relationship: Relationship, *, history: bool, names: bool) -> list[JSON]:
    """Every entry of the relationship's bundle (read from what `_fetched` fetched)."""
    people = _people(relationship)
    patient = _patient(relationship, people)
    contracts = list(relationship.contract_versions.all())
    entries = [_entry(_person_resource(person, patient, names=names)) for person in people]
    for person in people:
        consents = _consents(relationship, person, patient, contracts, history=history)
        entries += [_entry(consent) for consent in consents]
    keys = {p.slug: participant_key(p) for p in relationship.participants.all()}
    return entries + _outcome_entries(relationship, keys)


def _fetched(relationships: QuerySet[Relationship]) -> QuerySet[Relationship]:
    """Relationships with everything the bundle reads, one query per kind of record."""
    return relationships.select_related("organisation").prefetch_related(
        people_with_names(),
        "affected_parties",
        "contract_versions",
        "consent_events",
        Prefetch("outcome_series", OutcomeSeries.objects.select_related("of")),
        "outcome_series__scores",
    )


def relationship_bundle(
    relationship: Relationship, *, history: bool = False, names: bool = False
) -> JSON:
    """The relationship as a FHIR R4 `collection` Bundle, as plain JSON-ready data: its people,
    each one's consent (every earlier state too, with `history`), and its scores. Names are
    written only with `names`. Read afresh from the database."""
    fresh = _fetched(Relationship.objects.filter(pk=relationship.pk)).get()
    entries = _entries(fresh, history=history, names=names)
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _relinked(value: Any, targets: dict[str, str]) -> Any:
    """`value` with every reference to a bundle's fullUrl as `Type/id` instead."""
    if isinstance(value, dict):
        return {
            key: targets.get(item, item)
            if key == "reference" and isinstance(item, str)
            else _relinked(item, targets)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_relinked(item, targets) for item in value]
    return value


def _resources(entries: list[JSON]) -> list[JSON]:
    """The entries' resources, referring to each other by `Type/id`: an NDJSON file has no
    fullUrls to resolve."""
    targets = {
        entry["fullUrl"]: f"{entry['resource']['resourceType']}/{entry['resource']['id']}"
        for entry in entries
    }
    return [_relinked(entry["resource"], targets) for entry in entries]


def organisation_ndjson(organisation: Organisation, *, names: bool = False) -> Iterator[str]:
    """Every relationship of the organisation as FHIR NDJSON, for an admin's bulk export: one
    line (ending in a newline) per resource, each resource once, grouped by kind in the order
    of `RESOURCE_TYPES`, referring to each other as `Type/id`. Consents are the current state
    only. Each batch of `NDJSON_CHUNK` relationships is read in a fixed number of queries; the
    lines are held until the last is read, since each kind comes whole before the next."""
    found: dict[str, dict[str, str]] = {kind: {} for kind in RESOURCE_TYPES}
    relationships = _fetched(Relationship.objects.filter(organisation=organisation))
    for relationship in relationships.order_by("pk").iterator(chunk_size=NDJSON_CHUNK):
        for resource in _resources(_entries(relationship, history=False, names=names)):
            line = json.dumps(resource, ensure_ascii=False, separators=(",", ":"))
            found[resource["resourceType"]].setdefault(resource["id"], line + "\n")
    for kind in RESOURCE_TYPES:
        yield from found[kind].values()
