"""Pages of the relationship report: a page to read or print, and the same report as a PDF.

Anyone who may see the relationship may read its report (access.py); what it shows of the
observations depends on who reads it. A read by someone outside the relationship is audited,
and so is every PDF download.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import URLPattern, path
from django.utils.translation import get_language, to_locale
from django.views.decorators.http import require_GET

from mutuality.web.access import relationship_for
from mutuality.web.audit.actions import record
from mutuality.web.relationships.views.common import audit_view
from mutuality.web.reports.relationship_report import report_context
from mutuality.web.security_log import security_event

log = logging.getLogger(__name__)


@login_required
@require_GET
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """The relationship report as a page, to read on screen or print."""
    relationship = relationship_for(request.user, pk)
    audit_view(request, relationship, "report")
    context = report_context(request.user, relationship)
    return render(request, "reports/relationship/report.html", context)


@login_required
@require_GET
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The same report as a PDF with real, tagged text; every download is audited."""
    relationship = relationship_for(request.user, pk)
    record(
        user=request.user,
        action="export",
        obj=relationship,
        relationship_id=relationship.pk,
        organisation_id=relationship.organisation_id,
        page="report.pdf",
    )
    security_event("export", "Report PDF downloaded", relationship_id=pk, format="pdf")
    context = {**report_context(request.user, relationship), "pdf_language": pdf_language()}
    html = render_to_string("reports/relationship/report_pdf.html", context, request=request)
    try:
        pdf = _pdf(html)
    except OSError:
        # WeasyPrint could not load Pango: say so plainly rather than fail with a 500.
        log.exception("A PDF could not be made: is libpango-1.0-0 installed?")
        unavailable = {"relationship": relationship}
        return render(request, "reports/relationship/pdf_unavailable.html", unavailable, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"relationship-report-{pk}-{context['made_on']:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def pdf_language() -> str:
    """The reader's language as a PDF names it ("en-GB"; Django's own code is "en-gb")."""
    return to_locale(get_language()).replace("_", "-")


def _pdf(html: str) -> bytes:
    # Imported here so that only a PDF download pays for loading WeasyPrint and its libraries.
    from mutuality.web.reports.pdf import make_pdf

    return make_pdf(html)


urlpatterns: list[URLPattern] = [
    path("relationship/<int:pk>/", report, name="relationship"),
    path("relationship/<int:pk>/report.pdf", report_pdf, name="relationship-pdf"),
]
