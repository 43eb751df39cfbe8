"""Each organisation's policy: the numbers of the framework's rules it sets for itself, stored
as a TOML policy file holds them and read by the framework's own `policy_from_data`.

Every web assessment asks `policy_of` for its relationship's organisation: the web keeps no
rule or number of its own (ADR 0012).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

from mutuality.framework import DEFAULT_POLICY, VOCABULARY, Policy, policy_from_data
from mutuality.web.accounts.models import Organisation


def policy_of(organisation: Organisation) -> Policy:
    """The policy this organisation's relationships are assessed by (the framework's default
    where it sets nothing)."""
    return _policy(json.dumps(organisation.policy or {}, sort_keys=True))


@functools.lru_cache(maxsize=256)
def _policy(text: str) -> Policy:
    # Kept by its text: a batch of relationships, or many requests, validate each policy once.
    return policy_from_data(json.loads(text), "the organisation's policy")


@dataclass(frozen=True)
class Number:
    """One setting of the policy, as the settings form offers it."""

    # Where it sits in the policy, e.g. ("scrutiny", "enhanced_from_contrast").
    path: tuple[str, ...]
    label: str
    hint: str

    @property
    def name(self) -> str:
        """The form field's name."""
        return "__".join(self.path)

    def default(self) -> Any:
        return _value(DEFAULT_POLICY.model_dump(), self.path)

    def value_in(self, policy: Policy) -> Any:
        return _value(policy.model_dump(), self.path)


def _value(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


NUMBERS = (
    Number(
        ("scrutiny", "enhanced_from_contrast"),
        "Enhanced scrutiny from this many ways the work differs from usual care",
        "How many differences from usual care call for enhanced scrutiny.",
    ),
    Number(
        ("scrutiny", "intensive_from_contrast"),
        "Intensive scrutiny from this many ways the work differs from usual care",
        "At least the number for enhanced scrutiny.",
    ),
    Number(
        ("scrutiny", "supervision_every_days", "standard"),
        "Longest gap between supervision sessions at standard scrutiny, in days",
        "At least the gap at enhanced scrutiny.",
    ),
    Number(
        ("scrutiny", "supervision_every_days", "enhanced"),
        "Longest gap between supervision sessions at enhanced scrutiny, in days",
        "At least the gap at intensive scrutiny.",
    ),
    Number(
        ("scrutiny", "supervision_every_days", "intensive"),
        "Longest gap between supervision sessions at intensive scrutiny, in days",
        "The shortest of the three gaps.",
    ),
    Number(
        ("scrutiny", "team_informed_from"),
        "The team must be told about the work from this level of scrutiny",
        "Standard, enhanced or intensive.",
    ),
    Number(
        ("scrutiny", "independent_review_every_days"),
        "Longest gap between independent reviews, in days",
        "",
    ),
    Number(
        ("scrutiny", "overdue_concern_factor"),
        "How many gaps without supervision before it is a concern rather than advice",
        "For example 2: with supervision due every 28 days, 56 days without it is a concern.",
    ),
    Number(
        ("evidence", "no_evidence_after_days"),
        "Days after the work starts by which each person should have two scores on a measure",
        "",
    ),
    Number(
        ("evidence", "no_improvement_after_days"),
        "Days of scores with no reliable improvement before it is a concern",
        "",
    ),
    Number(
        ("evidence", "false_hopes_after_days"),
        "Days of scores without improvement before hopes of a lot of change are questioned",
        "",
    ),
)
CHOICE = ("scrutiny", "team_informed_from")
"""The one setting that is a level rather than a number."""
LEVEL_CHOICES = VOCABULARY["scrutiny_level"].choices()


def changed_from_default(values: dict[tuple[str, ...], Any]) -> dict[str, Any]:
    """The settings that differ from the framework's defaults, nested as a policy file nests
    them (the stored policy: empty when every number is the default)."""
    nested: dict[str, Any] = {}
    for number in NUMBERS:
        value = values[number.path]
        if value == number.default():
            continue
        place = nested
        for part in number.path[:-1]:
            place = place.setdefault(part, {})
        place[number.path[-1]] = value
    return nested
