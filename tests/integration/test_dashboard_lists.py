"""The dashboard a page at a time: most urgent first, filtered and searched, and never a 500
whatever the page or filter asked for."""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from mutuality.framework import load_case
from mutuality.web.accounts.models import Organisation, Role, User
from mutuality.web.relationships.case_io import import_case
from mutuality.web.relationships.models import URGENCY, Relationship
from mutuality.web.relationships.views import dashboard
from mutuality.web.relationships.views.dashboard import PAGE_SIZE, steps

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.yaml"))
COUNT = PAGE_SIZE + 6


@pytest.fixture(scope="module")
def _organisation(django_db_setup: None, django_db_blocker: Any) -> Iterator[User]:
    """An organisation of 31 relationships (the examples, in turn) and its admin, made once
    for the module and deleted afterwards."""
    with django_db_blocker.unblock():
        organisation = Organisation.objects.create(slug="big", name="Big trust")
        user = User.objects.create_user(
            username="adm",
            password="x",
            organisation=organisation,
            role=Role.ADMIN,
            has_second_factor=True,  # staff need one (ADR 0010)
        )
        for path in itertools.islice(itertools.cycle(EXAMPLES), COUNT):
            import_case(load_case(path), organisation)
    yield user
    with django_db_blocker.unblock():
        Relationship.objects.filter(organisation=organisation).delete()
        user.delete()
        organisation.delete()


@pytest.fixture
def admin(db: None, _organisation: User) -> Client:
    client = Client()
    client.force_login(_organisation)
    return client


def _titles(client: Client, query: str = "") -> list[int]:
    """The relationships listed, by id, in the order shown."""
    response = client.get("/relationships/" + query)
    assert response.status_code == 200
    page = response.content.decode()
    return [
        int(pk) for pk in re.findall(r'class="nhsuk-card__link" href="/relationships/(\d+)/"', page)
    ]


def _searched(client: Client, typed: str) -> list[int]:
    """The relationships listed after posting this search, as the form does."""
    response = client.post("/relationships/", {"q": typed}, follow=True)
    assert response.status_code == 200
    return _titles(client)


def _urgency_of(pk: int) -> int:
    return URGENCY[Relationship.objects.get(pk=pk).periods.get().recommendation]


def test_the_list_comes_a_page_at_a_time_most_urgent_first(admin: Client) -> None:
    """Two pages (25, then 6); urgency never decreases down the list, across the pages."""
    first, second = _titles(admin), _titles(admin, "?page=2")

    assert (len(first), len(second)) == (PAGE_SIZE, COUNT - PAGE_SIZE)
    urgencies = [_urgency_of(pk) for pk in first + second]
    assert urgencies == sorted(urgencies)


@pytest.mark.parametrize(
    ("page", "expected"),
    [("999", "last"), ("0", "last"), ("-3", "last"), ("abc", "first"), ("", "first")],
)
def test_a_page_out_of_range_gives_the_first_or_last_page(
    admin: Client, page: str, expected: str
) -> None:
    """A page past the end (or before the start) is the last page; a page that is no number is
    the first, as Django's paginator decides; never an error."""
    shown = _titles(admin, f"?page={page}")

    assert shown == (_titles(admin, "?page=2") if expected == "last" else _titles(admin))


def test_filters_narrow_the_list_by_stage_recommendation_and_scrutiny(admin: Client) -> None:
    """Each filter keeps exactly the relationships that match it."""
    for query, matches in [
        ("?stage=proposed", Relationship.objects.filter(stage="proposed")),
        (
            "?recommendation=consult",
            Relationship.objects.filter(periods__recommendation="consult"),
        ),
        (
            "?scrutiny=intensive",
            Relationship.objects.filter(periods__scrutiny_level="intensive"),
        ),
    ]:
        expected = sorted(matches.values_list("pk", flat=True))
        shown = _titles(admin, query)
        if len(expected) > PAGE_SIZE:
            shown += _titles(admin, query + "&page=2")
        assert 0 < len(expected) < COUNT, query
        assert sorted(shown) == expected, query


def test_search_finds_a_title_or_a_person(admin: Client) -> None:
    """Words of a title, or a person's id in the relationship, find it."""
    title = Relationship.objects.order_by("pk").first()
    assert title is not None
    person = title.participants.order_by("position").first()
    assert person is not None

    by_title = _searched(admin, title.title.split()[1])
    by_person = _searched(admin, person.slug)

    assert title.pk in by_title
    assert all(
        Relationship.objects.filter(pk=shown, participants__slug__icontains=person.slug).exists()
        for shown in by_person
    )
    assert by_person


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?stage=sideways", "Stage"),
        ("?recommendation=panic", "Recommendation"),
        ("?scrutiny=x", "Scrutiny"),
    ],
)
def test_a_filter_value_that_is_not_a_choice_is_named_and_narrows_nothing(
    admin: Client, query: str, field: str
) -> None:
    """An odd filter value shows the field's error and the whole list, never a 500."""
    response = admin.get("/relationships/" + query)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice" in page
    assert f">{field}" in page
    assert len(_titles(admin, query)) == PAGE_SIZE


def test_a_search_too_long_is_refused_plainly(admin: Client) -> None:
    """A search of more than 200 characters is named as too long, narrows nothing and is not
    kept."""
    response = admin.post("/relationships/", {"q": "x" * 5000})

    assert response.status_code == 200
    assert "at most 200 characters" in response.content.decode()
    assert len(_titles(admin)) == PAGE_SIZE


def test_the_pages_keep_the_filters(admin: Client) -> None:
    """The links to other pages carry the code filters, and the search stays in the session:
    it is in no link, and the second page is still searched."""
    admin.post("/relationships/", {"stage": "active", "q": "a"})
    page = admin.get("/relationships/?stage=active").content.decode()

    links = re.findall(r'href="\?([^"]*page=\d+)"', page)
    assert all("stage=active" in link and "q=" not in link for link in links)
    assert 'value="a"' in page


def _due_texts(client: Client, query: str = "") -> list[str]:
    response = client.get("/relationships/due/" + query)
    assert response.status_code == 200
    return re.findall(r"<li>(.*?)</li>", response.content.decode(), re.S)


def test_what_is_due_past_the_end_shows_the_last_page_and_no_number_the_first(
    admin: Client,
) -> None:
    """A page of the due list past the end, or no number, is the last page or the first."""
    first = _due_texts(admin)

    assert 0 < len(first) <= PAGE_SIZE
    assert _due_texts(admin, "?page=abc") == first
    assert _due_texts(admin, "?page=-4") == first
    if len(first) < PAGE_SIZE:  # one page: past the end is this page
        assert _due_texts(admin, "?page=999") == first


@pytest.mark.parametrize(
    ("asked", "number", "rows", "previous", "next_"),
    [("1", 1, PAGE_SIZE, False, True), ("2", 2, 6, True, False), ("99", 2, 6, True, False)],
)
def test_a_list_read_without_counting_knows_its_neighbours(
    db: None, _organisation: User, asked: str, number: int, rows: int, previous: bool, next_: bool
) -> None:
    """`steps` gives the page asked for, whether there are pages either side, and the last
    page for a page past the end."""
    page = steps(
        Relationship.objects.filter(organisation=_organisation.organisation).order_by("pk"), asked
    )

    assert (page.number, len(page.rows)) == (number, rows)
    assert (page.has_previous, page.has_next) == (previous, next_)


@pytest.mark.asvs("2.3.2", "15.2.2")
def test_a_list_longer_than_it_counts_pages_on_without_a_total(
    admin: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the counting limit (lowered here to 10) the page says there are more, pages with
    Previous and Next only, and still reaches every relationship in the same order."""
    monkeypatch.setattr(dashboard, "COUNTED_AT_MOST", 10)
    counted = _titles(admin) + _titles(admin, "?page=2")

    page = admin.get("/relationships/?page=2").content.decode()

    assert "Page 2: more than 10 relationships." in page
    assert 'rel="prev"' in page and 'rel="next"' not in page
    assert "nhsuk-pagination__list" not in page  # no page numbers without a total
    monkeypatch.setattr(dashboard, "COUNTED_AT_MOST", 1_000)
    assert counted == _titles(admin) + _titles(admin, "?page=2")
    assert "Page 2 of 2: 31 relationships." in admin.get("/relationships/?page=2").content.decode()


def test_each_card_says_what_needs_doing_first_from_its_findings_today(admin: Client) -> None:
    """Each card lists its relationship's first three findings today that are more than
    informative, in the assessment's order, and no other, spoken to the admin (who is in none
    of them) by name."""
    from django.utils import timezone

    from mutuality.framework import Reader
    from mutuality.web.relationships.actions import current
    from mutuality.web.relationships.models import AssessedPeriod, Participant
    from mutuality.web.relationships.speaking import spoken

    page = admin.get("/relationships/").content.decode()
    cards = re.findall(
        r'href="/relationships/(\d+)/">.*?</h3>(.*?)</div>\s*</div>\s*</li>', page, re.S
    )
    today = timezone.localdate()
    shown = {int(pk): re.findall(r"<li>(.*?)</li>", body, re.S) for pk, body in cards}

    def _expected(pk: int) -> list[str]:
        [period] = current(AssessedPeriod.objects.filter(relationship_id=pk), today)
        names = {p.slug: p.called for p in Participant.objects.filter(relationship_id=pk)}
        findings = [f for f in period.result["findings"] if f["severity"] != "info"]
        return [spoken(f, Reader(None, names)).message for f in findings[: dashboard.NEEDS_DOING]]

    expected = {pk: _expected(pk) for pk in shown}

    assert len(shown) == PAGE_SIZE
    assert any(len(messages) > 1 for messages in expected.values())
    assert {pk: [html.unescape(m) for m in messages] for pk, messages in shown.items()} == expected
