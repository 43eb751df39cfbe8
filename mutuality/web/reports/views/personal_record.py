"""A person's own record (/accounts/record/): a page to read or print, the same as a tagged
PDF (/accounts/record.pdf), and the record as JSON (/accounts/record.json, the documented
format of docs/personal-record.md).

Everyone with a login has one, and only their own: the pages take no id. Reading one's own
data is not a read by someone else, so it records no audit event and writes nothing; each
download is logged as a security event (a log line, not a row). Staff without a second factor
are sent to set one up first, as on every page that shows a relationship (ADR 0010).

An organisation's admin makes the same record of anyone with a login there, for a subject
access request (/organisation/people/<pk>/record/, .pdf and .json; who may is
`access.subject_access_person`). It is the same record from the same code, less what ADR 0015
keeps between a worry's raiser and the supervisor (`personal_record(…, for_subject_access=
True)`). It is a read by someone else, so every read and download is an audit row about the
person's login, and a security event.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from mutuality.web.access import must_set_up_second_factor, subject_access_person
from mutuality.web.audit.actions import record
from mutuality.web.reports.personal_record import SUBJECT_ACCESS, personal_record, shown
from mutuality.web.reports.views.relationship import pdf_language
from mutuality.web.security_log import security_event

log = logging.getLogger(__name__)


def _file_name(person: Any, extension: str) -> str:
    return f"mutuality-record-{person.pk}-{timezone.localdate():%Y-%m-%d}.{extension}"


def _own_links() -> dict[str, str]:
    return {
        "page_url": reverse("accounts:record"),
        "pdf_url": reverse("accounts:record-pdf"),
        "json_url": reverse("accounts:record-json"),
    }


def _pdf_response(request: HttpRequest, context: dict[str, Any], person: Any) -> HttpResponse:
    """The record's PDF, or a page that says plainly why none can be made just now."""
    context["pdf_language"] = pdf_language()
    html = render_to_string("reports/personal_record/record_pdf.html", context, request=request)
    try:
        pdf = _pdf(html)
    except OSError:
        # WeasyPrint could not load Pango: say so plainly rather than fail with a 500.
        log.exception("A PDF could not be made: is libpango-1.0-0 installed?")
        return render(request, "reports/personal_record/pdf_unavailable.html", context, status=503)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(person, "pdf")}"'
    return response


def _json_response(data: dict[str, Any], person: Any) -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(person, "json")}"'
    return response


# --- One's own record --------------------------------------------------------------------------


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
    return _pdf_response(request, {**context, **_own_links()}, request.user)


@login_required
@require_GET
def record_json(request: HttpRequest) -> HttpResponse:
    """The record as JSON (docs/personal-record.md)."""
    if must_set_up_second_factor(request.user):
        return redirect("mfa_index")
    security_event("export", "Own record downloaded", format="json")
    data = personal_record(request.user).as_json()  # type: ignore[arg-type]  # signed in
    return _json_response(data, request.user)


# --- A person's record, made by an admin for a subject access request --------------------------


def _subject_access(request: HttpRequest, pk: int, *, action: str, page: str) -> Any:
    """The person whose record this admin asked for (404 unless they may: access.py), with the
    read recorded: an audit row about the person's login, and a security event."""
    admin: Any = request.user
    person = subject_access_person(admin, pk)
    record(
        user=admin,
        action=action,
        obj=person,
        organisation_id=admin.organisation_id,
        kind=SUBJECT_ACCESS,
        page=page,
    )
    security_event(
        "subject_access",
        "A person's record was read for a subject access request",
        organisation_id=admin.organisation_id,
        page=page,
    )
    return person


def _subject_access_links(person: Any) -> dict[str, str]:
    return {
        name: reverse(f"organisation:{route}", args=[person.pk])
        for name, route in (
            ("page_url", "record"),
            ("pdf_url", "record-pdf"),
            ("json_url", "record-json"),
        )
    }


@login_required
@require_GET
def subject_access_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The admin reads the person's record, to hand over."""
    person = _subject_access(request, pk, action="view", page="record")
    context = shown(personal_record(person, for_subject_access=True))
    context.update(person=person, **_subject_access_links(person))
    return render(request, "reports/personal_record/subject_access.html", context)


@login_required
@require_GET
def subject_access_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The same as a tagged PDF, written to the person, as their own download is."""
    person = _subject_access(request, pk, action="export", page="record.pdf")
    context = shown(personal_record(person, for_subject_access=True))
    context.update(person=person, **_subject_access_links(person))
    return _pdf_response(request, context, person)


@login_required
@require_GET
def subject_access_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The same as JSON, in the format of the person's own download, with its `note`."""
    person = _subject_access(request, pk, action="export", page="record.json")
    return _json_response(personal_record(person, for_subject_access=True).as_json(), person)


def _pdf(html: str) -> bytes:
    # Imported here so that only a PDF download pays for loading WeasyPrint and its libraries.
    from mutuality.web.reports.pdf import make_pdf

    return make_pdf(html)
