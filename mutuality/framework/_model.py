"""The case model: one co-productive relationship, as docs/case-format.md defines it.

Field names and values are a public contract. Validation here covers each field
on its own; cross-references (participant ids, instruments, score ranges) are
checked in ``_references.py`` so that every problem carries its exact path.
"""

from __future__ import annotations

import functools
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator

from mutuality.outcomes import InstrumentDefinition

from ._questions import QUESTIONS
from ._types import (
    Days,
    Flag,
    FormatVersion,
    IsoDate,
    Number,
    OptionalText,
    RecordId,
    Slug,
    Text,
    expected,
    without_nulls,
)

Stage = Literal["proposed", "active", "ending"]
Setting = Literal[
    "individual_therapy",
    "group_work",
    "peer_support",
    "service_design",
    "research",
    "education",
    "community",
    "other",
]
ParticipantRole = Literal["professional", "recipient"]
Capacity = Literal["presumed", "has", "lacks", "fluctuating", "uncertain"]
Consent = Literal["informed", "given", "not_sought", "declined", "withdrawn"]
AffectedConsent = Literal["informed", "given", "not_sought", "declined", "not_needed"]
Vulnerability = Literal["low", "moderate", "high", "not_assessed"]
ResourceReview = Literal["not_done", "comparable", "costlier_justified", "costlier_unjustified"]
PaymentKind = Literal["salary", "payment", "expenses", "none"]
ContrastIndicator = Literal[
    "shared_clinical_decisions",
    "contact_outside_sessions",
    "social_relationship",
    "payment_between_participants",
    "professional_self_disclosure",
    "recipient_in_staff_role",
    "informal_setting",
    "altered_confidentiality",
    "other",
]
ObservationKind = Literal[
    "malignant_coupling",
    "collusion",
    "traumatic_reenactment",
    "gang_or_cartel",
    "boundary_drift",
    "other",
]
ObservationStatus = Literal["open", "resolved"]
ConsultationOutcome = Literal["continue", "adapt", "switch_model"]


def _or_null(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema`, or null; its title, description and default stay on the outside."""
    kept = {key: schema[key] for key in ("title", "description", "default") if key in schema}
    rest = {key: value for key, value in schema.items() if key not in kept}
    return {**kept, "anyOf": [rest, {"type": "null"}]}


def _allows_null(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "null" or any(
        branch.get("type") == "null" for branch in schema.get("anyOf", ())
    )


def _omitted_may_be_null(schema: dict[str, Any]) -> None:
    """The JSON Schema side of `_null_means_omitted`: a field that may be left out may be null."""
    required = set(schema.get("required", ()))
    properties = schema.get("properties", {})
    for name, prop in properties.items():
        if name not in required and not _allows_null(prop):
            properties[name] = _or_null(prop)


class Part(BaseModel):
    """Base of every part of a case: strict, closed, and null means omitted."""

    model_config = ConfigDict(
        extra="forbid", strict=True, frozen=True, json_schema_extra=_omitted_may_be_null
    )

    @model_validator(mode="before")
    @classmethod
    def _null_means_omitted(cls, data: Any) -> Any:
        # Only for the part's own fields: an unknown field is an error even when it is null.
        return without_nulls(data, _field_names(cls))


@functools.cache
def _field_names(model: type[BaseModel]) -> frozenset[str]:
    """The names a part's fields are written with (`with`, not `with_`)."""
    return frozenset(info.alias or name for name, info in model.model_fields.items())


def _yes_no_from_booleans(data: Any) -> Any:
    # YAML 1.1 reads an unquoted yes/no as a boolean; accept it as the answer meant.
    if isinstance(data, dict):
        return {
            k: {True: "yes", False: "no"}.get(v, v) if isinstance(v, bool) else v
            for k, v in data.items()
        }
    return data


def _answers_schema(schema: dict[str, Any]) -> None:
    """Null means omitted, and `true`/`false` stand for `yes`/`no` where those are answers."""
    _omitted_may_be_null(schema)
    for prop in schema.get("properties", {}).values():
        options = [option for branch in prop.get("anyOf", ()) for option in branch.get("enum", ())]
        for flag, answer in ((True, "yes"), (False, "no")):
            if answer in options:
                prop["anyOf"].append({"const": flag, "description": f"read as {answer!r}"})


class _AnswersBase(Part):
    model_config = ConfigDict(json_schema_extra=_answers_schema)

    @model_validator(mode="before")
    @classmethod
    def _booleans_are_yes_no(cls, data: Any) -> Any:
        return _yes_no_from_booleans(data)

    def given(self) -> dict[str, str]:
        """The answers this person has given, keyed by question id."""
        return {key: value for key, value in self.__dict__.items() if value is not None}


if TYPE_CHECKING:
    Answers = _AnswersBase
else:
    Answers = create_model(
        "Answers",
        __base__=_AnswersBase,
        **{
            q.id: (Literal[q.options] | None, Field(default=None, description=q.asks))
            for q in QUESTIONS
        },
    )


class Participant(Part):
    id: Slug
    # An optional display name, in any script ("Siân Evans", "Nguyễn Văn An"); the id stays the
    # reference used everywhere else in the file.
    name: Text | None = None
    role: ParticipantRole
    capacity: Capacity = "presumed"
    consent: Consent = "not_sought"
    other_roles: list[Text] = []
    vulnerability: Vulnerability | None = None
    can_decline_freely: Flag | None = None
    access_needs: list[Text] = []
    adjustments: list[Text] = []
    answers: Answers = Field(default_factory=Answers)

    @property
    def recipient_vulnerability(self) -> Vulnerability:
        return self.vulnerability or "not_assessed"

    @property
    def called(self) -> str:
        """How words name this person: their `name` when the case gives one, else their id."""
        return self.name or self.id


class AffectedParty(Part):
    id: RecordId | None = None
    name: Text
    consent: AffectedConsent = "not_sought"
    reason: Text | None = None


class Context(Part):
    best_interests: Flag = False
    compulsory: Flag = False
    court_ordered: Flag = False
    coproduced_elements_outside: Flag = False


class Approach(Part):
    co_produced_elements: list[Text] = []
    professional_led_methods: list[Text] = []
    resource_review: ResourceReview = "not_done"
    alternatives_considered: list[Text] = []
    outcome_plan: list[Text] = []


class CostsAndBenefits(Part):
    party: Slug
    costs: list[Text] = []
    benefits: list[Text] = []


class Payment(Part):
    to: Slug
    kind: PaymentKind


class Contract(Part):
    version: Annotated[int, Field(ge=1, le=100_000)] = 1
    agreed_by: list[Slug] = []
    costs_and_benefits: list[CostsAndBenefits] = []
    communicated_to: list[Slug] = []
    payments: list[Payment] = []
    inequalities_addressed: OptionalText | None = None
    power_differential: OptionalText | None = None
    multiple_roles_plan: OptionalText | None = None
    exit_plan: OptionalText | None = None
    review_every_days: Days | None = None
    last_review: IsoDate | None = None


class Scrutiny(Part):
    supervisor: OptionalText | None = None
    supervisor_is_participant: Flag = False
    supervision_every_days: Days | None = None
    last_supervision: IsoDate | None = None
    team_informed: Flag | None = None
    public_reporting: Flag | None = None
    last_independent_review: IsoDate | None = None


class Disclosure(Part):
    id: RecordId | None = None
    by: Slug
    date: IsoDate
    about: Text
    rationale: OptionalText | None = None


class Observation(Part):
    id: RecordId | None = None
    date: IsoDate
    kind: ObservationKind
    by: Text
    status: ObservationStatus = "open"
    note: OptionalText | None = None


class Consultation(Part):
    id: RecordId | None = None
    date: IsoDate
    with_: Text = Field(alias="with")
    outcome: ConsultationOutcome


def _given(name: str) -> dict[str, Any]:
    return {"required": [name], "properties": {name: {"not": {"type": "null"}}}}


def _score_schema(schema: dict[str, Any]) -> None:
    _omitted_may_be_null(schema)
    schema["oneOf"] = [_given("value"), _given("items")]  # exactly one of them, as below


class Score(Part):
    """One score: a total (`value`) or the item responses (`items`), never both."""

    model_config = ConfigDict(json_schema_extra=_score_schema)

    id: RecordId | None = None
    date: IsoDate
    value: Number | None = None
    # `null` marks an unanswered item; only instruments that prorate accept one.
    items: Annotated[list[Number | None], Field(min_length=1, max_length=200)] | None = None

    @model_validator(mode="after")
    def _value_or_items(self) -> Score:
        if (self.value is None) == (self.items is None):
            raise expected("either `value` (a total) or `items` (the item responses), not both")
        return self


class OutcomeSeries(Part):
    id: RecordId | None = None
    instrument: Text
    of: Slug
    goal: Text | None = None
    scores: Annotated[list[Score], Field(min_length=1, max_length=10_000)]


class Case(Part):
    """One co-productive relationship, as written in a case file (format version 1)."""

    mutuality: FormatVersion
    title: Text
    as_of: IsoDate | None = None
    stage: Stage = "proposed"
    started: IsoDate | None = None
    setting: Setting = "other"
    participants: Annotated[list[Participant], Field(min_length=2, max_length=200)]
    affected_parties: list[AffectedParty] | None = None
    context: Context = Context()
    approach: Approach = Approach()
    contract: Contract | None = None
    # Omitted (None) means nobody has examined it yet; `[]` means they looked and found none.
    contrast: list[ContrastIndicator] | None = None
    scrutiny: Scrutiny = Scrutiny()
    disclosures: list[Disclosure] = []
    observations: list[Observation] = []
    uncertain: Flag = False
    consultations: list[Consultation] = []
    outcomes: list[OutcomeSeries] = []
    instruments: list[InstrumentDefinition] = []

    def participant(self, participant_id: str) -> Participant | None:
        return next((p for p in self.participants if p.id == participant_id), None)

    def called(self, participant_id: str) -> str:
        """How words name the participant with this id (see `Participant.called`); any other
        text, such as an observation's free-text `by`, is named as it is written."""
        found = self.participant(participant_id)
        return found.called if found is not None else participant_id

    @property
    def professionals(self) -> list[Participant]:
        return [p for p in self.participants if p.role == "professional"]

    @property
    def recipients(self) -> list[Participant]:
        return [p for p in self.participants if p.role == "recipient"]

    @property
    def declared_contrast(self) -> list[ContrastIndicator]:
        """The indicators `contrast` lists (none when it is omitted)."""
        return self.contrast or []

    @property
    def is_running(self) -> bool:
        """Whether the relationship has started (stage active or ending)."""
        return self.stage in ("active", "ending")

    def with_as_of(self, as_of: date) -> Case:
        return self.model_copy(update={"as_of": as_of})
