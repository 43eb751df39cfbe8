"""The relationship report: one relationship as one reader may see it, in plain words.

Everything here is read from what is already stored: the latest assessment (its wording comes
from the framework's renderer), the records, and the trajectories the relationship page draws.
No rule is worked out again here. The observations are the shared record's; a reader's own
private worries are added to their own report alone (ADR 0015).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext

from mutuality.framework import (
    CHANGE_WORDS,
    EXPLANATIONS,
    SEVERITY_WORDS,
    STATUS_WORDS,
    VOCABULARY,
    Term,
    headline,
    scrutiny_reasons,
)
from mutuality.outcomes import PersonSeries
from mutuality.web.access import participant_of
from mutuality.web.relationships import private_worries
from mutuality.web.relationships.actions import current_result
from mutuality.web.relationships.contrast import counted_contrast
from mutuality.web.relationships.models import ContractAgreement, Relationship
from mutuality.web.relationships.views.outcomes import (
    relationship_series,
    series_names,
    trajectories,
)

HORIZONS = tuple(VOCABULARY["horizon"])


# The vocabulary's words are read when a report is made, not at import, so that they come in
# the reader's language once the framework's words are translated.
def _scrutiny_words(level: str) -> str:
    term = VOCABULARY["scrutiny_level"].get(level)
    return _with_meaning(term) if term is not None else level


def _category_words(category: str | None) -> str:
    """A reliable change's clinical category, for the categories whose words add something to
    the change's own ("recovered: it also crossed the cut-off"); else nothing."""
    term = VOCABULARY["outcome_category"].get(category or "")
    return _with_meaning(term) if term is not None and term.hint else ""


def _with_meaning(term: Term) -> str:
    return gettext("%(level)s: %(meaning)s") % {"level": term.label, "meaning": term.hint}


def _horizon_names() -> list[str]:
    """Each horizon's column, headed by how long it spans ("Up to 90 days")."""
    hints = [str(VOCABULARY["horizon"][code].hint) for code in HORIZONS]
    return [hint[:1].upper() + hint[1:] for hint in hints]


def report_context(user: Any, relationship: Relationship) -> dict[str, Any]:
    """Everything the report shows to this reader, ready for the templates."""
    result = current_result(relationship)
    last = relationship.assessments.only("created").first()
    all_series = relationship_series(relationship)  # fetches the people, with their names
    called = {p.slug: p.called for p in relationship.participants.all()}
    return {
        "relationship": relationship,
        "made_on": timezone.localdate(),
        "made_at": timezone.now(),
        "assessed_at": last.created if last else timezone.now(),
        "reader": participant_of(user, relationship),
        "summary": _summary(result),
        "people": _people(user, relationship),
        "affected": list(relationship.affected_parties.all()),
        "contracts": _contracts(relationship, called),
        "principles": _principles(result),
        "scrutiny": _scrutiny(relationship, result, called),
        "contrast": counted_contrast(result["scrutiny"], relationship, user),
        "contrast_examined": relationship.contrast is not None,
        "supervision": _supervision(relationship),
        "consultations": _consultations(relationship),
        "disclosures": list(relationship.disclosures.select_related("by__user")),
        "observations": _observations(user, relationship),
        # The reader's own private worries: in their own report alone (ADR 0015).
        "own_private_worries": private_worries.own_rows(user, relationship),
        "outcomes": _outcomes(all_series, result, called),
        "horizon_names": _horizon_names(),
        # The horizons in one line of the page's explanation ("up to 90 days, 91 to 365 days").
        "horizon_periods": ", ".join(name.lower() for name in _horizon_names()),
        **trajectories(all_series, called),
    }


def _summary(result: dict[str, Any]) -> dict[str, str]:
    recommendation = result["recommendation"]
    return {
        "recommendation": recommendation,
        "headline": headline(recommendation, result.get("stage")),
        "explanation": EXPLANATIONS[recommendation],
    }


def _people(user: Any, relationship: Relationship) -> list[dict[str, Any]]:
    """The two people (or more), with their consent as it stands today."""
    return [
        {
            "name": p.called,
            "is_reader": p.user_id is not None and p.user_id == user.pk,
            "role": gettext("the professional")
            if p.role == "professional"
            else gettext("the co-producer"),
            "consent": p.consent,
        }
        for p in relationship.participants.all()
    ]


def _contracts(relationship: Relationship, called: dict[str, str]) -> list[dict[str, Any]]:
    """Every version of the contract, newest first, with who agreed it and when (`called`:
    each participant's name by their id)."""
    agreements = ContractAgreement.objects.select_related("participant").order_by("agreed_at")
    versions = relationship.contract_versions.prefetch_related(
        Prefetch("agreements", queryset=agreements)
    )
    return [
        {
            "version": v.version,
            "created": v.created,
            "agreed": [(called[a.participant.slug], a.agreed_at) for a in v.agreements.all()],
            "costs_and_benefits": [
                {**row, "party": called.get(row["party"], row["party"])}
                for row in v.costs_and_benefits
            ],
            "power_differential": v.power_differential,
            "exit_plan": v.exit_plan,
            "review_every_days": v.review_every_days,
            "last_review": v.last_review,
        }
        for v in versions
    ]


def _finding(finding: dict[str, Any]) -> dict[str, Any]:
    return {
        "code": finding["code"],
        "label": SEVERITY_WORDS[finding["severity"]],
        "severity": finding["severity"],
        "message": finding["message"],
        "actions": finding["actions"],
        "basis": finding["basis"],
    }


def _principles(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each principle: its status in words and its findings, most important first."""
    return [
        {
            "name": VOCABULARY["principle"].label(name),
            "status": value["status"],
            "status_words": STATUS_WORDS[value["status"]],
            "findings": [_finding(f) for f in result["findings"] if f["principle"] == name],
        }
        for name, value in result["principles"].items()
    ]


def _scrutiny(
    relationship: Relationship, result: dict[str, Any], called: dict[str, str]
) -> dict[str, Any]:
    scrutiny = result["scrutiny"]
    return {
        "level": scrutiny["level"],
        "level_words": _scrutiny_words(scrutiny["level"]),
        # In the reader's language, each person by the name pages call them.
        "reasons": scrutiny_reasons(scrutiny, lambda slug: called.get(slug, slug)),
        "needed_every_days": scrutiny["supervision_every_days"],
        "agreed_every_days": relationship.supervision_every_days,
        "supervisor": relationship.supervisor_name
        or (relationship.supervisor.shown_name if relationship.supervisor else ""),
        "last_supervision": relationship.last_supervision,
        "last_independent_review": relationship.last_independent_review,
    }


def _supervision(relationship: Relationship) -> list[dict[str, Any]]:
    return [
        {
            "date": s.date,
            "by": s.recorded_by.shown_name if s.recorded_by else gettext("Unknown"),
            "note": s.note,
        }
        for s in relationship.supervision_records.select_related("recorded_by")
    ]


def _consultations(relationship: Relationship) -> list[tuple[date, str, str]]:
    return [
        (c.date, c.with_whom, c.get_outcome_display()) for c in relationship.consultations.all()
    ]


def _observations(user: Any, relationship: Relationship) -> list[dict[str, Any]]:
    """The shared record's observations (a private worry is none of them: ADR 0015)."""
    return [
        {
            "date": o.date,
            "kind": o.get_kind_display(),
            "open": o.status == "open",
            "by": private_worries.raised_by_words(o, user),
            "note": o.note,
        }
        for o in relationship.observations.all()
    ]


def _change_words(change: str | None) -> str:
    return CHANGE_WORDS[change] if change else gettext("no scores in this period yet")


def _outcome(
    outcome: dict[str, Any], names: dict[str, str], called: dict[str, str]
) -> dict[str, Any]:
    """One series' change in words, overall and at each horizon, and whose it is."""
    if outcome["change"] is not None:
        overall = CHANGE_WORDS[outcome["change"]]
    elif outcome.get("n_scores", 0) < 2:
        overall = gettext("not enough scores yet to compare")
    else:
        overall = gettext("this questionnaire has no reliable-change figure")
    horizons = outcome.get("horizons") or {}
    return {
        "of": called.get(outcome["of"], outcome["of"]),
        "name": names.get(outcome["instrument"], outcome["instrument"]),
        "first": outcome["first"],
        "latest": outcome["latest"],
        "days": outcome["days"],
        "threshold": outcome.get("reliable_change_threshold"),
        "overall": overall,
        "category": _category_words(outcome.get("category")),
        "horizons": [_change_words(horizons.get(key)) for key in HORIZONS],
    }


def _outcomes(
    all_series: list[PersonSeries], result: dict[str, Any], called: dict[str, str]
) -> list[dict[str, Any]]:
    names = series_names(all_series)
    return [_outcome(o, names, called) for o in result["outcomes"]]
