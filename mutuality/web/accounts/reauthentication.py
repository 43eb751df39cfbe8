"""Confirming it is you, in full, before a change to how someone signs in (ASVS v5 7.5.1).

allauth's "confirm it is you" (`@reauthentication_required`) takes one factor of the person's
choosing: the password, or a code, or a passkey. Before a change to anything that signs them
in or gets their account back (their email address, password, second factors and recovery
codes) and before ending their other sessions, Mutuality asks instead for every factor they
have (`access.factors_to_confirm`): the password, and for anyone with a second factor, that
too, each confirmed within allauth's window (`ACCOUNT_REAUTHENTICATION_TIMEOUT`, 5 minutes).

`full_reauthentication_required` wraps each such page (`urls.py`, `email_views.py`,
`session_views.py`). It reads allauth's record of how this session has authenticated (each
entry a method and a time, with `reauthenticated` on those made by confirming again; signing
in does not count), and sends the person to allauth's own page for the first factor still
missing, with `next` back to where they were: the password (`/accounts/reauthenticate/`),
then a code (`/accounts/2fa/reauthenticate/`), or the passkey for someone with only a
passkey. A form sent meanwhile is kept the way allauth keeps it and carried out once the last
factor is confirmed, except where it holds a new password (`keep_post=False`): that page is
shown again, so no password waits in the session.

Setting up an authenticator app (by typing its first code) or a passkey (by the device's
answer) counts as confirming the second factor (`confirmed_by_setting_up`, from those views):
the person has just shown they hold it, and is next shown their recovery codes, which this
check guards as well.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, TypeVar, cast, overload

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter as account_adapter
from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.account.internal.flows.reauthentication import suspend_request
from allauth.mfa.models import Authenticator
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.http import urlencode

from mutuality.web.access import factors_to_confirm

V = TypeVar("V", bound=Callable[..., HttpResponseBase])
# allauth's pages that confirm each factor (its ids for them), the first that applies first.
_PAGES = {
    "password": ("reauthenticate",),
    "mfa": ("mfa_reauthenticate", "mfa_reauthenticate:webauthn"),
}


def confirmed_factors(request: HttpRequest) -> set[str]:
    """The factors this session has confirmed again within allauth's window."""
    now = time.time()
    window = account_settings.REAUTHENTICATION_TIMEOUT
    return {
        str(entry.get("method"))
        for entry in get_authentication_records(request, request.user)
        if entry.get("reauthenticated") and 0 <= now - float(entry.get("at", 0)) < window
    }


def missing_factors(request: HttpRequest) -> list[str]:
    """The factors this person has and has not confirmed in the window, password first."""
    done = confirmed_factors(request)
    return [factor for factor in factors_to_confirm(request.user) if factor not in done]


def _preferred(user: Any, factor: str) -> tuple[str, ...]:
    """allauth's pages for this factor, the one to send this person to first: someone with a
    passkey and no authenticator app uses the passkey, not one of their recovery codes."""
    if (
        factor == "mfa"
        and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    ):
        return tuple(reversed(_PAGES[factor]))
    return _PAGES[factor]


def _page_for(user: Any, factor: str) -> str:
    """allauth's page that confirms this factor for this person."""
    pages = {
        str(method["id"]): str(method["url"])
        for method in account_adapter().get_reauthentication_methods(user)
    }
    for page in _preferred(user, factor):
        if page in pages:
            return pages[page]
    raise PermissionDenied  # as allauth does when someone has no way to confirm


def _ask_for(request: HttpRequest, factor: str, *, keep_post: bool) -> HttpResponseBase:
    url = _page_for(request.user, factor)
    if keep_post:
        # allauth's own way: a POST is kept in the session and carried out once confirmed;
        # anything else goes to the page with `next` back.
        response: HttpResponseBase = suspend_request(request, url)
        return response
    return HttpResponseRedirect(
        f"{url}?{urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})}"
    )


@overload
def full_reauthentication_required(
    view: V, *, allow_get: bool = False, keep_post: bool = True
) -> V: ...


@overload
def full_reauthentication_required(
    view: None = None, *, allow_get: bool = False, keep_post: bool = True
) -> Callable[[V], V]: ...


def full_reauthentication_required(
    view: V | None = None, *, allow_get: bool = False, keep_post: bool = True
) -> V | Callable[[V], V]:
    """Wrap a view so that a signed-in person reaches it only with every factor they have
    confirmed in the window; otherwise they are sent to confirm the first one missing.
    `allow_get`: showing the page (a GET) needs nothing, only acting on it. Someone signed
    out goes on to the view, whose own sign-in check answers."""

    def decorator(view_func: V) -> V:
        @functools.wraps(view_func)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.user.is_authenticated and not (allow_get and request.method == "GET"):
                missing = missing_factors(request)
                if missing:
                    return _ask_for(request, missing[0], keep_post=keep_post)
            return view_func(request, *args, **kwargs)

        return cast("V", wrapped)

    return decorator(view) if view is not None else decorator


def confirmed_by_setting_up(request: HttpRequest, kind: str) -> None:
    """A new app or passkey has just been shown to work (its first code, the device's
    answer): note it as confirming the second factor, as allauth notes confirming with one."""
    record_authentication(request, request.user, "mfa", type=kind, reauthenticated=True)
