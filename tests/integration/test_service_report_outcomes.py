"""The service report's outcome tables, summed in SQL, say what the outcomes package says
when it is handed every pair: checked on a generated service, at three dates.

The oracle here works from the recorded scores (each relationship built as a case), restating
the horizons of outcomes.md section 4, and gives the pairs to `group_change`, `paired_outcome`
and `paired_rates`, the functions the command line's outcomes report uses.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from mutuality.framework import person_series
from mutuality.outcomes import (
    MEDIUM_TERM_DAYS,
    SHORT_TERM_DAYS,
    GroupChange,
    Instrument,
    PairedRates,
    ScorePair,
    group_change,
    paired_outcome,
    paired_rates,
)
from mutuality.web.accounts.models import User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.case_io import to_case
from mutuality.web.relationships.generate import generate
from mutuality.web.relationships.models import Relationship
from mutuality.web.reports.service_report import HORIZONS, service_report
from tests.audit_trail import forget

pytestmark = pytest.mark.django_db
STARTS = {"latest": 0, "short": 0, "medium": SHORT_TERM_DAYS + 1, "long": MEDIUM_TERM_DAYS + 1}
NUMBERS = ("mean_first", "mean_latest", "mean_change", "d_baseline", "d_z", "d_av", "g_av")


@dataclass(frozen=True)
class Seen:
    relationship: int
    person: str
    series_id: str
    key: str
    instrument: Instrument
    first_day: date
    pairs: dict[str, ScorePair | None]


def _pair(scores: list[tuple[date, float]], horizon: str) -> ScorePair | None:
    if len(scores) < 2:
        return None
    (first_day, first), later = scores[0], scores[1:]
    if horizon == "latest":
        return first, later[-1][1]
    bounds = {"short": (0, SHORT_TERM_DAYS), "medium": (SHORT_TERM_DAYS + 1, MEDIUM_TERM_DAYS)}
    low, high = bounds.get(horizon, (MEDIUM_TERM_DAYS + 1, 10**6))
    inside = [score for day, score in later if low <= (day - first_day).days <= high]
    return (first, inside[-1]) if inside else None


def _every_series(relationships: list[Relationship]) -> Iterator[Seen]:
    for relationship in relationships:
        for one in person_series(to_case(relationship)):
            if not one.scores:
                continue
            scores = sorted(one.scores, key=lambda score: score[0])
            key = one.instrument.id if one.goal is not None else one.series_id
            pairs = {horizon: _pair(scores, horizon) for horizon in HORIZONS}
            yield Seen(
                relationship.pk, one.person, one.series_id, key, one.instrument, scores[0][0], pairs
            )


def _expected_groups(
    seen: list[Seen], today: date
) -> dict[tuple[str, str], tuple[int, GroupChange]]:
    pooled: dict[str, list[Seen]] = defaultdict(list)
    for one in seen:
        pooled[one.key].append(one)
    expected = {}
    for key, members in pooled.items():
        for horizon in HORIZONS:
            begun = today - timedelta(days=STARTS[horizon])
            ready = [one for one in members if one.first_day <= begun]
            pairs = [pair for one in ready if (pair := one.pairs[horizon]) is not None]
            expected[key, horizon] = len(ready), group_change(members[0].instrument, pairs)
    return expected


def _expected_paired(seen: list[Seen], today: date) -> dict[str, tuple[int, PairedRates]]:
    people: dict[tuple[int, str], dict[str, Seen]] = defaultdict(dict)
    for one in seen:
        if one.series_id in ("phq9", "gad7"):
            people[one.relationship, one.person][one.series_id] = one
    expected = {}
    for horizon in HORIZONS:
        begun = today - timedelta(days=STARTS[horizon])
        ready = [
            own
            for own in people.values()
            if len(own) == 2 and all(one.first_day <= begun for one in own.values())
        ]
        outcomes = []
        for own in ready:
            phq9, gad7 = own["phq9"].pairs[horizon], own["gad7"].pairs[horizon]
            if phq9 is not None and gad7 is not None:
                outcomes.append(paired_outcome("someone", phq9=phq9, gad7=gad7))
        rates = paired_rates(outcomes, not_finished=len(ready) - len(outcomes))
        expected[horizon] = len(ready), rates
    return expected


def _close(found: float | None, wanted: float | None) -> bool:
    if found is None or wanted is None:
        return found is wanted
    return math.isclose(found, wanted, rel_tol=1e-9, abs_tol=1e-9)


@pytest.fixture(scope="module")
def service(django_db_setup: None, django_db_blocker: Any) -> Iterator[int]:
    """A generated organisation, made once for the module and deleted afterwards."""
    with django_db_blocker.unblock():
        organisation = generate(slug="oracle", relationships=60, seed=5).organisation
    yield organisation.pk
    with django_db_blocker.unblock():
        Relationship.objects.filter(organisation=organisation).delete()
        User.objects.filter(organisation=organisation).delete()
        forget(AuditEvent.objects.filter(organisation=organisation))
        organisation.delete()


@pytest.mark.parametrize("days_on", [0, 120, 400])
def test_outcome_tables_agree_with_the_outcomes_package(service: int, days_on: int) -> None:
    """Every group and horizon: eligible, n and every figure; every paired horizon's rates."""
    # Arrange
    today = timezone.localdate() + timedelta(days=days_on)
    chosen = Relationship.objects.filter(organisation_id=service)
    seen = list(_every_series(list(chosen)))
    groups, paired = _expected_groups(seen, today), _expected_paired(seen, today)

    # Act
    report = service_report(chosen, today)

    # Assert
    assert {(row.key, row.horizon) for row in report.groups} == set(groups)
    for row in report.groups:
        eligible, wanted = groups[row.key, row.horizon]
        assert (row.eligible, row.change.n) == (eligible, wanted.n), (row.key, row.horizon)
        for name in NUMBERS:
            assert _close(getattr(row.change, name), getattr(wanted, name)), (row.key, name)
        assert row.change.proportions == wanted.proportions, (row.key, row.horizon)
    assert sum(row.change.n for row in report.groups) > 100  # the service has outcome data
    for row in report.paired:
        assert (row.eligible, row.rates) == paired[row.horizon], row.horizon
    assert any(row.rates.finished for row in report.paired)
