"""A participant's optional display name (case format section 3, `participants[].name`)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mutuality.framework import (
    CaseError,
    assess,
    case_schema,
    render_json,
    render_markdown,
    render_text,
    validate_case,
)


def _case(**alex: Any) -> dict[str, Any]:
    return {
        "mutuality": 1,
        "title": "Names in any script",
        "contrast": [],
        "participants": [
            {"id": "alex", "role": "professional", **alex},
            {"id": "an", "role": "recipient", "name": "Nguyễn Văn An"},
        ],
    }


@pytest.mark.parametrize("name", ["Siân Evans", "Nguyễn Văn An", "محمد", "李小龙"])
def test_a_name_in_any_script_is_kept_beside_the_id(name: str) -> None:
    case = validate_case(_case(name=name), "a file")

    assert [(p.id, p.name) for p in case.participants] == [("alex", name), ("an", "Nguyễn Văn An")]
    assert assess(case).recommendation  # assesses as any case does


def test_a_name_is_optional() -> None:
    assert validate_case(_case(), "a file").participants[0].name is None


@pytest.mark.parametrize(("name", "expected"), [("", "participants[0].name"), ("a\\x00b", "name")])
def test_an_empty_or_controlling_name_is_an_error_naming_the_field(
    name: str, expected: str
) -> None:
    with pytest.raises(CaseError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        validate_case(_case(name=name.replace("\\x00", "\x00")), "a file")


def test_the_schema_describes_the_name() -> None:
    participant = case_schema()["$defs"]["Participant"]["properties"]

    assert "name" in participant


def test_the_reports_name_people_while_the_json_keeps_their_ids() -> None:
    """Text and Markdown reports say whom a finding is about by name; the JSON keeps ids."""
    case = validate_case(_case(name="Siân Evans"), "a file")

    assessment = assess(case)
    text, markdown = render_text(assessment), render_markdown(assessment)

    assert "about Siân Evans, Nguyễn Văn An]" in text
    assert "about Siân Evans, Nguyễn Văn An" in markdown
    assert "Siân Evans has not yet been asked to consent" in text
    assert ["alex", "an"] in [
        f["concerns"] for f in json.loads(render_json(assessment))["findings"]
    ]
