"""The stored assessment as typed rows: written here, by `actions.reassess` only.

From one relationship and the framework's assessments of it over time (`assess_over_time`),
this writes the rows every list and report reads (models.py, "The stored assessment as
rows"): each period's recommendation, scrutiny and statuses; each period's findings; each
person's "what is due" items; each outcome series' summary. Nothing here decides a finding:
findings come from the framework, and the other due items are plain facts of the record (a
contract version nobody has agreed yet, an observation still open, a consent withdrawn, a
questionnaire not filled in for a while).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Literal

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_noop, override

from mutuality.framework import (
    Assessment,
    Case,
    Finding,
    Reader,
    finding_from_dict,
    person_series,
    speak,
)
from mutuality.outcomes import (
    MEDIUM_TERM_DAYS,
    SHORT_TERM_DAYS,
    Instrument,
    PersonSeries,
    ScorePair,
    category,
    classify_series,
    paired_outcome,
    shipped_instruments,
    side,
)
from mutuality.web.relationships import tallies
from mutuality.web.relationships.case_io import instrument_definitions, latest_contract
from mutuality.web.relationships.contract_changes import material
from mutuality.web.relationships.forms.questions import contract_terms
from mutuality.web.relationships.models import (
    DUE_CATEGORIES,
    ROWS_VERSION,
    URGENCY,
    AssessedPeriod,
    ContractVersion,
    CurrentFinding,
    DueItem,
    OutcomeSeries,
    PairedSummary,
    Participant,
    Relationship,
    SeriesSummary,
    with_names,
)
from mutuality.web.relationships.private_worries import act_by
from mutuality.web.stored_words import Said, finding_words, said

DEFAULT_QUESTIONNAIRE_EVERY_DAYS = 28
"""How often a wellbeing questionnaire is due, unless settings say otherwise (about monthly:
often enough to see change within the framework's short-term horizon of 90 days)."""

MEASURING_STAGES = ("active", "ending")
CONSENT_CODES = (
    "respect.consent_missing",
    "respect.consent_uninformed",
    "respect.affected_consent_missing",
)
OVERDUE_CODES = (
    "competence.supervision_overdue",
    "integrity.review_overdue",
    "competence.independent_review_due",
)
PAIRED = ("phq9", "gad7")
_EVERYONE: dict[str, Any] = {
    "for_professional": True,
    "for_co_producer": True,
    "for_supervisor": True,
    "for_reviewer": True,
    "for_admin": True,
}
# Safety flags and a withdrawn consent go to the people who must act at once (issue 4).
_ACTING: dict[str, Any] = {"for_professional": True, "for_supervisor": True}

Periods = Sequence[tuple[date, Assessment]]
DUE_RANKS = {key: rank for rank, (key, _) in enumerate(DUE_CATEGORIES)}
"""Each category's place on the list: a safety flag first, then a withdrawn consent."""


def questionnaire_every_days() -> int:
    return int(getattr(settings, "QUESTIONNAIRE_EVERY_DAYS", DEFAULT_QUESTIONNAIRE_EVERY_DAYS))


@dataclass(frozen=True)
class Span:
    starts: date
    ends: date | None


def spans(periods: Periods) -> list[Span]:
    """Each period's first day and the next period's first day (none for the last)."""
    starts = [start for start, _ in periods]
    return [Span(start, end) for start, end in zip(starts, [*starts[1:], None], strict=True)]


DUE_RECORDS = (
    "safety_flags",
    "questionnaire_schedules",
    "private_worries",
    "consultation_requests",
)
"""What the due items read besides the case's own records (case_io.CASE_RECORDS)."""


def open_since(relationship_ids: Sequence[int], today: date) -> dict[int, dict[str, date]]:
    """Each finding open today, by relationship, with the first day of its unbroken run (kept
    across reassessments, so a finding open for months says so)."""
    found: dict[int, dict[str, date]] = {pk: {} for pk in relationship_ids}
    rows = CurrentFinding.objects.filter(relationship_id__in=relationship_ids, starts__lte=today)
    for pk, code, since in rows.exclude(ends__lte=today).values_list(
        "relationship_id", "code", "since"
    ):
        found[pk].setdefault(code, since)
    return found


def clear(relationship_ids: Sequence[int]) -> None:
    """Delete the typed rows of these relationships (before writing them again)."""
    for model in (AssessedPeriod, CurrentFinding, DueItem, SeriesSummary, PairedSummary):
        model.objects.filter(relationship_id__in=relationship_ids).delete()


class Rows:
    """Typed rows for many relationships, saved with one bulk insert per table."""

    def __init__(self) -> None:
        self.periods: list[AssessedPeriod] = []
        self.findings: list[CurrentFinding] = []
        self.due: list[DueItem] = []
        self.summaries: list[SeriesSummary] = []
        self.paired: list[PairedSummary] = []
        self.written: list[int] = []

    def add(
        self,
        relationship: Relationship,
        periods: Periods,
        since: dict[str, date],
        people: dict[str, Participant],
        today: date,
    ) -> None:
        """The periods, their findings and the due items of one relationship."""
        self.written.append(relationship.pk)
        for span, (_, assessment) in zip(spans(periods), periods, strict=True):
            self.periods.append(_period(relationship, span, assessment))
            for position, finding in enumerate(assessment.findings):
                first_seen = since.get(finding.code, span.starts)
                since.setdefault(finding.code, first_seen)
                self.findings.append(
                    CurrentFinding(
                        relationship=relationship,
                        starts=span.starts,
                        ends=span.ends,
                        code=finding.code,
                        principle=finding.principle,
                        severity=finding.severity,
                        concerns=list(finding.concerns),
                        message=finding.message,
                        since=first_seen,
                        position=position,
                    )
                )
            since = {f.code: since[f.code] for f in assessment.findings}
        self.due.extend(due_items(relationship, finding_spans(periods), people, today))

    def series(
        self, relationship: Relationship, case: Case, people: dict[str, Participant]
    ) -> None:
        found = [_in_date_order(one) for one in person_series(case) if one.scores]
        self.summaries.extend(series_summaries(relationship, found, people))
        self.paired.extend(paired_summaries(relationship, found, people))

    def shares(self, relationships: Sequence[Relationship]) -> list[tuple[Relationship, Any]]:
        """Each relationship's share of its organisation's tallies, from its rows here."""
        kinds: tuple[list[Any], ...] = (self.periods, self.findings, self.summaries, self.paired)
        mine: dict[int, tuple[list[Any], ...]] = {r.pk: ([], [], [], []) for r in relationships}
        for kind, rows in enumerate(kinds):
            for row in rows:
                mine[row.relationship_id][kind].append(row)
        return [(r, tallies.facts(r, *mine[r.pk])) for r in relationships]

    def save(self) -> None:
        AssessedPeriod.objects.bulk_create(self.periods, batch_size=500)
        CurrentFinding.objects.bulk_create(self.findings, batch_size=500)
        DueItem.objects.bulk_create(self.due, batch_size=500)
        SeriesSummary.objects.bulk_create(self.summaries, batch_size=500)
        PairedSummary.objects.bulk_create(self.paired, batch_size=500)
        Relationship.objects.filter(pk__in=self.written).update(rows_version=ROWS_VERSION)


def _open_since(relationship: Relationship, today: date) -> dict[str, date]:
    """Each finding open today, with the first day of its unbroken run (kept across changes)."""
    found = relationship.current_findings.filter(starts__lte=today).exclude(ends__lte=today)
    return dict(found.values_list("code", "since"))


def _period(relationship: Relationship, span: Span, assessment: Assessment) -> AssessedPeriod:
    statuses = assessment.principles
    return AssessedPeriod(
        relationship=relationship,
        organisation_id=relationship.organisation_id,
        title=relationship.title,
        stage=relationship.stage,
        starts=span.starts,
        ends=span.ends,
        recommendation=assessment.recommendation,
        urgency=URGENCY[assessment.recommendation],
        scrutiny_level=assessment.scrutiny.level,
        supervision_every_days=assessment.scrutiny.supervision_every_days,
        respect=statuses["respect"],
        competence=statuses["competence"],
        responsibility=statuses["responsibility"],
        integrity=statuses["integrity"],
        result=assessment.to_dict(),
    )


@dataclass(frozen=True)
class FindingSpan:
    """A finding over the days it applies."""

    finding: Finding
    starts: date
    ends: date | None

    @property
    def code(self) -> str:
        return self.finding.code


def finding_spans(periods: Periods) -> list[FindingSpan]:
    return [
        FindingSpan(finding, span.starts, span.ends)
        for span, (_, assessment) in zip(spans(periods), periods, strict=True)
        for finding in assessment.findings
    ]


def rewrite_due(relationship: Relationship, today: date) -> None:
    """Write the relationship's due items again after a change that needs no new assessment
    (a safety flag raised or resolved), from the findings already stored (with their words'
    parameters, which only the stored assessment holds): in the service's language, like every
    stored row (`actions._reassess_batch`)."""
    with override(settings.LANGUAGE_CODE):
        _rewrite_due(relationship, today)


def _rewrite_due(relationship: Relationship, today: date) -> None:
    stored = relationship.periods.order_by("starts").only("starts", "ends", "result")
    findings = [
        FindingSpan(finding_from_dict(f), period.starts, period.ends)
        for period in stored
        for f in period.result["findings"]
    ]
    people = {p.slug: p for p in with_names(relationship.participants.all())}
    relationship.due_items.all().delete()
    DueItem.objects.bulk_create(due_items(relationship, findings, people, today), batch_size=500)


def due_items(
    relationship: Relationship,
    findings: Sequence[FindingSpan],
    people: dict[str, Participant],
    today: date,
) -> Iterator[DueItem]:
    """Everything due in the relationship, each with who sees it, in the dashboard's order."""
    for position, item in enumerate(_due(relationship, findings, people, today)):
        item.position = position
        yield item


def _due(
    relationship: Relationship,
    findings: Sequence[FindingSpan],
    people: dict[str, Participant],
    today: date,
) -> Iterator[DueItem]:
    pk = relationship.pk
    for flag in relationship.safety_flags.all():
        if flag.resolved_at is not None:
            continue
        url = reverse("relationships:safety-flag", kwargs={"pk": pk, "flag_pk": flag.pk})
        yield _item(
            relationship, "safety", flag.detail, today, url=url, words=flag.words, **_ACTING
        )
    detail = reverse("relationships:detail", kwargs={"pk": pk})
    for person in people.values():
        if person.consent == "withdrawn":
            text = said(gettext_noop("%(name)s has withdrawn their consent"), name=person.called)
            yield _item(relationship, "withdrawn", text, today, url=detail, **_ACTING)
    yield from _private_worries(relationship)  # held by the supervisor, even after the work ends
    if relationship.stage == "ended":
        return  # nothing more is asked of an ended relationship
    yield from _from_findings(relationship, findings, people, "consent", CONSENT_CODES)
    yield from _contract(relationship, people, today)
    yield from _from_findings(relationship, findings, people, "overdue", OVERDUE_CODES)
    yield from _observations(relationship, today)
    yield from _consultation_requests(relationship, people, today)
    yield from _questionnaires(relationship, people, today)


def _item(
    relationship: Relationship,
    category: str,
    text: Said | str,
    starts: date,
    *,
    ends: date | None = None,
    words: dict[str, Any] | None = None,
    **fields: Any,
) -> DueItem:
    """An item of the list; its words kept in English and as their message (stored_words)."""
    if isinstance(text, Said):
        words = text.words()
        text = text.english()
    return DueItem(
        relationship=relationship,
        organisation_id=relationship.organisation_id,
        title=relationship.title,
        category=category,
        rank=DUE_RANKS[category],
        text=text,
        words=words or {},
        starts=starts,
        ends=ends,
        **fields,
    )


def _from_findings(
    relationship: Relationship,
    findings: Sequence[FindingSpan],
    people: dict[str, Participant],
    category: str,
    codes: tuple[str, ...],
) -> Iterator[DueItem]:
    """Each finding of these codes as an item everyone sees, in the framework's words for its
    reader: the person it is about reads "you" (an item of their own); the rest read names."""
    names = {slug: person.called for slug, person in people.items()}
    for found in findings:
        if found.code not in codes:
            continue
        general = speak(found.finding, Reader(None, names)).message
        own = {
            slug: words
            for slug in found.finding.concerns
            if slug in people
            and (words := speak(found.finding, Reader(slug, names)).message) != general
        }
        # One item can leave out one person: the rare finding that speaks differently to two
        # of them (none of the due codes today) reads by name to both.
        apart = next(iter(own)) if len(own) == 1 else None
        if apart is not None:
            to = people[apart]
            yield _item(
                relationship,
                category,
                own[apart],
                found.starts,
                ends=found.ends,
                words=_spoken_again(found, apart, names),
                code=found.code,
                to_participant=to,
            )
        yield _item(
            relationship,
            category,
            general,
            found.starts,
            ends=found.ends,
            words=_spoken_again(found, None, names),
            code=found.code,
            except_participant=people[apart] if apart is not None else None,
            **_EVERYONE,
        )


def _spoken_again(
    found: FindingSpan, reader: str | None, names: dict[str, str]
) -> dict[str, Any] | None:
    """How a finding's item is spoken again in its reader's language (None: a finding kept
    without its words' parameters reads as stored)."""
    params = found.finding.params
    return finding_words(params, reader, names) if params is not None else None


def _contract(
    relationship: Relationship, people: dict[str, Participant], today: date
) -> Iterator[DueItem]:
    latest = latest_contract(relationship)
    if latest is None:
        return
    agreed = {a.participant_id for a in latest.agreements.all()}
    pk = relationship.pk
    if latest.declined_at is not None:
        return  # nobody can agree to it now: the contract page invites a new proposal
    if all(person.pk in agreed for person in people.values()):
        yield from _consent_to_confirm(relationship, latest, people, today)
    for person in people.values():
        if person.pk in agreed:
            continue
        yield _item(
            relationship,
            "contract",
            said(
                gettext_noop("Contract version %(version)s is waiting for your agreement"),
                version=latest.version,
            ),
            today,
            url=reverse("relationships:contract-agree", kwargs={"pk": pk}),
            to_participant=person,
        )
        yield _item(
            relationship,
            "contract",
            said(
                gettext_noop("Contract version %(version)s is waiting for %(name)s's agreement"),
                version=latest.version,
                name=person.called,
            ),
            today,
            url=reverse("relationships:contract", kwargs={"pk": pk}),
            except_participant=person,
            **_EVERYONE,
        )


def _consent_to_confirm(
    relationship: Relationship,
    agreed: ContractVersion,
    people: dict[str, Participant],
    today: date,
) -> Iterator[DueItem]:
    """ "Confirm your consent for version N", to each person whose consent was given for an
    earlier version with other costs, benefits, payment or exit plan (ADR 0014). Reads the
    versions fetched with the relationship."""
    versions = {v.version: v for v in relationship.contract_versions.all()}
    url = reverse("relationships:contract-consent", kwargs={"pk": relationship.pk})
    for person in people.values():
        given_for = person.consent_version
        if person.consent not in ("informed", "given") or given_for is None:
            continue
        if given_for >= agreed.version:
            continue
        then = versions.get(given_for)
        if not material(contract_terms(then) if then else None, contract_terms(agreed)):
            continue
        text = said(
            gettext_noop("Confirm your consent for version %(version)s of the contract"),
            version=agreed.version,
        )
        yield _item(relationship, "consent", text, today, url=url, to_participant=person)


def _observations(relationship: Relationship, today: date) -> Iterator[DueItem]:
    url = reverse("relationships:records", kwargs={"pk": relationship.pk})
    for o in relationship.observations.all():
        if o.status != "open":
            continue
        text = said(
            gettext_noop("%(kind)s noticed on %(date)s"),
            {"kind": "observation_kind"},
            kind=o.kind,
            date=o.date,
        )
        yield _item(relationship, "observations", text, today, url=url, **_EVERYONE)


def _private_worries(relationship: Relationship) -> Iterator[DueItem]:
    """Each private worry still held, on its supervisor's list alone (ADR 0015), from the day it
    was raised; past `ACT_WITHIN_DAYS` it says it is overdue. Its words never say who raised it."""
    for worry in relationship.private_worries.all():
        if worry.state != "held":
            continue
        url = reverse(
            "relationships:private-worry", kwargs={"pk": relationship.pk, "worry_pk": worry.pk}
        )
        raised, last = worry.raised_at.date(), act_by(worry)
        yield _item(
            relationship,
            "private_worries",
            said(
                gettext_noop(
                    "A worry was raised privately with you on %(raised)s: put it on the record "
                    "or resolve it by %(last)s"
                ),
                raised=raised,
                last=last,
            ),
            raised,
            ends=last + timedelta(days=1),
            url=url,
            for_supervisor=True,
        )
        yield _item(
            relationship,
            "private_worries",
            said(
                gettext_noop(
                    "A worry was raised privately with you on %(raised)s: it is overdue, so act "
                    "on it now"
                ),
                raised=raised,
            ),
            last + timedelta(days=1),
            url=url,
            for_supervisor=True,
        )


def _consultation_requests(
    relationship: Relationship, people: dict[str, Participant], today: date
) -> Iterator[DueItem]:
    """Each request for a consultation not yet answered, for the professional and the
    supervisor, until a consultation is recorded."""
    by_pk = {person.pk: person for person in people.values()}
    url = reverse("relationships:consultation", kwargs={"pk": relationship.pk})
    for request in relationship.consultation_requests.all():
        if request.answered_by_id is not None:
            continue
        asker = by_pk.get(request.requested_by_id or 0)
        asked = request.requested_at.date()
        text = (
            said(
                gettext_noop(
                    "%(name)s asked on %(date)s for a consultation about another way of helping"
                ),
                name=asker.called,
                date=asked,
            )
            if asker is not None
            else said(
                gettext_noop(
                    "Someone in the relationship asked on %(date)s for a consultation about "
                    "another way of helping"
                ),
                date=asked,
            )
        )
        yield _item(
            relationship,
            "consultation_requests",
            text,
            request.requested_at.date(),
            url=url,
            for_professional=True,
            for_supervisor=True,
        )


def _questionnaires(
    relationship: Relationship, people: dict[str, Participant], today: date
) -> Iterator[DueItem]:
    """A series never filled in is due now; one filled in is due again `every` days after its
    last score (or as often as the schedule the two people agreed says), while the work goes
    on. The professional and the person themselves see it."""
    if relationship.stage not in MEASURING_STAGES:
        return
    usual = timedelta(days=questionnaire_every_days())
    agreed = {
        s.instrument: timedelta(weeks=s.every_weeks)
        for s in relationship.questionnaire_schedules.all()
        if s.agreed_at is not None
    }
    fixed = relationship.as_of  # an imported case that fixes its own date is judged on it
    for series in relationship.outcome_series.all():
        if series.of.role != "recipient":
            continue
        every = agreed.get(series.instrument, usual)
        dates = [score.date for score in series.scores.all()]
        due_from = max(dates) + every if dates else today
        if fixed is not None:
            if due_from > fixed:
                continue
            due_from = today
        url = reverse(
            "relationships:outcomes-fill-in",
            kwargs={"pk": relationship.pk, "series_pk": series.pk},
        )
        what = _series_name(relationship, series)
        # The person it is for reads "for you"; the professional reads their name (from
        # `people`, who were fetched with their names).
        yield _item(
            relationship,
            "questionnaires",
            said(gettext_noop("%(questionnaire)s for you"), questionnaire=what),
            due_from,
            url=url,
            to_participant=series.of,
            series=series,
        )
        yield _item(
            relationship,
            "questionnaires",
            said(
                gettext_noop("%(questionnaire)s for %(name)s"),
                questionnaire=what,
                name=people[series.of.slug].called,
            ),
            due_from,
            url=url,
            for_professional=True,
            except_participant=series.of,
            series=series,
        )


def _series_name(relationship: Relationship, series: OutcomeSeries) -> str:
    what = instrument_name(relationship, series.instrument)
    return what + (f" (goal: {series.goal})" if series.goal else "")


def instrument_name(relationship: Relationship, instrument_id: str) -> str:
    """The instrument's name for people (a shipped one, or one the relationship or its
    organisation defines)."""
    parent = instrument_id.split(".", 1)[0]
    shipped = shipped_instruments().get(parent)
    defined = instrument_definitions(relationship)
    own = next((d for d in defined if d.get("id") == parent), None)
    name = shipped.name if shipped else (own or {}).get("name", parent)
    return f"{name}: {instrument_id.split('.', 1)[1]}" if "." in instrument_id else str(name)


Horizon = Literal["latest", "short", "medium", "long"]
HORIZONS: tuple[Horizon, ...] = ("short", "medium", "long")


def _horizon_of(days: int) -> Horizon:
    # The windows of outcomes.md section 4, by the outcomes package's own constants.
    if days <= SHORT_TERM_DAYS:
        return "short"
    return "medium" if days <= MEDIUM_TERM_DAYS else "long"


def horizon_pair(series: PersonSeries, horizon: Horizon) -> ScorePair | None:
    """The first score and the last later score inside the horizon (scores in date order)."""
    if len(series.scores) < 2:
        return None
    first_day, first = series.scores[0]
    if horizon == "latest":
        return (first, series.scores[-1][1])
    inside = [s for d, s in series.scores[1:] if _horizon_of((d - first_day).days) == horizon]
    return (first, inside[-1]) if inside else None


def group_key(series: PersonSeries) -> str:
    """Goals pool into their instrument; every other series (ONS4 items too) stays apart."""
    return series.instrument.id if series.goal is not None else series.series_id


def series_summaries(
    relationship: Relationship, found: Sequence[PersonSeries], people: dict[str, Participant]
) -> Iterator[SeriesSummary]:
    """Each outcome series (scores in date order) as the outcomes package classifies it, at
    each horizon, for the reports to count."""
    has = {(one.person, one.series_id) for one in found}
    for one in found:
        scores = one.scores
        instrument = one.instrument
        change = classify_series(instrument, scores)
        ends = {h: _end(horizon_pair(one, h)) for h in HORIZONS}
        yield SeriesSummary(
            relationship=relationship,
            person=people[one.person],
            series_id=one.series_id,
            instrument=instrument.id,
            group_key=group_key(one),
            goal=one.goal is not None,
            n_scores=len(scores),
            first_date=scores[0][0],
            first_score=scores[0][1],
            last_date=scores[-1][0],
            last_score=scores[-1][1],
            change=change.change or "",
            category=change.category or "",
            short_score=ends["short"],
            medium_score=ends["medium"],
            long_score=ends["long"],
            short_change=change.horizons.short or "",
            medium_change=change.horizons.medium or "",
            long_change=change.horizons.long or "",
            short_category=_category(instrument, scores[0][1], ends["short"]),
            medium_category=_category(instrument, scores[0][1], ends["medium"]),
            long_category=_category(instrument, scores[0][1], ends["long"]),
            reliable=instrument.reliable_change is not None,
            clinical=_can_recover(instrument) and side(instrument, scores[0][1]) == "clinical",
            paired=all((one.person, m) in has for m in PAIRED) and one.series_id in PAIRED,
        )


def _in_date_order(series: PersonSeries) -> PersonSeries:
    # Stable: scores given on the same day keep the order they were given in.
    return replace(series, scores=sorted(series.scores, key=lambda score: score[0]))


def _category(instrument: Instrument, first: float, later: float | None) -> str:
    return "" if later is None else category(instrument, first, later) or ""


def _can_recover(instrument: Instrument) -> bool:
    # As the outcomes package's group change counts recovery: both statistics are needed.
    return instrument.cutoff is not None and instrument.reliable_change is not None


def paired_summaries(
    relationship: Relationship, found: Sequence[PersonSeries], people: dict[str, Participant]
) -> Iterator[PairedSummary]:
    """Each person with both a PHQ-9 and a GAD-7 series: their paired outcome at each horizon
    (NHS Talking Therapies), one row a horizon."""
    mine: dict[str, dict[str, PersonSeries]] = {}
    for one in found:
        if one.series_id in PAIRED:
            mine.setdefault(one.person, {})[one.series_id] = one
    for person, own in mine.items():
        if len(own) < len(PAIRED):
            continue
        phq9, gad7 = own["phq9"], own["gad7"]
        begins = max(phq9.scores[0][0], gad7.scores[0][0])
        for horizon in ("latest", *HORIZONS):
            pairs = horizon_pair(phq9, horizon), horizon_pair(gad7, horizon)
            row = PairedSummary(
                relationship=relationship,
                person=people[person],
                horizon=horizon,
                first_date=begins,
                finished=None not in pairs,
            )
            if pairs[0] is not None and pairs[1] is not None:
                outcome = paired_outcome(person, phq9=pairs[0], gad7=pairs[1])
                row.caseness = outcome.caseness
                row.recovered = bool(outcome.recovered)
                row.reliable_recovery = bool(outcome.reliable_recovery)
                row.reliable_improvement = outcome.reliable_improvement
                row.reliable_deterioration = outcome.reliable_deterioration
            yield row


def _end(pair: tuple[float, float] | None) -> float | None:
    return None if pair is None else pair[1]
