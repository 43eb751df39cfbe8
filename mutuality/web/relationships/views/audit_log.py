"""The organisation's audit log, for its admins: every event, newest first, a page at a time,
narrowed by what was done, by whom, about which relationship and when.

It reads a page of events in the same few queries however long the log is, and counts at most
`COUNTED_AT_MOST` matching events (an index range, so a page costs the same in a log of a hundred
thousand events or a hundred million): beyond that the page says there are more and offers the
filters, which reach any event. A filter with a value that makes no sense is shown as a problem
on the form and narrows nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import cached_property
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from mutuality._csv import Cell, stream_table
from mutuality.web.access import audit_trail_organisation
from mutuality.web.accounts.forms import NhsFormMixin
from mutuality.web.accounts.models import Organisation
from mutuality.web.audit.actions import record
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.forms.records import DateField
from mutuality.web.relationships.models import Relationship
from mutuality.web.security_log import refused

AUDIT_PAGE_SIZE = 50
COUNTED_AT_MOST = 10_000
LARGEST_ID = 2**63 - 1  # the largest relationship id a database column holds

_VERBS = {
    "create": "Added",
    "update": "Changed",
    "delete": "Deleted",
    "view": "Viewed",
    "export": "Downloaded",
    "import": "Imported",
}
_THINGS = {
    "relationships.Relationship": "the relationship",
    "relationships.Participant": "a participant",
    "relationships.AffectedParty": "an affected party",
    "relationships.ContractVersion": "a contract version",
    "relationships.ContractAgreement": "an agreement to the contract",
    "relationships.ContractResponse": "an answer to a contract version",
    "relationships.Disclosure": "a self-disclosure",
    "relationships.Observation": "an observation",
    "relationships.Consultation": "a consultation",
    "relationships.OutcomeSeries": "an outcome measure",
    "relationships.Score": "a score",
    "relationships.Invitation": "an invitation",
    "relationships.SupervisionRecord": "a supervision record",
    "relationships.ReviewRecord": "a review",
    "organisation.StaffInvitation": "an invitation of staff",
    "accounts.User": "a user",
    "usersessions.UserSession": "a session",
    "accounts.Organisation": "the organisation's figures",
    "outbox.OutgoingMessage": "an undelivered message",
}
ACTIONS = [
    ("create", "Added something"),
    ("update", "Changed something"),
    ("delete", "Deleted something"),
    ("view", "Viewed something (from outside the relationship)"),
    ("export", "Downloaded something"),
    ("import", "Imported a case file"),
    ("publish", "Published the transparency report"),
]


def describe(event: AuditEvent) -> str:
    """What happened, in plain words (never the content of notes)."""
    verb = _VERBS.get(event.action, event.action.replace("_", " ").capitalize())
    thing = _THINGS.get(event.object_type, event.object_type.rsplit(".", 1)[-1].lower())
    detail = event.detail if isinstance(event.detail, dict) else {}
    if event.object_type == "accounts.Organisation" and event.action == "update":
        thing = "the organisation's settings"
    if detail.get("kind") == "audit_log":
        return f"{verb} the audit log"
    words = f"{verb} {thing}"
    if isinstance(detail.get("page"), str):
        words += f" ({detail['page']} page)"
    if isinstance(detail.get("field"), str):
        words += f": {detail['field'].replace('_', ' ')}"
        if isinstance(detail.get("before"), str) and isinstance(detail.get("after"), str):
            words += f" from {detail['before']} to {detail['after']}"
    if isinstance(detail.get("changes"), dict) and detail["changes"]:
        words += ": " + ", ".join(str(name).replace("_", " ") for name in detail["changes"])
    if isinstance(detail.get("relationships"), int):
        words += f", over {detail['relationships']:,} relationships"
    if isinstance(detail.get("kind"), str):
        words += f" ({detail['kind'].replace('_', ' ')})"
    return words


class AuditFilters(NhsFormMixin, forms.Form):
    """What the audit log is narrowed to; every field may be left empty."""

    action = forms.ChoiceField(
        label="What was done",
        required=False,
        choices=[("", "Anything"), *ACTIONS],
        error_messages={"invalid_choice": "Choose what was done from the list"},
    )
    who = forms.CharField(
        label="Who did it",
        help_text="Part of their name or username",
        required=False,
        max_length=200,
        strip=True,
    )
    relationship = forms.CharField(
        label="Relationship",
        help_text="Its number, or words from its title",
        required=False,
        max_length=200,
        strip=True,
    )
    on_or_after = DateField(
        label="On or after", what="the first day", required=False, allow_future=True
    )
    on_or_before = DateField(
        label="On or before", what="the last day", required=False, allow_future=True
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("on_or_after"), cleaned.get("on_or_before")
        if first and last and first > last:
            self.add_error("on_or_before", "The last day must be the same as or after the first")
        return cleaned

    def chosen(self) -> dict[str, Any]:
        """The filters given, without those that have a problem (they narrow nothing)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}


def _about(organisation: int, text: str) -> Q:
    """Events about a relationship of the organisation with this number or title words."""
    titled = Relationship.objects.filter(organisation_id=organisation, title__icontains=text)
    about = Q(relationship_id__in=titled.values("pk"))
    if text.isascii() and text.isdigit() and int(text) <= LARGEST_ID:
        about |= Q(relationship_id=int(text))
    return about


class CappedPaginator(Paginator):  # type: ignore[type-arg]  # generic only to the type checker
    """Pages of events that count no further than `COUNTED_AT_MOST` (reading one more to know
    whether there are more): past that many, `more_than_counted` says so and the pages stop."""

    object_list: QuerySet[AuditEvent]

    @cached_property
    def counted(self) -> int:
        return self.object_list[: COUNTED_AT_MOST + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self.counted, COUNTED_AT_MOST)

    @property
    def more_than_counted(self) -> bool:
        return self.counted > COUNTED_AT_MOST


def audit_events(organisation: int, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The organisation's events that match the filters, newest first."""
    events = AuditEvent.objects.filter(organisation_id=organisation).select_related("user")
    if "action" in filters:
        events = events.filter(action=filters["action"])
    if "who" in filters:
        events = events.filter(
            Q(user__username__icontains=filters["who"])
            | Q(user__display_name__icontains=filters["who"])
        )
    if "relationship" in filters:
        events = events.filter(_about(organisation, filters["relationship"]))
    first: date | None = filters.get("on_or_after")
    last: date | None = filters.get("on_or_before")
    if first is not None:
        events = events.filter(at__date__gte=first)
    if last is not None:
        events = events.filter(at__date__lte=last)
    return events.order_by("-at", "-pk")


@login_required
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    """The organisation's audit trail, newest first, for its admins only (404 for others)."""
    organisation = audit_trail_organisation(request.user)
    if organisation is None:
        refused(request.user, 404, page="audit log")
        raise Http404("No such page")
    form = AuditFilters(request.GET or None)
    filters = form.chosen()
    events = audit_events(organisation, filters)
    page = CappedPaginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    ids = {event.relationship_id for event in page if event.relationship_id is not None}
    titles = dict(
        Relationship.objects.filter(organisation_id=organisation, pk__in=ids).values_list(
            "pk", "title"
        )
    )
    rows = [
        {
            "at": event.at,
            "who": event.user.shown_name if event.user else "Someone whose account is deleted",
            "role": event.user.get_role_display() if event.user else "",
            "what": describe(event),
            "relationship_id": event.relationship_id,
            "title": titles.get(event.relationship_id) if event.relationship_id else None,
        }
        for event in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "relationships/records/audit.html",
        {
            "form": form,
            "filtered": bool(filters),
            "page": page,
            "counted_at_most": f"{COUNTED_AT_MOST:,}",
            "rows": rows,
            "page_numbers": list(
                page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
            ),
            "query": query.urlencode(),
        },
    )


CSV_COLUMNS = ("when", "who", "username", "role", "what", "relationship id", "relationship")


@login_required
@require_GET
def audit_csv(request: HttpRequest) -> StreamingHttpResponse:
    """The events the filters match, newest first, as CSV: streamed a row at a time (constant
    memory however many), each cell safe to open in a spreadsheet; the download is audited."""
    organisation = audit_trail_organisation(request.user)
    if organisation is None:
        refused(request.user, 404, page="audit log download")
        raise Http404("No such page")
    filters = AuditFilters(request.GET or None).chosen()
    record(
        user=request.user,
        action="export",
        obj=Organisation(pk=organisation),  # its id and kind are all an event keeps
        organisation_id=organisation,
        kind="audit_log",
        filters={name: str(value) for name, value in filters.items()},
    )
    title = Relationship.objects.filter(
        pk=OuterRef("relationship_id"), organisation_id=organisation
    )
    events = audit_events(organisation, filters).annotate(title=Subquery(title.values("title")[:1]))
    response = StreamingHttpResponse(
        stream_table(CSV_COLUMNS, _csv_rows(events.iterator(chunk_size=2000))),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


def _csv_rows(events: Iterator[Any]) -> Iterator[list[Cell]]:
    for event in events:
        user = event.user
        yield [
            event.at.isoformat(),
            user.shown_name if user else "Someone whose account is deleted",
            user.username if user else "",
            user.get_role_display() if user else "",
            describe(event),
            event.relationship_id,
            event.title,
        ]


urlpatterns = [
    path("audit/", audit_log, name="audit"),
    path("audit.csv", audit_csv, name="audit-csv"),
]
