"""Each person's dashboard and their "what is due" list: read from the typed rows that
`reassess` writes (assessed.py), a page at a time, in the same number of queries however many
relationships a person can see."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, ClassVar

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Expression, Field, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET

from mutuality.framework import HEADLINES, VOCABULARY
from mutuality.web.access import seen_by, standing_in_sql
from mutuality.web.accounts.forms import NhsFormMixin, Select
from mutuality.web.relationships import due
from mutuality.web.relationships.actions import current
from mutuality.web.relationships.models import (
    STAGES,
    AssessedPeriod,
    CurrentFinding,
    Participant,
)

PAGE_SIZE = 25
NEEDS_DOING = 3  # the findings shown on each card, most severe first
RECOMMENDATIONS = VOCABULARY["recommendation"].choices()
SCRUTINY_LEVELS = VOCABULARY["scrutiny_level"].choices()


class DashboardFilters(NhsFormMixin, forms.Form):
    """What the list of relationships is narrowed to; every field may be left empty."""

    q = forms.CharField(
        label="Search by title or person",
        required=False,
        max_length=200,
        strip=True,
    )
    stage = forms.ChoiceField(
        label="Stage", required=False, choices=[("", "Any"), *STAGES], widget=Select
    )
    recommendation = forms.ChoiceField(
        label="Recommendation",
        required=False,
        choices=[("", "Any"), *RECOMMENDATIONS],
        widget=Select,
    )
    scrutiny = forms.ChoiceField(
        label="Scrutiny", required=False, choices=[("", "Any"), *SCRUTINY_LEVELS], widget=Select
    )


@functools.cache
def unfiltered_fields() -> SafeString:
    """The search and filters as they stand before anything is asked for: the same on every
    visit, so written once per process (four fields and their choices are a fifth of the
    page's rendering)."""
    html = render_to_string(
        "relationships/_dashboard_filters.html", {"filters": DashboardFilters()}
    )
    return mark_safe(html)  # noqa: S308  # the template's own output, escaped as it rendered


def filters_from(form: DashboardFilters) -> dict[str, str]:
    """The filters asked for; a value that is not one of the choices narrows nothing."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if value}


def relationship_rows(user: Any, today: date, filters: dict[str, str]) -> QuerySet[AssessedPeriod]:
    """The person's relationships as their assessment today, most urgent first (a row per
    relationship: the period that applies today)."""
    rows = current(AssessedPeriod.objects.filter(seen_by(user, "relationship_id")), today)
    if "stage" in filters:
        rows = rows.filter(stage=filters["stage"])
    if "recommendation" in filters:
        rows = rows.filter(recommendation=filters["recommendation"])
    if "scrutiny" in filters:
        rows = rows.filter(scrutiny_level=filters["scrutiny"])
    if "q" in filters:
        named = Participant.objects.filter(
            Q(slug__icontains=filters["q"])
            | Q(name__icontains=filters["q"])
            | Q(user__display_name__icontains=filters["q"])
            | Q(user__username__icontains=filters["q"])
        )
        rows = rows.filter(
            Q(title__icontains=filters["q"])
            | Q(relationship_id__in=named.values("relationship_id"))
        )
    ordered: QuerySet[AssessedPeriod] = (
        rows.only(*Card.READ)  # not the whole assessment, which is for the relationship's page
        .annotate(held=standing_in_sql(user, "relationship_id"))
        .order_by("urgency", "title", "relationship_id")
    )
    return ordered


@dataclass(frozen=True)
class Card:
    pk: int
    title: str
    stage: str
    headline: str
    standing: str
    needs_doing: list[str]

    READ: ClassVar[tuple[str, ...]] = ("relationship_id", "title", "stage", "recommendation")
    """The fields of an assessed period a card shows (besides the standing)."""

    @property
    def html(self) -> SafeString:
        """The card as the dashboard lists it (an NHS.UK clickable card), written here rather
        than in the template: 25 of them, each a dozen template nodes, were a third of the
        page's rendering."""
        needs = ""
        if self.needs_doing:
            needs = format_html(
                _NEEDS_DOING,
                format_html_join("", "<li>{}</li>", ((message,) for message in self.needs_doing)),
            )
        return format_html(
            _CARD,
            reverse("relationships:detail", args=[self.pk]),
            self.title,
            self.headline,
            self.standing,
            self.stage,
            needs,
        )


_CARD = """<li>
    <div class="nhsuk-card nhsuk-card--clickable">
      <div class="nhsuk-card__content">
        <h3 class="nhsuk-card__heading nhsuk-heading-m">
          <a class="nhsuk-card__link" href="{}">{}</a>
        </h3>
        <p class="nhsuk-card__description"><strong>{}.</strong>
          You are the {}. Stage: {}.</p>{}
      </div>
    </div>
  </li>"""
_NEEDS_DOING = """
        <p class="nhsuk-body-s">Needs doing:</p>
        <ul class="nhsuk-list nhsuk-list--bullet nhsuk-body-s">
          {}
        </ul>"""


STAGE_WORDS = VOCABULARY["stage"].labels()


class _Messages(Subquery):
    """The messages a subquery selects, as a list: JSON text on SQLite, an array on
    PostgreSQL (`_needs` reads either)."""

    template = "(SELECT json_group_array(needs.message) FROM (%(subquery)s) needs)"

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        array = self.copy()
        array.template = "ARRAY(%(subquery)s)"
        return array.as_sql(compiler, connection)


def with_needs_doing(rows: QuerySet[AssessedPeriod], today: date) -> QuerySet[AssessedPeriod]:
    """The rows of a page with what needs doing in each relationship (its first findings but
    the informative ones), read in the same query: one subquery per row shown."""
    findings = current(
        CurrentFinding.objects.filter(relationship_id=OuterRef("relationship_id")), today
    )
    first = findings.exclude(severity="info").order_by("position").values("message")[:NEEDS_DOING]
    return rows.annotate(needs=_Messages(first, output_field=Field()))


def _needs(value: Any) -> list[str]:
    listed = json.loads(value) if isinstance(value, str) else value
    return [str(message) for message in listed or ()]


def _cards(rows: list[AssessedPeriod]) -> list[Card]:
    return [
        Card(
            pk=row.relationship_id,
            title=row.title,
            stage=STAGE_WORDS[row.stage].lower(),
            headline=HEADLINES[row.recommendation],
            standing=str(row.__dict__["held"]).replace("_", "-"),
            needs_doing=_needs(row.__dict__["needs"]),
        )
        for row in rows
    ]


COUNTED_AT_MOST = 1_000
"""A list counts its rows no further than this (40 pages): past it, counting would read every
row an admin can see on every visit, so the page says there are more than this, pages on with
Previous and Next, and offers the search and filters."""


class _Counted(Paginator):  # type: ignore[type-arg]  # generic only to the type checker
    """A paginator told its count (already read, no further than `COUNTED_AT_MOST`)."""

    def __init__(self, rows: QuerySet[AssessedPeriod], per_page: int, count: int) -> None:
        super().__init__(rows, per_page)
        self._known = count

    @cached_property
    def count(self) -> int:
        return self._known


def page_numbers(page: Page[Any]) -> list[Any]:
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def _query_without(query: QueryDict, name: str) -> str:
    """The query string of this page without one parameter (pagination links add it)."""
    kept = query.copy()
    kept.pop(name, None)
    return kept.urlencode()


@dataclass(frozen=True)
class Steps:
    """One page of a list read without counting it (counting every row an admin can see would
    cost as much as the rows): the page's rows, and whether there are pages either side."""

    rows: list[Any]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def _page_number(asked: str | None) -> int:
    try:
        return max(1, int(asked or 1))
    except ValueError:
        return 1


def steps(rows: QuerySet[Any], asked: str | None) -> Steps:
    """The page asked for (the first if it is no number); past the end, the last page."""
    number = _page_number(asked)
    start = (number - 1) * PAGE_SIZE
    found = list(rows[start : start + PAGE_SIZE + 1])
    if not found and number > 1:  # past the end (the one case that needs counting)
        number = max(1, -(-rows.count() // PAGE_SIZE))
        start = (number - 1) * PAGE_SIZE
        found = list(rows[start : start + PAGE_SIZE + 1])
    return Steps(found[:PAGE_SIZE], number, len(found) > PAGE_SIZE)


class _CountOf(Expression):
    """How many rows a query finds, as a value in another query (which the database works out
    once, not once per row)."""

    output_field = IntegerField()

    def __init__(self, rows: QuerySet[Any]) -> None:
        super().__init__()
        self.rows = rows

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        # Django's SQL for a query of the app's, its values as parameters.
        sql, params = self.rows.query.get_compiler(connection=connection).as_sql()
        return f"(SELECT COUNT(*) FROM ({sql}) counted)", tuple(params)  # noqa: S608


Listing = tuple["Page[AssessedPeriod] | Steps", list[AssessedPeriod], int]


def _listing(
    rows: QuerySet[AssessedPeriod], shown: QuerySet[AssessedPeriod], asked: Any
) -> Listing:
    """The page of `shown` (the rows of `rows`, with what a card shows) asked for, its rows,
    and how many rows there are, no further than `COUNTED_AT_MOST` + 1: counted in the query
    that reads the page, unless the page asked for is past either end."""
    try:
        number = int(asked or 1)
    except ValueError:
        number = 1
    if number >= 1:
        start = (number - 1) * PAGE_SIZE
        counted = _CountOf(rows.order_by().values("pk")[: COUNTED_AT_MOST + 1])
        found: list[AssessedPeriod] = list(
            shown.annotate(listed=counted)[start : start + PAGE_SIZE + 1]
        )
        if found or number == 1:
            listed = int(found[0].__dict__["listed"]) if found else 0
            if listed > COUNTED_AT_MOST:
                page: Page[AssessedPeriod] | Steps = Steps(
                    found[:PAGE_SIZE], number, len(found) > PAGE_SIZE
                )
            else:
                page = Page(found[:PAGE_SIZE], number, _Counted(shown, PAGE_SIZE, listed))
            return page, found[:PAGE_SIZE], listed
    # Past the end, or before the start: count first, then read the page it comes to.
    listed = rows[: COUNTED_AT_MOST + 1].count()
    if listed > COUNTED_AT_MOST:
        walked = steps(shown, asked)
        return walked, walked.rows, listed
    page = _Counted(shown, PAGE_SIZE, listed).get_page(asked)
    return page, list(page), listed


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The person's relationships, the ones needing most attention first, and what is due."""
    today = timezone.localdate()
    # One form both reads the filters and shows them (unbound when nothing was asked for).
    form = DashboardFilters(request.GET or None)
    filters = filters_from(form)
    rows = relationship_rows(request.user, today, filters)
    page, shown, listed = _listing(rows, with_needs_doing(rows, today), request.GET.get("page"))
    numbers = None if isinstance(page, Steps) else page_numbers(page)
    due_first = steps(due.due_rows(request.user, today), "1")
    return render(
        request,
        "relationships/dashboard.html",
        {
            "cards": _cards(shown),
            "page": page,
            "listed": min(listed, COUNTED_AT_MOST),
            "more_than_counted": listed > COUNTED_AT_MOST,
            "counted_at_most": f"{COUNTED_AT_MOST:,}",
            "page_numbers": numbers,
            "query": _query_without(request.GET, "page"),
            "filters": form,
            "unfiltered_fields": None if form.is_bound else unfiltered_fields(),
            "filtered": bool(filters),
            "due": due.group(due_first.rows),
            "due_more": due_first.has_next,
        },
    )


@login_required
@require_GET
def due_list(request: HttpRequest) -> HttpResponse:
    """Everything due for this person, a page at a time (safety first)."""
    page = steps(due.due_rows(request.user, timezone.localdate()), request.GET.get("page"))
    return render(
        request,
        "relationships/due.html",
        {"due": due.group(page.rows), "page": page, "query": ""},
    )


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("due/", due_list, name="due"),
]
