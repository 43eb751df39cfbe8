"""The audit log's filters: by what was done, who did it, which relationship and when; the
pages keep the filters; a value that makes no sense is a problem on the form, never an error
page, and narrows nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.http import QueryDict
from django.test import Client
from django.utils import timezone

from mutuality.framework import load_case
from mutuality.web.accounts.models import Organisation, Role, User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.case_io import import_case
from mutuality.web.relationships.models import Relationship
from mutuality.web.relationships.views import audit_log
from tests.audit_trail import erase_trail

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
URL = "/relationships/audit/"


@dataclass
class World:
    walking: Relationship
    cbt: Relationship
    users: dict[str, User]

    def get(self, query: str = "") -> str:
        client = Client()
        client.force_login(self.users["admin"])
        response = client.get(URL + query)
        assert response.status_code == 200
        return response.content.decode()

    def search(self, query: str) -> str:
        """The page after posting these filters, as the form does, and following on."""
        client = Client()
        client.force_login(self.users["admin"])
        response = client.post(URL, dict(QueryDict(query.lstrip("?")).lists()), follow=True)
        assert response.status_code == 200
        return response.content.decode()


def _user(name: str, organisation: Organisation, role: str, shown: str = "") -> User:
    return User.objects.create_user(
        username=name,
        password="a long test password 123",
        organisation=organisation,
        role=role,
        display_name=shown,
        has_second_factor=True,  # staff need one (ADR 0010)
    )


def _event(user: User, action: str, relationship: Relationship, days_ago: int) -> None:
    """An event about the relationship, dated that many days ago."""
    AuditEvent.objects.create(
        at=timezone.now() - timedelta(days=days_ago),
        user=user,
        organisation_id=relationship.organisation_id,
        action=action,
        object_type="relationships.Relationship",
        object_id=str(relationship.pk),
        relationship_id=relationship.pk,
    )


@pytest.fixture
def world(db: None) -> World:
    """Two relationships and, over ten days, views by a supervisor and changes by a professional."""
    home = Organisation.objects.create(slug="home", name="Home trust")
    walking = import_case(load_case(EXAMPLES / "fathers-walking-group.yaml"), home)
    cbt = import_case(load_case(EXAMPLES / "cbt-shared-formulation.yaml"), home)
    users = {
        "admin": _user("adm", home, Role.ADMIN),
        "supervisor": _user("sup", home, Role.SUPERVISOR, "Dr Kaur"),
        "professional": _user("pro", home, Role.PROFESSIONAL, "Priya Shah"),
    }
    erase_trail()  # only the events below
    _event(users["supervisor"], "view", walking, days_ago=10)
    _event(users["supervisor"], "view", cbt, days_ago=5)
    _event(users["professional"], "update", cbt, days_ago=2)
    _event(users["professional"], "create", walking, days_ago=0)
    return World(walking, cbt, users)


def events(html: str) -> list[str]:
    """The rows of the events table, newest first, each as its text."""
    if 'id="audit-events"' not in html:
        return []
    body = html.split('id="audit-events"')[1].split("<tbody")[1].split("</tbody>")[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("<tr>")[1:]]


def _day(name: str, days_ago: int) -> str:
    day = timezone.localdate() - timedelta(days=days_ago)
    return f"{name}_0={day.day}&{name}_1={day.month}&{name}_2={day.year}"


def test_each_filter_keeps_only_the_events_it_names(world: World) -> None:
    """What was done, who did it, the relationship by number or title words, and the dates."""
    queries = {
        "?action=view": 2,
        "?who=kaur": 2,
        "?who=PRO": 2,  # the professional's username
        f"?relationship={world.cbt.pk}": 2,
        "?relationship=walking+group": 2,
        f"?{_day('on_or_after', 5)}": 3,
        f"?{_day('on_or_before', 5)}": 2,
        f"?{_day('on_or_after', 6)}&{_day('on_or_before', 1)}": 2,
        f"?action=view&relationship={world.cbt.pk}": 1,
    }

    found = {query: events(world.search(query)) for query in queries}

    assert {query: len(rows) for query, rows in found.items()} == queries
    assert all("Dr Kaur" in row for row in found["?who=kaur"])
    assert all("Viewed" in row for row in found["?action=view"])
    assert all(world.cbt.title in row for row in found[f"?relationship={world.cbt.pk}"])
    assert "Priya Shah" in found[f"?{_day('on_or_after', 6)}&{_day('on_or_before', 1)}"][0]
    assert "No events match these filters" in world.search("?who=nobody")


def test_the_pages_keep_the_filters(world: World) -> None:
    """120 more views make three pages of views; every page link carries the filter."""
    for _ in range(120):
        _event(world.users["supervisor"], "view", world.cbt, days_ago=1)

    html = world.get("?action=view&page=2")

    links = re.findall(r'href="\?([^"]*page=\d+)"', html)
    assert "Page 2 of 3 (122 events match the filters)" in html
    assert len(events(html)) == 50
    assert links and all(link.startswith("action=view&amp;page=") for link in links)


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("?action=dance", 4),
        ("?on_or_after_0=31&on_or_after_1=2&on_or_after_2=2026", 4),
        ("?on_or_before_0=1&on_or_before_1=x&on_or_before_2=2026", 4),
        ("?who=a%00b", 4),
        # The last day before the first: the first day still narrows, the last day does not.
        (f"?{_day('on_or_after', 1)}&{_day('on_or_before', 9)}", 1),
    ],
)
def test_a_value_that_makes_no_sense_is_a_problem_and_narrows_nothing(
    world: World, query: str, shown: int
) -> None:
    """The page says there is a problem with that filter and leaves it out."""
    html = world.search(query)

    assert "There is a problem" in html
    assert len(events(html)) == shown


@pytest.mark.asvs("1.4.2")
def test_a_relationship_number_too_large_for_any_id_finds_nothing(world: World) -> None:
    """A forty-digit number is no relationship's, and the page says nothing matches."""
    html = world.search("?relationship=" + "9" * 40)

    assert "No events match these filters" in html
    assert events(html) == []


@pytest.mark.parametrize("page", ["9", "9" * 30, "abc", "-1"])
def test_a_page_past_the_end_shows_the_last_page(world: World, page: str) -> None:
    """With 60 events there are two pages: any page after the last one shows the last one."""
    for _ in range(56):
        _event(world.users["supervisor"], "view", world.cbt, days_ago=1)

    html = world.get(f"?page={page}")

    expected = 1 if page == "abc" else 2
    assert f"Page {expected} of 2 (60 events in all)" in html
    assert len(events(html)) == (50 if expected == 1 else 10)


@pytest.mark.asvs("2.3.2", "15.2.2")
def test_a_long_log_is_counted_only_so_far(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the counting limit the page says there are more, pages stop at the limit, and the
    dates still reach the older events (the limit is lowered here to keep the test small)."""
    monkeypatch.setattr(audit_log, "COUNTED_AT_MOST", 60)
    for _ in range(120):
        _event(world.users["supervisor"], "view", world.cbt, days_ago=1)

    first, last = world.get(), world.get("?page=99")

    assert "More than 60 events in all: these pages show the newest 60." in first
    assert "Page 2 of" not in last and "Page 2." in last  # the last page counted
    assert len(events(last)) == 10  # 60 counted, 50 on the first page
    older = world.get(f"?{_day('on_or_before', 5)}")
    assert "Page 1 of 1" in older and len(events(older)) == 2
