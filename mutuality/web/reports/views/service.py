"""Pages of the service report: the page (charts with their tables) and its CSV.

Who sees which relationships is decided by `access.service_report_relationships`; everyone
without a service report gets a 404. The numbers come from `reports.service_report`, which
counts the relationships, except in an admin's report over their whole organisation, which
reads its tallies (`reports.tallied`, ADR 0008).

The reader (an admin or supervisor) is always outside the relationships, so reading the report
is audited. It shows counts and averages, never one relationship's record; but figures over
few relationships can be about people one could name. So each relationship covered is recorded
as viewed (one insert for them all), except in an admin's report over `SMALLEST_SHOWN` or more
(the smallest count the transparency report publishes): there one event in their organisation's
trail records the read, with the filters and how many relationships it covered, from which the
set can be worked out again. Recording each of 10,000 relationships at every read would grow
the trail by the organisation's size at every click. A supervisor's report covers only the
relationships they supervise (perhaps of several organisations), so it is always recorded per
relationship.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from mutuality._csv import Cell, TextOut, write_table
from mutuality.framework import VOCABULARY
from mutuality.transparency import SMALLEST_SHOWN
from mutuality.web.access import service_report_relationships
from mutuality.web.accounts.forms import NhsFormMixin, Select
from mutuality.web.accounts.models import Role, User
from mutuality.web.audit.actions import record, record_each
from mutuality.web.relationships.forms.records import DateField
from mutuality.web.relationships.models import Participant, Relationship
from mutuality.web.reports import tallied
from mutuality.web.reports.service_report import (
    Filters,
    ServiceReport,
    filter_relationships,
    service_report,
)
from mutuality.web.reports.service_tables import Table, tables
from mutuality.web.security_log import refused, security_event

CSV_COLUMNS = ("section", "row", "column", "value")
ABOUT = "Service report"


LISTED_AT_MOST = 40
"""Professionals listed to choose from; with more, the reader types a name instead (a list of
hundreds helps nobody, and would cost every page its length)."""


class ProfessionalSearch(forms.CharField):
    """A professional found by what the reader types: their login, their id, or part of their
    name. Cleans to the professional's id (None when empty); no match, or several, is an error
    that says so."""

    def __init__(self, professionals: QuerySet[User]) -> None:
        super().__init__(
            label=_("Professional"),
            required=False,
            max_length=200,
            help_text=_("Type part of their name, or their login. Leave it empty for everyone."),
        )
        self.professionals = professionals
        self.chosen = ""

    def clean(self, value: Any) -> int | None:
        text = (super().clean(value) or "").strip()
        if not text:
            return None
        named = (
            Q(username__iexact=text)
            | Q(display_name__icontains=text)
            | Q(first_name__icontains=text)
            | Q(last_name__icontains=text)
        )
        if text.isdigit():
            named |= Q(pk=int(text))
        found = list(
            self.professionals.filter(named).values_list("pk", *User.SHOWN_NAME_FIELDS)[:6]
        )
        names = [User.name_shown(*name) for _, *name in found]
        if not found:
            raise forms.ValidationError(
                gettext(
                    "No professional in this report matches “%(text)s”: check the spelling, or "
                    "leave it empty"
                )
                % {"text": text}
            )
        if len(found) > 1:
            raise forms.ValidationError(_several(text, names, more=len(found) > 5))
        self.chosen = names[0]
        return int(found[0][0])


def _several(text: str, names: list[str], *, more: bool) -> str:
    """The error for a name that matches several professionals, naming up to five."""
    shown = ", ".join(names[:5])
    if more:
        message = gettext(
            "More than one professional matches “%(text)s” (%(names)s and others): type more of "
            "the name, or their login"
        )
    else:
        message = gettext(
            "More than one professional matches “%(text)s” (%(names)s): type more of the name, "
            "or their login"
        )
    return message % {"text": text, "names": shown}


def _professionals(scope: QuerySet[Relationship], staff: QuerySet[User] | None) -> QuerySet[User]:
    """The professionals of the scope's relationships. Over an organisation (`staff`, its
    people) each person is asked once whether they are one (their first such relationship
    answers), so the cost follows the staff, not the relationships; over a few relationships
    (a supervisor's), their professionals are read from them."""
    if staff is None:
        professional = Participant.objects.filter(relationship__in=scope, role="professional")
        return User.objects.filter(pk__in=professional.values("user_id"))
    in_scope = scope.filter(pk=OuterRef("relationship_id"))
    professional_in_scope = Participant.objects.filter(
        Exists(in_scope), user=OuterRef("pk"), role="professional"
    )
    return staff.filter(Exists(professional_in_scope))


class FilterForm(NhsFormMixin, forms.Form):
    """Team, professional and period; every choice comes from the reader's own relationships."""

    # The quick select: an organisation may have dozens of teams.
    team = forms.ChoiceField(label=_("Team"), required=False, widget=Select)
    professional = forms.TypedChoiceField(
        label=_("Professional"), required=False, coerce=int, empty_value=None, widget=Select
    )
    active_from = DateField(
        label=_("Work under way on or after"),
        what=cast(str, _("the first day of the period")),  # lazy: said in the reader's words
        required=False,
        allow_future=True,
    )
    active_to = DateField(
        label=_("Work under way on or before"),
        what=cast(str, _("the last day of the period")),
        required=False,
        allow_future=True,
    )

    names: dict[int, str]
    """The professionals listed, by id (none when the reader types a name instead)."""

    def __init__(
        self, data: Any, scope: QuerySet[Relationship], staff: QuerySet[User] | None = None
    ) -> None:
        super().__init__(data)
        self.names = {}
        self.fields_from(_professionals(scope, staff))

    def fields_from(self, professionals: QuerySet[User]) -> None:
        """The team and professional choices (or the search) from the scope's professionals."""
        teams = professionals.exclude(team="").order_by("team").values_list("team", flat=True)
        self._choices("team").choices = [
            ("", gettext("Every team")),
            *((team, team) for team in teams.distinct()),
        ]
        listed = professionals.values_list("pk", *User.SHOWN_NAME_FIELDS)[: LISTED_AT_MOST + 1]
        names = {pk: User.name_shown(*name) for pk, *name in listed}
        if len(names) > LISTED_AT_MOST:
            self.fields["professional"] = ProfessionalSearch(professionals)
            return
        self.names = dict(sorted(names.items(), key=lambda item: item[1]))
        self._choices("professional").choices = [
            ("", gettext("Every professional")),
            *self.names.items(),
        ]

    @property
    def professional_name(self) -> str:
        """The chosen professional's name, or "" (for the page and the CSV)."""
        field = self.fields["professional"]
        if isinstance(field, ProfessionalSearch):
            return field.chosen
        return self.names.get(self.filters().professional or 0, "")

    def _choices(self, name: str) -> forms.ChoiceField:
        return cast(forms.ChoiceField, self.fields[name])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("active_from"), cleaned.get("active_to")
        if start and end and start > end:
            self.add_error(
                "active_to", gettext("The last day of the period must be on or after the first")
            )
        return cleaned

    def filters(self) -> Filters:
        """The filters typed; a field with an error narrows nothing."""
        if not self.is_bound:
            return Filters()
        self.is_valid()
        data = self.cleaned_data
        return Filters(
            team=data.get("team") or "",
            professional=data.get("professional"),
            active_from=data.get("active_from"),
            active_to=data.get("active_to"),
        )


def _report(request: HttpRequest, page: str) -> tuple[FilterForm, ServiceReport]:
    scope = service_report_relationships(request.user)
    if scope is None:
        refused(request.user, 404, page=page)
        raise Http404("No such page")
    reader: Any = request.user
    # An admin's report covers their organisation: its people are the candidates.
    staff = (
        User.objects.filter(organisation_id=reader.organisation_id)
        if reader.role == Role.ADMIN
        else None
    )
    form = FilterForm(request.GET or None, scope, staff)
    filters = form.filters()
    chosen = filter_relationships(scope, filters)
    report = _whole_organisation(request.user, filters) or service_report(
        chosen, timezone.localdate()
    )
    _audit(request.user, chosen, report.relationships, page, filters)
    return form, report


def _whole_organisation(user: Any, filters: Filters) -> ServiceReport | None:
    """An admin's report over their whole organisation, from its tallies (ADR 0008): the same
    figures in the same few queries however large it is. None when it is narrowed, or when
    the tallies cannot say; then the relationships are counted."""
    if user.role != Role.ADMIN or filters != Filters():
        return None
    return tallied.service_report(user.organisation_id, timezone.localdate())


def _audit(
    user: Any, chosen: QuerySet[Relationship], covered: int, page: str, filters: Filters
) -> None:
    if user.role != Role.ADMIN or covered < SMALLEST_SHOWN:
        record_each(
            user=user,
            action="view",
            objects=chosen,
            relationship="pk",
            organisation="organisation_id",
            page=page,
        )
        return
    record(
        user=user,
        action="view",
        obj=user.organisation,
        organisation_id=user.organisation_id,
        page=page,
        relationships=covered,
        filters={
            "team": filters.team,
            "professional": filters.professional,
            "active_from": filters.active_from.isoformat() if filters.active_from else None,
            "active_to": filters.active_to.isoformat() if filters.active_to else None,
        },
    )


def _filter_rows(form: FilterForm) -> list[tuple[str, str]]:
    """The filters as the CSV's first rows (in English, as the whole CSV: `service_csv`)."""
    filters = form.filters()
    return [
        ("Team", filters.team or "Every team"),
        ("Professional", form.professional_name or "Every professional"),
        ("Period from", filters.active_from.isoformat() if filters.active_from else ""),
        ("Period to", filters.active_to.isoformat() if filters.active_to else ""),
    ]


@login_required
@require_GET
def service(request: HttpRequest) -> HttpResponse:
    form, report = _report(request, "service report")
    return render(
        request,
        "reports/service/report.html",
        {
            "form": form,
            "report": report,
            "tables": {table.key: table for table in tables(report)},
            "query": request.GET.urlencode(),
            "horizon_spans": _horizon_spans(),
        },
    )


def _horizon_spans() -> str:
    """Each horizon with the days it spans, from the framework's vocabulary: "short term (up
    to 90 days), medium term (91 to 365 days), long term (more than 365 days)"."""
    return ", ".join(
        gettext("%(horizon)s (%(days)s)") % {"horizon": term.label, "days": term.hint}
        for term in VOCABULARY["horizon"].values()
    )


@login_required
@require_GET
def service_csv(request: HttpRequest) -> HttpResponse:
    form, report = _report(request, "service report CSV")
    organisation_id = getattr(request.user, "organisation_id", None)
    security_event(
        "export", "Service report downloaded", organisation_id=organisation_id, format="csv"
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="service-report-{report.today.isoformat()}.csv"'
    )
    # The CSV is a contract for other programs, like its headers: its tables' titles, columns
    # and labels stay in the default language, whatever the reader's (docs/architecture.md).
    with translation.override(settings.LANGUAGE_CODE):
        write_csv(response, report, _filter_rows(form), tables(report))
    return response


def write_csv(
    out: TextOut,
    report: ServiceReport,
    filter_rows: list[tuple[str, str]],
    all_tables: list[Table],
) -> None:
    """The whole report as one table, a line per cell: `section, row, column, value`.

    `section` is a table's title (or "Service report", whose one row holds the day it was made
    and the filters), `row` the row's number in that table from 1, `column` the column's
    heading, and `value` the cell (empty where the page says "Not available"). A table with no
    rows has no lines. Every table of the page comes back with a pivot on `row` and `column`.
    """
    about = [("Made on", report.today.isoformat()), *filter_rows]
    lines: list[tuple[Cell, ...]] = [(ABOUT, 1, name, value) for name, value in about]
    for table in all_tables:
        for number, row in enumerate(table.rows, start=1):
            lines += [
                (table.title, number, column, cell)
                for column, cell in zip(table.columns, row, strict=True)
            ]
    write_table(out, CSV_COLUMNS, lines)


urlpatterns: list[URLPattern] = [
    path("service/", service, name="service"),
    path("service.csv", service_csv, name="service-csv"),
]
