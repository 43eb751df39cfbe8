"""Each person's dashboard and their "what is due" list: read from the typed rows that
`reassess` writes (assessed.py), a page at a time, in the same number of queries however many
relationships a person can see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django.views.decorators.http import require_GET

from mutuality.framework import HEADLINES
from mutuality.web.access import standing_in_sql, visible_relationships
from mutuality.web.accounts.forms import NhsFormMixin
from mutuality.web.relationships import due
from mutuality.web.relationships.actions import current
from mutuality.web.relationships.models import (
    STAGES,
    CurrentFinding,
    Participant,
    Relationship,
)

PAGE_SIZE = 25
NEEDS_DOING = 3  # the findings shown on each card, most severe first
NOT_ASSESSED = 9  # sorts after every recommendation (models.URGENCY)
RECOMMENDATIONS = [(key, HEADLINES[key]) for key in HEADLINES]
SCRUTINY_LEVELS = [(level, level.capitalize()) for level in ("standard", "enhanced", "intensive")]


class DashboardFilters(NhsFormMixin, forms.Form):
    """What the list of relationships is narrowed to; every field may be left empty."""

    q = forms.CharField(
        label="Search by title or person",
        required=False,
        max_length=200,
        strip=True,
    )
    stage = forms.ChoiceField(label="Stage", required=False, choices=[("", "Any"), *STAGES])
    recommendation = forms.ChoiceField(
        label="Recommendation", required=False, choices=[("", "Any"), *RECOMMENDATIONS]
    )
    scrutiny = forms.ChoiceField(
        label="Scrutiny", required=False, choices=[("", "Any"), *SCRUTINY_LEVELS]
    )


def filters_from(query: QueryDict) -> dict[str, str]:
    """The filters asked for; a value that is not one of the choices narrows nothing."""
    form = DashboardFilters(query)
    form.is_valid()
    return {name: value for name, value in form.cleaned_data.items() if value}


def relationship_rows(user: Any, today: date, filters: dict[str, str]) -> QuerySet[Relationship]:
    """The person's relationships with today's assessment, most urgent first."""
    today_only = Q(periods__starts__lte=today) & (
        Q(periods__ends__isnull=True) | Q(periods__ends__gt=today)
    )
    rows = (
        visible_relationships(user)
        .annotate(now=FilteredRelation("periods", condition=today_only))
        .annotate(
            urgency=Coalesce(F("now__urgency"), Value(NOT_ASSESSED)),
            recommendation=F("now__recommendation"),
            scrutiny_level=F("now__scrutiny_level"),
            held=standing_in_sql(user),
        )
    )
    if "stage" in filters:
        rows = rows.filter(stage=filters["stage"])
    if "recommendation" in filters:
        rows = rows.filter(now__recommendation=filters["recommendation"])
    if "scrutiny" in filters:
        rows = rows.filter(now__scrutiny_level=filters["scrutiny"])
    if "q" in filters:
        named = Participant.objects.filter(relationship=OuterRef("pk")).filter(
            Q(slug__icontains=filters["q"])
            | Q(user__display_name__icontains=filters["q"])
            | Q(user__username__icontains=filters["q"])
        )
        rows = rows.filter(Q(title__icontains=filters["q"]) | Exists(named))
    return rows.order_by("urgency", "title", "pk")


@dataclass(frozen=True)
class Card:
    relationship: Relationship
    headline: str
    standing: str
    needs_doing: list[str]


def _cards(page: Page[Relationship], today: date) -> list[Card]:
    ids = [r.pk for r in page]
    findings = current(CurrentFinding.objects.filter(relationship_id__in=ids), today)
    needs: dict[int, list[str]] = {}
    for relationship_id, message in (
        findings.exclude(severity="info")
        .order_by("relationship_id", "position")
        .values_list("relationship_id", "message")
    ):
        needs.setdefault(relationship_id, []).append(message)
    return [
        Card(
            relationship=r,
            headline=HEADLINES.get(r.__dict__["recommendation"] or "", "Not assessed yet"),
            standing=str(r.__dict__["held"]).replace("_", "-"),
            needs_doing=needs.get(r.pk, [])[:NEEDS_DOING],
        )
        for r in page
    ]


def page_numbers(page: Page[Any]) -> list[Any]:
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def _query_without(query: QueryDict, name: str) -> str:
    """The query string of this page without one parameter (pagination links add it)."""
    kept = query.copy()
    kept.pop(name, None)
    return kept.urlencode()


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The person's relationships, the ones needing most attention first, and what is due."""
    today = timezone.localdate()
    filters = filters_from(request.GET)
    rows = relationship_rows(request.user, today, filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    due_rows = due.due_rows(request.user, today)
    due_page = Paginator(due_rows, PAGE_SIZE).get_page(1)
    return render(
        request,
        "relationships/dashboard.html",
        {
            "cards": _cards(page, today),
            "page": page,
            "page_numbers": page_numbers(page),
            "query": _query_without(request.GET, "page"),
            "filters": DashboardFilters(request.GET or None),
            "filtered": bool(filters),
            "due": due.group(due_page),
            "due_more": due_page.paginator.count > PAGE_SIZE,
            "due_count": due_page.paginator.count,
        },
    )


@login_required
@require_GET
def due_list(request: HttpRequest) -> HttpResponse:
    """Everything due for this person, a page at a time."""
    rows = due.due_rows(request.user, timezone.localdate())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "relationships/due.html",
        {
            "due": due.group(page),
            "page": page,
            "page_numbers": page_numbers(page),
            "query": "",
        },
    )


urlpatterns = [
    path("", dashboard, name="dashboard"),
    path("due/", due_list, name="due"),
]
