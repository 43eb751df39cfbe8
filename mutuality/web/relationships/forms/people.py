"""Forms about the people in a relationship: proposing it, inviting a co-producer, consent.

Every form checks what it is given on the server and says, next to the field, what is
wrong in plain English. Forms that change an existing relationship carry its `revision`
in a hidden field, so a change made from an out-of-date page is refused, not applied.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutuality.framework import VOCABULARY
from mutuality.web.accounts.forms import NhsFormMixin, NhsSetPasswordForm
from mutuality.web.accounts.models import Role
from mutuality.web.relationships.models import Relationship

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The case format's id pattern (mutuality/framework/_types.py: ID_PATTERN), 64 characters at most.
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
ID_LENGTH = 64
MAX_LINES = 50
LINE_LENGTH = 2000  # the case format's longest piece of text
OUT_OF_DATE = _("This page is out of date. Go back to the relationship and open the page again.")
TOO_LONG = _("Use %(limit_value)d characters or fewer")  # Django fills in the field's limit


# The vocabulary's words are read when a page is made, not at import, so they come in the
# reader's language (the framework translates them when read: docs/architecture.md).
def setting_words() -> dict[str, str]:
    """Where a relationship happens, in words."""
    return dict(VOCABULARY["setting"].labels())


def consent_words() -> dict[str, str]:
    """A person's own answer, in their words; "not asked yet" is no answer they can give."""
    return {code: term.mine for code, term in VOCABULARY["consent"].items() if code != "not_sought"}


def affected_consent_words() -> dict[str, str]:
    """Whether someone else the relationship affects agrees to it, in words."""
    return dict(VOCABULARY["affected_consent"].labels())


def suggested_id(text: str) -> str:
    """A participant id made from a username: allowed characters only, at most 64."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-_")[:ID_LENGTH]
    return cleaned if _ID.fullmatch(cleaned) else ""


def _id_field(
    label: StrOrPromise, help_text: StrOrPromise, required: StrOrPromise
) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=ID_LENGTH,
        error_messages={"required": required, "max_length": TOO_LONG},
        widget=forms.TextInput(
            attrs={
                "class": "nhsuk-input--width-20",
                "spellcheck": "false",
                "autocapitalize": "none",
                "autocomplete": "off",
            }
        ),
    )


def _check_id(value: str) -> str:
    if not _ID.fullmatch(value):
        raise ValidationError(
            gettext(
                "Use only letters, numbers, hyphens (-) and underscores (_), starting with a "
                "letter or number, with no spaces"
            )
        )
    return value


class RevisionMixin(forms.Form):
    """The hidden revision of the relationship the page was made from."""

    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            "required": OUT_OF_DATE,
            "invalid": OUT_OF_DATE,
            "min_value": OUT_OF_DATE,
            "max_value": OUT_OF_DATE,
        },
    )


class ProposeForm(NhsFormMixin, forms.Form):
    """A professional proposes a relationship in their organisation."""

    title = forms.CharField(
        label=_("What will you call this relationship?"),
        help_text=_(
            "A short name you will both recognise, for example "
            "“Planning the hearing voices group together”."
        ),
        max_length=300,
        error_messages={"required": _("Enter a name for the relationship"), "max_length": TOO_LONG},
    )
    setting = forms.ChoiceField(
        label=_("Where will you work together?"),
        choices=lambda: list(setting_words().items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose where you will work together"),
            "invalid_choice": _("Choose one of the options listed"),
        },
    )
    co_produced = forms.CharField(
        label=_("What will you decide or make together?"),
        help_text=_(
            "Write one thing on each line, for example “session plans”. "
            "You can leave this empty and add it later."
        ),
        required=False,
        max_length=MAX_LINES * (LINE_LENGTH + 2),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("This is too long. Write at most 50 short lines")},
    )
    my_id = _id_field(
        _("Your name in this relationship"),
        _(
            "How you appear in its records and reports. Letters, numbers, hyphens (-) and "
            "underscores (_) only, with no spaces."
        ),
        _("Enter your name in this relationship"),
    )
    their_id = _id_field(
        _("A name for the person you will work with"),
        _(
            "For example their first name, such as “sam”. Use the same kind of characters "
            "as above. You will invite them on the next page."
        ),
        _("Enter a name for the person you will work with"),
    )
    supervisor = forms.ModelChoiceField(
        label=_("Who supervises this work?"),
        help_text=_(
            "The person outside the relationship you account to. "
            "They will be able to see this relationship."
        ),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody yet"),
        error_messages={"invalid_choice": _("Choose a supervisor from the list")},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("my_id", suggested_id(user.username))
        super().__init__(*args, **kwargs)
        field: Any = self.fields["supervisor"]
        field.queryset = (
            get_user_model()
            .objects.filter(
                organisation_id=user.organisation_id, role=Role.SUPERVISOR, is_active=True
            )
            .order_by("display_name", "username")
        )
        field.label_from_instance = lambda supervisor: supervisor.shown_name

    def clean_co_produced(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["co_produced"].splitlines()]
        lines = [line for line in lines if line]
        if len(lines) > MAX_LINES:
            raise ValidationError(gettext("Write at most %(count)d lines") % {"count": MAX_LINES})
        if any(len(line) > LINE_LENGTH for line in lines):
            raise ValidationError(
                gettext("Keep each line to %(count)d characters or fewer") % {"count": LINE_LENGTH}
            )
        return lines

    def clean_my_id(self) -> str:
        return _check_id(self.cleaned_data["my_id"])

    def clean_their_id(self) -> str:
        return _check_id(self.cleaned_data["their_id"])

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data is None:  # a clean() may return None to keep cleaned_data (Form's returns it)
            data = self.cleaned_data
        if data.get("my_id") and data.get("their_id") and data["my_id"] == data["their_id"]:
            self.add_error("their_id", gettext("Choose a different name from your own"))
        return data


class InviteForm(NhsFormMixin, RevisionMixin):
    """The professional names the co-producer they are inviting."""

    participant = _id_field(
        _("Their name in this relationship"),
        _(
            "How they appear in its records, for example “sam”. Letters, numbers, hyphens (-) "
            "and underscores (_) only. Use a name already in the relationship to invite that "
            "person, or a new one to add someone."
        ),
        _("Enter their name in this relationship"),
    )
    display_name = forms.CharField(
        label=_("Their full name"),
        help_text=_(
            "How Mutuality will greet them. They can change it when they set their password."
        ),
        max_length=200,
        error_messages={"required": _("Enter their full name"), "max_length": TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("Their email address"),
        help_text=_(
            "If you give it, Mutuality also emails them the link. You will see the link "
            "to copy either way."
        ),
        required=False,
        max_length=254,
        error_messages={
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
            "max_length": TOO_LONG,
        },
        widget=forms.EmailInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )

    field_order = ("participant", "display_name", "email", "revision")

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        self.relationship = relationship
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        # Addresses are kept in lower case, as logins' are (accounts/models.py).
        return str(self.cleaned_data["email"]).lower()

    def clean_participant(self) -> str:
        slug = _check_id(self.cleaned_data["participant"])
        found = self.relationship.participants.filter(slug=slug).first()
        if found is not None and found.role != "recipient":
            raise ValidationError(
                gettext(
                    "“%(name)s” is a professional in this relationship. "
                    "Enter the name of the person you are inviting"
                )
                % {"name": slug}
            )
        if found is not None and found.user_id is not None:
            raise ValidationError(
                gettext(
                    "“%(name)s” already has a login. "
                    "They can sign in with their username and password"
                )
                % {"name": slug}
            )
        return slug


class AcceptInvitationForm(NhsSetPasswordForm):
    """An invited co-producer chooses their username and password (the user is unsaved)."""

    display_name = forms.CharField(
        label=_("Your name"),
        help_text=_("How Mutuality will greet you. Other people in the relationship will see it."),
        max_length=200,
        error_messages={"required": _("Enter your name"), "max_length": TOO_LONG},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    username = forms.CharField(
        label=_("Choose a username"),
        help_text=_(
            "You will type it each time you sign in. Letters, numbers and "
            "@ . + - _ only, with no spaces."
        ),
        max_length=150,
        error_messages={"required": _("Choose a username"), "max_length": TOO_LONG},
        widget=forms.TextInput(
            attrs={
                "class": "nhsuk-input--width-20",
                "autocomplete": "username",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
    )

    field_order = (
        "display_name",
        "username",
        "new_password1",
        "new_password2",
    )

    def clean_display_name(self) -> str:
        name: str = self.cleaned_data["display_name"]
        self.user.display_name = name
        return name

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        try:
            UnicodeUsernameValidator()(username)
        except ValidationError:
            raise ValidationError(
                gettext("Use only letters, numbers and @ . + - _ in your username, with no spaces")
            ) from None
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(
                gettext("Someone already uses this username. Choose a different one")
            )
        # Set before the password is checked, so it is not allowed to look like the username.
        self.user.username = username
        return username


class ConsentForm(NhsFormMixin, RevisionMixin):
    """A participant records their own consent."""

    consent = forms.ChoiceField(
        label=_("Do you agree to working together in this way?"),
        choices=lambda: list(consent_words().items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether you agree"),
            "invalid_choice": _("Choose one of the options listed"),
        },
    )

    field_order = ("consent", "revision")


class AffectedPartyForm(NhsFormMixin, RevisionMixin):
    """Someone else the relationship affects, and whether they agree to it."""

    name = forms.CharField(
        label=_("Who else does this relationship affect?"),
        help_text=_(
            "A person or a group, for example “the other group members” or “Sam's partner”."
        ),
        max_length=300,
        error_messages={"required": _("Enter who is affected"), "max_length": TOO_LONG},
    )
    consent = forms.ChoiceField(
        label=_("Do they agree to it?"),
        choices=lambda: list(affected_consent_words().items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether they agree"),
            "invalid_choice": _("Choose one of the options listed"),
        },
    )
    reason = forms.CharField(
        label=_("Why is their agreement not needed?"),
        help_text=_("Only needed if you chose “Their agreement is not needed”."),
        required=False,
        max_length=LINE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )

    field_order = ("name", "consent", "reason", "revision")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data is None:  # a clean() may return None to keep cleaned_data (Form's returns it)
            data = self.cleaned_data
        if data.get("consent") == "not_needed" and not data.get("reason"):
            self.add_error("reason", gettext("Say why their agreement is not needed"))
        return data


class NobodyAffectedForm(NhsFormMixin, RevisionMixin):
    """Confirms that nobody else is affected by the relationship."""

    def __init__(self, *args: Any, relationship: Relationship, **kwargs: Any) -> None:
        self.relationship = relationship
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data is None:  # a clean() may return None to keep cleaned_data (Form's returns it)
            data = self.cleaned_data
        if self.relationship.affected_parties.exists():
            # On `revision`: this form has no visible field for the error to sit beside.
            self.add_error(
                "revision",
                gettext(
                    "You have already listed people this relationship affects, so you cannot "
                    "say that nobody else is affected"
                ),
            )
        return data
