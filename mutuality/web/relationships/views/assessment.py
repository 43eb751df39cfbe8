"""Pages about relationships. Views parse, authorise (access.py), call an action, render."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from mutuality.framework import (
    CHANGE_WORDS,
    EXPLANATIONS,
    QUESTIONS_BY_ID,
    SEVERITY_WORDS,
    STATUS_WORDS,
    VOCABULARY,
    Spoken,
    headline,
    scrutiny_reasons,
)
from mutuality.web.access import (
    Permission,
    Reach,
    participant_of,
    reach,
    relationship_for,
)
from mutuality.web.audit.actions import record
from mutuality.web.forms_flow import Confirm, FormFlow, Result, handle
from mutuality.web.relationships import actions
from mutuality.web.relationships.actions import records, stored_reason
from mutuality.web.relationships.case_io import export_yaml
from mutuality.web.relationships.forms.case_file import CaseFileForm
from mutuality.web.relationships.models import AssessedPeriod, ContractVersion
from mutuality.web.relationships.resolving import link_for
from mutuality.web.relationships.speaking import reader_for, spoken, what_to_do
from mutuality.web.relationships.views.common import form_page
from mutuality.web.relationships.views.outcomes import (
    relationship_series,
    series_names,
    trajectories,
)
from mutuality.web.security_log import security_event


def _audit_outsider_view(request: HttpRequest, held: Reach, what: str) -> None:
    relationship = held.relationship
    if held.outsider:
        record(
            user=request.user,
            action="view",
            obj=relationship,
            relationship_id=relationship.pk,
            organisation_id=relationship.organisation_id,
            page=what,
        )


def _divergences(divergences: list[dict[str, Any]], called: dict[str, str]) -> list[dict[str, Any]]:
    """Each differing question in its own words, with each person's answer as they chose it."""
    shown = []
    for d in divergences:
        question = QUESTIONS_BY_ID[d["question"]]
        answers = [
            (called.get(who, who), question.answers.get(answer, answer))
            for who, answer in d["answers"].items()
        ]
        shown.append({"question": question.asked(), "answers": answers})
    return shown


def _change_words(outcome: dict[str, Any]) -> str:
    """A series' change in words: reliable or not, or why it cannot say yet."""
    if outcome["change"] is not None:
        words = str(CHANGE_WORDS[outcome["change"]])
        if category := outcome.get("category"):
            categories = VOCABULARY["outcome_category"]
            said = categories.label(category) if category in categories else category
            # Translators: a reliable change, then its clinical category, e.g. "reliable
            # improvement (recovered)".
            words = gettext("%(change)s (%(category)s)") % {"change": words, "category": said}
        return words
    if outcome.get("n_scores", 0) < 2:
        return gettext("not enough scores yet")
    return gettext("this measure has no reliable-change statistic")


def _outcome(
    outcome: dict[str, Any], names: dict[str, str], called: dict[str, str]
) -> dict[str, Any]:
    """One series' change in words (`_change_words`), and whose it is."""
    return {
        **outcome,
        "of": called.get(outcome["of"], outcome["of"]),
        "change_words": _change_words(outcome),
        "name": names.get(outcome["instrument"], ""),
    }


def _finding(finding: dict[str, Any], said: Spoken, held: Reach) -> dict[str, Any]:
    """A finding in the reader's words, its actions under whom each is for."""
    link = link_for(finding["code"], held.standing, held.relationship.pk)
    return {
        **finding,
        "message": said.message,
        "actions": [(action.heading, action.text) for action in said.actions],
        "label": SEVERITY_WORDS[finding["severity"]],
        "fix_url": link[0] if link else None,
        "fix_label": link[1] if link else None,
    }


def _read_with_the_relationship(today: date) -> dict[str, Any]:
    """What the relationship page reads in the relationship's own query: today's stored
    assessment (`actions.current_result`'s, when there is one) and the latest contract's
    version."""
    period = actions.current(AssessedPeriod.objects.filter(relationship_id=OuterRef("pk")), today)
    contract = ContractVersion.objects.filter(relationship_id=OuterRef("pk")).order_by("-version")
    return {
        "stored_result": Subquery(period.order_by("starts").values("result")[:1]),
        "contract_version": Subquery(contract.values("version")[:1]),
    }


def _detail_context(held: Reach) -> dict[str, Any]:
    relationship = held.relationship
    stored = relationship.__dict__.get("stored_result")
    result = dict(stored) if stored is not None else actions.current_result(relationship)
    me = held.participant
    all_series = relationship_series(relationship)
    names = series_names(all_series)
    called = {p.slug: p.called for p in relationship.participants.all()}  # fetched with it
    reader = reader_for(held.standing, me.slug if me is not None else None, called)
    said = [(f, spoken(f, reader)) for f in result["findings"]]
    return {
        "relationship": relationship,
        "result": result,
        "headline": headline(result["recommendation"], result.get("stage")),
        "explanation": EXPLANATIONS[result["recommendation"]],
        "scrutiny_level": VOCABULARY["scrutiny_level"].label(result["scrutiny"]["level"]),
        "scrutiny_reasons": scrutiny_reasons(result["scrutiny"], lambda who: called.get(who, who)),
        "principles": [
            (VOCABULARY["principle"].label(name), value["status"], STATUS_WORDS[value["status"]])
            for name, value in result["principles"].items()
        ],
        "findings": [_finding(f, words, held) for f, words in said],
        "what_to_do": what_to_do(said, reader),
        "divergences": _divergences(result["divergences"], called),
        "outcomes": [_outcome(o, names, called) for o in result["outcomes"]],
        "history": [
            (
                past.created,
                headline(past.recommendation, past.result.get("stage")),
                stored_reason(past),
            )
            for past in relationship.assessments.all()[:20]
        ],
        "me": me,
        "can_withdraw": me is not None and me.role == "recipient" and has_consent(me),
        "can_export": held.can(Permission.EXPORT),
        "can_upload": held.can(Permission.EDIT),
        "safety_flags": relationship.safety_flags.filter(resolved_at__isnull=True)
        if held.acts_on_safety
        else [],
        **trajectories(all_series, called),
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The relationship's assessment, principle by principle, and its history."""
    held = reach(
        request.user,
        pk,
        people=True,  # the page lists them
        also=_read_with_the_relationship(timezone.localdate()),
    )
    _audit_outsider_view(request, held, "detail")
    return render(request, "relationships/detail.html", _detail_context(held))


@login_required
def export_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Download the relationship as a case file (YAML)."""
    relationship = relationship_for(request.user, pk, Permission.EXPORT)
    record(
        user=request.user,
        action="export",
        obj=relationship,
        relationship_id=relationship.pk,
        organisation_id=relationship.organisation_id,
    )
    security_event("export", "Case file downloaded", relationship_id=pk, format="yaml")
    # The person's own private worries are in their own copy alone (ADR 0015).
    own = relationship.private_worries.filter(raised_by=request.user) if request.user.pk else []
    response = HttpResponse(
        export_yaml(relationship, own_worries=list(own)),
        content_type="application/yaml; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="relationship-{pk}.yaml"'
    return response


GIVEN = ("informed", "given")
NO_CONSENT_TO_WITHDRAW = _(
    "You have not given your consent, so there is nothing to withdraw. You can say whether "
    "you agree to working this way on the consent page."
)


def has_consent(person: Any) -> bool:
    """Whether this person has consented, so that withdrawing it means something."""
    return person.consent in GIVEN


@login_required
@require_http_methods(["GET", "POST"])
def withdraw_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """A co-producer withdraws their consent; it takes effect at once."""
    relationship = relationship_for(request.user, pk, Permission.CONSENT)
    me = participant_of(request.user, relationship)
    if me is None:
        return redirect("relationships:detail", pk=pk)
    if not has_consent(me):
        # Nothing given can be withdrawn: the consent page is where they say yes or no.
        messages.info(request, NO_CONSENT_TO_WITHDRAW)
        return redirect("relationships:detail", pk=pk)

    def act(form: Confirm) -> Result:
        actions.set_consent(participant=me, consent="withdrawn", by=request.user)
        return Result.saved(
            gettext(
                "Your consent is withdrawn. Nothing you have recorded is "
                "lost, and you keep all the help you had."
            )
        )

    def show(form: Confirm) -> HttpResponse:
        context = {"relationship": relationship, "me": me}
        return render(request, "relationships/withdraw_consent.html", context)

    return handle(
        request,
        FormFlow(
            form=Confirm,
            act=act,
            show=show,
            then=reverse("relationships:detail", kwargs={"pk": pk}),
            page="withdraw-consent",
            relationship_id=pk,
        ),
    )


@login_required
@require_http_methods(["GET", "POST"])
def upload_case(request: HttpRequest, pk: int) -> HttpResponse:
    """Bring a changed case file into the relationship; nothing recorded here is lost."""
    relationship = relationship_for(request.user, pk, Permission.EDIT)

    def save(data: dict[str, Any]) -> str:
        notes = records.upload_case(
            relationship=relationship,
            by=request.user,
            case=data["case_file"],
            expected_revision=data["revision"],
        )
        security_event("upload", "Case file uploaded", relationship_id=pk)
        return " ".join([gettext("The case file is uploaded."), *notes])

    def make_form(data: QueryDict | None) -> CaseFileForm:
        return CaseFileForm(data, request.FILES if data is not None else None)

    return form_page(
        request,
        relationship,
        make_form=make_form,
        save=save,
        template="relationships/case_upload.html",
        context=dict,
        page="case-upload",
    )


urlpatterns = [
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/case.yaml", export_case, name="export"),
    path("<int:pk>/case/upload/", upload_case, name="upload"),
    path("<int:pk>/consent/withdraw/", withdraw_consent, name="withdraw-consent"),
]
