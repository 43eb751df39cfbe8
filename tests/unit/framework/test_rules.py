"""Each finding code fires when its condition holds, at the catalogue's severity, and only then."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import pytest

from mutuality.framework import assess, registered_rules, validate_case

SPEC_CODES = {
    "respect.capacity_lacking",
    "respect.capacity_fluctuating",
    "respect.capacity_uncertain",
    "respect.best_interests",
    "respect.compulsory",
    "respect.court_ordered",
    "respect.consent_missing",
    "respect.consent_uninformed",
    "respect.consent_refused",
    "respect.scope_undefined",
    "respect.affected_unidentified",
    "respect.affected_consent_missing",
    "respect.affected_consent_declined",
    "respect.contract_missing",
    "respect.preferences_assumed",
    "respect.professional_not_first",
    "respect.divergent_views",
    "competence.no_external_authority",
    "competence.supervision_insufficient",
    "competence.supervision_overdue",
    "competence.malignant_coupling",
    "competence.collusion",
    "competence.traumatic_reenactment",
    "competence.gang_or_cartel",
    "competence.boundary_drift",
    "competence.team_uninformed",
    "competence.no_public_reporting",
    "competence.independent_review_due",
    "competence.consultation_unheeded",
    "competence.uncertain_unconsulted",
    "responsibility.burden_high",
    "responsibility.burden_unassessed",
    "responsibility.not_optional",
    "responsibility.decline_unknown",
    "responsibility.adjustments_missing",
    "responsibility.expertise_tradeoff",
    "responsibility.resources_unreviewed",
    "responsibility.resources_unjustified",
    "responsibility.outcome_plan_missing",
    "responsibility.disclosure_unjustified",
    "responsibility.vulnerabilities_unshared",
    "integrity.costs_benefits_unstated",
    "integrity.costs_benefits_uncommunicated",
    "integrity.financial_inequality",
    "integrity.power_unacknowledged",
    "integrity.multiple_roles",
    "integrity.exit_plan_missing",
    "integrity.review_overdue",
    "integrity.no_evidence",
    "integrity.no_reliable_improvement",
    "integrity.deterioration",
    "integrity.in_name_only",
    "integrity.false_hopes",
    "integrity.change_evidenced",
    "competence.contrast_unexamined",
    "competence.contrast_undeclared",
}

ANSWERS = {
    "decide_goals": "shared",
    "decide_methods": "shared",
    "can_decline": "yes",
    "costs_understood": "yes",
    "benefits_understood": "yes",
    "power_discussed": "yes",
    "payment_fair": "yes",
    "other_roles": "no",
    "contact_outside": "no",
    "preferences_asked": "yes",
    "vulnerabilities_shared": "yes",
    "expected_change": "some",
    "confidence": "yes",
    "shared_decisions": "no",
    "money_between_us": "no",
    "personal_sharing": "no",
    "informal_places": "no",
    "confidentiality_differs": "no",
}


def clean_case() -> dict[str, Any]:
    """An active relationship with nothing wrong: the engine should say `proceed`."""
    return {
        "mutuality": 1,
        "title": "Co-writing a carers' leaflet",
        "as_of": "2026-11-25",
        "stage": "active",
        "started": "2026-09-01",
        "setting": "service_design",
        "participants": [
            {"id": "jo", "role": "professional", "consent": "informed", "answers": dict(ANSWERS)},
            {
                "id": "ravi",
                "role": "recipient",
                "consent": "informed",
                "vulnerability": "low",
                "can_decline_freely": True,
                "answers": dict(ANSWERS),
            },
        ],
        "affected_parties": [{"name": "ravi's partner", "consent": "informed"}],
        "approach": {
            "co_produced_elements": ["leaflet wording"],
            "resource_review": "comparable",
            "outcome_plan": ["who5"],
        },
        "contrast": [],
        "contract": {
            "version": 1,
            "agreed_by": ["jo", "ravi"],
            "costs_and_benefits": [
                {"party": "jo", "costs": ["time"], "benefits": ["a better leaflet"]},
                {"party": "ravi", "costs": ["evenings"], "benefits": ["paid experience"]},
            ],
            "communicated_to": ["jo", "ravi"],
            "payments": [{"to": "jo", "kind": "salary"}, {"to": "ravi", "kind": "payment"}],
            "inequalities_addressed": "paid at the involvement rate",
            "power_differential": "talked through; ravi chairs reviews",
            "exit_plan": "either can stop at any time",
            "review_every_days": 90,
            "last_review": "2026-11-01",
        },
        "scrutiny": {
            "supervisor": "Dr N",
            "supervision_every_days": 28,
            "last_supervision": "2026-11-20",
            "team_informed": True,
            "public_reporting": True,
        },
        "outcomes": [
            {
                "instrument": "who5",
                "of": "ravi",
                "scores": [
                    {"date": "2026-09-01", "value": 48},
                    {"date": "2026-11-20", "value": 52},
                ],
            }
        ],
    }


def _assess(case: dict[str, Any]) -> Any:
    return assess(validate_case(case, "test"))


def _severities(case: dict[str, Any], code: str) -> list[str]:
    return [f.severity for f in _assess(case).findings if f.code == code]


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(case: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = case
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is _DELETE:
            del target[last]
        elif last.isdigit():
            target[int(last)] = value
        else:
            target[last] = value

    return change


_DELETE = object()
RECIPIENT = "participants.1"
PROFESSIONAL = "participants.0"


def _all(*changes: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    def change(case: dict[str, Any]) -> None:
        for one in changes:
            one(case)

    return change


def _proposed(case: dict[str, Any]) -> None:
    case["stage"] = "proposed"


def _scores(*pairs: tuple[str, int], instrument: str = "phq9") -> Callable[[dict[str, Any]], None]:
    return _set(
        "outcomes",
        [
            {
                "instrument": instrument,
                "of": "ravi",
                "scores": [{"date": d, "value": v} for d, v in pairs],
            }
        ],
    )


CASES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("respect.capacity_lacking", _set(f"{RECIPIENT}.capacity", "lacks"), "contraindication"),
    ("respect.capacity_fluctuating", _set(f"{RECIPIENT}.capacity", "fluctuating"), "concern"),
    ("respect.capacity_uncertain", _set(f"{PROFESSIONAL}.capacity", "uncertain"), "advisory"),
    ("respect.best_interests", _set("context", {"best_interests": True}), "contraindication"),
    ("respect.compulsory", _set("context", {"compulsory": True}), "contraindication"),
    ("respect.court_ordered", _set("context", {"court_ordered": True}), "contraindication"),
    (
        "respect.compulsory",
        _all(
            _set("context", {"compulsory": True, "coproduced_elements_outside": True}),
            _set(
                "consultations",
                [{"date": "2026-08-01", "with": "ethics forum", "outcome": "adapt"}],
            ),
        ),
        "concern",
    ),
    ("respect.consent_missing", _set(f"{RECIPIENT}.consent", "not_sought"), "concern"),
    (
        "respect.consent_missing",
        _all(_proposed, _set(f"{RECIPIENT}.consent", "not_sought")),
        "advisory",
    ),
    ("respect.consent_uninformed", _set(f"{RECIPIENT}.consent", "given"), "concern"),
    ("respect.consent_refused", _set(f"{RECIPIENT}.consent", "withdrawn"), "contraindication"),
    ("respect.consent_refused", _set(f"{PROFESSIONAL}.consent", "declined"), "contraindication"),
    ("respect.scope_undefined", _set("approach.co_produced_elements", []), "advisory"),
    ("respect.affected_unidentified", _set("affected_parties", _DELETE), "advisory"),
    ("respect.affected_consent_missing", _set("affected_parties.0.consent", "given"), "concern"),
    (
        "respect.affected_consent_declined",
        _set("affected_parties.0.consent", "declined"),
        "concern",
    ),
    ("respect.contract_missing", _set("contract", _DELETE), "concern"),
    ("respect.contract_missing", _set("contract.agreed_by", ["jo"]), "concern"),
    ("respect.preferences_assumed", _set(f"{RECIPIENT}.answers", {}), "advisory"),
    (
        "respect.preferences_assumed",
        _set(f"{RECIPIENT}.answers.preferences_asked", False),
        "advisory",
    ),
    ("respect.professional_not_first", _set(f"{PROFESSIONAL}.answers", {}), "advisory"),
    ("respect.divergent_views", _set(f"{RECIPIENT}.answers.expected_change", "none"), "advisory"),
    ("competence.no_external_authority", _set("scrutiny.supervisor", None), "concern"),
    (
        "competence.no_external_authority",
        _set("scrutiny.supervisor_is_participant", True),
        "concern",
    ),
    ("competence.supervision_insufficient", _set("scrutiny.supervision_every_days", 60), "concern"),
    ("competence.supervision_overdue", _set("scrutiny.last_supervision", "2026-10-20"), "advisory"),
    ("competence.supervision_overdue", _set("scrutiny.last_supervision", "2026-09-20"), "concern"),
    ("competence.supervision_overdue", _set("scrutiny.last_supervision", _DELETE), "concern"),
    *[
        (
            f"competence.{kind}",
            _set("observations", [{"date": "2026-11-01", "kind": kind, "by": "Dr N"}]),
            "concern",
        )
        for kind in ("malignant_coupling", "collusion", "traumatic_reenactment", "gang_or_cartel")
    ],
    (
        "competence.boundary_drift",
        _set("observations", [{"date": "2026-11-01", "kind": "other", "by": "ravi"}]),
        "advisory",
    ),
    ("competence.team_uninformed", _set("scrutiny.team_informed", False), "advisory"),
    (
        "competence.team_uninformed",
        _all(
            _set("scrutiny.team_informed", False),
            _set("contrast", ["shared_clinical_decisions", "informal_setting"]),
        ),
        "concern",
    ),
    ("competence.no_public_reporting", _set("scrutiny.public_reporting", _DELETE), "advisory"),
    (
        "competence.independent_review_due",
        _all(
            _set(
                "contrast",
                [
                    "shared_clinical_decisions",
                    "informal_setting",
                    "other",
                    "altered_confidentiality",
                ],
            ),
            _set("scrutiny.supervision_every_days", 14),
        ),
        "concern",
    ),
    (
        "competence.consultation_unheeded",
        _set("consultations", [{"date": "2026-10-01", "with": "team", "outcome": "switch_model"}]),
        "concern",
    ),
    ("competence.contrast_unexamined", _set("contrast", _DELETE), "advisory"),
    ("competence.contrast_unexamined", _set("contrast", None), "advisory"),
    (
        "competence.contrast_undeclared",
        _set(f"{RECIPIENT}.answers.informal_places", "yes"),
        "info",
    ),
    (
        "competence.contrast_undeclared",
        _set("disclosures", [{"by": "jo", "date": "2026-10-01", "about": "x", "rationale": "y"}]),
        "info",
    ),
    ("competence.uncertain_unconsulted", _set("uncertain", True), "concern"),
    (
        "competence.uncertain_unconsulted",
        _set(f"{RECIPIENT}.answers.confidence", "unsure"),
        "concern",
    ),
    ("responsibility.burden_high", _set(f"{RECIPIENT}.vulnerability", "high"), "concern"),
    ("responsibility.burden_unassessed", _set(f"{RECIPIENT}.vulnerability", _DELETE), "advisory"),
    ("responsibility.not_optional", _set(f"{RECIPIENT}.can_decline_freely", False), "concern"),
    ("responsibility.not_optional", _set(f"{PROFESSIONAL}.answers.can_decline", "no"), "concern"),
    (
        "responsibility.decline_unknown",
        _all(
            _set(f"{RECIPIENT}.can_decline_freely", _DELETE),
            _set(f"{RECIPIENT}.answers.can_decline", "unsure"),
            _set(f"{PROFESSIONAL}.answers.can_decline", "unsure"),
        ),
        "advisory",
    ),
    (
        "responsibility.adjustments_missing",
        _set(f"{RECIPIENT}.access_needs", ["easy read"]),
        "advisory",
    ),
    (
        "responsibility.expertise_tradeoff",
        _set("approach.professional_led_methods", ["limited re-parenting"]),
        "advisory",
    ),
    (
        "responsibility.resources_unreviewed",
        _set("approach.resource_review", "not_done"),
        "advisory",
    ),
    (
        "responsibility.resources_unjustified",
        _set("approach.resource_review", "costlier_unjustified"),
        "concern",
    ),
    (
        "responsibility.outcome_plan_missing",
        _all(_set("approach.outcome_plan", []), _set("outcomes", [])),
        "advisory",
    ),
    (
        "responsibility.disclosure_unjustified",
        _set("disclosures", [{"by": "jo", "date": "2026-10-01", "about": "own recovery"}]),
        "concern",
    ),
    (
        "responsibility.vulnerabilities_unshared",
        _set(f"{RECIPIENT}.answers.vulnerabilities_shared", "no"),
        "advisory",
    ),
    ("integrity.costs_benefits_unstated", _set("contract.costs_and_benefits", []), "concern"),
    (
        "integrity.costs_benefits_uncommunicated",
        _set("contract.communicated_to", ["jo"]),
        "concern",
    ),
    (
        "integrity.costs_benefits_uncommunicated",
        _all(_set("contract", _DELETE), _set(f"{RECIPIENT}.answers.costs_understood", "no")),
        "concern",
    ),
    ("integrity.financial_inequality", _set("contract.inequalities_addressed", ""), "advisory"),
    ("integrity.financial_inequality", _set(f"{RECIPIENT}.answers.payment_fair", "no"), "advisory"),
    ("integrity.power_unacknowledged", _set("contract.power_differential", None), "advisory"),
    (
        "integrity.power_unacknowledged",
        _set(f"{RECIPIENT}.answers.power_discussed", "no"),
        "advisory",
    ),
    ("integrity.multiple_roles", _set(f"{PROFESSIONAL}.other_roles", ["neighbour"]), "concern"),
    (
        "integrity.multiple_roles",
        _all(
            _set(f"{PROFESSIONAL}.other_roles", ["neighbour"]),
            _set("contract.multiple_roles_plan", "kept apart"),
        ),
        "advisory",
    ),
    ("integrity.multiple_roles", _set("contrast", ["social_relationship"]), "concern"),
    ("integrity.exit_plan_missing", _set("contract.exit_plan", None), "advisory"),
    ("integrity.review_overdue", _set("contract.last_review", "2026-08-01"), "advisory"),
    ("integrity.no_evidence", _all(_set("outcomes", []), _set("started", "2026-05-01")), "concern"),
    (
        "integrity.no_reliable_improvement",
        _scores(("2026-01-01", 15), ("2026-07-01", 12)),
        "concern",
    ),
    ("integrity.deterioration", _scores(("2026-09-01", 8), ("2026-11-01", 14)), "concern"),
    (
        "integrity.in_name_only",
        _all(
            *[
                _set(f"participants.{i}.answers.{q}", "professional")
                for i in (0, 1)
                for q in ("decide_goals", "decide_methods")
            ]
        ),
        "concern",
    ),
    (
        "integrity.false_hopes",
        _all(
            _set(f"{RECIPIENT}.answers.expected_change", "a_lot"),
            _set(f"{PROFESSIONAL}.answers.expected_change", "a_lot"),
            _scores(("2026-06-01", 15), ("2026-09-15", 13)),
        ),
        "advisory",
    ),
    ("integrity.change_evidenced", _scores(("2026-09-01", 16), ("2026-11-01", 9)), "info"),
]


def test_clean_case_proceeds() -> None:
    """The clean base case has no finding above info, so every other test isolates one cause."""
    assessment = _assess(clean_case())

    assert [f.code for f in assessment.findings] == []
    assert assessment.recommendation == "proceed"


def test_every_spec_code_is_registered_and_tested() -> None:
    """The registry holds every finding code of the framework spec, and this table tests each."""
    registered = {r.code for r in registered_rules()}

    assert registered >= SPEC_CODES
    assert {code for code, _, _ in CASES} >= registered


@pytest.mark.parametrize(
    ("code", "change", "severity"), CASES, ids=[f"{c}-{s}-{i}" for i, (c, _, s) in enumerate(CASES)]
)
def test_rule_fires_with_its_severity(
    code: str, change: Callable[[dict[str, Any]], None], severity: str
) -> None:
    """Changing one thing in a clean case raises the expected finding at the expected severity."""
    case = copy.deepcopy(clean_case())
    change(case)

    severities = _severities(case, code)

    assert severity in severities, f"{code}: got {severities}"


def test_findings_are_sorted_most_severe_first() -> None:
    """Findings come most severe first, and the recommendation follows the worst of them."""
    case = clean_case()
    case["context"] = {"court_ordered": True}
    case["scrutiny"]["public_reporting"] = False
    case["participants"][1]["vulnerability"] = "high"

    assessment = _assess(case)
    ranks = ["info", "advisory", "concern", "contraindication"]
    order = [ranks.index(f.severity) for f in assessment.findings]

    assert order == sorted(order, reverse=True)
    assert assessment.recommendation == "alternative_model"
    assert assessment.principles["respect"] == "contraindicated"
    assert assessment.principles["responsibility"] == "concern"
    assert assessment.principles["competence"] == "attention"
    assert assessment.principles["integrity"] == "met"


def test_one_finding_per_cause_naming_whom() -> None:
    """Two participants without consent give two findings, each naming its person."""
    case = clean_case()
    for participant in case["participants"]:
        participant["consent"] = "not_sought"

    found = [f for f in _assess(case).findings if f.code == "respect.consent_missing"]

    assert sorted(f.concerns for f in found) == [("jo",), ("ravi",)]


def test_contract_missing_silences_contract_contents() -> None:
    """Without a contract, findings about its contents stay silent and its actions list them."""
    case = clean_case()
    del case["contract"]

    assessment = _assess(case)
    missing = next(f for f in assessment.findings if f.code == "respect.contract_missing")

    silent = {
        "integrity.costs_benefits_unstated",
        "integrity.costs_benefits_uncommunicated",
        "integrity.financial_inequality",
        "integrity.exit_plan_missing",
        "integrity.review_overdue",
        "integrity.power_unacknowledged",
    }
    assert not silent & set(assessment.codes())
    assert any("cost" in action for action in missing.actions)
    assert any("power" in action for action in missing.actions)


def test_cautious_merge_and_divergence_are_reported() -> None:
    """One `no` to can_decline is enough for not_optional, and the disagreement is listed."""
    case = clean_case()
    case["participants"][1]["answers"]["can_decline"] = "no"

    assessment = _assess(case)

    assert "responsibility.not_optional" in assessment.codes()
    assert [d.question for d in assessment.divergences] == ["can_decline"]
    assert assessment.divergences[0].answers == {"jo": "yes", "ravi": "no"}
    divergent = next(f for f in assessment.findings if f.code == "respect.divergent_views")
    assert divergent.evidence["questions"] == ["can_decline"]


def test_contact_outside_answer_counts_as_contrast() -> None:
    """A `yes` to contact_outside counts as the contrast indicator contact_outside_sessions."""
    case = clean_case()
    case["participants"][0]["answers"]["contact_outside"] = "yes"
    case["contrast"] = ["informal_setting"]

    scrutiny = _assess(case).scrutiny

    assert scrutiny.contrast == 2
    assert scrutiny.level == "enhanced"
    assert "contact_outside_sessions" in scrutiny.indicators


def test_context_messages_are_tentative_and_offer_both_ways() -> None:
    """Contraindicating contexts say co-production 'seems less suitable' and offer two ways on."""
    case = clean_case()
    case["context"] = {"best_interests": True}

    finding = next(f for f in _assess(case).findings if f.code == "respect.best_interests")

    assert "seems less suitable" in finding.message
    assert any("another model" in a for a in finding.actions)
    assert any("outside" in a for a in finding.actions)


def test_switch_model_consultation_does_not_count_as_recorded() -> None:
    """A consultation that advised switching model does not ease a compulsory context."""
    case = clean_case()
    case["context"] = {"compulsory": True, "coproduced_elements_outside": True}
    case["consultations"] = [{"date": "2026-08-01", "with": "panel", "outcome": "switch_model"}]

    assert _severities(case, "respect.compulsory") == ["contraindication"]


def test_supervision_not_overdue_within_interval() -> None:
    """Supervision 28 days ago with a 28-day interval is not overdue (the rule says exceeds)."""
    case = clean_case()
    case["scrutiny"]["last_supervision"] = "2026-10-28"

    assert _severities(case, "competence.supervision_overdue") == []


def test_no_evidence_waits_ninety_days() -> None:
    """No outcome scores 90 days after starting is not yet a finding; 91 days is."""
    case = clean_case()
    case["outcomes"] = []
    case["started"] = "2026-08-27"  # 90 days before as_of

    assert _severities(case, "integrity.no_evidence") == []
    case["started"] = "2026-08-26"
    assert _severities(case, "integrity.no_evidence") == ["concern"]


def test_no_reliable_improvement_needs_180_days() -> None:
    """A 179-day span without improvement is not yet a finding; 180 days is."""
    case = clean_case()
    _scores(("2026-01-01", 15), ("2026-06-29", 14))(case)
    assert _severities(case, "integrity.no_reliable_improvement") == []

    _scores(("2026-01-01", 15), ("2026-06-30", 14))(case)
    assert _severities(case, "integrity.no_reliable_improvement") == ["concern"]


def test_ons4_alone_cannot_evidence_change() -> None:
    """ONS4 has no reliable-change statistic, so a year of it never shows reliable improvement."""
    case = clean_case()
    case["outcomes"] = [
        {
            "instrument": "ons4",
            "of": "ravi",
            "scores": [
                {"date": "2025-11-01", "items": [2, 2, 2, 9]},
                {"date": "2026-11-01", "items": [9, 9, 9, 1]},
            ],
        }
    ]

    assessment = _assess(case)
    entries = {o["instrument"]: o for o in assessment.to_dict()["outcomes"]}

    assert "integrity.no_reliable_improvement" in assessment.codes()
    assert entries["ons4.anxious"]["bands"] == {"first": "high", "latest": "very low"}
    assert entries["ons4.happy"]["change"] is None


def test_goal_based_series_are_numbered_per_goal() -> None:
    """Each GBO goal is its own series, named gbo.1, gbo.2, with its goal kept."""
    case = clean_case()
    case["outcomes"] = [
        {
            "instrument": "gbo",
            "of": "ravi",
            "goal": "sleep through",
            "scores": [{"date": "2026-09-01", "value": 2}, {"date": "2026-11-01", "value": 6}],
        },
        {
            "instrument": "gbo",
            "of": "ravi",
            "goal": "see friends",
            "scores": [{"date": "2026-09-01", "value": 3}],
        },
    ]

    outcomes = _assess(case).to_dict()["outcomes"]

    assert [(o["instrument"], o["goal"]) for o in outcomes] == [
        ("gbo.1", "sleep through"),
        ("gbo.2", "see friends"),
    ]
    assert outcomes[0]["change"] == "reliable_improvement"
    assert outcomes[1]["change"] is None


NAMES = {"jo": "Siân Evans", "ravi": "Nguyễn Văn An"}
# An id as a word, but not inside the affected party's name ("ravi's partner"), which is a name.
_AN_ID = re.compile(r"\b(jo|ravi)\b(?!'s partner)")


def _words(case: dict[str, Any]) -> list[str]:
    """Every sentence an assessment says: messages, actions and the scrutiny's reasons."""
    assessment = _assess(case)
    said = [w for f in assessment.findings for w in (f.message, *f.actions)]
    return said + list(assessment.scrutiny.reasons)


@pytest.mark.parametrize(("code", "change", "severity"), CASES, ids=[c[0] for c in CASES])
def test_a_case_with_names_names_people_by_them_in_every_sentence(
    code: str, change: Callable[[dict[str, Any]], None], severity: str
) -> None:
    """Giving both people names changes each sentence only where it named someone by id."""
    case = clean_case()
    change(case)
    named = copy.deepcopy(case)
    for participant in named["participants"]:
        participant["name"] = NAMES.get(participant["id"], participant["id"].title())

    plain, with_names = _words(case), _words(named)

    assert with_names == [_AN_ID.sub(lambda m: NAMES[m[1]], w) for w in plain]


def test_a_case_with_names_reads_them_and_one_without_reads_the_ids() -> None:
    """The same finding names the person by name when given and by id when not."""
    case = clean_case()
    case["participants"][1]["consent"] = "not_sought"
    named = copy.deepcopy(case)
    named["participants"][1]["name"] = "Nguyễn Văn An"

    [plain] = [f for f in _assess(case).findings if f.code == "respect.consent_missing"]
    [with_name] = [f for f in _assess(named).findings if f.code == "respect.consent_missing"]

    assert plain.message == "ravi has not yet been asked to consent to working this way."
    assert with_name.message == (
        "Nguyễn Văn An has not yet been asked to consent to working this way."
    )
    assert with_name.concerns == plain.concerns == ("ravi",)
