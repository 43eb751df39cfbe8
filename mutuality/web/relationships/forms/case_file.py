"""The form for uploading a case file to a relationship: the file is read and checked by the
framework, exactly as `mutuality assess` reads one, and its problems are shown by field."""

from __future__ import annotations

from django import forms

from mutuality.framework import MAX_FILE_BYTES, Case, CaseError, parse_case
from mutuality.web.relationships.forms.records import RecordForm

PROBLEMS_SHOWN = 5


class CaseFileForm(RecordForm):
    case_file = forms.FileField(
        label="Case file",
        help_text="A YAML or JSON case file, for example one downloaded from this page and "
        f"changed. It can be up to {MAX_FILE_BYTES // 1024:,} KB.",
        error_messages={
            "required": "Choose a case file to upload",
            "empty": "The case file is empty: choose another file",
            "invalid": "Choose a case file to upload",
        },
    )

    def clean_case_file(self) -> Case:
        upload = self.cleaned_data["case_file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The case file must be {MAX_FILE_BYTES // 1024:,} KB or smaller"
            )
        name = str(upload.name or "case file")
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
        f"In the case file, {p.path}: {p.message}" if p.path else f"The case file: {p.message}"
        for p in error.problems[:PROBLEMS_SHOWN]
    ]
    more = len(error.problems) - len(shown)
    if more:
        shown.append(f"… and {more} more problems in the case file")
    return shown
