"""The numbers of the framework's scrutiny and evidence rules, in one place.

An organisation may set its own in a TOML policy file (`--policy FILE`). Whatever
the numbers, the scrutiny level stays monotonic: more contrast, an open
observation or a risk never lowers it, and a higher level never asks for less
frequent supervision than a lower one.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .exceptions import PolicyError, Problem

Level = Literal["standard", "enhanced", "intensive"]
LEVELS: tuple[Level, ...] = ("standard", "enhanced", "intensive")
_Days = Annotated[int, Field(ge=1, le=3650)]
_MAX_POLICY_BYTES = 65_536


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class SupervisionIntervals(_Strict):
    """The longest gap between supervision sessions each level allows, in days."""

    standard: _Days = 56
    enhanced: _Days = 28
    intensive: _Days = 14

    def for_level(self, level: Level) -> int:
        return int(getattr(self, level))


class ScrutinyPolicy(_Strict):
    enhanced_from_contrast: Annotated[int, Field(ge=1, le=100)] = 2
    intensive_from_contrast: Annotated[int, Field(ge=1, le=100)] = 4
    supervision_every_days: SupervisionIntervals = SupervisionIntervals()
    team_informed_from: Level = "enhanced"
    independent_review_every_days: _Days = 180
    overdue_concern_factor: Annotated[int, Field(ge=1, le=10)] = 2

    @model_validator(mode="after")
    def _monotonic(self) -> Self:
        if self.intensive_from_contrast < self.enhanced_from_contrast:
            raise ValueError("intensive_from_contrast must be at least enhanced_from_contrast")
        days = self.supervision_every_days
        if not days.intensive <= days.enhanced <= days.standard:
            raise ValueError(
                "supervision_every_days must not grow with the level "
                "(intensive <= enhanced <= standard)"
            )
        return self

    def level_for_contrast(self, contrast: int) -> Level:
        if contrast >= self.intensive_from_contrast:
            return "intensive"
        if contrast >= self.enhanced_from_contrast:
            return "enhanced"
        return "standard"

    def team_must_know(self, level: Level) -> bool:
        return LEVELS.index(level) >= LEVELS.index(self.team_informed_from)


class EvidencePolicy(_Strict):
    no_evidence_after_days: _Days = 90
    no_improvement_after_days: _Days = 180
    false_hopes_after_days: _Days = 90


class Policy(_Strict):
    """All the numbers the rules use; the defaults are the framework's."""

    scrutiny: ScrutinyPolicy = ScrutinyPolicy()
    evidence: EvidencePolicy = EvidencePolicy()


DEFAULT_POLICY = Policy()


def load_policy(path: str | Path) -> Policy:
    """Read a TOML policy file; anything it leaves out keeps the framework's default."""
    source = str(path)
    try:
        with Path(path).open("rb") as stream:
            raw = stream.read(_MAX_POLICY_BYTES + 1)
        if len(raw) > _MAX_POLICY_BYTES:
            raise PolicyError(source, [Problem("", "the file is too large for a policy")])
        data = tomllib.loads(raw.decode("utf-8"))
    except OSError as error:
        raise PolicyError(source, [Problem("", f"cannot read it: {error.strerror}")]) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise PolicyError(source, [Problem("", f"not valid TOML: {error}")]) from None
    return policy_from_data(data, source)


def policy_from_data(data: object, source: str = "policy") -> Policy:
    from ._validation import problems_from  # shared error wording; imported late to avoid a cycle

    try:
        return Policy.model_validate(data)
    except ValidationError as error:
        raise PolicyError(source, problems_from(error, Policy)) from None
