"""What the relationship's form pages share: auditing outsiders' views, and `form_page`, the
relationship's form pages on the one form flow (`mutuality.web.forms_flow`)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django_htmx.middleware import HtmxDetails

from mutuality.web.access import is_outsider
from mutuality.web.audit.actions import record
from mutuality.web.forms_flow import FormFlow, Outcome, Result, handle
from mutuality.web.relationships.actions import audit_held
from mutuality.web.relationships.forms.records import RecordForm
from mutuality.web.relationships.models import Relationship


class HtmxHttpRequest(HttpRequest):
    """A request as views see it: django-htmx's middleware (settings.MIDDLEWARE) adds `htmx`."""

    htmx: HtmxDetails


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


def form_page(
    request: HttpRequest,
    relationship: Relationship,
    *,
    make_form: Callable[[QueryDict | None], RecordForm],
    save: Callable[[dict[str, Any]], str | Result],
    template: str,
    context: Callable[[], dict[str, Any]],
    page: str,
    keep_input: bool = True,
    next_page: str = "relationships:detail",
    held: bool = False,
    assessed: bool = True,
) -> HttpResponse:
    """A relationship's form page through the one form flow (`mutuality.web.forms_flow`).

    `save` returns the success message, or a `Result` (UNCHANGED when nothing changed). A stale
    revision saves nothing and shows the form again at the latest revision: with what the
    person typed when they were adding something (`keep_input`), or with the latest values when
    they were changing settings. A saved form goes on to `next_page` (a URL name taking the
    relationship's `pk`). A `held` page's views are audited outside the organisation's own log
    (`audit_view`). A save that changes nothing the assessment reads (a questionnaire's draft)
    says so with `assessed=False`, and its message then says nothing about the assessment.
    """
    after = " The assessment is up to date." if assessed else ""
    posted_revision: list[int] = []

    def act(form: RecordForm) -> Result:
        done = save(form.cleaned_data)
        if isinstance(done, str):
            return Result.saved(f"{done}{after}")
        if done.outcome is Outcome.SAVED and done.page is None:
            return Result.saved(f"{done.message}{after}", then=done.then)
        return done

    def again(form: RecordForm, result: Result) -> RecordForm:
        relationship.refresh_from_db()
        if result.outcome is Outcome.STALE:
            return make_form(_submitted(form) if keep_input else None)
        return form

    def invalid(form: RecordForm) -> None:
        # A missing or garbled revision is refused like a stale one: carry on from now.
        posted_revision.append(form.cleaned_data.get("revision") or relationship.revision)

    def show(form: RecordForm) -> HttpResponse:
        revision = posted_revision[0] if posted_revision else relationship.revision
        return render(
            request,
            template,
            {**context(), "relationship": relationship, "form": form, "revision": revision},
        )

    return handle(
        request,
        FormFlow(
            form=make_form,
            act=act,
            show=show,
            then=reverse(next_page, kwargs={"pk": relationship.pk}),
            page=page,
            relationship_id=relationship.pk,
            again=again,
            invalid=invalid,
            viewed=lambda: audit_view(request, relationship, page, held=held),
        ),
    )


def _submitted(form: RecordForm) -> QueryDict:
    """The data a bound form was made from (always the request's QueryDict in the flow)."""
    if not isinstance(form.data, QueryDict):
        raise TypeError("a submitted form is bound to a QueryDict")
    return form.data
