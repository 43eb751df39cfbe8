"""Gunicorn's log lines in the app's JSON form (json_logs.py), on standard error.

Gunicorn's own lines (starting, workers booting, a worker timing out) and its access log
both go through `JsonFormatter`, so a deployer's log shipper reads one format. An access
line's message is the method, the path (never the query string, which may hold what someone
typed; a segment that looks like a secret is written `[secret]`), the status and the time
taken; its `ip` is the client's, behind trusted proxies too (client_ip.py).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from gunicorn.config import Config
from gunicorn.glogging import Logger
from gunicorn.http.message import Request
from gunicorn.http.wsgi import Response

from mutuality.web.json_logs import JsonFormatter


class JsonLogger(Logger):
    """Gunicorn's logger with every line one JSON object on standard error."""

    def setup(self, cfg: Config) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not getattr(handler, "_gunicorn", False):
                    continue  # a deployer's own handler (logconfig) keeps its format
                handler.setFormatter(JsonFormatter())
                if isinstance(handler, logging.StreamHandler) and handler.stream is sys.stdout:
                    handler.setStream(sys.stderr)  # gunicorn's access log defaults to stdout

    def access(
        self,
        resp: Response,
        req: Request,
        environ: MutableMapping[str, Any],
        request_time: timedelta,
    ) -> None:
        if not self.access_log_enabled:
            return
        request = HttpRequest()  # what the formatter reads: the path and the client's address
        request.META = dict(environ)
        request.path = str(environ.get("PATH_INFO", ""))
        status = int(str(resp.status).split(None, 1)[0])
        self.access_log.info(
            "%s %s %s %s ms",
            environ.get("REQUEST_METHOD", "-"),
            request.path,
            status,
            round(request_time.total_seconds() * 1000),
            extra={"event": "request", "status": status, "request": request},
        )
