"""The forms of an organisation's own pages; each carries what the page showed, so a change
made from an out-of-date page is refused (actions.Stale)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mutuality.framework import VOCABULARY, PolicyError
from mutuality.web.accounts.forms import NhsFormMixin
from mutuality.web.accounts.models import (
    CRISIS_TEXT_LENGTH,
    RETENTION_RANGE,
    RETENTION_YEARS,
    Organisation,
    Role,
)
from mutuality.web.organisation.actions import STAFF_ROLES
from mutuality.web.organisation.policy import CHOICE, LEVEL_CHOICES, NUMBERS, policy_of

ROLE_CHOICES = [(role.value, role.label) for role in STAFF_ROLES]
_ROLE_ERRORS = {
    "required": _("Choose a role"),
    "invalid_choice": _(
        "Choose a role from the list: professional, supervisor, "
        "independent reviewer or organisation admin"
    ),
}


class _Revision(NhsFormMixin, forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class InviteStaffForm(NhsFormMixin, forms.Form):
    display_name = forms.CharField(
        label=_("Their name"),
        help_text=_("As people in your organisation know them, for example Priya Shah."),
        max_length=200,
        error_messages={"required": _("Enter their name")},
    )
    email = forms.EmailField(
        label=_("Their email address"),
        help_text=_("The link to choose a password goes here."),
        max_length=254,
        error_messages={
            "required": _("Enter their email address"),
            "invalid": _("Enter an email address in the right form, like name@example.org"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    username = forms.CharField(
        label=_("Their username"),
        help_text=_("What they sign in with. Letters, numbers and @ . + - _ only."),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        error_messages={"required": _("Enter a username")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label=_("Their role"),
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages=_ROLE_ERRORS,
    )

    def clean_email(self) -> str:
        return str(self.cleaned_data["email"]).lower()


class RoleForm(NhsFormMixin, forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=ROLE_CHOICES,
        widget=forms.RadioSelect,
        error_messages=_ROLE_ERRORS,
    )
    was = forms.ChoiceField(choices=Role.choices, widget=forms.HiddenInput)


class ActiveForm(NhsFormMixin, forms.Form):
    """Turning a login on or off: the button pressed."""

    active = forms.ChoiceField(
        choices=[("yes", "On"), ("no", "Off")],
        error_messages={
            "required": "Choose whether to turn the login on or off",
            "invalid_choice": "Choose whether to turn the login on or off",
        },
    )


class AssignForm(_Revision):
    supervisor = forms.ModelChoiceField(
        label=_("Who supervises this work?"),
        help_text=_("One of your organisation's supervisors."),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody"),
        error_messages={"invalid_choice": _("Choose a supervisor from the list")},
    )
    reviewers = forms.ModelMultipleChoiceField(
        label=_("Who reviews it independently?"),
        help_text=_("Choose any of your organisation's independent reviewers."),
        queryset=get_user_model().objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("Choose reviewers from the list"),
            "invalid_pk_value": _("Choose reviewers from the list"),
        },
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        staff = get_user_model().objects.filter(organisation=organisation, is_active=True)
        staff = staff.order_by("display_name", "username")
        for name, role in (("supervisor", Role.SUPERVISOR), ("reviewers", Role.REVIEWER)):
            field: Any = self.fields[name]
            field.queryset = staff.filter(role=role)
            field.label_from_instance = lambda person: person.shown_name


class PolicyForm(_Revision):
    """Every number of the policy, each labelled with the framework's default."""

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        current = policy_of(organisation)
        initial = {n.name: n.value_in(current) for n in NUMBERS}
        kwargs["initial"] = {**initial, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        for number in NUMBERS:
            default = number.default()
            if number.path == CHOICE:  # a level's code reads as its label
                default = VOCABULARY["scrutiny_level"].label(str(default))
            said = _("The default is %(default)s.") % {"default": str(default).lower()}
            hint = " ".join(str(part) for part in (number.hint, said) if part)
            field: forms.Field
            if number.path == CHOICE:
                field = forms.ChoiceField(
                    choices=LEVEL_CHOICES,
                    widget=forms.RadioSelect,
                    error_messages={"invalid_choice": _("Choose standard, enhanced or intensive")},
                )
            else:
                field = forms.IntegerField(
                    widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-5"}),
                    error_messages={"invalid": _("Enter a whole number, like 28")},
                )
            field.label, field.help_text = number.label, hint
            field.error_messages["required"] = (
                _("Enter a number")
                if number.path != CHOICE
                else (_("Choose standard, enhanced or intensive"))
            )
            self.fields[number.name] = field

    def number_fields(self) -> list[forms.BoundField]:
        return [self[number.name] for number in NUMBERS]

    def values(self) -> dict[tuple[str, ...], Any]:
        return {number.path: self.cleaned_data[number.name] for number in NUMBERS}

    def problems(self, error: PolicyError) -> tuple[tuple[str | None, str], ...]:
        """The framework's reasons, each beside the number it is about."""
        by_path = {".".join(n.path): n for n in NUMBERS}
        found: list[tuple[str | None, str]] = []
        for problem in error.problems:
            number = by_path.get(problem.path)
            message = problem.message
            if number is None:  # a rule across numbers: name them as the form does
                named = [n for n in NUMBERS if n.path[-1] in message or n.name in message]
                number = named[0] if named else None
                message = message.split("expected ", 1)[-1]
                for n in sorted(NUMBERS, key=lambda n: -len(n.path[-1])):
                    message = message.replace(n.path[-1], f"“{n.label}”")
                message = message[:1].upper() + message[1:]
            found.append((number.name if number else None, message))
        return tuple(found)


class DetailsForm(_Revision):
    crisis_text = forms.CharField(
        label=_("Your organisation's own crisis lines"),
        help_text=format_lazy(
            _(
                "Shown on the help-now page beside the national numbers, as plain text: for "
                "example your crisis team's phone number and hours. At most {count} characters."
            ),
            count=f"{CRISIS_TEXT_LENGTH:,}",
        ),
        required=False,
        max_length=CRISIS_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": format_lazy(
                _("Write at most {count} characters (you wrote %(show_value)d)"),
                count=f"{CRISIS_TEXT_LENGTH:,}",
            )
        },
    )
    report_name = forms.CharField(
        label=_("The name on your public transparency report"),
        help_text=_("Leave it empty to use your organisation's name."),
        required=False,
        max_length=200,
        error_messages={"max_length": _("Write at most 200 characters (you wrote %(show_value)d)")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # a browser cuts pasted text short without a word
            field.widget.attrs.pop("maxlength", None)


_YEARS = format_lazy(
    _("Enter a whole number of years from {low} to {high}, like {default}"),
    low=RETENTION_RANGE[0],
    high=RETENTION_RANGE[1],
    default=RETENTION_YEARS,
)


class RetentionForm(_Revision):
    retention_years = forms.IntegerField(
        label=_("How many years to keep a relationship's record after the work ends"),
        help_text=format_lazy(
            _(
                "After this many whole years, the record is deleted for good: its people's "
                "answers, scores, notes and history. The default is {default} years, which is "
                "how long the NHS Records Management Code of Practice keeps mental health "
                "records after care ends. Check your own records policy. From {low} to {high}."
            ),
            default=RETENTION_YEARS,
            low=RETENTION_RANGE[0],
            high=RETENTION_RANGE[1],
        ),
        min_value=RETENTION_RANGE[0],
        max_value=RETENTION_RANGE[1],
        widget=forms.NumberInput(attrs={"class": "nhsuk-input--width-3"}),
        error_messages={
            "required": _YEARS,
            "invalid": _YEARS,
            "min_value": _YEARS,
            "max_value": _YEARS,
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The browser's own range check would stop the form before our message could say it.
        for name in ("min", "max"):
            self.fields["retention_years"].widget.attrs.pop(name, None)


class ExchangeForm(_Revision):
    fhir_names = forms.BooleanField(
        label=_("Put people's names in the FHIR data other systems read"),
        help_text=_(
            "Other systems read a relationship's consent and scores through the API, as FHIR. "
            "Without names, they know each person by a code: only Mutuality can tell who it "
            "is. Turn names on only if the systems that read it may hold them."
        ),
        required=False,
    )


class EraseForm(NhsFormMixin, forms.Form):
    """Confirming an erasure: a box to tick that names the person (views.erase)."""

    confirm = forms.BooleanField(
        error_messages={"required": _("Tick the box to confirm you want to erase their details")}
    )

    def __init__(self, *args: Any, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["confirm"].label = _(
            "I understand that %(name)s's details will be erased for good, and that this "
            "cannot be undone"
        ) % {"name": name}


class InstrumentsForm(_Revision):
    instruments = forms.CharField(
        label=_("Your organisation's own instruments"),
        help_text=_(
            "A list of instrument definitions in YAML (or JSON), in the form of "
            "“Instrument definitions” in the case format. Every relationship of your "
            "organisation can use them. Leave it empty for none."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
    )
