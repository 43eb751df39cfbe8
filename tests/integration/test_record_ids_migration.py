"""Migration 0006 gives every existing record its own id and reads back from the audit trail
who recorded each consultation."""

from __future__ import annotations

import pytest

from tests.integration.migrating import apps_at

APPS = [("accounts", "0002_user_team"), ("audit", "0001_initial")]
BEFORE = [("relationships", "0005_safety_flags"), *APPS]
AFTER = [("relationships", "0006_record_ids"), *APPS]
pytestmark = pytest.mark.usefixtures("latest_schema_afterwards")


@pytest.mark.django_db(transaction=True)
def test_existing_records_get_unique_ids_and_consultations_their_author() -> None:
    """Rows made before the migration each get a distinct id; a consultation's author comes
    from its audit event, and one without an event stays a file's (no author)."""
    old = apps_at(BEFORE)
    org = old.get_model("accounts", "Organisation").objects.create(slug="o", name="O")
    user = old.get_model("accounts", "User").objects.create(username="sup", organisation=org)
    r = old.get_model("relationships", "Relationship").objects.create(organisation=org, title="t")
    consultation = old.get_model("relationships", "Consultation")
    recorded, imported = (
        consultation.objects.create(
            relationship=r, date="2026-11-01", with_whom=who, outcome="continue"
        )
        for who in ("the team", "from a file")
    )
    for day in ("2026-10-01", "2026-10-02", "2026-10-03"):
        old.get_model("relationships", "Observation").objects.create(
            relationship=r, date=day, kind="collusion", by="x"
        )
    old.get_model("audit", "AuditEvent").objects.create(
        user=user,
        action="create",
        object_type="relationships.Consultation",
        object_id=str(recorded.pk),
    )

    new = apps_at(AFTER)

    observations = new.get_model("relationships", "Observation").objects.all()
    ids = [o.uid for o in observations]
    assert len(ids) == 3 and len(set(ids)) == 3 and all(len(i) == 36 for i in ids)
    authors = dict(
        new.get_model("relationships", "Consultation").objects.values_list("pk", "recorded_by")
    )
    assert authors == {recorded.pk: user.pk, imported.pk: None}
