"""Security events and the request each log line belongs to.

`security_event("export", "Case file downloaded", relationship_id=7)` writes one line on the
`mutuality.security` logger; `json_logs.JsonFormatter` turns it into JSON with the time, the
event, the user's id, the client's address, the path and the ids given. Only ids and fixed
words go in: never a username someone typed, a note, an answer, a title or a name
(docs/security.md, "Logs").

`LogContextMiddleware` (first in settings.MIDDLEWARE) keeps the request being answered, so
that any line logged while answering it (a security event, an error) says whose request and
from where, without every caller passing the request along.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

log = logging.getLogger("mutuality.security")
CURRENT_REQUEST: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)
# The ids a security event may carry; the formatter writes no other extra field.
ID_FIELDS = (
    "relationship_id",
    "organisation_id",
    "permission",
    "page",
    "format",
    "version",
    "limit",
)
_REFUSAL_LOGGED = "_mutuality_refusal_logged"


def security_event(
    event: str,
    message: str,
    *,
    user: Any = None,
    status: int | None = None,
    level: int = logging.INFO,
    request: HttpRequest | None = None,
    **ids: int | str | None,
) -> None:
    """Log a security event: `event` is a fixed name (`sign_in`, `export` …), `message` a
    fixed sentence, `ids` only ids and names from ID_FIELDS."""
    unknown = set(ids) - set(ID_FIELDS)
    if unknown:
        raise ValueError(f"a security event carries only {ID_FIELDS}; got {sorted(unknown)}")
    request = request or CURRENT_REQUEST.get()
    extra: dict[str, Any] = {"event": event, "status": status}
    extra.update({name: value for name, value in ids.items() if value is not None})
    if request is not None:
        extra["request"] = request
    if user is not None:
        extra["user_id"] = user.pk if getattr(user, "is_authenticated", False) else None
    if event == "access_refused" and request is not None:
        setattr(request, _REFUSAL_LOGGED, True)
    log.log(level, message, extra=extra)


def refused(
    user: Any,
    status: int,
    *,
    relationship_id: int | None = None,
    permission: str | None = None,
    page: str | None = None,
) -> None:
    """Log that this person was refused a page (403) or told it does not exist (404)."""
    security_event(
        "access_refused",
        "Access refused" if status == 403 else "Access refused: shown as not found",
        user=user,
        status=status,
        level=logging.WARNING,
        relationship_id=relationship_id,
        permission=permission,
        page=page,
    )


class LogContextMiddleware:
    """Remember the request while it is answered; log a refusal (PermissionDenied) that no
    view logged itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        token = CURRENT_REQUEST.set(request)
        try:
            return self.get_response(request)
        finally:
            CURRENT_REQUEST.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if isinstance(exception, PermissionDenied) and not getattr(request, _REFUSAL_LOGGED, False):
            refused(getattr(request, "user", None), 403)
