"""Bring an uploaded case file into an existing relationship, within the uploader's reach.

A case file downloaded, changed elsewhere and uploaded again updates the relationship's
details, but these promises hold whatever the file says (docs/adr/0004-case-file-upload.md and
docs/adr/0005-upload-within-reach.md):

- Nothing recorded is removed. People, affected parties, disclosures, observations,
  consultations and scores the file leaves out are kept; the notes say so.
- A file changes only what its uploader could change on the pages and wrote themselves
  (`access.file_reach`). Anyone else's record is kept as it is here, whatever the file
  says of it; a note says so, in words that reveal nothing the uploader cannot already see.
- Nobody speaks for another person: their consent, answers and agreement to the contract are
  what they gave on their own login (`access.speaks_for`).
- Records are matched by their id (every export carries one). An id that is not one of this
  relationship's records as the uploader sees them is refused, whether it is made up, from
  another relationship, or names something hidden from them: the refusal is the same. A record
  without an id (a file from before ids, or a new record) is the same record as one the
  uploader can see with exactly the same content, else matched among the uploader's own
  records by its date and kind (or name), else added as theirs. So re-uploading an older
  export changes nothing.
- A changed contract is a new version, which needs agreeing again like any other change.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mutuality.framework import Case
from mutuality.web.access import speaks_for
from mutuality.web.outbox import events
from mutuality.web.relationships.case_io import (
    contract_fields,
    participant_fields,
    plain_case,
    relationship_fields,
)
from mutuality.web.relationships.case_merge_records import (
    MergeRefused,
    RecordsMixin,
    update_changed,
)
from mutuality.web.relationships.consent_history import consent_changed, state
from mutuality.web.relationships.models import (
    ContractAgreement,
    ContractVersion,
    Participant,
    Relationship,
)

__all__ = ["MergeRefused", "Merged", "merge_case"]

# What a person decides for themselves, and nobody else may set from a file.
_OWN_SAY = ("consent", "answers")
_NEW_PERSON = {"consent": "not_sought", "answers": {}}
_KEPT_DETAILS = {
    "as_of": _("The date the assessment is for was kept as it is here (as_of)."),
    "last_supervision": _(
        "The date of the last supervision was kept as the supervisor recorded it here."
    ),
    "last_independent_review": _(
        "The date of the last independent review was kept as the supervisor recorded it here."
    ),
}
_OWN_SAY_KEPT = {
    ("consent",): _(
        "The file's consent for %(person)s was not used: only %(person)s can give them, on "
        "their own login."
    ),
    ("answers",): _(
        "The file's answers for %(person)s was not used: only %(person)s can give them, on "
        "their own login."
    ),
    ("consent", "answers"): _(
        "The file's consent and answers for %(person)s were not used: only %(person)s can give "
        "them, on their own login."
    ),
}
"""What a file said that only the person themselves may say (`_OWN_SAY`), a note for each
combination (the field names are the case format's, kept as they are)."""


@dataclass(frozen=True)
class Merged:
    """What an upload did: notes for the person, and for the audit trail which records it
    added or changed (kinds, ids and field names: never their content)."""

    notes: list[str]
    changes: list[dict[str, Any]]


def merge_case(relationship: Relationship, case: Case, uploader: Any) -> Merged:
    """Update the relationship from the case; say what was kept and what changed.

    Raises:
        MergeRefused: the file gives someone already here another role, names a record by an
            id that is not one of this relationship's, or adds a record for someone else.
    """
    merge = _Merge(relationship, uploader, plain_case(case), _shown(case))
    merge.check_roles()
    merge.details()
    merge.participants()
    merge.contract()
    merge.records()
    return Merged(merge.notes, merge.changes)


def _shown(case: Case) -> dict[str, Any]:
    # The file's records as plain data, for comparing with records as the uploader sees them.
    shown: dict[str, Any] = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    return shown


@dataclass
class _Merge(RecordsMixin):
    relationship: Relationship
    uploader: Any
    data: dict[str, Any]  # the file as Python values (dates as dates)
    shown: dict[str, Any]  # the file as plain JSON values, to compare with what is seen
    notes: list[str] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    people: dict[str, Participant] = field(default_factory=dict)

    # People and the contract -------------------------------------------------------------

    def check_roles(self) -> None:
        roles = dict(self.relationship.participants.values_list("slug", "role"))
        for entry in self.data["participants"]:
            here = roles.get(entry["id"])
            if here is not None and here != entry["role"]:
                raise MergeRefused(
                    gettext(
                        "The file makes %(person)s a %(role)s, but here they are the %(here)s. "
                        "A person's role cannot change by a file: check the file."
                    )
                    % {"person": entry["id"], "role": entry["role"], "here": here}
                )

    def details(self) -> None:
        """The relationship's own details, but for what others record here (see below)."""
        r = self.relationship
        fields = relationship_fields(self.data)
        for name in self._kept_details():
            if fields[name] != getattr(r, name):
                self.notes.append(str(_KEPT_DETAILS[name]))
            fields.pop(name)
        for name, value in fields.items():
            setattr(r, name, value)
        r.save()

    def _kept_details(self) -> Iterator[str]:
        # The date an assessment is for is today's for a relationship kept here (an imported
        # one keeps its file's date), so that nothing falls due unseen because a file said so.
        yield "as_of"
        # The supervisor's records set these dates; a file cannot move them once there are any.
        r = self.relationship
        if r.supervision_records.exists():
            yield "last_supervision"
        if r.review_records.filter(kind="independent").exists():
            yield "last_independent_review"

    def participants(self) -> None:
        existing = {p.slug: p for p in self.relationship.participants.all()}
        for position, entry in enumerate(self.data["participants"]):
            fields = {**participant_fields(entry), "position": position}
            person = existing.get(entry["id"])
            if person is None:
                self._keep_own_say(entry["id"], fields, _NEW_PERSON)
                person = Participant.objects.create(relationship=self.relationship, **fields)
                consent_changed(person)
                self.changes.append({"added": "participants", "id": person.slug})
            else:
                if not speaks_for(self.uploader, person):
                    here = {name: getattr(person, name) for name in _OWN_SAY}
                    self._keep_own_say(person.slug, fields, here)
                was = state(person)
                self._changed("participants", person.slug, update_changed(person, fields))
                consent_changed(person, was)
            self.people[entry["id"]] = person
        left_out = sorted(set(existing) - set(self.people))
        if left_out:
            self.notes.append(
                gettext("The file leaves out %(people)s; they were kept.")
                % {"people": ", ".join(left_out)}  # their ids, as the file names them
            )
        self.people = {**existing, **self.people}

    def _keep_own_say(self, slug: str, fields: dict[str, Any], here: dict[str, Any]) -> None:
        kept = [name for name in _OWN_SAY if fields[name] != here[name]]
        fields.update(here)
        if kept:
            self.notes.append(str(_OWN_SAY_KEPT[tuple(kept)]) % {"person": slug})

    def contract(self) -> None:
        contract = self.data["contract"]
        if contract is None:
            return
        r = self.relationship
        latest = r.contract_versions.first()
        fields = contract_fields(contract)
        if latest is None or any(getattr(latest, k) != v for k, v in fields.items()):
            number = 1 if latest is None else latest.version + 1
            latest = ContractVersion.objects.create(relationship=r, version=number, **fields)
            events.contract_waiting(latest, by=self.uploader)
            if number > 1:
                self.notes.append(
                    gettext("The file changes the contract, so it is now version %(number)d.")
                    % {"number": number}
                )
        agreed = set(latest.agreements.values_list("participant__slug", flat=True))
        if latest.declined_at is not None:
            if set(contract["agreed_by"]) - agreed:
                self.notes.append(
                    gettext(
                        "Version %(number)d of the contract was declined, so nobody can agree "
                        "to it now. Propose a new version on the contract page."
                    )
                    % {"number": latest.version}
                )
            return
        for slug in dict.fromkeys(contract["agreed_by"]):
            person = self.people[slug]
            if slug in agreed:
                continue
            if speaks_for(self.uploader, person):
                ContractAgreement.objects.create(contract=latest, participant=person)
            else:
                self.notes.append(
                    gettext("%(person)s agrees to the contract on their own login, not by a file.")
                    % {"person": slug}
                )
