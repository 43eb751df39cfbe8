"""Contrast on the web (framework format 1.1): unexamined until the two people say, counted from
the answers and the record as well, and shown with where each indicator came from."""

from __future__ import annotations

import re
from datetime import date

import pytest
import yaml

from mutuality.framework import validate_case
from mutuality.web.relationships.actions import current_result, reassess
from mutuality.web.relationships.case_io import export_yaml, import_case
from mutuality.web.relationships.models import Disclosure, Participant, Relationship
from tests.factories import EXAMPLES, World
from tests.integration.test_people import _proposal

pytestmark = pytest.mark.django_db
UNEXAMINED = "competence.contrast_unexamined"
UNDECLARED = "competence.contrast_undeclared"


def _url(world: World) -> str:
    return f"/relationships/{world.relationship.pk}/contrast/"


def _codes(relationship: Relationship) -> set[str]:
    return {f["code"] for f in current_result(relationship)["findings"]}


def _post(world: World, standing: str, **data: object) -> object:
    revision = Relationship.objects.get(pk=world.relationship.pk).revision
    return world.client(standing).post(_url(world), {"revision": revision, **data})


def _text(response: object) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_relationship_proposed_on_the_web_starts_unexamined(world: World) -> None:
    world.client("professional").post(
        "/relationships/propose/", _proposal(supervisor=world.users["supervisor"].pk)
    )

    made = Relationship.objects.get(title="Co-writing the ward's welcome leaflet")
    assert made.contrast is None
    assert UNEXAMINED in _codes(made)


def test_the_co_producer_says_none_and_the_professional_names_differences(world: World) -> None:
    Relationship.objects.filter(pk=world.relationship.pk).update(contrast=None)
    reassess(world.relationship, reason="set up")
    assert UNEXAMINED in _codes(world.relationship)
    assert "Nobody has said yet" in _text(world.client("co_producer").get(_url(world)))

    assert _post(world, "co_producer", none="on").status_code == 302  # type: ignore[attr-defined]
    world.relationship.refresh_from_db()
    assert world.relationship.contrast == []
    assert UNEXAMINED not in _codes(world.relationship)

    _post(world, "professional", contrast=["informal_setting", "shared_clinical_decisions"])
    world.relationship.refresh_from_db()
    assert world.relationship.contrast == ["shared_clinical_decisions", "informal_setting"]
    assert current_result(world.relationship)["scrutiny"]["level"] == "enhanced"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"none": "on", "contrast": ["informal_setting"]}, "but not both"),
        ({}, "Choose how your work differs, or “none of these”"),
        ({"contrast": ["flying"]}, "Choose only from the differences in the list"),
    ],
)
def test_a_muddled_declaration_says_what_is_wrong_and_changes_nothing(
    world: World, data: dict[str, object], message: str
) -> None:
    before = Relationship.objects.get(pk=world.relationship.pk)

    response = _post(world, "co_producer", **data)

    assert response.status_code == 200  # type: ignore[attr-defined]
    assert message in response.content.decode()  # type: ignore[attr-defined]
    after = Relationship.objects.get(pk=world.relationship.pk)
    assert (after.contrast, after.revision) == (before.contrast, before.revision)


def test_the_page_names_where_each_counted_indicator_came_from(world: World) -> None:
    """A declared indicator, an answer and a professional's disclosure, each named."""
    recipient = world.relationship.participants.get(role="recipient")
    recipient.answers = {**recipient.answers, "money_between_us": "yes"}
    recipient.save()
    professional = world.relationship.participants.get(role="professional")
    Disclosure.objects.create(
        relationship=world.relationship, by=professional, date=date(2026, 11, 1), about="x"
    )
    reassess(world.relationship, reason="set up")
    name = recipient.called  # the name on their login, else the relationship's name for them

    as_professional = _text(world.client("professional").get(_url(world)))
    as_co_producer = _text(world.client("co_producer").get(_url(world)))

    assert "You meet somewhere informal" in as_professional
    assert "Declared by the people in the relationship" in as_professional
    asked = "Does money, or do gifts or favours, pass between you and the professional"
    assert f"Money passes between you {name} answered yes to “{asked}" in as_professional
    assert f"Money passes between you You answered yes to “{asked}" in as_co_producer
    assert "A self-disclosure the professional recorded" in as_professional
    assert UNDECLARED in _codes(world.relationship)
    report = _text(
        world.client("supervisor").get(f"/reports/relationship/{world.relationship.pk}/")
    )
    assert "How the work differs from usual care" in report
    assert f"{name} answered yes to “{asked}" in report


def test_saving_the_scrutiny_settings_leaves_an_unexamined_contrast_unexamined(
    world: World,
) -> None:
    Relationship.objects.filter(pk=world.relationship.pk).update(contrast=None)
    relationship = Relationship.objects.get(pk=world.relationship.pk)
    data = {
        "revision": relationship.revision,
        "supervision_every_days": "28",
        "team_informed": "yes",
        "public_reporting": "yes",
    }

    world.client("professional").post(f"/relationships/{relationship.pk}/scrutiny/", data)

    relationship.refresh_from_db()
    assert relationship.contrast is None
    assert relationship.supervision_every_days == 28


@pytest.mark.parametrize(("declared", "exported"), [(None, "absent"), ([], [])])
def test_imports_and_exports_keep_omitted_and_empty_apart(
    world: World, declared: list[str] | None, exported: object
) -> None:
    data = yaml.safe_load((EXAMPLES / "fathers-walking-group.yaml").read_text())
    if declared is None:
        del data["contrast"]
    else:
        data["contrast"] = declared
    relationship = import_case(validate_case(data, "a file"), world.relationship.organisation)

    assert relationship.contrast == declared
    assert yaml.safe_load(export_yaml(relationship)).get("contrast", "absent") == exported
    assert (UNEXAMINED in _codes(relationship)) is (declared is None)


def test_the_service_report_counts_unexamined_and_undeclared_contrast(world: World) -> None:
    Relationship.objects.filter(pk=world.other.pk).update(contrast=None)
    reassess(world.other, reason="set up")
    recipient = world.relationship.participants.get(role="recipient")
    Participant.objects.filter(pk=recipient.pk).update(
        answers={**recipient.answers, "informal_places": "yes", "personal_sharing": "yes"}
    )
    reassess(world.relationship, reason="set up")

    page = _text(world.client("admin").get("/reports/service/"))

    assert "Nobody has said yet how the work differs 1" in page
    assert "Differences counted that nobody declared 1" in page
