"""A relationship as FHIR R4 resources (mutuality/web/relationships/fhir.py), and the history of
consent it reads (ConsentEvent, written by consent_history.py in the changing transaction).

Resources are checked with the R4B models of fhir.resources, as the outcome bundle is
(tests/unit/outcomes/test_fhir_bundle.py says why R4B); these models do not check terminology
bindings, so statuses are also checked against R4's value set here.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from pydantic import ValidationError

from mutuality.entry import main
from mutuality.framework import VOCABULARY
from mutuality.web.accounts.models import Organisation, User
from mutuality.web.relationships import actions
from mutuality.web.relationships.actions.contract import confirm_consent
from mutuality.web.relationships.actions.people import (
    add_affected_party,
    propose,
    update_affected_party,
)
from mutuality.web.relationships.case_io import export_yaml
from mutuality.web.relationships.fhir import (
    affected_party_key,
    organisation_ndjson,
    participant_key,
    relationship_bundle,
)
from mutuality.web.relationships.models import (
    AffectedParty,
    ConsentEvent,
    ContractVersion,
    Participant,
    Relationship,
)
from tests.factories import OrganisationFactory, RelationshipFactory, UserFactory, World, example

JSON = dict[str, Any]
CBT = "cbt-shared-formulation.yaml"  # contract version 2, PHQ-9 and GAD-7 scores, a not_needed
EXPECTED_STATUS = {
    "not_sought": "proposed",
    "informed": "active",
    "given": "active",
    "declined": "rejected",
    "withdrawn": "inactive",
}
R4_CONSENT_STATUSES = {"draft", "proposed", "active", "rejected", "inactive", "entered-in-error"}


@pytest.fixture
def relationship(db: None) -> Relationship:
    """The CBT example: noor (professional), gethin (co-producer, informed), his partner
    (affected, consent not needed), contract version 2 and eight scores."""
    return RelationshipFactory(case=example(CBT))


@pytest.fixture
def someone(relationship: Relationship) -> User:
    """A member of staff of the relationship's organisation, who makes the changes."""
    return UserFactory(organisation=relationship.organisation)


def _recipient(relationship: Relationship) -> Participant:
    return relationship.participants.get(role="recipient")


def _resources(bundle: JSON, kind: str) -> list[JSON]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]


def _consents_of(bundle: JSON, key: str) -> list[JSON]:
    """The Consents the person with this key gave, in bundle order."""
    return [
        c
        for c in _resources(bundle, "Consent")
        if c["performer"] == [{"reference": f"urn:uuid:{key}"}]
    ]


def _set(relationship: Relationship, consent: str, by: User) -> None:
    relationship.refresh_from_db()
    actions.set_consent(participant=_recipient(relationship), consent=consent, by=by)


def _add_party(relationship: Relationship, by: User, consent: str) -> AffectedParty:
    relationship.refresh_from_db()
    return add_affected_party(
        relationship=relationship,
        by=by,
        name="Gethin's sister, who drives him to sessions",
        consent=consent,
        reason="",
        expected_revision=relationship.revision,
    )


def _validate_each(resources: list[JSON]) -> None:
    for resource in resources:
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


# --- Status -----------------------------------------------------------------------------------


def test_every_consent_code_of_the_vocabulary_has_a_status() -> None:
    """The mapping below covers every code of both consent vocabularies but `not_needed`, so a
    new code cannot slip through unmapped."""
    # Arrange
    codes = set(VOCABULARY["consent"]) | set(VOCABULARY["affected_consent"])

    # Assert
    assert codes - {"not_needed"} == set(EXPECTED_STATUS)
    assert set(EXPECTED_STATUS.values()) <= R4_CONSENT_STATUSES


@pytest.mark.parametrize("consent", sorted(EXPECTED_STATUS))
def test_a_participants_consent_is_a_consent_of_its_status(
    relationship: Relationship, someone: User, consent: str
) -> None:
    """Whatever the co-producer answers, their Consent carries the status it maps to."""
    # Arrange
    _set(relationship, consent, someone)
    key = participant_key(_recipient(relationship))

    # Act
    bundle = relationship_bundle(relationship)

    # Assert
    (mine,) = _consents_of(bundle, key)
    assert mine["status"] == EXPECTED_STATUS[consent]
    assert mine["meta"]["tag"] == [{"system": "urn:mutuality:consent-code", "code": consent}]
    assert mine["patient"] == {"reference": f"urn:uuid:{key}"}


@pytest.mark.parametrize("consent", ["not_sought", "informed", "given", "declined"])
def test_an_affected_partys_consent_is_a_consent_of_its_status(
    relationship: Relationship, someone: User, consent: str
) -> None:
    """An affected party's consent is a Consent about the co-producer, given by a RelatedPerson."""
    # Arrange
    party = _add_party(relationship, someone, consent)
    patient = participant_key(_recipient(relationship))

    # Act
    bundle = relationship_bundle(relationship)

    # Assert
    (theirs,) = _consents_of(bundle, affected_party_key(party))
    assert theirs["status"] == EXPECTED_STATUS[consent]
    assert theirs["patient"] == {"reference": f"urn:uuid:{patient}"}
    (person,) = [
        r for r in _resources(bundle, "RelatedPerson") if r["id"] == affected_party_key(party)
    ]
    assert person["patient"] == {"reference": f"urn:uuid:{patient}"}


@pytest.mark.parametrize("history", [False, True])
def test_a_party_whose_consent_is_not_needed_gets_no_consent(
    relationship: Relationship, history: bool
) -> None:
    """Gethin's partner is a RelatedPerson, but gives no Consent, with or without history."""
    # Arrange
    partner = relationship.affected_parties.get()

    # Act
    bundle = relationship_bundle(relationship, history=history)

    # Assert
    assert partner.consent == "not_needed"
    assert affected_party_key(partner) in {r["id"] for r in _resources(bundle, "RelatedPerson")}
    assert _consents_of(bundle, affected_party_key(partner)) == []
    assert len(_resources(bundle, "Consent")) == 2  # noor's and gethin's


def test_each_consent_says_its_scope_category_policy_and_identifier(
    relationship: Relationship, someone: User
) -> None:
    """Consent is for treatment (consentscope), a LOINC 59284-0 Patient Consent, under the
    contract version it was given for, with an identifier equal to its id."""
    # Arrange
    _set(relationship, "given", someone)  # given now, for version 2
    key = participant_key(_recipient(relationship))

    # Act
    (mine,) = _consents_of(relationship_bundle(relationship), key)

    # Assert
    assert mine["scope"]["coding"] == [
        {
            "system": "http://terminology.hl7.org/CodeSystem/consentscope",
            "code": "treatment",
            "display": "Treatment",
        }
    ]
    assert mine["category"] == [
        {
            "coding": [
                {"system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"}
            ]
        }
    ]
    assert mine["policy"] == [{"uri": f"urn:mutuality:contract:{relationship.pk}:version:2"}]
    assert mine["identifier"] == [{"system": "urn:mutuality:consent", "value": mine["id"]}]


def test_a_consent_from_a_case_file_names_the_latest_contract_version(
    relationship: Relationship,
) -> None:
    """Noor's consent came from the file (no version of its own), so its policy is the
    latest version, 2."""
    # Arrange
    noor = relationship.participants.get(role="professional")

    # Act
    (hers,) = _consents_of(relationship_bundle(relationship), participant_key(noor))

    # Assert
    assert noor.consent_version is None
    assert hers["policy"] == [{"uri": f"urn:mutuality:contract:{relationship.pk}:version:2"}]


def test_confirming_consent_for_a_new_version_is_a_new_version_of_the_consent(
    relationship: Relationship, someone: User
) -> None:
    """Consent given for version 2, then confirmed for version 3: two versions, the latest under
    version 3, the earlier under version 2."""
    # Arrange
    _set(relationship, "informed", someone)  # informed again, now for version 2
    gethin = _recipient(relationship)
    latest = relationship.contract_versions.get(version=2)
    third = ContractVersion.objects.create(
        relationship=relationship,
        version=3,
        costs_and_benefits=latest.costs_and_benefits,
        communicated_to=latest.communicated_to,
        payments=latest.payments,
        exit_plan="Either of us can stop at any session, with no reason needed.",
    )
    for person in relationship.participants.all():
        third.agreements.create(participant=person)
    relationship.refresh_from_db()
    confirm_consent(
        participant=gethin, version=3, by=someone, expected_revision=relationship.revision
    )

    # Act
    versions = _consents_of(
        relationship_bundle(relationship, history=True), participant_key(gethin)
    )

    # Assert
    policies = [c["policy"][0]["uri"].rsplit(":", 1)[-1] for c in versions]
    assert policies[-2:] == ["2", "3"]
    assert [c["status"] for c in versions[-2:]] == ["active", "active"]


# --- History ----------------------------------------------------------------------------------


def test_history_lists_every_earlier_state_in_order(
    relationship: Relationship, someone: User
) -> None:
    """Informed (from the file), then given, then withdrawn: three versions of one Consent, in
    order, the last the current one; without history, only that one."""
    # Arrange
    _set(relationship, "given", someone)
    _set(relationship, "withdrawn", someone)
    key = participant_key(_recipient(relationship))

    # Act
    history = _consents_of(relationship_bundle(relationship, history=True), key)
    current = _consents_of(relationship_bundle(relationship), key)

    # Assert
    assert [c["status"] for c in history] == ["active", "active", "inactive"]
    assert [c["meta"]["tag"][0]["code"] for c in history] == ["informed", "given", "withdrawn"]
    assert [c["meta"]["versionId"] for c in history] == ["1", "2", "3"]
    assert {c["policy"][0]["uri"] for c in history} == {
        f"urn:mutuality:contract:{relationship.pk}:version:2"
    }
    assert len({c["id"] for c in history}) == 1
    times = [c["dateTime"] for c in history]
    assert times == sorted(times)
    assert current == [history[-1]]


def test_history_entries_share_a_full_url_only_with_different_versions(
    relationship: Relationship, someone: User
) -> None:
    """R4's bdl-7: entries with the same fullUrl differ in meta.versionId."""
    # Arrange
    _set(relationship, "declined", someone)
    _set(relationship, "informed", someone)

    # Act
    bundle = relationship_bundle(relationship, history=True)

    # Assert
    pairs = [
        (e["fullUrl"], e["resource"].get("meta", {}).get("versionId")) for e in bundle["entry"]
    ]
    assert len(pairs) == len(set(pairs))


def test_each_state_begins_when_its_event_was_recorded(
    relationship: Relationship, someone: User
) -> None:
    """The current Consent's dateTime is the time of the row set_consent wrote."""
    # Arrange
    _set(relationship, "declined", someone)
    gethin = _recipient(relationship)
    event = ConsentEvent.objects.filter(participant=gethin).last()

    # Act
    (mine,) = _consents_of(relationship_bundle(relationship), participant_key(gethin))

    # Assert
    assert event is not None and event.consent == "declined"
    assert mine["dateTime"] == event.at.isoformat().replace("+00:00", "Z")
    assert mine["meta"]["lastUpdated"] == mine["dateTime"]


def test_a_state_written_without_history_is_current_with_no_time(
    relationship: Relationship,
) -> None:
    """A consent changed outside the actions (no row) is still the current version, one after
    the recorded ones, with no dateTime: when it began is not known."""
    # Arrange
    gethin = _recipient(relationship)
    Participant.objects.filter(pk=gethin.pk).update(consent="declined")

    # Act
    versions = _consents_of(
        relationship_bundle(relationship, history=True), participant_key(gethin)
    )

    # Assert
    assert [c["status"] for c in versions] == ["active", "rejected"]
    assert "dateTime" not in versions[-1] and "dateTime" in versions[0]
    assert versions[-1]["meta"]["versionId"] == "2"


# --- The consent history is written with the change -----------------------------------------


def test_set_consent_writes_the_event_in_its_transaction(
    relationship: Relationship, someone: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When set_consent fails after writing (here, the reassessment), the consent and its row
    are rolled back together; when it succeeds, both are there."""
    # Arrange
    gethin = _recipient(relationship)
    before = ConsentEvent.objects.filter(participant=gethin).count()

    def fail(*_: Any, **__: Any) -> None:
        raise RuntimeError("the reassessment failed")

    monkeypatch.setattr(actions, "reassess", fail)

    # Act
    with pytest.raises(RuntimeError):
        _set(relationship, "declined", someone)
    after_failure = ConsentEvent.objects.filter(participant=gethin).count()
    gethin.refresh_from_db()
    consent_after_failure = gethin.consent
    monkeypatch.undo()
    _set(relationship, "declined", someone)

    # Assert
    assert after_failure == before
    assert consent_after_failure == "informed"
    last = ConsentEvent.objects.filter(participant=gethin).last()
    assert last is not None
    assert (last.consent, last.contract_version) == ("declined", None)
    assert ConsentEvent.objects.filter(participant=gethin).count() == before + 1


def test_withdrawing_on_the_page_shows_inactive_at_once(world: World) -> None:
    """The co-producer withdraws on their own login; the next bundle says inactive, and the
    request's writes (the row included) were audited (tests/integration/conftest.py)."""
    # Arrange
    relationship = world.relationship
    key = participant_key(_recipient(relationship))
    client = world.client("co_producer")

    # Act
    response = client.post(f"/relationships/{relationship.pk}/consent/withdraw/")
    (mine,) = _consents_of(relationship_bundle(relationship), key)

    # Assert
    assert response.status_code == 302
    assert mine["status"] == "inactive"
    assert mine["meta"]["tag"][0]["code"] == "withdrawn"


def test_every_person_of_an_imported_case_has_one_event(relationship: Relationship) -> None:
    """Importing a case file records each participant's and affected party's consent once."""
    # Act
    events = list(ConsentEvent.objects.filter(relationship=relationship))

    # Assert
    states = sorted((e.participant_id is not None, e.consent, e.contract_version) for e in events)
    assert states == [
        (False, "not_needed", None),
        (True, "informed", None),
        (True, "informed", None),
    ]


def test_changing_an_affected_partys_consent_adds_a_row_and_a_new_name_does_not(
    relationship: Relationship, someone: User
) -> None:
    """Only a change of consent is a new state of it."""
    # Arrange
    party = _add_party(relationship, someone, "not_sought")
    relationship.refresh_from_db()

    # Act
    update_affected_party(
        party=party,
        by=someone,
        name="Gethin's older sister",
        consent="not_sought",
        reason="",
        expected_revision=relationship.revision,
    )
    relationship.refresh_from_db()
    update_affected_party(
        party=party,
        by=someone,
        name="Gethin's older sister",
        consent="given",
        reason="",
        expected_revision=relationship.revision,
    )

    # Assert
    codes = list(
        ConsentEvent.objects.filter(affected_party=party).values_list("consent", flat=True)
    )
    assert codes == ["not_sought", "given"]


def test_a_party_added_by_an_uploaded_file_has_its_consent_recorded(world: World) -> None:
    """An upload that adds an affected party records their consent, within the audited
    request (the audit check of tests/integration/conftest.py passes)."""
    # Arrange
    relationship = world.relationship
    data = yaml.safe_load(export_yaml(relationship))
    data["affected_parties"].append({"name": "the walks' café owner", "consent": "given"})
    body = yaml.safe_dump(data).encode()

    # Act
    response = world.client("professional").post(
        f"/relationships/{relationship.pk}/case/upload/",
        {"case_file": SimpleUploadedFile("case.yaml", body), "revision": relationship.revision},
    )

    # Assert
    assert response.status_code == 302
    party = relationship.affected_parties.get(name="the walks' café owner")
    assert list(party.consent_events.values_list("consent", flat=True)) == ["given"]


def test_a_proposed_relationship_starts_both_histories_unasked(db: None) -> None:
    """Proposing a relationship records both people's consent as not sought yet."""
    # Arrange
    professional = UserFactory()

    # Act
    relationship = propose(
        by=professional,
        title="Planning a peer group",
        setting="peer_support",
        co_produced=["the plan"],
        my_id="pat",
        their_id="sam",
        supervisor=None,
    )

    # Assert
    codes = list(relationship.consent_events.values_list("consent", flat=True))
    assert codes == ["not_sought", "not_sought"]


def test_a_generated_service_has_a_history_for_everyone(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    """`mutuality generate` records each participant's and affected party's consent once."""
    # Act
    code = main(["generate", "--organisation", "made", "--relationships", "6", "--seed", "3"])
    capsys.readouterr()

    # Assert
    assert code == 0
    for person in [*Participant.objects.all(), *AffectedParty.objects.all()]:
        assert [e.consent for e in person.consent_events.all()] == [person.consent]


def test_an_event_names_exactly_one_party(relationship: Relationship) -> None:
    """The database refuses a row for both a participant and an affected party, or neither."""
    # Arrange
    gethin = _recipient(relationship)
    partner = relationship.affected_parties.get()

    # Act / Assert
    for fields in ({"participant": gethin, "affected_party": partner}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ConsentEvent.objects.create(relationship=relationship, consent="informed", **fields)


def test_an_event_is_never_changed(relationship: Relationship) -> None:
    """A recorded state cannot be saved again with other values."""
    # Arrange
    event = ConsentEvent.objects.filter(relationship=relationship).first()
    assert event is not None
    event.consent = "withdrawn"

    # Act / Assert
    with pytest.raises(ValueError, match="never changed"):
        event.save()


# --- People and names -------------------------------------------------------------------------


def test_people_are_known_by_pseudonyms_and_names_are_absent_by_default(
    relationship: Relationship,
) -> None:
    """Gethin is a Patient, Noor a Practitioner, the partner a RelatedPerson, each with an
    identifier that is no name, and no name anywhere in the bundle."""
    # Act
    bundle = relationship_bundle(relationship)
    text = json.dumps(bundle).lower()

    # Assert
    people = [
        *_resources(bundle, "Patient"),
        *_resources(bundle, "Practitioner"),
        *_resources(bundle, "RelatedPerson"),
    ]
    assert [p["resourceType"] for p in people] == ["Patient", "Practitioner", "RelatedPerson"]
    for person in people:
        assert "name" not in person
        assert person["identifier"] == [{"system": "urn:mutuality:person", "value": person["id"]}]
    assert "gethin" not in text and "noor" not in text and "partner" not in text


def test_names_are_written_when_asked_for(relationship: Relationship) -> None:
    """With names, each person's resource names them as the service calls them."""
    # Act
    bundle = relationship_bundle(relationship, names=True)

    # Assert
    names = {
        r["resourceType"]: r["name"]
        for kind in ("Patient", "Practitioner", "RelatedPerson")
        for r in _resources(bundle, kind)
    }
    assert names == {
        "Patient": [{"text": "gethin"}],
        "Practitioner": [{"text": "noor"}],
        "RelatedPerson": [{"text": "gethin's partner"}],
    }


def test_a_persons_key_is_stable_and_their_own(relationship: Relationship) -> None:
    """Keys stay the same from one bundle to the next and differ between people and between
    two relationships made from one file."""
    # Arrange
    twin = RelationshipFactory(case=example(CBT), organisation=relationship.organisation)

    # Act
    first, again = relationship_bundle(relationship), relationship_bundle(relationship)
    other = relationship_bundle(twin)

    # Assert
    assert first == again
    ids = {e["fullUrl"] for e in first["entry"]}
    assert len(ids) == len(first["entry"])
    assert ids.isdisjoint({e["fullUrl"] for e in other["entry"]})


# --- Scores -----------------------------------------------------------------------------------


def test_the_scores_are_the_outcome_bundles_with_the_patients_identifier(
    relationship: Relationship,
) -> None:
    """Eight scores: eight QuestionnaireResponses and eight Observations, about the Patient by
    its identifier, each with its fullUrl's UUID as its id."""
    # Act
    bundle = relationship_bundle(relationship)

    # Assert
    (patient,) = _resources(bundle, "Patient")
    scored = [*_resources(bundle, "QuestionnaireResponse"), *_resources(bundle, "Observation")]
    assert len(scored) == 16
    assert {json.dumps(r["subject"]) for r in scored} == {
        json.dumps({"identifier": patient["identifier"][0]})
    }
    phq9 = [
        o["valueQuantity"]["value"]
        for o in _resources(bundle, "Observation")
        if o["code"]["coding"][0]["code"] == "44261-6"
    ]
    assert phq9 == [17, 13, 9, 7]
    for entry in bundle["entry"]:
        assert entry["fullUrl"] == f"urn:uuid:{entry['resource']['id']}"


# --- Validity ---------------------------------------------------------------------------------


@pytest.fixture
def full_bundle(relationship: Relationship, someone: User) -> JSON:
    """The CBT relationship with a history of consent, names, scores and an affected party who
    agreed, as one bundle."""
    _set(relationship, "given", someone)
    _set(relationship, "withdrawn", someone)
    _add_party(relationship, someone, "informed")
    return relationship_bundle(relationship, history=True, names=True)


def test_the_bundle_and_every_resource_in_it_are_valid_fhir(full_bundle: JSON) -> None:
    """The R4B models accept the Bundle, and each resource on its own by its type."""
    # Act
    parsed = Bundle.model_validate(full_bundle)
    _validate_each([e["resource"] for e in full_bundle["entry"]])

    # Assert
    assert parsed.type == "collection"
    kinds = {e["resource"]["resourceType"] for e in full_bundle["entry"]}
    assert kinds == {
        "Patient",
        "Practitioner",
        "RelatedPerson",
        "Consent",
        "QuestionnaireResponse",
        "Observation",
    }
    assert {c["status"] for c in _resources(full_bundle, "Consent")} <= R4_CONSENT_STATUSES


@pytest.mark.parametrize(
    ("kind", "element"),
    [("Consent", "scope"), ("Consent", "status"), ("RelatedPerson", "patient")],
)
def test_the_validation_is_real_a_consent_without_a_required_element_fails(
    full_bundle: JSON, kind: str, element: str
) -> None:
    """Take away a required element and the models refuse the resource."""
    # Arrange
    broken = copy.deepcopy(_resources(full_bundle, kind)[0])
    broken.pop(element)

    # Act / Assert
    with pytest.raises(ValidationError):
        get_fhir_model_class(kind).model_validate(broken)


def test_a_relationship_with_no_contract_still_gives_valid_consents(db: None) -> None:
    """A relationship just proposed has no contract: each Consent's policy names the
    relationship's contract without a version (a policy is still needed, R4's ppc-1)."""
    # Arrange
    relationship = propose(
        by=UserFactory(),
        title="Planning a peer group",
        setting="peer_support",
        co_produced=["the plan"],
        my_id="pat",
        their_id="sam",
        supervisor=None,
    )

    # Act
    bundle = relationship_bundle(relationship, history=True)

    # Assert
    Bundle.model_validate(bundle)
    _validate_each([e["resource"] for e in bundle["entry"]])
    consents = _resources(bundle, "Consent")
    assert [c["status"] for c in consents] == ["proposed", "proposed"]
    assert {c["policy"][0]["uri"] for c in consents} == {
        f"urn:mutuality:contract:{relationship.pk}"
    }


# --- The organisation's bulk export -----------------------------------------------------------


def _ndjson(organisation: Organisation) -> list[JSON]:
    return [json.loads(line) for line in organisation_ndjson(organisation)]


def _relationships(organisation: Organisation, count: int) -> None:
    for _ in range(count):
        RelationshipFactory(case=example(CBT), organisation=organisation)


def test_the_bulk_export_reads_twenty_relationships_in_the_queries_of_two(
    db: None, django_assert_num_queries: Any
) -> None:
    """The number of queries does not grow with the number of relationships."""
    # Arrange
    organisation = OrganisationFactory()
    _relationships(organisation, 2)
    with CaptureQueriesContext(connection) as two:
        lines = list(organisation_ndjson(organisation))
    _relationships(organisation, 18)

    # Act / Assert
    with django_assert_num_queries(len(two)):
        more = list(organisation_ndjson(organisation))
    assert len(two) < 10
    assert len(more) == 10 * len(lines)


def test_the_bulk_export_groups_resources_by_kind_each_once(db: None) -> None:
    """Every line is one valid resource; kinds come whole, in bulk data's order, with no id
    twice, and every reference points at a resource in the export."""
    # Arrange
    organisation = OrganisationFactory()
    _relationships(organisation, 3)
    RelationshipFactory(case=example(CBT))  # another organisation's: left out

    # Act
    resources = _ndjson(organisation)

    # Assert
    kinds = [r["resourceType"] for r in resources]
    order = [
        "Patient",
        "Practitioner",
        "RelatedPerson",
        "Consent",
        "QuestionnaireResponse",
        "Observation",
    ]
    assert list(dict.fromkeys(kinds)) == order
    assert kinds == sorted(kinds, key=order.index)
    assert len({(r["resourceType"], r["id"]) for r in resources}) == len(resources)
    assert kinds.count("Patient") == 3 and kinds.count("Consent") == 6
    _validate_each(resources)
    known = {f"{r['resourceType']}/{r['id']}" for r in resources}
    references = [ref for r in resources for ref in _references(r)]
    assert references and set(references) <= known


def _references(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "reference":
                yield item
            else:
                yield from _references(item)
    elif isinstance(value, list):
        for item in value:
            yield from _references(item)
