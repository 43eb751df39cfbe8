"""Benchmark: load on `make run`'s server, gunicorn, with locust on loopback (bounded).

A throwaway SQLite database and var/ folder: migrate, collectstatic, a generated service
(`--relationships`, 2,000 by default), a signed-in session for each simulated person (half
professionals, the rest co-producers, supervisors, reviewers and admins; made here, so that
signing in, which hashes a password on purpose slowly, is not what is measured), and gunicorn
with mutuality/web/gunicorn_conf.py (its workers from the cores) on a free loopback port.
Then locust, headless (bench/locustfile.py):

1. 50 people, 1-3 s think time, for 60 s, on the main journeys with writes (dashboard, a
   relationship, its report; observations and supervision through their forms; the audit
   trail). Goals: zero errors, p95 <= 300 ms.
2. No think time, on a ladder of 1, 2, 4, 8 and 16 people: requests a second and p95 at each
   step; the throughput is the most requests a second with p95 <= 300 ms. The same ladder on
   the sign-in page (signed out) is the floor, measured in the same run; the ratio of the two
   is the figure to watch, because these machines are noisy.

Results go to docs/performance.md. Run: `make bench` (BENCH_LOAD_RELATIONSHIPS sets the
size) or `.venv/bin/python bench/load.py --relationships 1000 [--duration 60]`.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
GUNICORN = [sys.executable, "-m", "gunicorn", "-c", "python:mutuality.web.gunicorn_conf"]
P95_GOAL_MS = 300.0
# Of every 50 simulated people, how many of each role.
MIX = {"professional": 25, "coproducer": 8, "supervisor": 8, "reviewer": 4, "admin": 5}


@dataclass(frozen=True)
class Result:
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    rows: list[dict[str, str]]
    errors: list[str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _prepare(scratch: Path, args: argparse.Namespace, environ: dict[str, str]) -> Path:
    """Database, static files, the generated service and a sessions file; its path."""
    for command in (["migrate", "--no-input"], ["collectstatic", "--no-input"]):
        subprocess.run(
            [sys.executable, "manage.py", *command, "--verbosity", "0"],
            cwd=ROOT,
            env=environ,
            check=True,
        )
    os.environ.update(environ)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuality.web.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    logging.getLogger("mutuality").setLevel(logging.WARNING)  # no line per session made
    from django.db import connection
    from django.test import Client

    from mutuality.web.accounts.models import User
    from mutuality.web.relationships.generate import ROLES, generate

    begin = time.perf_counter()
    made = generate(slug="load", relationships=args.relationships, seed=args.seed)
    print(
        f"relationships: {args.relationships:,} ({made.scores:,} scores), generated in "
        f"{time.perf_counter() - begin:.0f} s"
    )
    placed = []
    for role, count in MIX.items():
        people = list(User.objects.filter(organisation=made.organisation, role=ROLES[role]))
        share = max(1, round(count * args.users / 50))
        for index in range(share):
            client = Client()
            client.force_login(people[index % len(people)])
            # Spread each role evenly down the file, so any first few people are a mix.
            placed.append(((index + 0.5) / share, f"{role} {client.cookies['sessionid'].value}"))
    lines = [line for _, line in sorted(placed)]
    connection.close()
    sessions = scratch / "sessions.txt"
    sessions.write_text("\n".join(lines) + "\n")
    return sessions


def _serve(scratch: Path, environ: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    with (scratch / "server.log").open("wb") as log:
        server = subprocess.Popen(
            [*GUNICORN, "--bind", f"127.0.0.1:{port}"],
            cwd=scratch,
            env=environ,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, f"http://127.0.0.1:{port}"
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"gunicorn stopped; see {scratch / 'server.log'}") from None
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start listening within a minute")


def _locust(
    host: str, user_class: str, users: int, seconds: int, think: str, sessions: Path, out: Path
) -> Result:
    prefix = out / f"{user_class}-{users}-{think.replace(',', '-')}"
    environ = {**os.environ, "BENCH_SESSIONS": str(sessions), "BENCH_THINK": think}
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
    command += ["-u", str(users), "-r", str(min(users, 10)), "-t", f"{seconds}s"]
    command += ["--host", host, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"]
    command += ["--exit-code-on-error", "0", user_class]
    with (out / "locust.log").open("ab") as log:
        subprocess.run(command, env=environ, stdout=log, stderr=log, check=True)
    with open(f"{prefix}_stats.csv", newline="") as table:
        rows = list(csv.DictReader(table))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    with open(f"{prefix}_failures.csv", newline="") as table:
        errors = [
            f"{row['Occurrences']} x {row['Name']}: {row['Error']}" for row in csv.DictReader(table)
        ]
    return Result(
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        rps=float(total["Requests/s"]),
        p50=_number(total["50%"]),
        p95=_number(total["95%"]),
        rows=[row for row in rows if row["Name"] != "Aggregated"],
        errors=errors,
    )


def _settle(host: str) -> None:
    """Wait until the server answers the sign-in page quickly again: requests a stopped run
    left queued would otherwise be served first, inside the next run's time."""
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        begin = time.monotonic()
        with urllib.request.urlopen(f"{host}/accounts/login/", timeout=300) as answer:  # noqa: S310  # our own loopback server
            answer.read()
        if time.monotonic() - begin < 0.1:
            return
        time.sleep(1)


def _number(text: str) -> float:
    """A locust percentile; "N/A" (no request finished) counts as endless."""
    return float("inf") if text == "N/A" else float(text)


def _ladder(
    host: str, user_class: str, steps: list[int], seconds: int, sessions: Path, out: Path
) -> float:
    """The most requests a second with p95 within the goal, over the steps (no think time)."""
    best = 0.0
    for users in steps:
        _settle(host)
        result = _locust(host, user_class, users, seconds, "0", sessions, out)
        within = result.p95 <= P95_GOAL_MS and not result.failures
        print(
            f"  {user_class:<10} {users:>3} people: {result.rps:7.1f} requests/s, "
            f"p95 {result.p95:6.0f} ms, {result.failures} errors{'' if within else '  (over)'}"
        )
        for error in result.errors:
            print(f"    error: {error}")
        if within:
            best = max(best, result.rps)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--relationships", type=int, default=2000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60, help="Seconds with think time.")
    parser.add_argument("--step", type=int, default=15, help="Seconds per ladder step.")
    parser.add_argument("--ladder", default="1,2,4,8,16", help="People per step, no think time.")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        environ = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("MUTUALITY_", "GUNICORN_")) and name != "DATABASE_URL"
        }
        environ |= {
            "MUTUALITY_DEMO": "1",
            "MUTUALITY_VAR_DIR": str(scratch / "var"),
            "DATABASE_URL": f"sqlite:///{scratch / 'load.sqlite3'}",
        }
        sessions = _prepare(scratch, args, environ)
        server, host = _serve(scratch, environ)
        try:
            print(f"gunicorn on {host}, {os.cpu_count()} cores")
            think = _locust(host, "Journeys", args.users, args.duration, "1,3", sessions, scratch)
            print(
                f"\n{args.users} people, 1-3 s think time, {args.duration} s: "
                f"{think.requests:,} requests, {think.failures} errors, {think.rps:.1f} requests/s, "
                f"p50 {think.p50:.0f} ms, p95 {think.p95:.0f} ms "
                f"(goals: zero errors, p95 <= {P95_GOAL_MS:.0f} ms: "
                f"{'met' if not think.failures and think.p95 <= P95_GOAL_MS else 'NOT MET'})"
            )
            for error in think.errors:
                print(f"  error: {error}")
            for row in think.rows:
                print(
                    f"  {row['Name']:<28} {int(row['Request Count']):>6} requests, "
                    f"{row['Failure Count']} errors, p50 {row['50%']} ms, p95 {row['95%']} ms"
                )
            _settle(host)
            steps = [int(x) for x in args.ladder.split(",")]
            print("\nno think time, p95 goal 300 ms:")
            journeys = _ladder(host, "Journeys", steps, args.step, sessions, scratch)
            floor = _ladder(host, "SignInPage", steps, args.step, sessions, scratch)
            ratio = journeys / floor if floor else float("nan")
            print(
                f"\nthroughput with p95 <= {P95_GOAL_MS:.0f} ms: journeys {journeys:.1f} "
                f"requests/s, sign-in page (floor) {floor:.1f} requests/s, ratio {ratio:.2f}"
            )
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
