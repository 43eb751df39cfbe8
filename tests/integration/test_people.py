"""The people pages: proposing a relationship, inviting a co-producer, consent, affected parties.

Each page's happy path, its validation (odd input never gives a 500 or saves anything), a
stale revision, who may open it, and invitation links that are used, expired or unknown.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from mutuality.web.accounts.models import Role, User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.actions import latest_assessment
from mutuality.web.relationships.actions import people as people_actions
from mutuality.web.relationships.forms import common
from mutuality.web.relationships.forms.people import AcceptInvitationForm
from mutuality.web.relationships.models import (
    AffectedParty,
    AssessmentRecord,
    Invitation,
    Participant,
    Relationship,
)
from tests.factories import PASSWORD, UserFactory
from tests.factories import World as SharedWorld

STALE = str(common.STALE)  # the English words (marked lazily, so a page says them in its language)

NEW_PASSWORD = "walking with the pushchair 42"
EXPIRED = (
    "This link has expired or has already been used. Ask the person who invited you for a new one."
)


@dataclass
class World(SharedWorld):
    """The shared world (its relationship imported, with a person in every standing; another
    professional's), with a relationship proposed through the action, whose recipient has no
    login yet, and a supervisor of another organisation."""

    proposed: Relationship


@pytest.fixture
def world(world: SharedWorld) -> World:
    """The shared world, with the proposed relationship and another organisation's supervisor."""
    users = world.users
    users["away_supervisor"] = UserFactory(
        username="sup2", organisation=world.users["other_admin"].organisation, role=Role.SUPERVISOR
    )
    proposed = people_actions.propose(
        by=users["professional"],
        title="Planning the hearing voices group",
        setting="group_work",
        co_produced=["session plans"],
        my_id="pro",
        their_id="sam",
        supervisor=users["supervisor"],
    )
    proposed.reviewers.add(users["reviewer"])
    return World(world.relationship, world.other, users, proposed)


def _html(response: Any) -> str:
    return str(response.content.decode())


# --- who may open each page ------------------------------------------------------------------

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
STAFF_ONLY = {
    "professional": 200,
    "co_producer": 403,
    "supervisor": 403,
    "reviewer": 403,
    "admin": 403,
}
BOTH_PEOPLE = {**STAFF_ONLY, "co_producer": 200}  # either person names who else it affects
PAGES = {
    "invite/": STAFF_ONLY,
    "affected/": BOTH_PEOPLE,
    "affected/none/": BOTH_PEOPLE,
    "affected/{party}/": BOTH_PEOPLE,
    "consent/": {
        "professional": 200,
        "co_producer": 200,
        "supervisor": 403,
        "reviewer": 403,
        "admin": 403,
    },
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("standing", STANDINGS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_people_pages_on_their_relationship(
    world: World, page: str, standing: str, method: str
) -> None:
    """Each standing gets exactly the access the matrix gives (404 when not theirs)."""
    party = world.relationship.affected_parties.first()
    assert party is not None
    url = f"/relationships/{world.relationship.pk}/" + page.format(party=party.pk)
    revision = world.relationship.revision

    response = getattr(world.client(standing), method)(url)

    expected = 302 if standing == "anonymous" else PAGES[page].get(standing, 404)
    assert response.status_code == expected
    if standing == "anonymous":
        assert "/accounts/login/" in response["Location"]
    world.relationship.refresh_from_db()
    assert world.relationship.revision == revision  # an empty POST changes nothing


@pytest.mark.parametrize("standing", STANDINGS)
def test_only_professionals_may_propose(world: World, standing: str) -> None:
    """Proposing is for professionals with an organisation; others are refused (403)."""
    count = Relationship.objects.count()

    got = world.client(standing).get("/relationships/propose/")
    sent = world.client(standing).post("/relationships/propose/", _proposal())

    allowed = standing in ("professional", "other_professional")
    expected = 302 if standing == "anonymous" else (200 if allowed else 403)
    assert got.status_code == expected
    assert sent.status_code == (302 if standing == "anonymous" or allowed else 403)
    assert Relationship.objects.count() == count + (1 if allowed else 0)


def test_a_professional_without_an_organisation_cannot_propose(db: None) -> None:
    client = Client()
    client.force_login(
        User.objects.create_user(username="loner", password=PASSWORD, has_second_factor=True)
    )

    assert client.get("/relationships/propose/").status_code == 403


def test_an_affected_party_of_another_relationship_is_not_found(world: World) -> None:
    party = world.other.affected_parties.first()
    assert party is not None

    response = world.client("professional").get(
        f"/relationships/{world.relationship.pk}/affected/{party.pk}/"
    )

    assert response.status_code == 404


def test_the_detail_page_links_to_the_people_pages(world: World) -> None:
    """The professional sees every link; the co-producer consent and affected parties, not
    inviting; the supervisor none."""
    url = f"/relationships/{world.relationship.pk}/"
    pk = world.relationship.pk

    professional = _html(world.client("professional").get(url))
    co_producer = _html(world.client("co_producer").get(url))
    supervisor = _html(world.client("supervisor").get(url))

    for link in ("consent", "invite", "affected"):
        assert f'href="/relationships/{pk}/{link}/"' in professional
    assert f'href="/relationships/{pk}/consent/"' in co_producer
    assert f'href="/relationships/{pk}/affected/"' in co_producer
    assert f'href="/relationships/{pk}/invite/"' not in co_producer
    assert f'href="/relationships/{pk}/consent/"' not in supervisor
    assert "People and consent" in supervisor
    assert "the seven fathers already signed up" in supervisor


@pytest.mark.parametrize(("who", "shown"), [("professional", True), ("co_producer", False)])
def test_the_dashboard_offers_proposing_to_professionals(
    world: World, who: str, shown: bool
) -> None:
    html = _html(world.client(who).get("/relationships/"))

    assert ('href="/relationships/propose/"' in html) is shown


# --- proposing -------------------------------------------------------------------------------


def _proposal(**changes: Any) -> dict[str, Any]:
    data = {
        "title": "Co-writing the ward's welcome leaflet",
        "setting": "service_design",
        "co_produced": "the leaflet's words\n\n  the pictures  \n",
        "my_id": "pro",
        "their_id": "jo",
        "supervisor": "",
    }
    return {**data, **changes}


def test_a_professional_proposes_a_relationship(world: World) -> None:
    """It is created at stage proposed, in their organisation, with both participants."""
    supervisor = world.users["supervisor"]
    client = world.client("professional")

    response = client.post("/relationships/propose/", _proposal(supervisor=supervisor.pk))

    made = Relationship.objects.get(title="Co-writing the ward's welcome leaflet")
    assert response.status_code == 302
    assert response["Location"] == f"/relationships/{made.pk}/"
    assert made.stage == "proposed"
    assert made.organisation == world.users["professional"].organisation
    assert made.setting == "service_design"
    assert made.co_produced_elements == ["the leaflet's words", "the pictures"]
    assert made.supervisor == supervisor
    assert made.supervisor_name == supervisor.shown_name
    assert [(p.slug, p.role, p.user) for p in made.participants.all()] == [
        ("pro", "professional", world.users["professional"]),
        ("jo", "recipient", None),
    ]
    assert made.assessments.count() == 1
    assert AuditEvent.objects.filter(relationship_id=made.pk, action="create").count() == 3
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Invite the person you work with" in _html(page)


def test_the_proposal_form_suggests_an_id_from_the_username(world: World) -> None:
    html = _html(world.client("professional").get("/relationships/propose/"))

    assert re.search(r'name="my_id" value="pro"', html)
    assert f'value="{world.users["supervisor"].pk}"' in html
    assert f'value="{world.users["away_supervisor"].pk}"' not in html


def test_an_empty_proposal_names_each_missing_field(world: World) -> None:
    count = Relationship.objects.count()

    response = world.client("professional").post("/relationships/propose/", {})

    html = _html(response)
    assert response.status_code == 200
    assert "<title>Error: Propose a relationship – Mutuality</title>" in html
    assert '<a href="#id_title">Enter a name for the relationship</a>' in html
    assert '<a href="#id_setting_0">Choose where you will work together</a>' in html
    assert "Enter your name in this relationship" in html
    assert "Enter a name for the person you will work with" in html
    assert 'id="id_title_error"' in html
    assert Relationship.objects.count() == count


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "x" * 301}, "Use 300 characters or fewer"),
        ({"title": "   "}, "Enter a name for the relationship"),
        ({"title": "bad\x00title"}, "Null characters are not allowed."),
        ({"setting": "banana"}, "Choose one of the options listed"),
        ({"my_id": "has space"}, "Use only letters, numbers, hyphens"),
        ({"my_id": "-dash"}, "Use only letters, numbers, hyphens"),
        ({"their_id": "Zoë"}, "Use only letters, numbers, hyphens"),
        ({"their_id": "x" * 65}, "Use 64 characters or fewer"),
        ({"their_id": "pro"}, "Choose a different name from your own"),
        ({"supervisor": "abc"}, "Choose a supervisor from the list"),
        ({"supervisor": "999999"}, "Choose a supervisor from the list"),
        ({"co_produced": "\n".join(["a line"] * 51)}, "Write at most 50 lines"),
        ({"co_produced": "y" * 2001}, "Keep each line to 2000 characters or fewer"),
        ({"co_produced": "z" * 200_000}, "This is too long"),
    ],
)
def test_odd_proposals_are_refused_with_a_message(
    world: World, changes: dict[str, Any], message: str
) -> None:
    count = Relationship.objects.count()

    response = world.client("professional").post("/relationships/propose/", _proposal(**changes))

    assert response.status_code == 200
    assert message in _html(response)
    assert Relationship.objects.count() == count


@pytest.mark.parametrize("who", ["professional", "away_supervisor", "co_producer"])
def test_only_the_organisations_supervisors_can_be_chosen(world: World, who: str) -> None:
    response = world.client("professional").post(
        "/relationships/propose/", _proposal(supervisor=world.users[who].pk)
    )

    assert "Choose a supervisor from the list" in _html(response)


# --- inviting --------------------------------------------------------------------------------


def _invite_url(relationship: Relationship) -> str:
    return f"/relationships/{relationship.pk}/invite/"


def _invite(world: World, **changes: Any) -> Any:
    data = {
        "participant": "sam",
        "display_name": "Sam Okafor",
        "revision": world.proposed.revision,
        **changes,
    }
    return world.client("professional").post(_invite_url(world.proposed), data)


def _token(response: Any) -> str:
    found = re.search(r"/relationships/invitation/([A-Za-z0-9_-]+)/", _html(response))
    assert found, "the page shows the invitation link"
    return found.group(1)


def test_the_invite_page_suggests_the_person_without_a_login(world: World) -> None:
    response = world.client("professional").get(_invite_url(world.proposed))

    html = _html(response)
    assert response.status_code == 200
    assert 'name="participant" value="sam"' in html
    assert f'name="revision" value="{world.proposed.revision}"' in html


@pytest.mark.asvs("6.4.1")
@pytest.mark.asvs("11.4.3")
@pytest.mark.asvs("11.5.1")
def test_inviting_shows_a_single_use_link_once_and_stores_only_its_hash(world: World) -> None:
    before = world.proposed.revision
    assessments = world.proposed.assessments.count()

    response = _invite(world)

    token = _token(response)
    invitation = Invitation.objects.get()
    assert response.status_code == 200
    assert "This is the only time you will see this link" in _html(response)
    assert len(token) >= 43
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Invitation.objects.values_list())
    assert invitation.participant.slug == "sam"
    assert invitation.created_by == world.users["professional"]
    expected_expiry = timezone.now() + timedelta(days=7)
    assert abs((invitation.expires_at - expected_expiry).total_seconds()) < 60
    world.proposed.refresh_from_db()
    assert world.proposed.revision == before + 1
    assert world.proposed.assessments.count() == assessments + 1
    assert AuditEvent.objects.filter(object_type="relationships.Invitation").exists()
    again = world.client("professional").get(_invite_url(world.proposed))
    assert token not in _html(again)


def test_inviting_a_new_name_adds_a_co_producer(world: World) -> None:
    response = _invite(world, participant="kit", display_name="Kit")

    added = world.proposed.participants.get(slug="kit")
    assert response.status_code == 200
    assert added.role == "recipient"
    assert added.user is None
    assert world.proposed.participants.count() == 3


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"participant": "pro"}, "is a professional in this relationship"),
        ({"participant": "not ok"}, "Use only letters, numbers, hyphens"),
        ({"participant": ""}, "Enter their name in this relationship"),
        ({"display_name": ""}, "Enter their full name"),
        ({"display_name": "n" * 201}, "Use 200 characters or fewer"),
        ({"revision": ""}, "This page is out of date"),
        ({"revision": "abc"}, "This page is out of date"),
        ({"revision": "99999999999999999999999"}, "This page is out of date"),
    ],
)
def test_odd_invitations_are_refused(world: World, changes: dict[str, Any], message: str) -> None:
    response = _invite(world, **changes)

    assert response.status_code == 200
    assert message in _html(response)
    assert not Invitation.objects.exists()


def test_someone_with_a_login_cannot_be_invited_again(world: World) -> None:
    data = {
        "participant": "tomasz",
        "display_name": "Tomasz",
        "revision": world.relationship.revision,
    }
    response = world.client("professional").post(_invite_url(world.relationship), data)

    assert "already has a login" in _html(response)
    assert not Invitation.objects.exists()


def test_a_stale_invitation_is_refused_and_the_form_shown_again(world: World) -> None:
    old = world.proposed.revision
    _invite(world, participant="kit", display_name="Kit")

    response = _invite(world, revision=old)

    html = _html(response)
    assert response.status_code == 200
    assert STALE in html
    world.proposed.refresh_from_db()
    assert f'name="revision" value="{world.proposed.revision}"' in html
    assert 'value="Sam Okafor"' in html  # what they typed is kept
    assert Invitation.objects.count() == 1


# --- opening the link ------------------------------------------------------------------------


def _accept(token: str, client: Client | None = None, **changes: Any) -> Any:
    data = {
        "display_name": "Sam O",
        "username": "sam.okafor",
        "new_password1": NEW_PASSWORD,
        "new_password2": NEW_PASSWORD,
        **changes,
    }
    return (client or Client()).post(f"/relationships/invitation/{token}/", data)


def test_the_link_offers_the_name_and_username_given(world: World) -> None:
    token = _token(_invite(world))

    response = Client().get(f"/relationships/invitation/{token}/")

    html = _html(response)
    assert response.status_code == 200
    assert "<title>Set up your login – Mutuality</title>" in html
    assert 'value="Sam Okafor"' in html
    assert 'name="username" value="sam"' in html
    assert "Planning the hearing voices group" in html


def test_the_co_producer_sets_a_password_and_lands_on_the_relationship(world: World) -> None:
    token = _token(_invite(world))
    assessments = world.proposed.assessments.count()
    client = Client()

    response = _accept(token, client)

    user = User.objects.get(username="sam.okafor")
    sam = world.proposed.participants.get(slug="sam")
    assert response.status_code == 302
    assert response["Location"] == f"/relationships/{world.proposed.pk}/"
    assert user.role == Role.CO_PRODUCER
    assert user.organisation == world.users["professional"].organisation
    assert user.display_name == "Sam O"
    assert user.check_password(NEW_PASSWORD)
    assert sam.user == user
    assert Invitation.objects.get().used_at is not None
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.get(response["Location"]).status_code == 200
    assert world.proposed.assessments.count() == assessments + 1
    assert AuditEvent.objects.filter(user=user, action="create").exists()


@pytest.mark.asvs("6.4.1")
def test_a_used_link_does_not_work_again(world: World) -> None:
    token = _token(_invite(world))
    _accept(token)

    opened = Client().get(f"/relationships/invitation/{token}/")
    sent = _accept(token, username="someone.else")

    assert opened.status_code == 410
    assert EXPIRED in _html(opened)
    assert sent.status_code == 410
    assert not User.objects.filter(username="someone.else").exists()


@pytest.mark.asvs("6.4.1")
def test_an_expired_link_does_not_work(world: World) -> None:
    token = _token(_invite(world))
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    opened = Client().get(f"/relationships/invitation/{token}/")
    sent = _accept(token)

    assert opened.status_code == 410
    assert EXPIRED in _html(opened)
    assert sent.status_code == 410
    assert not User.objects.filter(username="sam.okafor").exists()


def test_a_new_link_replaces_the_old_one(world: World) -> None:
    first = _token(_invite(world))
    world.proposed.refresh_from_db()
    second = _token(_invite(world))

    assert Client().get(f"/relationships/invitation/{first}/").status_code == 410
    assert Client().get(f"/relationships/invitation/{second}/").status_code == 200


@pytest.mark.parametrize(
    "token", ["nope", "x" * 500, "a%20b", "%00", "..", hashlib.sha256(b"nope").hexdigest()]
)
def test_an_unknown_link_is_not_found(world: World, token: str) -> None:
    response = Client().get(f"/relationships/invitation/{token}/")

    assert response.status_code == 404
    assert EXPIRED in _html(response)


@pytest.mark.asvs("6.4.1")
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"new_password2": "something else entirely"}, "The two passwords are different"),
        ({"new_password1": "short", "new_password2": "short"}, "too short"),
        ({"username": "CO"}, "Someone already uses this username"),
        ({"username": "has space"}, "Use only letters, numbers and @ . + - _"),
        ({"username": "u" * 151}, "Use 150 characters or fewer"),
        ({"username": ""}, "Choose a username"),
        ({"display_name": ""}, "Enter your name"),
        ({"new_password1": "", "new_password2": ""}, "Choose a password"),
        (
            {
                "username": "walkingwiththepushchair",
                "new_password1": "walkingwiththepushchair",
                "new_password2": "walkingwiththepushchair",
            },
            "too similar",
        ),
    ],
)
def test_odd_passwords_and_usernames_are_refused(
    world: World, changes: dict[str, Any], message: str
) -> None:
    token = _token(_invite(world))
    users = User.objects.count()

    response = _accept(token, **changes)

    assert response.status_code == 200
    assert message in _html(response)
    assert User.objects.count() == users
    assert Invitation.objects.get().used_at is None
    assert world.proposed.participants.get(slug="sam").user is None


# --- consent ---------------------------------------------------------------------------------


def _consent(world: World, who: str, **changes: Any) -> Any:
    data = {"consent": "informed", "revision": world.relationship.revision, **changes}
    return world.client(who).post(f"/relationships/{world.relationship.pk}/consent/", data)


@pytest.mark.parametrize(("who", "slug"), [("co_producer", "tomasz"), ("professional", "priya")])
def test_each_participant_records_their_own_consent(world: World, who: str, slug: str) -> None:
    assessments = world.relationship.assessments.count()

    response = _consent(world, who, consent="given")

    assert response.status_code == 302
    assert world.relationship.participants.get(slug=slug).consent == "given"
    assert world.relationship.assessments.count() == assessments + 1
    latest = latest_assessment(world.relationship)
    assert "respect.consent_uninformed" in [f["code"] for f in latest.result["findings"]]
    assert AuditEvent.objects.filter(
        action="update", relationship_id=world.relationship.pk
    ).exists()


def test_the_consent_page_explains_informed_consent(world: World) -> None:
    response = world.client("co_producer").get(f"/relationships/{world.relationship.pk}/consent/")

    html = _html(response)
    assert response.status_code == 200
    assert "we call your agreement “informed”" in html
    assert "Saying no will not cost you any help" in html
    assert 'value="informed"' in html and "checked" in html


def test_withdrawing_consent_here_makes_the_assessment_alternative_model(world: World) -> None:
    _consent(world, "co_producer", consent="withdrawn")

    assert latest_assessment(world.relationship).recommendation == "alternative_model"


def test_saving_the_same_answer_changes_nothing(world: World) -> None:
    revision, assessments = world.relationship.revision, world.relationship.assessments.count()

    response = _consent(world, "co_producer", consent="informed")

    world.relationship.refresh_from_db()
    assert response.status_code == 302
    assert world.relationship.revision == revision
    assert world.relationship.assessments.count() == assessments


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": "maybe"}, "Choose one of the options listed"),
        ({"consent": "not_sought"}, "Choose one of the options listed"),
        ({"consent": ""}, "Choose whether you agree"),
        ({"revision": "-1"}, "This page is out of date"),
    ],
)
def test_odd_consent_answers_are_refused(
    world: World, changes: dict[str, Any], message: str
) -> None:
    response = _consent(world, "co_producer", **changes)

    assert response.status_code == 200
    assert message in _html(response)
    assert world.relationship.participants.get(slug="tomasz").consent == "informed"


def test_a_stale_consent_is_refused(world: World) -> None:
    old = world.relationship.revision
    _consent(world, "professional", consent="given")

    response = _consent(world, "co_producer", consent="declined", revision=old)

    html = _html(response)
    assert response.status_code == 200
    assert STALE in html
    assert world.relationship.participants.get(slug="tomasz").consent == "informed"
    assert 'value="declined" checked' in html or ('value="declined"' in html and "checked" in html)


# --- affected parties ------------------------------------------------------------------------


def _codes(relationship: Relationship) -> list[str]:
    return [f["code"] for f in latest_assessment(relationship).result["findings"]]


def _affected(world: World, url: str = "affected/", **changes: Any) -> Any:
    world.proposed.refresh_from_db()
    data = {
        "name": "the other group members",
        "consent": "informed",
        "reason": "",
        "revision": world.proposed.revision,
        **changes,
    }
    return world.client("professional").post(f"/relationships/{world.proposed.pk}/{url}", data)


def test_staff_add_an_affected_party(world: World) -> None:
    assert "respect.affected_unidentified" in _codes(world.proposed)

    response = _affected(world)

    world.proposed.refresh_from_db()
    assert response.status_code == 302
    assert world.proposed.affected_identified
    assert [(a.name, a.consent) for a in world.proposed.affected_parties.all()] == [
        ("the other group members", "informed")
    ]
    assert "respect.affected_unidentified" not in _codes(world.proposed)
    assert AuditEvent.objects.filter(object_type="relationships.AffectedParty").exists()


def test_not_needed_needs_a_reason(world: World) -> None:
    refused = _affected(world, consent="not_needed")
    accepted = _affected(world, consent="not_needed", reason="they only see the public poster")

    assert refused.status_code == 200
    assert "Say why their agreement is not needed" in _html(refused)
    assert accepted.status_code == 302
    assert AffectedParty.objects.get(relationship=world.proposed).reason == (
        "they only see the public poster"
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter who is affected"),
        ({"name": "n" * 301}, "Use 300 characters or fewer"),
        ({"consent": "withdrawn"}, "Choose one of the options listed"),
        ({"consent": "1"}, "Choose one of the options listed"),
        ({"reason": "r" * 2001}, "Use 2000 characters or fewer"),
    ],
)
def test_odd_affected_parties_are_refused(
    world: World, changes: dict[str, Any], message: str
) -> None:
    response = _affected(world, **changes)

    assert response.status_code == 200
    assert message in _html(response)
    assert not world.proposed.affected_parties.exists()


def test_a_stale_affected_party_is_refused(world: World) -> None:
    stale = world.proposed.revision
    _affected(world, name="someone first")

    response = _affected(world, revision=stale, name="somebody new")

    assert response.status_code == 200
    assert STALE in _html(response)
    assert not world.proposed.affected_parties.filter(name="somebody new").exists()


def test_staff_change_an_affected_partys_consent(world: World) -> None:
    _affected(world)
    party = world.proposed.affected_parties.get()

    response = _affected(world, f"affected/{party.pk}/", consent="declined")

    party.refresh_from_db()
    assert response.status_code == 302
    assert party.consent == "declined"
    assert "respect.affected_consent_declined" in _codes(world.proposed)


def test_a_stale_change_to_an_affected_party_is_refused(world: World) -> None:
    _affected(world)
    party = world.proposed.affected_parties.get()
    world.proposed.refresh_from_db()
    stale = world.proposed.revision
    _affected(world, name="someone else")

    response = world.client("professional").post(
        f"/relationships/{world.proposed.pk}/affected/{party.pk}/",
        {"name": party.name, "consent": "declined", "reason": "", "revision": stale},
    )

    party.refresh_from_db()
    assert response.status_code == 200
    assert STALE in _html(response)
    assert party.consent == "informed"


def test_staff_record_that_nobody_else_is_affected(world: World) -> None:
    assessments = world.proposed.assessments.count()

    response = _affected(world, "affected/none/")

    world.proposed.refresh_from_db()
    assert response.status_code == 302
    assert world.proposed.affected_identified
    assert not world.proposed.affected_parties.exists()
    assert world.proposed.assessments.count() == assessments + 1
    assert "respect.affected_unidentified" not in _codes(world.proposed)


def test_nobody_else_cannot_be_recorded_once_someone_is_listed(world: World) -> None:
    _affected(world)
    revision = Relationship.objects.get(pk=world.proposed.pk).revision

    response = _affected(world, "affected/none/")

    assert response.status_code == 200
    assert "You have already listed people" in _html(response)
    assert Relationship.objects.get(pk=world.proposed.pk).revision == revision


def test_a_stale_nobody_else_is_refused(world: World) -> None:
    stale = world.proposed.revision
    _invite(world, participant="kit", display_name="Kit")

    response = _affected(world, "affected/none/", revision=stale)

    world.proposed.refresh_from_db()
    assert response.status_code == 200
    assert STALE in _html(response)
    assert not world.proposed.affected_identified


# --- the actions on their own -----------------------------------------------------------------


def test_a_link_cannot_make_two_logins(world: World) -> None:
    """Two people submitting the same link at once: the second is refused as used."""
    token = _token(_invite(world))
    invitation, problem = people_actions.find_invitation(token)
    assert invitation is not None and problem is None
    _accept(token)

    form = AcceptInvitationForm(
        people_actions.new_user(),
        {
            "display_name": "Late",
            "username": "late",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert form.is_valid()
    with pytest.raises(people_actions.LinkUsed):
        people_actions.accept_invitation(invitation=invitation, form=form)
    assert not User.objects.filter(username="late").exists()


@pytest.mark.asvs("16.5.3")
def test_nothing_is_saved_partly_when_a_proposal_fails(world: World, monkeypatch: Any) -> None:
    """If assessing the new relationship fails, nothing of it is kept."""
    count, participants = Relationship.objects.count(), Participant.objects.count()
    records = AssessmentRecord.objects.count()

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("assessment failed")

    monkeypatch.setattr(people_actions, "reassess", broken)
    with pytest.raises(RuntimeError):
        people_actions.propose(
            by=world.users["professional"],
            title="t",
            setting="other",
            co_produced=[],
            my_id="a",
            their_id="b",
            supervisor=None,
        )

    assert Relationship.objects.count() == count
    assert Participant.objects.count() == participants
    assert AssessmentRecord.objects.count() == records
