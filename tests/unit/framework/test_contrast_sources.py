"""Format 1.1: contrast counts what the answers and the record show, not only what is declared
(docs/case-format.md, "Scrutiny"), and the level stays monotonic in every answer and record."""

from __future__ import annotations

import copy
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutuality.framework import LEVELS, QUESTIONS, CaseError, assess, validate_case
from mutuality.framework._model import ContrastIndicator
from tests.unit.framework.test_rules import clean_case

INDICATING = {q.id: q.indicates for q in QUESTIONS if q.indicates is not None}
NEW_QUESTIONS = [
    "shared_decisions",
    "money_between_us",
    "personal_sharing",
    "informal_places",
    "confidentiality_differs",
]
PARTICIPANTS = ("jo", "ravi")  # the clean case's professional and recipient
DISCLOSURE = {"by": "jo", "date": "2026-10-01", "about": "own recovery"}


def _assess(case: dict[str, Any]) -> Any:
    return assess(validate_case(case, "test"))


def _answer(case: dict[str, Any], who: int, question: str, value: str) -> dict[str, Any]:
    case["participants"][who]["answers"][question] = value
    return case


def test_each_indicating_question_maps_to_an_allowed_indicator() -> None:
    """The six indicating questions each name a distinct indicator `contrast` accepts."""
    allowed = set(get_args(ContrastIndicator))

    assert sorted(INDICATING) == sorted(["contact_outside", *NEW_QUESTIONS])
    assert set(INDICATING.values()) <= allowed
    assert len(set(INDICATING.values())) == len(INDICATING)


@pytest.mark.parametrize("question", NEW_QUESTIONS)
def test_new_questions_have_wording_for_each_role_and_yes_is_cautious(question: str) -> None:
    """Each new question is worded for both roles, answered yes or no, and `yes` is cautious."""
    asked = next(q for q in QUESTIONS if q.id == question)

    assert asked.options == ("yes", "no")
    assert asked.wording["professional"] != asked.wording["recipient"]
    assert asked.most_cautious({"yes", "no"}) == "yes"


@pytest.mark.parametrize(("question", "indicator"), sorted(INDICATING.items()))
def test_a_yes_from_anyone_counts_as_its_indicator(question: str, indicator: str) -> None:
    """One participant's `yes` counts the question's indicator, sourced to that participant."""
    case = _answer(clean_case(), 1, question, "yes")

    scrutiny = _assess(case).scrutiny

    assert scrutiny.indicators == (indicator,)
    assert scrutiny.undeclared == (indicator,)
    assert dict(scrutiny.sources) == {indicator: ("answer:ravi",)}
    assert scrutiny.contrast == 1


@pytest.mark.parametrize("question", NEW_QUESTIONS)
def test_a_no_from_everyone_counts_nothing(question: str) -> None:
    """When everyone answers `no`, the question adds no indicator and no finding."""
    case = clean_case()

    assessment = _assess(case)

    assert case["participants"][0]["answers"][question] == "no"
    assert assessment.scrutiny.indicators == ()
    assert "competence.contrast_undeclared" not in assessment.codes()


@pytest.mark.parametrize("question", NEW_QUESTIONS)
def test_disagreement_on_a_new_question_is_divergent_and_yes_counts(question: str) -> None:
    """A `yes` and a `no` diverge (respect.divergent_views) and the cautious `yes` counts."""
    case = _answer(clean_case(), 0, question, "yes")

    assessment = _assess(case)

    assert [d.question for d in assessment.divergences] == [question]
    assert "respect.divergent_views" in assessment.codes()
    assert assessment.scrutiny.indicators == (INDICATING[question],)


@pytest.mark.parametrize("rationale", [None, "agreed in supervision"])
def test_a_professionals_disclosure_counts_with_or_without_rationale(
    rationale: str | None,
) -> None:
    """Any self-disclosure recorded by a professional counts as professional_self_disclosure."""
    case = clean_case()
    case["disclosures"] = [{**DISCLOSURE, "rationale": rationale}]

    scrutiny = _assess(case).scrutiny

    assert dict(scrutiny.sources) == {"professional_self_disclosure": ("record:disclosures",)}
    assert scrutiny.undeclared == ("professional_self_disclosure",)


def test_a_recipients_disclosure_does_not_count() -> None:
    """A disclosure recorded by a recipient is not the professional's, so nothing counts."""
    case = clean_case()
    case["disclosures"] = [{**DISCLOSURE, "by": "ravi", "rationale": "shared in the group"}]

    scrutiny = _assess(case).scrutiny

    assert scrutiny.indicators == ()


def test_sources_list_every_origin_sorted() -> None:
    """An indicator declared, answered by both and recorded lists all four sources, sorted."""
    case = clean_case()
    case["contrast"] = ["professional_self_disclosure"]
    _answer(case, 0, "personal_sharing", "yes")
    _answer(case, 1, "personal_sharing", "yes")
    case["disclosures"] = [{**DISCLOSURE, "rationale": "agreed"}]

    assessment = _assess(case)

    assert assessment.to_dict()["scrutiny"]["sources"] == {
        "professional_self_disclosure": [
            "answer:jo",
            "answer:ravi",
            "declared",
            "record:disclosures",
        ]
    }
    assert assessment.scrutiny.undeclared == ()
    assert "competence.contrast_undeclared" not in assessment.codes()


def test_answers_raise_the_level_above_what_was_declared() -> None:
    """Declared one indicator (standard); the answers and record add two more: enhanced."""
    case = clean_case()
    case["contrast"] = ["informal_setting"]
    _answer(case, 1, "shared_decisions", "yes")
    case["disclosures"] = [{**DISCLOSURE, "rationale": "agreed"}]

    assessment = _assess(case)
    scrutiny = assessment.to_dict()["scrutiny"]

    assert scrutiny["level"] == "enhanced"
    assert scrutiny["contrast"] == 3
    assert scrutiny["indicators"] == [
        "informal_setting",
        "professional_self_disclosure",
        "shared_clinical_decisions",
    ]
    assert scrutiny["undeclared"] == ["professional_self_disclosure", "shared_clinical_decisions"]
    assert len([r for r in scrutiny["reasons"] if r.startswith("Counted though not")]) == 2
    finding = next(f for f in assessment.findings if f.code == "competence.contrast_undeclared")
    assert finding.evidence["undeclared"] == scrutiny["undeclared"]
    assert "shared clinical decisions" in finding.message


def test_omitted_contrast_is_unexamined_and_every_indicator_undeclared() -> None:
    """With `contrast` omitted both findings fire and every counted indicator is undeclared."""
    case = clean_case()
    del case["contrast"]
    _answer(case, 0, "informal_places", "yes")

    assessment = _assess(case)

    assert {"competence.contrast_unexamined", "competence.contrast_undeclared"} <= set(
        assessment.codes()
    )
    assert assessment.scrutiny.undeclared == assessment.scrutiny.indicators == ("informal_setting",)
    assert assessment.recommendation == "proceed_with_safeguards"


@pytest.mark.parametrize("contrast", [[], ["informal_setting"]])
def test_a_declared_contrast_is_examined(contrast: list[str]) -> None:
    """`contrast: []` means "we looked, and it does not": no contrast_unexamined."""
    case = clean_case()
    case["contrast"] = contrast

    assessment = _assess(case)

    assert "competence.contrast_unexamined" not in assessment.codes()
    assert assessment.to_dict()["scrutiny"]["undeclared"] == []


def test_an_answer_outside_a_new_questions_values_names_the_field() -> None:
    """`maybe` to money_between_us is refused with the field path, the value and the options."""
    case = _answer(clean_case(), 0, "money_between_us", "maybe")

    with pytest.raises(CaseError) as caught:
        validate_case(case, "case.yaml")

    assert (
        "case.yaml: participants[0].answers.money_between_us: got 'maybe'; expected one of: yes, no"
    ) in str(caught.value).splitlines()


# --- Monotonic in every answer, record and declared indicator --------------------------------

answer_sets = st.fixed_dictionaries(
    {},
    optional={q: st.sampled_from(("yes", "no")) for q in INDICATING},
)
case_states = st.fixed_dictionaries(
    {
        "contrast": st.one_of(
            st.none(), st.lists(st.sampled_from(get_args(ContrastIndicator)), max_size=3)
        ),
        "answers": st.tuples(answer_sets, answer_sets),
        "disclosures": st.lists(st.sampled_from(PARTICIPANTS), max_size=2),
        "high_vulnerability": st.booleans(),
    }
)
# One more thing said about the relationship: a participant's `yes`, a recorded disclosure by
# either of them, or an indicator declared (which also turns an omitted contrast into a list).
additions = st.one_of(
    st.tuples(st.just("answer"), st.sampled_from((0, 1)), st.sampled_from(sorted(INDICATING))),
    st.tuples(st.just("disclosure"), st.sampled_from(PARTICIPANTS), st.none()),
    st.tuples(st.just("declared"), st.none(), st.sampled_from(get_args(ContrastIndicator))),
)


def _build(state: dict[str, Any]) -> dict[str, Any]:
    case = clean_case()
    if state["contrast"] is None:
        del case["contrast"]
    else:
        case["contrast"] = list(state["contrast"])
    for who, answers in enumerate(state["answers"]):
        case["participants"][who]["answers"].update(answers)
    case["disclosures"] = [
        {**DISCLOSURE, "by": by, "rationale": "agreed"} for by in state["disclosures"]
    ]
    if state["high_vulnerability"]:
        case["participants"][1]["vulnerability"] = "high"
    return case


def _add(state: dict[str, Any], addition: tuple[str, Any, Any]) -> dict[str, Any]:
    more = copy.deepcopy(state)
    kind, who, what = addition
    if kind == "answer":
        more["answers"][who][what] = "yes"
    elif kind == "disclosure":
        more["disclosures"].append(who)
    else:
        more["contrast"] = [*(more["contrast"] or []), what]
    return more


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case_states, additions)
def test_level_never_falls_when_an_answer_record_or_indicator_is_added(
    state: dict[str, Any], addition: tuple[str, Any, Any]
) -> None:
    """A `yes`, a disclosure or a declared indicator added to any case never lowers the level."""
    state["answers"] = [dict(a) for a in state["answers"]]
    before = _assess(_build(state)).scrutiny
    after = _assess(_build(_add(state, addition))).scrutiny

    assert LEVELS.index(after.level) >= LEVELS.index(before.level)
    assert set(after.indicators) >= set(before.indicators)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case_states)
def test_declaring_none_never_lowers_the_level_of_an_unexamined_case(
    state: dict[str, Any],
) -> None:
    """Writing `contrast: []` where it was omitted leaves the level as the answers make it."""
    state["answers"] = [dict(a) for a in state["answers"]]
    omitted = _assess(_build({**state, "contrast": None})).scrutiny
    looked = _assess(_build({**state, "contrast": []})).scrutiny

    assert looked.level == omitted.level
    assert looked.indicators == omitted.indicators
