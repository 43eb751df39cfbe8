"""Wellbeing questionnaires on the web: starting one, filling it in item by item with its
credit, bad input, who may do it, the trajectories on the relationship page, and what the
dashboard says is due."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from mutuality.framework import load_case
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.actions import reassess
from mutuality.web.relationships.case_io import import_case
from mutuality.web.relationships.models import OutcomeSeries, Score
from tests.factories import World as SharedWorld

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CASE = EXAMPLES / "fathers-walking-group.yaml"
STALE = "Someone else changed this relationship after you opened this page."


@dataclass
class World(SharedWorld):
    """The shared world, with the outcomes pages of its relationship."""

    def url(self, tail: str = "") -> str:
        return f"/relationships/{self.relationship.pk}/outcomes/{tail}"

    def revision(self) -> int:
        self.relationship.refresh_from_db()
        return self.relationship.revision


@pytest.fixture
def world(world: SharedWorld) -> World:
    """The shared world, its relationship active for the last 60 days and assessed as of today."""
    relationship = world.relationship
    relationship.stage = "active"
    relationship.started = timezone.localdate() - timedelta(days=60)
    relationship.as_of = None
    relationship.save()
    return World(world.relationship, world.other, world.users)


def _date(value: date) -> dict[str, str]:
    return {"date_0": str(value.day), "date_1": str(value.month), "date_2": str(value.year)}


def _start(world: World, standing: str = "professional", **fields: str) -> Any:
    data = {"of": "tomasz", "instrument": "phq9", "goal": "", "revision": world.revision()}
    return world.client(standing).post(world.url("new/"), {**data, **fields})


def _series(world: World, instrument: str = "phq9") -> OutcomeSeries:
    return world.relationship.outcome_series.get(instrument=instrument)


def _fill_in(
    world: World, series: OutcomeSeries, answers: dict[str, str], standing: str = "professional"
) -> Any:
    data = {**_date(timezone.localdate()), **answers, "revision": world.revision()}
    return world.client(standing).post(world.url(f"{series.pk}/"), data)


PHQ9_ALL_TWOS = {f"item_{n}": "2" for n in range(1, 10)}


def test_a_professional_starts_a_questionnaire_and_it_is_audited(world: World) -> None:
    response = _start(world)

    assert response.status_code == 302
    assert response["Location"] == world.url()
    series = _series(world)
    assert series.of.slug == "tomasz"
    assert AuditEvent.objects.filter(action="create", object_type__icontains="outcomeseries")
    assert world.relationship.assessments.first().reason.startswith("phq9 questionnaires started")


def test_the_questionnaire_shows_every_item_with_its_credit(world: World) -> None:
    _start(world)
    page = world.client("co_producer").get(world.url(f"{_series(world).pk}/")).content.decode()

    assert page.count('type="radio"') == 9 * 4  # nine items, answers 0 to 3
    assert "1. Little interest or pleasure in doing things" in page
    assert "Pfizer" in page  # the attribution the PHQ-9 needs wherever its items are shown


def test_filling_it_in_stores_the_answers_and_a_new_assessment(world: World) -> None:
    _start(world)
    series = _series(world)
    before = world.relationship.assessments.count()

    response = _fill_in(world, series, PHQ9_ALL_TWOS, standing="co_producer")

    assert response.status_code == 302
    score = Score.objects.get(series=series)
    assert score.items == [2] * 9 and score.value is None
    assert world.relationship.assessments.count() == before + 1
    latest = world.relationship.assessments.first().result
    assert [o["first"] for o in latest["outcomes"]] == [18]


def test_a_missing_answer_is_named_and_nothing_is_saved(world: World) -> None:
    _start(world)
    series = _series(world)
    answers = {**PHQ9_ALL_TWOS}
    del answers["item_4"]

    response = _fill_in(world, series, answers)

    assert response.status_code == 200
    assert "Choose an answer to question 4" in response.content.decode()
    assert not Score.objects.filter(series=series).exists()


@pytest.mark.parametrize("answer", ["4", "-1", "two", "2.5", ""])
def test_an_answer_the_instrument_does_not_allow_is_refused(world: World, answer: str) -> None:
    _start(world)
    series = _series(world)

    response = _fill_in(world, series, {**PHQ9_ALL_TWOS, "item_7": answer})

    assert response.status_code == 200
    assert "question 7" in response.content.decode()
    assert not Score.objects.filter(series=series).exists()


def test_a_stale_questionnaire_saves_nothing(world: World) -> None:
    _start(world)
    series = _series(world)
    data = {**_date(timezone.localdate()), **PHQ9_ALL_TWOS, "revision": world.revision() - 1}

    response = world.client("professional").post(world.url(f"{series.pk}/"), data)

    assert STALE in response.content.decode()
    assert not Score.objects.filter(series=series).exists()


def test_a_future_date_is_refused(world: World) -> None:
    _start(world)
    series = _series(world)
    data = {
        **_date(timezone.localdate() + timedelta(days=2)),
        **PHQ9_ALL_TWOS,
        "revision": world.revision(),
    }

    response = world.client("professional").post(world.url(f"{series.pk}/"), data)

    assert "must be today or in the past" in response.content.decode()


def test_a_goal_is_rated_on_its_own_words(world: World) -> None:
    _start(world, instrument="gbo", goal="Walk to the park with my son")
    series = _series(world, "gbo")
    page = world.client("co_producer").get(world.url(f"{series.pk}/")).content.decode()
    assert "Your goal: Walk to the park with my son" in page

    _fill_in(world, series, {"rating": "6"}, standing="co_producer")

    assert Score.objects.get(series=series).value == 6


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"instrument": "gbo", "goal": ""}, "Enter the goal, in the person&#x27;s own words"),
        ({"instrument": "phq9", "goal": "something"}, "Only goal-based outcomes have a goal"),
        ({"instrument": "not-an-instrument"}, "Select a valid choice"),
        ({"of": "priya"}, "Select a valid choice"),  # a professional has no wellbeing series
        ({"instrument": ""}, "Choose a questionnaire"),
    ],
)
def test_starting_with_bad_input_is_explained(
    world: World, fields: dict[str, str], message: str
) -> None:
    response = _start(world, **fields)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not world.relationship.outcome_series.exists()


def test_the_same_questionnaire_cannot_be_started_twice(world: World) -> None:
    _start(world)

    response = _start(world)

    assert "already has the" in response.content.decode()
    assert world.relationship.outcome_series.count() == 1


def test_a_licensed_questionnaire_without_its_wording_is_answered_by_number(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MUTUALITY_INSTRUMENT_TEXT", raising=False)
    _start(world, instrument="core10")
    series = _series(world, "core10")

    page = world.client("professional").get(world.url(f"{series.pk}/")).content.decode()

    assert "licensed to your organisation" in page
    assert "Question 1" in page
    response = _fill_in(world, series, {f"item_{n}": "1" for n in range(1, 11)})
    assert response.status_code == 302
    assert Score.objects.get(series=series).items == [1] * 10


@pytest.mark.parametrize(
    ("standing", "start", "fill_in", "page"),
    [
        ("professional", 200, 200, 200),
        ("co_producer", 200, 200, 200),
        ("supervisor", 403, 403, 200),
        ("reviewer", 403, 403, 200),
        ("admin", 403, 403, 200),
        ("other_professional", 404, 404, 404),
        ("other_admin", 404, 404, 404),
    ],
)
def test_who_may_start_fill_in_and_see_questionnaires(
    world: World, standing: str, start: int, fill_in: int, page: int
) -> None:
    _start(world)
    client = world.client(standing)

    assert client.get(world.url()).status_code == page
    assert client.get(world.url("new/")).status_code == start
    assert client.get(world.url(f"{_series(world).pk}/")).status_code == fill_in


def test_anonymous_people_are_sent_to_sign_in(world: World) -> None:
    for tail in ("", "new/"):
        response = world.client("anonymous").get(world.url(tail))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_a_series_of_another_relationship_is_not_found(world: World) -> None:
    other_series = OutcomeSeries.objects.create(
        relationship=world.other, of=world.other.participants.get(slug="tomasz"), instrument="gad7"
    )

    response = world.client("professional").get(world.url(f"{other_series.pk}/"))

    assert response.status_code == 404


def test_outsiders_views_of_the_questionnaires_are_audited(world: World) -> None:
    world.client("supervisor").get(world.url())
    world.client("co_producer").get(world.url())

    views = AuditEvent.objects.filter(action="view", relationship_id=world.relationship.pk)
    assert [v.user.username for v in views] == ["sup"]


def test_the_relationship_page_draws_the_scores_with_a_table(world: World) -> None:
    relationship = import_case(
        load_case(EXAMPLES / "cbt-shared-formulation.yaml"),
        world.users["professional"].organisation,
    )
    relationship.participants.filter(role="professional").update(user=world.users["professional"])

    page = world.client("professional").get(f"/relationships/{relationship.pk}/").content.decode()

    assert "<svg" in page and 'role="img"' in page
    assert "Wellbeing scores over time" in page
    assert page.count("<td>gethin</td>") >= 8  # every score of both series in the data table


def test_the_dashboard_says_what_is_due_by_kind(world: World) -> None:
    _start(world)  # never filled in, so due now
    world.relationship.observations.create(
        date="2026-11-01", kind="collusion", by="priya", status="open"
    )
    reassess(world.relationship, reason="an observation came in")  # as every action does

    page = world.client("co_producer").get("/relationships/").content.decode()

    assert "What is due" in page
    # Their own questionnaire comes first, under "For you", in their words.
    assert page.index(">For you<") < page.index("Worries about the relationship still open")
    assert "PHQ-9 for you" in page


def test_a_questionnaire_filled_in_lately_is_not_due(world: World) -> None:
    _start(world)
    _fill_in(world, _series(world), PHQ9_ALL_TWOS)

    page = world.client("co_producer").get("/relationships/").content.decode()

    assert "Wellbeing questionnaires due" not in page


def test_a_withdrawn_consent_comes_first_for_the_professional_and_supervisor(
    world: World,
) -> None:
    _start(world)
    world.relationship.observations.create(date="2026-11-01", kind="collusion", by="priya")
    world.relationship.participants.filter(slug="tomasz").update(consent="withdrawn")
    reassess(world.relationship, reason="tomasz withdrew consent")  # as every action does

    for standing in ("professional", "supervisor"):
        page = world.client(standing).get("/relationships/").content.decode()
        headings = re.findall(r'<h3 class="nhsuk-heading-s">(.*?)</h3>', page)
        assert headings[0] == "Consent withdrawn"
        assert len(headings) > 1  # other things are due too, and come after it
        assert "tomasz has withdrawn their consent" in page
