"""Benchmark: every page of every role over a generated service, against the sign-in page.

The service is `mutuality generate`'s (10,000 relationships and about 200,000 scores by
default), in a throwaway SQLite database, or PostgreSQL with --postgres (a throwaway server
from scripts/with-postgres). Each page is fetched in-process with Django's test client, signed
in as the first login of its role, so the time is the server's alone (no network): p50 and
p95 over repeated requests, and the queries one request makes. The floor is the sign-in page
(signed out), measured in the same run; the ratio is what to watch, because these machines
are noisy.

Goals (issue 10): each dashboard and the relationship page p95 <= 150 ms and <= 10x the
floor; the service report page and its CSV p95 <= 1 s; and, with --double (N more
relationships appended, the same logins measured again), no page's p50 changes by more
than 1.2x. Results go to docs/performance.md.

Run: `make bench` (BENCH_RELATIONSHIPS sets the size) or
`.venv/bin/python bench/web.py --relationships 1000 [--double] [--postgres]`.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SLUG = "bench"
ROLES = ("professional", "coproducer", "supervisor", "reviewer", "admin")
FAST_MS, FAST_RATIO, REPORT_MS, DOUBLING = 150.0, 10.0, 1000.0, 1.2


@dataclass(frozen=True)
class Page:
    name: str
    role: str  # whose client fetches it ("anonymous" for the floor)
    url: str
    goal: str  # "fast", "report" or "" (measured, no goal of its own)


@dataclass(frozen=True)
class Timing:
    p50: float  # milliseconds
    p95: float
    queries: int
    samples: int


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def _measure(fetch: Callable[[], Any], budget: float, most: int) -> Timing:
    """Fetch once to warm up and count queries, then time fetches until the budget is spent
    (at least three, at most `most`)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fetch()
    queries = len(captured.captured_queries)  # read now: the next request clears the log
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < most and (len(times) < 3 or time.perf_counter() - started < budget):
        begin = time.perf_counter()
        fetch()
        times.append(1000 * (time.perf_counter() - begin))
    return Timing(
        _percentile(times, 0.5),
        _percentile(times, 0.95),
        queries,
        len(times),
    )


def _fetcher(client: Any, url: str) -> Callable[[], Any]:
    def fetch() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}; expected 200")
        # A streamed download is only made as it is read.
        return b"".join(response.streaming_content) if response.streaming else response.content

    return fetch


def _signed_in(logins: list[Any]) -> dict[str, Any]:
    """A client signed in through the sign-in page as the first login of each role (staff
    then type the code their authenticator app would show, from the printed key)."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from django.test import Client

    clients: dict[str, Any] = {"anonymous": Client()}
    for role in ROLES:
        login = next(x for x in logins if x.role == role)
        client = Client()
        answer = client.post(
            "/accounts/login/", {"username": login.username, "password": login.password}
        )
        if login.totp_secret:
            code = format_hotp_value(hotp_value(login.totp_secret, int(time.time()) // 30))
            answer = client.post("/accounts/2fa/authenticate/", {"code": code})
        if answer.status_code != 302 or "_auth_user_id" not in client.session:
            raise SystemExit(f"{login.username} could not sign in ({answer.status_code})")
        clients[role] = client
    return clients


def _pages(clients: dict[str, Any]) -> list[Page]:
    from mutuality.web.access import visible_relationships

    pages = [Page("sign-in page (floor)", "anonymous", "/accounts/login/", "")]
    for role in ROLES:
        user = clients[role].get("/relationships/").wsgi_request.user
        mine = visible_relationships(user).order_by("pk").first()
        pages.append(Page("dashboard", role, "/relationships/", "fast"))
        if mine is not None:
            pages.append(Page("relationship page", role, f"/relationships/{mine.pk}/", "fast"))
            pages.append(Page("relationship report", role, f"/reports/relationship/{mine.pk}/", ""))
        if role in ("supervisor", "admin"):
            pages.append(Page("service report", role, "/reports/service/", "report"))
            pages.append(Page("service report CSV", role, "/reports/service.csv", "report"))
        if role == "admin":
            pages.append(Page("transparency review", role, "/reports/transparency/", ""))
            pages.append(Page("audit page", role, "/relationships/audit/", ""))
    return pages


def _run(
    pages: list[Page], clients: dict[str, Any], budget: float, most: int
) -> dict[Page, Timing]:
    timings = {}
    for page in pages:
        timings[page] = _measure(_fetcher(clients[page.role], page.url), budget, most)
        print(f"  measured {page.name} ({page.role})", file=sys.stderr)
    return timings


def _verdict(page: Page, timing: Timing, floor: Timing) -> str:
    if page.goal == "fast":
        ok = timing.p95 <= FAST_MS and timing.p95 <= FAST_RATIO * floor.p95
        return f"p95 <= {FAST_MS:.0f} ms and <= {FAST_RATIO:.0f}x: {'met' if ok else 'NOT MET'}"
    if page.goal == "report":
        ok = timing.p95 <= REPORT_MS
        return f"p95 <= {REPORT_MS:.0f} ms: {'met' if ok else 'NOT MET'}"
    return ""


def _table(title: str, timings: dict[Page, Timing]) -> None:
    floor = next(t for p, t in timings.items() if p.role == "anonymous")
    print(f"\n{title}")
    print(
        f"{'page':<22} {'role':<13} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8} "
        f"{'p95/floor':>10} {'n':>4}  goal"
    )
    for page, t in timings.items():
        print(
            f"{page.name:<22} {page.role:<13} {t.p50:9.1f} {t.p95:9.1f} {t.queries:8d} "
            f"{t.p95 / floor.p95:9.1f}x {t.samples:4d}  {_verdict(page, t, floor)}"
        )


def _doubling(before: dict[Page, Timing], after: dict[Page, Timing]) -> None:
    print("\ndoubling the data: p50 at 2N / p50 at N (goal: <= 1.2x for every page)")
    floor = next(p for p in before if p.role == "anonymous")
    norm = after[floor].p50 / before[floor].p50  # the floor's own drift, for reference
    for page, t in before.items():
        ratio = after[page].p50 / t.p50
        verdict = "met" if ratio <= DOUBLING else "NOT MET"
        print(f"{page.name:<22} {page.role:<13} {ratio:6.2f}x  {verdict}")
    print(f"(the floor itself moved {norm:.2f}x between the two runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--relationships", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--double", action="store_true", help="Also measure at twice the size.")
    parser.add_argument("--postgres", action="store_true", help="On a throwaway PostgreSQL.")
    parser.add_argument("--budget", type=float, default=3.0, help="Seconds of timing per page.")
    parser.add_argument("--most", type=int, default=40, help="Most requests timed per page.")
    args = parser.parse_args()
    if args.relationships < 1:
        raise SystemExit("--relationships: expected a whole number of at least 1")
    if args.postgres and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        # Run again inside a throwaway PostgreSQL server, which sets DATABASE_URL.
        command = [str(ROOT / "scripts" / "with-postgres"), sys.executable, __file__]
        raise SystemExit(subprocess.call([*command, *sys.argv[1:]]))

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["MUTUALITY_VAR_DIR"] = scratch
        Path(scratch, "static").mkdir()  # WhiteNoise's folder (no static file is fetched)
        if not args.postgres:
            os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
        os.environ.setdefault("MUTUALITY_DEMO", "1")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuality.web.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        from mutuality.web.relationships.generate import generate

        logging.getLogger("mutuality").setLevel(logging.WARNING)  # no sign-in lines
        call_command("migrate", verbosity=0)
        n = args.relationships
        begin = time.perf_counter()
        made = generate(slug=SLUG, relationships=n, seed=args.seed)
        took = time.perf_counter() - begin
        database = connection.vendor
        print(
            f"relationships: {n:,} ({made.scores:,} scores) on {database}; "
            f"generated in {took:.0f} s"
        )
        clients = _signed_in(made.logins)
        pages = _pages(clients)
        first = _run(pages, clients, args.budget, args.most)
        _table(f"at {n:,} relationships", first)
        if args.double:
            generate(slug=SLUG, relationships=n, seed=args.seed, append=True)
            second = _run(pages, clients, args.budget, args.most)
            _table(f"at {2 * n:,} relationships (the same logins)", second)
            _doubling(first, second)


if __name__ == "__main__":
    main()
