"""One JSON object per log line, for the deployer's log shipper to read (settings.LOGGING).

Every line has `time` (UTC, ISO 8601), `level`, `logger`, `event`, `message`, and the request
it belongs to: `user_id` (a number or null), `ip`, `path` (never the query string) and
`status`. A security event adds its ids (security_log.ID_FIELDS), the audit trail's head line
its digest and count (`head`, `links`); an error adds `traceback`.
Nothing else a caller passes is written, so content cannot slip in through `extra`; JSON
escaping keeps a forged newline from starting a line of its own (ASVS v5 16.4.1).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest

from mutuality.web.client_ip import client_ip
from mutuality.web.security_log import CURRENT_REQUEST, ID_FIELDS

# Events of Django's own loggers, by logger name.
_DJANGO_EVENTS = {
    "django.security.DisallowedHost": "disallowed_host",
    "django.security.csrf": "csrf_failed",
}
# What a line may carry beyond the request's: a security event's ids, and the audit trail's
# head digest with its count of links (chain.py), for the operator to keep outside the database.
_FIELDS = (*ID_FIELDS, "head", "links")
# A path segment that looks like a secret (an invitation link's token is 43 such characters).
_SECRET_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{32,}(?=/|$)")


class JsonFormatter(logging.Formatter):
    """Our own twenty-odd lines rather than a library's: the fields are few and fixed, and
    what may go in (and what must never) is decided here, in one place."""

    def format(self, record: logging.LogRecord) -> str:
        request = getattr(record, "request", None) or CURRENT_REQUEST.get()
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": _event(record),
            "message": _SECRET_SEGMENT.sub("[secret]", record.getMessage()),
            "user_id": getattr(record, "user_id", None) or _user_id(request),
            "ip": client_ip(request) if isinstance(request, HttpRequest) else None,
            "path": _path(request),
            "status": getattr(record, "status", None) or getattr(record, "status_code", None),
        }
        line.update({key: getattr(record, key) for key in _FIELDS if hasattr(record, key)})
        # Tracebacks are for errors in the app; a refused forged request needs none.
        app_error = record.levelno >= logging.ERROR and not record.name.startswith(
            "django.security."
        )
        if record.exc_info and app_error:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def _event(record: logging.LogRecord) -> str:
    event = getattr(record, "event", None)
    if isinstance(event, str):
        return event
    if record.name in _DJANGO_EVENTS:
        return _DJANGO_EVENTS[record.name]
    if record.name.startswith("django.security."):
        return "suspicious_request"
    if record.name == "django.request":
        return "server_error" if getattr(record, "status_code", 500) >= 500 else "client_error"
    return "error" if record.levelno >= logging.ERROR else "log"


def _path(request: Any) -> str | None:
    if not isinstance(request, HttpRequest):
        return None
    return _SECRET_SEGMENT.sub("[secret]", request.path)


def _user_id(request: Any) -> int | None:
    """The signed-in person's id, if the request has one (never anything they typed)."""
    try:
        user = getattr(request, "user", None)
        return int(user.pk) if user is not None and user.is_authenticated else None
    except Exception:  # a log line must never fail because the user could not be read
        return None
