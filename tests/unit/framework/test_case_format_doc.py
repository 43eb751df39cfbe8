"""docs/case-format.md's examples are cases Mutuality accepts, so the reference stays true."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from mutuality._safe_yaml import load_yaml
from mutuality.framework import FORMAT, assess, case_schema, validate_case

DOC = Path(__file__).resolve().parents[3] / "docs" / "case-format.md"
_BLOCK = re.compile(r"```(yaml|json)\n(.*?)```", re.S)


def _blocks(kind: str) -> list[Any]:
    text = DOC.read_text(encoding="utf-8")
    loads = load_yaml if kind == "yaml" else json.loads
    return [loads(body) for found, body in _BLOCK.findall(text) if found == kind]


def test_the_full_example_is_valid_for_validation_and_the_schema() -> None:
    """The annotated case under "Every field" passes validation and the JSON Schema."""
    # Arrange
    case = next(block for block in _blocks("yaml") if "mutuality" in block)

    # Act
    validated = validate_case(case, "docs/case-format.md")
    problems = list(Draft202012Validator(case_schema()).iter_errors(case))

    # Assert
    assert validated.title and problems == []


def test_the_instrument_definition_example_is_valid() -> None:
    """The custom instrument under "Instrument definitions" works in a case with its scores."""
    # Arrange
    case = next(block for block in _blocks("yaml") if "mutuality" in block)
    definitions = next(block for block in _blocks("yaml") if "mutuality" not in block)
    case["instruments"] = definitions["instruments"]
    case["outcomes"].append(
        {
            "instrument": definitions["instruments"][0]["id"],
            "of": "tomasz",
            "scores": [{"date": "2026-03-02", "value": 12}, {"date": "2026-06-01", "value": 31}],
        }
    )

    # Act
    assessment = assess(validate_case(case, "docs/case-format.md"))

    # Assert
    assert [o.name for o in assessment.outcomes][-1] == "recovery_confidence"


def test_the_assessment_json_example_has_the_keys_mutuality_writes() -> None:
    """The JSON under "The assessment as JSON" has exactly the top-level keys of a real one."""
    # Arrange
    case = next(block for block in _blocks("yaml") if "mutuality" in block)
    written = assess(validate_case(case, "docs/case-format.md")).to_dict()

    # Act
    documented = _blocks("json")[0]

    # Assert
    assert documented["format"] == FORMAT
    assert set(documented) == set(written)
    assert set(documented["scrutiny"]) == set(written["scrutiny"])
    assert set(documented["outcomes"][0]) == set(written["outcomes"][0])
