"""Supervision and records: each form's happy path, its bad input, who may use it, the
supervisor-only rule, the assessment each change stores, and the organisation's audit log."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.actions import latest_assessment
from mutuality.web.relationships.case_io import case_data
from mutuality.web.relationships.models import (
    AssessmentRecord,
    Consultation,
    Disclosure,
    Observation,
    Relationship,
    ReviewRecord,
    SupervisionRecord,
)
from tests.factories import World as SharedWorld

CASE = Path(__file__).resolve().parents[2] / "examples" / "fathers-walking-group.yaml"
STALE = "Someone else changed this relationship after you opened this page."
SECRET = "He asked me not to tell anyone about the money"


@dataclass
class World(SharedWorld):
    """The shared world, with the records pages of its relationship."""

    def url(self, name: str) -> str:
        pk = self.relationship.pk
        return f"/relationships/{pk}/{PATHS[name]}"


@pytest.fixture
def world(world: SharedWorld) -> World:
    """The shared world, its professional, co-producer and supervisor known by their names."""
    shown = {"professional": "Priya Shah", "co_producer": "Tomasz Nowak", "supervisor": "Dr Kaur"}
    for standing, name in shown.items():
        user = world.users[standing]
        user.display_name = name
        user.save(update_fields=["display_name"])
    return World(world.relationship, world.other, world.users)


def _today() -> date:
    return timezone.localdate()


def _date(value: date, name: str = "date") -> dict[str, str]:
    return {
        f"{name}_0": str(value.day),
        f"{name}_1": str(value.month),
        f"{name}_2": str(value.year),
    }


def _revision(world: World) -> int:
    world.relationship.refresh_from_db()
    return world.relationship.revision


def _latest(world: World) -> dict[str, Any]:
    record = AssessmentRecord.objects.filter(relationship=world.relationship).first()
    assert record is not None
    return record.result


def _codes(world: World) -> list[str]:
    return [finding["code"] for finding in _latest(world)["findings"]]


PATHS = {
    "records": "records/",
    "supervision": "supervision/",
    "observe": "observations/new/",
    "disclosure": "disclosures/new/",
    "consultation": "consultations/new/",
    "contract-review": "reviews/contract/",
    "independent-review": "reviews/independent/",
    "scrutiny": "scrutiny/",
    "stage": "stage/",
}
STANDINGS = [
    "professional",
    "co_producer",
    "supervisor",
    "reviewer",
    "admin",
    "other_professional",
    "other_admin",
    "anonymous",
]
# page → the standings that may open it on their own relationship; any other standing that
# can see the relationship gets 403, everyone else 404 (anonymous: sent to sign in).
ALLOWED = {
    "records": {"professional", "co_producer", "supervisor", "reviewer", "admin"},
    "supervision": {"supervisor"},
    "observe": {"professional", "co_producer", "supervisor"},
    "resolve": {"supervisor"},
    "disclosure": {"professional"},
    "consultation": {"professional", "supervisor"},
    "contract-review": {"professional"},
    "independent-review": {"supervisor", "reviewer"},
    "scrutiny": {"professional"},
    "stage": {"professional"},
}
CAN_SEE = {"professional", "co_producer", "supervisor", "reviewer", "admin"}


def _open_observation(world: World, **fields: Any) -> Observation:
    values = {"date": _today(), "kind": "collusion", "by": "Dr Kaur", "note": "a note"}
    return Observation.objects.create(relationship=world.relationship, **{**values, **fields})


def _page_url(world: World, page: str) -> str:
    if page == "resolve":
        observation = _open_observation(world)
        return f"/relationships/{world.relationship.pk}/observations/{observation.pk}/resolve/"
    return world.url(page)


@pytest.mark.parametrize("page", list(ALLOWED))
@pytest.mark.parametrize("standing", STANDINGS)
def test_page_access_on_their_relationship(world: World, page: str, standing: str) -> None:
    """Each standing gets exactly the access its role gives on each page."""
    url = _page_url(world, page)

    response = world.client(standing).get(url)

    if standing == "anonymous":
        expected = 302
    elif standing in ALLOWED[page]:
        expected = 200
    elif standing in CAN_SEE:
        expected = 403
    else:
        expected = 404
    assert response.status_code == expected


@pytest.mark.parametrize("page", [p for p in ALLOWED if p != "resolve"])
def test_pages_of_a_relationship_they_are_not_part_of_are_404(world: World, page: str) -> None:
    """Another relationship's pages do not exist for the supervisor of this one."""
    url = f"/relationships/{world.other.pk}/{PATHS[page]}"

    response = world.client("supervisor").get(url)

    assert response.status_code == 404


def test_an_unknown_kind_of_review_is_404(world: World) -> None:
    """Only contract and independent reviews exist."""
    response = world.client("professional").get(
        f"/relationships/{world.relationship.pk}/reviews/annual/"
    )

    assert response.status_code == 404


def test_a_write_by_someone_without_permission_saves_nothing(world: World) -> None:
    """A co-producer posting a supervision session is refused and nothing changes."""
    revision = _revision(world)

    response = world.client("co_producer").post(
        world.url("supervision"), {**_date(_today()), "revision": revision}
    )

    assert response.status_code == 403
    assert not SupervisionRecord.objects.exists()
    assert _revision(world) == revision


def test_an_observation_of_another_relationship_cannot_be_resolved(world: World) -> None:
    """The observation must belong to the relationship in the address."""
    stranger = Observation.objects.create(
        relationship=world.other, date=_today(), kind="collusion", by="someone"
    )
    url = f"/relationships/{world.relationship.pk}/observations/{stranger.pk}/resolve/"

    response = world.client("supervisor").post(url, {"revision": _revision(world)})

    stranger.refresh_from_db()
    assert response.status_code == 404
    assert stranger.status == "open"


# --- supervision ---------------------------------------------------------------------------


def test_the_supervisor_records_supervision(world: World) -> None:
    """A session is stored, last_supervision moves to it, it is audited and reassessed."""
    day = _today() - timedelta(days=1)
    before = AssessmentRecord.objects.count()

    response = world.client("supervisor").post(
        world.url("supervision"),
        {**_date(day), "note": "Talked about endings", "revision": _revision(world)},
    )

    world.relationship.refresh_from_db()
    session = SupervisionRecord.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/relationships/{world.relationship.pk}/"
    assert (session.date, session.note, session.recorded_by) == (
        day,
        "Talked about endings",
        world.users["supervisor"],
    )
    assert world.relationship.last_supervision == day
    assert AssessmentRecord.objects.count() == before + 1
    assert "supervision" in latest_assessment(world.relationship).reason
    assert AuditEvent.objects.filter(
        action="create", object_type="relationships.SupervisionRecord", user__username="sup"
    ).exists()


def test_an_older_supervision_does_not_move_last_supervision_back(world: World) -> None:
    """last_supervision is the latest session's date, whatever order they are recorded in."""
    latest = world.relationship.last_supervision
    assert latest is not None

    world.client("supervisor").post(
        world.url("supervision"),
        {**_date(latest - timedelta(days=30)), "revision": _revision(world)},
    )

    world.relationship.refresh_from_db()
    assert SupervisionRecord.objects.count() == 1
    assert world.relationship.last_supervision == latest


def test_the_supervision_form_starts_at_today(world: World) -> None:
    """The date boxes are filled in with today's date, as day, month and year."""
    response = world.client("supervisor").get(world.url("supervision"))

    html = response.content.decode()
    assert f'name="date_0" type="text" inputmode="numeric" value="{_today().day}"' in html
    assert f'name="date_2" type="text" inputmode="numeric" value="{_today().year}"' in html
    assert 'name="revision"' in html


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("", "", ""), "Enter the date of the supervision"),
        (("30", "2", "2026"), "The date of the supervision must be a real date"),
        (("31", "11", "2026"), "The date of the supervision must be a real date"),
        (("12", "", "2026"), "must include a day, month and year"),
        (("twelve", "11", "2026"), "must be a real date, written in numbers"),
        (("-1", "11", "2026"), "must be a real date, written in numbers"),
        (("12", "11", "26"), "must have a year with 4 numbers"),
        (("12", "11", "0999"), "must be a real date"),
        (("1", "1", "99999"), "must be a real date, written in numbers"),
        (("١", "١", "٢٠٢٦"), "must be a real date, written in numbers"),
    ],
)
def test_impossible_dates_are_refused(
    world: World, parts: tuple[str, str, str], message: str
) -> None:
    """Missing, impossible, garbled and out-of-range dates are named next to the field."""
    day, month, year = parts
    revision = _revision(world)

    response = world.client("supervisor").post(
        world.url("supervision"),
        {"date_0": day, "date_1": month, "date_2": year, "revision": revision},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'class="nhsuk-error-summary"' in html
    assert 'href="#id_date_0"' in html
    assert 'id="id_date_error"' in html
    assert html.count(message) >= 2  # in the summary and beside the field
    assert not SupervisionRecord.objects.exists()
    assert _revision(world) == revision


def test_a_future_supervision_is_refused(world: World) -> None:
    """Supervision cannot be recorded before it has happened."""
    response = world.client("supervisor").post(
        world.url("supervision"),
        {**_date(_today() + timedelta(days=1)), "revision": _revision(world)},
    )

    assert "The date of the supervision must be today or in the past" in response.content.decode()
    assert not SupervisionRecord.objects.exists()


@pytest.mark.asvs("1.3.3", "2.2.2", "2.3.2")
def test_huge_text_is_refused_with_a_message(world: World) -> None:
    """A note longer than the case format allows is named, not cut short or crashed on."""
    response = world.client("supervisor").post(
        world.url("supervision"),
        {**_date(_today()), "note": "x" * 100_000, "revision": _revision(world)},
    )

    assert response.status_code == 200
    assert "The note must be 4,000 characters or fewer" in response.content.decode()
    assert not SupervisionRecord.objects.exists()


@pytest.mark.asvs("1.4.2", "15.3.5")
@pytest.mark.parametrize("revision", ["", "abc", "-3", "0", "99999999999999999999999", "1.5"])
def test_a_missing_or_garbled_revision_is_refused(world: World, revision: str) -> None:
    """Without a sensible revision nothing is saved, and the page says why."""
    response = world.client("supervisor").post(
        world.url("supervision"), {**_date(_today()), "revision": revision}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert STALE in html
    assert f'name="revision" value="{_revision(world)}"' in html
    assert not SupervisionRecord.objects.exists()


@pytest.mark.asvs("2.3.4")
def test_a_stale_revision_saves_nothing_and_keeps_what_was_typed(world: World) -> None:
    """Someone else's change since the page opened is not overwritten."""
    stale = _revision(world)
    Relationship.objects.filter(pk=world.relationship.pk).update(revision=stale + 1)
    assessments = AssessmentRecord.objects.count()

    response = world.client("supervisor").post(
        world.url("supervision"), {**_date(_today()), "note": "Typed note", "revision": stale}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert STALE in html
    assert "Typed note" in html
    assert f'name="revision" value="{stale + 1}"' in html
    assert not SupervisionRecord.objects.exists()
    assert AssessmentRecord.objects.count() == assessments


@pytest.mark.asvs("2.3.3")
def test_a_change_the_assessment_cannot_take_is_refused_and_rolled_back(world: World) -> None:
    """If the relationship would no longer be a valid case, nothing is saved and no 500."""
    Relationship.objects.filter(pk=world.relationship.pk).update(stage="active", started=None)
    revision = _revision(world)

    response = world.client("supervisor").post(
        world.url("supervision"), {**_date(_today()), "revision": revision}
    )

    assert response.status_code == 200
    assert "This change was not saved" in response.content.decode()
    assert not SupervisionRecord.objects.exists()
    assert _revision(world) == revision


# --- observations --------------------------------------------------------------------------


def test_an_open_collusion_observation_raises_scrutiny_and_resolving_it_lowers_it(
    world: World,
) -> None:
    """Collusion makes scrutiny intensive and adds competence.collusion; resolving undoes it."""
    assert "competence.collusion" not in [
        f["code"] for f in latest_assessment(world.relationship).result["findings"]
    ]
    supervisor = world.client("supervisor")

    response = supervisor.post(
        world.url("observe"),
        {
            **_date(_today()),
            "kind": "collusion",
            "note": "Avoiding the topic of payment",
            "revision": _revision(world),
        },
    )

    observation = Observation.objects.get()
    assert response.status_code == 302
    assert (observation.by, observation.raised_by, observation.status) == (
        "Dr Kaur",
        world.users["supervisor"],
        "open",
    )
    assert "competence.collusion" in _codes(world)
    assert _latest(world)["scrutiny"]["level"] == "intensive"
    assert latest_assessment(world.relationship).recommendation == "consult"

    resolve = f"/relationships/{world.relationship.pk}/observations/{observation.pk}/resolve/"
    response = supervisor.post(resolve, {"revision": _revision(world)})

    observation.refresh_from_db()
    assert response.status_code == 302
    assert observation.status == "resolved"
    assert "competence.collusion" not in _codes(world)
    assert _latest(world)["scrutiny"]["level"] != "intensive"
    assert AuditEvent.objects.filter(
        action="update", object_type="relationships.Observation", detail__after="resolved"
    ).exists()


def test_resolving_an_already_resolved_observation_changes_nothing(world: World) -> None:
    """A second resolve is told it is already resolved, and no assessment is stored."""
    observation = _open_observation(world, status="resolved")
    assessments = AssessmentRecord.objects.count()
    url = f"/relationships/{world.relationship.pk}/observations/{observation.pk}/resolve/"

    response = world.client("supervisor").post(url, {"revision": _revision(world)}, follow=True)

    assert "already marked as resolved" in response.content.decode()
    assert AssessmentRecord.objects.count() == assessments


def test_a_stale_resolve_is_refused(world: World) -> None:
    """Resolving from an out-of-date page leaves the observation open."""
    observation = _open_observation(world)
    stale = _revision(world)
    Relationship.objects.filter(pk=world.relationship.pk).update(revision=stale + 1)
    url = f"/relationships/{world.relationship.pk}/observations/{observation.pk}/resolve/"

    response = world.client("supervisor").post(url, {"revision": stale})

    observation.refresh_from_db()
    assert STALE in response.content.decode()
    assert observation.status == "open"


@pytest.mark.parametrize(
    ("kind", "code", "severity"),
    [
        ("malignant_coupling", "competence.malignant_coupling", "concern"),
        ("traumatic_reenactment", "competence.traumatic_reenactment", "concern"),
        ("gang_or_cartel", "competence.gang_or_cartel", "concern"),
        ("boundary_drift", "competence.boundary_drift", "advisory"),
        ("other", "competence.boundary_drift", "advisory"),
    ],
)
def test_every_kind_of_observation_reaches_the_assessment(
    world: World, kind: str, code: str, severity: str
) -> None:
    """Each kind on the form is the case format's kind, with its own finding."""
    world.client("professional").post(
        world.url("observe"), {**_date(_today()), "kind": kind, "revision": _revision(world)}
    )

    findings = {f["code"]: f["severity"] for f in _latest(world)["findings"]}
    assert findings.get(code) == severity


@pytest.mark.asvs("2.2.1", "2.2.2")
@pytest.mark.parametrize("kind", ["", "abuse", "COLLUSION", "collusion'--", "x" * 5000])
def test_a_kind_not_in_the_list_is_refused(world: World, kind: str) -> None:
    """Only the kinds on the form are accepted."""
    response = world.client("co_producer").post(
        world.url("observe"), {**_date(_today()), "kind": kind, "revision": _revision(world)}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose" in html
    assert 'href="#id_kind_0"' in html
    assert not Observation.objects.exists()


def test_the_observation_form_explains_each_kind(world: World) -> None:
    """Every kind has its plain-English explanation under it, tied to its radio."""
    response = world.client("co_producer").get(world.url("observe"))

    html = response.content.decode()
    assert "A harmful pairing (malignant coupling)" in html
    assert "A closed group" in html
    assert "Boundaries slipping" in html
    assert 'aria-describedby="id_kind_1_hint"' in html
    assert "Tell only the supervisor" in html


def test_the_co_producer_is_told_when_there_is_no_supervisor_to_read_it(world: World) -> None:
    """A supervisor-only worry with no supervisor would reach nobody; the form says so."""
    Relationship.objects.filter(pk=world.relationship.pk).update(supervisor=None)

    html = world.client("co_producer").get(world.url("observe")).content.decode()

    assert "no supervisor in Mutuality yet, so nobody else will read it" in html


@pytest.mark.parametrize("standing", ["professional", "supervisor"])
def test_only_the_co_producer_may_keep_an_observation_for_the_supervisor(
    world: World, standing: str
) -> None:
    """The tick box is not offered to others, and posting it anyway has no effect."""
    client = world.client(standing)

    page = client.get(world.url("observe")).content.decode()
    client.post(
        world.url("observe"),
        {
            **_date(_today()),
            "kind": "other",
            "supervisor_only": "on",
            "revision": _revision(world),
        },
    )

    assert "Tell only the supervisor" not in page
    assert Observation.objects.get().by == world.users[standing].shown_name
    assert not world.relationship.private_worries.exists()


def test_a_future_observation_is_refused(world: World) -> None:
    """Nobody can notice something tomorrow."""
    response = world.client("co_producer").post(
        world.url("observe"),
        {**_date(_today() + timedelta(days=3)), "kind": "other", "revision": _revision(world)},
    )

    assert "The date you noticed it must be today or in the past" in response.content.decode()
    assert not Observation.objects.exists()


# --- disclosures, consultations, reviews ---------------------------------------------------


def test_a_disclosure_without_a_reason_raises_a_concern(world: World) -> None:
    """The professional's disclosure is stored as theirs; no rationale is a concern."""
    world.client("professional").post(
        world.url("disclosure"),
        {
            **_date(_today()),
            "about": "My own time as a new father",
            "rationale": "   ",
            "revision": _revision(world),
        },
    )

    disclosure = Disclosure.objects.get()
    assert disclosure.by.slug == "priya"
    assert disclosure.rationale is None
    assert "responsibility.disclosure_unjustified" in _codes(world)


def test_a_disclosure_with_a_reason_raises_nothing(world: World) -> None:
    """A disclosure with its rationale is recorded without a finding."""
    response = world.client("professional").post(
        world.url("disclosure"),
        {
            **_date(_today()),
            "about": "My own time as a new father",
            "rationale": "To show that the first year is hard for everyone; agreed in supervision",
            "revision": _revision(world),
        },
    )

    assert response.status_code == 302
    assert Disclosure.objects.get().rationale.startswith("To show")
    assert "responsibility.disclosure_unjustified" not in _codes(world)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"about": ""}, "Enter what you shared about yourself"),
        ({"about": "y" * 2001}, "What you shared about yourself must be 2,000 characters"),
        ({"about": "ok", "rationale": "r" * 4001}, "The reason must be 4,000 characters"),
        ({"about": "ok", "date_0": "29", "date_1": "2", "date_2": "2025"}, "must be a real date"),
        ({"about": "nul\x00byte"}, "Null characters are not allowed"),
    ],
)
def test_bad_disclosures_are_refused(world: World, data: dict[str, str], message: str) -> None:
    """Each problem is named and nothing is saved."""
    response = world.client("professional").post(
        world.url("disclosure"), {**_date(_today()), "revision": _revision(world), **data}
    )

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Disclosure.objects.exists()


@pytest.mark.parametrize("standing", ["professional", "supervisor"])
def test_a_consultation_to_switch_model_is_a_concern_while_the_work_goes_on(
    world: World, standing: str
) -> None:
    """Recorded by the professional or the supervisor, it reaches the assessment."""
    response = world.client(standing).post(
        world.url("consultation"),
        {
            **_date(_today()),
            "with_whom": "the ethics forum",
            "outcome": "switch_model",
            "revision": _revision(world),
        },
    )

    consultation = Consultation.objects.get()
    assert response.status_code == 302
    assert (consultation.with_whom, consultation.outcome) == ("the ethics forum", "switch_model")
    assert "competence.consultation_unheeded" in _codes(world)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"with_whom": "", "outcome": "adapt"}, "Enter who you consulted"),
        ({"with_whom": "w" * 301, "outcome": "adapt"}, "300 characters or fewer"),
        ({"with_whom": "team", "outcome": "stop"}, "Choose one of the decisions in the list"),
        ({"with_whom": "team"}, "Choose what you decided"),
    ],
)
def test_bad_consultations_are_refused(world: World, data: dict[str, str], message: str) -> None:
    """Each problem is named and nothing is saved."""
    response = world.client("supervisor").post(
        world.url("consultation"), {**_date(_today()), "revision": _revision(world), **data}
    )

    assert message in response.content.decode()
    assert not Consultation.objects.exists()


def test_a_contract_review_updates_the_current_contract(world: World) -> None:
    """The latest contract version's last_review becomes the review's date."""
    day = _today() - timedelta(days=2)

    response = world.client("professional").post(
        world.url("contract-review"),
        {**_date(day), "note": "Both happy", "revision": _revision(world)},
    )

    contract = world.relationship.contract_versions.order_by("-version").first()
    assert response.status_code == 302
    assert contract is not None
    assert contract.last_review == day
    assert ReviewRecord.objects.get().kind == "contract"
    assert "contract review" in latest_assessment(world.relationship).reason


def test_a_contract_review_without_a_contract_is_explained(world: World) -> None:
    """Without a contract there is nothing to review, and a post saves nothing."""
    world.relationship.contract_versions.all().delete()

    page = world.client("professional").get(world.url("contract-review"))
    posted = world.client("professional").post(
        world.url("contract-review"), {**_date(_today()), "revision": _revision(world)}
    )

    assert "There is no contract to review yet" in page.content.decode()
    assert posted.status_code == 200
    assert not ReviewRecord.objects.exists()


def test_an_independent_review_updates_the_relationship(world: World) -> None:
    """The supervisor's independent review sets last_independent_review."""
    day = _today() - timedelta(days=10)

    world.client("supervisor").post(
        world.url("independent-review"), {**_date(day), "revision": _revision(world)}
    )

    world.relationship.refresh_from_db()
    assert world.relationship.last_independent_review == day
    assert ReviewRecord.objects.get().kind == "independent"


# --- scrutiny and stage --------------------------------------------------------------------


def _scrutiny(world: World, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "supervision_every_days": "28",
        "team_informed": "yes",
        "public_reporting": "yes",
        "contrast": ["informal_setting"],
        "revision": _revision(world),
    }
    return {**data, **changes}


def test_scrutiny_settings_change_the_level(world: World) -> None:
    """Four ways of differing make scrutiny intensive; an uninformed team is a concern."""
    contrast = [
        "other",
        "informal_setting",
        "shared_clinical_decisions",
        "payment_between_participants",
    ]

    response = world.client("professional").post(
        world.url("scrutiny"),
        _scrutiny(
            world,
            supervision_every_days="14",
            team_informed="no",
            public_reporting="unknown",
            contrast=contrast,
            uncertain="on",
        ),
    )

    world.relationship.refresh_from_db()
    r = world.relationship
    assert response.status_code == 302
    assert r.supervision_every_days == 14
    assert (r.team_informed, r.public_reporting, r.uncertain) == (False, None, True)
    assert r.contrast == [
        "shared_clinical_decisions",
        "payment_between_participants",
        "informal_setting",
        "other",
    ]
    assert _latest(world)["scrutiny"]["level"] == "intensive"
    findings = {f["code"]: f["severity"] for f in _latest(world)["findings"]}
    assert findings["competence.team_uninformed"] == "concern"
    assert "competence.no_public_reporting" in findings
    assert AuditEvent.objects.filter(action="update", detail__has_key="fields").exists()


def test_the_scrutiny_form_shows_the_current_settings(world: World) -> None:
    """The form opens with what is recorded now."""
    html = world.client("professional").get(world.url("scrutiny")).content.decode()

    assert 'name="supervision_every_days" value="28"' in html
    assert re.search(r"<input[^>]*value=\"informal_setting\"[^>]*checked", html)
    assert "You meet somewhere informal, not a clinic or an office" in html


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"supervision_every_days": "0"}, "Enter a number of days of 1 or more"),
        ({"supervision_every_days": "400"}, "Enter a number of days of 365 or fewer"),
        ({"supervision_every_days": "abc"}, "Enter the number of days as a whole number"),
        ({"supervision_every_days": "9" * 40}, "Enter a number of days of 365 or fewer"),
        ({"team_informed": "maybe"}, "Choose yes, no or not yet"),
        ({"public_reporting": ""}, "Choose whether this work is reported to the public"),
        ({"contrast": ["friends"]}, "Choose only from the differences in the list"),
    ],
)
def test_bad_scrutiny_settings_are_refused(
    world: World, changes: dict[str, Any], message: str
) -> None:
    """Each problem is named and nothing is saved."""
    revision = _revision(world)

    response = world.client("professional").post(world.url("scrutiny"), _scrutiny(world, **changes))

    assert message in response.content.decode()
    assert _revision(world) == revision


def test_a_stale_scrutiny_edit_shows_the_latest_settings(world: World) -> None:
    """The form comes back with what someone else saved, not with the stale input."""
    stale = _revision(world)
    Relationship.objects.filter(pk=world.relationship.pk).update(
        revision=stale + 1, supervision_every_days=21
    )

    response = world.client("professional").post(
        world.url("scrutiny"), _scrutiny(world, supervision_every_days="60", revision=stale)
    )

    html = response.content.decode()
    world.relationship.refresh_from_db()
    assert STALE in html
    assert 'name="supervision_every_days" value="21"' in html
    assert world.relationship.supervision_every_days == 21


def test_the_work_starts_then_ends(world: World) -> None:
    """proposed → active needs a start date; active → ending → ended; then nothing further."""
    pro = world.client("professional")
    started = _today() - timedelta(days=7)
    Relationship.objects.filter(pk=world.relationship.pk).update(as_of=None)

    missing = pro.post(world.url("stage"), {"to": "active", "revision": _revision(world)})
    started_response = pro.post(
        world.url("stage"),
        {"to": "active", **_date(started, "started"), "revision": _revision(world)},
    )
    world.relationship.refresh_from_db()
    stage_after_start = (world.relationship.stage, world.relationship.started)
    ending = pro.post(world.url("stage"), {"to": "ending", "revision": _revision(world)})
    world.relationship.refresh_from_db()
    stage_after_ending = world.relationship.stage
    ended = pro.post(world.url("stage"), {"to": "ended", "revision": _revision(world)})
    world.relationship.refresh_from_db()
    last = pro.get(world.url("stage"))

    assert "Enter the date the work started" in missing.content.decode()
    assert started_response.status_code == 302
    assert stage_after_start == ("active", started)
    assert ending.status_code == 302
    assert stage_after_ending == "ending"
    assert ended.status_code == 302
    assert world.relationship.stage == "ended"
    # The case format stops at `ending`: an ended relationship is assessed as on its last day.
    data = case_data(world.relationship)
    assert (data["stage"], data["as_of"]) == ("ending", _today().isoformat())
    assert _latest(world)["findings"] is not None
    assert "cannot be moved on any further" in last.content.decode()


@pytest.mark.asvs("2.3.1")
@pytest.mark.parametrize("to", ["ended", "proposed", "ending", "", "x" * 1000])
def test_only_the_next_stage_can_be_chosen(world: World, to: str) -> None:
    """From proposed the only way is to active; anything else is refused."""
    response = world.client("professional").post(
        world.url("stage"),
        {"to": to, **_date(_today(), "started"), "revision": _revision(world)},
    )

    world.relationship.refresh_from_db()
    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert world.relationship.stage == "proposed"


def test_the_work_cannot_start_in_the_future(world: World) -> None:
    """An active stage needs a start date that has already come."""
    response = world.client("professional").post(
        world.url("stage"),
        {
            "to": "active",
            **_date(_today() + timedelta(days=30), "started"),
            "revision": _revision(world),
        },
    )

    world.relationship.refresh_from_db()
    assert "The date the work started must be today or in the past" in response.content.decode()
    assert world.relationship.stage == "proposed"


# --- the records page and the relationship page ---------------------------------------------


def test_the_relationship_page_loads_the_records_panel(world: World) -> None:
    """The detail page holds a link to the records, which htmx swaps for the panel."""
    detail = world.client("supervisor").get(f"/relationships/{world.relationship.pk}/")
    panel = world.client("supervisor").get(world.url("records"), HTTP_HX_REQUEST="true")

    assert (
        f'data-hx-get="/relationships/{world.relationship.pk}/records/"' in detail.content.decode()
    )
    assert panel.status_code == 200
    assert "<html" not in panel.content.decode()
    assert "Record a supervision session" in panel.content.decode()
    assert "HX-Request" in panel["Vary"]


def test_the_records_page_shows_what_each_person_may_do(world: World) -> None:
    """Links follow access.py: the co-producer may only raise a worry."""
    html = world.client("co_producer").get(world.url("records")).content.decode()

    assert "Record a worry about the relationship" in html
    assert "Record a supervision session" not in html
    assert "Change how this relationship is checked from outside" not in html


def test_views_by_non_participants_are_audited(world: World) -> None:
    """The supervisor opening the records page is recorded; the co-producer is not."""
    world.client("supervisor").get(world.url("records"))
    world.client("co_producer").get(world.url("records"))

    views = AuditEvent.objects.filter(action="view", relationship_id=world.relationship.pk)
    assert [event.user for event in views] == [world.users["supervisor"]]


# --- the audit log -------------------------------------------------------------------------


@pytest.mark.parametrize("standing", [s for s in STANDINGS if s not in ("admin", "other_admin")])
def test_only_admins_may_read_the_audit_log(world: World, standing: str) -> None:
    """Everyone else is told it does not exist (anonymous: sent to sign in)."""
    response = world.client(standing).get("/relationships/audit/")

    assert response.status_code == (302 if standing == "anonymous" else 404)


@pytest.mark.asvs("8.4.1")
def test_the_audit_log_lists_the_organisations_events_newest_first(world: World) -> None:
    """Who, what, when and which relationship, only for the admin's own organisation."""
    world.client("supervisor").post(
        world.url("supervision"), {**_date(_today()), "revision": _revision(world)}
    )
    world.client("co_producer").post(
        world.url("observe"),
        {**_date(_today()), "kind": "collusion", "note": SECRET, "revision": _revision(world)},
    )
    AuditEvent.objects.create(
        action="create", object_type="relationships.Observation", object_id="1"
    )

    html = world.client("admin").get("/relationships/audit/").content.decode()
    elsewhere = world.client("other_admin").get("/relationships/audit/").content.decode()

    rows = html.split('id="audit-events"')[1].split("<tbody")[1].split("<tr>")[1:]
    assert len(rows) == 2
    assert "Tomasz Nowak" in rows[0]
    assert "Added an observation (collusion)" in rows[0]
    assert "Dr Kaur" in rows[1]
    assert "Added a supervision record" in rows[1]
    assert world.relationship.title in rows[0]
    assert SECRET not in html
    assert "Nothing has been recorded in your organisation yet" in elsewhere


def test_the_audit_log_shows_fifty_events_a_page(world: World) -> None:
    """120 events make three pages; odd page numbers fall back to a real page."""
    AuditEvent.objects.bulk_create(
        AuditEvent(
            organisation=world.relationship.organisation,
            action="view",
            object_type="relationships.Relationship",
            object_id=str(world.relationship.pk),
            relationship_id=world.relationship.pk,
            detail={"page": f"event {n}"},
        )
        for n in range(120)
    )
    admin = world.client("admin")

    first = admin.get("/relationships/audit/").content.decode()
    last = admin.get("/relationships/audit/?page=3").content.decode()
    odd = [admin.get(f"/relationships/audit/?page={p}") for p in ("abc", "-1", "9" * 30, "0")]

    assert first.count("<time ") == 50
    assert "Page 1 of 3" in first
    assert 'rel="next"' in first
    assert last.count("<time ") == 20
    assert all(response.status_code == 200 for response in odd)


def test_the_audit_log_gives_machine_times_to_the_second(world: World) -> None:
    """Each event's <time datetime> has whole seconds and an offset (HTML allows 3 decimals)."""
    AuditEvent.objects.create(
        organisation=world.relationship.organisation,
        action="view",
        object_type="relationships.Relationship",
        object_id=str(world.relationship.pk),
    )  # stamped now, to the microsecond

    html = world.client("admin").get("/relationships/audit/").content.decode()

    times = re.findall(r'<time datetime="([^"]+)"', html)
    assert times
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}", t) for t in times), times


def test_a_post_to_the_audit_log_only_keeps_a_search(world: World) -> None:
    """It is read-only: a POST is its search (kept in the session, docs/security.md, "What
    goes in an address"), answered by going back to the list, and adds nothing to the trail."""
    before = AuditEvent.objects.count()

    response = world.client("admin").post("/relationships/audit/", {"who": "Kaur"})

    assert response.status_code == 302
    assert response["Location"] == "/relationships/audit/"
    assert AuditEvent.objects.count() == before
