"""The two-sided questions (docs/case-format.md, "Answers to the two-sided questions"), as data.

Each participant answers the same questions from their own side; the wording
differs by role, the meaning does not. ``caution`` orders the answers from the
most cautious reading to the least, which is how disagreements are merged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ._translation import TranslatedWords, gettext_noop, translated

Role = Literal["professional", "recipient"]
ROLES: tuple[Role, ...] = ("professional", "recipient")


@dataclass(frozen=True)
class Question:
    """One two-sided question: what it asks, how each role is asked it, its answers.

    `wording` and `answers` read in the reader's language (`_translation`); `asks` stays as
    written (the case format's schema describes each answer with it), and `asked()` is it in
    the reader's language."""

    id: str
    asks: str
    wording: Mapping[Role, str]
    answers: Mapping[str, str]  # answer value -> plain-English label
    caution: tuple[str, ...]  # most cautious first
    indicates: str | None = None
    """The contrast indicator a `yes` from anyone counts as (docs/case-format.md, "Scrutiny")."""

    def __post_init__(self) -> None:
        # Frozen, so set through object; each is read in the reader's language.
        object.__setattr__(self, "wording", TranslatedWords(self.wording))
        object.__setattr__(self, "answers", TranslatedWords(self.answers))

    def asked(self) -> str:
        """What the question asks, in the reader's language."""
        return translated(self.asks)

    @property
    def options(self) -> tuple[str, ...]:
        return tuple(self.answers)

    def most_cautious(self, given: set[str]) -> str:
        """Return the most cautious of the answers given (at least one)."""
        return next(answer for answer in self.caution if answer in given)


_WHO = {
    "professional": gettext_noop("The professional"),
    "shared": gettext_noop("Both of us, together"),
    "recipient": gettext_noop("The person receiving the service"),
}
_YES_NO = {"yes": gettext_noop("Yes"), "no": gettext_noop("No")}
_YES_NO_UNSURE = {
    "yes": gettext_noop("Yes"),
    "no": gettext_noop("No"),
    "unsure": gettext_noop("Not sure"),
}
_YES_PARTLY_NO = {
    "yes": gettext_noop("Yes"),
    "partly": gettext_noop("Partly"),
    "no": gettext_noop("No"),
}

QUESTIONS: tuple[Question, ...] = (
    Question(
        id="decide_goals",
        asks=gettext_noop("who decides the goals of the work"),
        wording={
            "professional": gettext_noop("Who decides what our work together is aiming for?"),
            "recipient": gettext_noop("Who decides what our work together is aiming for?"),
        },
        answers=_WHO,
        caution=("professional", "recipient", "shared"),
    ),
    Question(
        id="decide_methods",
        asks=gettext_noop("who decides how the work is done"),
        wording={
            "professional": gettext_noop("Who decides how we do the work?"),
            "recipient": gettext_noop("Who decides how we do the work?"),
        },
        answers=_WHO,
        caution=("professional", "recipient", "shared"),
    ),
    Question(
        id="can_decline",
        asks=gettext_noop("could the recipient say no, or stop, without losing any help"),
        wording={
            "professional": gettext_noop(
                "Could the person say no to this way of working, or stop it, "
                "without losing any of the help they get from us?"
            ),
            "recipient": gettext_noop(
                "Could you say no to this way of working, or stop it, "
                "without losing any of the help you get?"
            ),
        },
        answers=_YES_NO_UNSURE,
        caution=("no", "unsure", "yes"),
    ),
    Question(
        id="costs_understood",
        asks=gettext_noop("I understand what this may cost me"),
        wording={
            "professional": gettext_noop(
                "Do you understand what this work may cost you (time, effort, anything else)?"
            ),
            "recipient": gettext_noop(
                "Do you understand what this work may cost you (time, effort, feelings, money)?"
            ),
        },
        answers=_YES_PARTLY_NO,
        caution=("no", "partly", "yes"),
    ),
    Question(
        id="benefits_understood",
        asks=gettext_noop("I understand what I may gain"),
        wording={
            "professional": gettext_noop("Do you understand what you may gain from this work?"),
            "recipient": gettext_noop("Do you understand what you may gain from this work?"),
        },
        answers=_YES_PARTLY_NO,
        caution=("no", "partly", "yes"),
    ),
    Question(
        id="power_discussed",
        asks=gettext_noop("we have talked openly about the power difference between us"),
        wording={
            "professional": gettext_noop(
                "Have you talked openly with the person about the power you hold in your role?"
            ),
            "recipient": gettext_noop(
                "Have you and the professional talked openly about the power they hold "
                "in their role?"
            ),
        },
        answers=_YES_NO,
        caution=("no", "yes"),
    ),
    Question(
        id="payment_fair",
        asks=gettext_noop("the financial arrangements feel fair to me"),
        wording={
            "professional": gettext_noop(
                "Do the money arrangements for this work feel fair to you?"
            ),
            "recipient": gettext_noop("Do the money arrangements for this work feel fair to you?"),
        },
        answers=_YES_NO_UNSURE,
        caution=("no", "unsure", "yes"),
    ),
    Question(
        id="other_roles",
        asks=gettext_noop("we know each other in another way outside this work"),
        wording={
            "professional": gettext_noop(
                "Do you know the person in another way, outside this work "
                "(for example as a neighbour, friend or employer)?"
            ),
            "recipient": gettext_noop(
                "Do you know the professional in another way, outside this work "
                "(for example as a neighbour, friend or employer)?"
            ),
        },
        answers=_YES_NO,
        caution=("yes", "no"),
    ),
    Question(
        id="contact_outside",
        asks=gettext_noop("we have contact outside the agreed work"),
        wording={
            "professional": gettext_noop(
                "Do you have contact with the person outside the work you agreed?"
            ),
            "recipient": gettext_noop(
                "Do you have contact with the professional outside the work you agreed?"
            ),
        },
        answers=_YES_NO,
        caution=("yes", "no"),
        indicates="contact_outside_sessions",
    ),
    Question(
        id="preferences_asked",
        asks=gettext_noop(
            "I was asked how I want to be treated in this work, rather than it being assumed"
        ),
        wording={
            "professional": gettext_noop(
                "Did the person ask you how you want to work together, rather than assume it?"
            ),
            "recipient": gettext_noop(
                "Were you asked how you want to be treated in this work, "
                "rather than it being assumed?"
            ),
        },
        answers=_YES_NO,
        caution=("no", "yes"),
    ),
    Question(
        id="vulnerabilities_shared",
        asks=gettext_noop(
            "the professional has been open about their limits and about what change "
            "realistically involves"
        ),
        wording={
            "professional": gettext_noop(
                "Have you been open about your own limits, and about what change usually involves?"
            ),
            "recipient": gettext_noop(
                "Has the professional been open about their limits, and about what "
                "change usually involves?"
            ),
        },
        answers=_YES_PARTLY_NO,
        caution=("no", "partly", "yes"),
    ),
    Question(
        id="expected_change",
        asks=gettext_noop("how much change I expect for the recipient in three months"),
        wording={
            "professional": gettext_noop(
                "How much change do you expect for the person in the next three months?"
            ),
            "recipient": gettext_noop(
                "How much change do you expect for yourself in the next three months?"
            ),
        },
        answers={
            "none": gettext_noop("None"),
            "some": gettext_noop("Some"),
            "a_lot": gettext_noop("A lot"),
        },
        caution=("a_lot", "none", "some"),
    ),
    Question(
        id="confidence",
        asks=gettext_noop("I am confident co-production is the right model for us here"),
        wording={
            "professional": gettext_noop(
                "Are you confident that working together as equals is right for "
                "the two of you here?"
            ),
            "recipient": gettext_noop(
                "Are you confident that working together as equals is right for "
                "the two of you here?"
            ),
        },
        answers=_YES_NO_UNSURE,
        caution=("no", "unsure", "yes"),
    ),
    # Format 1.1: the questions below each ask about one way the work may depart from what
    # others expect, so that the level of scrutiny never rests on `contrast` alone. A `yes`
    # is the cautious reading: it can only add scrutiny.
    Question(
        id="shared_decisions",
        asks=gettext_noop("we make decisions about the recipient's care or treatment together"),
        wording={
            "professional": gettext_noop(
                "Do you and the person make decisions about their care or treatment together?"
            ),
            "recipient": gettext_noop(
                "Do you and the professional make decisions about your care or treatment together?"
            ),
        },
        answers=_YES_NO,
        caution=("yes", "no"),
        indicates="shared_clinical_decisions",
    ),
    Question(
        id="money_between_us",
        asks=gettext_noop("money, gifts or favours pass between us"),
        wording={
            "professional": gettext_noop(
                "Does money, or do gifts or favours, pass between you and the person (either way)?"
            ),
            "recipient": gettext_noop(
                "Does money, or do gifts or favours, pass between you and the "
                "professional (either way)?"
            ),
        },
        answers=_YES_NO,
        caution=("yes", "no"),
        indicates="payment_between_participants",
    ),
    Question(
        id="personal_sharing",
        asks=gettext_noop("the professional shares their own personal experiences in this work"),
        wording={
            "professional": gettext_noop(
                "Do you share your own personal experiences with the person in this work?"
            ),
            "recipient": gettext_noop(
                "Does the professional share their own personal experiences with you in this work?"
            ),
        },
        answers=_YES_NO,
        caution=("yes", "no"),
        indicates="professional_self_disclosure",
    ),
    Question(
        id="informal_places",
        asks=gettext_noop("we meet in informal places (homes, cafés, community spaces)"),
        wording={
            "professional": gettext_noop(
                "Do you meet the person in informal places, such as a home, a "
                "café or a community space?"
            ),
            "recipient": gettext_noop(
                "Do you meet the professional in informal places, such as a home, a "
                "café or a community space?"
            ),
        },
        answers=_YES_NO,
        caution=("yes", "no"),
        indicates="informal_setting",
    ),
    Question(
        id="confidentiality_differs",
        asks=gettext_noop("what is kept private works differently here from usual care"),
        wording={
            "professional": gettext_noop(
                "Does what is kept private work differently in this work from "
                "how it works in your usual practice?"
            ),
            "recipient": gettext_noop(
                "Does what is kept private work differently in this work from "
                "how it works in the care you usually get?"
            ),
        },
        answers=_YES_NO,
        caution=("yes", "no"),
        indicates="altered_confidentiality",
    ),
)

QUESTIONS_BY_ID: Mapping[str, Question] = {question.id: question for question in QUESTIONS}
INDICATING: tuple[Question, ...] = tuple(q for q in QUESTIONS if q.indicates is not None)
"""The questions whose `yes` counts as a contrast indicator, looked at for every assessment."""
