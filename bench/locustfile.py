"""The people bench/load.py simulates with locust (run by it, not on its own).

`Journeys`: each simulated person is signed in already (a session made by load.py, from the
file BENCH_SESSIONS, one "role cookie" a line, taken in turn) and goes about the main
journeys of their role: the dashboard, a relationship from it, its report, and writes (a
professional or co-producer raises an observation, a supervisor records supervision, both
through the form page as a browser would); an admin also reads the audit trail.
`SignInPage`: the floor, fetching the sign-in page signed out. BENCH_THINK is the think time
between steps, "1,3" seconds (the default) or "0".
"""

from __future__ import annotations

import itertools
import os
import random
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from locust import HttpUser, between, constant, task

_SESSIONS_FILE = os.environ.get("BENCH_SESSIONS")
SESSIONS = (
    [line.split() for line in Path(_SESSIONS_FILE).read_text().splitlines() if line.strip()]
    if _SESSIONS_FILE
    else []
)
_TURN = itertools.count()
_LOW, _HIGH = (float(x) for x in (os.environ.get("BENCH_THINK", "1,3") + ",0").split(",")[:2])
THINK = constant(0) if _LOW == 0 else between(_LOW, _HIGH or _LOW)
LINK = re.compile(r'href="/relationships/(\d+)/"')
STALE = "changed by someone else"


class _Fields(HTMLParser):
    """The values a browser would send with a page's form: hidden and text inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") in ("hidden", "text") and found.get("name"):
            self.values[str(found["name"])] = found.get("value") or ""


def _fields(html: str) -> dict[str, str]:
    parser = _Fields()
    parser.feed(html)
    return parser.values


class Journeys(HttpUser):
    wait_time = THINK

    def on_start(self) -> None:
        self.role, cookie = SESSIONS[next(_TURN) % len(SESSIONS)]
        self.client.cookies.set("sessionid", cookie)
        self.mine: list[str] = []
        self.dashboard()

    @task(3)
    def dashboard(self) -> None:
        response = self.client.get("/relationships/", name="dashboard")
        self.mine = list(dict.fromkeys(LINK.findall(response.text))) or self.mine

    @task(5)
    def relationship(self) -> None:
        if self.mine:
            pk = random.choice(self.mine)
            self.client.get(f"/relationships/{pk}/", name="relationship page")

    @task(2)
    def report(self) -> None:
        if self.mine:
            pk = random.choice(self.mine)
            self.client.get(f"/reports/relationship/{pk}/", name="relationship report")

    @task(1)
    def write(self) -> None:
        if not self.mine:
            return
        pk = random.choice(self.mine)
        if self.role == "supervisor":
            self._submit(f"/relationships/{pk}/supervision/", "record supervision", {})
        elif self.role in ("professional", "coproducer"):
            extra = {"kind": "boundary_drift", "note": "Sessions have been running long."}
            self._submit(f"/relationships/{pk}/observations/new/", "raise an observation", extra)
        elif self.role == "admin":
            self.client.get("/relationships/audit/", name="audit page")

    def _submit(self, url: str, name: str, extra: dict[str, Any]) -> None:
        page = self.client.get(url, name=f"{name} (form)")
        data = {**_fields(page.text), "note": "", **extra}
        with self.client.post(
            url, data=data, name=name, catch_response=True, allow_redirects=False
        ) as answer:
            # Saved (a redirect), or refused because someone else changed the relationship
            # meanwhile (the app's own answer to a stale form), are both right.
            if answer.status_code == 302 or (answer.status_code == 200 and STALE in answer.text):
                answer.success()
            else:
                answer.failure(f"{answer.status_code}")


class SignInPage(HttpUser):
    wait_time = THINK

    @task
    def sign_in_page(self) -> None:
        self.client.get("/accounts/login/", name="sign-in page")
