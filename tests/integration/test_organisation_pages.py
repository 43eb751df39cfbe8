"""The organisation's own pages, for its admins: people and their invitations, roles, logins
and second factors; who supervises and reviews; the policy, crisis lines, report name and
instruments; and the audit log's download."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from mutuality.web.accounts.models import Organisation, Role, User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.organisation.models import StaffInvitation
from mutuality.web.outbox.models import Kind, OutgoingMessage
from mutuality.web.relationships.actions import current_result, reassess
from mutuality.web.relationships.models import Relationship
from tests.factories import UserFactory, World
from tests.integration.pages import publish_transparency

INSTRUMENT = """\
- id: club_confidence
  name: Club confidence scale
  range: [0, 50]
  higher_is: better
  sd: 8
  reliability: 0.84
"""


def _invite(client: Client, **changes: str) -> Any:
    data = {
        "display_name": "Priya Shah",
        "email": "Priya@Example.org",
        "username": "priya",
        "role": "supervisor",
        **changes,
    }
    return client.post("/organisation/people/invite/", data)


def _policy_data(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    """The policy form as the page fills it in (the framework's defaults), with changes."""
    data = {
        "revision": organisation.revision,
        "scrutiny__enhanced_from_contrast": 2,
        "scrutiny__intensive_from_contrast": 4,
        "scrutiny__supervision_every_days__standard": 56,
        "scrutiny__supervision_every_days__enhanced": 28,
        "scrutiny__supervision_every_days__intensive": 14,
        "scrutiny__team_informed_from": "enhanced",
        "scrutiny__independent_review_every_days": 180,
        "scrutiny__overdue_concern_factor": 2,
        "evidence__no_evidence_after_days": 90,
        "evidence__no_improvement_after_days": 180,
        "evidence__false_hopes_after_days": 90,
    }
    return {**data, **changes}


def _home(world: World) -> Organisation:
    return Organisation.objects.get(pk=world.relationship.organisation_id)


# --- people ------------------------------------------------------------------------------------


def test_the_people_list_shows_each_login_with_role_and_second_factor(world: World) -> None:
    """The list names each person with their username, role, email, login and second factor
    (the factories give staff an authenticator app)."""

    response = world.client("admin").get("/organisation/people/")

    html = response.content.decode()
    assert response.status_code == 200
    row = html.split("<td>sup</td>")[1].split("</tr>")[0]
    assert "Supervisor" in row and "<td>On</td>" in row and "<td>Yes</td>" in row
    assert "adm2" not in html  # another organisation's admin


def test_inviting_staff_makes_a_login_a_link_and_a_message(world: World) -> None:
    """An invitation makes the login with its role, a one-use link shown once, and an email."""
    response = _invite(world.client("admin"))

    person = User.objects.get(username="priya")
    assert response.status_code == 200
    assert (person.role, person.email, person.organisation_id) == (
        Role.SUPERVISOR,
        "priya@example.org",
        world.relationship.organisation_id,
    )
    assert not person.has_usable_password()
    link = response.context["link"]
    assert link in response.content.decode()
    message = OutgoingMessage.objects.get(kind=Kind.STAFF_INVITATION)
    assert message.to == "priya@example.org" and "/organisation/invitation/" in message.body
    assert link not in message.body  # the emailed link is its own (ADR 0009)
    assert AuditEvent.objects.filter(action="create", object_id=str(person.pk)).exists()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"email": "SUP@example.org"}, "email", "already has a login with this email"),
        ({"role": "co_producer"}, "role", "Choose a role from the list"),
        ({"role": "boss"}, "role", "Choose a role from the list"),
        ({"username": "sup"}, "username", "This username is taken"),
        ({"email": "not an address"}, "email", "Enter an email address in the right form"),
    ],
)
def test_a_bad_invitation_says_what_is_wrong_and_makes_nothing(
    world: World, changes: dict[str, str], field: str, words: str
) -> None:
    """An email in use, a role that is not a staff role or a taken username is refused."""
    User.objects.filter(username="sup").update(email="sup@example.org")
    users = User.objects.count()

    response = _invite(world.client("admin"), **changes)

    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert User.objects.count() == users
    assert not OutgoingMessage.objects.exists()


@pytest.mark.asvs("6.4.1")
def test_the_invitation_link_sets_the_password_once(world: World) -> None:
    """The new member of staff chooses a password with the link, which then stops working."""
    link = _invite(world.client("admin")).context["link"]
    path = link.split("testserver", 1)[1]
    password = {
        "new_password1": "a long walk by the river",
        "new_password2": "a long walk by the river",
    }

    first = Client().post(path, password)
    again = Client().get(path)

    assert first.status_code == 302
    assert User.objects.get(username="priya").check_password("a long walk by the river")
    assert StaffInvitation.objects.get().used_at is not None
    assert again.status_code == 404


def test_an_admin_changes_a_role_and_it_is_audited(world: World) -> None:
    """A professional made a supervisor is one, with the change in the audit trail."""
    person = world.users["other_professional"]

    response = world.client("admin").post(
        f"/organisation/people/{person.pk}/role/", {"role": "supervisor", "was": "professional"}
    )

    assert response.status_code == 302
    assert User.objects.get(pk=person.pk).role == Role.SUPERVISOR
    event = AuditEvent.objects.get(action="update", object_id=str(person.pk))
    assert event.detail["after"] == "supervisor"


@pytest.mark.parametrize(
    ("standing", "data", "status", "role"),
    [
        ("admin", {"role": "professional", "was": "admin"}, 200, Role.ADMIN),  # the last admin
        ("supervisor", {"role": "professional", "was": "supervisor"}, 200, Role.SUPERVISOR),
        ("other_professional", {"role": "owner", "was": "professional"}, 200, Role.PROFESSIONAL),
        ("co_producer", {"role": "professional", "was": "co_producer"}, 200, Role.CO_PRODUCER),
    ],
    ids=["last-admin", "still-supervising", "unknown-role", "co-producer"],
)
def test_a_role_change_that_would_do_harm_is_refused(
    world: World, standing: str, data: dict[str, str], status: int, role: str
) -> None:
    """The last admin, a supervisor still supervising, an unknown role and a co-producer's login
    keep their role, with a reason on the page."""
    person = world.users[standing]

    response = world.client("admin").post(f"/organisation/people/{person.pk}/role/", data)

    assert response.status_code == status
    assert response.context["role_form"].errors
    assert User.objects.get(pk=person.pk).role == role


def test_a_role_change_from_an_old_page_is_refused(world: World) -> None:
    """A page that showed another role than the person now has changes nothing."""
    person = world.users["other_professional"]

    response = world.client("admin").post(
        f"/organisation/people/{person.pk}/role/",
        {"role": "reviewer", "was": "supervisor"},
        follow=True,
    )

    assert "changed by someone else" in response.content.decode()
    assert User.objects.get(pk=person.pk).role == Role.PROFESSIONAL


def test_a_login_is_turned_off_and_on_again(world: World) -> None:
    """Turning a login off stops it; turning it on lets it work again; both are audited."""
    person = world.users["reviewer"]
    client = world.client("admin")

    client.post(f"/organisation/people/{person.pk}/active/", {"active": "no"})
    off = User.objects.get(pk=person.pk).is_active
    client.post(f"/organisation/people/{person.pk}/active/", {"active": "yes"})

    assert off is False
    assert User.objects.get(pk=person.pk).is_active is True
    changes = AuditEvent.objects.filter(object_id=str(person.pk), detail__field="is_active")
    assert changes.count() == 2


def test_an_admin_cannot_turn_off_their_own_login(world: World) -> None:
    """Turning off your own login is refused, so an organisation keeps its admin."""
    admin = world.users["admin"]

    response = world.client("admin").post(
        f"/organisation/people/{admin.pk}/active/", {"active": "no"}, follow=True
    )

    assert "cannot turn off your own login" in response.content.decode()
    assert User.objects.get(pk=admin.pk).is_active


@pytest.mark.asvs("6.4.4")
def test_resetting_a_second_factor_removes_it_and_is_audited(world: World) -> None:
    """Every second factor of the person is removed, and the reset is in the audit trail."""
    person = world.users["supervisor"]  # with an authenticator app, from the factories
    Authenticator.objects.create(user=person, type="recovery_codes", data={})

    response = world.client("admin").post(f"/organisation/people/{person.pk}/second-factor/")

    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=person).exists()
    person.refresh_from_db()
    assert not person.has_second_factor  # so they are taken to set one up again (ADR 0010)
    event = AuditEvent.objects.get(detail__field="second_factor")
    assert event.detail["kinds"] == ["recovery_codes", "totp"]


# --- supervisors and reviewers -----------------------------------------------------------------


def test_assigning_a_supervisor_and_reviewers_reassesses_the_relationship(world: World) -> None:
    """A new supervisor and reviewers are saved, audited and the relationship assessed again."""
    relationship = world.relationship
    other_supervisor = UserFactory(
        username="sup2", organisation=relationship.organisation, role=Role.SUPERVISOR
    )
    assessments = relationship.assessments.count()

    response = world.client("admin").post(
        f"/organisation/relationships/{relationship.pk}/",
        {"revision": relationship.revision, "supervisor": other_supervisor.pk, "reviewers": []},
    )

    relationship.refresh_from_db()
    assert response.status_code == 302
    assert relationship.supervisor == other_supervisor
    assert relationship.supervisor_name == other_supervisor.shown_name
    assert not relationship.reviewers.exists()
    assert relationship.assessments.count() == assessments + 1
    fields = set(AuditEvent.objects.filter(action="update").values_list("detail__field", flat=True))
    assert fields == {"supervisor", "reviewers"}


def test_an_assignment_from_an_old_page_changes_nothing(world: World) -> None:
    """A form loaded before the relationship changed is refused."""
    relationship = world.relationship

    response = world.client("admin").post(
        f"/organisation/relationships/{relationship.pk}/",
        {"revision": relationship.revision - 1 or 99, "supervisor": "", "reviewers": []},
        follow=True,
    )

    assert "changed by someone else" in response.content.decode()
    assert Relationship.objects.get(pk=relationship.pk).supervisor == world.users["supervisor"]


def test_only_the_organisations_supervisors_can_be_chosen(world: World) -> None:
    """A professional offered as supervisor is refused with the field named."""
    relationship = world.relationship

    response = world.client("admin").post(
        f"/organisation/relationships/{relationship.pk}/",
        {"revision": relationship.revision, "supervisor": world.users["professional"].pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["supervisor"] == ["Choose a supervisor from the list"]


# --- settings ----------------------------------------------------------------------------------


@pytest.mark.asvs("15.2.2")
def test_a_policy_change_reassesses_every_relationship_and_changes_a_finding(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    """Shorter supervision gaps, saved, are applied to every relationship in the background."""
    reassess(world.relationship, reason="the scene")
    before = [f["code"] for f in current_result(world.relationship)["findings"]]
    organisation = _home(world)
    days = {
        f"scrutiny__supervision_every_days__{level}": 1
        for level in ("standard", "enhanced", "intensive")
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = world.client("admin").post(
            "/organisation/settings/policy/", _policy_data(organisation, **days)
        )

    organisation.refresh_from_db()
    after = [f["code"] for f in current_result(world.relationship)["findings"]]
    assert response.status_code == 302
    assert organisation.policy["scrutiny"]["supervision_every_days"]["standard"] == 1
    assert "competence.supervision_insufficient" not in before
    assert "competence.supervision_insufficient" in after
    assert not organisation.reassessing and organisation.reassessed_at is not None
    assert AuditEvent.objects.filter(action="reassess", detail__relationships=2).exists()


def test_the_settings_page_says_a_reassessment_is_under_way(world: World) -> None:
    """Until the background work is done, the page says every relationship is being assessed."""
    Organisation.objects.filter(pk=world.relationship.organisation_id).update(policy_revision=1)

    response = world.client("admin").get("/organisation/settings/")

    assert "being assessed again by the new policy" in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"scrutiny__intensive_from_contrast": 1}, "scrutiny__enhanced_from_contrast", "at least"),
        ({"evidence__no_evidence_after_days": 0}, "evidence__no_evidence_after_days", "got 0"),
        ({"scrutiny__team_informed_from": "never"}, "scrutiny__team_informed_from", "Choose"),
        ({"scrutiny__overdue_concern_factor": "two"}, "scrutiny__overdue_concern_factor", "whole"),
    ],
)
def test_bad_policy_numbers_are_refused_beside_their_field(
    world: World, changes: dict[str, Any], field: str, words: str
) -> None:
    """Numbers the framework refuses are shown beside the number, and nothing is saved."""
    organisation = _home(world)

    response = world.client("admin").post(
        "/organisation/settings/policy/", _policy_data(organisation, **changes)
    )

    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert Organisation.objects.get(pk=organisation.pk).policy == {}


def test_a_settings_form_from_an_old_page_changes_nothing(world: World) -> None:
    """A policy form loaded before the settings last changed is refused."""
    organisation = _home(world)
    data = _policy_data(organisation, scrutiny__enhanced_from_contrast=3, revision=99)

    response = world.client("admin").post("/organisation/settings/policy/", data, follow=True)

    assert "changed by someone else" in response.content.decode()
    assert Organisation.objects.get(pk=organisation.pk).policy == {}


@pytest.mark.asvs("1.2.1")
def test_crisis_lines_are_shown_escaped_on_the_help_now_page(world: World) -> None:
    """The organisation's own lines appear beside the national numbers, as plain text."""
    organisation = _home(world)
    lines = "Crisis team: 0800 123 456\n<script>alert(1)</script>"
    world.client("admin").post(
        "/organisation/settings/crisis-lines-and-report-name/",
        {"revision": organisation.revision, "crisis_text": lines, "report_name": ""},
    )

    response = world.client("co_producer").get(f"/relationships/{world.relationship.pk}/help-now/")

    html = response.content.decode()
    assert "Crisis team: 0800 123 456<br>&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Samaritans" in html


def test_crisis_lines_longer_than_the_limit_are_refused(world: World) -> None:
    """More than 1,000 characters is refused with the count, and nothing is saved."""
    organisation = _home(world)

    response = world.client("admin").post(
        "/organisation/settings/crisis-lines-and-report-name/",
        {"revision": organisation.revision, "crisis_text": "x" * 1001, "report_name": ""},
    )

    assert response.status_code == 200
    assert "at most 1,000 characters" in response.context["form"].errors["crisis_text"][0]
    assert Organisation.objects.get(pk=organisation.pk).crisis_text == ""


def test_the_public_report_goes_by_the_name_chosen(world: World) -> None:
    """The published transparency report names the organisation by its report name."""
    organisation = _home(world)
    world.client("admin").post(
        "/organisation/settings/crisis-lines-and-report-name/",
        {"revision": organisation.revision, "crisis_text": "", "report_name": "Riverside Walks"},
    )

    publish_transparency(world)

    response = Client().get(reverse("reports:transparency-version", args=[organisation.slug, 1]))

    assert "<h1>Riverside Walks: how we work" in response.content.decode()


def test_the_organisations_instruments_are_offered_on_the_outcomes_page(world: World) -> None:
    """An instrument saved by the admin is a choice when starting questionnaires."""
    organisation = _home(world)
    world.client("admin").post(
        "/organisation/settings/instruments/",
        {"revision": organisation.revision, "instruments": INSTRUMENT},
    )

    response = world.client("professional").get(
        f"/relationships/{world.relationship.pk}/outcomes/new/"
    )

    assert Organisation.objects.get(pk=organisation.pk).instruments[0]["id"] == "club_confidence"
    assert "Club confidence scale" in response.content.decode()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (INSTRUMENT.replace("reliability: 0.84", "reliability: 3"), "[0].reliability"),
        ("- id: phq9\n  name: Mine\n  range: [0, 27]\n  higher_is: worse\n", "shipped"),
        ("- [unclosed", "not valid YAML"),
    ],
)
def test_bad_instruments_are_refused_naming_the_field(world: World, text: str, words: str) -> None:
    """The outcomes library's reason is shown, naming the definition and its field."""
    organisation = _home(world)

    response = world.client("admin").post(
        "/organisation/settings/instruments/",
        {"revision": organisation.revision, "instruments": text},
    )

    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors["instruments"])
    assert Organisation.objects.get(pk=organisation.pk).instruments == []


def test_an_instrument_in_use_cannot_be_removed(world: World) -> None:
    """Once a relationship has a series on it, removing the instrument is refused."""
    Organisation.objects.filter(pk=world.relationship.organisation_id).update(
        instruments=[{"id": "club_confidence", "name": "Club confidence scale"}]
    )
    recipient = world.relationship.participants.get(role="recipient")
    world.relationship.outcome_series.create(of=recipient, instrument="club_confidence")
    organisation = _home(world)

    response = world.client("admin").post(
        "/organisation/settings/instruments/",
        {"revision": organisation.revision, "instruments": ""},
    )

    assert response.status_code == 200
    assert "cannot be changed or removed" in response.context["form"].errors["instruments"][0]


# --- the audit log's download -------------------------------------------------------------------


def test_the_audit_log_downloads_the_filtered_events_safely_and_is_audited(world: World) -> None:
    """The CSV holds the events the filters match, a formula made harmless, and the download
    is itself recorded."""
    organisation = _home(world)
    world.users["supervisor"].display_name = "=HYPERLINK(1)"
    world.users["supervisor"].save()
    AuditEvent.objects.create(
        user=world.users["supervisor"],
        organisation=organisation,
        action="update",
        object_type="relationships.Relationship",
        object_id="1",
        relationship_id=world.relationship.pk,
        detail={"field": "stage"},
    )
    AuditEvent.objects.create(
        user=world.users["admin"],
        organisation=organisation,
        action="create",
        object_type="relationships.Relationship",
        object_id="2",
    )

    response = world.client("admin").get("/relationships/audit.csv?action=update")

    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["when", "who", "username"]
    assert [row[1] for row in rows[1:]] == ["'=HYPERLINK(1)"]
    assert rows[1][6] == world.relationship.title
    assert AuditEvent.objects.filter(action="export", detail__kind="audit_log").exists()


def test_the_audit_log_is_linked_from_the_navigation_for_admins_only(world: World) -> None:
    """An admin's header links to the audit log and the organisation; a professional's does not."""
    admin = world.client("admin").get("/relationships/").content.decode()
    professional = world.client("professional").get("/relationships/").content.decode()

    assert 'href="/relationships/audit/"' in admin and 'href="/organisation/"' in admin
    assert 'href="/relationships/audit/"' not in professional
