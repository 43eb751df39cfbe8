"""How long a signed-in session lasts, and ending sessions (docs/security.md, "Sessions").

A session ends after `SESSION_IDLE_SECONDS` (30 minutes) without use, and
`SESSION_ABSOLUTE_SECONDS` (12 hours) after signing in, whatever happens in between. The
session itself keeps the two times it needs: when its person signed in and when they last did
something. The stamp of activity is written again only when it is more than
`SESSION_REFRESH_SECONDS` old, so nearly every request that only reads writes nothing; when
it is, the session and its allauth `UserSession` row (the "last used" on the sessions page)
are the only rows written.

Not activity: the warning's own question of how long is left (`session-status`) and any
request that says `Mutuality-Background: true` (what a polling htmx element must send), so a
page left open does not keep itself signed in. Choosing "Stay signed in" is activity.

A person is signed out for good when their account is turned off: saving a user whose
`is_active` is False ends every session they have (`end_every_session`), and Django's
authentication refuses them on their next request whatever happens.

Signing in gives the browser a new session key (Django's `login`); so does confirming it is
you again (allauth's re-authentication, by password, code or passkey), which Django does not
see as signing in: the old key stops working at once (ASVS v5 7.2.4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.account.adapter import get_adapter as account_adapter
from allauth.account.signals import authentication_step_completed
from allauth.usersessions.adapter import get_adapter as usersessions_adapter
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django_htmx.http import HttpResponseClientRedirect

from mutuality.web.middleware import SIGNED_OUT
from mutuality.web.security_log import security_event

SIGNED_IN_AT = "mutuality.signed_in_at"  # seconds since the epoch, in the session
ACTIVE_AT = "mutuality.active_at"
BACKGROUND_HEADER = "Mutuality-Background"


def _now() -> int:
    return int(timezone.now().timestamp())


def _limit(name: str) -> int:
    value: int = getattr(settings, name)
    return value


@dataclass(frozen=True)
class Standing:
    """Where a session stands against its two limits at a moment."""

    idle_left: int  # seconds until it ends for want of use
    absolute_left: int  # seconds until it ends 12 hours after signing in

    @property
    def seconds_left(self) -> int:
        return max(0, min(self.idle_left, self.absolute_left))

    @property
    def renewable(self) -> bool:
        """Whether doing something would give it longer (the idle limit comes first)."""
        return self.idle_left < self.absolute_left

    @property
    def ended_by(self) -> str | None:
        """`idle` or `absolute`, whichever limit passed first; None while it lasts."""
        if self.seconds_left > 0:
            return None
        return "idle" if self.renewable else "absolute"


def standing(session: Any, now: int | None = None) -> Standing:
    """How long this session has left. A session from before these limits counts from now."""
    now = _now() if now is None else now
    signed_in = int(session.get(SIGNED_IN_AT, now))
    active = int(session.get(ACTIVE_AT, now))
    return Standing(
        idle_left=active + _limit("SESSION_IDLE_SECONDS") - now,
        absolute_left=signed_in + _limit("SESSION_ABSOLUTE_SECONDS") - now,
    )


def in_words(seconds: int) -> str:
    """A length of time as people say it: "30 minutes", "12 hours", "1 minute"."""
    if seconds >= 3600 and seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    if seconds >= 60 and seconds % 60 == 0:
        minutes = seconds // 60
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}


def ended_message(ended_by: str) -> str:
    """What the sign-in page tells someone whose session a limit ended."""
    if ended_by == "idle":
        idle = in_words(_limit("SESSION_IDLE_SECONDS"))
        return gettext("You were signed out because you had not used Mutuality for %(idle)s.") % {
            "idle": idle
        }
    absolute = in_words(_limit("SESSION_ABSOLUTE_SECONDS"))
    return gettext(
        "You were signed out because you had been signed in for %(absolute)s. Sign in again."
    ) % {"absolute": absolute}


def is_activity(request: HttpRequest) -> bool:
    """Whether this request is the person doing something (not a page asking on its own)."""
    if request.headers.get(BACKGROUND_HEADER, "").lower() == "true":
        return False
    return request.path != reverse("accounts:session-status")


def note_activity(request: HttpRequest, *, now: int | None = None, force: bool = False) -> None:
    """Move the session's activity stamp to now, if it is more than a minute old (or `force`),
    and the "last used" of its row on the sessions page with it."""
    now = _now() if now is None else now
    session = request.session
    if not force and now - int(session.get(ACTIVE_AT, 0)) < _limit("SESSION_REFRESH_SECONDS"):
        return
    session[ACTIVE_AT] = now
    session.setdefault(SIGNED_IN_AT, now)
    track(request)


def track(request: HttpRequest) -> None:
    """Note the session's last use and address in its `UserSession` row, making the row if
    the session has none (one from before allauth's sessions, or made by a test)."""
    if not request.session.session_key:
        request.session.save()
    try:
        address = account_adapter().get_client_ip(request)
    except PermissionDenied:  # no address to note (a request made inside a test)
        return
    updated = UserSession.objects.filter(session_key=request.session.session_key).update(
        last_seen_at=timezone.now(), ip=address
    )
    if not updated:
        UserSession.objects.create_from_request(request)


class SessionLimitsMiddleware:
    """Sign out a session past either limit, and keep the activity stamp of one that is not.

    Placed after the authentication and message middleware: it needs `request.user` and leaves
    a message for the sign-in page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            ended_by = standing(request.session).ended_by
            if ended_by:
                return _sign_out(request, ended_by)
        response = self.get_response(request)
        # Only what was answered counts: a refused request (a missing CSRF token, a GET of
        # "Stay signed in") keeps no one signed in. The session middleware saves it afterwards.
        if request.user.is_authenticated and response.status_code < 400 and is_activity(request):
            note_activity(request)
        return response


def _sign_out(request: HttpRequest, ended_by: str) -> HttpResponse:
    """End the session, say why on the sign-in page, and go there."""
    security_event(
        "session_expired",
        "Signed out: unused too long" if ended_by == "idle" else "Signed out: signed in too long",
        user=request.user,
    )
    logout(request)
    messages.info(request, ended_message(ended_by))
    login = resolve_url(settings.LOGIN_URL)
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(login)  # the whole page goes, not a fragment
    if request.path == reverse("accounts:session-status"):
        return JsonResponse({"seconds_left": 0, "renewable": False})  # the script reloads
    if not is_activity(request):
        return HttpResponse(status=401)
    if request.method in ("GET", "HEAD"):
        return redirect_to_login(request.get_full_path())
    return HttpResponseRedirect(login)


def warning(request: HttpRequest) -> dict[str, Any]:
    """Template context: what the warning before the idle limit needs to time itself
    (templates/_components/session_warning.html), for a signed-in person only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    now = standing(request.session)
    return {
        "session_warning": {
            "seconds_left": now.seconds_left,
            "renewable": now.renewable,
            "warning_seconds": _limit("SESSION_WARNING_SECONDS"),
            "idle_seconds": _limit("SESSION_IDLE_SECONDS"),
            "idle_words": in_words(_limit("SESSION_IDLE_SECONDS")),
            "absolute_words": in_words(_limit("SESSION_ABSOLUTE_SECONDS")),
        }
    }


def end_every_session(user: Any) -> int:
    """End every session of this person at once (all devices); how many there were."""
    sessions = list(UserSession.objects.filter(user_id=user.pk))
    usersessions_adapter().end_sessions(sessions)
    return len(sessions)


@receiver(user_logged_in, dispatch_uid="mutuality_session_signed_in")
def _stamp_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """The absolute limit counts from here; so does the idle one, until something is done."""
    if request is not None and hasattr(request, "session"):
        now = _now()
        request.session[SIGNED_IN_AT] = request.session[ACTIVE_AT] = now


@receiver(authentication_step_completed, dispatch_uid="mutuality_session_reauthenticated")
def _new_key_on_reauthentication(
    sender: Any, request: HttpRequest | None, reauthenticated: bool = False, **kwargs: Any
) -> None:
    """Confirming it is you again gives the session a new key, as signing in does: whoever
    held the old one (read from a shared screen, say) is left holding nothing. The session's
    row on the sessions page follows it to the new key."""
    if not reauthenticated or request is None or not hasattr(request, "session"):
        return
    old = request.session.session_key
    request.session.cycle_key()
    if old:
        UserSession.objects.filter(session_key=old).update(session_key=request.session.session_key)


@receiver(user_logged_out, dispatch_uid="mutuality_session_signed_out")
def _forget_session(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """A session signed out leaves nothing on the sessions page (Django then deletes it), and
    the answer to this request clears the browser's cache and storage of the site
    (ClearSiteDataMiddleware)."""
    if request is not None:
        setattr(request, SIGNED_OUT, True)
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        UserSession.objects.filter(session_key=key).delete()


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="mutuality_deactivated")
def _deactivated(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Turning an account off, by whatever path saves it, ends its every session now."""
    if raw or instance.is_active:
        return
    ended = end_every_session(instance)
    if ended:
        security_event(
            "sessions_ended",
            "Every session ended: account turned off",
            organisation_id=getattr(instance, "organisation_id", None),
        )
