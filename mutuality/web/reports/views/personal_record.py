"""A person's own record (/accounts/record/): a page to read or print, the same as a tagged
PDF (/accounts/record.pdf), and the record as JSON (/accounts/record.json, the documented
format of docs/personal-record.md).

Everyone with a login has one, and only their own: the pages take no id. Reading one's own
data is not a read by someone else, so it records no audit event and writes nothing; each
download is logged as a security event (a log line, not a row). Staff without a second factor
are sent to set one up first, as on every page that shows a relationship (ADR 0010).
"""

from __future__ import annotations

import json
import logging

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from mutuality.web.access import must_set_up_second_factor
from mutuality.web.reports.personal_record import personal_record, shown
from mutuality.web.reports.views.relationship import pdf_language
from mutuality.web.security_log import security_event

log = logging.getLogger(__name__)


def _file_name(request: HttpRequest, extension: str) -> str:
    return f"mutuality-record-{request.user.pk}-{timezone.localdate():%Y-%m-%d}.{extension}"


@login_required
@require_GET
def record_page(request: HttpRequest) -> HttpResponse:
    """The person's own record as a page."""
    if must_set_up_second_factor(request.user):
        return redirect("mfa_index")
    context = shown(personal_record(request.user))  # type: ignore[arg-type]  # signed in
    return render(request, "reports/personal_record/record.html", context)


@login_required
@require_GET
def record_pdf(request: HttpRequest) -> HttpResponse:
    """The same record as a tagged PDF."""
    if must_set_up_second_factor(request.user):
        return redirect("mfa_index")
    security_event("export", "Own record downloaded", format="pdf")
    context = shown(personal_record(request.user))  # type: ignore[arg-type]  # signed in
    context["pdf_language"] = pdf_language()
    html = render_to_string("reports/personal_record/record_pdf.html", context, request=request)
    try:
        pdf = _pdf(html)
    except OSError:
        # WeasyPrint could not load Pango: say so plainly rather than fail with a 500.
        log.exception("A PDF could not be made: is libpango-1.0-0 installed?")
        return render(request, "reports/personal_record/pdf_unavailable.html", status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(request, "pdf")}"'
    return response


@login_required
@require_GET
def record_json(request: HttpRequest) -> HttpResponse:
    """The record as JSON (docs/personal-record.md)."""
    if must_set_up_second_factor(request.user):
        return redirect("mfa_index")
    security_event("export", "Own record downloaded", format="json")
    data = personal_record(request.user).as_json()  # type: ignore[arg-type]  # signed in
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(request, "json")}"'
    return response


def _pdf(html: str) -> bytes:
    # Imported here so that only a PDF download pays for loading WeasyPrint and its libraries.
    from mutuality.web.reports.pdf import make_pdf

    return make_pdf(html)
