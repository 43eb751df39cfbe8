"""Private worries (ADR 0015): the list of them (the supervisor's all, a raiser's own), and the
supervisor's page for each, with the assessment as it would be if it were on the record, from
which they put it on the record or resolve it privately.

The supervisor's views are audited outside the organisation's own log (`held`), so an admin
reading the audit log never learns that a private worry exists.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from mutuality.framework import HEADLINES, SEVERITY_WORDS
from mutuality.web.access import (
    Permission,
    Standing,
    reach,
    relationship_for,
    visible_private_worries,
)
from mutuality.web.relationships import private_worries
from mutuality.web.relationships.actions import current_result
from mutuality.web.relationships.actions import records as actions
from mutuality.web.relationships.forms.records import (
    OBSERVATION_KINDS,
    PutOnRecordForm,
    ResolvePrivatelyForm,
)
from mutuality.web.relationships.models import PrivateWorry, Relationship, with_names
from mutuality.web.relationships.speaking import reader_for, spoken
from mutuality.web.relationships.views.common import audit_view, form_page


def _row(worry: PrivateWorry) -> dict[str, Any]:
    return {
        "pk": worry.pk,
        "date": worry.date,
        "raised_on": worry.raised_at.date(),
        "act_by": private_worries.act_by(worry),
        "kind": OBSERVATION_KINDS.get(worry.kind, worry.kind),
        "note": worry.note,
        "state": worry.state,
        "state_words": private_worries.STATE_WORDS[worry.state],
        "resolution": worry.resolution,
    }


@login_required
@require_GET
def worry_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The private worries this person may know of: all of them for the supervisor, with what
    each needs; a co-producer's own, with what the supervisor did."""
    held = reach(request.user, pk, Permission.PRIVATE_WORRIES)
    relationship = held.relationship
    audit_view(request, relationship, "private worries", held=True)
    worries = visible_private_worries(request.user, relationship)
    return render(
        request,
        "relationships/records/private_worries.html",
        {
            "relationship": relationship,
            "holder": held.can(Permission.HOLD_PRIVATE_WORRIES),
            "worries": [_row(w) for w in worries],
            "act_within": private_worries.ACT_WITHIN_DAYS,
        },
    )


def _worry(request: HttpRequest, pk: int, worry_pk: int) -> tuple[Relationship, PrivateWorry]:
    relationship = relationship_for(request.user, pk, Permission.HOLD_PRIVATE_WORRIES)
    worry = visible_private_worries(request.user, relationship).filter(pk=worry_pk).first()
    if worry is None:
        raise Http404("No such worry")
    return relationship, worry


def _finding_rows(
    relationship: Relationship, findings: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each finding as the supervisor reads it: spoken by the framework (display names, and in
    the reader's language), never the stored English."""
    called = {p.slug: p.called for p in with_names(relationship.participants.all())}
    reader = reader_for(Standing.SUPERVISOR, None, called)
    return [
        {**f, "label": SEVERITY_WORDS[f["severity"]], "message": spoken(f, reader).message}
        for f in findings
    ]


def _what_if(relationship: Relationship, worry: PrivateWorry) -> dict[str, Any]:
    """Today's shared assessment beside the one the same `assess()` gives with the worry on the
    record, and the findings that only the second has."""
    now = current_result(relationship)
    then = private_worries.hypothetical(relationship, worry).to_dict()
    known = {(f["code"], f["message"]) for f in now["findings"]}
    return {
        "headline_now": HEADLINES[now["recommendation"]],
        "headline_then": HEADLINES[then["recommendation"]],
        "changes_headline": now["recommendation"] != then["recommendation"],
        "added_findings": _finding_rows(
            relationship, [f for f in then["findings"] if (f["code"], f["message"]) not in known]
        ),
    }


@login_required
@require_http_methods(["GET", "POST"])
def worry(request: HttpRequest, pk: int, worry_pk: int) -> HttpResponse:
    """The supervisor reads a private worry and what it would change, and may put it on the
    shared record (without naming who raised it)."""
    relationship, found = _worry(request, pk, worry_pk)

    def context() -> dict[str, Any]:
        return {
            "worry": _row(found),
            "act_within": private_worries.ACT_WITHIN_DAYS,
            **(_what_if(relationship, found) if found.state == "held" else {}),
        }

    if found.state != "held":
        audit_view(request, relationship, "private worry", held=True)
        return render(
            request,
            "relationships/records/private_worry.html",
            {"relationship": relationship, **context()},
        )

    def save(data: dict[str, Any]) -> str:
        actions.put_worry_on_record(
            worry=found, by=request.user, note=data["note"], expected_revision=data["revision"]
        )
        return _("The worry is on the shared record. It does not say who raised it.")

    return form_page(
        request,
        relationship,
        make_form=lambda data: PutOnRecordForm(data),
        save=save,
        template="relationships/records/private_worry.html",
        context=context,
        page="private worry",
        next_page="relationships:private-worries",
        held=True,
    )


@login_required
@require_http_methods(["GET", "POST"])
def resolve(request: HttpRequest, pk: int, worry_pk: int) -> HttpResponse:
    """The supervisor resolves a private worry without putting it on the record, with a note
    for the person who raised it."""
    relationship, found = _worry(request, pk, worry_pk)
    if found.state != "held":
        messages.info(request, _("That worry has already been dealt with."))
        return redirect("relationships:private-worries", pk=relationship.pk)

    def save(data: dict[str, Any]) -> str:
        actions.resolve_worry_privately(worry=found, by=request.user, note=data["note"])
        return _("The worry is resolved privately. Nothing on the shared record has changed.")

    return form_page(
        request,
        relationship,
        make_form=lambda data: ResolvePrivatelyForm(data),
        save=save,
        template="relationships/records/private_worry_resolve.html",
        context=lambda: {"worry": _row(found)},
        page="private worry",
        next_page="relationships:private-worries",
        held=True,
    )


urlpatterns = [
    path("<int:pk>/private-worries/", worry_list, name="private-worries"),
    path("<int:pk>/private-worries/<int:worry_pk>/", worry, name="private-worry"),
    path("<int:pk>/private-worries/<int:worry_pk>/resolve/", resolve, name="private-worry-resolve"),
]
