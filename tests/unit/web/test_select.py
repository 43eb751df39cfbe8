"""The select written in Python gives exactly the markup of Django's own, through its templates."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms

from mutuality.web.accounts.forms import NhsFormMixin, Select

CHOICES: list[tuple[Any, str]] = [
    ("", "Any"),
    ("a&b", 'Tom & "Jerry" <b>'),
    (3, "Three"),
    ("x'y", "It's"),
]


def _form(widget: type[forms.Select], data: dict[str, str] | None, **attrs: Any) -> forms.Form:
    class Form(NhsFormMixin, forms.Form):
        pick = forms.ChoiceField(
            label="Pick",
            choices=CHOICES,
            required=attrs.pop("required", False),
            help_text="One of them",
            widget=widget(attrs=attrs),
        )

    return Form(data)


@pytest.mark.parametrize(
    ("data", "attrs"),
    [
        (None, {}),
        ({"pick": "a&b"}, {}),
        ({"pick": "3"}, {"disabled": True, "data-x": "1 < 2"}),
        ({"pick": "nonsense"}, {"required": True}),  # an error: aria-invalid, error classes
        ({}, {"required": True, "hidden": False}),
    ],
)
def test_the_select_is_djangos_markup(data: dict[str, str] | None, attrs: dict[str, Any]) -> None:
    """Every option, selection, attribute, error state and escape is as Django writes them."""
    ours = _form(Select, data, **dict(attrs))["pick"]
    djangos = _form(forms.Select, data, **dict(attrs))["pick"]

    rendered = str(ours)

    assert rendered == str(djangos)
    assert rendered.count("<option") == len(CHOICES)


def test_grouped_choices_go_through_djangos_templates() -> None:
    """A select with groups of choices is rendered by Django itself, groups and all."""
    grouped = [("Fruit", [("apple", "Apple"), ("pear", "Pear")]), ("none", "None")]

    rendered = Select(choices=grouped).render("pick", "pear")

    assert rendered == forms.Select(choices=grouped).render("pick", "pear")
    assert '<optgroup label="Fruit">' in rendered
