"""The form for recording what was done about a safety flag."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mutuality.web.accounts.forms import NhsFormMixin
from mutuality.web.relationships.forms.records import NOTE_TEXT


class SafetyActionForm(NhsFormMixin, forms.Form):
    action_taken = forms.CharField(
        label=_("What was done"),
        help_text=_(
            "For example: I phoned Tomasz the same day; he is safe and has the crisis "
            "line number; we agreed a safety plan and will talk again on Friday."
        ),
        max_length=NOTE_TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": _("Say what was done about this"),
            "max_length": format_lazy(
                _("What was done must be {limit} characters or fewer"), limit=f"{NOTE_TEXT:,}"
            ),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A maxlength attribute would cut pasted text short without saying so; the server says.
        self.fields["action_taken"].widget.attrs.pop("maxlength", None)
