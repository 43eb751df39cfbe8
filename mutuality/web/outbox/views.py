"""The messages' pages: what could not be delivered, for an organisation's admins, and in the
demo the emails written under var/mail/ (docs/messages.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from mutuality.web.access import undelivered_messages_organisation
from mutuality.web.audit.actions import record
from mutuality.web.forms_flow import Confirm, FormFlow, Result, handle
from mutuality.web.outbox import demo_mail
from mutuality.web.outbox.models import OutgoingMessage, State
from mutuality.web.outbox.posting import send_after_commit
from mutuality.web.security_log import refused

PAGE_SIZE = 50


def _organisation(request: HttpRequest, page: str) -> int:
    organisation = undelivered_messages_organisation(request.user)
    if organisation is None:
        refused(request.user, 404, page=page)
        raise Http404("No such page")
    return organisation


def _to_whom(message: OutgoingMessage) -> str:
    if message.recipient is not None:
        return str(message.recipient.shown_name)
    return gettext("%(address)s (who has no login yet)") % {"address": message.to}


@login_required
@require_GET
def undelivered(request: HttpRequest) -> HttpResponse:
    """The organisation's messages that could not be delivered, newest first (admins only)."""
    organisation = _organisation(request, "undelivered messages")
    failed = (
        OutgoingMessage.objects.filter(organisation_id=organisation, state=State.FAILED)
        .select_related("recipient")
        .order_by("-created", "-pk")
    )
    page = Paginator(failed, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "pk": message.pk,
            "what": message.get_kind_display(),
            "to": _to_whom(message),
            "written": message.created,
            "attempts": message.attempts,
            "error": message.last_error or gettext("The mail server did not say why."),
        }
        for message in page
    ]
    return render(
        request,
        "outbox/undelivered.html",
        {
            "rows": rows,
            "page": page,
            "page_numbers": list(
                page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
            ),
            "query": "",
        },
    )


@login_required
@require_POST
def try_again(request: HttpRequest, pk: int) -> HttpResponse:
    """Send a failed message again from the first attempt; audited."""
    organisation = _organisation(request, "try a message again")

    def act(form: Confirm) -> Result:
        with transaction.atomic():
            message = (
                OutgoingMessage.objects.select_for_update()
                .filter(pk=pk, organisation_id=organisation)
                .first()
            )
            if message is None:
                refused(request.user, 404, page="try a message again")
                raise Http404("No such message")
            if message.state != State.FAILED:  # tried again already, from another tab say
                return Result.unchanged(
                    gettext("That message is no longer waiting to be tried again.")
                )
            _send_again(request, message, organisation)
        return Result.saved(
            gettext("We will try again to send the message to %(whom)s.")
            % {"whom": _to_whom(message)}
        )

    return handle(
        request,
        FormFlow(
            form=Confirm,
            act=act,
            show=None,
            then=reverse("outbox:undelivered"),
            page="try a message again",
            organisation_id=organisation,
        ),
    )


def _send_again(request: HttpRequest, message: OutgoingMessage, organisation: int) -> None:
    message.state = State.PENDING
    message.attempts = 0
    message.not_before = timezone.now()
    message.lease_until = None
    message.last_error = ""
    message.save(update_fields=["state", "attempts", "not_before", "lease_until", "last_error"])
    record(
        user=request.user,
        action="update",
        obj=message,
        organisation_id=organisation,
        relationship_id=message.relationship_id,
        field="state",
        before=State.FAILED.value,
        after="to be sent again",
        kind=message.kind,
    )
    send_after_commit()


@require_GET
def demo_mailbox(request: HttpRequest) -> HttpResponse:
    """In the demo only: the emails the app has written to files, newest first. Open without
    signing in, because a person who forgot their password reads their reset link here."""
    if not settings.DEMO:
        raise Http404("No such page")
    context: dict[str, Any] = {"emails": demo_mail.newest(settings.EMAIL_FILE_PATH)}
    return render(request, "outbox/demo_mail.html", context)
