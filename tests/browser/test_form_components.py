"""The shared form components, every kind of field in error at once, pass axe in Chromium."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django import forms
from django.template import engines
from django.test import RequestFactory
from playwright.sync_api import Page, expect

from mutuality.web.accounts.forms import NhsFormMixin

pytestmark = pytest.mark.browser

PAGE = """{% extends "base.html" %}
{% block title %}Every kind of field{% endblock %}
{% block content %}
{% include "_components/error_summary.html" %}
<h1>Every kind of field</h1>
<form method="post" novalidate>
  {% csrf_token %}
  {% for field in form %}{% include "_components/field.html" %}{% endfor %}
  {% include "_components/button.html" with text="Continue" %}
</form>
{% endblock %}"""


class EveryKindOfField(NhsFormMixin, forms.Form):
    name = forms.CharField(label="Your name", help_text="The name you like to be called")
    about = forms.CharField(label="Anything else", widget=forms.Textarea, required=False)
    setting = forms.ChoiceField(
        label="Where you meet",
        choices=[("group", "In a group"), ("one", "One to one")],
        widget=forms.RadioSelect,
        help_text="Choose one",
    )
    needs = forms.MultipleChoiceField(
        label="Access needs",
        choices=[("print", "Large print"), ("bsl", "British Sign Language")],
        widget=forms.CheckboxSelectMultiple,
    )
    role = forms.ChoiceField(label="Your role", choices=[("", "Choose"), ("pro", "Professional")])
    agree = forms.BooleanField(label="I have read the agreement")
    secret = forms.CharField(label="Password", widget=forms.PasswordInput)


def test_every_field_kind_in_error_passes_axe(
    page: Page, live_server: Any, axe: Callable[[Page], None]
) -> None:
    """Text, textarea, radios, checkboxes, select, one checkbox and password, all in error."""
    form = EveryKindOfField(data={})
    assert not form.is_valid()
    html = engines["django"].from_string(PAGE).render({"form": form}, RequestFactory().get("/"))
    # Served at a made-up address on the live server, so its static files load as usual.
    page.route(
        "**/every-kind-of-field/", lambda route: route.fulfill(body=html, content_type="text/html")
    )

    page.goto("/every-kind-of-field/")

    expect(page.locator(".nhsuk-error-summary__list li")).to_have_count(6)
    expect(page.locator(".nhsuk-form-group--error")).to_have_count(6)
    expect(
        page.locator("fieldset[aria-describedby='id_setting_helptext id_setting_error']")
    ).to_have_count(1)
    expect(page.get_by_role("button", name="Show password")).to_be_visible()  # NHS.UK JS ran
    axe(page)
    page.get_by_role("link", name="This field is required.").nth(1).click()
    expect(page.locator("#id_setting_0")).to_be_focused()
