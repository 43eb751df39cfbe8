"""Sign-in and password forms, and the mixin that gives any form the NHS.UK look.

Use `NhsFormMixin` on every form in the web app and render each field with
`{% include "_components/field.html" with field=form.name %}`: the mixin adds the NHS.UK
classes to each widget (and their error variants when the field has an error); Django
itself adds `aria-invalid` and `aria-describedby` pointing at the hint and error message.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from mutuality.web.accounts.models import User

    # SetPasswordForm is generic only in the stubs; at run time it cannot be subscripted.
    _SetPasswordForm = SetPasswordForm[User]
else:
    _SetPasswordForm = SetPasswordForm

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


class SignInForm(NhsFormMixin, AuthenticationForm):
    """Username and password, with plain-English messages."""

    error_messages: dict[str, StrOrPromise] = {  # noqa: RUF012 (Django reads it from the class; the stubs type it per instance)
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been turned off. Ask your organisation's admin about it.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        username, password = self.fields["username"], self.fields["password"]
        username.widget.attrs.pop("autofocus", None)  # focus starts at the top of the page
        username.widget.attrs.update(_EXACT_TEXT)
        username.error_messages["required"] = "Enter your username"
        password.error_messages["required"] = "Enter your password"


class NhsSetPasswordForm(NhsFormMixin, _SetPasswordForm):
    """Choose a password (for an invited co-producer, or after a reset), in plain English."""

    error_messages: dict[str, StrOrPromise] = {  # noqa: RUF012 (Django reads it from the class; the stubs type it per instance)
        "password_mismatch": "The two passwords are different. Type the same password in both boxes.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first, second = self.fields["new_password1"], self.fields["new_password2"]
        first.label, second.label = "Choose a password", "Type the password again"
        second.help_text = ""
        first.widget.attrs.pop("autofocus", None)
        first.error_messages["required"] = "Choose a password"
        second.error_messages["required"] = "Type the password again"
