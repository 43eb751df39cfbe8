"""The contract as a conversation (ADR 0014): either person proposes a version, and each
agrees, declines with a reason, or comments. Every answer is a row that is never changed or
deleted; a declined version stays in the record (and, as the latest, in the assessment) until
someone proposes another. Consent names the contract version it was given for, and is
confirmed again after a version that changes costs, benefits, payment or the exit plan.

Atomic and audited, like every action; proposals and declines tell the other person.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from mutuality.web.outbox import events
from mutuality.web.relationships import assessed, consent_history
from mutuality.web.relationships.actions import Refused, StaleEdit, audit, bump_revision, reassess
from mutuality.web.relationships.actions.questions import current_contract, save_contract
from mutuality.web.relationships.contract_changes import material
from mutuality.web.relationships.forms.questions import contract_terms
from mutuality.web.relationships.models import (
    ContractResponse,
    ContractVersion,
    Participant,
    Relationship,
)
from mutuality.web.stored_words import said

GIVEN = ("informed", "given")


def agreed_by_all(contract: ContractVersion, people: list[Participant]) -> bool:
    """Whether everyone in the relationship has agreed to this version."""
    agreed = {a.participant_id for a in contract.agreements.all()}
    return all(p.pk in agreed for p in people)


def open_version(relationship: Relationship) -> ContractVersion | None:
    """The version still being talked about: the latest, if nobody declined it and not
    everyone has agreed to it yet."""
    latest = current_contract(relationship)
    if latest is None or latest.declined_at is not None:
        return None
    if agreed_by_all(latest, list(relationship.participants.all())):
        return None
    return latest


def in_force(relationship: Relationship) -> ContractVersion | None:
    """The latest version, when everyone has agreed to it (the one consent is confirmed for)."""
    latest = current_contract(relationship)
    if latest is None or latest.declined_at is not None:
        return None
    return latest if agreed_by_all(latest, list(relationship.participants.all())) else None


def may_propose(relationship: Relationship, me: Participant) -> ContractVersion | None:
    """The open version that stops this person proposing, or None when they may. Whoever
    proposed the open version may change it (a new version in its place)."""
    found = open_version(relationship)
    if found is None or (found.proposed_by_id is not None and found.proposed_by_id == me.pk):
        return None
    return found


@transaction.atomic
def propose(
    *, participant: Participant, terms: dict[str, Any], by: Any, expected_revision: int
) -> ContractVersion:
    """A new version proposed by this person; refused while someone else's is still open."""
    relationship = participant.relationship
    blocking = may_propose(relationship, participant)
    if blocking is not None:
        raise Refused(
            gettext(
                "Version %(version)s of the contract is still waiting for an answer. "
                "Agree to it or decline it before you propose a change."
            )
            % {"version": blocking.version}
        )
    return save_contract(
        relationship=relationship,
        terms=terms,
        by=by,
        expected_revision=expected_revision,
        proposed_by=participant,
    )


def _respond(
    participant: Participant, contract: ContractVersion, kind: str, reason: str, by: Any
) -> ContractResponse:
    relationship = participant.relationship
    response = ContractResponse.objects.create(
        contract=contract, participant=participant, kind=kind, reason=reason
    )
    audit(
        by,
        "create",
        response,
        relationship,
        participant=participant.pk,
        version=contract.version,
        kind=kind,
        reason=reason,
    )
    return response


def _latest_at(relationship: Relationship, version: int, expected_revision: int) -> ContractVersion:
    bump_revision(relationship, expected_revision)
    contract = current_contract(relationship)
    if contract is None or contract.version != version:
        raise StaleEdit("The contract changed after this person opened it.")
    return contract


@transaction.atomic
def decline(
    *, participant: Participant, version: int, reason: str, by: Any, expected_revision: int
) -> ContractResponse:
    """Decline the open version, saying why. It stays in the record; nobody can agree to it
    any more, and either person may propose another."""
    relationship = participant.relationship
    contract = _latest_at(relationship, version, expected_revision)
    if contract.declined_at is not None:
        raise Refused(
            gettext("Version %(version)s has already been declined.") % {"version": version}
        )
    if contract.agreements.filter(participant=participant).exists():
        raise Refused(
            gettext(
                "You have agreed to version %(version)s, so you cannot decline it. "
                "Add a comment instead, or propose a change."
            )
            % {"version": version}
        )
    contract.declined_at = timezone.now()
    contract.save(update_fields=["declined_at"])
    response = _respond(participant, contract, "declined", reason, by)
    events.contract_declined(contract, by=by)
    reassess(
        relationship,
        reason=said(
            gettext_noop("%(who)s declined version %(version)s of the contract"),
            who=participant.slug,
            version=version,
        ),
    )
    return response


@transaction.atomic
def comment(
    *, participant: Participant, version: int, reason: str, by: Any, expected_revision: int
) -> ContractResponse:
    """A comment on the latest version; it changes nothing else."""
    relationship = participant.relationship
    contract = _latest_at(relationship, version, expected_revision)
    return _respond(participant, contract, "comment", reason, by)


def consent_to_confirm(participant: Participant) -> ContractVersion | None:
    """The version this person is asked to confirm their consent for, if any: the version in
    force, when it changes what their consent rested on since the version they consented to."""
    if participant.consent not in GIVEN or participant.consent_version is None:
        return None
    relationship = participant.relationship
    now = in_force(relationship)
    if now is None or now.version <= participant.consent_version:
        return None
    then = relationship.contract_versions.filter(version=participant.consent_version).first()
    before = contract_terms(then) if then is not None else None
    return now if material(before, contract_terms(now)) else None


@transaction.atomic
def confirm_consent(
    *, participant: Participant, version: int, by: Any, expected_revision: int
) -> None:
    """This person confirms their consent for this version of the contract."""
    relationship = participant.relationship
    bump_revision(relationship, expected_revision)
    participant.refresh_from_db()
    asked = consent_to_confirm(participant)
    if asked is None:
        raise Refused(gettext("There is nothing to confirm: your consent is up to date."))
    if asked.version != version:
        raise StaleEdit("The contract changed after this person opened the page.")
    before = participant.consent_version
    was = consent_history.state(participant)
    participant.consent_version = version
    participant.save(update_fields=["consent_version"])
    consent_history.consent_changed(participant, was)
    audit(
        by,
        "update",
        participant,
        relationship,
        field="consent_version",
        before=before,
        after=version,
    )
    assessed.rewrite_due(relationship, timezone.localdate())
