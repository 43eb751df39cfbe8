"""A person's own sessions (/accounts/sessions/), and the two small endpoints the warning
before the idle limit uses (/accounts/session/ and /accounts/session/stay/).

The list is django-allauth's `UserSession` rows (allauth.usersessions), read in one query
and shown only while their session lasts; ending one is allauth's own way of ending a
session, audited here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from allauth.usersessions.adapter import get_adapter as usersessions_adapter
from allauth.usersessions.models import UserSession
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from ua_parser import parse

from mutuality.web.accounts.reauthentication import full_reauthentication_required
from mutuality.web.accounts.sessions import note_activity, standing, track
from mutuality.web.audit.actions import record
from mutuality.web.forms_flow import FormFlow, Result, handle
from mutuality.web.security_log import security_event

EVERY_OTHER = "others"


@dataclass(frozen=True)
class ShownSession:
    """One row of the sessions page."""

    pk: int
    device: str
    address: str
    signed_in: datetime
    last_used: datetime
    current: bool


def device(user_agent: str) -> str:
    """ "Firefox on Windows", from what the browser said it was (ua-parser)."""
    found = parse(user_agent)
    browser = found.user_agent.family if found.user_agent else None
    system = found.os.family if found.os else None
    if browser and system and browser != "Other" and system != "Other":
        return gettext("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser if browser and browser != "Other" else gettext("An unknown browser")


def live_sessions(user: Any) -> QuerySet[UserSession]:
    """This person's sessions that have not ended, by the store or by either limit."""
    now = timezone.now()
    stored = Session.objects.filter(expire_date__gt=now).values("session_key")
    # Last used moves only once a minute (sessions.note_activity), so allow that minute.
    unused = settings.SESSION_IDLE_SECONDS + settings.SESSION_REFRESH_SECONDS
    found: QuerySet[UserSession] = UserSession.objects.filter(
        user_id=user.pk,
        session_key__in=stored,
        last_seen_at__gt=now - timedelta(seconds=unused),
        created_at__gt=now - timedelta(seconds=settings.SESSION_ABSOLUTE_SECONDS),
    ).order_by("-last_seen_at", "-pk")
    return found


def _shown(request: HttpRequest) -> list[ShownSession]:
    """The rows of the page, this one first; its row is made if it has none yet."""
    key = request.session.session_key
    rows = list(live_sessions(request.user))
    if not any(row.session_key == key for row in rows):
        track(request)
        rows = list(live_sessions(request.user))
    return sorted(
        (
            ShownSession(
                pk=row.pk,
                device=device(row.user_agent),
                address=row.ip,
                signed_in=row.created_at,
                last_used=row.last_seen_at,
                current=row.session_key == key,
            )
            for row in rows
        ),
        key=lambda shown: not shown.current,
    )


class EndSessionForm(forms.Form):
    """Which session to end: one of this person's others, or every other one."""

    session = forms.CharField(  # the value of the button pressed
        widget=forms.HiddenInput, error_messages={"required": _("Choose a session to end")}
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_session(self) -> list[UserSession]:
        chosen: str = self.cleaned_data["session"]
        others = live_sessions(self.request.user).exclude(
            session_key=self.request.session.session_key
        )
        if chosen == EVERY_OTHER:
            return list(others)
        found = list(others.filter(pk=int(chosen))) if chosen.isdigit() else []
        if not found:
            raise forms.ValidationError(
                gettext(
                    "That session cannot be ended here: it has ended already, or it is not one "
                    "of your other sessions"
                )
            )
        return found


@login_required
@full_reauthentication_required(allow_get=True)
def sessions(request: HttpRequest) -> HttpResponse:
    """The person's sessions; POST ends one of the others, or all of them, once they have
    confirmed it is them (ASVS v5 7.5.2, 7.5.1: their password, and their second factor if
    they have one, unless they confirmed each in the last 5 minutes; then the POST is carried
    out)."""

    def act(form: EndSessionForm) -> Result:
        ended = _end(request, form.cleaned_data["session"])
        words = _ended_words(ended)
        return Result.saved(words) if ended else Result.unchanged(words)

    def show(form: EndSessionForm) -> HttpResponse:
        context = {"form": form, "sessions": _shown(request), "every_other": EVERY_OTHER}
        return render(request, "usersessions/usersession_list.html", context)

    user: Any = request.user
    return handle(
        request,
        FormFlow(
            form=lambda data: EndSessionForm(data, request=request),
            act=act,
            show=show,
            then=reverse("accounts:sessions"),
            page="sessions",
            organisation_id=user.organisation_id,
        ),
    )


def _end(request: HttpRequest, chosen: list[UserSession]) -> int:
    """End these sessions (allauth's way: the stored session and its row), audited."""
    user: Any = request.user
    with transaction.atomic():
        for row in chosen:
            record(
                user=user,
                action="delete",
                obj=row,
                organisation_id=user.organisation_id,
                how="ended by its owner",
            )
        usersessions_adapter().end_sessions(chosen)
    security_event("sessions_ended", "Sessions ended by their owner", user=user)
    return len(chosen)


def _ended_words(count: int) -> str:
    if count == 0:
        return gettext("You had no other sessions to end.")
    if count == 1:  # said without the number
        return gettext("Session ended.")
    return ngettext("%(count)d session ended.", "%(count)d sessions ended.", count) % {
        "count": count
    }


@login_required
@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """How long this session has left, for the warning (asking is not activity)."""
    now = standing(request.session)
    return JsonResponse({"seconds_left": now.seconds_left, "renewable": now.renewable})


@login_required
@require_POST
def stay_signed_in(request: HttpRequest) -> HttpResponse:
    """ "Stay signed in": the session's activity stamp moves to now. Nothing to show."""
    note_activity(request, force=True)
    return HttpResponse(status=204)
