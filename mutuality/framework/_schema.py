"""The case format as JSON Schema, generated from the case model itself."""

from __future__ import annotations

from typing import Any

from ._model import Case

SCHEMA_ID = "https://mutuality.invalid/schema/case-1.json"


def case_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of a case file, format version 1."""
    schema = Case.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "Mutuality case file (format 1)",
    }
