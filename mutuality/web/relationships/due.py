"""What is due, per person: the to-do list on each person's dashboard.

Whether supervision or a review is overdue, or consent is missing, is the framework's
judgement, so those items are the latest assessment's findings (never worked out again
here). The rest are plain facts of the record: a contract version nobody has agreed yet, an
observation still open, a consent withdrawn, a questionnaire not filled in for a while.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from mutuality.outcomes import shipped_instruments
from mutuality.web.access import (
    Standing,
    may_act_on_safety,
    participant_of,
    questionnaire_people,
    standing,
    visible_observations,
)
from mutuality.web.relationships.actions import latest_assessment
from mutuality.web.relationships.models import OutcomeSeries, Relationship
from mutuality.web.relationships.resolving import resolving_link

DEFAULT_QUESTIONNAIRE_EVERY_DAYS = 28
"""How often a wellbeing questionnaire is due, unless settings say otherwise (about monthly:
often enough to see change within the framework's short-term horizon of 90 days)."""

MEASURING_STAGES = ("active", "ending")

CATEGORIES = {
    "safety": "Safety: act on this now",
    "withdrawn": "Consent withdrawn",
    "consent": "Consent missing",
    "contract": "Contract versions waiting for agreement",
    "overdue": "Supervision and reviews overdue",
    "observations": "Worries about the relationship still open",
    "questionnaires": "Wellbeing questionnaires due",
}
"""The dashboard's headings, in the order shown: a safety flag first, then a withdrawn consent."""

_CONSENT_CODES = (
    "respect.consent_missing",
    "respect.consent_uninformed",
    "respect.affected_consent_missing",
)
_OVERDUE_CODES = (
    "competence.supervision_overdue",
    "integrity.review_overdue",
    "competence.independent_review_due",
)
# The people who must act at once on a withdrawn consent (issue 4): the professional and
# the supervisor, who see it first.
_TOLD_OF_WITHDRAWAL = (Standing.PROFESSIONAL, Standing.SUPERVISOR)


@dataclass(frozen=True)
class Item:
    """One thing due: which relationship, what, and where to go to do it (if anywhere)."""

    relationship: Relationship
    text: str
    url: str | None = None


def questionnaire_every_days() -> int:
    return int(getattr(settings, "QUESTIONNAIRE_EVERY_DAYS", DEFAULT_QUESTIONNAIRE_EVERY_DAYS))


def _today(relationship: Relationship) -> date:
    # An imported case that fixes its own date is judged on that date, like its assessment.
    return relationship.as_of or timezone.localdate()


def questionnaires_due(relationship: Relationship) -> list[OutcomeSeries]:
    """Series never filled in, or not for `questionnaire_every_days()`, while the work goes on."""
    if relationship.stage not in MEASURING_STAGES:
        return []
    cutoff = _today(relationship) - timedelta(days=questionnaire_every_days())
    due = []
    for series in relationship.outcome_series.prefetch_related("scores"):
        dates = [score.date for score in series.scores.all()]
        if not dates or max(dates) <= cutoff:
            due.append(series)
    return due


def _from_findings(user: Any, relationship: Relationship, codes: tuple[str, ...]) -> list[Item]:
    findings = latest_assessment(relationship).result["findings"]
    items = []
    for finding in findings:
        if finding["code"] in codes:
            link = resolving_link(finding["code"], user, relationship)
            items.append(Item(relationship, finding["message"], link[0] if link else None))
    return items


def _safety(user: Any, relationship: Relationship) -> list[Item]:
    if not may_act_on_safety(user, relationship):
        return []
    return [
        Item(
            relationship,
            flag.detail,
            reverse(
                "relationships:safety-flag", kwargs={"pk": relationship.pk, "flag_pk": flag.pk}
            ),
        )
        for flag in relationship.safety_flags.filter(resolved_at__isnull=True)
    ]


def _withdrawn(user: Any, relationship: Relationship) -> list[Item]:
    if standing(user, relationship) not in _TOLD_OF_WITHDRAWAL:
        return []
    url = reverse("relationships:detail", kwargs={"pk": relationship.pk})
    return [
        Item(relationship, f"{p.slug} has withdrawn their consent", url)
        for p in relationship.participants.filter(consent="withdrawn")
    ]


def _contract(user: Any, relationship: Relationship) -> list[Item]:
    latest = relationship.contract_versions.prefetch_related("agreements").first()
    if latest is None:
        return []
    agreed = {a.participant_id for a in latest.agreements.all()}
    waiting = [p for p in relationship.participants.all() if p.pk not in agreed]
    me = participant_of(user, relationship)
    items = []
    for person in waiting:
        if me is not None and person.pk == me.pk:
            url = reverse("relationships:contract-agree", kwargs={"pk": relationship.pk})
            text = f"Contract version {latest.version} is waiting for your agreement"
        else:
            url = reverse("relationships:contract", kwargs={"pk": relationship.pk})
            text = f"Contract version {latest.version} is waiting for {person.slug}'s agreement"
        items.append(Item(relationship, text, url))
    return items


def _observations(user: Any, relationship: Relationship) -> list[Item]:
    url = reverse("relationships:records", kwargs={"pk": relationship.pk})
    return [
        Item(
            relationship,
            f"{o.get_kind_display()} noticed on {o.date:%d %B %Y}".lstrip("0"),
            url,
        )
        for o in visible_observations(user, relationship).filter(status="open")
    ]


def _questionnaires(user: Any, relationship: Relationship) -> list[Item]:
    mine = set(questionnaire_people(user, relationship).values_list("pk", flat=True))
    items = []
    for series in questionnaires_due(relationship):
        if series.of_id in mine:
            url = reverse(
                "relationships:outcomes-fill-in",
                kwargs={"pk": relationship.pk, "series_pk": series.pk},
            )
            what = _instrument_name(relationship, series.instrument)
            what += f" (goal: {series.goal})" if series.goal else ""
            items.append(Item(relationship, f"{what} for {series.of.slug}", url))
    return items


def _instrument_name(relationship: Relationship, instrument_id: str) -> str:
    """The instrument's name for people (a shipped one, or one the relationship defines)."""
    parent = instrument_id.split(".", 1)[0]
    shipped = shipped_instruments().get(parent)
    own = next((d for d in relationship.instruments if d.get("id") == parent), None)
    name = shipped.name if shipped else (own or {}).get("name", parent)
    return f"{name}: {instrument_id.split('.', 1)[1]}" if "." in instrument_id else str(name)


def due_for(user: Any, relationships: list[Relationship]) -> list[tuple[str, str, list[Item]]]:
    """(key, heading, items) of each category with something due for this person, in order."""
    found: dict[str, list[Item]] = {key: [] for key in CATEGORIES}
    for relationship in relationships:
        found["safety"] += _safety(user, relationship)  # even once ended: a person may be at risk
        found["withdrawn"] += _withdrawn(user, relationship)
        if relationship.stage == "ended":
            continue  # nothing more is asked of an ended relationship
        found["consent"] += _from_findings(user, relationship, _CONSENT_CODES)
        found["contract"] += _contract(user, relationship)
        found["overdue"] += _from_findings(user, relationship, _OVERDUE_CODES)
        found["observations"] += _observations(user, relationship)
        found["questionnaires"] += _questionnaires(user, relationship)
    return [(key, CATEGORIES[key], items) for key, items in found.items() if items]
