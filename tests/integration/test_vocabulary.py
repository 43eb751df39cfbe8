"""The web app spells every enumeration as the framework's `VOCABULARY` does: model choices,
form choices and the service report's labels all come from it (ADR 0016)."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.apps import apps
from django.db.models import Field
from django.test import Client

from mutuality.framework import VOCABULARY, registered_rules
from mutuality.web.relationships.forms.people import ProposeForm
from mutuality.web.relationships.forms.records import ConsultationForm, ObservationForm
from tests.factories import World
from tests.integration.page_text import visible_text

# Every model field with choices, and the vocabulary it takes them from.
FROM_THE_FRAMEWORK = {
    "relationships.Relationship.stage": "stage",
    "relationships.Relationship.setting": "setting",
    "relationships.Relationship.resource_review": "resource_review",
    "relationships.Participant.role": "role",
    "relationships.Participant.capacity": "capacity",
    "relationships.Participant.consent": "consent",
    "relationships.Participant.vulnerability": "vulnerability",
    "relationships.AffectedParty.consent": "affected_consent",
    "relationships.Observation.kind": "observation_kind",
    "relationships.Observation.status": "observation_status",
    "relationships.Consultation.outcome": "consultation_outcome",
    "relationships.ReviewRecord.kind": "review_kind",
    "relationships.AssessedPeriod.stage": "stage",
    "relationships.CapacityView.capacity": "capacity",
    "relationships.PrivateWorry.kind": "observation_kind",
}
# The web app's own enumerations, which the case format does not have.
THE_WEB_APPS_OWN = {
    "accounts.User.role",
    "relationships.SafetyFlag.kind",
    "relationships.DueItem.category",
    "outbox.OutgoingMessage.kind",
    "outbox.OutgoingMessage.state",
    "outbox.MessageChoice.kind",
    "relationships.CapacityView.kind",  # the professional's record, or the person's own view
    "relationships.ContractResponse.kind",  # agreed, declined or a comment
    "relationships.PrivateWorry.state",  # held, put on the record, or resolved privately
}


def _fields_with_choices() -> dict[str, Field[object, object]]:
    return {
        f"{model._meta.label}.{field.name}": field
        for model in apps.get_models()
        if model.__module__.startswith("mutuality.")
        for field in model._meta.get_fields()
        if isinstance(field, Field) and field.choices
    }


def test_every_model_choice_is_the_frameworks_or_the_apps_own() -> None:
    """No model field offers choices that are neither the framework's nor listed as the app's."""
    # Arrange
    known = set(FROM_THE_FRAMEWORK) | THE_WEB_APPS_OWN

    # Act
    unlisted = set(_fields_with_choices()) - known

    # Assert
    assert unlisted == set()


@pytest.mark.parametrize("name", sorted(FROM_THE_FRAMEWORK))
def test_model_choices_are_the_vocabularys(name: str) -> None:
    """A model field's choices are its vocabulary's codes and labels, in its order."""
    # Arrange
    field = _fields_with_choices()[name]

    # Act
    choices = [(str(code), str(label)) for code, label in field.choices or []]

    # Assert
    assert choices == VOCABULARY[FROM_THE_FRAMEWORK[name]].choices()


@pytest.mark.parametrize(
    ("form", "field", "vocabulary"),
    [
        (ProposeForm, "setting", "setting"),
        (ObservationForm, "kind", "observation_kind"),
        (ConsultationForm, "outcome", "consultation_outcome"),
    ],
)
def test_form_choices_are_the_vocabularys(form: type, field: str, vocabulary: str) -> None:
    """A form offers its vocabulary's labels for its codes."""
    # Arrange
    offered = form.base_fields[field].choices

    # Act
    labels = {code: str(label) for code, label in offered if code}

    # Assert
    assert labels == VOCABULARY[vocabulary].labels()


def test_the_service_report_shows_titles_and_headlines_never_codes(world: World) -> None:
    """The admin's service report names findings by title, recommendations by their headline
    ("Stop and think again", never "Consult") and the outcome horizons as the vocabulary does,
    with no finding code in sight."""
    # Arrange
    client = Client()
    client.force_login(world.users["admin"])
    codes = {rule.code for rule in registered_rules()}

    # Act
    text = visible_text(client.get("/reports/service/").content.decode())
    rows = list(csv.reader(io.StringIO(client.get("/reports/service.csv").content.decode())))
    labels = " ".join(cell for row in rows for cell in row)

    # Assert
    assert [code for code in codes if code in text] == []
    assert VOCABULARY["recommendation"].label("consult") in text
    assert not re.search(r"\bConsult\b", text)
    assert [code for code in codes if code in labels] == []
    assert (
        "Open finding: " + VOCABULARY["finding"].label("integrity.review_overdue").lower() in text
    )
    # The horizons, named and spanned as the vocabulary says, in the outcomes' explanation.
    horizons = [f"{term.label} ({term.hint})" for term in VOCABULARY["horizon"].values()]
    assert "first score: " + ", ".join(horizons) + ", using" in text


# The service CSV's columns whose cells name a code, and the vocabulary that names it; the
# report's own rows ("Not assessed yet", "First to latest", and work stopped by a withdrawn
# consent, the transparency report's words) are no enumeration's.
CSV_VOCABULARIES = {
    ("Relationships by recommendation", "Recommendation"): "recommendation",
    ("Relationships by scrutiny level", "Scrutiny level"): "scrutiny_level",
    ("Relationships by stage", "Stage"): "stage",
    ("Consent of the people in each relationship", "Consent"): "consent",
    ("Consent of affected parties", "Consent"): "affected_consent",
    ("Paired PHQ-9 and GAD-7 outcomes", "Horizon"): "horizon",
}
THE_REPORTS_OWN_ROWS = {"Not assessed yet", "First to latest", "Stopped: consent withdrawn"}


def _service_csv(world: World) -> list[list[str]]:
    client = Client()
    client.force_login(world.users["admin"])
    return list(csv.reader(io.StringIO(client.get("/reports/service.csv").content.decode())))


@pytest.mark.parametrize(("where", "vocabulary"), sorted(CSV_VOCABULARIES.items()))
def test_the_service_csvs_labels_are_the_vocabularys(
    world: World, where: tuple[str, str], vocabulary: str
) -> None:
    """Each cell of the CSV that names a code says it as the vocabulary does, capitalised."""
    # Arrange
    labels = dict(VOCABULARY[vocabulary].choices()).values()

    # Act
    cells = {row[3] for row in _service_csv(world)[1:] if (row[0], row[2]) == where}

    # Assert
    assert cells, where  # the world fills every table named above
    assert cells - THE_REPORTS_OWN_ROWS <= set(labels)


def test_the_service_csvs_headings_are_the_vocabularys(world: World) -> None:
    """The CSV's headings for the share of people who changed, and for the supervision
    findings, are the vocabulary's words."""
    # Arrange
    proportions = VOCABULARY["group_proportion"].choices()

    # Act
    headings = {row[2] for row in _service_csv(world)[1:]}

    # Assert
    assert {f"{label} (%)" for _, label in proportions} <= headings


def test_the_relationship_reports_labels_are_the_vocabularys(world: World) -> None:
    """The relationship report heads its time columns with how long the vocabulary's horizons
    span, and names observation kinds and consultation outcomes in the vocabulary's words."""
    # Arrange
    relationship = world.relationship
    relationship.observations.create(date="2026-03-04", kind="boundary_drift", by="priya")
    relationship.consultations.create(date="2026-03-05", with_whom="the team", outcome="adapt")
    client = world.client("co_producer")

    # Act
    response = client.get(f"/reports/relationship/{relationship.pk}/")
    text = visible_text(response.content.decode())

    # Assert
    assert response.context["horizon_names"] == [
        term.hint[:1].upper() + term.hint[1:] for term in VOCABULARY["horizon"].values()
    ]
    assert VOCABULARY["observation_kind"].label("boundary_drift") in text
    assert VOCABULARY["consultation_outcome"].label("adapt") in text
