"""Forms for supervision, observations, disclosures, consultations, reviews, scrutiny and stage.

Every form carries the relationship's `revision` (rendered by the page as a hidden field), so
an edit made from an out-of-date page is refused rather than overwriting someone else's change.
Limits match the case format (framework `_types.py`): short text up to 2,000 characters,
notes up to 4,000, dates from 1900, so nothing a form accepts can fail the assessment.
"""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from mutuality.framework import VOCABULARY
from mutuality.web.accounts.forms import NhsFormMixin
from mutuality.web.relationships.forms.common import STALE
from mutuality.web.relationships.models import ACT_WITHIN_DAYS

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SHORT_TEXT = 2000  # the case format's `Text`
NOTE_TEXT = 4000  # the case format's `OptionalText`
MAX_REVISION = 2_147_483_647


class Option:
    """A choice's label that also carries a plain-English hint (shown under the choice).

    Either may be a lazy string, translated each time it is shown: that is why this is not a
    `str` (a `str` would hold the words of whichever language was on when it was made)."""

    def __init__(self, label: StrOrPromise, hint: StrOrPromise = "") -> None:
        self.label = label
        self.hint = hint

    def __str__(self) -> str:
        return str(self.label)


def _said(vocabulary: str, code: str, part: str) -> str:
    return str(getattr(VOCABULARY[vocabulary][code], part))


_said_later = lazy(_said, str)
"""A vocabulary's word, read each time it is shown rather than once at import: the framework
translates its words as they are read (docs/architecture.md, "Other languages")."""


def _options(vocabulary: str) -> dict[str, Option]:
    return {
        code: Option(
            _said_later(vocabulary, code, "label"),
            _said_later(vocabulary, code, "hint") if term.hint else "",
        )
        for code, term in VOCABULARY[vocabulary].items()
    }


OBSERVATION_KINDS = _options("observation_kind")
CONSULTATION_OUTCOMES = _options("consultation_outcome")
CONTRAST_INDICATORS: dict[str, StrOrPromise] = {
    code: _said_later("contrast_indicator", code, "label")
    for code in VOCABULARY["contrast_indicator"]
}

_KNOWN = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("Not yet"))]
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

    def __init__(self, *, what: StrOrPromise, allow_future: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("For example, 15 3 2026"))
        super().__init__(**kwargs)
        self.what = what
        self.allow_future = allow_future
        self.error_messages["required"] = format_lazy(_("Enter {what}"), what=what)

    def _problem(self, message: StrOrPromise) -> ValidationError:
        """The message, a sentence about `%(what)s` (the date, capitalised: it starts it)."""
        return ValidationError(str(message) % {"what": capfirst(str(self.what))})

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        given = value if isinstance(value, list | tuple) else []
        parts = [str(part).strip() if part is not None else "" for part in given]
        parts = [*parts, "", "", ""][:3]
        if not any(parts):
            return None
        if not all(parts):
            raise self._problem(_("%(what)s must include a day, month and year"))
        if not all(_PART.fullmatch(part) for part in parts):
            raise self._problem(_("%(what)s must be a real date, written in numbers"))
        day, month, year = (int(part) for part in parts)
        if len(parts[2]) != 4:
            raise self._problem(_("%(what)s must have a year with 4 numbers, for example 2026"))
        try:
            typed = date(year, month, day)
        except ValueError:
            raise self._problem(_("%(what)s must be a real date")) from None
        if typed < date(1900, 1, 1):
            raise self._problem(_("%(what)s must be a real date"))
        if not self.allow_future and typed > timezone.localdate():
            raise self._problem(_("%(what)s must be today or in the past"))
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
    label: StrOrPromise,
    *,
    limit: int,
    help_text: StrOrPromise = "",
    required: bool = False,
    name: StrOrPromise,
) -> forms.CharField:
    """A box for a paragraph; `name` is what it holds, as its error messages say it."""
    field = forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": format_lazy(_("Enter {what}"), what=name),
            "max_length": format_lazy(
                _("{what} must be {count} characters or fewer"),
                what=capfirst(name),
                count=f"{limit:,}",
            ),
        },
    )
    # A maxlength attribute would cut pasted text short without saying so; the server says.
    field.widget.attrs.pop("maxlength", None)
    return field


class SupervisionForm(RecordForm):
    date = DateField(label=_("When was the supervision?"), what=_("the date of the supervision"))
    note = _text(
        _("Anything to note"),
        limit=NOTE_TEXT,
        help_text=_("Everyone who can see this relationship can read this note."),
        name=_("the note"),
    )


class ObservationForm(RecordForm):
    date = DateField(label=_("When did you notice it?"), what=_("the date you noticed it"))
    kind = forms.ChoiceField(
        label=_("What kind of worry is it?"),
        help_text=_("Choose the one that fits best. If none fits, choose “Something else”."),
        choices=list(OBSERVATION_KINDS.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what kind of worry it is"),
            "invalid_choice": _("Choose one of the kinds of worry in the list"),
        },
    )
    note = _text(
        _("What have you noticed?"),
        limit=NOTE_TEXT,
        help_text=_("In your own words. This helps the supervisor understand it and act on it."),
        name=_("what you noticed"),
    )
    supervisor_only = forms.BooleanField(
        label=_("Tell only the supervisor"),
        required=False,
        help_text=format_lazy(
            ngettext_lazy(
                "The professional will not know you raised it, or that there is a worry at all. "
                "The supervisor will decide within {days} day whether to put it on the shared "
                "record, without your name, or to deal with it privately. You can see what they "
                "decided.",
                "The professional will not know you raised it, or that there is a worry at all. "
                "The supervisor will decide within {days} days whether to put it on the shared "
                "record, without your name, or to deal with it privately. You can see what they "
                "decided.",
                ACT_WITHIN_DAYS,
            ),
            days=ACT_WITHIN_DAYS,
        ),
    )

    def __init__(
        self, *args: Any, allow_private: bool = False, has_supervisor: bool = True, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if not allow_private:
            del self.fields["supervisor_only"]
        elif not has_supervisor:
            self.fields["supervisor_only"].help_text = format_lazy(
                "{} {}",  # two sentences, each its own message
                _(
                    "This relationship has no supervisor in Mutuality yet, so nobody else will "
                    "read it until one is added."
                ),
                self.fields["supervisor_only"].help_text,
            )


class ResolveForm(RecordForm):
    """Marking an observation resolved needs nothing but the revision."""


class DisclosureForm(RecordForm):
    date = DateField(label=_("When did you share it?"), what=_("the date you shared it"))
    about = _text(
        _("What did you share about yourself?"),
        required=True,
        limit=SHORT_TEXT,
        help_text=_("For example, your own experience of hearing voices."),
        name=_("what you shared about yourself"),
    )
    rationale = _text(
        _("Why was sharing it in the other person's best interests?"),
        limit=NOTE_TEXT,
        help_text=_("If you leave this empty, the assessment will ask you to give a reason."),
        name=_("the reason"),
    )


class ConsultationForm(RecordForm):
    date = DateField(label=_("When was the consultation?"), what=_("the date of the consultation"))
    with_whom = forms.CharField(
        label=_("Who did you consult?"),
        help_text=_("For example, your supervisor, the team meeting or the ethics forum."),
        max_length=300,
        error_messages={
            "required": _("Enter who you consulted"),
            "max_length": _("Who you consulted must be 300 characters or fewer"),
        },
    )
    outcome = forms.ChoiceField(
        label=_("What did you decide together?"),
        choices=list(CONSULTATION_OUTCOMES.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose what you decided"),
            "invalid_choice": _("Choose one of the decisions in the list"),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["with_whom"].widget.attrs.pop("maxlength", None)


class ConsultationRequestForm(RecordForm):
    reason = _text(
        _("What would you like the consultation to think about?"),
        required=True,
        limit=NOTE_TEXT,
        help_text=_(
            "For example, whether another way of helping would suit you better, and why. "
            "The professional and the supervisor can read this."
        ),
        name=_("what you would like the consultation to think about"),
    )


class PutOnRecordForm(RecordForm):
    note = _text(
        _("What should the shared record say about it?"),
        limit=NOTE_TEXT,
        help_text=_(
            "Everyone who can see this relationship can read this. It will say the worry "
            "was raised privately with the supervisor, never who raised it. The words of the "
            "person who raised it stay private: write your own, and leave out anything that "
            "would show who it was."
        ),
        name=_("what the record should say"),
    )


class ResolvePrivatelyForm(RecordForm):
    note = _text(
        _("How was it resolved?"),
        required=True,
        limit=NOTE_TEXT,
        help_text=_("Only you and the person who raised it can read this note."),
        name=_("how it was resolved"),
    )


class ReviewForm(RecordForm):
    date = DateField(label=_("When was the review?"), what=_("the date of the review"))
    note = _text(
        _("What did the review find?"),
        limit=NOTE_TEXT,
        help_text=_("Everyone who can see this relationship can read this note."),
        name=_("the note"),
    )


class ScrutinyForm(RecordForm):
    supervision_every_days = forms.IntegerField(
        label=_("How often is supervision agreed, in days?"),
        help_text=_(
            "For example, 28 for every four weeks. Leave it empty if nothing is agreed yet."
        ),
        required=False,
        min_value=1,
        max_value=365,
        widget=forms.TextInput(attrs={"class": "nhsuk-input--width-3", "inputmode": "numeric"}),
        error_messages={
            "invalid": _("Enter the number of days as a whole number, like 28"),
            "min_value": _("Enter a number of days of 1 or more"),
            "max_value": _("Enter a number of days of 365 or fewer"),
        },
    )
    team_informed = forms.ChoiceField(
        label=_("Does the wider team know what kind of relationship this is?"),
        choices=_KNOWN,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether the wider team knows"),
            "invalid_choice": _("Choose yes, no or not yet"),
        },
    )
    public_reporting = forms.ChoiceField(
        label=_("Is this kind of work reported to the public, for example in an annual report?"),
        choices=_KNOWN,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether this work is reported to the public"),
            "invalid_choice": _("Choose yes, no or not yet"),
        },
    )
    contrast = forms.MultipleChoiceField(
        label=_("How is this relationship different from what people would usually expect?"),
        help_text=_(
            "Choose all that apply. The more ways it differs, the more it needs to be "
            "checked from outside."
        ),
        choices=list(CONTRAST_INDICATORS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Choose only from the differences in the list")},
    )
    uncertain = forms.BooleanField(
        label=_(
            "Someone involved is unsure that working together like this is the most "
            "ethical way to help"
        ),
        required=False,
    )
    supervisor_is_participant = forms.BooleanField(
        label=_("The supervisor is also one of the people in this relationship"),
        required=False,
        help_text=_("Then they are not outside it, and cannot check it from outside."),
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
        label=_("Which of these are true of your work together?"),
        help_text=_("Choose all that apply."),
        choices=list(CONTRAST_INDICATORS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": _("Choose only from the differences in the list")},
    )
    none = forms.BooleanField(
        label=_("None of these: we have looked, and our work does not differ from usual care"),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        chosen = set(cleaned.get("contrast") or [])
        if cleaned.get("none") and chosen:
            self.add_error("none", _("Choose the differences, or “none of these”, but not both"))
        elif not cleaned.get("none") and not chosen and "contrast" not in self.errors:
            self.add_error("contrast", _("Choose how your work differs, or “none of these”"))
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
                label=_("When did the work start?"), what=_("the date the work started")
            )

    def clean_to(self) -> str:
        wanted = self.cleaned_data["to"]
        if wanted != self.next_stage:
            raise ValidationError(STALE)
        return str(wanted)
