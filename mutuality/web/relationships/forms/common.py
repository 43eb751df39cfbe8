"""Wording and fields every relationship form shares."""

from __future__ import annotations

from typing import TypeVar

from django import forms
from django.utils.translation import gettext_lazy as _

STALE = _(
    "Someone else changed this relationship after you opened this page. "
    "Check the latest details below and try again."
)
"""Shown when a form was loaded from an older revision of the relationship (nothing is saved)."""

_FieldT = TypeVar("_FieldT", bound=forms.Field)


def field_of(form: forms.BaseForm, name: str, kind: type[_FieldT]) -> _FieldT:
    """`form.fields[name]`, as the kind of field the form declares (`fields` only says Field)."""
    field = form.fields[name]
    if not isinstance(field, kind):
        raise TypeError(f"{name} is a {type(field).__name__}, not a {kind.__name__}")
    return field
