"""The history of each person's consent: the one writer of `ConsentEvent` rows.

Every action that creates a participant or an affected party, or changes their consent (or the
contract version a participant's consent was given for), calls `consent_changed` inside its own
transaction, so a state is in the history exactly when it is in the record: a change that is
rolled back takes its row with it. The actions already record an audit event for the change
itself; the row is the change's consequence, like the stored assessment, and needs none of its
own. A bulk insert (generate.py) makes its rows with `consent_event` and inserts them with the
rest.
"""

from __future__ import annotations

from mutuality.web.relationships.models import AffectedParty, ConsentEvent, Participant

Party = Participant | AffectedParty
State = tuple[str, int | None]


def state(party: Party) -> State:
    """The consent as it stands on the row (not yet saved, perhaps), and the contract version
    it was given for (affected parties have none)."""
    version = party.consent_version if isinstance(party, Participant) else None
    return party.consent, version


def consent_event(party: Party) -> ConsentEvent:
    """An unsaved row for the party's consent as it stands: for a bulk insert."""
    consent, version = state(party)
    if isinstance(party, Participant):
        return ConsentEvent(
            relationship=party.relationship,
            participant=party,
            consent=consent,
            contract_version=version,
        )
    return ConsentEvent(relationship=party.relationship, affected_party=party, consent=consent)


def consent_changed(party: Party, before: State | None = None) -> ConsentEvent | None:
    """Record the party's consent as it now stands (the party saved already), unless it is
    what it was (`before`, from `state` before the change; None for a party just created).
    Call it inside the transaction that changed it."""
    if before is not None and before == state(party):
        return None
    event = consent_event(party)
    event.save()
    return event
