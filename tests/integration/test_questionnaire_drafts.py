"""Questionnaires keep partial answers (issue 13, point 6): saved for later, restored, discarded
or finished; private to the person filling it in; never a score, so neither the assessment nor
an export sees a draft; and a self-harm answer in a draft still shows the help and raises the
flag, once."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.models import OutcomeSeries, QuestionnaireDraft, SafetyFlag, Score
from tests.factories import World


@pytest.fixture
def world(world: World) -> World:
    """The shared world under way, with a PHQ-9 started for the co-producer (tomasz)."""
    relationship = world.relationship
    relationship.stage = "active"
    relationship.started = timezone.localdate() - timedelta(days=60)
    relationship.as_of = None
    relationship.save()
    relationship.outcome_series.create(
        of=relationship.participants.get(slug="tomasz"), instrument="phq9"
    )
    return world


def _series(world: World) -> OutcomeSeries:
    return world.relationship.outcome_series.get(instrument="phq9")


def _url(world: World, tail: str = "") -> str:
    return f"/relationships/{world.relationship.pk}/outcomes/{tail}"


def _post(
    world: World,
    standing: str,
    answers: dict[str, str],
    draft: str | None,
    client: Client | None = None,
) -> Any:
    """Post the PHQ-9 page's form as `standing` (or with `client`), with one of its buttons
    (`draft`: "keep" or "discard"; None: finish)."""
    world.relationship.refresh_from_db()
    today = timezone.localdate()
    data = {
        "date_0": str(today.day),
        "date_1": str(today.month),
        "date_2": str(today.year),
        "revision": str(world.relationship.revision),
        **answers,
        **({"draft": draft} if draft else {}),
    }
    return (client or world.client(standing)).post(_url(world, f"{_series(world).pk}/"), data)


FIRST_THREE = {"item_1": "2", "item_2": "1", "item_3": "3"}
ALL_ONES_BUT_NINE = {f"item_{n}": "1" for n in range(1, 9)} | {"item_9": "0"}


def _checked(page: str) -> dict[str, str]:
    """The radios checked on a questionnaire page, by name."""
    return dict(
        re.findall(r'<input type="radio" name="(item_\d)" value="(\d)"[^>]*\bchecked\b', page)
    )


def test_saving_for_later_keeps_the_answers_and_changes_nothing_assessed(world: World) -> None:
    """A draft is kept for its author, with no score, no new assessment and no new revision."""
    world.relationship.refresh_from_db()
    revision, assessments = world.relationship.revision, world.relationship.assessments.count()
    client = world.client("co_producer")

    response = _post(world, "co_producer", FIRST_THREE, draft="keep", client=client)

    assert response.status_code == 302 and response["Location"] == _url(world)
    draft = QuestionnaireDraft.objects.get(series=_series(world), by=world.users["co_producer"])
    assert draft.answers == {**FIRST_THREE, "date": timezone.localdate().isoformat()}
    assert not Score.objects.exists()
    world.relationship.refresh_from_db()
    assert world.relationship.revision == revision
    assert world.relationship.assessments.count() == assessments
    page = client.get(_url(world)).content.decode()
    assert "Only you can see them" in page and "assessment is up to date" not in page
    assert "Finish your saved answers" in page


def test_a_saved_draft_is_audited_without_its_answers(world: World) -> None:
    """The audit trail says a draft was kept and how many answers it has, never what they are."""
    _post(world, "co_producer", FIRST_THREE, draft="keep")

    event = AuditEvent.objects.get(object_type="relationships.QuestionnaireDraft")
    assert event.action == "create" and event.user == world.users["co_producer"]
    assert event.detail["answered"] == 3
    assert not any(key.startswith("item_") for key in event.detail)


def test_coming_back_restores_the_answers(world: World) -> None:
    """The page opened again shows the answers saved, and offers to discard them."""
    _post(world, "co_producer", FIRST_THREE, draft="keep")

    page = world.client("co_producer").get(_url(world, f"{_series(world).pk}/")).content.decode()

    assert _checked(page) == FIRST_THREE
    assert "These are the answers you saved on" in page
    assert 'name="draft" value="discard"' in page


def test_saving_again_replaces_the_draft(world: World) -> None:
    """A second save keeps one draft, with the newer answers."""
    _post(world, "co_producer", FIRST_THREE, draft="keep")

    _post(world, "co_producer", {"item_1": "0"}, draft="keep")

    (draft,) = QuestionnaireDraft.objects.all()
    assert draft.answers["item_1"] == "0" and "item_2" not in draft.answers


def test_discarding_deletes_the_draft_and_is_audited(world: World) -> None:
    """ "Discard my answers" deletes the draft; the page is empty again."""
    _post(world, "co_producer", FIRST_THREE, draft="keep")

    response = _post(world, "co_producer", {}, draft="discard")

    assert response.status_code == 302
    assert not QuestionnaireDraft.objects.exists()
    assert AuditEvent.objects.filter(
        object_type="relationships.QuestionnaireDraft", action="delete", detail__how="discarded"
    ).exists()
    page = world.client("co_producer").get(_url(world, f"{_series(world).pk}/")).content.decode()
    assert _checked(page) == {}


def test_finishing_stores_the_score_and_deletes_the_draft(world: World) -> None:
    """Finished, the answers are a score and the draft is gone."""
    _post(world, "co_producer", FIRST_THREE, draft="keep")

    response = _post(world, "co_producer", ALL_ONES_BUT_NINE, draft=None)

    assert response.status_code == 302
    assert Score.objects.get().items == [1] * 8 + [0]
    assert not QuestionnaireDraft.objects.exists()


def test_a_draft_with_a_wrong_answer_names_the_question_and_keeps_nothing(world: World) -> None:
    """An answer the PHQ-9 does not allow is refused, by question, and no draft is kept."""
    response = _post(world, "co_producer", {"item_2": "7"}, draft="keep")

    assert response.status_code == 200
    assert "Choose one of the answers to question 2" in response.content.decode()
    assert not QuestionnaireDraft.objects.exists()


@pytest.mark.parametrize("standing", ["professional", "supervisor", "reviewer", "admin"])
def test_nobody_else_sees_a_draft_or_learns_it_exists(world: World, standing: str) -> None:
    """The co-producer's draft is not shown to anyone else, not even as "saved answers"."""
    _post(world, "co_producer", FIRST_THREE, draft="keep")
    client = world.client(standing)

    outcomes = client.get(_url(world)).content.decode()
    form = client.get(_url(world, f"{_series(world).pk}/"))

    assert "saved answers" not in outcomes
    if standing == "professional":  # who may fill it in for them, starting from nothing
        assert form.status_code == 200 and _checked(form.content.decode()) == {}
    else:
        assert form.status_code == 403


def test_a_professional_filling_it_in_for_them_has_a_draft_of_their_own(world: World) -> None:
    """The professional's draft of the co-producer's questionnaire is the professional's alone;
    the co-producer finishing theirs leaves it be."""
    _post(world, "professional", {"item_1": "3"}, draft="keep")
    _post(world, "co_producer", FIRST_THREE, draft="keep")

    _post(world, "co_producer", ALL_ONES_BUT_NINE, draft=None)

    page = world.client("co_producer").get(_url(world, f"{_series(world).pk}/")).content.decode()
    assert _checked(page) == {}
    (left,) = QuestionnaireDraft.objects.all()
    assert left.by == world.users["professional"]


def test_a_draft_is_in_neither_the_assessment_nor_the_export(world: World) -> None:
    """The case file and the stored assessment know nothing of a draft."""
    _post(world, "co_producer", ALL_ONES_BUT_NINE, draft="keep")

    export = world.client("professional").get(f"/relationships/{world.relationship.pk}/case.yaml")
    latest = world.relationship.assessments.first()

    assert export.status_code == 200
    assert "scores:" not in export.content.decode()
    assert latest is None or latest.result["outcomes"] == []


def test_a_self_harm_answer_in_a_draft_shows_the_help_and_raises_the_flag_once(
    world: World,
) -> None:
    """PHQ-9 item 9 answered in a draft: the help now, one flag however often it is saved, and
    none more when finished with the same answer (the help is shown again)."""
    nine = {"item_9": "1"}

    first = _post(world, "co_producer", nine, draft="keep")
    _post(world, "co_producer", {**nine, "item_1": "2"}, draft="keep")
    finished = _post(world, "co_producer", {**ALL_ONES_BUT_NINE, **nine}, draft=None)

    help_now = f"/relationships/{world.relationship.pk}/help-now/"
    assert first["Location"] == help_now and finished["Location"] == help_now
    (flag,) = SafetyFlag.objects.all()
    assert flag.kind == "self_harm_thoughts" and "answered 1 to question 9" in flag.detail
    assert Score.objects.get().items[8] == 1
