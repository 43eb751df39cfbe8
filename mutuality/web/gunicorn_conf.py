"""Gunicorn's settings for the production server: `gunicorn -c python:mutuality.web.gunicorn_conf`
(what `make run` starts).

Anything here can be overridden on gunicorn's command line or in its own environment variable
GUNICORN_CMD_ARGS, e.g. `GUNICORN_CMD_ARGS="--bind 0.0.0.0:8000 --workers 4"`.
"""

from __future__ import annotations

import os

# The WSGI application (its settings come from the environment, dotenv-sample).
wsgi_app = "mutuality.web.wsgi:application"
# This machine only; a reverse proxy in front terminates HTTPS (docs/security.md).
bind = ["127.0.0.1:8000"]
# Load the app once, before forking: a missing setting stops the server with its one line,
# and the workers share the loaded code.
preload_app = True
# Trust no proxy's X-Forwarded-Proto at gunicorn's level: whether a request came over HTTPS
# is decided by the app alone (MUTUALITY_TRUSTED_PROXY).
forwarded_allow_ips = ""
# Every request one JSON line on standard error, like the app's own log lines (path without
# the query string, status, time taken): mutuality/web/access_log.py.
accesslog = "-"
logger_class = "mutuality.web.access_log.JsonLogger"
# A request still running after 30 seconds is ended and its worker replaced, so that one that
# runs away cannot hold a worker for long; the reverse proxy should wait longer than this
# (docs/security.md, "Costly work"). gunicorn's default, written here because the docs rely on it.
timeout = 30
# No control socket (gunicorn 25 and later open one in the home folder): servers side by side
# on one machine (the tests, the benchmarks) would share it, and nothing here uses it.
control_socket_disable = True

MAX_WORKERS = 12


def worker_count(cores: int | None) -> int:
    """Gunicorn's rule of thumb, two workers per core plus one, capped so that a large machine
    does not open more database connections than a small PostgreSQL server allows."""
    return min(2 * (cores or 1) + 1, MAX_WORKERS)


workers = worker_count(os.cpu_count())
