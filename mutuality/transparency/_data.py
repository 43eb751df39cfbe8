"""What a transparency report is built from: true counts, gathered by the web app.

Nothing here is published as it stands; `build_report` passes every number through
statistical disclosure control first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

Change = Literal["reliable_improvement", "no_reliable_change", "reliable_deterioration"]
CHANGES: tuple[Change, ...] = (
    "reliable_improvement",
    "no_reliable_change",
    "reliable_deterioration",
)


@dataclass(frozen=True)
class OutcomeChange:
    """One person's (or one goal's) change from first to latest score on one measure; or, with
    `people`, the same change by that many people (a database counts them that way)."""

    instrument: str  # a series id: `phq9`, `who5`, `gbo.1` …
    difference: float  # latest minus first, in the measure's own points
    change: Change
    people: int = 1


@dataclass(frozen=True)
class OrganisationData:
    """True counts for one organisation. Each mapping is category → how many."""

    slug: str
    name: str
    as_of: str
    by_setting: Mapping[str, int] = field(default_factory=dict)
    by_stage: Mapping[str, int] = field(default_factory=dict)
    by_recommendation: Mapping[str, int] = field(default_factory=dict)
    by_scrutiny: Mapping[str, int] = field(default_factory=dict)
    supervision: Mapping[str, int] = field(default_factory=dict)
    contract_review: Mapping[str, int] = field(default_factory=dict)
    co_producer_consent: Mapping[str, int] = field(default_factory=dict)
    affected_consent: Mapping[str, int] = field(default_factory=dict)
    outcomes: tuple[OutcomeChange, ...] = ()
