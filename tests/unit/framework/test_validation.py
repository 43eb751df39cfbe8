"""Every validation problem names the file, the field path, the value given and what was expected."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from mutuality.framework import Case, CaseError, parse_case, validate_case

SOURCE = "cases/example.yaml"
CaseFactory = Callable[[], dict[str, Any]]
_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _steps(path: str) -> list[str | int]:
    return [name if name else int(index) for name, index in _STEP.findall(path)]


def _parent(case: dict[str, Any], path: str) -> tuple[Any, str | int]:
    *head, last = _steps(path)
    node: Any = case
    for step in head:
        node = node[step]
    return node, last


def _set(case: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    node, last = _parent(case, path)
    node[last] = value
    return case


def _delete(case: dict[str, Any], path: str) -> dict[str, Any]:
    node, last = _parent(case, path)
    del node[last]
    return case


def _problems(case: Any) -> list[str]:
    with pytest.raises(CaseError) as caught:
        validate_case(case, SOURCE)
    lines = str(caught.value).splitlines()
    assert lines, "a CaseError must say what is wrong"
    assert all(line.startswith(f"{SOURCE}: ") for line in lines), lines
    return lines


def _problem_at(case: Any, path: str) -> str:
    lines = _problems(case)
    matching = [line for line in lines if line.startswith(f"{SOURCE}: {path}: ")]
    assert matching, f"no problem at {path!r} among {lines}"
    return matching[0]


def test_clean_case_is_valid(clean_case: CaseFactory) -> None:
    """The clean case used throughout these tests validates without problems."""
    # Arrange
    data = clean_case()

    # Act
    case = validate_case(data, SOURCE)

    # Assert
    assert isinstance(case, Case)
    assert [p.id for p in case.participants] == ["alex", "sam"]


@pytest.mark.asvs("2.2.1")
@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("participants[1].consent", "maybe", ["got 'maybe'", "informed", "withdrawn"]),
        ("participants[0].capacity", "full", ["got 'full'", "presumed", "fluctuating"]),
        ("participants[0].role", "client", ["got 'client'", "professional", "recipient"]),
        ("participants[1].vulnerability", "extreme", ["got 'extreme'", "not_assessed"]),
        ("stage", "paused", ["got 'paused'", "proposed", "active", "ending"]),
        ("setting", "ward", ["got 'ward'", "group_work", "service_design"]),
        ("approach.resource_review", "cheap", ["got 'cheap'", "costlier_unjustified"]),
        ("contract.payments[0].kind", "tips", ["got 'tips'", "salary", "expenses"]),
        ("contrast[0]", "friendship", ["got 'friendship'", "social_relationship"]),
        ("observations[0].kind", "drift", ["got 'drift'", "boundary_drift", "collusion"]),
        ("observations[0].status", "closed", ["got 'closed'", "open", "resolved"]),
        ("consultations[0].outcome", "stop", ["got 'stop'", "switch_model"]),
        ("affected_parties[0].consent", "withdrawn", ["got 'withdrawn'", "not_needed"]),
        ("participants[0].answers.can_decline", "perhaps", ["got 'perhaps'", "unsure"]),
    ],
)
def test_enum_values_are_checked_and_the_options_listed(
    clean_case: CaseFactory, path: str, value: str, expected: list[str]
) -> None:
    """A value outside a field's enumeration is named, with the values allowed."""
    # Arrange
    case = _set(clean_case(), path, value)

    # Act
    problem = _problem_at(case, path)

    # Assert
    for text in expected:
        assert text in problem


@pytest.mark.parametrize(
    ("path", "misspelt", "suggestion"),
    [
        ("", "participant", "participants"),
        ("", "as_off", "as_of"),
        ("participants[1]", "consnet", "consent"),
        ("contract", "agred_by", "agreed_by"),
        ("contract.payments[0]", "kinds", "kind"),
        ("scrutiny", "supervisor_is_particpant", "supervisor_is_participant"),
        ("outcomes[0].scores[0]", "vaule", "value"),
        ("participants[0].answers", "can_declin", "can_decline"),
        ("consultations[0]", "wth", "with"),
    ],
)
def test_unknown_fields_are_rejected_with_a_did_you_mean_hint(
    clean_case: CaseFactory, path: str, misspelt: str, suggestion: str
) -> None:
    """A misspelt field is an error at its path, suggesting the nearest real field."""
    # Arrange
    case = clean_case()
    target = _parent(case, f"{path}.{misspelt}")[0] if path else case
    target[misspelt] = target.get(suggestion, "x")
    full_path = f"{path}.{misspelt}" if path else misspelt

    # Act
    problem = _problem_at(case, full_path)

    # Assert
    assert f"unknown field {misspelt!r}" in problem
    assert f"did you mean {suggestion!r}?" in problem


def test_unknown_field_far_from_any_real_one_has_no_hint(clean_case: CaseFactory) -> None:
    """A field unlike any real one is rejected without a misleading suggestion."""
    # Arrange
    case = _set(clean_case(), "zzzzqqq", 1)

    # Act
    problem = _problem_at(case, "zzzzqqq")

    # Assert
    assert "unknown field 'zzzzqqq'" in problem
    assert "did you mean" not in problem


@pytest.mark.parametrize(
    "path",
    [
        "contract.agreed_by[1]",
        "contract.communicated_to[0]",
        "contract.payments[1].to",
        "contract.costs_and_benefits[0].party",
        "disclosures[0].by",
    ],
)
def test_participant_references_must_resolve(clean_case: CaseFactory, path: str) -> None:
    """A participant id that names nobody is an error at its path, listing the known ids."""
    # Arrange
    case = _set(clean_case(), path, "nobody")

    # Act
    problem = _problem_at(case, path)

    # Assert
    assert "got 'nobody'" in problem
    assert "expected a participant id (alex, sam)" in problem


@pytest.mark.parametrize("of", ["nobody", "alex"], ids=["unknown", "professional"])
def test_outcomes_must_be_of_a_recipient(clean_case: CaseFactory, of: str) -> None:
    """`outcomes.of` must name a recipient: an unknown id or a professional is an error."""
    # Arrange
    case = _set(clean_case(), "outcomes[0].of", of)

    # Act
    problem = _problem_at(case, "outcomes[0].of")

    # Assert
    assert f"got {of!r}" in problem
    assert "expected the id of a recipient (sam)" in problem


def test_observations_by_may_be_free_text(clean_case: CaseFactory) -> None:
    """`observations.by` may name someone who is not a participant, such as a supervisor."""
    # Arrange
    case = _set(clean_case(), "observations[0].by", "the ward manager")

    # Act
    validated = validate_case(case, SOURCE)

    # Assert
    assert validated.observations[0].by == "the ward manager"


@pytest.mark.parametrize(
    ("path", "value"),
    [("outcomes[0].instrument", "phq99"), ("approach.outcome_plan[0]", "becks")],
)
def test_instrument_ids_must_be_known(clean_case: CaseFactory, path: str, value: str) -> None:
    """An instrument id that is neither shipped nor defined in the case is an error."""
    # Arrange
    case = _set(clean_case(), path, value)

    # Act
    problem = _problem_at(case, path)

    # Assert
    assert f"got {value!r}" in problem
    assert "phq9" in problem
    assert "defined under `instruments`" in problem


def test_custom_instrument_defined_in_the_case_may_be_used(clean_case: CaseFactory) -> None:
    """An instrument defined under `instruments` can be planned and scored."""
    # Arrange
    case = clean_case()
    case["instruments"] = [
        {"id": "mood10", "name": "Mood out of ten", "range": [0, 10], "higher_is": "better"}
    ]
    case["approach"]["outcome_plan"] = ["mood10"]
    case["outcomes"] = [
        {"instrument": "mood10", "of": "sam", "scores": [{"date": "2026-04-01", "value": 7}]}
    ]

    # Act
    validated = validate_case(case, SOURCE)

    # Assert
    assert validated.outcomes[0].instrument == "mood10"


@pytest.mark.asvs("2.2.3")
@pytest.mark.parametrize("stage", ["active", "ending"])
def test_started_is_required_once_the_work_is_running(clean_case: CaseFactory, stage: str) -> None:
    """`started` is required when the stage is active or ending."""
    # Arrange
    case = _delete(_set(clean_case(), "stage", stage), "started")

    # Act
    problem = _problem_at(case, "started")

    # Assert
    assert f"required when stage is {stage}" in problem


def test_started_is_optional_for_a_proposal(clean_case: CaseFactory) -> None:
    """A proposed relationship has not started, so `started` may be left out."""
    # Arrange
    case = _delete(_set(clean_case(), "stage", "proposed"), "started")

    # Act
    validated = validate_case(case, SOURCE)

    # Assert
    assert validated.started is None


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        ({"value": 28}, "got 28; expected a score from 0 to 27 on phq9"),
        ({"value": -1}, "got -1; expected a score from 0 to 27 on phq9"),
        ({"value": 27.5}, "got 27.5; expected a score from 0 to 27"),
    ],
)
def test_scores_must_lie_in_the_instruments_range(
    clean_case: CaseFactory, score: dict[str, Any], expected: str
) -> None:
    """A total outside the instrument's range is an error at the score's value."""
    # Arrange
    case = _set(clean_case(), "outcomes[0].scores[1]", {"date": "2026-06-01", **score})

    # Act
    problem = _problem_at(case, "outcomes[0].scores[1].value")

    # Assert
    assert expected in problem


def test_item_responses_must_lie_in_the_item_range(clean_case: CaseFactory) -> None:
    """An item response outside its range is an error naming the item."""
    # Arrange
    items = [0, 1, 2, 3, 4, 0, 0, 0, 0]
    case = _set(clean_case(), "outcomes[0].scores[0]", {"date": "2026-03-02", "items": items})

    # Act
    problem = _problem_at(case, "outcomes[0].scores[0].items[4]")

    # Assert
    assert "got 4" in problem


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True, "16"])
def test_score_values_must_be_finite_numbers(clean_case: CaseFactory, value: Any) -> None:
    """NaN, infinity, booleans and text are not scores."""
    # Arrange
    case = _set(clean_case(), "outcomes[0].scores[0].value", value)

    # Act
    problem = _problem_at(case, "outcomes[0].scores[0].value")

    # Assert
    assert f"got {value!r}" in problem
    assert "number" in problem


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02-30", "real calendar date"),
        ("2025-02-29", "real calendar date"),
        ("2026-13-01", "real calendar date"),
        ("2026-00-10", "real calendar date"),
        ("0000-01-01", "real calendar date"),
        ("25/11/2026", "a date as YYYY-MM-DD"),
        ("2026-1-5", "a date as YYYY-MM-DD"),
        ("2026-11-25T10:00:00", "a date as YYYY-MM-DD"),
        (" 2026-11-25", "a date as YYYY-MM-DD"),
        ("yesterday", "a date as YYYY-MM-DD"),
        (20261125, "a date as YYYY-MM-DD"),
        ("9999-12-31", "a date between"),
        ("1066-10-14", "a date between"),
    ],
)
def test_dates_must_be_real_iso_calendar_dates(
    clean_case: CaseFactory, value: Any, expected: str
) -> None:
    """An impossible or malformed date is an error at its path, never a crash."""
    # Arrange
    case = _set(clean_case(), "contract.last_review", value)

    # Act
    problem = _problem_at(case, "contract.last_review")

    # Assert
    assert f"got {value!r}" in problem
    assert expected in problem


def test_leap_day_in_a_leap_year_is_a_real_date(clean_case: CaseFactory) -> None:
    """29 February is accepted in a leap year."""
    # Arrange
    case = _set(clean_case(), "contract.last_review", "2024-02-29")

    # Act
    validated = validate_case(case, SOURCE)

    # Assert
    assert str(validated.contract.last_review) == "2024-02-29"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("field", "value"), [("vulnerability", "low"), ("can_decline_freely", True)]
)
def test_recipient_only_fields_are_an_error_on_a_professional(
    clean_case: CaseFactory, field: str, value: Any
) -> None:
    """`vulnerability` and `can_decline_freely` apply to recipients only."""
    # Arrange
    case = _set(clean_case(), f"participants[0].{field}", value)

    # Act
    problem = _problem_at(case, f"participants[0].{field}")

    # Assert
    assert "applies to recipients only" in problem


def test_access_needs_and_adjustments_are_allowed_for_a_professional(
    clean_case: CaseFactory,
) -> None:
    """`access_needs` and `adjustments` may be given for anyone."""
    # Arrange
    case = clean_case()
    case["participants"][0].update(access_needs=["captions"], adjustments=["live captions"])

    # Act
    validated = validate_case(case, SOURCE)

    # Assert
    assert validated.participants[0].access_needs == ["captions"]


@pytest.mark.parametrize(
    "path",
    [
        "as_of",
        "setting",
        "affected_parties",
        "context",
        "approach",
        "contract",
        "contrast",
        "scrutiny",
        "disclosures",
        "observations",
        "uncertain",
        "consultations",
        "outcomes",
        "instruments",
        "participants[0].capacity",
        "participants[0].consent",
        "participants[0].other_roles",
        "participants[0].answers",
        "participants[1].vulnerability",
        "participants[1].can_decline_freely",
        "participants[1].access_needs",
        "affected_parties[0].consent",
        "context.compulsory",
        "approach.resource_review",
        "approach.outcome_plan",
        "contract.version",
        "contract.agreed_by",
        "contract.exit_plan",
        "contract.last_review",
        "scrutiny.supervisor",
        "scrutiny.team_informed",
        "scrutiny.supervisor_is_participant",
        "disclosures[0].rationale",
        "observations[0].status",
        "observations[0].note",
    ],
)
def test_null_means_the_same_as_omitting_a_field(clean_case: CaseFactory, path: str) -> None:
    """Setting an optional field to null gives exactly the case that leaves it out."""
    # Arrange
    with_null = _set(clean_case(), path, None)
    omitted = _delete(clean_case(), path)

    # Act
    from_null = validate_case(with_null, SOURCE)
    from_omitted = validate_case(omitted, SOURCE)

    # Assert
    assert from_null == from_omitted


@pytest.mark.parametrize("path", ["mutuality", "title", "participants", "participants[0].id"])
def test_null_in_a_required_field_is_reported_as_missing(
    clean_case: CaseFactory, path: str
) -> None:
    """A required field set to null is reported just as if it were left out."""
    # Arrange
    case = _set(clean_case(), path, None)

    # Act
    problem = _problem_at(case, path)

    # Assert
    assert "required, but missing" in problem


def test_unquoted_yaml_yes_and_no_are_accepted_as_answers() -> None:
    """YAML 1.1 reads unquoted yes/no as booleans; answers take them as "yes" and "no"."""
    # Arrange
    text = (
        "mutuality: 1\ntitle: t\n"
        "participants:\n"
        "  - {id: alex, role: professional, answers: {can_decline: yes, other_roles: no}}\n"
        "  - {id: sam, role: recipient, answers: {power_discussed: true, contact_outside: off}}\n"
    )

    # Act
    case = parse_case(text.encode(), SOURCE)

    # Assert
    assert case.participants[0].answers.given() == {"can_decline": "yes", "other_roles": "no"}
    assert case.participants[1].answers.given() == {
        "power_discussed": "yes",
        "contact_outside": "no",
    }


def test_boolean_answer_to_a_question_without_yes_is_still_an_error(
    clean_case: CaseFactory,
) -> None:
    """`true` stands for "yes" only; a question whose answers are not yes/no refuses it."""
    # Arrange
    case = _set(clean_case(), "participants[0].answers.decide_goals", True)

    # Act
    problem = _problem_at(case, "participants[0].answers.decide_goals")

    # Assert
    assert "professional, shared, recipient" in problem


def test_affected_party_reason_is_required_when_consent_is_not_needed(
    clean_case: CaseFactory,
) -> None:
    """An affected party whose consent is `not_needed` must say why."""
    # Arrange
    case = _set(clean_case(), "affected_parties[0].consent", "not_needed")

    # Act
    problem = _problem_at(case, "affected_parties[0].reason")

    # Assert
    assert "required when consent is not_needed" in problem


def test_affected_party_with_reason_may_need_no_consent(clean_case: CaseFactory) -> None:
    """`not_needed` with a reason is valid."""
    # Arrange
    case = clean_case()
    case["affected_parties"][0].update(consent="not_needed", reason="they only observe")

    # Act
    validated = validate_case(case, SOURCE)

    # Assert
    assert validated.affected_parties[0].reason == "they only observe"  # type: ignore[index]


@pytest.mark.asvs("15.3.5")
@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        ("title", 42, "got 42"),
        ("title", "   ", "got '   '"),
        ("participants", "alex", "got 'alex'"),
        ("participants[0]", ["alex"], "got ['alex']"),
        ("context.compulsory", "no", "got 'no'; expected true or false"),
        ("uncertain", 1, "got 1; expected true or false"),
        ("contract.review_every_days", 0, "got 0"),
        ("contract.review_every_days", 2.5, "got 2.5"),
        ("contract.version", "1", "got '1'"),
        ("contrast", "informal_setting", "got 'informal_setting'"),
        ("participants[1].id", "-sam", "got '-sam'"),
        ("participants[1].id", 7, "got 7"),
        ("mutuality", 2, "got 2; expected 1"),
        ("mutuality", "1", "got '1'"),
    ],
)
def test_wrong_types_name_the_value_given(
    clean_case: CaseFactory, path: str, value: Any, expected: str
) -> None:
    """A value of the wrong type or shape is reported with the value given and its path."""
    # Arrange
    case = _set(clean_case(), path, value)

    # Act
    problem = _problem_at(case, path)

    # Assert
    assert expected in problem
    assert "expected" in problem


@pytest.mark.asvs("15.3.5")
@pytest.mark.parametrize("value", [True, 1.0])
def test_format_version_must_be_the_integer_one(clean_case: CaseFactory, value: Any) -> None:
    """`mutuality: true` (YAML `yes`) or `1.0` is not the format version 1."""
    # Arrange
    case = _set(clean_case(), "mutuality", value)

    # Act
    problem = _problem_at(case, "mutuality")

    # Assert
    assert f"got {value!r}" in problem


def test_long_values_are_shortened_in_messages(clean_case: CaseFactory) -> None:
    """A very long value given is cut short in the message rather than printed whole."""
    # Arrange
    case = _set(clean_case(), "title", "x" * 5000)

    # Act
    problem = _problem_at(case, "title")

    # Assert
    assert len(problem) < 300
    assert "…" in problem


@pytest.mark.parametrize("field", ["mutuality", "title", "participants"])
def test_missing_required_fields_are_named(clean_case: CaseFactory, field: str) -> None:
    """Leaving out a required top-level field is an error at that field."""
    # Arrange
    case = _delete(clean_case(), field)

    # Act
    problem = _problem_at(case, field)

    # Assert
    assert "required, but missing" in problem


@pytest.mark.parametrize("role", ["professional", "recipient"])
def test_participants_need_both_roles(clean_case: CaseFactory, role: str) -> None:
    """At least one professional and at least one recipient are required."""
    # Arrange
    case = clean_case()
    other = "recipient" if role == "professional" else "professional"
    for participant in case["participants"]:
        participant["role"] = other
        participant.pop("vulnerability", None)
        participant.pop("can_decline_freely", None)
    case["outcomes"] = []

    # Act
    problem = _problem_at(case, "participants")

    # Assert
    assert f"at least one participant with role {role}" in problem


def test_participant_ids_must_be_unique(clean_case: CaseFactory) -> None:
    """Two participants with one id is an error at the second."""
    # Arrange
    case = clean_case()
    case["participants"].append({**case["participants"][1]})

    # Act
    problem = _problem_at(case, "participants[2].id")

    # Assert
    assert "got 'sam'" in problem
    assert "unique" in problem


def test_every_problem_is_reported_at_once(clean_case: CaseFactory) -> None:
    """Several independent problems are all reported, each on its own line."""
    # Arrange
    case = clean_case()
    _set(case, "stage", "paused")
    _set(case, "participants[1].consent", "maybe")
    _set(case, "scrutiny.last_supervision", "2026-02-30")

    # Act
    lines = _problems(case)

    # Assert
    paths = {line.split(": ")[1] for line in lines}
    assert {"stage", "participants[1].consent", "scrutiny.last_supervision"} <= paths


@pytest.mark.parametrize(
    ("data", "expected"),
    [([], "got list"), ("case", "got str"), (None, "got nothing"), (3, "got int")],
)
def test_top_level_must_be_a_mapping(data: Any, expected: str) -> None:
    """Data that is not a mapping is refused, naming what it is."""
    # Arrange
    source_data = data

    # Act
    lines = _problems(source_data)

    # Assert
    assert expected in lines[0]
    assert "mutuality: 1" in lines[0]


@pytest.mark.parametrize("key", [5, None, True], ids=["int", "null", "bool"])
def test_keys_that_are_not_text_are_refused(clean_case: CaseFactory, key: Any) -> None:
    """YAML allows non-string keys; a case refuses them without crashing."""
    # Arrange
    case = clean_case()
    case["contract"][key] = "x"

    # Act
    lines = _problems(case)

    # Assert
    assert any("keys should be strings" in line for line in lines)


RECORD_PATHS = [
    "affected_parties[0]",
    "disclosures[0]",
    "observations[0]",
    "consultations[0]",
    "outcomes[0]",
    "outcomes[0].scores[0]",
]


@pytest.mark.parametrize("path", RECORD_PATHS)
def test_every_record_may_carry_its_own_id(clean_case: CaseFactory, path: str) -> None:
    """A record's optional `id` (an addition to format 1) is accepted and kept."""
    case = clean_case()
    _parent(case, f"{path}.id")[0]["id"] = "3f1c9a52-6d0e-4a8b-9c1d-2e7f5a6b8c90"

    validated = validate_case(case, SOURCE).model_dump(by_alias=True)

    node, last = _parent(validated, f"{path}.id")
    assert node[last] == "3f1c9a52-6d0e-4a8b-9c1d-2e7f5a6b8c90"


@pytest.mark.parametrize("path", RECORD_PATHS)
def test_a_record_id_must_be_a_slug(clean_case: CaseFactory, path: str) -> None:
    """An id with spaces or punctuation is refused, naming the field."""
    case = _set(clean_case(), f"{path}.id", "not an id!")

    problem = _problem_at(case, f"{path}.id")

    assert "'not an id!'" in problem


def test_two_records_with_one_id_are_refused(clean_case: CaseFactory) -> None:
    """Ids are unique across the whole file, so an id can only ever name one record."""
    case = _set(clean_case(), "observations[0].id", "r1")
    _set(case, "outcomes[0].scores[1].id", "r1")

    problem = _problem_at(case, "outcomes[0].scores[1].id")

    assert "observations[0] already uses" in problem


@pytest.mark.parametrize(
    ("path", "text", "code"),
    [
        ("title", "a\x00b", "U+0000"),
        ("observations[0].note", "worry\x07", "U+0007"),
        ("participants[1].access_needs[0]", "\x1b[31mred", "U+001B"),
        ("disclosures[0].about", "x\x7f", "U+007F"),
    ],
)
def test_control_characters_in_text_are_refused(
    clean_case: CaseFactory, path: str, text: str, code: str
) -> None:
    """A NUL or other control character is named at its field (PostgreSQL cannot store NUL)."""
    case = _set(clean_case(), path, text)

    problem = _problem_at(case, path)

    assert code in problem and "control character" in problem


def test_tabs_and_line_breaks_are_ordinary_text(clean_case: CaseFactory) -> None:
    """Tabs and line breaks are not control characters for this purpose."""
    case = _set(clean_case(), "observations[0].note", "first line\n\tsecond line\r\n")

    validated = validate_case(case, SOURCE)

    assert validated.observations[0].note is not None
