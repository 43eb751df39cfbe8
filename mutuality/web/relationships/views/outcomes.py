"""Wellbeing questionnaires: what has been measured, how it has moved, and filling one in.

The trajectories come from the framework (`person_series`, the same series the assessment
classifies) and are drawn by the outcomes package, so the picture and the assessment always
agree. Who may fill in whose questionnaire is decided in access.py.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_http_methods

from mutuality.framework import case_instruments, person_series
from mutuality.outcomes import (
    Instrument,
    ItemText,
    OutcomesError,
    PersonSeries,
    credit_lines,
    item_text,
    resolve_series,
    trajectories_svg,
)
from mutuality.web.access import (
    Permission,
    can,
    participant_of,
    questionnaire_people,
    relationship_for,
)
from mutuality.web.forms_flow import posted_value
from mutuality.web.relationships import due
from mutuality.web.relationships.actions import outcomes as actions
from mutuality.web.relationships.assessed import instrument_name
from mutuality.web.relationships.case_io import series_case, to_case
from mutuality.web.relationships.forms.outcomes import (
    AgreeScheduleForm,
    DraftForm,
    Questionnaire,
    QuestionnaireForm,
    ScheduleForm,
    StartQuestionnaireForm,
    answers,
    draft_answers,
    restored,
    value,
)
from mutuality.web.relationships.models import (
    OutcomeSeries,
    QuestionnaireDraft,
    QuestionnaireSchedule,
    Relationship,
)
from mutuality.web.relationships.views.common import audit_view, form_page
from mutuality.web.spoken import spoken_date

log = logging.getLogger(__name__)
PHONE_CHART_WIDTH = 320  # the width, in its own units, of the chart a phone is shown


def _instruments(relationship: Relationship) -> dict[str, Instrument]:
    """The shipped instruments and the relationship's own, by id."""
    return case_instruments(to_case(relationship))[0]


def _words(instrument: Instrument) -> ItemText | None:
    """The instrument's item wording, or None when there is none this service may show."""
    try:
        return item_text(instrument)
    except OutcomesError:
        # A broken organisation file must not stop anyone recording a score by number.
        log.exception("The organisation's wording for %s could not be read", instrument.id)
        return None


def _questionnaire(series: OutcomeSeries, instruments: dict[str, Instrument]) -> Questionnaire:
    instrument = resolve_series(series.instrument, instruments)
    if instrument is None:  # the assessment refuses such a series, so it is never stored
        raise LookupError(series.instrument)
    return Questionnaire(instrument=instrument, text=_words(instrument), goal=series.goal)


def _series_rows(
    user: Any, relationship: Relationship, instruments: dict[str, Instrument]
) -> list[dict[str, Any]]:
    mine = set(questionnaire_people(user, relationship).values_list("pk", flat=True))
    due_now = due.questionnaires_due(relationship, timezone.localdate())
    # Only this person's own drafts: nobody else learns that one exists.
    drafts = set(
        QuestionnaireDraft.objects.filter(series__relationship=relationship, by=user).values_list(
            "series_id", flat=True
        )
    )
    rows = []
    for series in relationship.outcome_series.select_related("of__user").prefetch_related("scores"):
        instrument = resolve_series(series.instrument, instruments)
        scores = list(series.scores.all())
        rows.append(
            {
                "series": series,
                "name": instrument.name if instrument else series.instrument,
                "latest": scores[-1] if scores else None,
                "count": len(scores),
                "due": series.pk in due_now,
                "can_fill_in": series.of_id in mine,
                "draft": series.of_id in mine and series.pk in drafts,
            }
        )
    return rows


def relationship_series(relationship: Relationship) -> list[PersonSeries]:
    """Every score series of the relationship, as the assessment reads them (read once per
    page, then given to `series_names` and `trajectories`)."""
    return person_series(series_case(relationship))


def series_names(all_series: list[PersonSeries]) -> dict[str, str]:
    """Each series' name for people ("PHQ-9", "Goal-based outcomes: goal 1"), by series id."""
    return {s.series_id: s.instrument.name + (f": {s.goal}" if s.goal else "") for s in all_series}


def _measure(series: PersonSeries) -> str:
    """A series as the table of scores names it: the questionnaire, and the goal if any."""
    if not series.goal:
        return series.instrument.name
    return gettext("%(questionnaire)s (goal: %(goal)s)") % {
        "questionnaire": series.instrument.name,
        "goal": series.goal,
    }


def trajectories(all_series: list[PersonSeries], called: Mapping[str, str]) -> dict[str, Any]:
    """The picture of every series over time (wide, and narrow for a phone), and the same numbers
    as a table, each person named as `called` says (their name by their id)."""
    series = [replace(s, person=called.get(s.person, s.person)) for s in all_series if s.scores]
    if not series:
        return {"svg": None, "svg_narrow": None, "table": []}
    table = [
        {
            "person": s.person,
            "measure": _measure(s),
            "date": day,
            "score": f"{score:g}",
        }
        for s in series
        for day, score in s.scores
    ]
    # trajectories_svg escapes every piece of text it writes, so the markup is safe to embed.
    # A phone is shown a narrower drawing with words of the same size (docs/responsive.md).
    title = gettext("Wellbeing scores over time")
    svg = mark_safe(trajectories_svg(series, title=title))  # noqa: S308
    narrow = trajectories_svg(series, title=title, width=PHONE_CHART_WIDTH, ids="svg-narrow")
    return {"svg": svg, "svg_narrow": mark_safe(narrow), "table": table}  # noqa: S308


@login_required
def outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    """Every questionnaire series, when each is due, and the scores over time."""
    relationship = relationship_for(request.user, pk)
    audit_view(request, relationship, "outcomes")
    case = to_case(relationship)
    context = {
        "relationship": relationship,
        "rows": _series_rows(request.user, relationship, case_instruments(case)[0]),
        "can_start": can(request.user, Permission.SCORE, relationship)
        and questionnaire_people(request.user, relationship).exists(),
        "every_days": due.questionnaire_every_days(),
        "schedules": _schedules(request.user, relationship),
        "can_schedule": _can_schedule(request.user, relationship),
        **trajectories(person_series(case), {p.id: p.called for p in case.participants}),
    }
    return render(request, "relationships/outcomes/outcomes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start measuring someone's wellbeing with a questionnaire (or towards a goal)."""
    relationship = relationship_for(request.user, pk, Permission.SCORE)
    people = list(questionnaire_people(request.user, relationship))
    if not people:
        raise PermissionDenied(gettext("There is nobody whose questionnaires you may start here"))
    instruments = {
        key: value for key, value in _instruments(relationship).items() if "." not in key
    }
    taken = {(s.of.slug, s.instrument) for s in relationship.outcome_series.select_related("of")}

    def save(data: dict[str, Any]) -> str:
        of = next(p for p in people if p.slug == data["of"])
        actions.start_series(
            relationship=relationship,
            by=request.user,
            of=of,
            instrument=data["instrument"],
            goal=data["goal"],
            expected_revision=data["revision"],
        )
        return gettext("The %(questionnaire)s questionnaire is started for %(name)s.") % {
            "questionnaire": instruments[data["instrument"]].name,
            "name": of.called,
        }

    return form_page(
        request,
        relationship,
        make_form=lambda data: StartQuestionnaireForm(
            data, people=people, instruments=instruments, taken=taken
        ),
        save=save,
        template="relationships/outcomes/start.html",
        context=dict,
        page="outcomes-start",
        next_page="relationships:outcomes",
    )


# What a questionnaire's second and third buttons send (name "draft"): keep the answers so far
# for later, or throw away the ones kept. The first button, and Enter, finish it.
KEEP, DISCARD = "keep", "discard"


@login_required
@require_http_methods(["GET", "POST"])
def fill_in(request: HttpRequest, pk: int, series_pk: int) -> HttpResponse:
    """Fill in one questionnaire, item by item, with the credit its words need; or keep the
    answers so far to finish later (a draft only this person sees), or discard them."""
    relationship = relationship_for(request.user, pk, Permission.SCORE)
    series = get_object_or_404(relationship.outcome_series.select_related("of__user"), pk=series_pk)
    if not questionnaire_people(request.user, relationship).filter(pk=series.of_id).exists():
        raise PermissionDenied(gettext("You cannot fill in this person's questionnaire"))
    questionnaire = _questionnaire(series, _instruments(relationship))
    draft = QuestionnaireDraft.objects.filter(series=series, by=request.user.pk).first()
    intent = posted_value(request, "draft")
    name = questionnaire.instrument.name
    needs_help: list[int] = []

    def finish(data: dict[str, Any]) -> str:
        items = answers(questionnaire, data)
        actions.record_score(
            series=series,
            by=request.user,
            on=data["date"],
            items=items,
            value=value(data),
            expected_revision=data["revision"],
        )
        needs_help.extend(actions.self_harm_answers(series, items))
        return gettext("The %(questionnaire)s questionnaire of %(date)s is saved.") % {
            "questionnaire": name,
            "date": spoken_date(data["date"]),
        }

    def keep(data: dict[str, Any]) -> str:
        items = answers(questionnaire, data)
        actions.save_draft(series=series, by=request.user, answers=draft_answers(data), items=items)
        needs_help.extend(actions.self_harm_answers(series, items))
        return gettext(
            "Your answers to the %(questionnaire)s are saved. Only you can see them. "
            "Come back to finish."
        ) % {"questionnaire": name}

    def discard(data: dict[str, Any]) -> str:
        if actions.discard_draft(series=series, by=request.user):
            return gettext("Your saved answers to the %(questionnaire)s are deleted.") % {
                "questionnaire": name
            }
        return gettext("You had no saved answers to the %(questionnaire)s.") % {
            "questionnaire": name
        }

    initial = {"date": timezone.localdate, **(restored(draft.answers) if draft else {})}
    text = questionnaire.text
    response = form_page(
        request,
        relationship,
        # Keeping or discarding needs no answer at all; only finishing needs them all.
        make_form=lambda data: (DraftForm if intent in (KEEP, DISCARD) else QuestionnaireForm)(
            data, questionnaire=questionnaire, initial=initial
        ),
        save={KEEP: keep, DISCARD: discard}.get(intent or "", finish),
        template="relationships/outcomes/fill_in.html",
        context=lambda: {
            "series": series,
            "questionnaire": questionnaire,
            "stem": text.stem if text else None,
            "credits": credit_lines(text) if text else [],
            "scores": list(series.scores.all()),
            "draft": draft,
            "keep": KEEP,
            "discard": DISCARD,
        },
        page="outcomes-fill-in",
        next_page="relationships:outcomes",
        assessed=intent not in (KEEP, DISCARD),
    )
    if needs_help:
        # An answer about thoughts of self-harm is never just stored, in a draft either: show
        # where to get help. The help comes first on that page, so the green "Done" the form
        # queued is dropped (reading the queue marks it used); the page says the answers are
        # saved, after it.
        list(messages.get_messages(request))
        return redirect("relationships:help-now", pk=relationship.pk)
    return response


# --- the schedule of reminders the two people agree ---------------------------------------------


def _can_schedule(user: Any, relationship: Relationship) -> bool:
    """The two people who fill in the questionnaires (SCORE) set their schedule together."""
    return (
        can(user, Permission.SCORE, relationship) and participant_of(user, relationship) is not None
    )


def _scheduled_instruments(relationship: Relationship) -> dict[str, str]:
    """The questionnaires started for someone in the relationship, by id, with their names."""
    started = relationship.outcome_series.filter(of__role="recipient").values_list(
        "instrument", flat=True
    )
    return {i: instrument_name(relationship, i) for i in sorted(set(started))}


def _schedules(user: Any, relationship: Relationship) -> list[dict[str, Any]]:
    """Each schedule as both people see it: how often, set by whom, agreed by whom."""
    rows = relationship.questionnaire_schedules.select_related("set_by", "agreed_by")
    mine = _can_schedule(user, relationship)
    return [
        {
            "schedule": s,
            "name": instrument_name(relationship, s.instrument),
            "set_by": s.set_by.shown_name if s.set_by else gettext("someone no longer here"),
            "agreed_by": s.agreed_by.shown_name if s.agreed_by else "",
            "can_agree": mine and s.agreed_at is None and s.set_by_id != user.pk,
        }
        for s in rows
    ]


@login_required
@require_http_methods(["GET", "POST"])
def schedule(request: HttpRequest, pk: int) -> HttpResponse:
    """Either person sets how often a questionnaire is due; the other then agrees to it."""
    relationship = relationship_for(request.user, pk, Permission.SCORE)
    if participant_of(request.user, relationship) is None:
        raise PermissionDenied(gettext("Only the two people in the relationship set its schedule"))
    instruments = _scheduled_instruments(relationship)

    def save(data: dict[str, Any]) -> str:
        actions.set_schedule(
            relationship=relationship,
            by=request.user,
            instrument=data["instrument"],
            every_weeks=data["every_weeks"],
            expected_revision=data["revision"],
        )
        weeks = data["every_weeks"]
        return ngettext(
            "The %(questionnaire)s questionnaire is now due every %(weeks)s week, "
            "once the other person agrees.",
            "The %(questionnaire)s questionnaire is now due every %(weeks)s weeks, "
            "once the other person agrees.",
            weeks,
        ) % {"questionnaire": instruments[data["instrument"]], "weeks": weeks}

    return form_page(
        request,
        relationship,
        make_form=lambda data: ScheduleForm(data, instruments=instruments),
        save=save,
        template="relationships/outcomes/schedule.html",
        context=lambda: {
            "instruments": instruments,
            "schedules": _schedules(request.user, relationship),
        },
        page="outcomes-schedule",
        next_page="relationships:outcomes",
    )


@login_required
@require_http_methods(["GET", "POST"])
def agree_schedule(request: HttpRequest, pk: int, schedule_pk: int) -> HttpResponse:
    """The other person agrees to a schedule, so that its reminders start."""
    relationship = relationship_for(request.user, pk, Permission.SCORE)
    if participant_of(request.user, relationship) is None:
        raise PermissionDenied(
            gettext("Only the two people in the relationship agree its schedule")
        )
    found: QuestionnaireSchedule = get_object_or_404(
        relationship.questionnaire_schedules.select_related("set_by"), pk=schedule_pk
    )
    name = instrument_name(relationship, found.instrument)

    def save(data: dict[str, Any]) -> str:
        actions.agree_schedule(schedule=found, by=request.user, expected_revision=data["revision"])
        return gettext(
            "You agreed: the %(questionnaire)s questionnaire is due every %(weeks)s weeks."
        ) % {"questionnaire": name, "weeks": found.every_weeks}

    return form_page(
        request,
        relationship,
        make_form=lambda data: AgreeScheduleForm(data),
        save=save,
        template="relationships/outcomes/schedule_agree.html",
        context=lambda: {
            "found": found,
            "name": name,
            "set_by": found.set_by.shown_name
            if found.set_by
            else gettext("someone no longer here"),
        },
        page="outcomes-schedule-agree",
        next_page="relationships:outcomes",
    )


urlpatterns = [
    path("<int:pk>/outcomes/", outcomes, name="outcomes"),
    path("<int:pk>/outcomes/schedule/", schedule, name="outcomes-schedule"),
    path(
        "<int:pk>/outcomes/schedule/<int:schedule_pk>/agree/",
        agree_schedule,
        name="outcomes-schedule-agree",
    ),
    path("<int:pk>/outcomes/new/", start, name="outcomes-start"),
    path("<int:pk>/outcomes/<int:series_pk>/", fill_in, name="outcomes-fill-in"),
]
