"""Pages of the transparency report.

An organisation admin reviews the draft (disclosure control already applied) and publishes
it; each publication is a new, frozen version. Published versions are public: anyone may
read them, as a page, CSV or JSON, without signing in.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from mutuality.transparency import Report, report_from_dict, to_csv, to_json, translated
from mutuality.web.access import may_publish_transparency
from mutuality.web.accounts.models import Organisation
from mutuality.web.forms_flow import Confirm, FormFlow, Result, handle
from mutuality.web.reports.models import PublishedReport
from mutuality.web.reports.transparency_data import draft_report, publish
from mutuality.web.security_log import refused, security_event

PUBLIC_TEMPLATE = "reports/transparency/public.html"


def _admins_organisation(request: HttpRequest) -> Organisation:
    """The signed-in admin's organisation; 404 for anyone else (as the audit log does)."""
    organisation_id = getattr(request.user, "organisation_id", None)
    if not may_publish_transparency(request.user, organisation_id):
        refused(request.user, 404, page="transparency report review")
        raise Http404("No such page")
    return get_object_or_404(Organisation, pk=organisation_id)


def _versions(organisation: Organisation) -> list[PublishedReport]:
    return list(
        PublishedReport.objects.filter(organisation=organisation)
        .defer("content")
        .order_by("-version")
    )


@login_required
@require_GET
def review(request: HttpRequest) -> HttpResponse:
    """The draft report as it would be published now, with the button that publishes it."""
    organisation = _admins_organisation(request)
    context = {
        "organisation": organisation,
        "report": translated(draft_report(organisation), gettext),
        "versions": _versions(organisation),
    }
    return render(request, "reports/transparency/review.html", context)


@login_required
@require_POST
def publish_report(request: HttpRequest) -> HttpResponse:
    """Freeze the current draft as the next public version."""
    organisation = _admins_organisation(request)

    def act(form: Confirm) -> Result:
        published = publish(organisation, by=request.user)
        security_event(
            "publish",
            "Transparency report published",
            organisation_id=organisation.pk,
            version=published.version,
        )
        return Result.saved(
            gettext("Version %(version)s of the report is now public.")
            % {"version": published.version},
            then=reverse(
                "reports:transparency-version",
                kwargs={"organisation": organisation.slug, "version": published.version},
            ),
        )

    return handle(
        request,
        FormFlow(
            form=Confirm,
            act=act,
            show=None,
            then=reverse("reports:transparency-review"),
            page="transparency report publish",
            organisation_id=organisation.pk,
        ),
    )


def _published(slug: str, version: int | None = None) -> PublishedReport:
    """A published version (the latest when none is named), or 404."""
    versions = PublishedReport.objects.filter(organisation__slug=slug).select_related(
        "organisation"
    )
    found = versions.first() if version is None else versions.filter(version=version).first()
    if found is None:
        raise Http404("Nothing published")
    return found


def public_context(report: Report, versions: list[PublishedReport]) -> dict[str, Any]:
    """The report as the page shows it: in the reader's language (the JSON and CSV downloads
    stay as published)."""
    published_on = datetime.fromisoformat(report.published_at) if report.published_at else None
    shown = translated(report, gettext)
    return {"report": shown, "versions": versions, "published_on": published_on}


def render_document(report: Report) -> str:
    """The report as a standalone page, as the command line prints it."""
    return render_to_string(PUBLIC_TEMPLATE, public_context(report, []))


@require_GET
def public(request: HttpRequest, organisation: str, version: int | None = None) -> HttpResponse:
    """A published version of the report (the latest by default), for anyone to read."""
    published = _published(organisation, version)
    context = public_context(report_from_dict(published.content), _versions(published.organisation))
    return render(request, PUBLIC_TEMPLATE, context)


def _download(body: str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def public_csv(request: HttpRequest, organisation: str, version: int) -> HttpResponse:
    published = _published(organisation, version)
    body = to_csv(report_from_dict(published.content))
    filename = f"{organisation}-transparency-v{version}.csv"
    return _download(body, "text/csv; charset=utf-8", filename)


@require_GET
def public_json(request: HttpRequest, organisation: str, version: int) -> HttpResponse:
    published = _published(organisation, version)
    body = to_json(report_from_dict(published.content))
    filename = f"{organisation}-transparency-v{version}.json"
    return _download(body, "application/json", filename)


urlpatterns: list[URLPattern] = [
    path("transparency/", review, name="transparency-review"),
    path("transparency/publish/", publish_report, name="transparency-publish"),
    path("public/<slug:organisation>/", public, name="transparency-public"),
    path("public/<slug:organisation>/v<int:version>/", public, name="transparency-version"),
    path("public/<slug:organisation>/v<int:version>.csv", public_csv, name="transparency-csv"),
    path("public/<slug:organisation>/v<int:version>.json", public_json, name="transparency-json"),
]
