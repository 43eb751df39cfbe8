"""Forms for the parts of the case format that describe a person or the work itself: a
person's access needs, adjustments, vulnerability and whether they can say no; their capacity
(the professional's record, or their own view); the work's name and setting; its context; what
the two people decide or make together; and its approach (professional-led methods, resources, alternatives, the outcome plan).

Lists are typed one item a line. Limits match the case format (framework `_types.py`), so
nothing a form accepts can fail the assessment, and each problem names the line it is on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutuality.framework import VOCABULARY
from mutuality.web.relationships.forms.common import field_of
from mutuality.web.relationships.forms.people import ProposeForm
from mutuality.web.relationships.forms.records import (
    SHORT_TEXT,
    Option,
    RecordForm,
    _text,
    known_choice,
)

MAX_LINES = 50
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _options(name: str, *, mine: bool = False) -> dict[str, Option]:
    """A vocabulary's choices as a form offers them (ADR 0016: one spelling): the label with its
    hint, or (`mine`) the words a person would use about themselves or their own work."""
    words = VOCABULARY[name]
    if mine:
        return {code: Option(term.mine or words.label(code)) for code, term in words.items()}
    return {code: Option(label, words[code].hint) for code, label in words.choices()}


class _Words(Mapping[str, Option]):
    """A vocabulary's choices, read afresh on each use: the framework says its words in the
    language of the request being answered (docs/architecture.md, "Other languages"), so a
    copy taken when the module is imported would stay in English."""

    def __init__(self, name: str, *, mine: bool = False) -> None:
        self.name, self.mine = name, mine

    def _now(self) -> dict[str, Option]:
        return _options(self.name, mine=self.mine)

    def __getitem__(self, code: str) -> Option:
        return self._now()[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._now())

    def __len__(self) -> int:
        return len(self._now())


VULNERABILITY_WORDS = _Words("vulnerability")
CAPACITY_WORDS = _Words("capacity")
OWN_CAPACITY_WORDS = _Words("capacity", mine=True)
RESOURCE_WORDS = _Words("resource_review", mine=True)
CONTEXT_WORDS: dict[str, Words] = {
    "best_interests": _(
        "Some decisions are made in someone's best interests, because they cannot "
        "make those decisions themselves at the moment"
    ),
    "compulsory": _(
        "Parts of the treatment are compulsory, for example under the Mental Health Act"
    ),
    "court_ordered": _("The work is part of a court order or sentence"),
}
_KNOWN = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Not known yet"))]
if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise as Words  # a string, or one read when shown
_KNOWN_VALUES = {"yes": True, "no": False, "unknown": None}


def _lines_field(label: Words, help_text: Words) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=format_lazy("{hint} {how}", hint=help_text, how=_("Write one on each line.")),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def clean_lines(text: str, what: Words) -> list[str]:
    """One item a line, blank lines dropped; each within the case format's text limits.
    `what` names the items in the field's words ("access needs"), inside each message."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > MAX_LINES:
        raise ValidationError(
            gettext("Write at most %(most)s %(what)s, one on each line")
            % {"most": MAX_LINES, "what": what}
        )
    for number, line in enumerate(lines, start=1):
        values = {"number": number, "what": what, "limit": f"{SHORT_TEXT:,}"}
        if len(line) > SHORT_TEXT:
            raise ValidationError(
                gettext(
                    "Line %(number)s of the %(what)s is too long: use %(limit)s characters or fewer"
                )
                % values
            )
        if _CONTROL.search(line):
            raise ValidationError(
                gettext(
                    "Line %(number)s of the %(what)s has a character that cannot be saved. "
                    "Type it again without copying it"
                )
                % values
            )
    return list(dict.fromkeys(lines))  # the same item twice says nothing more


def _known(label: Words, help_text: Words, required_message: Words) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        choices=_KNOWN,
        widget=forms.RadioSelect,
        error_messages={
            "required": required_message,
            "invalid_choice": _("Choose yes, no or not known yet"),
        },
    )


def _radios(label: Words, choices: Mapping[str, Option], what: Words) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=lambda: list(choices.items()),  # read when shown, in the reader's language
        widget=forms.RadioSelect,
        error_messages={
            "required": format_lazy(_("Choose {what}"), what=what),
            "invalid_choice": format_lazy(_("Choose {what} from the list"), what=what),
        },
    )


class PersonForm(RecordForm):
    """What the case format says about one person: access needs and adjustments (anyone), and
    for a co-producer their vulnerability and whether they can say no freely."""

    access_needs = _lines_field(
        _("Access needs"),
        _("Anything that makes taking part harder, for example “large print” or “needs breaks”."),
    )
    adjustments = _lines_field(
        _("Adjustments agreed"),
        _("What you do about those needs, for example “papers sent in 16 point”."),
    )
    other_roles = _lines_field(
        _("Other roles towards the other person"),
        _("Other ways they know each other, for example “neighbour” or “employer”."),
    )
    vulnerability = _radios(
        _("How much could working this way be a burden for them?"),
        VULNERABILITY_WORDS,
        _("how much it could be a burden"),
    )
    can_decline_freely = _known(
        _("Could they say no to this way of working, or stop it, without losing any help?"),
        _(
            "Each of you is also asked this on the questions page. If either of you says no "
            "there, the assessment counts it."
        ),
        _("Choose whether they could say no without losing help"),
    )

    field_order = (
        "access_needs",
        "adjustments",
        "other_roles",
        "vulnerability",
        "can_decline_freely",
    )

    def __init__(self, *args: Any, recipient: bool, yours: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not recipient:  # the case format keeps these two for recipients only
            del self.fields["vulnerability"], self.fields["can_decline_freely"]
        elif yours:
            self.fields["vulnerability"].label = gettext(
                "How much could working this way be a burden for you?"
            )
            self.fields["can_decline_freely"].label = gettext(
                "Could you say no to this way of working, or stop it, without losing any help?"
            )

    def clean_access_needs(self) -> list[str]:
        return clean_lines(self.cleaned_data["access_needs"], gettext("access needs"))

    def clean_adjustments(self) -> list[str]:
        return clean_lines(self.cleaned_data["adjustments"], gettext("adjustments"))

    def clean_other_roles(self) -> list[str]:
        return clean_lines(self.cleaned_data["other_roles"], gettext("other roles"))

    def clean_can_decline_freely(self) -> bool | None:
        return _KNOWN_VALUES[self.cleaned_data["can_decline_freely"]]


def person_initial(person: Any) -> dict[str, Any]:
    return {
        "access_needs": "\n".join(person.access_needs),
        "adjustments": "\n".join(person.adjustments),
        "other_roles": "\n".join(person.other_roles),
        "vulnerability": person.vulnerability or "not_assessed",
        "can_decline_freely": known_choice(person.can_decline_freely),
    }


class CapacityForm(RecordForm):
    """The professional's record of a person's capacity, or a co-producer's own view of
    theirs: either is kept, and neither replaces the other."""

    capacity = _radios(
        _("Can they make the decisions you share in this work?"), CAPACITY_WORDS, _("an answer")
    )
    # records.py's `_text` is typed for str; a lazy string is one when it is shown.
    note = _text(
        cast(str, _("Anything to add")),
        limit=SHORT_TEXT,
        help_text=cast(str, _("For example, which decisions it covers, or how it was checked.")),
        name=cast(str, _("your note")),
    )

    def __init__(self, *args: Any, own_view: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if own_view:
            field = field_of(self, "capacity", forms.ChoiceField)
            field.choices = list(OWN_CAPACITY_WORDS.items())
            field.label = gettext("Can you make the decisions you share in this work?")
            self.fields["note"].help_text = gettext(
                "Your view is kept beside the professional's. It does not replace it."
            )


class AboutForm(RecordForm):
    """The work's name and setting, as the professional gave them when proposing it."""

    # The proposal's own fields (each form copies them), so both ask and check alike.
    title = ProposeForm.base_fields["title"]
    setting = ProposeForm.base_fields["setting"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].label = gettext("What do you call this relationship?")
        self.fields["setting"].label = gettext("Where do you work together?")

    def clean_title(self) -> str:
        title: str = self.cleaned_data["title"]
        if _CONTROL.search(title):
            raise ValidationError(
                gettext(
                    "The name has a character that cannot be saved. "
                    "Type it again without copying it"
                )
            )
        return title


class ContextForm(RecordForm):
    """The context of the work: best interests, compulsion, a court order, and whether the
    parts the two people share were agreed to lie outside them."""

    applies = forms.MultipleChoiceField(
        label=_("Do any of these apply to the work?"),
        help_text=_("Choose all that apply. Leave them all empty if none do."),
        choices=list(CONTEXT_WORDS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Choose only from the list")},
    )
    coproduced_elements_outside = forms.BooleanField(
        label=_("You have agreed with others that the parts you do together lie outside these"),
        required=False,
        help_text=_("Only if one of the above applies."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("coproduced_elements_outside") and not cleaned.get("applies"):
            self.add_error(
                "coproduced_elements_outside",
                gettext("Tick this only if best interests, compulsion or a court order applies"),
            )
        return cleaned


class TogetherForm(RecordForm):
    """The scope of the work: what the two people decide or make together. Either may change
    it."""

    co_produced_elements = _lines_field(
        _("What do you decide or make together?"), _("For example “session plans”.")
    )

    def clean_co_produced_elements(self) -> list[str]:
        return clean_lines(
            self.cleaned_data["co_produced_elements"], gettext("things you do together")
        )


class ApproachForm(RecordForm):
    """How the work is done: methods kept professional-led, the resource review, the other
    models considered and the questionnaires that will show change."""

    professional_led_methods = _lines_field(
        _("Methods that stay led by the professional"),
        _(
            "Ways of helping whose benefit rests on the professional's role, for example "
            "“limited re-parenting”."
        ),
    )
    resource_review = _radios(
        _("Does working together this way cost more than the usual way?"),
        RESOURCE_WORDS,
        _("how the cost compares"),
    )
    alternatives_considered = _lines_field(
        _("Other ways of helping you thought about"), _("For example “group therapy”.")
    )
    outcome_plan = forms.MultipleChoiceField(
        label=_("Which questionnaires will show whether things change?"),
        help_text=_("Choose all that you plan to use."),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Choose only questionnaires from the list")},
    )

    def __init__(self, *args: Any, instruments: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "outcome_plan", forms.MultipleChoiceField).choices = list(
            instruments.items()
        )

    def clean_professional_led_methods(self) -> list[str]:
        return clean_lines(self.cleaned_data["professional_led_methods"], gettext("methods"))

    def clean_alternatives_considered(self) -> list[str]:
        return clean_lines(
            self.cleaned_data["alternatives_considered"], gettext("other ways of helping")
        )
