"""Forms for wellbeing questionnaires: starting one for a person, and filling one in.

A questionnaire is shown item by item in the instrument's own words where its licence lets
Mutuality show them (or the organisation has supplied its licensed copy), always with the
credit those words need. Where there are no words to show, each answer is given as a number,
so nothing licensed is ever reproduced. The outcomes package scores the answers; this form
only checks that each is one the instrument allows, and says which one is wrong if not.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mutuality.outcomes import Instrument, ItemText, ScoringError, score_responses
from mutuality.web.relationships.forms.common import field_of
from mutuality.web.relationships.forms.records import SHORT_TEXT, DateField, Option, RecordForm
from mutuality.web.relationships.models import Participant

GOAL_BASED = "gbo"


@dataclass(frozen=True)
class Questionnaire:
    """One instrument as it will be shown: its words (None when there are none to show)."""

    instrument: Instrument
    text: ItemText | None
    goal: str | None = None

    @property
    def by_item(self) -> bool:
        """Whether it is answered item by item (otherwise one rating or one total)."""
        return self.instrument.scoring != "per_goal" and bool(self.instrument.items)

    @property
    def answer_range(self) -> tuple[int, int]:
        low, high = self.instrument.item_range or (self.instrument.low, self.instrument.high)
        return int(low), int(high)


def _answer_choices(questionnaire: Questionnaire) -> list[tuple[str, str]]:
    """Every whole number the instrument allows, with its words where it has them."""
    words = {o.value: o.label for o in questionnaire.text.options} if questionnaire.text else {}
    low, high = questionnaire.answer_range
    return [
        (str(n), f"{n} – {words[n]}" if n in words and str(n) != words[n] else str(n))
        for n in range(low, high + 1)
    ]


def _item_label(questionnaire: Questionnaire, number: int) -> str:
    text = questionnaire.text
    if text is not None and len(text.items) >= number:
        return f"{number}. {text.items[number - 1]}"
    return gettext("Question %(number)s") % {"number": number}


class StartQuestionnaireForm(RecordForm):
    """Choose whose wellbeing to measure, with which instrument (and, for goals, the goal)."""

    of = forms.ChoiceField(
        label=_("Whose questionnaire is it?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whose questionnaire it is")},
    )
    instrument = forms.ChoiceField(
        label=_("Which questionnaire?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a questionnaire")},
    )
    goal = forms.CharField(
        label=_("The goal, in the person's own words"),
        required=False,
        max_length=SHORT_TEXT,
        help_text=_(
            "Only for goal-based outcomes, for example: get back to walking the dog "
            "every day. Leave it empty for other questionnaires."
        ),
        error_messages={
            "max_length": format_lazy(
                _("The goal must be {limit} characters or fewer"), limit=f"{SHORT_TEXT:,}"
            )
        },
    )

    def __init__(
        self,
        *args: Any,
        people: Sequence[Participant],
        instruments: Mapping[str, Instrument],
        taken: set[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.people = {p.slug: p for p in people}
        self.instruments = instruments
        self.taken = taken
        field_of(self, "of", forms.ChoiceField).choices = [(p.slug, p.called) for p in people]
        if len(people) == 1:
            self.fields["of"].initial = people[0].slug
        field_of(self, "instrument", forms.ChoiceField).choices = [
            (key, Option(i.name, _instrument_hint(i))) for key, i in instruments.items()
        ]
        self.fields["goal"].widget.attrs.pop("maxlength", None)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data is None:  # a clean() may return None to keep cleaned_data (Form's returns it)
            data = self.cleaned_data
        instrument, goal, of = data.get("instrument"), data.get("goal", ""), data.get("of")
        if instrument == GOAL_BASED and not goal:
            self.add_error("goal", gettext("Enter the goal, in the person's own words"))
        elif instrument and instrument != GOAL_BASED and goal:
            self.add_error(
                "goal", gettext("Only goal-based outcomes have a goal: leave this empty")
            )
        elif instrument and of and instrument != GOAL_BASED and (of, instrument) in self.taken:
            name = self.instruments[instrument].name
            self.add_error(
                "instrument",
                gettext(
                    "%(name)s already has the %(questionnaire)s questionnaire: fill it in from "
                    "the list of questionnaires instead"
                )
                % {"name": of, "questionnaire": name},
            )
        return data


def _instrument_hint(instrument: Instrument) -> str:
    if instrument.scoring == "per_goal":
        return gettext("Up to three goals, each rated from 0 to 10. Start one for each goal.")
    if instrument.text_licence == "organisation_supplied":
        return gettext(
            "Its wording is licensed to your organisation, so you may need your "
            "organisation's copy to fill it in."
        )
    if not instrument.items:
        return gettext("one total score.")
    return ngettext("%(count)s question.", "%(count)s questions.", instrument.items) % {
        "count": instrument.items
    }


class QuestionnaireForm(RecordForm):
    """One filled-in questionnaire: the date, then every item (or the rating, or the total)."""

    # records.py's DateField is typed for str; a lazy string is one when it is shown.
    date = DateField(
        label=_("When was it filled in?"), what=cast(str, _("the date it was filled in"))
    )

    def __init__(self, *args: Any, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questionnaire = questionnaire
        instrument = questionnaire.instrument
        if questionnaire.by_item:
            for number in range(1, (instrument.items or 0) + 1):
                self.fields[f"item_{number}"] = forms.ChoiceField(
                    label=_item_label(questionnaire, number),
                    choices=_answer_choices(questionnaire),
                    widget=forms.RadioSelect,
                    required=instrument.max_missing == 0,
                    error_messages={
                        "required": gettext("Choose an answer to question %(number)s")
                        % {"number": number},
                        "invalid_choice": gettext(
                            "Choose one of the answers to question %(number)s"
                        )
                        % {"number": number},
                    },
                )
        elif instrument.scoring == "per_goal":
            self.fields["rating"] = forms.ChoiceField(
                label=gettext("Your goal: %(goal)s") % {"goal": questionnaire.goal},
                choices=_answer_choices(questionnaire),
                widget=forms.RadioSelect,
                error_messages={
                    "required": gettext("Choose how close you are to reaching the goal"),
                    "invalid_choice": gettext("Choose one of the numbers from 0 to 10"),
                },
            )
        else:
            low, high = instrument.low, instrument.high
            limits = {"low": f"{low:g}", "high": f"{high:g}"}
            self.fields["total"] = forms.FloatField(
                label=gettext("The total score"),
                help_text=gettext("A number from %(low)s to %(high)s") % limits,
                min_value=low,
                max_value=high,
                widget=forms.TextInput(
                    attrs={"class": "nhsuk-input--width-5", "inputmode": "decimal"}
                ),
                error_messages={
                    "required": gettext("Enter the total score"),
                    "invalid": gettext("The total score must be a number from %(low)s to %(high)s")
                    % limits,
                    "min_value": gettext("The total score must be %(low)s or more") % limits,
                    "max_value": gettext("The total score must be %(high)s or less") % limits,
                },
            )

    def item_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith("item_")]

    def single_field(self) -> forms.BoundField | None:
        """The one rating (a goal) or total (no items to show), when there is one."""
        name = next((n for n in ("rating", "total") if n in self.fields), None)
        return self[name] if name else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data is None:  # a clean() may return None to keep cleaned_data (Form's returns it)
            data = self.cleaned_data
        if self.questionnaire.by_item and not self.errors:
            self._check_scorable(data)
        return data

    def _check_scorable(self, data: dict[str, Any]) -> None:
        """Too many unanswered items, say, are told before anything is saved."""
        if self.questionnaire.instrument.scoring == "per_item":
            return  # every item is required, and each is scored on its own
        try:
            score_responses(self.questionnaire.instrument, answers(self.questionnaire, data) or [])
        except ScoringError as error:
            # The reason is the outcomes core's, in English (it has no translation hook).
            self.add_error(
                None,
                gettext("This questionnaire cannot be scored yet: %(reason)s") % {"reason": error},
            )


class DraftForm(QuestionnaireForm):
    """The answers so far, to finish later: any may be left out, but each one given must still
    be an answer the instrument allows (and a date a real date)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "revision":
                field.required = False

    def clean(self) -> dict[str, Any]:
        # Not QuestionnaireForm's: a draft need not be scorable yet.
        data = forms.Form.clean(self)
        return self.cleaned_data if data is None else data


def draft_answers(data: Mapping[str, Any]) -> dict[str, str]:
    """What a draft keeps of a cleaned DraftForm: each answer given, as text (the date as
    YYYY-MM-DD)."""
    kept = {
        name: str(given)
        for name, given in data.items()
        if name not in ("revision", "date") and given not in (None, "")
    }
    if isinstance(data.get("date"), date):
        kept["date"] = data["date"].isoformat()
    return kept


def restored(kept: Mapping[str, Any]) -> dict[str, Any]:
    """A draft's answers as a questionnaire form's initial values."""
    initial = dict(kept)
    if isinstance(initial.get("date"), str):
        try:
            initial["date"] = date.fromisoformat(initial["date"])
        except ValueError:
            del initial["date"]  # kept by an older version, say: today's date is offered instead
    if "total" in initial:
        initial["total"] = _number(initial["total"])
    return initial


def _number(text: str) -> str:
    """A total as the person would type it: 12 rather than 12.0."""
    try:
        return f"{float(text):g}"
    except ValueError:
        return text


def answers(questionnaire: Questionnaire, data: dict[str, Any]) -> list[int | None] | None:
    """The item answers in order (None for one left unanswered), or None if not by item."""
    if not questionnaire.by_item:
        return None
    count = questionnaire.instrument.items or 0
    given: list[str | None] = [data.get(f"item_{n}") for n in range(1, count + 1)]
    return [int(answer) if answer is not None and answer != "" else None for answer in given]


def value(data: dict[str, Any]) -> float | None:
    """The rating or the total, when the questionnaire is not answered item by item."""
    given: str | float | None = data.get("rating", data.get("total"))  # a choice, or a number
    return float(given) if given is not None and given != "" else None


MAX_WEEKS = 52


class ScheduleForm(RecordForm):
    """Either person sets how often a questionnaire already started is due."""

    instrument = forms.ChoiceField(
        label=_("Which questionnaire?"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a questionnaire"),
            "invalid_choice": _("Choose one of the questionnaires listed"),
        },
    )
    every_weeks = forms.IntegerField(
        label=_("How many weeks apart?"),
        help_text=format_lazy(
            _("A whole number from 1 to {most}, for example 4 for about once a month."),
            most=MAX_WEEKS,
        ),
        min_value=1,
        max_value=MAX_WEEKS,
        error_messages={
            "required": _("Enter how many weeks apart the questionnaire is due"),
            "invalid": _("Enter a whole number of weeks, like 4"),
            "min_value": _("Enter at least 1 week"),
            "max_value": format_lazy(_("Enter {most} weeks or fewer"), most=MAX_WEEKS),
        },
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3", "inputmode": "numeric"}),
    )

    def __init__(self, *args: Any, instruments: Mapping[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field_of(self, "instrument", forms.ChoiceField).choices = list(instruments.items())
        if len(instruments) == 1:
            self.fields["instrument"].initial = next(iter(instruments))


class AgreeScheduleForm(RecordForm):
    """Agreeing to a schedule needs nothing but the revision."""
