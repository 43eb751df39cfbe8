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
from django.http import Http404, HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from mutuality._csv import Cell, stream_table
from mutuality.web import kept_search
from mutuality.web.access import audit_trail_organisation
from mutuality.web.accounts.forms import NhsFormMixin
from mutuality.web.accounts.models import Organisation
from mutuality.web.audit.actions import record
from mutuality.web.audit.models import AuditEvent
from mutuality.web.forms_flow import FormFlow, Result, handle, posted_value
from mutuality.web.relationships.forms.records import DateField
from mutuality.web.relationships.models import Relationship
from mutuality.web.security_log import refused

AUDIT_PAGE_SIZE = 50
COUNTED_AT_MOST = 10_000
LARGEST_ID = 2**63 - 1  # the largest relationship id a database column holds

_DONE = {
    "create": _("Added %(thing)s"),
    "update": _("Changed %(thing)s"),
    "delete": _("Deleted %(thing)s"),
    "view": _("Viewed %(thing)s"),
    "export": _("Downloaded %(thing)s"),
    "import": _("Imported %(thing)s"),
    "publish": _("Published %(thing)s"),
    "generate": _("Generated %(thing)s"),
    "reassess": _("Reassessed %(thing)s"),
}
"""What was done to a thing, a whole sentence for each action (a language may put the thing
anywhere in it)."""
_THINGS = {
    "relationships.Relationship": _("the relationship"),
    "relationships.Participant": _("a participant"),
    "relationships.AffectedParty": _("an affected party"),
    "relationships.ContractVersion": _("a contract version"),
    "relationships.ContractAgreement": _("an agreement to the contract"),
    "relationships.ContractResponse": _("an answer to a contract version"),
    "relationships.Disclosure": _("a self-disclosure"),
    "relationships.Observation": _("an observation"),
    "relationships.Consultation": _("a consultation"),
    "relationships.OutcomeSeries": _("an outcome measure"),
    "relationships.Score": _("a score"),
    "relationships.Invitation": _("an invitation"),
    "relationships.SupervisionRecord": _("a supervision record"),
    "relationships.ReviewRecord": _("a review"),
    "organisation.StaffInvitation": _("an invitation of staff"),
    "accounts.User": _("a user"),
    "usersessions.UserSession": _("a session"),
    "accounts.Organisation": _("the organisation's figures"),
    "outbox.OutgoingMessage": _("an undelivered message"),
    "reports.PublishedReport": _("the transparency report"),
}
ACTIONS = [
    ("create", _("Added something")),
    ("update", _("Changed something")),
    ("delete", _("Deleted something")),
    ("view", _("Viewed something (from outside the relationship)")),
    ("export", _("Downloaded something")),
    ("import", _("Imported a case file")),
    ("publish", _("Published the transparency report")),
]
DELETED_ACCOUNT = _("Someone whose account is deleted")


def _done(event: AuditEvent, thing: str) -> str:
    """What was done to the thing; an action the log has no words for reads as its code."""
    done = _DONE.get(event.action)
    if done is None:
        return f"{event.action.replace('_', ' ').capitalize()} {thing}"
    return str(done) % {"thing": thing}


def describe(event: AuditEvent) -> str:
    """What happened, in plain words (never the content of notes). The names of fields, pages
    and kinds an event's detail holds are the app's codes, shown as they are."""
    thing = str(_THINGS.get(event.object_type, event.object_type.rsplit(".", 1)[-1].lower()))
    detail = event.detail if isinstance(event.detail, dict) else {}
    if event.object_type == "accounts.Organisation" and event.action == "update":
        thing = gettext("the organisation's settings")
    if detail.get("kind") == "audit_log":
        return _done(event, gettext("the audit log"))
    words = _done(event, thing)
    if isinstance(detail.get("page"), str):
        words = gettext("%(what)s (%(page)s page)") % {"what": words, "page": detail["page"]}
    if isinstance(detail.get("field"), str):
        words = _field(words, detail)
    # The fields a write held (the trail keeps their names, never what they said), or, in an
    # event kept before that, the fields it changed.
    fields = detail.get("fields") or detail.get("changes")
    if isinstance(fields, dict | list) and fields and event.action in ("create", "update"):
        changes = ", ".join(str(name).replace("_", " ") for name in fields)
        words = gettext("%(what)s: %(changes)s") % {"what": words, "changes": changes}
    if isinstance(detail.get("relationships"), int):
        count = detail["relationships"]
        words = ngettext(
            "%(what)s, over %(count)s relationship",
            "%(what)s, over %(count)s relationships",
            count,
        ) % {"what": words, "count": f"{count:,}"}
    if isinstance(detail.get("kind"), str):
        kind = detail["kind"].replace("_", " ")
        words = gettext("%(what)s (%(kind)s)") % {"what": words, "kind": kind}
    return words


def _field(words: str, detail: dict[str, Any]) -> str:
    """What was done, with the field it changed (and from what to what, when it says)."""
    field = detail["field"].replace("_", " ")
    before, after = detail.get("before"), detail.get("after")
    if isinstance(before, str) and isinstance(after, str):
        return gettext("%(what)s: %(field)s from %(before)s to %(after)s") % {
            "what": words,
            "field": field,
            "before": before,
            "after": after,
        }
    return gettext("%(what)s: %(field)s") % {"what": words, "field": field}


class AuditFilters(NhsFormMixin, forms.Form):
    """What the audit log is narrowed to; every field may be left empty."""

    action = forms.ChoiceField(
        label=_("What was done"),
        required=False,
        choices=[("", _("Anything")), *ACTIONS],
        error_messages={"invalid_choice": _("Choose what was done from the list")},
    )
    who = forms.CharField(
        label=_("Who did it"),
        help_text=_("Part of their name or username"),
        required=False,
        max_length=200,
        strip=True,
    )
    relationship = forms.CharField(
        label=_("Relationship"),
        help_text=_("Its number, or words from its title"),
        required=False,
        max_length=200,
        strip=True,
    )
    # `what` is plain: DateField (forms/records.py) builds its messages from it when the class
    # is made, so a lazy one would be read in English there anyway; marked when DateField is.
    on_or_after = DateField(
        label=_("On or after"), what="the first day", required=False, allow_future=True
    )
    on_or_before = DateField(
        label=_("On or before"), what="the last day", required=False, allow_future=True
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("on_or_after"), cleaned.get("on_or_before")
        if first and last and first > last:
            self.add_error(
                "on_or_before", gettext("The last day must be the same as or after the first")
            )
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


SEARCHED = "audit"
"""The audit log's search, kept in the session under this list's name (kept_search.py)."""
CODES = (
    "action",
    *(f"{day}_{part}" for day in ("on_or_after", "on_or_before") for part in range(3)),
)
"""The audit log's filters that are codes (what was done, the dates' day, month and year): they
may stay in the address. Who did it and the relationship are typed words, kept in the session."""


def _asked(request: HttpRequest) -> AuditFilters:
    """The filters the page and its download read: codes from the address, words from the
    session."""
    return AuditFilters(kept_search.asked(request, SEARCHED, CODES))


@login_required
@require_http_methods(["GET", "POST"])
def audit_log(request: HttpRequest) -> HttpResponse:
    """The organisation's audit trail, newest first, for its admins only (404 for others).

    The filters are posted: who did it and the relationship are kept in the session, never put
    in the address (ASVS 14.2.1); the page comes back with only the code filters in it."""
    organisation = audit_trail_organisation(request.user)
    if organisation is None:
        refused(request.user, 404, page="audit log")
        raise Http404("No such page")
    clearing = posted_value(request, "clear") is not None

    def form(data: QueryDict | None) -> AuditFilters:
        if data is None:
            return _asked(request)
        return AuditFilters(QueryDict() if clearing else data)

    def act(filters: AuditFilters) -> Result:
        typed = {name: filters.cleaned_data[name] for name in ("who", "relationship")}
        kept_search.keep(request, SEARCHED, typed)
        query = kept_search.codes_query(filters.data, CODES)
        plain = reverse("relationships:audit")
        return Result.saved("", then=f"{plain}?{query}" if query else plain)

    flow = FormFlow(
        form=form,
        act=act,
        show=lambda filters: _audit_page(request, organisation, filters),
        then=reverse("relationships:audit"),
        page="audit log",
        organisation_id=organisation,
    )
    return handle(request, flow)


def _audit_page(request: HttpRequest, organisation: int, form: AuditFilters) -> HttpResponse:
    """A page of the events the form's filters match (those with a problem narrow nothing)."""
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
            "who": event.user.shown_name if event.user else DELETED_ACCOUNT,
            "role": event.user.get_role_display() if event.user else "",
            "what": describe(event),
            "relationship_id": event.relationship_id,
            "title": titles.get(event.relationship_id) if event.relationship_id else None,
        }
        for event in page
    ]
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
            # The pages and the download keep the code filters; the words are in the session.
            "query": kept_search.codes_query(form.data if form.is_bound else None, CODES),
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
    filters = _asked(request).chosen()  # what the page shows: the same codes and words
    record(
        user=request.user,
        action="export",
        obj=Organisation(pk=organisation),  # its id and kind are all an event keeps
        organisation_id=organisation,
        kind="audit_log",
        # Which filters, not what was typed in them (a name, words of a title).
        filtered_by=sorted(filters),
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
            user.shown_name if user else str(DELETED_ACCOUNT),
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
