"""What the API takes and gives (ADR 0018): pydantic models, which the OpenAPI document is
written from. Names follow the case format (docs: `mutuality schema`) where they overlap."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field, JsonValue, field_validator

from mutuality.framework import VOCABULARY

OBSERVATION_KINDS = [code for code, _ in VOCABULARY["observation_kind"].choices()]
PER_PAGE = 50
TEXT_LIMIT = 5000


class Problem(Schema):
    """Why a request was refused, in a sentence a person can act on."""

    detail: str


class FieldProblem(Schema):
    """One field that was not as expected: where it is (`loc`) and what was wrong (`msg`)."""

    loc: list[str | int]
    msg: str
    type: str


class InvalidInput(Schema):
    """The fields of a request that were not as expected; nothing was changed."""

    detail: list[FieldProblem]


ERRORS: dict[int, Any] = {
    400: Problem,
    401: Problem,
    403: Problem,
    404: Problem,
    409: Problem,
    422: InvalidInput,
    429: Problem,
}
"""The refusals any endpoint may answer with (a token's, access's, the input's and the rate
limit's), declared on every operation so that each answer matches the document."""


class Page(Schema):
    """A page of a list: `count` in all, `page` of `pages` (PER_PAGE to a page)."""

    count: int
    page: int
    pages: int


class RelationshipOut(Schema):
    id: int
    title: str
    stage: str
    setting: str
    started: dt.date | None
    ended_on: dt.date | None
    revision: int
    your_standing: str = Field(
        description="How the token's person stands towards it: professional, co_producer, "
        "supervisor, reviewer or admin."
    )
    recommendation: str | None = Field(
        description="The current assessment's recommendation (the framework's code), or null "
        "before the first assessment."
    )
    consent_withdrawn: bool = Field(
        description="Whether someone in it has withdrawn their consent. The work has then "
        "stopped, whatever its stage says: the service and transparency reports count it as "
        "stopped, not as under way."
    )


class RelationshipPage(Page):
    results: list[RelationshipOut]


class AssessmentOut(Schema):
    revision: int
    created: dt.datetime
    recommendation: str
    reason: str
    result: dict[str, Any] = Field(
        description="The assessment as `mutuality assess --format json` writes it."
    )


class AssessmentPage(Page):
    results: list[AssessmentOut]


class ConsentOut(Schema):
    """One party's consent: a participant (by their id in the case file) or an affected party."""

    party: str = Field(description="participant or affected_party")
    id: str
    role: str | None
    consent: str
    contract_version: int | None = Field(
        description="The contract version a participant's consent was given for."
    )


class WithdrawalIn(Schema):
    """Withdrawing one's own consent: it takes effect at once, and cannot be undone here (the
    consent page on the web asks again)."""

    confirm: bool = Field(description="Must be true: withdrawing consent takes effect at once.")


class ScoreIn(Schema):
    """One filled-in questionnaire: every item's answer (null for one left out), or the total
    when only that is known. Nothing else."""

    date: dt.date
    items: list[int | None] | None = Field(default=None, max_length=200)
    value: float | None = Field(default=None, ge=-1_000_000, le=1_000_000)


class ScoreOut(Schema):
    id: str
    date: dt.date
    items: list[int | None] | None = None
    value: float | None = None


class SeriesOut(Schema):
    """One person's scores on one instrument (or towards one goal), oldest first."""

    id: str
    instrument: str
    of: str = Field(description="The person's id in the case file.")
    goal: str | None = None
    scores: list[ScoreOut]


class WorryIn(Schema):
    """A worry about how the relationship is going: on the shared record, or (`private`, for
    the person the relationship serves) for the supervisor alone (ADR 0015)."""

    kind: str = Field(json_schema_extra={"enum": list[JsonValue](OBSERVATION_KINDS)})
    note: str = Field(default="", max_length=TEXT_LIMIT)
    date: dt.date | None = Field(
        default=None, description="When it was noticed; today if left out."
    )
    private: bool = False

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, kind: str) -> str:
        if kind not in OBSERVATION_KINDS:
            raise ValueError(f"expected one of: {', '.join(OBSERVATION_KINDS)}")
        return kind


class WorryOut(Schema):
    id: str
    kind: str
    date: dt.date
    private: bool


class MessageOut(Schema):
    """One message about the relationship and how its delivery stands (never its words or
    address)."""

    kind: str
    state: str = Field(description="pending, sent, failed or cancelled")
    created: dt.datetime
    sent_at: dt.datetime | None
    attempts: int


class CaseImportOut(Schema):
    """What bringing a case file in changed."""

    revision: int
    notes: list[str]


class ImportedScoreOut(Schema):
    """One score of an imported file, and what the import does (or did) with it."""

    where: str
    person: str
    instrument: str
    goal: str | None
    date: dt.date
    value: float
    change: str
    relationship: int | None


class ImportOut(Schema):
    """What an import of scores changes (a dry run: would change), in all and score by score."""

    dry_run: bool
    scores_added: int
    scores_already_there: int
    series_created: int
    relationships_created: int
    passed_over: dict[str, int]
    scores: list[ImportedScoreOut]
