"""A person's own record costs the same number of queries whether they are in 1 relationship
or in 20, each with records of every kind, and reading it writes nothing (but, for the JSON
download, its count towards the person's limit: test_reads_write_nothing.py); an admin's copy
of it for a subject access request costs the same in 1 as in 20 too, and writes only its audit
row (and its download's count)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mutuality.web.accounts.models import Organisation, Role, User
from mutuality.web.relationships.models import (
    CapacityView,
    Consultation,
    ConsultationRequest,
    ContractResponse,
    ContractVersion,
    Disclosure,
    Observation,
    OutcomeSeries,
    Participant,
    QuestionnaireDraft,
    SafetyFlag,
    Score,
    SupervisionRecord,
)
from tests.factories import RelationshipFactory, UserFactory
from tests.integration.test_reads_write_nothing import counts_a_download

URLS = ("/accounts/record/", "/accounts/record.json")
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.I)


def _person_in(count: int) -> User:
    """A co-producer in `count` relationships (the walking-group example), each with a
    disclosure, an observation, a supervision session, a scored questionnaire, a flag, a
    record of their capacity, answers to the contract, an answered consultation request and a
    half-filled questionnaire."""
    organisation = Organisation.objects.create(slug=f"record-{count}", name=f"{count} trust")
    person = User.objects.create_user(
        username=f"record-{count}", organisation=organisation, role=Role.CO_PRODUCER
    )
    day = date(2026, 3, 4)
    for _ in range(count):
        relationship = RelationshipFactory(organisation=organisation)
        relationship.participants.filter(role="recipient").update(user=person)
        me = Participant.objects.get(relationship=relationship, user=person)
        professional = relationship.participants.get(role="professional")
        Disclosure.objects.create(relationship=relationship, by=professional, date=day, about="x")
        Observation.objects.create(
            relationship=relationship, date=day, kind="other", by="me", raised_by=person
        )
        SupervisionRecord.objects.create(relationship=relationship, date=day, note="y")
        series = OutcomeSeries.objects.create(relationship=relationship, of=me, instrument="phq9")
        Score.objects.create(series=series, date=day, value=3)
        SafetyFlag.objects.create(
            relationship=relationship, about=me, kind="self_harm_thoughts", detail="z"
        )
        CapacityView.objects.create(
            relationship=relationship, about=me, kind="record", capacity="has", by=person
        )
        contract, _ = ContractVersion.objects.get_or_create(relationship=relationship, version=1)
        for who, kind in ((me, "declined"), (professional, "comment")):
            ContractResponse.objects.create(contract=contract, participant=who, kind=kind)
        held = Consultation.objects.create(
            relationship=relationship, date=day, with_whom="w", outcome="adapt"
        )
        ConsultationRequest.objects.create(
            relationship=relationship, requested_by=me, reason="r", answered_by=held
        )
        QuestionnaireDraft.objects.create(series=series, by=person, answers={"item_1": "1"})
    return person


def _queries(person: User, url: str, reader: User | None = None) -> tuple[int, list[str]]:
    client = Client()
    client.force_login(reader or person)
    client.get(url)  # the session is warm, as it is for anyone reading
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    writes = [q["sql"] for q in queries if WRITE.match(q["sql"])]
    return len(queries), [sql for sql in writes if not counts_a_download(sql)]


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS)
def test_the_record_costs_the_same_in_1_and_in_20_relationships(url: str) -> None:
    """The page and the JSON make as many queries for 20 relationships as for 1, and no
    write but the download's count."""
    one, many = _person_in(1), _person_in(20)

    (few_queries, few_writes), (many_queries, many_writes) = (
        _queries(one, url),
        _queries(many, url),
    )

    assert many_queries == few_queries
    assert few_writes == many_writes == []


ADMINS_URLS = ("organisation:record", "organisation:record-json")
AUDIT_TABLES = ("audit_auditevent", "audit_auditlink", "audit_audithead")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ADMINS_URLS)
def test_the_admins_copy_costs_the_same_in_1_and_in_20_relationships(name: str) -> None:
    """The admin's page and JSON of a person's record make as many queries for a person in 20
    relationships as for one in 1, and write to the audit trail alone."""
    # Arrange
    one, many = _person_in(1), _person_in(20)
    admins = [UserFactory(organisation=p.organisation, role=Role.ADMIN) for p in (one, many)]

    # Act
    (few_queries, few_writes), (many_queries, many_writes) = (
        _queries(one, reverse(name, args=[one.pk]), admins[0]),
        _queries(many, reverse(name, args=[many.pk]), admins[1]),
    )

    # Assert
    assert many_queries == few_queries
    assert few_writes and len(few_writes) == len(many_writes)
    assert all(any(table in sql for table in AUDIT_TABLES) for sql in few_writes + many_writes)
