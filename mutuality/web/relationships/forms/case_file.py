"""The form for uploading a case file to a relationship: the file is read and checked by the
framework, exactly as `mutuality assess` reads one, and its problems are shown by field."""

from __future__ import annotations

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mutuality.framework import MAX_FILE_BYTES, Case, CaseError, parse_case
from mutuality.web.relationships.forms.records import RecordForm

PROBLEMS_SHOWN = 5


class CaseFileForm(RecordForm):
    case_file = forms.FileField(
        label=_("Case file"),
        help_text=format_lazy(
            _(
                "A YAML or JSON case file, for example one downloaded from this page and "
                "changed. It can be up to {size} KB."
            ),
            size=f"{MAX_FILE_BYTES // 1024:,}",
        ),
        error_messages={
            "required": _("Choose a case file to upload"),
            "empty": _("The case file is empty: choose another file"),
            "invalid": _("Choose a case file to upload"),
        },
    )

    def clean_case_file(self) -> Case:
        upload = self.cleaned_data["case_file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                gettext("The case file must be %(size)s KB or smaller")
                % {"size": f"{MAX_FILE_BYTES // 1024:,}"}
            )
        name = str(upload.name or "case file")  # the framework's name for it in its problems
        upload.seek(0)  # a form shown again after a refusal reads the same upload again
        try:
            return parse_case(upload.read(), name, as_json=name.lower().endswith(".json"))
        except CaseError as error:
            raise forms.ValidationError(_problems(error)) from None

    @property
    def case(self) -> Case:
        case: Case = self.cleaned_data["case_file"]  # clean_case_file made it a Case
        return case


def _problems(error: CaseError) -> list[str]:
    shown = [
        gettext("In the case file, %(path)s: %(problem)s") % {"path": p.path, "problem": p.message}
        if p.path
        else gettext("The case file: %(problem)s") % {"problem": p.message}
        for p in error.problems[:PROBLEMS_SHOWN]
    ]
    more = len(error.problems) - len(shown)
    if more:
        shown.append(
            ngettext(
                "… and %(count)d more problem in the case file",
                "… and %(count)d more problems in the case file",
                more,
            )
            % {"count": more}
        )
    return shown
