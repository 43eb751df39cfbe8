"""A co-producer withdrawing consent takes effect at once, and nothing recorded is lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from mutuality.web.accounts.models import User
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.actions import StaleEdit, bump_revision, latest_assessment
from mutuality.web.relationships.models import Relationship
from tests.factories import World

CASE = Path(__file__).resolve().parents[2] / "examples" / "fathers-walking-group.yaml"


@pytest.fixture
def relationship(world: World) -> Relationship:
    """The shared world's relationship; its co-producer signs in as `co`."""
    return world.relationship


def _co_producer_client() -> Client:
    client = Client()
    client.force_login(User.objects.get(username="co"))
    return client


def test_withdrawing_consent_makes_the_assessment_alternative_model(
    relationship: Relationship,
) -> None:
    """After the POST the stored assessment says alternative_model, for the consent reason."""
    before = latest_assessment(relationship)
    scores = sum(s.scores.count() for s in relationship.outcome_series.all())

    response = _co_producer_client().post(f"/relationships/{relationship.pk}/consent/withdraw/")

    after = latest_assessment(relationship)
    assert before.recommendation == "proceed"
    assert response.status_code == 302
    assert after.recommendation == "alternative_model"
    assert "respect.consent_refused" in [f["code"] for f in after.result["findings"]]
    assert relationship.assessments.count() == 2
    assert sum(s.scores.count() for s in relationship.outcome_series.all()) == scores
    assert AuditEvent.objects.filter(action="update", relationship_id=relationship.pk).exists()


def test_withdrawal_page_asks_before_it_acts(relationship: Relationship) -> None:
    """GET shows a confirmation and changes nothing."""
    response = _co_producer_client().get(f"/relationships/{relationship.pk}/consent/withdraw/")

    assert response.status_code == 200
    assert b"You keep all the help" in response.content
    assert relationship.participants.get(role="recipient").consent == "informed"


def test_a_stale_revision_is_refused(relationship: Relationship) -> None:
    """A change made from an older revision is refused rather than silently overwriting."""
    seen = relationship.revision
    bump_revision(relationship, expected=seen)

    with pytest.raises(StaleEdit):
        bump_revision(relationship, expected=seen)


@pytest.mark.asvs("2.3.1")
@pytest.mark.parametrize("consent", ["not_sought", "declined", "withdrawn"])
def test_withdrawing_is_not_offered_before_consent_is_given(
    relationship: Relationship, consent: str
) -> None:
    """Without consent to withdraw, the relationship page offers no withdrawal and the
    withdrawal page sends them back, changing nothing."""
    relationship.participants.filter(role="recipient").update(consent=consent)
    client = _co_producer_client()
    url = f"/relationships/{relationship.pk}/consent/withdraw/"

    page = client.get(f"/relationships/{relationship.pk}/")
    asked = client.get(url)
    posted = client.post(url)

    assert b"Withdraw my consent" not in page.content
    assert asked.status_code == posted.status_code == 302
    assert relationship.participants.get(role="recipient").consent == consent
    assert not AuditEvent.objects.filter(action="update", relationship_id=relationship.pk).exists()


def test_withdrawing_is_offered_once_consent_is_given(relationship: Relationship) -> None:
    """With consent given, the relationship page offers to withdraw it."""
    relationship.participants.filter(role="recipient").update(consent="given")

    page = _co_producer_client().get(f"/relationships/{relationship.pk}/")

    assert b"Withdraw my consent" in page.content
