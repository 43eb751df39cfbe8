"""The case format's descriptions of people and of the work, set on the web: a person's access
needs, adjustments, vulnerability and whether they can decline; capacity (the professional's
record and the co-producer's own view, both kept); the work's name and setting; the context;
what the two people do together (either may change it); the approach; and affected parties
named by either person. Saving, bad input, audit rows and who may."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.actions import latest_assessment
from mutuality.web.relationships.case_io import case_data
from mutuality.web.relationships.models import (
    AssessedPeriod,
    CapacityView,
    Participant,
    Relationship,
)
from tests.factories import World


def _fresh(world: World) -> Relationship:
    return Relationship.objects.get(pk=world.relationship.pk)


def _url(world: World, tail: str) -> str:
    return f"/relationships/{world.relationship.pk}/{tail}"


def _at(world: World, slug: str, tail: str = "") -> str:
    """A person's page, addressed by their participant number (never their slug)."""
    number = world.relationship.participants.get(slug=slug).pk
    return f"people/{number}/{tail}"


def _post(world: World, standing: str, tail: str, data: dict[str, Any]) -> Any:
    revision = _fresh(world).revision
    return world.client(standing).post(_url(world, tail), {"revision": revision, **data})


def _person(world: World, slug: str) -> dict[str, Any]:
    people = case_data(_fresh(world))["participants"]
    return next(p for p in people if p["id"] == slug)


def _codes(world: World) -> set[str]:
    return {f["code"] for f in latest_assessment(_fresh(world)).result["findings"]}


def test_co_producer_sets_their_own_access_needs_and_can_decline(world: World) -> None:
    """The co-producer's own form changes their access needs, adjustments, vulnerability and
    whether they can say no, in the exported case and the assessment, with an audit row."""
    response = _post(
        world,
        "co_producer",
        _at(world, "tomasz"),
        {
            "access_needs": "large print\n\nbreaks every hour",
            "adjustments": "",
            "vulnerability": "high",
            "can_decline_freely": "no",
        },
    )

    person = _person(world, "tomasz")
    assert response.status_code == 302
    assert person["access_needs"] == ["large print", "breaks every hour"]
    assert "adjustments" not in person
    assert (person["vulnerability"], person["can_decline_freely"]) == ("high", False)
    assert {"responsibility.adjustments_missing", "responsibility.not_optional"} <= _codes(world)
    event = AuditEvent.objects.get(action="update", object_type="relationships.Participant")
    assert event.user == world.users["co_producer"]
    # The trail keeps which fields changed, never what they said (docs/security.md).
    assert "vulnerability" in event.detail["fields"]
    assert "large print" not in json.dumps(event.detail)
    # It names the person by their id, never by their slug (often their first name).
    tomasz = world.relationship.participants.get(slug="tomasz")
    assert event.detail["participant"] == tomasz.pk
    assert "tomasz" not in json.dumps(event.detail)


@pytest.mark.asvs("8.2.3")
def test_co_producer_cannot_describe_the_professional(world: World) -> None:
    """A co-producer's reach stops at themselves: the professional's page is refused and
    nothing changes."""
    before = _person(world, "priya")

    response = _post(world, "co_producer", _at(world, "priya"), {"access_needs": "x"})

    assert response.status_code == 403
    assert _person(world, "priya") == before
    assert not AuditEvent.objects.exclude(action="view").exists()


def test_professional_sets_their_own_access_needs_without_recipient_fields(world: World) -> None:
    """The professional's own form has no vulnerability or declining (recipients only)."""
    page = world.client("professional").get(_url(world, _at(world, "priya"))).content.decode()

    response = _post(world, "professional", _at(world, "priya"), {"access_needs": "hearing loop"})

    assert 'name="vulnerability"' not in page
    assert response.status_code == 302
    assert _person(world, "priya")["access_needs"] == ["hearing loop"]


def test_bad_lines_are_refused_beside_the_field_and_typing_kept(world: World) -> None:
    """A line with a control character is named by its number, nothing is saved, and what was
    typed comes back."""
    revision = _fresh(world).revision

    response = _post(
        world,
        "co_producer",
        _at(world, "tomasz"),
        {
            "access_needs": "large print\nbad\x07bell",
            "adjustments": "kept words",
            "vulnerability": "moderate",
            "can_decline_freely": "yes",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Line 2 of the access needs has a character that cannot be saved" in html
    assert "kept words" in html
    assert _fresh(world).revision == revision
    assert _person(world, "tomasz")["access_needs"] == ["routes that take a pushchair"]


def test_missing_choice_is_refused(world: World) -> None:
    """Leaving out whether they could say no is refused with a message naming it."""
    response = _post(
        world, "professional", _at(world, "tomasz"), {"vulnerability": "low", "access_needs": ""}
    )

    assert response.status_code == 200
    assert "Choose whether they could say no without losing help" in response.content.decode()


def test_professional_records_capacity_and_the_co_producer_adds_a_view(world: World) -> None:
    """The professional's record sets the case's capacity; the co-producer's differing view is
    kept beside it without changing the case, and both stay on record."""
    _post(world, "professional", _at(world, "tomasz", "capacity/"), {"capacity": "fluctuating"})

    response = _post(
        world,
        "co_producer",
        _at(world, "tomasz", "capacity/"),
        {"capacity": "has", "note": "I decide these things myself"},
    )

    assert response.status_code == 302
    assert _person(world, "tomasz")["capacity"] == "fluctuating"
    views = list(CapacityView.objects.order_by("pk").values_list("kind", "capacity", "by"))
    assert views == [
        ("record", "fluctuating", world.users["professional"].pk),
        ("view", "has", world.users["co_producer"].pk),
    ]
    assert "respect.capacity_fluctuating" in _codes(world)
    page = world.client("supervisor").get(_url(world, "people/")).content.decode()
    assert "Their own view: I can make these decisions" in page
    assert (
        AuditEvent.objects.filter(action="create", object_type="relationships.CapacityView").count()
        == 2
    )


def test_a_later_record_keeps_the_earlier_one(world: World) -> None:
    """Changing the record adds to the history; the earlier record stays."""
    _post(world, "professional", _at(world, "tomasz", "capacity/"), {"capacity": "uncertain"})

    _post(world, "professional", _at(world, "tomasz", "capacity/"), {"capacity": "has"})

    assert list(CapacityView.objects.order_by("pk").values_list("capacity", flat=True)) == [
        "uncertain",
        "has",
    ]
    assert Participant.objects.get(slug="tomasz", relationship=world.relationship).capacity == "has"


@pytest.mark.asvs("8.2.3")
def test_co_producer_cannot_give_a_view_of_the_professionals_capacity(world: World) -> None:
    """The co-producer's view is of their own capacity only."""
    response = _post(world, "co_producer", _at(world, "priya", "capacity/"), {"capacity": "lacks"})

    assert response.status_code == 403
    assert not CapacityView.objects.exists()


def test_bad_capacity_is_refused(world: World) -> None:
    """A capacity outside the list is refused beside the field; nothing is kept."""
    response = _post(
        world, "professional", _at(world, "tomasz", "capacity/"), {"capacity": "maybe"}
    )

    assert response.status_code == 200
    assert "Choose an answer from the list" in response.content.decode()
    assert not CapacityView.objects.exists()


def test_context_is_saved(world: World) -> None:
    """A court order with the co-produced parts agreed to lie outside it."""
    response = _post(
        world,
        "professional",
        "context/",
        {"applies": ["court_ordered"], "coproduced_elements_outside": "on"},
    )

    data = case_data(_fresh(world))
    assert response.status_code == 302
    assert data["context"] == {
        "best_interests": False,
        "compulsory": False,
        "court_ordered": True,
        "coproduced_elements_outside": True,
    }
    assert "respect.court_ordered" in _codes(world)
    event = AuditEvent.objects.get(action="update", object_type="relationships.Relationship")
    assert "court_ordered" in event.detail["fields"]


@pytest.mark.asvs("8.2.3")
def test_co_producer_cannot_change_the_context(world: World) -> None:
    """Best interests, compulsion and a court order stay the professional's to record."""
    revision = _fresh(world).revision

    response = _post(world, "co_producer", "context/", {"applies": ["court_ordered"]})

    assert response.status_code == 403
    assert _fresh(world).revision == revision
    assert case_data(_fresh(world))["context"]["court_ordered"] is False


def test_either_person_changes_what_they_do_together(world: World) -> None:
    """The co-producer changes the scope, then the professional does: each change lands in the
    case and the audit trail under the name of whoever made it."""
    first = _post(world, "co_producer", "together/", {"co_produced_elements": "route planning"})

    second = _post(
        world, "professional", "together/", {"co_produced_elements": "route planning\nwhen to meet"}
    )

    assert (first.status_code, second.status_code) == (302, 302)
    assert case_data(_fresh(world))["approach"]["co_produced_elements"] == [
        "route planning",
        "when to meet",
    ]
    events = AuditEvent.objects.filter(action="update", object_type="relationships.Relationship")
    assert [e.user for e in events.order_by("pk")] == [
        world.users["co_producer"],
        world.users["professional"],
    ]
    first = events.order_by("pk").first().detail
    assert "co_produced_elements" in first["fields"]
    assert "route planning" not in json.dumps(first)


def test_a_long_line_of_what_you_do_together_is_refused_and_typing_kept(world: World) -> None:
    """A line over the case format's limit is named by its number beside the field; nothing is
    saved and what was typed comes back."""
    revision = _fresh(world).revision
    before = case_data(_fresh(world))["approach"]["co_produced_elements"]

    response = _post(
        world, "co_producer", "together/", {"co_produced_elements": "kept line\n" + "x" * 2001}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Line 2 of the things you do together is too long" in html
    assert "kept line" in html
    assert _fresh(world).revision == revision
    assert case_data(_fresh(world))["approach"]["co_produced_elements"] == before


def test_an_empty_scope_leads_the_co_producer_to_the_together_page(world: World) -> None:
    """With nothing done together, the co-producer's relationship page links them to the page
    where they can say what is."""
    _post(world, "professional", "together/", {"co_produced_elements": ""})

    html = world.client("co_producer").get(_url(world, "")).content.decode()

    assert "respect.scope_undefined" in _codes(world)
    assert f'href="/relationships/{world.relationship.pk}/together/"' in html


def test_professional_renames_the_work_and_changes_its_setting(world: World) -> None:
    """The name and setting change in the case, in the rows the lists read, and in the audit
    trail."""
    response = _post(
        world, "professional", "about/", {"title": "Walking with new dads", "setting": "community"}
    )

    data = case_data(_fresh(world))
    assert response.status_code == 302
    assert (data["title"], data["setting"]) == ("Walking with new dads", "community")
    listed = AssessedPeriod.objects.filter(relationship=world.relationship)
    assert set(listed.values_list("title", flat=True)) == {"Walking with new dads"}
    event = AuditEvent.objects.get(action="update", object_type="relationships.Relationship")
    assert event.user == world.users["professional"]
    assert {"setting", "title"} <= set(event.detail["fields"])
    assert "Walking with new dads" not in json.dumps(event.detail)


@pytest.mark.asvs("2.2.1")
def test_a_bad_name_or_setting_is_refused_beside_the_field_and_typing_kept(world: World) -> None:
    """An over-long name and an unknown setting are each named beside their field; nothing is
    saved, and the name as typed comes back."""
    revision = _fresh(world).revision
    typed = "A long name " + "y" * 300

    response = _post(world, "professional", "about/", {"title": typed, "setting": "the moon"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Use 300 characters or fewer" in html
    assert "Choose one of the options listed" in html
    assert typed in html
    assert _fresh(world).revision == revision
    assert _fresh(world).title == world.relationship.title


@pytest.mark.asvs("1.3.3")
def test_a_name_with_a_control_character_is_refused(world: World) -> None:
    """A name holding a character the case cannot keep is refused with a message naming it."""
    response = _post(world, "professional", "about/", {"title": "bad\x07", "setting": "other"})

    assert response.status_code == 200
    assert "The name has a character that cannot be saved" in response.content.decode()
    assert _fresh(world).title == world.relationship.title


@pytest.mark.asvs("8.2.3")
def test_co_producer_cannot_rename_the_work(world: World) -> None:
    """The name and setting are the professional's: the co-producer is refused and nothing
    changes."""
    response = _post(world, "co_producer", "about/", {"title": "Mine now", "setting": "other"})

    assert response.status_code == 403
    assert _fresh(world).title == world.relationship.title
    assert not AuditEvent.objects.exclude(action="view").exists()


@pytest.mark.asvs("2.2.3")
def test_outside_without_a_context_is_refused(world: World) -> None:
    """Saying the shared parts lie outside a context that does not apply is refused."""
    revision = _fresh(world).revision

    response = _post(world, "professional", "context/", {"coproduced_elements_outside": "on"})

    assert response.status_code == 200
    assert "Tick this only if" in response.content.decode()
    assert _fresh(world).revision == revision


def test_approach_is_saved(world: World) -> None:
    """Professional-led methods, an unjustified cost, alternatives and a new outcome plan."""
    response = _post(
        world,
        "professional",
        "approach/",
        {
            "professional_led_methods": "limited re-parenting",
            "resource_review": "costlier_unjustified",
            "alternatives_considered": "a group run by the service",
            "outcome_plan": ["phq9", "gbo"],
        },
    )

    approach = case_data(_fresh(world))["approach"]
    assert response.status_code == 302
    assert approach["professional_led_methods"] == ["limited re-parenting"]
    assert approach["resource_review"] == "costlier_unjustified"
    assert approach["alternatives_considered"] == ["a group run by the service"]
    assert set(approach["outcome_plan"]) == {"phq9", "gbo"}
    assert {"responsibility.expertise_tradeoff", "responsibility.resources_unjustified"} <= (
        _codes(world)
    )


def test_an_unknown_questionnaire_is_refused(world: World) -> None:
    """An outcome plan naming no known questionnaire is refused beside the field."""
    response = _post(
        world, "professional", "approach/", {"resource_review": "comparable", "outcome_plan": "x"}
    )

    assert response.status_code == 200
    assert "Choose only questionnaires from the list" in response.content.decode()


def test_co_producer_names_an_affected_party(world: World) -> None:
    """Either person may name someone else the relationship affects."""
    response = _post(
        world,
        "co_producer",
        "affected/",
        {"name": "My partner", "consent": "informed", "reason": ""},
    )

    assert response.status_code == 302
    names = [a["name"] for a in case_data(_fresh(world))["affected_parties"]]
    assert "My partner" in names
    event = AuditEvent.objects.get(action="create", object_type="relationships.AffectedParty")
    assert event.user == world.users["co_producer"]


def test_finding_leads_to_its_form(world: World) -> None:
    """An unreviewed resource finding links the professional to the approach page."""
    _post(world, "professional", "approach/", {"resource_review": "not_done"})

    html = world.client("professional").get(_url(world, "")).content.decode()

    assert f'href="/relationships/{world.relationship.pk}/approach/"' in html
