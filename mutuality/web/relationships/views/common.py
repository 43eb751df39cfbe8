"""What the relationship's form pages share: auditing outsiders' views, and one way to show
a form, save it through one action, and say what went wrong (a stale page, or a change the
assessment cannot accept)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django_htmx.middleware import HtmxDetails

from mutuality.framework import CaseError
from mutuality.web.access import is_outsider
from mutuality.web.audit.actions import record
from mutuality.web.relationships.actions import Refused, StaleEdit, audit_held
from mutuality.web.relationships.forms.common import STALE
from mutuality.web.relationships.forms.records import RecordForm
from mutuality.web.relationships.models import Relationship
from mutuality.web.security_log import security_event
from mutuality.web.spoken import spoken_date


class HtmxHttpRequest(HttpRequest):
    """A request as views see it: django-htmx's middleware (settings.MIDDLEWARE) adds `htmx`."""

    htmx: HtmxDetails


def long_date(value: date) -> str:
    """A date in a sentence, as every page writes one (`mutuality.web.spoken`)."""
    return spoken_date(value)


def audit_view(
    request: HttpRequest, relationship: Relationship, page: str, *, held: bool = False
) -> None:
    """A view by someone who is not a participant is recorded (issue 4, audit). A `held` page
    (a private worry's: ADR 0015) is recorded outside the organisation's own log."""
    if request.method == "GET" and is_outsider(request.user, relationship):
        if held:
            audit_held(request.user, "view", relationship, relationship, page=page)
            return
        record(
            user=request.user,
            action="view",
            obj=relationship,
            relationship_id=relationship.pk,
            organisation_id=relationship.organisation_id,
            page=page,
        )


def case_problem(error: CaseError) -> str:
    where = "; ".join(f"{p.path}: {p.message}" for p in error.problems[:3])
    return (
        "This change was not saved, because the relationship's details would no longer fit "
        f"together ({where}). Ask the professional to check the relationship's details."
    )


def _refused_change(request: HttpRequest, r: Relationship, page: str, event: str) -> None:
    """A change that was not saved (from a stale page, or refused whole) is a security event:
    attempts to get round a control are logged (ASVS v5 16.3.3), with ids and never content."""
    message = {
        "stale_edit": "A change from an out-of-date page was refused",
        "change_refused": "A change was refused",
    }[event]
    security_event(
        event,
        message,
        user=request.user,
        level=logging.WARNING,
        relationship_id=r.pk,
        page=page,
    )


def form_page(
    request: HttpRequest,
    relationship: Relationship,
    *,
    make_form: Callable[[QueryDict | None], RecordForm],
    save: Callable[[dict[str, Any]], str],
    template: str,
    context: Callable[[], dict[str, Any]],
    page: str,
    keep_input: bool = True,
    next_page: str = "relationships:detail",
    held: bool = False,
    assessed: bool = True,
) -> HttpResponse:
    """Show the form; on POST save it through one action, or show what is wrong.

    `save` returns the success message. A stale revision saves nothing and shows the form
    again at the latest revision: with what the person typed when they were adding something
    (`keep_input`), or with the latest values when they were changing settings. A saved form
    goes on to `next_page` (a URL name taking the relationship's `pk`). A `held` page's views
    are audited outside the organisation's own log (`audit_view`). A save that changes
    nothing the assessment reads (a questionnaire's draft) says so with `assessed=False`, and its
    message then says nothing about the assessment.
    """
    revision = relationship.revision
    if request.method == "POST":
        form = make_form(request.POST)
        if form.is_valid():
            try:
                done = save(form.cleaned_data)
            except StaleEdit:
                _refused_change(request, relationship, page, "stale_edit")
                relationship.refresh_from_db()
                form = make_form(request.POST if keep_input else None)
                form.refuse(STALE)
                revision = relationship.revision
            except CaseError as error:
                _refused_change(request, relationship, page, "change_refused")
                relationship.refresh_from_db()
                form.refuse(case_problem(error))
                revision = relationship.revision
            except Refused as refused:
                _refused_change(request, relationship, page, "change_refused")
                relationship.refresh_from_db()
                form.refuse(str(refused))
                revision = relationship.revision
            else:
                after = " The assessment is up to date." if assessed else ""
                messages.success(request, f"{done}{after}")
                return redirect(next_page, pk=relationship.pk)
        else:
            # A missing or garbled revision is refused like a stale one: carry on from now.
            revision = form.cleaned_data.get("revision") or relationship.revision
    else:
        form = make_form(None)
        audit_view(request, relationship, page, held=held)
    return render(
        request,
        template,
        {**context(), "relationship": relationship, "form": form, "revision": revision},
    )
