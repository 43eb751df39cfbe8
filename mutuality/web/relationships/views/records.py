"""Supervision and records: supervision sessions, observations of destructive dynamics,
self-disclosures, consultations, reviews, scrutiny settings and the stage (the audit log is in
audit_log.py).

Views parse, authorise (access.py), call one action (actions/records.py) and render. Every
form carries the revision its page was loaded at; a stale one saves nothing and the form
comes back with the latest details.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mutuality.framework import VOCABULARY
from mutuality.web.access import (
    Permission,
    can,
    participant_of,
    relationship_for,
    visible_private_worries,
)
from mutuality.web.forms_flow import Result
from mutuality.web.relationships import private_worries
from mutuality.web.relationships.actions import current_result
from mutuality.web.relationships.actions import records as actions
from mutuality.web.relationships.contrast import counted_contrast
from mutuality.web.relationships.forms.records import (
    CONSULTATION_OUTCOMES,
    CONTRAST_INDICATORS,
    NEXT_STAGE,
    OBSERVATION_KINDS,
    ConsultationForm,
    ConsultationRequestForm,
    ContrastForm,
    DisclosureForm,
    ObservationForm,
    ResolveForm,
    ReviewForm,
    ScrutinyForm,
    StageForm,
    SupervisionForm,
    known_choice,
)
from mutuality.web.relationships.models import Relationship
from mutuality.web.relationships.views.common import (
    HtmxHttpRequest,
    audit_view,
    form_page,
)
from mutuality.web.spoken import spoken_date


def stage_words(code: str) -> str:
    """A stage as a sentence says it ("proposed (not started yet)"), in the reader's language:
    read in the request, as the framework translates its words when they are read."""
    if code not in VOCABULARY["stage"]:
        return code
    term = VOCABULARY["stage"][code]
    if code == "ended":
        return str(term.label)
    return _("%(label)s (%(hint)s)") % {"label": term.label, "hint": term.hint}


def _observations(user: Any, relationship: Relationship) -> list[dict[str, Any]]:
    """The shared record's observations, open ones first (a private worry is none of them:
    ADR 0015)."""
    rows: list[dict[str, Any]] = [
        {
            "pk": o.pk,
            "date": o.date,
            "kind": OBSERVATION_KINDS.get(o.kind, o.kind),
            "open": o.status == "open",
            "note": o.note,
            "by": private_worries.raised_by_words(o, user),
            "by_me": private_worries.raised_by_reader(o, user),
        }
        for o in relationship.observations.all()
    ]
    rows.sort(key=lambda row: (not row["open"], -row["date"].toordinal(), -row["pk"]))
    return rows


def _panel_context(request: HttpRequest, relationship: Relationship) -> dict[str, Any]:
    user = request.user
    can_edit = can(user, Permission.EDIT, relationship)
    can_supervise = can(user, Permission.SUPERVISE, relationship)
    return {
        "relationship": relationship,
        "observations": _observations(user, relationship),
        "can_observe": can(user, Permission.OBSERVE, relationship),
        "can_edit": can_edit,
        "can_supervise": can_supervise,
        "can_consult": can(user, Permission.CONSULT, relationship),
        "can_request_consultation": can(user, Permission.REQUEST_CONSULTATION, relationship),
        "can_review_independently": can(user, Permission.INDEPENDENT_REVIEW, relationship),
        # The private worries this person may know of: the supervisor's all, a raiser's own.
        "private_worries": _private_worry_counts(user, relationship),
        "can_declare_contrast": can(user, Permission.DECLARE_CONTRAST, relationship),
        "has_contract": relationship.contract_versions.exists(),
        "next_stage": NEXT_STAGE.get(relationship.stage),
        "stage_words": stage_words(relationship.stage),
    }


def _private_worry_counts(user: Any, relationship: Relationship) -> dict[str, int] | None:
    """How many private worries this person may know of, and how many wait for the supervisor;
    None for anyone who may know of none (they are not told there are any)."""
    if not can(user, Permission.PRIVATE_WORRIES, relationship):
        return None
    states = list(visible_private_worries(user, relationship).values_list("state", flat=True))
    return {"all": len(states), "held": states.count("held")}


@login_required
@require_GET
def records(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Everything recorded about the relationship's scrutiny, and links to add to it.

    htmx loads the panel part into the relationship page (`records/_links.html`).
    """
    relationship = relationship_for(request.user, pk)
    audit_view(request, relationship, "records")
    context = _panel_context(request, relationship)
    if request.htmx:
        response = render(request, "relationships/records/_panel.html", context)
    else:
        context |= {
            "supervision": relationship.supervision_records.select_related("recorded_by"),
            "reviews": relationship.review_records.select_related("recorded_by"),
            "disclosures": relationship.disclosures.select_related("by__user").order_by("-date"),
            "consultations": [
                (c, CONSULTATION_OUTCOMES.get(c.outcome, c.outcome))
                for c in relationship.consultations.order_by("-date", "-pk")
            ],
            "contrast": [CONTRAST_INDICATORS.get(c, c) for c in relationship.contrast or []],
            "contrast_examined": relationship.contrast is not None,
        }
        response = render(request, "relationships/records/records.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_http_methods(["GET", "POST"])
def supervision(request: HttpRequest, pk: int) -> HttpResponse:
    """The supervisor records a supervision session."""
    relationship = relationship_for(request.user, pk, Permission.SUPERVISE)

    def save(data: dict[str, Any]) -> str:
        actions.record_supervision(
            relationship=relationship,
            by=request.user,
            on=data["date"],
            note=data["note"],
            expected_revision=data["revision"],
        )
        return _("Supervision on %(date)s is recorded.") % {"date": spoken_date(data["date"])}

    return form_page(
        request,
        relationship,
        make_form=lambda data: SupervisionForm(data, initial={"date": timezone.localdate}),
        save=save,
        template="relationships/records/supervision.html",
        context=lambda: {"sessions": relationship.supervision_records.all()[:5]},
        page="supervision",
    )


@login_required
@require_http_methods(["GET", "POST"])
def observe(request: HttpRequest, pk: int) -> HttpResponse:
    """Anyone in the relationship, or its supervisor, records a worrying dynamic."""
    relationship = relationship_for(request.user, pk, Permission.OBSERVE)
    allow_private = can(request.user, Permission.RAISE_PRIVATELY, relationship)

    def save(data: dict[str, Any]) -> str:
        if data.get("supervisor_only") and allow_private:
            # Held by the supervisor: nothing shared changes, so no revision is claimed.
            actions.raise_private_worry(
                relationship=relationship,
                by=request.user,
                on=data["date"],
                kind=data["kind"],
                note=data["note"],
            )
            return _("Thank you. Your worry is with the supervisor, and nobody else knows of it.")
        actions.raise_observation(
            relationship=relationship,
            by=request.user,
            on=data["date"],
            kind=data["kind"],
            note=data["note"],
            expected_revision=data["revision"],
        )
        return _("Thank you. Your worry is recorded.")

    return form_page(
        request,
        relationship,
        make_form=lambda data: ObservationForm(
            data,
            initial={"date": timezone.localdate},
            allow_private=allow_private,
            has_supervisor=relationship.supervisor_id is not None,
        ),
        save=save,
        template="relationships/records/observe.html",
        context=lambda: {
            "observations": _observations(request.user, relationship),
            "own_private_worries": private_worries.own_rows(request.user, relationship),
        },
        page="observe",
    )


@login_required
@require_http_methods(["GET", "POST"])
def resolve_observation(request: HttpRequest, pk: int, observation_pk: int) -> HttpResponse:
    """The supervisor marks an observation resolved, once what it describes has changed."""
    relationship = relationship_for(request.user, pk, Permission.SUPERVISE)
    observation = get_object_or_404(relationship.observations.all(), pk=observation_pk)
    if observation.status != "open":
        messages.info(request, _("That worry is already marked as resolved."))
        return redirect("relationships:records", pk=relationship.pk)

    def save(data: dict[str, Any]) -> str:
        actions.resolve_observation(
            observation=observation, by=request.user, expected_revision=data["revision"]
        )
        return _("The worry is marked as resolved. It stays on record.")

    return form_page(
        request,
        relationship,
        make_form=lambda data: ResolveForm(data),
        save=save,
        template="relationships/records/resolve.html",
        context=lambda: {
            "observation": next(
                row
                for row in _observations(request.user, relationship)
                if row["pk"] == observation.pk
            )
        },
        page="resolve observation",
    )


@login_required
@require_http_methods(["GET", "POST"])
def disclosure(request: HttpRequest, pk: int) -> HttpResponse:
    """The professional records something they shared about themselves, and why."""
    relationship = relationship_for(request.user, pk, Permission.EDIT)
    me = participant_of(request.user, relationship)
    if me is None or me.role != "professional":
        raise PermissionDenied(_("Only the professional records their own self-disclosures"))

    def save(data: dict[str, Any]) -> str:
        actions.record_disclosure(
            relationship=relationship,
            by=request.user,
            participant=me,
            on=data["date"],
            about=data["about"],
            rationale=data["rationale"],
            expected_revision=data["revision"],
        )
        return _("Your self-disclosure is recorded.")

    return form_page(
        request,
        relationship,
        make_form=lambda data: DisclosureForm(data, initial={"date": timezone.localdate}),
        save=save,
        template="relationships/records/disclosure.html",
        context=lambda: {"disclosures": relationship.disclosures.order_by("-date", "-pk")[:5]},
        page="disclosure",
    )


@login_required
@require_http_methods(["GET", "POST"])
def consultation(request: HttpRequest, pk: int) -> HttpResponse:
    """The professional or the supervisor records a consultation about the model of helping."""
    relationship = relationship_for(request.user, pk, Permission.CONSULT)

    def save(data: dict[str, Any]) -> str:
        actions.record_consultation(
            relationship=relationship,
            by=request.user,
            on=data["date"],
            with_whom=data["with_whom"],
            outcome=data["outcome"],
            expected_revision=data["revision"],
        )
        return _("The consultation is recorded.")

    return form_page(
        request,
        relationship,
        make_form=lambda data: ConsultationForm(data, initial={"date": timezone.localdate}),
        save=save,
        template="relationships/records/consultation.html",
        context=lambda: {
            "consultations": [
                (c, CONSULTATION_OUTCOMES.get(c.outcome, c.outcome))
                for c in relationship.consultations.order_by("-date", "-pk")[:5]
            ],
            "requests": [r for r in _requests(relationship) if not r["answered"]],
        },
        page="consultation",
    )


_REVIEWS = {"contract": Permission.EDIT, "independent": Permission.INDEPENDENT_REVIEW}


@login_required
@require_http_methods(["GET", "POST"])
def request_consultation(request: HttpRequest, pk: int) -> HttpResponse:
    """The co-producer asks for a consultation about another model of helping."""
    relationship = relationship_for(request.user, pk, Permission.REQUEST_CONSULTATION)
    me = participant_of(request.user, relationship)
    if me is None:  # the permission is a participant's; this guards the type
        raise PermissionDenied(_("Only someone in the relationship asks for a consultation"))

    def save(data: dict[str, Any]) -> str:
        actions.request_consultation(
            relationship=relationship,
            by=request.user,
            participant=me,
            reason=data["reason"],
            expected_revision=data["revision"],
        )
        return _("You have asked for a consultation. The professional and the supervisor are told.")

    return form_page(
        request,
        relationship,
        make_form=lambda data: ConsultationRequestForm(data),
        save=save,
        template="relationships/records/consultation_request.html",
        context=lambda: {"requests": _requests(relationship)},
        page="consultation request",
    )


def _requests(relationship: Relationship) -> list[dict[str, Any]]:
    """The relationship's requests for a consultation, newest first, each with whether a
    consultation has answered it."""
    return [
        {
            "on": r.requested_at.date(),
            "by": r.requested_by.called if r.requested_by else _("Someone"),
            "reason": r.reason,
            "answered": r.answered_by_id is not None,
        }
        for r in relationship.consultation_requests.select_related("requested_by")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A contract review (the professional) or an independent review (the supervisor, or the
    reviewer assigned to the relationship)."""
    if kind not in _REVIEWS:
        raise Http404("No such kind of review")
    relationship = relationship_for(request.user, pk, _REVIEWS[kind])

    def save(data: dict[str, Any]) -> str:
        actions.record_review(
            relationship=relationship,
            by=request.user,
            kind=kind,
            on=data["date"],
            note=data["note"],
            expected_revision=data["revision"],
        )
        said = {"date": spoken_date(data["date"])}
        if kind == "contract":
            return _("The contract review on %(date)s is recorded.") % said
        return _("The independent review on %(date)s is recorded.") % said

    def context() -> dict[str, Any]:
        contract = relationship.contract_versions.order_by("-version").first()
        last = (
            (contract.last_review if contract else None)
            if kind == "contract"
            else relationship.last_independent_review
        )
        return {"kind": kind, "contract": contract, "last": last}

    if kind == "contract" and not relationship.contract_versions.exists():
        audit_view(request, relationship, "contract review")
        return render(
            request,
            "relationships/records/review.html",
            {"relationship": relationship, "kind": kind, "contract": None},
        )
    return form_page(
        request,
        relationship,
        make_form=lambda data: ReviewForm(data, initial={"date": timezone.localdate}),
        save=save,
        template="relationships/records/review.html",
        context=context,
        page=f"{kind} review",
    )


def _scrutiny_initial(relationship: Relationship) -> dict[str, Any]:
    return {
        "supervision_every_days": relationship.supervision_every_days,
        "team_informed": known_choice(relationship.team_informed),
        "public_reporting": known_choice(relationship.public_reporting),
        "contrast": list(relationship.contrast or []),
        "uncertain": relationship.uncertain,
        "supervisor_is_participant": relationship.supervisor_is_participant,
    }


def _scrutiny_words(level: str) -> str:
    """A scrutiny level as a sentence says it, in the reader's language (read in the request)."""
    if level not in VOCABULARY["scrutiny_level"]:
        return level
    term = VOCABULARY["scrutiny_level"][level]
    return _("%(label)s (%(hint)s)") % {"label": term.label, "hint": term.hint}


@login_required
@require_http_methods(["GET", "POST"])
def contrast(request: HttpRequest, pk: int) -> HttpResponse:
    """Both people say how their work departs from usual care, and see what the assessment
    counts and why (format 1.1: what the answers and the record show counts either way)."""
    relationship = relationship_for(request.user, pk, Permission.DECLARE_CONTRAST)

    def save(data: dict[str, Any]) -> str | Result:
        if not actions.declare_contrast(
            relationship=relationship,
            by=request.user,
            declared=data["declared"],
            expected_revision=data["revision"],
        ):
            return Result.unchanged()
        if not data["declared"]:
            return _("You have said your work does not differ from usual care.")
        return _("How your work differs from usual care is saved.")

    def initial() -> dict[str, Any]:
        declared = relationship.contrast
        return {"contrast": declared or [], "none": declared == []}

    def context() -> dict[str, Any]:
        scrutiny = current_result(relationship)["scrutiny"]
        level = scrutiny["level"]
        return {
            "counted": counted_contrast(scrutiny, relationship, request.user),
            "examined": relationship.contrast is not None,
            "level": _scrutiny_words(level),
        }

    return form_page(
        request,
        relationship,
        make_form=lambda data: ContrastForm(data, initial=initial()),
        save=save,
        template="relationships/records/contrast.html",
        context=context,
        page="contrast",
        keep_input=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def scrutiny(request: HttpRequest, pk: int) -> HttpResponse:
    """The professional's scrutiny settings."""
    relationship = relationship_for(request.user, pk, Permission.EDIT)

    def save(data: dict[str, Any]) -> str | Result:
        values = {field: data[field] for field in actions.SCRUTINY_FIELDS}
        if relationship.contrast is None and not values["contrast"]:
            values["contrast"] = None  # still unexamined: "none" is said on the contrast page
        if not actions.update_scrutiny(
            relationship=relationship,
            by=request.user,
            values=values,
            expected_revision=data["revision"],
        ):
            return Result.unchanged()
        return _("The scrutiny settings are saved.")

    return form_page(
        request,
        relationship,
        make_form=lambda data: ScrutinyForm(data, initial=_scrutiny_initial(relationship)),
        save=save,
        template="relationships/records/scrutiny.html",
        context=dict,
        page="scrutiny",
        keep_input=False,
    )


@login_required
@require_http_methods(["GET", "POST"])
def stage(request: HttpRequest, pk: int) -> HttpResponse:
    """The professional moves the work on: proposed → active → ending → ended."""
    relationship = relationship_for(request.user, pk, Permission.EDIT)

    def save(data: dict[str, Any]) -> str:
        actions.change_stage(
            relationship=relationship,
            by=request.user,
            to=data["to"],
            started=data.get("started"),
            expected_revision=data["revision"],
        )
        return _("The work is now %(stage)s.") % {"stage": stage_words(data["to"])}

    def make_form(data: QueryDict | None) -> StageForm:
        following = NEXT_STAGE.get(relationship.stage)
        return StageForm(
            data,
            current=relationship.stage,
            initial={"to": following, "started": relationship.started or timezone.localdate()},
        )

    if NEXT_STAGE.get(relationship.stage) is None:
        audit_view(request, relationship, "stage")
        return render(
            request,
            "relationships/records/stage.html",
            {"relationship": relationship, "next_stage": None},
        )
    return form_page(
        request,
        relationship,
        make_form=make_form,
        save=save,
        template="relationships/records/stage.html",
        context=lambda: {
            "next_stage": NEXT_STAGE.get(relationship.stage),
            "current_words": stage_words(relationship.stage),
        },
        page="stage",
        keep_input=False,
    )


urlpatterns = [
    path("<int:pk>/records/", records, name="records"),
    path("<int:pk>/supervision/", supervision, name="supervision"),
    path("<int:pk>/observations/new/", observe, name="observe"),
    path(
        "<int:pk>/observations/<int:observation_pk>/resolve/",
        resolve_observation,
        name="observation-resolve",
    ),
    path("<int:pk>/disclosures/new/", disclosure, name="disclosure"),
    path("<int:pk>/consultations/new/", consultation, name="consultation"),
    path("<int:pk>/consultations/request/", request_consultation, name="consultation-request"),
    path("<int:pk>/reviews/<slug:kind>/", review, name="review"),
    path("<int:pk>/scrutiny/", scrutiny, name="scrutiny"),
    path("<int:pk>/contrast/", contrast, name="contrast"),
    path("<int:pk>/stage/", stage, name="stage"),
]
