"""The two-sided questions and the contract, through the web pages.

The professional answers first; a co-producer's form unlocks only after that, and each
person sees the other side's answers only after giving their own. Any change to the
contract makes a new version that everyone must agree to again, and the stored
assessment shows `respect.contract_missing` until they have.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.utils import timezone

from mutuality.framework import QUESTIONS, validate_case
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.models import (
    ContractAgreement,
    ContractVersion,
    Participant,
    Relationship,
)
from tests.factories import World as SharedWorld
from tests.factories import build_world

CASE = Path(__file__).resolve().parents[2] / "examples" / "fathers-walking-group.yaml"
STALE = "Someone else changed this relationship after you opened this page."


def fresh_case(*, contract: bool = False) -> Any:
    """The walking-group example before anyone has answered or written a contract."""
    data = yaml.safe_load(CASE.read_text(encoding="utf-8"))
    if not contract:
        del data["contract"]
    for participant in data["participants"]:
        participant["answers"] = {}
    return validate_case(data, "test case")


@dataclass
class World(SharedWorld):
    """The shared world on the example before anyone answered (or, in `contracted`, agreed
    the contract); `outsider` is the other relationship's professional."""

    @property
    def professional(self) -> Participant:
        return self.relationship.participants.get(role="professional")

    @property
    def recipient(self) -> Participant:
        return self.relationship.participants.get(role="recipient")

    def url(self, page: str) -> str:
        pk = self.relationship.pk
        return {
            "questions": f"/relationships/{pk}/questions/",
            "contract": f"/relationships/{pk}/contract/",
            "contract-edit": f"/relationships/{pk}/contract/edit/",
            "contract-agree": f"/relationships/{pk}/contract/agree/",
            "detail": f"/relationships/{pk}/",
        }[page]

    @property
    def revision(self) -> int:
        self.relationship.refresh_from_db()
        return self.relationship.revision

    def codes(self) -> list[str]:
        """Finding codes of the newest stored assessment."""
        latest = self.relationship.assessments.first()
        assert latest is not None
        return [finding["code"] for finding in latest.result["findings"]]


def _world(*, contract: bool) -> World:
    shared = build_world(fresh_case(contract=contract))
    users = {**shared.users, "outsider": shared.users["other_professional"]}
    return World(shared.relationship, shared.other, users)


@pytest.fixture
def world(db: None) -> World:
    """A relationship with no answers and no contract, and a person in every standing."""
    return _world(contract=False)


@pytest.fixture
def contracted(db: None) -> World:
    """The same, with the example's contract (version 1, agreed by both) in place."""
    return _world(contract=True)


def answer(world: World, standing: str, revision: int | None = None, **answers: str) -> Any:
    data = {"revision": world.revision if revision is None else revision, **answers}
    return world.client(standing).post(world.url("questions"), data)


def contract_data(world: World, **changes: Any) -> dict[str, Any]:
    """A complete, valid contract draft for the walking group, with any changes."""
    data: dict[str, Any] = {
        "revision": world.revision,
        "costs__priya": "Weekend working\nExtra planning",
        "benefits__priya": "Reaching fathers the service rarely sees",
        "costs__tomasz": "Two hours every Saturday",
        "benefits__tomasz": "Paid sessional work",
        "communicated_to": ["priya", "tomasz"],
        "payment__priya": "salary",
        "payment__tomasz": "payment",
        "inequalities_addressed": "Tomasz is paid the involvement rate",
        "power_differential": "Talked through at the first meeting",
        "multiple_roles_plan": "",
        "exit_plan": "Either can step back at any time",
        "review_every_days": "90",
    }
    data.update(changes)
    return data


def draft(world: World, **changes: Any) -> Any:
    return world.client("professional").post(
        world.url("contract-edit"), contract_data(world, **changes)
    )


def agree(world: World, standing: str, version: int, revision: int | None = None) -> Any:
    data = {"version": version, "revision": world.revision if revision is None else revision}
    return world.client(standing).post(world.url("contract-agree"), data)


def text(response: Any) -> str:
    """The page's text with tags removed and white space collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


# The two-sided questions ------------------------------------------------------------


def test_the_professional_answers_in_their_own_words(world: World) -> None:
    """Radios for every question, worded for the professional; answers saved as case values."""
    page = world.client("professional").get(world.url("questions"))

    assert page.status_code == 200
    assert "Could the person say no to this way of working" in text(page)
    assert page.content.decode().count('type="radio"') == sum(len(q.answers) for q in QUESTIONS)

    response = answer(world, "professional", can_decline="yes", expected_change="a_lot")

    assert response.status_code == 302
    assert world.professional.answers == {"can_decline": "yes", "expected_change": "a_lot"}
    assert world.relationship.assessments.first().reason == (
        "priya answered the two-sided questions"
    )
    event = AuditEvent.objects.get(action="update", object_type="relationships.Participant")
    assert event.user == world.users["professional"]
    # The trail says the answers changed, never what they are (docs/security.md).
    assert "after" not in event.detail and "before" not in event.detail
    assert event.detail["field"] == "answers"


@pytest.mark.asvs("2.3.1")
def test_the_co_producers_form_is_locked_until_a_professional_answers(world: World) -> None:
    """A plain explanation page with no form; posting to it saves nothing."""
    page = world.client("co_producer").get(world.url("questions"))

    assert page.status_code == 200
    assert "The professional answers first" in text(page)
    assert '<form method="post" novalidate>' not in page.content.decode()
    assert 'type="radio"' not in page.content.decode()

    posted = answer(world, "co_producer", can_decline="no")

    assert posted.status_code == 200
    assert world.recipient.answers == {}


def test_the_co_producer_sees_the_professionals_answers_only_after_giving_their_own(
    world: World,
) -> None:
    """Unlocked once the professional has answered; side by side once both have."""
    answer(world, "professional", can_decline="yes", power_discussed="yes")

    before = world.client("co_producer").get(world.url("questions"))

    assert before.status_code == 200
    assert "Could you say no to this way of working" in text(before)  # their own wording
    assert 'id="side-by-side"' not in before.content.decode()
    assert "Answer from priya" not in text(before)

    assert answer(world, "co_producer", can_decline="no").status_code == 302
    after = world.client("co_producer").get(world.url("questions"))

    assert world.recipient.answers == {"can_decline": "no"}
    assert 'id="side-by-side"' in after.content.decode()
    row = re.search(r'<tr data-question="can_decline">(.*?)</tr>', after.content.decode(), re.S)
    assert row is not None
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    assert [re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in cells][1:] == ["No", "Yes"]
    assert "Your answers differ" in row.group(1)
    assert "Answer from priya (professional)" in text(after)
    assert "respect.divergent_views" in world.codes()


def test_the_professional_sees_the_co_producers_answers_only_after_answering(
    world: World,
) -> None:
    """Even when the co-producer's answers are already there (say, from an imported file)."""
    Participant.objects.filter(pk=world.recipient.pk).update(answers={"confidence": "unsure"})

    before = world.client("professional").get(world.url("questions"))

    assert 'id="side-by-side"' not in before.content.decode()
    assert "Answer from tomasz" not in text(before)
    answer(world, "professional", confidence="yes")
    after = world.client("professional").get(world.url("questions"))

    assert "Answer from tomasz (co-producer)" in text(after)
    row = re.search(r'<tr data-question="confidence">(.*?)</tr>', after.content.decode(), re.S)
    assert row is not None
    assert "Not sure" in row.group(1)


def test_changing_answers_replaces_the_earlier_ones(world: World) -> None:
    """The saved answers are exactly the ones on the latest form; the form shows them."""
    answer(world, "professional", can_decline="yes", payment_fair="no")
    answer(world, "professional", can_decline="unsure")

    page = world.client("professional").get(world.url("questions"))

    assert world.professional.answers == {"can_decline": "unsure"}
    assert re.search(r'value="unsure"[^>]*checked', page.content.decode())
    assert world.relationship.assessments.first().reason == (
        "priya changed their answers to the two-sided questions"
    )


def test_saving_the_same_answers_again_writes_nothing(world: World) -> None:
    answer(world, "professional", can_decline="yes")
    assessments = world.relationship.assessments.count()

    again = answer(world, "professional", can_decline="yes")

    assert again.status_code == 302
    assert world.relationship.assessments.count() == assessments


def test_at_least_one_answer_is_needed(world: World) -> None:
    """An empty form is refused with the reason, next to the first question and in the summary."""
    assessed = world.relationship.assessments.count()

    response = answer(world, "professional")

    assert response.status_code == 200
    assert "Answer at least one question" in text(response)
    assert "nhsuk-error-summary" in response.content.decode()
    assert world.professional.answers == {}
    assert world.relationship.assessments.count() == assessed


@pytest.mark.asvs("2.2.1")
@pytest.mark.parametrize(
    "posted",
    [
        {"can_decline": "maybe"},
        {"can_decline": "YES"},
        {"expected_change": "x" * 100_000},
        {"decide_goals": "shared", "confidence": "certainly"},
        {"not_a_question": "yes"},
    ],
    ids=["not-an-answer", "wrong-case", "huge", "one-bad-among-good", "unknown-question"],
)
def test_odd_answers_are_refused_and_nothing_is_saved(world: World, posted: dict[str, str]) -> None:
    response = answer(world, "professional", **posted)

    assert response.status_code == 200
    assert "There is a problem" in text(response)
    assert world.professional.answers == {}


def test_an_unknown_question_beside_a_real_one_is_ignored(world: World) -> None:
    response = answer(world, "professional", can_decline="yes", not_a_question="yes")

    assert response.status_code == 302
    assert world.professional.answers == {"can_decline": "yes"}


@pytest.mark.parametrize("revision", ["stale", "", "abc", "-1"])
def test_a_stale_or_broken_revision_saves_no_answers(world: World, revision: str) -> None:
    """Someone else's change since the page opened (or a damaged form) is never overwritten."""
    Participant.objects.filter(pk=world.professional.pk).update(answers={"confidence": "yes"})
    seen = world.revision
    Relationship.objects.filter(pk=world.relationship.pk).update(revision=seen + 1)
    sent = str(seen) if revision == "stale" else revision

    response = world.client("professional").post(
        world.url("questions"), {"revision": sent, "can_decline": "no"}
    )

    assert response.status_code == 200
    assert STALE in text(response)
    assert world.professional.answers == {"confidence": "yes"}
    assert f'name="revision" value="{seen + 1}"' in response.content.decode()
    assert re.search(r'value="yes"[^>]*checked', response.content.decode())  # the latest


# The contract -----------------------------------------------------------------------


def test_with_no_contract_the_page_says_so(world: World) -> None:
    page = world.client("co_producer").get(world.url("contract"))

    assert page.status_code == 200
    assert "There is no contract yet" in text(page)
    assert world.client("co_producer").get(world.url("contract-agree")).status_code == 302


def test_drafting_makes_version_one_that_nobody_has_agreed_yet(world: World) -> None:
    response = draft(world)

    contract = ContractVersion.objects.get(relationship=world.relationship)
    assert response.status_code == 302
    assert contract.version == 1
    assert not contract.agreements.exists()
    assert contract.costs_and_benefits == [
        {"party": "priya", "costs": ["Weekend working", "Extra planning"],
         "benefits": ["Reaching fathers the service rarely sees"]},
        {"party": "tomasz", "costs": ["Two hours every Saturday"],
         "benefits": ["Paid sessional work"]},
    ]  # fmt: skip
    assert contract.payments == [
        {"to": "priya", "kind": "salary"},
        {"to": "tomasz", "kind": "payment"},
    ]
    assert contract.communicated_to == ["priya", "tomasz"]
    assert contract.multiple_roles_plan is None
    assert contract.review_every_days == 90
    assert "respect.contract_missing" in world.codes()
    assert AuditEvent.objects.filter(
        action="create", object_type="relationships.ContractVersion"
    ).exists()


def test_contract_missing_stays_until_both_agree_and_any_change_needs_agreement_again(
    world: World,
) -> None:
    """The whole cycle, checked against the stored assessment after each step."""
    draft(world)
    assert agree(world, "professional", 1).status_code == 302
    assert "respect.contract_missing" in world.codes()  # tomasz has not agreed yet

    assert agree(world, "co_producer", 1).status_code == 302
    assert "respect.contract_missing" not in world.codes()
    page = world.client("co_producer").get(world.url("contract"))
    today = timezone.localdate()
    assert f"You agreed to version 1 on {today.day} {today:%B %Y}" in text(page)

    draft(world, exit_plan="Either of us can stop; tomasz keeps his support")

    latest = ContractVersion.objects.filter(relationship=world.relationship).first()
    assert latest is not None and latest.version == 2
    assert not latest.agreements.exists()
    assert latest.inequalities_addressed == "Tomasz is paid the involvement rate"
    assert "respect.contract_missing" in world.codes()
    page = world.client("co_producer").get(world.url("contract"))
    assert "You agreed to version 1 on" in text(page)
    assert "The contract has changed since then" in text(page)
    assert "Read and agree to version 2" in text(page)

    agree(world, "professional", 2)
    agree(world, "co_producer", 2)

    assert "respect.contract_missing" not in world.codes()
    assert ContractAgreement.objects.filter(contract__version=1).count() == 2  # history kept
    page = world.client("supervisor").get(world.url("contract"))
    assert "priya (professional) Yes Version 2" in text(page)
    assert "tomasz (co-producer) Yes Version 2" in text(page)
    assert (
        AuditEvent.objects.filter(
            action="create", object_type="relationships.ContractAgreement"
        ).count()
        == 4
    )


def test_the_agreement_page_shows_the_contract_and_one_button(contracted: World) -> None:
    """The contract in plain English, with a button naming the version agreed to."""
    draft(contracted)  # version 2 of the imported contract

    page = contracted.client("co_producer").get(contracted.url("contract-agree"))

    assert page.status_code == 200
    assert "I agree to version 2" in text(page)
    assert "Two hours every Saturday" in text(page)
    assert "A payment for this work" in text(page)
    assert "Every 90 days" in text(page)


def test_a_change_copies_what_the_form_does_not_edit(contracted: World) -> None:
    ContractVersion.objects.filter(relationship=contracted.relationship).update(
        last_review=date(2026, 9, 1)
    )

    draft(contracted)

    latest = ContractVersion.objects.filter(relationship=contracted.relationship).first()
    assert latest is not None and latest.version == 2
    assert latest.last_review == date(2026, 9, 1)


def test_the_form_starts_from_the_current_version(contracted: World) -> None:
    page = contracted.client("professional").get(contracted.url("contract-edit"))

    assert page.status_code == 200
    assert "two hours every Saturday morning\ntalking about a hard first year as a dad" in (
        page.content.decode()
    )
    assert re.search(r'value="payment"[^>]*checked', page.content.decode())


def test_saving_without_a_change_makes_no_new_version(world: World) -> None:
    draft(world)
    agree(world, "professional", 1)
    agree(world, "co_producer", 1)

    again = draft(world, costs__priya="  Weekend working\n\n Extra planning  \n")

    assert again.status_code == 302
    assert ContractVersion.objects.filter(relationship=world.relationship).count() == 1
    assert "respect.contract_missing" not in world.codes()


def test_an_empty_first_contract_is_refused(world: World) -> None:
    blank = {key: "" for key in contract_data(world) if key != "revision"}
    blank["communicated_to"] = []

    response = draft(world, **blank)

    assert response.status_code == 200
    assert "Write at least one part of the contract" in text(response)
    assert not ContractVersion.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"review_every_days": "-5"}, "Enter a number of days from 1 to 36,500"),
        ({"review_every_days": "0"}, "Enter a number of days from 1 to 36,500"),
        ({"review_every_days": "36501"}, "Enter a number of days from 1 to 36,500"),
        ({"review_every_days": "ninety"}, "whole number"),
        ({"review_every_days": "1.5"}, "whole number"),
        ({"exit_plan": "x" * 5000}, "4,000 characters or fewer"),
        ({"costs__tomasz": "y" * 2001}, "2,000 characters or fewer"),
        ({"costs__tomasz": "z\n" * 51}, "no more than 50 lines"),
        ({"benefits__priya": "w" * 200_000}, "too long"),
        ({"communicated_to": ["priya", "nobody"]}, "Tick only the people listed"),
        ({"payment__tomasz": "bitcoin"}, "Choose one of the ways of paying shown"),
    ],
    ids=[
        "negative-days",
        "zero-days",
        "too-many-days",
        "words-for-days",
        "fraction-of-days",
        "huge-exit-plan",
        "huge-line",
        "too-many-lines",
        "huge-textarea",
        "unknown-person",
        "unknown-payment",
    ],
)
def test_odd_contract_values_are_refused_and_nothing_is_saved(
    world: World, change: dict[str, Any], message: str
) -> None:
    assessed = world.relationship.assessments.count()

    response = draft(world, **change)

    assert response.status_code == 200
    assert message in text(response)
    assert "There is a problem" in text(response)
    assert not ContractVersion.objects.exists()
    assert world.relationship.assessments.count() == assessed


def test_a_stale_contract_edit_saves_nothing_and_shows_the_latest(contracted: World) -> None:
    seen = contracted.revision
    draft(contracted, exit_plan="A newer exit plan")  # someone else's change

    response = contracted.client("professional").post(
        contracted.url("contract-edit"),
        {**contract_data(contracted, exit_plan="My older idea"), "revision": seen},
    )

    assert response.status_code == 200
    assert STALE in text(response)
    assert "A newer exit plan" in response.content.decode()
    assert ContractVersion.objects.filter(relationship=contracted.relationship).count() == 2


def test_a_stale_agreement_is_refused(world: World) -> None:
    draft(world)
    seen = world.revision
    draft(world, exit_plan="Changed after the co-producer opened the page")

    response = agree(world, "co_producer", 1, revision=seen)

    assert response.status_code == 200
    assert STALE in text(response)
    assert "I agree to version 2" in text(response)
    assert not ContractAgreement.objects.exists()


@pytest.mark.asvs("2.2.3")
def test_agreeing_to_an_old_version_is_refused_even_with_a_current_revision(world: World) -> None:
    draft(world)
    draft(world, exit_plan="Version two")

    response = agree(world, "co_producer", 1)

    assert response.status_code == 200
    assert STALE in text(response)
    assert not ContractAgreement.objects.exists()


@pytest.mark.parametrize("data", [{}, {"version": "x", "revision": "y"}, {"version": "-3"}])
def test_a_damaged_agreement_form_is_refused(world: World, data: dict[str, str]) -> None:
    draft(world)

    response = world.client("co_producer").post(world.url("contract-agree"), data)

    assert response.status_code == 200
    assert STALE in text(response)
    assert not ContractAgreement.objects.exists()


@pytest.mark.asvs("2.3.4")
def test_agreeing_twice_records_one_agreement(world: World) -> None:
    draft(world)
    agree(world, "co_producer", 1)

    again = agree(world, "co_producer", 1)

    assert again.status_code == 302
    assert ContractAgreement.objects.count() == 1


# Who may do what --------------------------------------------------------------------

STANDINGS = [
    "professional",
    "co_producer",
    "supervisor",
    "reviewer",
    "admin",
    "outsider",
    "other_admin",
    "anonymous",
]
PAGES = {
    "questions": {"professional": 200, "co_producer": 200, "supervisor": 403, "reviewer": 403,
                  "admin": 403},
    "contract": {"professional": 200, "co_producer": 200, "supervisor": 200, "reviewer": 200,
                 "admin": 200},
    "contract-edit": {"professional": 200, "co_producer": 200, "supervisor": 403,
                      "reviewer": 403, "admin": 403},
    "contract-agree": {"professional": 200, "co_producer": 200, "supervisor": 403,
                       "reviewer": 403, "admin": 403},
}  # fmt: skip


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("standing", STANDINGS)
def test_page_access(contracted: World, page: str, standing: str) -> None:
    """Each standing gets exactly this access; outsiders are told nothing exists."""
    response = contracted.client(standing).get(contracted.url(page))

    expected = 302 if standing == "anonymous" else PAGES[page].get(standing, 404)
    assert response.status_code == expected
    if standing == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("page", ["questions", "contract-edit", "contract-agree"])
@pytest.mark.parametrize("standing", ["supervisor", "reviewer", "admin", "outsider", "anonymous"])
def test_nobody_else_can_write(contracted: World, page: str, standing: str) -> None:
    """Posting as someone without the permission changes nothing."""
    revision = contracted.revision
    data = {
        "questions": {"revision": revision, "can_decline": "no"},
        "contract-edit": contract_data(contracted, exit_plan="Hijacked"),
        "contract-agree": {"revision": revision, "version": 1},
    }[page]

    response = contracted.client(standing).post(contracted.url(page), data)

    assert response.status_code in (302, 403, 404)
    assert contracted.revision == revision
    assert ContractVersion.objects.filter(relationship=contracted.relationship).count() == 1


def test_a_co_producer_proposes_a_change_as_an_equal(contracted: World) -> None:
    """The co-producer's proposal is a new version, theirs, agreed by nobody yet."""
    response = contracted.client("co_producer").post(
        contracted.url("contract-edit"), contract_data(contracted, exit_plan="Mine")
    )

    latest = ContractVersion.objects.filter(relationship=contracted.relationship).first()
    assert response.status_code == 302
    assert latest is not None and latest.version == 2
    assert latest.proposed_by == contracted.recipient
    assert latest.exit_plan == "Mine"
    assert not latest.agreements.exists()


@pytest.mark.parametrize(
    ("standing", "audited"),
    [("professional", False), ("co_producer", False), ("supervisor", True), ("admin", True)],
)
def test_views_of_the_contract_by_non_participants_are_audited(
    contracted: World, standing: str, audited: bool
) -> None:
    contracted.client(standing).get(contracted.url("contract"))

    views = AuditEvent.objects.filter(action="view", relationship_id=contracted.relationship.pk)
    assert views.exists() is audited


def test_the_relationship_page_links_here(contracted: World) -> None:
    participant_page = contracted.client("co_producer").get(contracted.url("detail"))
    reviewer_page = contracted.client("reviewer").get(contracted.url("detail"))

    assert contracted.url("questions") in participant_page.content.decode()
    assert contracted.url("contract") in participant_page.content.decode()
    assert contracted.url("questions") not in reviewer_page.content.decode()
    assert contracted.url("contract") in reviewer_page.content.decode()
