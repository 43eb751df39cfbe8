"""Writes for the two-sided questions and the contract: atomic, audited, then reassessed.

Any change to the contract makes a new version with no agreements, so each person
agrees to exactly the words they read; an agreement names the version it was given to.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_noop

from mutuality.web.audit.actions import record
from mutuality.web.outbox import events
from mutuality.web.relationships.actions import Refused, StaleEdit, bump_revision, reassess
from mutuality.web.relationships.models import (
    ContractAgreement,
    ContractResponse,
    ContractVersion,
    Participant,
    Relationship,
)
from mutuality.web.stored_words import said


def current_contract(relationship: Relationship) -> ContractVersion | None:
    """The newest version of the contract, or None when there is none yet."""
    return relationship.contract_versions.order_by("-version").first()


def professional_has_answered(relationship: Relationship) -> bool:
    """Whether any professional has answered a two-sided question (which unlocks the others)."""
    return any(
        p.answers for p in relationship.participants.filter(role="professional").only("answers")
    )


@transaction.atomic
def save_answers(
    *, participant: Participant, answers: dict[str, str], by: Any, expected_revision: int
) -> bool:
    """Store one person's answers (replacing their earlier ones). False when nothing changed."""
    participant.refresh_from_db(fields=["answers"])
    before = dict(participant.answers or {})
    if before == answers:
        return False
    relationship = participant.relationship
    bump_revision(relationship, expected_revision)
    participant.answers = answers
    participant.save(update_fields=["answers"])
    record(
        user=by,
        action="update",
        obj=participant,
        relationship_id=relationship.pk,
        organisation_id=relationship.organisation_id,
        field="answers",
        before=before,
        after=answers,
    )
    words = (
        gettext_noop("%(who)s changed their answers to the two-sided questions")
        if before
        else gettext_noop("%(who)s answered the two-sided questions")
    )
    reassess(relationship, reason=said(words, who=participant.slug))
    return True


@transaction.atomic
def save_contract(
    *,
    relationship: Relationship,
    terms: dict[str, Any],
    by: Any,
    expected_revision: int,
    proposed_by: Participant | None = None,
) -> ContractVersion:
    """Make the next version of the contract from these terms, agreed by nobody yet.

    What the form does not edit (the date of the last review) is copied from the
    version before.
    """
    bump_revision(relationship, expected_revision)
    previous = current_contract(relationship)
    contract = ContractVersion.objects.create(
        relationship=relationship,
        version=previous.version + 1 if previous else 1,
        last_review=previous.last_review if previous else None,
        proposed_by=proposed_by,
        **terms,
    )
    record(
        user=by,
        action="create",
        obj=contract,
        relationship_id=relationship.pk,
        organisation_id=relationship.organisation_id,
        version=contract.version,
        previous_version=previous.version if previous else None,
        proposed_by=proposed_by.pk if proposed_by else None,
        terms=terms,
    )
    events.contract_waiting(contract, by=by)
    reassess(
        relationship,
        reason=said(
            gettext_noop(
                "version %(version)s of the contract was written; everyone needs to agree to it"
            ),
            version=contract.version,
        ),
    )
    return contract


def agreement_of(participant: Participant, contract: ContractVersion) -> ContractAgreement | None:
    return contract.agreements.filter(participant=participant).first()


@transaction.atomic
def agree_contract(
    *, participant: Participant, version: int, by: Any, expected_revision: int
) -> ContractAgreement:
    """Record that this person agrees to this version, which must still be the current one."""
    relationship = participant.relationship
    bump_revision(relationship, expected_revision)
    contract = current_contract(relationship)
    if contract is None or contract.version != version:
        raise StaleEdit("The contract changed after this person opened it.")
    if contract.declined_at is not None:
        raise Refused(
            gettext("Version %(version)s was declined, so nobody can agree to it now.")
            % {"version": version}
        )
    agreement = ContractAgreement.objects.create(contract=contract, participant=participant)
    # The conversation's row of it (the agreement above is what the case format reads).
    ContractResponse.objects.create(contract=contract, participant=participant, kind="agreed")
    record(
        user=by,
        action="create",
        obj=agreement,
        relationship_id=relationship.pk,
        organisation_id=relationship.organisation_id,
        participant=participant.pk,
        version=contract.version,
    )
    reassess(
        relationship,
        reason=said(
            gettext_noop("%(who)s agreed to version %(version)s of the contract"),
            who=participant.slug,
            version=contract.version,
        ),
    )
    return agreement
