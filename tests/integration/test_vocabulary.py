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
    """The admin's service report names findings by title and recommendations by their
    headline ("Stop and think again", never "Consult"), with no finding code in sight."""
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
