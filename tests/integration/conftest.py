"""Every integration test also checks that no request writes without an audit event.

While a request is handled (through Django's test client), every saved or deleted row of
Mutuality's own models is noted; when the request ends, at least one audit event other than a
view must have been recorded in it. Rows written by the tests themselves (outside requests)
are not checked, and neither are the audit trail, the stored assessments (a consequence of an
audited write) or a sign-in's `last_login`. A write that was rolled back (a refused change, say)
is no write: when the request ends, a row is counted only if it still holds what was saved.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db.models.signals import post_delete, post_save

from mutuality.web.audit.models import AuditEvent
from tests.integration.databases import EVERY_DATABASE


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests of the modules whose checks could differ on another database
    (databases.py), but for those marked `same_on_every_database` themselves (they work on
    database files of their own): `make test-postgres` runs the marked ones on PostgreSQL."""
    for item in items:
        if item.path.stem in EVERY_DATABASE and not item.get_closest_marker(
            "same_on_every_database"
        ):
            item.add_marker(pytest.mark.needs_every_database)


_NOT_CHECKED = {
    "audit.AuditEvent",
    "audit.AuditLink",
    "audit.AuditHead",
    "relationships.AssessmentRecord",
}
_OURS = ("accounts.", "relationships.", "reports.", "organisation.", "api.")


class _Watch:
    def __init__(self) -> None:
        self.in_request = False
        self.writes: list[tuple[Any, Any, dict[str, Any] | None]] = []
        self.audit_before = 0
        self.unaudited: list[str] = []

    def started(self, **_: Any) -> None:
        self.in_request, self.writes = True, []
        self.audit_before = self._audited()

    def finished(self, **_: Any) -> None:
        kept = [
            instance._meta.label
            for instance, pk, saved in self.writes
            if _kept(instance, pk, saved)
        ]
        if self.in_request and kept and self._audited() == self.audit_before:
            self.unaudited.append(", ".join(sorted(set(kept))))
        self.in_request = False

    def wrote(self, sender: Any, instance: Any, **kwargs: Any) -> None:
        label = sender._meta.label
        if not self.in_request or label in _NOT_CHECKED or not label.startswith(_OURS):
            return
        if kwargs.get("update_fields") == frozenset({"last_login"}):
            return
        saved = None if "created" not in kwargs else _values(instance)  # None: a delete
        # The key now: Django forgets a deleted row's key once every row is deleted.
        self.writes.append((instance, instance.pk, saved))

    @staticmethod
    def _audited() -> int:
        try:
            return AuditEvent.objects.exclude(action="view").count()
        except Exception:  # no database for this test: nothing to check
            return 0


def _values(instance: Any) -> dict[str, Any]:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def _kept(instance: Any, pk: Any, saved: dict[str, Any] | None) -> bool:
    """Whether the database still shows this write (it was not rolled back)."""
    row = type(instance)._base_manager.filter(pk=pk).first()
    if saved is None:
        return row is None
    return row is not None and all(
        _values(row)[name] == value
        for name, value in saved.items()
        if not name.endswith(("updated", "created", "at"))  # times the database may round
    )


@pytest.fixture(autouse=True)
def _every_write_is_audited(request: pytest.FixtureRequest) -> Iterator[None]:
    if "db" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        yield
        return
    watch = _Watch()
    request_started.connect(watch.started)
    request_finished.connect(watch.finished)
    post_save.connect(watch.wrote)
    post_delete.connect(watch.wrote)
    try:
        yield
    finally:
        request_started.disconnect(watch.started)
        request_finished.disconnect(watch.finished)
        post_save.disconnect(watch.wrote)
        post_delete.disconnect(watch.wrote)
    assert not watch.unaudited, f"requests wrote without an audit event: {watch.unaudited}"


@pytest.fixture
def sian(db: None) -> Any:
    """A co-producer of "Riverside trust" with a verified address and the tests' password, and
    no second factor: one password signs her in (test_passwords.py has its own)."""
    from mutuality.web.accounts.models import Role
    from tests.factories import OrganisationFactory, UserFactory, verify_email

    user = UserFactory(
        username="sian",
        email="sian@example.org",
        organisation=OrganisationFactory(slug="riverside"),
        role=Role.CO_PRODUCER,
    )
    return verify_email(user)


@pytest.fixture
def latest_schema_afterwards() -> Iterator[None]:
    """Leave the database at the newest migrations after a test of a data migration, as the
    tests after it expect (tests/integration/migrating.py)."""
    from tests.integration.migrating import migrate_to_latest

    yield
    migrate_to_latest()
