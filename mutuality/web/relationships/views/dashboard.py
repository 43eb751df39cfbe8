"""Each person's dashboard and their "what is due" list: read from the typed rows that
`reassess` writes (assessed.py), a page at a time, in the same number of queries however many
relationships a person can see."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, ClassVar, Literal

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import (
    Expression,
    F,
    Field,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from mutuality.framework import NOT_READY, NOT_READY_WHEN, VOCABULARY, Reader, headline
from mutuality.translation import translated_later
from mutuality.web import kept_search
from mutuality.web.access import seen_by, standing_in_sql
from mutuality.web.accounts.forms import NhsFormMixin, Select
from mutuality.web.forms_flow import FormFlow, Result, handle, posted_value
from mutuality.web.relationships import due
from mutuality.web.relationships.actions import current
from mutuality.web.relationships.models import (
    STAGES,
    AssessedPeriod,
    CurrentFinding,
    Participant,
    with_names,
)
from mutuality.web.relationships.speaking import reader_for, spoken_message

PAGE_SIZE = 25
NEEDS_DOING = 3  # the findings shown on each card, most severe first
NOT_READY_KEY = "not_ready"
RECOMMENDATIONS = VOCABULARY["recommendation"].choices()
RECOMMENDATIONS.insert(
    [key for key, _ in RECOMMENDATIONS].index(NOT_READY_WHEN[0]) + 1,
    (NOT_READY_KEY, translated_later(NOT_READY)),  # read in each reader's language, as choices()
)
"""The filter's choices read as the cards do (`headline`): a relationship not yet started
that reads "not ready" is found under that, not under "go ahead, with safeguards"."""
SCRUTINY_LEVELS = VOCABULARY["scrutiny_level"].choices()


class DashboardFilters(NhsFormMixin, forms.Form):
    """What the list of relationships is narrowed to; every field may be left empty."""

    q = forms.CharField(
        label=_("Search by title or person"),
        required=False,
        max_length=200,
        strip=True,
    )
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("Any")), *STAGES], widget=Select
    )
    recommendation = forms.ChoiceField(
        label=_("Recommendation"),
        required=False,
        choices=[("", _("Any")), *RECOMMENDATIONS],
        widget=Select,
    )
    scrutiny = forms.ChoiceField(
        label=_("Scrutiny"),
        required=False,
        choices=[("", _("Any")), *SCRUTINY_LEVELS],
        widget=Select,
    )


def unfiltered_fields() -> SafeString:
    """The search and filters as they stand before anything is asked for: the same on every
    visit in a language, so written once per process and language (four fields and their
    choices are a fifth of the page's rendering)."""
    return _unfiltered_fields_in(get_language())


@functools.cache
def _unfiltered_fields_in(language: str) -> SafeString:
    """`unfiltered_fields` in the language the request turned on (the argument keys the
    cache: written in one language, the fields must never be served in another)."""
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
        rows = rows.filter(_reading(filters["recommendation"]))
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


def _reading(choice: str) -> Q:
    """The rows whose card's headline is the one chosen (a recommendation, or not ready)."""
    recommendation, stage = NOT_READY_WHEN
    if choice == NOT_READY_KEY:
        return Q(recommendation=recommendation, stage=stage)
    if choice == recommendation:
        return Q(recommendation=recommendation) & ~Q(stage=stage)
    return Q(recommendation=choice)


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
                gettext("Needs doing:"),
                format_html_join("", "<li>{}</li>", ((message,) for message in self.needs_doing)),
            )
        return format_html(
            _CARD,
            reverse("relationships:detail", args=[self.pk]),
            self.title,
            self.headline,
            STANDING_SENTENCES[self.standing],
            gettext("Stage: %(stage)s.") % {"stage": self.stage},
            needs,
        )


_CARD = """<li>
    <div class="nhsuk-card nhsuk-card--clickable">
      <div class="nhsuk-card__content">
        <h3 class="nhsuk-card__heading nhsuk-heading-m">
          <a class="nhsuk-card__link" href="{}">{}</a>
        </h3>
        <p class="nhsuk-card__description"><strong>{}.</strong>
          {} {}</p>{}
      </div>
    </div>
  </li>"""
_NEEDS_DOING = """
        <p class="nhsuk-body-s">{}</p>
        <ul class="nhsuk-list nhsuk-list--bullet nhsuk-body-s">
          {}
        </ul>"""


STANDING_SENTENCES = {
    "professional": _("You are the professional."),
    "co-producer": _("You are the co-producer."),
    "supervisor": _("You are the supervisor."),
    "reviewer": _("You are the reviewer."),
    "admin": _("You are the admin."),
}
"""How a card says where the reader stands (`Card.standing`): a whole sentence for each, so a
language can say each its own way."""


class _Listed(Subquery):
    """One column of the rows a subquery selects, as a list: JSON text on SQLite, an array
    on PostgreSQL (`_listed` reads either)."""

    def __init__(self, rows: QuerySet[Any], column: Literal["message", "words"]) -> None:
        super().__init__(rows, output_field=Field())
        # The column is one of the two names above, never anyone's input.
        listed = f"json_group_array(needs.{column})"
        self.template = f"(SELECT {listed} FROM (%(subquery)s) needs)"  # noqa: S608
        self.array = f"ARRAY(SELECT needs.{column} FROM (%(subquery)s) needs)"  # noqa: S608

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, Any]:
        array = self.copy()
        array.template = self.array
        return array.as_sql(compiler, connection)


class _WordsOf(Func):
    """The words' parameters (`Params.to_dict`) of the finding at a position (the second
    expression) in a stored assessment (the first): the few a card shows, not the whole
    assessment."""

    output_field = TextField()

    def _parts(self, compiler: Any) -> tuple[str, str, tuple[Any, ...]]:
        result, position = (compiler.compile(e) for e in self.get_source_expressions())
        return result[0], position[0], (*result[1], *position[1])

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        result, position, params = self._parts(compiler)
        return f"json_extract({result}, '$.findings[' || {position} || '].params')", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        result, position, params = self._parts(compiler)
        return f"(({result}) -> 'findings' -> ({position})::int -> 'params')::text", params


def with_needs_doing(rows: QuerySet[AssessedPeriod], today: date) -> QuerySet[AssessedPeriod]:
    """The rows of a page with what needs doing in each relationship (its first findings but
    the informative ones, with their words' parameters from the stored assessment, so each
    reader is spoken to), read in the same query: two subqueries per row shown."""
    findings = current(
        CurrentFinding.objects.filter(relationship_id=OuterRef("relationship_id")), today
    )
    first = (
        findings.exclude(severity="info")
        .order_by("position")
        .annotate(words=_WordsOf(OuterRef("result"), F("position")))
    )
    return rows.annotate(
        needs=_Listed(first.values("message")[:NEEDS_DOING], "message"),
        needs_words=_Listed(first.values("words")[:NEEDS_DOING], "words"),
    )


def _listed(value: Any) -> list[Any]:
    listed = json.loads(value) if isinstance(value, str) else value
    return list(listed or ())


def _needs(row: AssessedPeriod, reader: Reader) -> list[str]:
    """What needs doing in the relationship, in the reader's words (a finding stored before
    its words had parameters keeps the words it was stored with)."""
    messages = _listed(row.__dict__["needs"])
    words = _listed(row.__dict__["needs_words"]) + [None] * len(messages)
    return [
        spoken_message(str(message), _params(said), reader)
        for message, said in zip(messages, words, strict=False)
    ]


def _params(said: Any) -> dict[str, Any] | None:
    if isinstance(said, str):  # PostgreSQL's JSON text
        said = json.loads(said)
    return said if isinstance(said, dict) else None


def _readers(rows: list[AssessedPeriod], user: Any) -> dict[int, Reader]:
    """Each card's reader: how the person reading stands there and everyone there by name,
    read in one query for the whole page."""
    present: dict[int, dict[str, str]] = {row.relationship_id: {} for row in rows}
    own: dict[int, str] = {}
    people = with_names(Participant.objects.filter(relationship_id__in=present))
    for person in people.order_by("position"):
        present[person.relationship_id][person.slug] = person.called
        if person.user_id is not None and person.user_id == user.pk:
            own.setdefault(person.relationship_id, person.slug)
    return {
        row.relationship_id: reader_for(
            row.__dict__["held"], own.get(row.relationship_id), present[row.relationship_id]
        )
        for row in rows
    }


def _cards(rows: list[AssessedPeriod], user: Any) -> list[Card]:
    readers = _readers(rows, user) if rows else {}
    return [
        Card(
            pk=row.relationship_id,
            title=row.title,
            stage=VOCABULARY["stage"].label(row.stage).lower(),  # in the reader's language
            headline=headline(row.recommendation, row.stage),
            standing=str(row.__dict__["held"]).replace("_", "-"),
            needs_doing=_needs(row, readers[row.relationship_id]),
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


SEARCHED = "dashboard"
"""The dashboard's search, kept in the session under this list's name (kept_search.py)."""
CODES = ("stage", "recommendation", "scrutiny")
"""The dashboard's filters that are codes from a fixed list: they may stay in the address."""


@login_required
@require_http_methods(["GET", "POST"])
def dashboard(request: HttpRequest) -> HttpResponse:
    """The person's relationships, the ones needing most attention first, and what is due.

    The search box is posted and kept in the session, never put in the address (ASVS 14.2.1):
    a post keeps it and comes back here, with only the code filters in the address."""
    clearing = posted_value(request, "clear") is not None

    def form(data: QueryDict | None) -> DashboardFilters:
        if data is None:  # looking: the codes from the address, the words from the session
            return DashboardFilters(kept_search.asked(request, SEARCHED, CODES))
        return DashboardFilters(QueryDict() if clearing else data)

    def act(filters: DashboardFilters) -> Result:
        kept_search.keep(request, SEARCHED, {"q": filters.cleaned_data["q"]})
        query = kept_search.codes_query(filters.data, CODES)
        plain = reverse("relationships:dashboard")
        return Result.saved("", then=f"{plain}?{query}" if query else plain)

    flow = FormFlow(
        form=form,
        act=act,
        show=lambda filters: _dashboard_page(request, filters),
        then=reverse("relationships:dashboard"),
        page="dashboard",
    )
    return handle(request, flow)


def _dashboard_page(request: HttpRequest, form: DashboardFilters) -> HttpResponse:
    """The dashboard with this form: one form both reads the filters and shows them (unbound
    when nothing was asked for)."""
    today = timezone.localdate()
    filters = filters_from(form)
    rows = relationship_rows(request.user, today, filters)
    page, shown, listed = _listing(rows, with_needs_doing(rows, today), request.GET.get("page"))
    numbers = None if isinstance(page, Steps) else page_numbers(page)
    due_first = steps(due.due_rows(request.user, today), "1")
    return render(
        request,
        "relationships/dashboard.html",
        {
            "cards": _cards(shown, request.user),
            "page": page,
            "listed": min(listed, COUNTED_AT_MOST),
            "more_than_counted": listed > COUNTED_AT_MOST,
            "counted_at_most": f"{COUNTED_AT_MOST:,}",
            "page_numbers": numbers,
            # The pages keep the code filters; the search is in the session already.
            "query": kept_search.codes_query(form.data if form.is_bound else None, CODES),
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
