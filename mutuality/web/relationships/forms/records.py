"""Forms for supervision, observations, disclosures, consultations, reviews, scrutiny and stage.

Every form carries the relationship's `revision` (rendered by the page as a hidden field), so
an edit made from an out-of-date page is refused rather than overwriting someone else's change.
Limits match the case format (framework `_types.py`): short text up to 2,000 characters,
notes up to 4,000, dates from 1900, so nothing a form accepts can fail the assessment.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from mutuality.framework import VOCABULARY
from mutuality.web.accounts.forms import NhsFormMixin
from mutuality.web.relationships.forms.common import STALE
from mutuality.web.relationships.models import ACT_WITHIN_DAYS

SHORT_TEXT = 2000  # the case format's `Text`
NOTE_TEXT = 4000  # the case format's `OptionalText`
MAX_REVISION = 2_147_483_647


class Option(str):
    """A choice's label that also carries a plain-English hint (shown under the choice)."""

    hint: str

    def __new__(cls, label: str, hint: str = "") -> Option:
        made = super().__new__(cls, label)
        made.hint = hint
        return made


OBSERVATION_KINDS: dict[str, Option] = {
    code: Option(term.label, term.hint) for code, term in VOCABULARY["observation_kind"].items()
}
CONSULTATION_OUTCOMES: dict[str, Option] = {
    code: Option(term.label, term.hint) for code, term in VOCABULARY["consultation_outcome"].items()
}
CONTRAST_INDICATORS: dict[str, str] = VOCABULARY["contrast_indicator"].labels()

_KNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not yet")]
_KNOWN_VALUES = {"yes": True, "no": False, "unknown": None}
_PART = re.compile(r"[0-9]{1,4}")


def known_choice(value: bool | None) -> str:
    """The radio value for a yes / no / not-yet field stored as True, False or None."""
    return next(key for key, known in _KNOWN_VALUES.items() if known is value)


class NhsDateWidget(forms.MultiWidget):
    """Day, month and year boxes (the NHS.UK date input); `records/_date.html` renders it."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.Field):
    """A date typed as day, month and year, with NHS-style messages that name the date."""

    widget = NhsDateWidget

    def __init__(self, *, what: str, allow_future: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", "For example, 15 3 2026")
        super().__init__(**kwargs)
        self.what = what
        self.allow_future = allow_future
        self.error_messages["required"] = f"Enter {what}"

    def _problem(self, words: str) -> ValidationError:
        return ValidationError(f"{self.what[0].upper()}{self.what[1:]} {words}")

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        given = value if isinstance(value, list | tuple) else []
        parts = [str(part).strip() if part is not None else "" for part in given]
        parts = [*parts, "", "", ""][:3]
        if not any(parts):
            return None
        if not all(parts):
            raise self._problem("must include a day, month and year")
        if not all(_PART.fullmatch(part) for part in parts):
            raise self._problem("must be a real date, written in numbers")
        day, month, year = (int(part) for part in parts)
        if len(parts[2]) != 4:
            raise self._problem("must have a year with 4 numbers, for example 2026")
        try:
            typed = date(year, month, day)
        except ValueError:
            raise self._problem("must be a real date") from None
        if typed < date(1900, 1, 1):
            raise self._problem("must be a real date")
        if not self.allow_future and typed > timezone.localdate():
            raise self._problem("must be today or in the past")
        return typed


class RecordForm(NhsFormMixin, forms.Form):
    """A form about one relationship, loaded at one revision of it."""

    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=MAX_REVISION,
        error_messages={"required": STALE, "invalid": STALE, "min_value": STALE},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["revision"].error_messages["max_value"] = STALE

    def refuse(self, message: str) -> None:
        """Show a problem with the whole form (also on a form that was never submitted)."""
        if not hasattr(self, "cleaned_data"):  # not cleaned yet: no errors to add to
            self.full_clean()  # (a form cleaned already is not cleaned twice)
        if not hasattr(self, "cleaned_data"):
            self.cleaned_data = {}
        self.add_error(None, message)


def _text(
    label: str, *, limit: int, help_text: str = "", required: bool = False, name: str = ""
) -> forms.CharField:
    field = forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": f"Enter {name}",
            "max_length": f"{(name or label)[0].upper()}{(name or label)[1:]} must be "
            f"{limit:,} characters or fewer",
        },
    )
    # A maxlength attribute would cut pasted text short without saying so; the server says.
    field.widget.attrs.pop("maxlength", None)
    return field


class SupervisionForm(RecordForm):
    date = DateField(label="When was the supervision?", what="the date of the supervision")
    note = _text(
        "Anything to note",
        limit=NOTE_TEXT,
        help_text="Everyone who can see this relationship can read this note.",
        name="the note",
    )


class ObservationForm(RecordForm):
    date = DateField(label="When did you notice it?", what="the date you noticed it")
    kind = forms.ChoiceField(
        label="What kind of worry is it?",
        help_text="Choose the one that fits best. If none fits, choose “Something else”.",
        choices=list(OBSERVATION_KINDS.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what kind of worry it is",
            "invalid_choice": "Choose one of the kinds of worry in the list",
        },
    )
    note = _text(
        "What have you noticed?",
        limit=NOTE_TEXT,
        help_text="In your own words. This helps the supervisor understand it and act on it.",
        name="what you noticed",
    )
    supervisor_only = forms.BooleanField(
        label="Tell only the supervisor",
        required=False,
        help_text="The professional will not know you raised it, or that there is a worry at "
        f"all. The supervisor will decide within {ACT_WITHIN_DAYS} days whether to put it on "
        "the shared record, without your name, or to deal with it privately. You can see what "
        "they decided.",
    )

    def __init__(
        self, *args: Any, allow_private: bool = False, has_supervisor: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not allow_private:
            del self.fields["supervisor_only"]
        elif not has_supervisor:
            self.fields["supervisor_only"].help_text = (
                "This relationship has no supervisor in Mutuality yet, so nobody else will read it "
                "until one is added. " + str(self.fields["supervisor_only"].help_text)
            )


class ResolveForm(RecordForm):
    """Marking an observation resolved needs nothing but the revision."""


class DisclosureForm(RecordForm):
    date = DateField(label="When did you share it?", what="the date you shared it")
    about = _text(
        "What did you share about yourself?",
        required=True,
        limit=SHORT_TEXT,
        help_text="For example, your own experience of hearing voices.",
        name="what you shared about yourself",
    )
    rationale = _text(
        "Why was sharing it in the other person's best interests?",
        limit=NOTE_TEXT,
        help_text="If you leave this empty, the assessment will ask you to give a reason.",
        name="the reason",
    )


class ConsultationForm(RecordForm):
    date = DateField(label="When was the consultation?", what="the date of the consultation")
    with_whom = forms.CharField(
        label="Who did you consult?",
        help_text="For example, your supervisor, the team meeting or the ethics forum.",
        max_length=300,
        error_messages={
            "required": "Enter who you consulted",
            "max_length": "Who you consulted must be 300 characters or fewer",
        },
    )
    outcome = forms.ChoiceField(
        label="What did you decide together?",
        choices=list(CONSULTATION_OUTCOMES.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what you decided",
            "invalid_choice": "Choose one of the decisions in the list",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["with_whom"].widget.attrs.pop("maxlength", None)


class ConsultationRequestForm(RecordForm):
    reason = _text(
        "What would you like the consultation to think about?",
        required=True,
        limit=NOTE_TEXT,
        help_text="For example, whether another way of helping would suit you better, and why. "
        "The professional and the supervisor can read this.",
        name="what you would like the consultation to think about",
    )


class PutOnRecordForm(RecordForm):
    note = _text(
        "What should the shared record say about it?",
        limit=NOTE_TEXT,
        help_text="Everyone who can see this relationship can read this. It will say the worry "
        "was raised privately with the supervisor, never who raised it. The words of the "
        "person who raised it stay private: write your own, and leave out anything that "
        "would show who it was.",
        name="what the record should say",
    )


class ResolvePrivatelyForm(RecordForm):
    note = _text(
        "How was it resolved?",
        required=True,
        limit=NOTE_TEXT,
        help_text="Only you and the person who raised it can read this note.",
        name="how it was resolved",
    )


class ReviewForm(RecordForm):
    date = DateField(label="When was the review?", what="the date of the review")
    note = _text(
        "What did the review find?",
        limit=NOTE_TEXT,
        help_text="Everyone who can see this relationship can read this note.",
        name="the note",
    )


class ScrutinyForm(RecordForm):
    supervision_every_days = forms.IntegerField(
        label="How often is supervision agreed, in days?",
        help_text="For example, 28 for every four weeks. Leave it empty if nothing is agreed yet.",
        required=False,
        min_value=1,
        max_value=365,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Enter the number of days as a whole number, like 28",
            "min_value": "Enter a number of days of 1 or more",
            "max_value": "Enter a number of days of 365 or fewer",
        },
    )
    team_informed = forms.ChoiceField(
        label="Does the wider team know what kind of relationship this is?",
        choices=_KNOWN,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the wider team knows",
            "invalid_choice": "Choose yes, no or not yet",
        },
    )
    public_reporting = forms.ChoiceField(
        label="Is this kind of work reported to the public, for example in an annual report?",
        choices=_KNOWN,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether this work is reported to the public",
            "invalid_choice": "Choose yes, no or not yet",
        },
    )
    contrast = forms.MultipleChoiceField(
        label="How is this relationship different from what people would usually expect?",
        help_text="Choose all that apply. The more ways it differs, the more it needs to be "
        "checked from outside.",
        choices=list(CONTRAST_INDICATORS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose only from the differences in the list"},
    )
    uncertain = forms.BooleanField(
        label="Someone involved is unsure that working together like this is the most "
        "ethical way to help",
        required=False,
    )
    supervisor_is_participant = forms.BooleanField(
        label="The supervisor is also one of the people in this relationship",
        required=False,
        help_text="Then they are not outside it, and cannot check it from outside.",
    )

    def clean_team_informed(self) -> bool | None:
        return _KNOWN_VALUES[self.cleaned_data["team_informed"]]

    def clean_public_reporting(self) -> bool | None:
        return _KNOWN_VALUES[self.cleaned_data["public_reporting"]]

    def clean_contrast(self) -> list[str]:
        chosen = set(self.cleaned_data["contrast"])
        return [value for value in CONTRAST_INDICATORS if value in chosen]


class ContrastForm(RecordForm):
    """The two people say how their work departs from usual care, or that it does not."""

    contrast = forms.MultipleChoiceField(
        label="Which of these are true of your work together?",
        help_text="Choose all that apply.",
        choices=list(CONTRAST_INDICATORS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose only from the differences in the list"},
    )
    none = forms.BooleanField(
        label="None of these: we have looked, and our work does not differ from usual care",
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = set(cleaned.get("contrast") or [])
        if cleaned.get("none") and chosen:
            self.add_error("none", "Choose the differences, or “none of these”, but not both")
        elif not cleaned.get("none") and not chosen and "contrast" not in self.errors:
            self.add_error("contrast", "Choose how your work differs, or “none of these”")
        cleaned["declared"] = [value for value in CONTRAST_INDICATORS if value in chosen]
        return cleaned


NEXT_STAGE: dict[str, str] = {"proposed": "active", "active": "ending", "ending": "ended"}


class StageForm(RecordForm):
    """Move the work on to its next stage; starting it needs the date it started."""

    to = forms.CharField(
        widget=forms.HiddenInput,
        error_messages={"required": STALE},
    )

    def __init__(self, *args: Any, current: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.next_stage = NEXT_STAGE.get(current)
        if self.next_stage == "active":
            self.fields["started"] = DateField(
                label="When did the work start?", what="the date the work started"
            )

    def clean_to(self) -> str:
        wanted = self.cleaned_data["to"]
        if wanted != self.next_stage:
            raise ValidationError(STALE)
        return str(wanted)
