"""The two-sided questions (docs/case-format.md, "Answers to the two-sided questions"), as data.

Each participant answers the same questions from their own side; the wording
differs by role, the meaning does not. ``caution`` orders the answers from the
most cautious reading to the least, which is how disagreements are merged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Role = Literal["professional", "recipient"]
ROLES: tuple[Role, ...] = ("professional", "recipient")


@dataclass(frozen=True)
class Question:
    """One two-sided question: what it asks, how each role is asked it, its answers."""

    id: str
    asks: str
    wording: Mapping[Role, str]
    answers: Mapping[str, str]  # answer value -> plain-English label
    caution: tuple[str, ...]  # most cautious first

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(self.answers)

    def most_cautious(self, given: set[str]) -> str:
        """Return the most cautious of the answers given (at least one)."""
        return next(answer for answer in self.caution if answer in given)


_WHO = {
    "professional": "The professional",
    "shared": "Both of us, together",
    "recipient": "The person receiving the service",
}
_YES_NO = {"yes": "Yes", "no": "No"}
_YES_NO_UNSURE = {"yes": "Yes", "no": "No", "unsure": "Not sure"}
_YES_PARTLY_NO = {"yes": "Yes", "partly": "Partly", "no": "No"}

QUESTIONS: tuple[Question, ...] = (
    Question(
        id="decide_goals",
        asks="who decides the goals of the work",
        wording={
            "professional": "Who decides what our work together is aiming for?",
            "recipient": "Who decides what our work together is aiming for?",
        },
        answers=_WHO,
        caution=("professional", "recipient", "shared"),
    ),
    Question(
        id="decide_methods",
        asks="who decides how the work is done",
        wording={
            "professional": "Who decides how we do the work?",
            "recipient": "Who decides how we do the work?",
        },
        answers=_WHO,
        caution=("professional", "recipient", "shared"),
    ),
    Question(
        id="can_decline",
        asks="could the recipient say no, or stop, without losing any help",
        wording={
            "professional": "Could the person say no to this way of working, or stop it, "
            "without losing any of the help they get from us?",
            "recipient": "Could you say no to this way of working, or stop it, "
            "without losing any of the help you get?",
        },
        answers=_YES_NO_UNSURE,
        caution=("no", "unsure", "yes"),
    ),
    Question(
        id="costs_understood",
        asks="I understand what this may cost me",
        wording={
            "professional": "Do you understand what this work may cost you (time, effort, anything else)?",
            "recipient": "Do you understand what this work may cost you (time, effort, feelings, money)?",
        },
        answers=_YES_PARTLY_NO,
        caution=("no", "partly", "yes"),
    ),
    Question(
        id="benefits_understood",
        asks="I understand what I may gain",
        wording={
            "professional": "Do you understand what you may gain from this work?",
            "recipient": "Do you understand what you may gain from this work?",
        },
        answers=_YES_PARTLY_NO,
        caution=("no", "partly", "yes"),
    ),
    Question(
        id="power_discussed",
        asks="we have talked openly about the power difference between us",
        wording={
            "professional": "Have you talked openly with the person about the power you hold "
            "in your role?",
            "recipient": "Have you and the professional talked openly about the power they hold "
            "in their role?",
        },
        answers=_YES_NO,
        caution=("no", "yes"),
    ),
    Question(
        id="payment_fair",
        asks="the financial arrangements feel fair to me",
        wording={
            "professional": "Do the money arrangements for this work feel fair to you?",
            "recipient": "Do the money arrangements for this work feel fair to you?",
        },
        answers=_YES_NO_UNSURE,
        caution=("no", "unsure", "yes"),
    ),
    Question(
        id="other_roles",
        asks="we know each other in another way outside this work",
        wording={
            "professional": "Do you know the person in another way, outside this work "
            "(for example as a neighbour, friend or employer)?",
            "recipient": "Do you know the professional in another way, outside this work "
            "(for example as a neighbour, friend or employer)?",
        },
        answers=_YES_NO,
        caution=("yes", "no"),
    ),
    Question(
        id="contact_outside",
        asks="we have contact outside the agreed work",
        wording={
            "professional": "Do you have contact with the person outside the work you agreed?",
            "recipient": "Do you have contact with the professional outside the work you agreed?",
        },
        answers=_YES_NO,
        caution=("yes", "no"),
    ),
    Question(
        id="preferences_asked",
        asks="I was asked how I want to be treated in this work, rather than it being assumed",
        wording={
            "professional": "Did the person ask you how you want to work together, "
            "rather than assume it?",
            "recipient": "Were you asked how you want to be treated in this work, "
            "rather than it being assumed?",
        },
        answers=_YES_NO,
        caution=("no", "yes"),
    ),
    Question(
        id="vulnerabilities_shared",
        asks="the professional has been open about their limits and about what change "
        "realistically involves",
        wording={
            "professional": "Have you been open about your own limits, and about what change "
            "usually involves?",
            "recipient": "Has the professional been open about their limits, and about what "
            "change usually involves?",
        },
        answers=_YES_PARTLY_NO,
        caution=("no", "partly", "yes"),
    ),
    Question(
        id="expected_change",
        asks="how much change I expect for the recipient in three months",
        wording={
            "professional": "How much change do you expect for the person in the next three months?",
            "recipient": "How much change do you expect for yourself in the next three months?",
        },
        answers={"none": "None", "some": "Some", "a_lot": "A lot"},
        caution=("a_lot", "none", "some"),
    ),
    Question(
        id="confidence",
        asks="I am confident co-production is the right model for us here",
        wording={
            "professional": "Are you confident that working together as equals is right for "
            "the two of you here?",
            "recipient": "Are you confident that working together as equals is right for "
            "the two of you here?",
        },
        answers=_YES_NO_UNSURE,
        caution=("no", "unsure", "yes"),
    ),
)

QUESTIONS_BY_ID: Mapping[str, Question] = {question.id: question for question in QUESTIONS}
