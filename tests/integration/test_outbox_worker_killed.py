"""The delivery guarantee under a real crash: 10,000 queued reminders, a real worker process
killed with SIGKILL at random points, and every reminder delivered, each at most once more per
kill (docs/messages.md), on the database task backend and on RQ with a real Redis.

The workers run the app's own code in subprocesses (`manage.py db_worker`, `manage.py
rqworker`) on a file database (SQLite in a temporary folder, or a fresh PostgreSQL database
when DATABASE_URL names a server), with settings that record each delivery durably
(tests/integration/outbox_worker_settings.py). After each kill, once the dead sender's leases
expire, the scheduler's round (`manage.py run_scheduler --once`) asks for sending again, as it
does every minute in production.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.integration.test_server import ROOT, _free_port

pytestmark = pytest.mark.slow

COUNT = 10_000
KILLS = 2
LEASE_SECONDS = 2  # tests/integration/outbox_worker_settings.py
WORKERS = {
    "database": ["db_worker", "--batch", "--no-startup-delay", "--interval", "0.2"],
    # RQ's usual worker forks a "work horse" in its own process group for each job; a machine
    # that dies takes both, which SimpleWorker (the job runs in the worker process) stands for.
    "rq": [
        "rqworker",
        "--burst",
        "--job-class",
        "django_tasks_rq.Job",
        "--worker-class",
        "rq.worker.SimpleWorker",
        "default",
    ],
}
SEED = f"""
from django.utils import timezone
from mutuality.web.outbox.models import Kind, OutgoingMessage
now = timezone.now()
OutgoingMessage.objects.bulk_create(
    [
        OutgoingMessage(
            kind=Kind.QUESTIONNAIRE_DUE, key=f"reminder-{{n}}", to=f"person{{n}}@example.org",
            subject="A questionnaire is due", body="Open Mutuality to fill it in.", not_before=now,
        )
        for n in range({COUNT})
    ],
    batch_size=1000,
)
"""
STATES = """
import json
from django.db.models import Count
from mutuality.web.outbox.models import OutgoingMessage
print(json.dumps(dict(OutgoingMessage.objects.values_list("state").annotate(Count("pk")))))
"""
# The Message-ID the app gives each reminder (made from its key).
MESSAGE_IDS = f"""
import json
from mutuality.web.outbox.sending import message_id
print(json.dumps([message_id(f"reminder-{{n}}") for n in range({COUNT})]))
"""


@pytest.fixture
def database(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a fresh database: SQLite under tmp_path, or a new PostgreSQL
    database on the server DATABASE_URL names (dropped afterwards)."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("MUTUALITY_") and name != "DATABASE_URL"
    }
    environ |= {
        "MUTUALITY_DEMO": "1",
        "MUTUALITY_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "tests.integration.outbox_worker_settings",
        "OUTBOX_DELIVERIES": str(tmp_path / "deliveries.txt"),
    }
    server = os.environ.get("DATABASE_URL", "")
    if not server.startswith("postgres"):
        yield environ
        return
    import psycopg

    name = f"outbox_killed_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield environ | {"DATABASE_URL": urlunsplit(urlsplit(server)._replace(path=f"/{name}"))}
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def redis(tmp_path: Path) -> Iterator[str]:
    """The Redis server CI started (MUTUALITY_TEST_REDIS_URL, emptied first), else a private
    redis-server on a free loopback port, keeping nothing on disk; its URL."""
    started = os.environ.get("MUTUALITY_TEST_REDIS_URL")
    if started:
        import redis as redis_client  # only RQ's runs need it

        redis_client.Redis.from_url(started).flushdb()
        yield started
        return
    found = shutil.which("redis-server")
    if found is None:
        pytest.skip("redis-server is not installed (Debian: apt-get install redis-server)")
    port = _free_port()
    folder = tmp_path / "redis"
    folder.mkdir()
    server = subprocess.Popen(
        [found, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder), "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("redis-server did not start")
                time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=30)


def _manage(environ: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().rpartition("\n")[2]  # the last line: `shell` greets first


def _start_worker(environ: dict[str, str], engine: str, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as output:
        # A session of its own, so the kill takes every process the worker started.
        return subprocess.Popen(
            [sys.executable, "manage.py", *WORKERS[engine]],
            cwd=ROOT,
            env=environ,
            stdout=output,
            stderr=output,
            start_new_session=True,
        )


def _deliveries(environ: dict[str, str]) -> list[str]:
    path = Path(environ["OUTBOX_DELIVERIES"])
    return path.read_text(encoding="ascii").split() if path.exists() else []


def _kill_after(
    worker: subprocess.Popen[bytes], environ: dict[str, str], delivered: int, log: Path
) -> None:
    """SIGKILL the worker (and its session) once `delivered` messages are recorded."""
    deadline = time.monotonic() + 120
    while len(_deliveries(environ)) < delivered:
        assert worker.poll() is None, f"the worker stopped early: {log.read_text()[-3000:]}"
        assert time.monotonic() < deadline, "the worker sent too slowly"
        time.sleep(0.02)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)


@pytest.mark.parametrize("engine", ["database", "rq"])
def test_every_reminder_is_delivered_when_the_worker_is_killed(
    engine: str, database: dict[str, str], request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Two SIGKILLs at random points, then a worker that finishes: every one of 10,000
    reminders is delivered, and no more than one message more than once per kill."""
    environ = database | {"MUTUALITY_TASKS": engine}
    if engine == "rq":
        environ["MUTUALITY_REDIS_URL"] = request.getfixturevalue("redis")
    log = tmp_path / "worker.log"
    _manage(environ, "migrate", "--no-input", "--verbosity", "0")
    _manage(environ, "shell", "-c", SEED)
    _manage(environ, "run_scheduler", "--once")  # asks for sending: messages are waiting
    seed = random.randrange(2**32)  # noqa: S311 (where to kill, not a secret)
    kill_points = sorted(random.Random(seed).sample(range(200, COUNT - 1000), KILLS))  # noqa: S311

    for point in kill_points:
        _kill_after(_start_worker(environ, engine, log), environ, point, log)
        time.sleep(LEASE_SECONDS + 0.5)  # the dead sender's leases expire …
        _manage(environ, "run_scheduler", "--once")  # … and the scheduler asks again
    finishing = _start_worker(environ, engine, log)
    finishing.wait(timeout=300)

    delivered = Counter(_deliveries(environ))
    expected = set(json.loads(_manage(environ, "shell", "-c", MESSAGE_IDS)))
    states = json.loads(_manage(environ, "shell", "-c", STATES))
    duplicates = sum(count - 1 for count in delivered.values())
    assert finishing.returncode == 0, log.read_text()[-3000:]
    assert states == {"sent": COUNT}, (seed, kill_points, states)
    assert len(expected) == COUNT
    assert set(delivered) == expected, (seed, kill_points, len(expected - set(delivered)))
    assert duplicates <= KILLS, (seed, kill_points, duplicates)
