"""Outcome scores from other systems: FHIR QuestionnaireResponses and the scores CSV (ADR 0019).

An import is planned first and written only if asked: `plan_fhir` and `plan_csv` read the file
and say, score by score, what would happen (added to a series, added to a new series, added to
a new relationship, or already there), and `apply_plan` writes exactly that in one transaction.
A dry run is the plan alone. A file with any problem plans nothing and writes nothing.

Whose scores. A FHIR response names its person by the pseudonymous identifier Mutuality's own
bundles give them (`Participant.uid`); a CSV row, imported into one relationship, by the
person's id in the case file (their slug). A FHIR person the organisation has never had is
given a new relationship of their own, set up as little as can be (a professional still to be
named, the co-producer known only by that identifier, stage `proposed`), so that their scores
have a home until someone completes it: its assessment says what is missing. Importing an
organisation's own export again changes nothing: a score is "already there" when its person's
series holds the same score on the same date as many times (compared as the bundle writes them,
so a questionnaire kept as item answers matches its total).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Max, Prefetch, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_noop

from mutuality.framework import Case, CaseError, case_instruments, person_series, validate_case
from mutuality.outcomes import (
    FhirInputError,
    ScoresFileError,
    read_questionnaire_responses,
    read_scores_csv,
    shipped_instruments,
)
from mutuality.web.accounts.models import Organisation
from mutuality.web.relationships.case_io import import_case, series_case
from mutuality.web.relationships.models import (
    OutcomeSeries,
    Participant,
    Relationship,
    Score,
    people_with_names,
)
from mutuality.web.stored_words import said

ADDED = "add"
NEW_SERIES = "add to a new series"
NEW_RELATIONSHIP = "add to a new relationship"
ALREADY_THERE = "already there"
IMPORTED_PROFESSIONAL = "professional"
IMPORTED_CO_PRODUCER = "co-producer"


class ImportRefused(Exception):
    """The file cannot be imported as it is; nothing was written. Each problem names where."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Incoming:
    """One score read from the file: where, whose, on what, when and how much."""

    where: str
    person: str
    instrument: str
    goal: str | None
    on: date
    value: float


@dataclass
class Planned:
    """What happens to one incoming score."""

    incoming: Incoming
    change: str
    relationship: Relationship | None = None
    participant: Participant | None = None


@dataclass
class ImportPlan:
    """Every incoming score with what would happen to it, in the file's order."""

    organisation: Organisation
    scores: list[Planned] = field(default_factory=list)
    passed_over: dict[str, int] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        changes = Counter(planned.change for planned in self.scores)
        return {
            "scores_added": sum(changes[c] for c in (ADDED, NEW_SERIES, NEW_RELATIONSHIP)),
            "scores_already_there": changes[ALREADY_THERE],
            "series_created": len(_new_series(self)),
            "relationships_created": len(_new_people(self)),
        }


def _series_key(person: str, instrument: str, goal: str | None) -> tuple[str, str, str]:
    return (person, instrument, goal or "")


def _new_series(plan: ImportPlan) -> set[tuple[str, str, str]]:
    return {
        _series_key(p.incoming.person, p.incoming.instrument, p.incoming.goal)
        for p in plan.scores
        if p.change in (NEW_SERIES, NEW_RELATIONSHIP)
    }


def _new_people(plan: ImportPlan) -> set[str]:
    return {p.incoming.person for p in plan.scores if p.change == NEW_RELATIONSHIP}


# --- planning -----------------------------------------------------------------------------------


def _as_written(
    relationships: list[Relationship], cases: dict[int, Case]
) -> dict[tuple[str, str, str], Counter[Any]]:
    """Each series' scores as the FHIR bundle writes them, by (person's uid, instrument or
    item series, goal): what an incoming score is compared with. Every relationship's people
    and scores are fetched together, three queries in all; `cases` are the relationships'
    `series_case` already made (by id), not made again."""
    prefetch_related_objects(
        relationships,
        people_with_names(),
        Prefetch("outcome_series", OutcomeSeries.objects.select_related("of")),
        "outcome_series__scores",
    )
    found: dict[tuple[str, str, str], Counter[Any]] = {}
    for relationship in relationships:
        uids = {p.slug: p.uid for p in relationship.participants.all()}
        case = cases.get(relationship.pk) or series_case(relationship)
        for series in person_series(case):
            key = _series_key(uids[series.person], series.instrument.id, series.goal)
            found.setdefault(key, Counter()).update(series.scores)
    return found


def _stored_series(relationships: list[Relationship]) -> set[tuple[str, str, str]]:
    """The series each person already has, to add to (their scores may all be item answers)."""
    return {
        _series_key(s.of.uid, s.instrument, s.goal)
        for relationship in relationships
        for s in relationship.outcome_series.all()
    }


def _plan(
    organisation: Organisation,
    incoming: list[Incoming],
    people: dict[str, Participant],
    cases: dict[int, Case] | None = None,
) -> ImportPlan:
    relationships = list({p.relationship_id: p.relationship for p in people.values()}.values())
    written = _as_written(relationships, cases or {})
    stored = _stored_series(relationships)
    plan = ImportPlan(organisation)
    for score in incoming:
        participant = people.get(score.person)
        key = _series_key(score.person, score.instrument, score.goal)
        there = written.get(key)
        if participant is None:
            change = NEW_RELATIONSHIP
        elif there and there[(score.on, score.value)] > 0:
            there[(score.on, score.value)] -= 1
            change = ALREADY_THERE
        else:
            change = ADDED if key in stored else NEW_SERIES
        relationship = participant.relationship if participant else None
        plan.scores.append(Planned(score, change, relationship, participant))
    return plan


def _recipients_only(incoming: list[Incoming], people: dict[str, Participant]) -> None:
    problems = [
        f"{score.where}: the person {score.person!r} is the {found.role} of relationship "
        f"{found.relationship_id}; scores belong to a co-producer"
        for score in incoming
        if (found := people.get(score.person)) is not None and found.role != "recipient"
    ]
    if problems:
        raise ImportRefused(problems)


def plan_fhir(bundle: Any, organisation: Organisation) -> ImportPlan:
    """What importing a FHIR Bundle of QuestionnaireResponses into the organisation would do.

    Raises:
        ImportRefused: the bundle is malformed, or names someone who is not a co-producer.
    """
    try:
        read = read_questionnaire_responses(bundle, shipped_instruments())
    except FhirInputError as error:
        raise ImportRefused(error.problems) from None
    incoming = [
        Incoming(r.path, r.person, r.instrument, r.goal, r.date, r.score) for r in read.responses
    ]
    keys = {score.person for score in incoming}
    found = Participant.objects.filter(relationship__organisation=organisation, uid__in=keys)
    people: dict[str, Participant] = {}
    for participant in found.select_related("relationship").order_by("pk"):
        if people.setdefault(participant.uid, participant) is not participant:
            raise ImportRefused(
                [f"the person {participant.uid!r} is in more than one relationship here"]
            )
    _recipients_only(incoming, people)
    plan = _plan(organisation, incoming, people)
    plan.passed_over = read.passed_over
    for person in sorted(_new_people(plan)):
        _new_relationship_case(plan, person)  # a new home they cannot have is refused now
    return plan


def plan_csv(text: str, relationship: Relationship) -> ImportPlan:
    """What importing a scores CSV (person,instrument,date,score[,goal]) into one relationship
    would do; `person` is a co-producer's id in the case file.

    Raises:
        ImportRefused: the file is malformed (each problem names its line and column), or names
            someone who is not a co-producer of this relationship.
    """
    case = series_case(relationship)
    instruments, _ = case_instruments(case)
    try:
        series = read_scores_csv(text, "the file", instruments)
    except ScoresFileError as error:  # every problem with its line and column
        raise ImportRefused([f"the file: {problem}" for problem in error.problems]) from None
    by_slug = {p.slug: p for p in relationship.participants.all()}
    unknown = sorted({s.person for s in series} - set(by_slug))
    co_producers = ", ".join(p.slug for p in by_slug.values() if p.role == "recipient")
    if unknown:
        raise ImportRefused(
            [
                f"the file: person {slug!r} is not in this relationship; expected the id of a "
                f"co-producer ({co_producers})"
                for slug in unknown
            ]
        )
    incoming = [
        Incoming(
            f"the file: {s.person}, {s.series_id} on {on.isoformat()}",
            by_slug[s.person].uid,
            s.instrument.id,
            s.goal,
            on,
            float(value),
        )
        for s in series
        for on, value in s.scores
    ]
    people = {by_slug[s.person].uid: by_slug[s.person] for s in series}
    _recipients_only(incoming, people)
    return _plan(relationship.organisation, incoming, people, {relationship.pk: case})


def summary(plan: ImportPlan, *, dry_run: bool) -> dict[str, Any]:
    """The plan as plain data: the totals, and each score with what happens (or happened) to it."""
    return {
        "dry_run": dry_run,
        **plan.counts(),
        "passed_over": plan.passed_over,
        "scores": [
            {
                "where": p.incoming.where,
                "person": p.incoming.person,
                "instrument": p.incoming.instrument,
                "goal": p.incoming.goal,
                "date": p.incoming.on,
                "value": p.incoming.value,
                "change": p.change,
                "relationship": p.relationship.pk if p.relationship else None,
            }
            for p in plan.scores
        ],
    }


# --- writing ------------------------------------------------------------------------------------


def _new_relationship_case(plan: ImportPlan, person: str) -> Case:
    """A case holding only a person's imported scores: two people, nothing else known yet.

    Raises:
        ImportRefused: the scores cannot make a case (more goals than a case holds, say).
    """
    by_series: dict[tuple[str, str], list[Incoming]] = {}
    for p in plan.scores:
        if p.incoming.person == person:
            by_series.setdefault((p.incoming.instrument, p.incoming.goal or ""), []).append(
                p.incoming
            )
    data = {
        "mutuality": 1,
        "title": f"Outcome scores imported on {timezone.localdate().isoformat()}",
        "participants": [
            {"id": IMPORTED_PROFESSIONAL, "role": "professional"},
            {"id": IMPORTED_CO_PRODUCER, "role": "recipient"},
        ],
        "outcomes": [
            {
                "instrument": instrument,
                "of": IMPORTED_CO_PRODUCER,
                **({"goal": goal} if goal else {}),
                "scores": [
                    {"date": s.on.isoformat(), "value": _number(s.value)}
                    for s in sorted(series, key=lambda s: s.on)
                ],
            }
            for (instrument, goal), series in by_series.items()
        ],
    }
    try:
        return validate_case(data, f"the person {person!r}")
    except CaseError as error:
        raise ImportRefused(str(error).splitlines()) from None


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def _create_relationship(plan: ImportPlan, person: str, by: Any) -> Relationship:
    """A new relationship for someone the organisation has not had, with their scores."""
    from mutuality.web.relationships.actions import audit

    relationship = import_case(_new_relationship_case(plan, person), plan.organisation)
    scores = [p for p in plan.scores if p.incoming.person == person]
    Participant.objects.filter(relationship=relationship, slug=IMPORTED_CO_PRODUCER).update(
        uid=person
    )
    audit(by, "import", relationship, relationship, via="scores import", kept=len(scores))
    _flag_deterioration(relationship, list(relationship.outcome_series.select_related("of")), by)
    return relationship


def _flag_deterioration(relationship: Relationship, series: list[OutcomeSeries], by: Any) -> None:
    """A safety flag for each series the latest assessment finds reliably worse, as a score
    typed in would raise (docs/safety/hazard-log.md, H2 and H11)."""
    from mutuality.web.relationships.actions.outcomes import deterioration_flags

    assessment = relationship.assessments.order_by("-created", "-pk").first()
    if assessment is not None:
        for one in series:
            deterioration_flags(one, assessment, by)


def _add_scores(relationship: Relationship, planned: list[Planned], by: Any) -> None:
    from mutuality.web.relationships.actions import audit, bump_revision, reassess

    bump_revision(relationship)
    last = relationship.outcome_series.aggregate(last=Max("position"))["last"]
    position = -1 if last is None else last
    series: dict[tuple[str, str, str], OutcomeSeries] = {}
    for one in relationship.outcome_series.select_related("of").order_by("position", "pk"):
        series.setdefault(_series_key(one.of.uid, one.instrument, one.goal), one)
    for p in planned:
        score, participant = p.incoming, p.participant
        key = _series_key(score.person, score.instrument, score.goal)
        if key not in series and participant is not None:
            position += 1
            series[key] = OutcomeSeries.objects.create(
                relationship=relationship,
                of=participant,
                instrument=score.instrument,
                goal=score.goal,
                position=position,
            )
            audit(by, "create", series[key], relationship, of=participant.pk, via="import")
        created = Score.objects.create(series=series[key], date=score.on, value=score.value)
        audit(
            by,
            "create",
            created,
            relationship,
            series=series[key].pk,
            instrument=score.instrument,
            date=score.on.isoformat(),
            via="import",
        )
    try:
        reassess(
            relationship,
            reason=said(gettext_noop("%(count)s scores imported"), count=len(planned)),
        )
    except CaseError as error:  # the scores do not fit with what the relationship holds
        raise ImportRefused(str(error).splitlines()) from None
    touched = {
        _series_key(p.incoming.person, p.incoming.instrument, p.incoming.goal) for p in planned
    }
    _flag_deterioration(relationship, [series[key] for key in sorted(touched)], by)


@transaction.atomic
def apply_plan(plan: ImportPlan, by: Any) -> ImportPlan:
    """Write the plan: every score it adds, in one transaction, each write audited, each
    relationship touched reassessed once. Returns the plan with the relationships it made.

    Raises:
        ImportRefused: the scores do not fit with a relationship's (rare: more goals than a
            case holds); nothing is written.
    """
    created: dict[str, Relationship] = {}
    for person in sorted(_new_people(plan)):
        created[person] = _create_relationship(plan, person, by)
    adding: dict[int, list[Planned]] = {}
    for planned in plan.scores:
        if planned.change == NEW_RELATIONSHIP:
            planned.relationship = created[planned.incoming.person]
        elif planned.change != ALREADY_THERE and planned.relationship is not None:
            adding.setdefault(planned.relationship.pk, []).append(planned)
    for batch in adding.values():
        relationship = batch[0].relationship
        if relationship is not None:
            _add_scores(relationship, batch, by)
    return plan
