"""The contract as a conversation (ADR 0014), through the web pages.

Either person proposes a version; one proposal is talked about at a time; each sees what
changed in plain sentences; each agrees, declines with a reason or comments, and nothing said
is ever removed; consent names the version it was given for, and a version that changes
costs, benefits, payment or the exit plan asks each person to confirm it again.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from mutuality.web.audit.models import AuditEvent
from mutuality.web.outbox.models import OutgoingMessage
from mutuality.web.relationships.case_io import export_yaml
from mutuality.web.relationships.contract_changes import changes, material
from mutuality.web.relationships.forms.questions import contract_terms
from mutuality.web.relationships.models import (
    ContractAgreement,
    ContractResponse,
    ContractVersion,
    Participant,
)
from tests.integration.test_questions_and_contract import (
    World,
    _world,
    agree,
    contract_data,
    text,
)
from tests.pseudo_translation import PSEUDO, pseudo_translated, transformed


@pytest.fixture
def world(db: None) -> World:
    """The walking group with version 1 of the contract, written by the professional and agreed
    by both, each of whom has given their consent for it."""
    made = _world(contract=False)
    draft(made, "professional")
    agree(made, "professional", 1)
    agree(made, "co_producer", 1)
    for standing in ("professional", "co_producer"):
        give_consent(made, standing)
        made.users[standing].email = f"{standing}@example.org"
        made.users[standing].save(update_fields=["email"])
    return made


def draft(world: World, standing: str, **changes: Any) -> Any:
    return world.client(standing).post(world.url("contract-edit"), contract_data(world, **changes))


def give_consent(world: World, standing: str) -> Any:
    data = {"consent": "given", "revision": world.revision}  # the example's is "informed"
    return world.client(standing).post(f"/relationships/{world.relationship.pk}/consent/", data)


def respond(world: World, standing: str, answer: str, reason: str, version: int = 2) -> Any:
    data = {"answer": answer, "reason": reason, "version": version, "revision": world.revision}
    url = f"/relationships/{world.relationship.pk}/contract/respond/"
    return world.client(standing).post(url, data)


def versions(world: World) -> list[int]:
    return list(
        ContractVersion.objects.filter(relationship=world.relationship).values_list(
            "version", flat=True
        )
    )


def person(world: World, role: str) -> Participant:
    return world.relationship.participants.get(role=role)


def due_page(world: World, standing: str) -> str:
    return read(world.client(standing).get("/relationships/due/"))


def read(response: Any) -> str:
    """The page's text as a person reads it (quotes and all)."""
    return html.unescape(text(response))


# Proposing ------------------------------------------------------------------------------


@pytest.mark.asvs("2.3.2")
def test_a_proposal_while_another_is_open_is_refused_with_a_link_to_it(world: World) -> None:
    """While the co-producer's version 2 waits, the professional is shown it, not a form."""
    draft(world, "co_producer", exit_plan="Tomasz can stop and keep his place in the group")

    page = world.client("professional").get(world.url("contract-edit"))
    refused = draft(world, "professional", exit_plan="Something else")

    assert "Version 2 is waiting for an answer" in text(page)
    assert world.url("contract-agree") in page.content.decode()
    assert refused.status_code == 200
    assert "Version 2 is waiting for an answer" in text(refused)
    assert versions(world) == [2, 1]


def test_whoever_proposed_the_open_version_may_change_it(world: World) -> None:
    """The co-producer fixes their own open proposal: a new version takes its place."""
    draft(world, "co_producer", exit_plan="First try")

    again = draft(world, "co_producer", exit_plan="Second try")

    assert again.status_code == 302
    assert versions(world) == [3, 2, 1]


def test_proposing_tells_the_other_person(world: World) -> None:
    """The professional gets a 'contract waiting' message; the proposer does not."""
    draft(world, "co_producer", exit_plan="Tomasz can stop at any time")

    latest = ContractVersion.objects.get(relationship=world.relationship, version=2)
    sent = OutgoingMessage.objects.filter(key__startswith=f"contract_waiting:{latest.pk}:")
    assert [m.recipient for m in sent] == [world.users["professional"]]


# The difference -------------------------------------------------------------------------


def test_each_sees_what_changed_field_by_field(world: World) -> None:
    """The professional reads the co-producer's changes as sentences, part by part."""
    draft(
        world,
        "co_producer",
        costs__tomasz="Two hours every Saturday\nBus fares",
        payment__tomasz="expenses",
        exit_plan="Tomasz can stop and keep his place in the group",
    )

    page = read(world.client("professional").get(world.url("contract-agree")))

    assert "What changed in version 2" in page
    assert "Costs for tomasz: added 'Bus fares'." in page
    assert "How tomasz is paid changed from 'A payment for this work' to 'Expenses only'." in page
    assert (
        "Exit plan changed from 'Either can step back at any time' to "
        "'Tomasz can stop and keep his place in the group'." in page
    )
    assert "Power difference" not in page.split("What changed in version 2")[1][:400]


def test_the_difference_names_removals_and_review_changes() -> None:
    """Removed lines, an emptied text and a new review interval each get their sentence."""
    before = contract_terms(None) | {
        "costs_and_benefits": [{"party": "sam", "costs": ["Time", "Money"], "benefits": []}],
        "power_differential": "We talked",
        "review_every_days": 90,
    }
    after = before | {
        "costs_and_benefits": [{"party": "sam", "costs": ["Time"], "benefits": ["Skills"]}],
        "power_differential": None,
        "review_every_days": 60,
    }

    found = changes(before, after, {"sam": "Sam"})

    assert found == [
        "Costs for Sam: removed 'Money'.",
        "Benefits for Sam: added 'Skills'.",
        "Power difference: removed 'We talked'.",
        "How often you review it together changed from every 90 days to every 60 days.",
    ]
    assert material(before, after)
    assert not material(before, before | {"review_every_days": 30})


def test_the_difference_is_said_in_whole_translated_sentences() -> None:
    """Under the pseudo-translation each change is one transformed sentence, with what people
    typed kept as it was and the count choosing the singular or the plural."""
    # Arrange
    before = contract_terms(None) | {
        "costs_and_benefits": [{"party": "sam", "costs": ["Time"], "benefits": []}],
        "exit_plan": "Stop any time",
        "review_every_days": 1,
    }
    after = before | {
        "costs_and_benefits": [{"party": "sam", "costs": ["Money"], "benefits": []}],
        "exit_plan": None,
        "review_every_days": 60,
    }
    costs_for_sam = transformed("Costs for %(name)s") % {"name": "Sam"}
    one_day = transformed("every %(days)s day") % {"days": 1}
    sixty_days = transformed("every %(days)s days") % {"days": 60}

    # Act
    with pseudo_translated(), translation.override(PSEUDO):
        found = changes(before, after, {"sam": "Sam"})

    # Assert
    assert found == [
        transformed("%(label)s: added %(added)s; removed %(removed)s.")
        % {"label": costs_for_sam, "added": "'Money'", "removed": "'Time'"},
        transformed("%(label)s: removed '%(was)s'.")
        % {"label": transformed("Exit plan"), "was": "Stop any time"},
        transformed("How often you review it together changed from %(was)s to %(now)s.")
        % {"was": one_day, "now": sixty_days},
    ]


# Declining and commenting ---------------------------------------------------------------


def test_declining_keeps_every_record_and_the_co_producer_reads_why(world: World) -> None:
    """A decline closes version 2, keeps version 1's agreements and shows the reason."""
    draft(world, "co_producer", exit_plan="Tomasz can stop at any time")

    response = respond(world, "professional", "decline", "We have not talked about this yet")

    latest = ContractVersion.objects.get(relationship=world.relationship, version=2)
    assert response.status_code == 302
    assert latest.declined_at is not None
    assert ContractAgreement.objects.filter(contract__version=1).count() == 2
    row = ContractResponse.objects.get(kind="declined")
    assert (row.participant, row.contract, row.reason) == (
        person(world, "professional"),
        latest,
        "We have not talked about this yet",
    )
    assert AuditEvent.objects.filter(object_type="relationships.ContractResponse").exists()
    page = text(world.client("co_producer").get(world.url("contract")))
    assert "priya (professional) declined version 2" in page
    assert "We have not talked about this yet" in page
    assert "respect.contract_missing" in world.codes()  # the disagreement shows


def test_the_conversation_calls_its_reader_you(world: World) -> None:
    """Each person reads their own part of the conversation as "You", the other's by name."""
    draft(world, "co_producer", exit_plan="Tomasz can stop at any time")
    respond(world, "professional", "decline", "We have not talked about this yet")

    theirs = text(world.client("co_producer").get(world.url("contract")))
    mine = text(world.client("professional").get(world.url("contract")))

    assert "You proposed version 2" in theirs
    assert "You declined version 2" in mine
    assert "priya (professional) declined version 2" not in mine


def test_declining_tells_the_other_person_without_the_reason(world: World) -> None:
    """The co-producer is told a version was declined; the email holds no reason."""
    draft(world, "co_producer", exit_plan="Tomasz can stop at any time")

    respond(world, "professional", "decline", "Private reason 4f2c")

    sent = OutgoingMessage.objects.get(key__startswith="contract_declined:")
    assert sent.recipient == world.users["co_producer"]
    assert "declined" in sent.subject
    assert "Private reason 4f2c" not in sent.body


def test_a_decline_without_a_reason_is_refused_beside_the_field(world: World) -> None:
    """Nothing is saved, the choice is kept, and the message sits beside the reason."""
    draft(world, "co_producer", exit_plan="Tomasz can stop at any time")

    response = respond(world, "professional", "decline", "   ")

    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter why you are declining this version" in text(response)
    assert 'id="id_reason_error"' in body
    assert re.search(r'value="decline"[^>]*checked', body)
    assert not ContractResponse.objects.exclude(kind="agreed").exists()
    assert (
        ContractVersion.objects.get(version=2, relationship=world.relationship).declined_at is None
    )


@pytest.mark.parametrize(
    ("answer", "reason", "message"),
    [
        ("comment", "", "Enter your comment"),
        ("comment", "x" * 4001, "4,000 characters or fewer"),
        ("shrug", "fine", "Choose whether to decline this version or to add a comment"),
    ],
    ids=["empty-comment", "huge-comment", "unknown-answer"],
)
def test_odd_answers_are_refused_and_the_typing_is_kept(
    world: World, answer: str, reason: str, message: str
) -> None:
    """Each bad answer is named beside its field; nothing is saved; the words come back."""
    draft(world, "co_producer", exit_plan="Tomasz can stop at any time")
    revision = world.revision

    response = respond(world, "professional", answer, reason)

    assert response.status_code == 200
    assert message in text(response)
    assert reason[:50] in response.content.decode()
    assert world.revision == revision
    assert not ContractResponse.objects.exclude(kind="agreed").exists()


def test_a_comment_is_kept_and_changes_nothing_else(world: World) -> None:
    """A comment is a row of its own; the version stays open for agreement."""
    draft(world, "co_producer", exit_plan="Tomasz can stop at any time")

    respond(world, "professional", "comment", "Can we talk about this on Saturday?")

    latest = ContractVersion.objects.get(relationship=world.relationship, version=2)
    assert latest.declined_at is None
    assert ContractResponse.objects.get(kind="comment").reason == (
        "Can we talk about this on Saturday?"
    )
    assert "Can we talk about this on Saturday?" in text(
        world.client("co_producer").get(world.url("contract"))
    )


@pytest.mark.asvs("2.3.1")
def test_nobody_can_agree_to_a_declined_version(world: World) -> None:
    """Agreeing after a decline is refused and records nothing."""
    draft(world, "co_producer", exit_plan="Tomasz can stop at any time")
    respond(world, "professional", "decline", "Not yet")

    response = agree(world, "co_producer", 2)

    assert response.status_code == 302
    assert not ContractAgreement.objects.filter(contract__version=2).exists()


def test_someone_who_agreed_can_comment_but_not_decline(world: World) -> None:
    """Only a comment is offered once a person has agreed; a decline is refused."""
    draft(world, "co_producer", exit_plan="Tomasz can stop at any time")
    agree(world, "co_producer", 2)

    page = world.client("co_producer").get(
        f"/relationships/{world.relationship.pk}/contract/respond/"
    )
    refused = respond(world, "co_producer", "decline", "Changed my mind")

    assert 'value="decline"' not in page.content.decode()
    assert refused.status_code == 200
    assert (
        ContractVersion.objects.get(version=2, relationship=world.relationship).declined_at is None
    )


def test_after_a_decline_either_person_may_propose_again(world: World) -> None:
    """A declined version no longer blocks a proposal: the professional proposes version 3."""
    draft(world, "co_producer", exit_plan="Tomasz can stop at any time")
    respond(world, "professional", "decline", "Not like this")

    response = draft(world, "professional", exit_plan="Either of us can stop; Tomasz keeps help")

    assert response.status_code == 302
    assert versions(world) == [3, 2, 1]


# Consent for a version ------------------------------------------------------------------


def test_consent_records_the_version_and_the_relationship_page_says_so(world: World) -> None:
    """Each person's consent names version 1, on the relationship page too."""
    page = text(world.client("supervisor").get(world.url("detail")))

    assert person(world, "professional").consent_version == 1
    assert person(world, "recipient").consent_version == 1
    assert page.count("for version 1 of the contract") == 2


def test_a_material_change_asks_each_person_to_confirm_their_consent(world: World) -> None:
    """Once both agree a new exit plan, each has "Confirm your consent for version 2" due,
    their consent stays as it was, and confirming clears their item alone."""
    draft(world, "co_producer", exit_plan="Tomasz can stop and keep his place")
    agree(world, "professional", 2)
    agree(world, "co_producer", 2)

    before = {s: due_page(world, s) for s in ("professional", "co_producer", "supervisor")}
    confirm_page = world.client("co_producer").get(world.url("contract") + "consent/")
    confirmed = world.client("co_producer").post(
        world.url("contract") + "consent/", {"version": 2, "revision": world.revision}
    )

    assert "Confirm your consent for version 2 of the contract" in before["professional"]
    assert "Confirm your consent for version 2 of the contract" in before["co_producer"]
    assert "Confirm your consent for" not in before["supervisor"]
    assert "Exit plan changed from" in read(confirm_page)
    assert confirmed.status_code == 302
    recipient = person(world, "recipient")
    assert (recipient.consent, recipient.consent_version) == ("given", 2)
    assert person(world, "professional").consent_version == 1
    assert "Confirm your consent for" not in due_page(world, "co_producer")
    assert "Confirm your consent for version 2" in due_page(world, "professional")
    assert AuditEvent.objects.filter(
        object_type="relationships.Participant", detail__field="consent_version"
    ).exists()


def test_a_change_that_leaves_costs_benefits_pay_and_exit_asks_nothing(world: World) -> None:
    """A new power-difference note is agreed without anyone's consent being asked again."""
    draft(world, "co_producer", power_differential="We talk about it every month")
    agree(world, "professional", 2)
    agree(world, "co_producer", 2)

    assert "Confirm your consent for" not in due_page(world, "co_producer")


def test_confirming_when_nothing_is_asked_saves_nothing(world: World) -> None:
    """A confirmation with nothing to confirm is refused, and the version is unchanged."""
    revision = world.revision

    response = world.client("co_producer").post(
        world.url("contract") + "consent/", {"version": 1, "revision": revision}
    )

    assert response.status_code == 200
    assert "nothing to confirm" in text(response)
    assert world.revision == revision


# The case format ------------------------------------------------------------------------


def test_a_conversation_round_trips_through_the_case_file(world: World) -> None:
    """After a decline, the exported file uploads again without making a new version, and it
    carries the declined version as the contract with who agreed to it."""
    draft(world, "co_producer", exit_plan="Tomasz can stop at any time")
    agree(world, "co_producer", 2)
    respond(world, "professional", "decline", "Not yet")
    exported = export_yaml(world.relationship)

    response = world.client("professional").post(
        f"/relationships/{world.relationship.pk}/case/upload/",
        {"revision": world.revision, "case_file": SimpleUploadedFile("c.yaml", exported.encode())},
    )

    contract = yaml.safe_load(exported)["contract"]
    assert response.status_code == 302
    assert (contract["version"], contract["agreed_by"]) == (2, ["tomasz"])
    assert versions(world) == [2, 1]
