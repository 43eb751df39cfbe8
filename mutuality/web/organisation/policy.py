"""Each organisation's policy: the numbers of the framework's rules it sets for itself, stored
as a TOML policy file holds them and read by the framework's own `policy_from_data`.

Every web assessment asks `policy_of` for its relationship's organisation: the web keeps no
rule or number of its own (ADR 0012).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from mutuality.framework import DEFAULT_POLICY, VOCABULARY, Policy, policy_from_data
from mutuality.web.accounts.models import Organisation

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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
    label: StrOrPromise
    hint: StrOrPromise

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
        _("Enhanced scrutiny from this many ways the work differs from usual care"),
        _("How many differences from usual care call for enhanced scrutiny."),
    ),
    Number(
        ("scrutiny", "intensive_from_contrast"),
        _("Intensive scrutiny from this many ways the work differs from usual care"),
        _("At least the number for enhanced scrutiny."),
    ),
    Number(
        ("scrutiny", "supervision_every_days", "standard"),
        _("Longest gap between supervision sessions at standard scrutiny, in days"),
        _("At least the gap at enhanced scrutiny."),
    ),
    Number(
        ("scrutiny", "supervision_every_days", "enhanced"),
        _("Longest gap between supervision sessions at enhanced scrutiny, in days"),
        _("At least the gap at intensive scrutiny."),
    ),
    Number(
        ("scrutiny", "supervision_every_days", "intensive"),
        _("Longest gap between supervision sessions at intensive scrutiny, in days"),
        _("The shortest of the three gaps."),
    ),
    Number(
        ("scrutiny", "team_informed_from"),
        _("The team must be told about the work from this level of scrutiny"),
        _("Standard, enhanced or intensive."),
    ),
    Number(
        ("scrutiny", "independent_review_every_days"),
        _("Longest gap between independent reviews, in days"),
        "",
    ),
    Number(
        ("scrutiny", "overdue_concern_factor"),
        _("How many gaps without supervision before it is a concern rather than advice"),
        _("For example 2: with supervision due every 28 days, 56 days without it is a concern."),
    ),
    Number(
        ("evidence", "no_evidence_after_days"),
        _("Days after the work starts by which each person should have two scores on a measure"),
        "",
    ),
    Number(
        ("evidence", "no_improvement_after_days"),
        _("Days of scores with no reliable improvement before it is a concern"),
        "",
    ),
    Number(
        ("evidence", "false_hopes_after_days"),
        _("Days of scores without improvement before hopes of a lot of change are questioned"),
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
