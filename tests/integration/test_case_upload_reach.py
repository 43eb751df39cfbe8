"""An uploaded case file changes only what its uploader could change and wrote themselves:
records carry ids, an unknown id and a hidden record's id get the same refusal, and older
exports without ids change nothing. Also the three uploads that used to fail with a 500."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
import yaml

from mutuality.web.access import file_reach
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.models import TEXT_LENGTH, PrivateWorry, Score
from tests.factories import World
from tests.integration.test_access_matrix import STANDINGS
from tests.integration.upload_world import (
    PRIVATE_NOTE,
    everything,
    export_as,
    unchanged,
    upload,
    with_every_record,
)


@pytest.fixture
def world(world: World) -> World:
    """The shared world with a record of every kind and every author (upload_world.py)."""
    return with_every_record(world)


def _data(world: World, standing: str = "professional") -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(export_as(world, standing))
    return loaded


def _without_ids(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _without_ids(v) for k, v in data.items() if not (k == "id" and _is_uuid(v))}
    if isinstance(data, list):
        return [_without_ids(v) for v in data]
    return data


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _page(response: Any) -> str:
    return str(response.content.decode())


def _private(world: World) -> PrivateWorry:
    return world.relationship.private_worries.get()


def test_every_record_in_an_export_carries_its_id(world: World) -> None:
    """Each affected party, disclosure, observation, consultation, series and score has its id."""
    data = _data(world)

    records = [
        *data["affected_parties"],
        *data["disclosures"],
        *data["observations"],
        *data["consultations"],
        *data["outcomes"],
        *(score for series in data["outcomes"] for score in series["scores"]),
    ]

    assert records and all(_is_uuid(record["id"]) for record in records)
    assert len({record["id"] for record in records}) == len(records)


@pytest.mark.parametrize("with_ids", [True, False], ids=["export", "older-export-without-ids"])
def test_uploading_an_export_again_changes_nothing(world: World, with_ids: bool) -> None:
    """The professional's own download, with or without ids, uploads as no change at all."""
    data = _data(world)
    before = everything(world)

    response = upload(world, "professional", data if with_ids else _without_ids(data))

    assert response.status_code == 302
    assert unchanged(before, everything(world)) == ["this"]  # only its revision moved
    after = everything(world)["this"]
    assert after["observations"] == before["this"]["observations"]
    assert after["scores"] == before["this"]["scores"]
    assert _data(world) == data


@pytest.mark.asvs("8.2.3")
def test_a_professionals_file_never_reaches_a_private_worry(world: World) -> None:
    """A private worry is in no file the professional has, and a file naming its id is refused
    just as one naming a made-up id is, leaving the worry as it was (ADR 0015)."""
    data = _data(world)
    private = _private(world)
    entry = {"date": "2026-11-02", "kind": "other", "by": "Priya", "status": "open"}
    data["observations"].append({"id": private.uid, **entry})
    made_up = {**data, "observations": [*data["observations"][:-1], {"id": "made-up", **entry}]}

    response = _page(upload(world, "professional", data, follow=True))
    other = _page(upload(world, "professional", made_up, follow=True))

    private.refresh_from_db()
    assert (private.state, private.note, private.kind) == ("held", PRIVATE_NOTE, "collusion")
    assert not world.relationship.observations.filter(kind="other", by="Priya").exists()
    assert PRIVATE_NOTE not in response
    unknown = "which is not the id of a record in this relationship"
    assert unknown in response
    assert unknown in other


def test_the_private_worry_is_in_its_raisers_export_alone(world: World) -> None:
    """The worry leaves the database in the co-producer's own file, and in no one else's."""
    private = _private(world)

    texts = {s: export_as(world, s) for s in ("professional", "co_producer", "supervisor")}

    assert private.uid in texts["co_producer"]
    assert PRIVATE_NOTE in texts["co_producer"]
    assert all(
        PRIVATE_NOTE not in texts[s] and private.uid not in texts[s]
        for s in ("professional", "supervisor")
    )


def _refusal(world: World, record_id: str) -> str:
    data = _data(world)
    data["observations"][0]["id"] = record_id
    data["observations"][0]["note"] = "changed"
    before = everything(world)

    response = upload(world, "professional", data)

    assert response.status_code == 200
    assert unchanged(before, everything(world)) == []
    found = re.search(r"In the case file, observations\[0\]\.id: [^<]*", _page(response))
    assert found, "the refusal names the field"
    return found.group().replace(record_id, "ID")


def test_an_unknown_id_and_another_relationships_id_get_the_same_refusal(world: World) -> None:
    """A made-up id, another relationship's observation and another relationship's score are
    refused in the same words as the id of a hidden record would be, and nothing is saved."""
    theirs = world.other.observations.create(date="2026-11-01", kind="collusion", by="someone")
    tomasz = world.other.participants.get(slug="tomasz")
    series = world.other.outcome_series.create(of=tomasz, instrument="who5")
    score = series.scores.create(date="2026-11-01", value=60)

    refusals = {
        _refusal(world, str(uuid.uuid4())),
        _refusal(world, theirs.uid),
        _refusal(world, score.uid),
        _refusal(world, "made-up-id"),
    }

    assert len(refusals) == 1
    assert "leave the id out to add a new record" in refusals.pop()


def test_a_professional_changes_their_own_observation_by_its_id(world: World) -> None:
    """A record the uploader wrote is theirs to change by a file."""
    mine = world.relationship.observations.get(note="priya's own note")
    data = _data(world)
    entry = next(o for o in data["observations"] if o["id"] == mine.uid)
    entry.update(status="resolved", note="talked it through")

    response = upload(world, "professional", data)

    mine.refresh_from_db()
    assert response.status_code == 302
    assert (mine.status, mine.note) == ("resolved", "talked it through")


def test_two_observations_with_the_same_date_and_kind_upload(world: World) -> None:
    """Same date, kind and author twice used to fail with a 500; both stay, each by its id."""
    data = _data(world)
    twins = [
        o for o in data["observations"] if o.get("note", "").startswith(("tomasz", "the same"))
    ]
    assert len(twins) == 2 and twins[0]["date"] == twins[1]["date"]

    response = upload(world, "professional", _without_ids(data))

    assert response.status_code == 302
    assert world.relationship.observations.filter(kind="other").count() == 2


def test_item_by_item_answers_upload_again(world: World) -> None:
    """A PHQ-9 filled in item by item used to fail with a 500 (`unhashable type: 'list'`)."""
    data = _data(world)
    before = sorted(Score.objects.values_list("uid", flat=True))

    for content in (data, _without_ids(data)):
        response = upload(world, "professional", content)
        assert response.status_code == 302

    assert sorted(Score.objects.values_list("uid", flat=True)) == before


@pytest.mark.asvs("1.3.3")
@pytest.mark.parametrize("text", ["a\x00b", "\x00"])
def test_a_nul_character_is_a_clear_error(world: World, text: str) -> None:
    """A NUL (which PostgreSQL cannot store) used to fail with a 500; now the field is named."""
    data = _data(world)
    data["observations"][2]["note"] = text
    before = everything(world)

    response = upload(world, "professional", data)

    assert response.status_code == 200
    assert "observations[2].note: got text with a control character (U+0000)" in _page(response)
    assert unchanged(before, everything(world)) == []


@pytest.mark.parametrize("field", ["title", "by"])
def test_text_longer_than_is_kept_is_a_clear_error(world: World, field: str) -> None:
    """Text longer than its column holds (which PostgreSQL refuses and SQLite would keep) is
    refused naming the field, and changes nothing."""
    data = _data(world)
    too_long = "a" * (TEXT_LENGTH + 1)
    if field == "title":
        data["title"] = too_long
    else:
        data["observations"][2]["by"] = too_long
    before = everything(world)

    response = upload(world, "professional", data)

    assert response.status_code == 200
    named = "title" if field == "title" else "observations[2].by"
    assert re.search(rf"{re.escape(named)}: .*(long|at most)", _page(response)), _page(response)
    assert unchanged(before, everything(world)) == []


def test_a_changed_score_on_record_is_kept_and_new_ones_are_added(world: World) -> None:
    """Scores are evidence: a file adds new ones, never rewrites one already recorded."""
    data = _data(world)
    phq9 = next(s for s in data["outcomes"] if s["instrument"] == "phq9")
    first = phq9["scores"][0]
    first["items"] = [3, 3, 3, 3, 3, 3, 3, 3, 3]
    phq9["scores"].append({"date": "2026-11-20", "items": [0, 0, 0, 0, 0, 0, 0, 0, 0]})

    response = upload(world, "professional", data, follow=True)

    kept = Score.objects.get(uid=first["id"])
    assert kept.items == [1, 2, 1, 0, 1, 2, 1, 0, 0]
    assert Score.objects.filter(series__instrument="phq9", date="2026-11-20").count() == 1
    assert "kept as it is here" in _page(response)


@pytest.mark.asvs("8.2.3")
def test_a_file_cannot_add_someone_elses_disclosure(world: World) -> None:
    """Each person records what they shared about themselves; a file cannot do it for them."""
    data = _data(world)
    data["disclosures"].append({"by": "tomasz", "date": "2026-11-03", "about": "something"})
    before = everything(world)

    response = upload(world, "professional", data)

    assert response.status_code == 200
    assert "disclosures[1].by: got &#x27;tomasz&#x27;" in _page(response)
    assert unchanged(before, everything(world)) == []


def test_a_new_person_in_a_file_gives_their_own_consent(world: World) -> None:
    """Someone a file adds starts with their consent not sought and no answers."""
    data = _data(world)
    data["participants"].append(
        {
            "id": "sam",
            "role": "recipient",
            "consent": "given",
            "answers": {"decide_goals": "shared"},
        }
    )

    response = upload(world, "professional", data, follow=True)

    sam = world.relationship.participants.get(slug="sam")
    assert (sam.consent, sam.answers) == ("not_sought", {})
    assert "The file&#x27;s consent and answers for sam were not used" in _page(response)


def test_supervision_dates_recorded_here_are_kept(world: World) -> None:
    """Once the supervisor records sessions here, a file cannot move their dates."""
    data = _data(world)
    data["scrutiny"]["last_supervision"] = "2026-11-24"
    data["scrutiny"]["last_independent_review"] = "2026-11-24"
    data["as_of"] = "2026-01-01"

    response = upload(world, "professional", data, follow=True)

    r = world.relationship
    r.refresh_from_db()
    assert (str(r.last_supervision), str(r.last_independent_review)) == ("2026-11-10", "2026-11-12")
    assert str(r.as_of) == "2026-11-25"
    assert "kept as the supervisor recorded it here" in _page(response)


def test_new_records_in_a_file_are_the_uploaders(world: World) -> None:
    """An observation and a consultation a file adds are recorded as the uploader's."""
    data = _data(world)
    data["observations"].append({"date": "2026-11-21", "kind": "collusion", "by": "Priya"})
    data["consultations"].append({"date": "2026-11-21", "with": "the team", "outcome": "adapt"})

    upload(world, "professional", data)

    pro = world.users["professional"]
    assert world.relationship.observations.get(date="2026-11-21").raised_by == pro
    assert world.relationship.consultations.get(date="2026-11-21").recorded_by == pro


def test_the_audit_trail_names_what_an_upload_changed_but_not_its_content(world: World) -> None:
    """The upload's audit event lists each record added or changed by kind, id and field."""
    mine = world.relationship.observations.get(note="priya's own note")
    data = _data(world)
    next(o for o in data["observations"] if o["id"] == mine.uid)["note"] = "a new note zq9w"
    data["consultations"].append({"date": "2026-11-21", "with": "the team", "outcome": "adapt"})

    upload(world, "professional", data)

    event = AuditEvent.objects.get(action="update", relationship_id=world.relationship.pk)
    added = world.relationship.consultations.get(date="2026-11-21")
    assert {"changed": "observations", "id": mine.uid, "fields": ["note"]} in event.detail["upload"]
    assert {"added": "consultations", "id": added.uid} in event.detail["upload"]
    assert "zq9w" not in str(event.detail)


def _record(world: World, name: str) -> Any:
    r = world.relationship
    return {
        "supervisor's observation": lambda: r.observations.get(note="supervisor's own note"),
        "own observation": lambda: r.observations.get(note="priya's own note"),
        "co-producer's observation": lambda: r.observations.get(note="tomasz's open note"),
        "observation from a file": lambda: r.observations.create(
            date="2026-01-01", kind="other", by="Dr K"
        ),
        "supervisor's consultation": lambda: r.consultations.get(with_whom="the perinatal team"),
        "consultation from a file": lambda: r.consultations.create(
            date="2026-01-01", with_whom="a file", outcome="adapt"
        ),
        "co-producer's disclosure": lambda: r.disclosures.get(by__slug="tomasz"),
        "own disclosure": lambda: r.disclosures.create(
            by=r.participants.get(slug="priya"), date="2026-01-01", about="x"
        ),
        "affected party": lambda: r.affected_parties.first(),
        "outcome series": lambda: r.outcome_series.first(),
        "score": lambda: Score.objects.filter(series__relationship=r).first(),
    }[name]()


REACH = {
    "supervisor's observation": False,
    "own observation": True,
    "co-producer's observation": False,
    "observation from a file": True,
    "supervisor's consultation": False,
    "consultation from a file": True,
    "co-producer's disclosure": False,
    "own disclosure": True,
    "affected party": True,
    "outcome series": False,
    "score": False,
}


@pytest.mark.parametrize("name", list(REACH))
@pytest.mark.parametrize("standing", STANDINGS[:-1])
def test_what_a_file_may_change_by_standing_and_record(
    world: World, standing: str, name: str
) -> None:
    """Only the relationship's professional's file reaches anything, and only what they wrote
    (or what came from a file); nobody's reaches a score, a series or someone else's record."""
    record = _record(world, name)

    reaches = file_reach(world.users[standing], world.relationship)(record)

    assert reaches is (REACH[name] and standing == "professional")
