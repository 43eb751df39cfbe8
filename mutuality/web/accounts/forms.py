"""Sign-in, password and second-factor forms (django-allauth's, in plain English), and the mixin that gives any form the NHS.UK look.

Use `NhsFormMixin` on every form in the web app and render each field with
`{% include "_components/field.html" with field=form.name %}`: the mixin adds the NHS.UK
classes to each widget (and their error variants when the field has an error); Django
itself adds `aria-invalid` and `aria-describedby` pointing at the hint and error message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from allauth.account import forms as allauth_forms
from allauth.core import context as allauth_context
from allauth.mfa import signals as mfa_signals
from allauth.mfa.adapter import get_adapter as mfa_adapter
from allauth.mfa.base import forms as mfa_base_forms
from allauth.mfa.models import Authenticator
from allauth.mfa.totp import forms as mfa_totp_forms
from allauth.mfa.webauthn import forms as mfa_webauthn_forms
from allauth.mfa.webauthn.forms import ReauthenticateWebAuthnForm
from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.validators import MaxLengthValidator
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from fido2.webauthn import RegistrationResponse

from mutuality.web.accounts.addresses import verified_owners
from mutuality.web.accounts.secrets_at_rest import UnreadableSecret

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from mutuality.web.accounts.models import User

    # SetPasswordForm is generic only in the stubs; at run time it cannot be subscripted.
    _SetPasswordForm = SetPasswordForm[User]
else:
    _SetPasswordForm = SetPasswordForm

_T = TypeVar("_T")

# Widget type (BoundField.widget_type) -> the NHS.UK classes for the widget itself.
_WIDGET_CLASSES: dict[str, str] = {
    "textarea": "nhsuk-textarea",
    "select": "nhsuk-select",
    "selectmultiple": "nhsuk-select",
    "radioselect": "nhsuk-radios__input",
    "checkboxselectmultiple": "nhsuk-checkboxes__input",
    "checkbox": "nhsuk-checkboxes__input",
    "clearablefile": "nhsuk-file-upload",
    "file": "nhsuk-file-upload",
    "password": "nhsuk-input nhsuk-password-input__input nhsuk-js-password-input-input",
}
_ERROR_CLASSES: dict[str, str] = {
    "nhsuk-input": "nhsuk-input--error",
    "nhsuk-textarea": "nhsuk-textarea--error",
    "nhsuk-select": "nhsuk-select--error",
}
# Text you type exactly (usernames, passwords) should not be spell-checked or capitalised.
_EXACT_TEXT = {"spellcheck": "false", "autocapitalize": "none"}
EMAIL_FORMAT = _("Enter an email address in the correct format, like name@example.com")


class NhsBoundField(forms.BoundField):
    """A bound field whose widget carries the NHS.UK classes, with error variants."""

    def build_widget_attrs(self, attrs: Any, widget: Any = None) -> Any:
        attrs = super().build_widget_attrs(attrs, widget)
        base = _WIDGET_CLASSES.get(self.widget_type, "nhsuk-input")
        classes = [attrs.get("class", ""), base]
        if self.errors:
            classes += [_ERROR_CLASSES[name] for name in base.split() if name in _ERROR_CLASSES]
        attrs["class"] = " ".join(name for name in classes if name)
        return attrs


def _attributes(attrs: dict[str, Any]) -> SafeString:
    """Attributes as Django's widget templates write them (`django/forms/widgets/attrs.html`):
    in order, True as a bare name, False left out, every other value as text."""
    return format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in attrs.items()
            if value is not False
        ),
    )


class Select(forms.Select):
    """Django's select, written here rather than through its templates, which include one
    template per option and another per option's attributes: the same markup, a fraction of
    the time, for the selects a page shows on every visit (the dashboard's filters).
    Choices in groups still go through the templates. `tests/unit/web/test_select.py` checks
    the markup is Django's."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        if any(group_name for group_name, _, _ in widget["optgroups"]):
            return super().render(name, value, attrs, renderer)
        options = format_html_join(
            "",
            '\n  <option value="{}"{}>{}</option>\n',
            (
                (str(option["value"]), _attributes(option["attrs"]), option["label"])
                for _, group, _ in widget["optgroups"]
                for option in group
            ),
        )
        return format_html(
            '<select name="{}"{}>{}\n</select>',
            widget["name"],
            _attributes(widget["attrs"]),
            options,
        )


class NhsFormMixin:
    """Render this form's fields in the NHS.UK style (see the module docstring)."""

    bound_field_class: type[forms.BoundField] | None = NhsBoundField  # as BaseForm declares it


def _plain(
    field: forms.Field, label: StrOrPromise, required: StrOrPromise, *, exact: bool = False
) -> None:
    """Our label and "required" message on one of allauth's fields, without its placeholder
    or help text (NHS.UK forms put what a field wants in its label)."""
    field.label, field.help_text = label, ""
    field.error_messages["required"] = required
    for name in ("placeholder", "autofocus"):
        field.widget.attrs.pop(name, None)
    if exact:
        field.widget.attrs.update(_EXACT_TEXT)


class SignInForm(NhsFormMixin, allauth_forms.LoginForm):  # type: ignore[misc]  # allauth is untyped
    """A username or an email address, and a password, with plain-English messages.

    allauth calls the first field `login`; here it keeps the name `username`, which the
    sign-in page, password managers and django-axes (AXES_USERNAME_FORM_FIELD) know it by.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (read through vars(): mypy cannot type `self.fields` below an untyped base class)
        fields: dict[str, forms.Field] = vars(self)["fields"]
        login = fields.pop("login")
        login.widget.attrs["autocomplete"] = "username"
        _plain(login, _("Username or email address"), _("Enter your username"), exact=True)
        _plain(fields["password"], _("Password"), _("Enter your password"))
        self.fields = {"username": login, **fields}

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip()

    def user_credentials(self) -> dict[str, Any]:
        self.cleaned_data["login"] = self.cleaned_data["username"]
        return dict(super().user_credentials())


class ResetPasswordForm(NhsFormMixin, allauth_forms.ResetPasswordForm):  # type: ignore[misc]  # allauth is untyped
    """The email address to send a reset link to."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        email = self.fields["email"]
        _plain(email, _("Email address"), _("Enter your email address"), exact=True)
        email.widget.attrs["autocomplete"] = "email"
        email.error_messages["invalid"] = EMAIL_FORMAT

    def clean_email(self) -> str:
        """Only a login that has verified this address gets a link: an unknown address and an
        unverified one are answered alike, with no mail (ADR 0009)."""
        email: str = super().clean_email()
        self.users = verified_owners(email)
        return email


class ChangeEmailForm(NhsFormMixin, forms.Form):
    """The address someone wants Mutuality to write to instead; it takes over when they follow
    the confirmation link sent to it."""

    email = forms.EmailField(
        label=_("New email address"),
        max_length=254,
        error_messages={
            "required": _("Enter your new email address"),
            "invalid": EMAIL_FORMAT,
            "max_length": _("Use 254 characters or fewer"),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", **_EXACT_TEXT}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        # (whether another login has it is not said here: that would tell a signed-in person who
        # has an account; the confirmation page, seen only from that mailbox, says it instead)
        if email == (self.user.email or "").lower():
            raise forms.ValidationError(_("That is already your email address"))
        return email


class ResetPasswordKeyForm(NhsFormMixin, allauth_forms.ResetPasswordKeyForm):  # type: ignore[misc]  # allauth is untyped
    """A new password, from the link in a reset email."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain(self.fields["password1"], _("Choose a new password"), _("Choose a new password"))
        _plain(
            self.fields["password2"],
            _("Type the new password again"),
            _("Type the new password again"),
        )


class SetNewPasswordForm(NhsFormMixin, allauth_forms.SetPasswordForm):  # type: ignore[misc]  # allauth is untyped
    """A password for a signed-in account that has none (allauth sends them here from the
    change page)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain(self.fields["password1"], _("Choose a password"), _("Choose a password"))
        _plain(self.fields["password2"], _("Type the password again"), _("Type the password again"))


class ChangePasswordForm(NhsFormMixin, allauth_forms.ChangePasswordForm):  # type: ignore[misc]  # allauth is untyped
    """The current password, then the new one twice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain(self.fields["oldpassword"], _("Current password"), _("Enter your current password"))
        _plain(self.fields["password1"], _("Choose a new password"), _("Choose a new password"))
        _plain(
            self.fields["password2"],
            _("Type the new password again"),
            _("Type the new password again"),
        )


class NhsSetPasswordForm(NhsFormMixin, _SetPasswordForm):
    """Choose a password (for an invited co-producer, or after a reset), in plain English."""

    error_messages: dict[str, StrOrPromise] = {  # noqa: RUF012 (Django reads it from the class; the stubs type it per instance)
        "password_mismatch": _(
            "The two passwords are different. Type the same password in both boxes."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label, second.label = _("Choose a password"), _("Type the password again")
        second.help_text = ""
        first.widget.attrs.pop("autofocus", None)
        first.error_messages["required"] = _("Choose a password")
        second.error_messages["required"] = _("Type the password again")

    def validate_password_for_user(self, user: Any, password_field_name: str = "") -> None:
        """What the password rules say about the chosen password goes on the box it was
        chosen in, "Choose a password", not on the box that repeats it, which Django names."""
        chosen = "new_password1"
        super().validate_password_for_user(user, password_field_name=chosen)


# --- Second factors (allauth.mfa; ADR 0010) ----------------------------------------------------

_CODE_REQUIRED = _("Enter the code from your authenticator app, or a recovery code")


def _code_field(
    field: forms.Field, label: StrOrPromise, required: StrOrPromise, hint: StrOrPromise
) -> None:
    """allauth's code box as an NHS.UK one: our words, numbers only on a phone's keyboard,
    and no placeholder (the label says what goes in)."""
    _plain(field, label, required, exact=True)
    field.help_text = hint
    field.widget.attrs.update(
        {"inputmode": "numeric", "autocomplete": "one-time-code", "class": "nhsuk-input--width-10"}
    )


class _UnreadableSecretTakesNoCode:
    """A second factor whose stored secret no key opens (changed in the database, or sealed
    under a key since dropped: secrets_at_rest.py) takes no code. The person is told the code
    is not right, the try counts in the lockout like any wrong code, and the adapter has
    logged why for whoever runs the service: never a 500, and never a way in."""

    def clean_code(self) -> str:
        try:
            code: str = super().clean_code()  # type: ignore[misc]  # the form class this is mixed into
        except UnreadableSecret:
            self._emit_authentication_failed(None)  # type: ignore[attr-defined]
            raise mfa_adapter().validation_error("incorrect_code") from None
        return code


class SecondFactorCodeForm(
    NhsFormMixin,
    _UnreadableSecretTakesNoCode,
    mfa_base_forms.AuthenticateForm,  # type: ignore[misc]  # allauth is untyped
):
    """The code that signs a person in after their password: from their authenticator app, or
    one of their recovery codes. A wrong one counts towards the sign-in lockout
    (second_factors.py)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _code_field(
            self.fields["code"],
            _("Code"),
            _CODE_REQUIRED,
            _(
                "The 6-digit code your authenticator app shows for Mutuality now, "
                "or one of your 8-digit recovery codes."
            ),
        )


class SecondFactorReauthenticateForm(
    NhsFormMixin,
    _UnreadableSecretTakesNoCode,
    mfa_base_forms.ReauthenticateForm,  # type: ignore[misc]  # allauth is untyped
):
    """The same code, asked again before a change to how someone signs in."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _code_field(
            self.fields["code"],
            _("Code"),
            _CODE_REQUIRED,
            _("The 6-digit code your authenticator app shows for Mutuality now."),
        )


class ActivateTOTPForm(NhsFormMixin, mfa_totp_forms.ActivateTOTPForm):  # type: ignore[misc]  # allauth is untyped
    """The first code from a newly added authenticator app, which shows it was set up right."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _code_field(
            self.fields["code"],
            _("Code from your authenticator app"),
            _("Enter the 6-digit code your authenticator app shows for Mutuality"),
            _(
                "After you add Mutuality to the app, it shows a 6-digit code that changes "
                "every 30 seconds."
            ),
        )


class ReauthenticatePasswordForm(NhsFormMixin, allauth_forms.ReauthenticateForm):  # type: ignore[misc]  # allauth is untyped
    """The password again, before a change to how someone signs in."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _plain(self.fields["password"], _("Password"), _("Enter your password"))


# --- Passkeys (WebAuthn; ADR 0010) -------------------------------------------------------------

PASSKEY_NOT_ACCEPTED = _(
    "Your passkey was not accepted. Try again, or use another way to confirm it is you."
)
NOT_ADDED = _(
    "The passkey was not added. Select Add a passkey again and follow your device's steps."
)
KIND_NOT_ACCEPTED = _(
    "Your device made a kind of passkey that Mutuality does not accept. Try another device, "
    "or use an authenticator app instead."
)
# The signature algorithms (COSE numbers) a new passkey may use: ECDSA on P-256, P-384 or P-521
# and EdDSA, each approved and at least 128 bits strong (ASVS v5 11.2.3, 11.6.1). fido2 offers
# browsers RSA too (RS256's PKCS#1 v1.5 signatures are not approved; PS256's usual 2048-bit keys
# give 112 bits) and secp256k1, but ES256 comes first, so a device that can make one does.
PASSKEY_ALGORITHMS = frozenset(
    {
        -7,  # ES256: ECDSA, P-256, SHA-256
        -9,  # ESP256: the same, named in full
        -35,  # ES384: ECDSA, P-384, SHA-384
        -51,  # ESP384
        -36,  # ES512: ECDSA, P-521, SHA-512
        -52,  # ESP512
        -8,  # EdDSA
        -19,  # Ed25519
        -53,  # Ed448
    }
)
NAME_LENGTH = 60
NAME_TOO_LONG = format_lazy(_("The name must be {count} characters or fewer"), count=NAME_LENGTH)
# What may come out of reading a posted credential that is not what a browser sends: allauth
# catches some of these, and fido2 raises the others on malformed parts.
_MALFORMED = (TypeError, ValueError, KeyError, AttributeError, IndexError, LookupError)


def _checked(check: Callable[[], _T], message: StrOrPromise) -> _T:
    """Run allauth's check of a posted credential; whatever it finds wrong, forged or
    malformed, comes back as one plain error on the form, never a 500."""
    try:
        return check()
    except forms.ValidationError:
        raise forms.ValidationError(message) from None
    except _MALFORMED:
        raise forms.ValidationError(message) from None


def _credential_field(field: forms.Field, message: StrOrPromise) -> None:
    field.error_messages.update(required=message, invalid=message)


class _CountedPasskeyForm:
    """A passkey that fails to confirm who someone is counts as a wrong code: it is told to
    allauth's `authentication_failed` signal, which second_factors.py passes to django-axes."""

    reauthenticated: bool
    user: Any
    data: Any

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]  # the form class this is mixed into
        if "credential" in self.errors and self.data.get("credential") is not None:  # type: ignore[attr-defined]
            mfa_signals.authentication_failed.send(
                sender=Authenticator,
                request=allauth_context.request,
                user=self.user,
                authenticator=None,
                reauthentication=self.reauthenticated,
            )


class PasskeySignInForm(_CountedPasskeyForm, mfa_webauthn_forms.AuthenticateWebAuthnForm):  # type: ignore[misc]  # allauth is untyped
    """The passkey's answer after the password, as the browser posts it (a hidden field)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _credential_field(vars(self)["fields"]["credential"], PASSKEY_NOT_ACCEPTED)

    def clean_credential(self) -> Any:
        return _checked(super().clean_credential, PASSKEY_NOT_ACCEPTED)


class PasskeyReauthenticateForm(_CountedPasskeyForm, ReauthenticateWebAuthnForm):  # type: ignore[misc]  # allauth is untyped
    """The passkey again, before a change to how someone signs in."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _credential_field(vars(self)["fields"]["credential"], PASSKEY_NOT_ACCEPTED)

    def clean_credential(self) -> Any:
        return _checked(super().clean_credential, PASSKEY_NOT_ACCEPTED)


class AddPasskeyForm(NhsFormMixin, mfa_webauthn_forms.AddWebAuthnForm):  # type: ignore[misc]  # allauth is untyped
    """A name for a new passkey; the browser fills in the hidden credential when the person's
    device has made it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = vars(self)["fields"]
        _plain(fields["name"], _("Name for this passkey"), _("Enter a name for this passkey"))
        fields["name"].help_text = _(
            "So that you can tell your passkeys apart, for example 'Work laptop' or 'My phone'."
        )
        fields["name"].validators.append(MaxLengthValidator(NAME_LENGTH))
        fields["name"].error_messages["max_length"] = NAME_TOO_LONG
        fields["name"].widget.attrs.update(maxlength=str(NAME_LENGTH), autocomplete="off")
        _credential_field(fields["credential"], NOT_ADDED)

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = _checked(super().clean, NOT_ADDED)
        credential = cleaned.get("credential")
        if credential:
            algorithm = _checked(lambda: _algorithm(credential), NOT_ADDED)
            if algorithm not in PASSKEY_ALGORITHMS:
                raise forms.ValidationError(KIND_NOT_ACCEPTED)
        return cleaned


def _algorithm(credential: Any) -> int | None:
    """The signature algorithm of the key a new passkey holds (allauth has checked the
    credential already: this only reads it)."""
    made = RegistrationResponse.from_dict(credential).response.attestation_object
    data = made.auth_data.credential_data
    return None if data is None else data.public_key.get(3)


class RenamePasskeyForm(NhsFormMixin, mfa_webauthn_forms.EditWebAuthnForm):  # type: ignore[misc]  # allauth is untyped
    """A passkey's new name."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name: forms.Field = vars(self)["fields"]["name"]
        _plain(name, _("Name for this passkey"), _("Enter a name for this passkey"))
        name.validators.append(MaxLengthValidator(NAME_LENGTH))
        name.error_messages["max_length"] = NAME_TOO_LONG
        name.widget.attrs.update(maxlength=str(NAME_LENGTH), autocomplete="off")
