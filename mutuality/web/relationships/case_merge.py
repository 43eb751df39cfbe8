"""Bring an uploaded case file into an existing relationship, within the uploader's reach.

A case file downloaded, changed elsewhere and uploaded again updates the relationship's
details, but these promises hold whatever the file says (docs/adr/0004-case-file-upload.md and
docs/adr/0005-upload-within-reach.md):

- Nothing recorded is removed. People, affected parties, disclosures, observations,
  consultations and scores the file leaves out are kept; the notes say so.
- A file changes only what its uploader could change on the pages and wrote themselves
  (`access.may_change_by_file`). Anyone else's record is kept as it is here, whatever the file
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

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from mutuality.framework import Case
from mutuality.web.access import (
    may_change_by_file,
    may_read_private_notes,
    questionnaire_people,
    speaks_for,
)
from mutuality.web.relationships.actions import Refused
from mutuality.web.relationships.case_io import (
    affected_party_data,
    affected_party_fields,
    consultation_data,
    contract_fields,
    disclosure_data,
    observation_data,
    observation_fields,
    participant_fields,
    plain_case,
    relationship_fields,
    score_data,
    score_fields,
    series_data,
)
from mutuality.web.relationships.models import (
    AffectedParty,
    Consultation,
    ContractAgreement,
    ContractVersion,
    Disclosure,
    Observation,
    OutcomeSeries,
    Participant,
    Relationship,
    Score,
)

# What a person decides for themselves, and nobody else may set from a file.
_OWN_SAY = ("consent", "answers")
_NEW_PERSON = {"consent": "not_sought", "answers": {}}
_KEPT_DETAILS = {
    "as_of": "The date the assessment is for was kept as it is here (as_of).",
    "last_supervision": "The date of the last supervision was kept as the supervisor "
    "recorded it here.",
    "last_independent_review": "The date of the last independent review was kept as the "
    "supervisor recorded it here.",
}


class MergeRefused(Refused):
    """The file cannot be brought in as it is; nothing is saved."""


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


def _same(
    file_entry: dict[str, Any], seen: dict[str, Any], *, ignore: tuple[str, ...] = ()
) -> bool:
    """Whether a record in the file says exactly what the uploader sees of one here."""
    skip = {"id", *ignore}
    return {k: v for k, v in file_entry.items() if k not in skip} == {
        k: v for k, v in seen.items() if k not in skip
    }


@dataclass
class _Kind:
    """How one kind of record is matched, shown, changed and added."""

    name: str  # its list in the case format, and in the notes
    records: Callable[[], Iterator[models.Model]]
    seen: Callable[[Any], dict[str, Any]]
    key: tuple[str, ...]  # what matches a record without an id among the uploader's own
    change: Callable[[Any, dict[str, Any], int], list[str]]  # returns the fields changed
    add: Callable[[dict[str, Any], int, str], Any]  # returns the new record
    ignore: tuple[str, ...] = ()  # parts compared elsewhere (a series' scores)


@dataclass
class _Merge:
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
                    f"The file makes {entry['id']} a {entry['role']}, but here they are the "
                    f"{here}. A person's role cannot change by a file: check the file."
                )

    def details(self) -> None:
        """The relationship's own details, but for what others record here (see below)."""
        r = self.relationship
        fields = relationship_fields(self.data)
        for name in self._kept_details(fields):
            if fields[name] != getattr(r, name):
                self.notes.append(_KEPT_DETAILS[name])
            fields.pop(name)
        for name, value in fields.items():
            setattr(r, name, value)
        r.save()

    def _kept_details(self, fields: dict[str, Any]) -> Iterator[str]:
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
                self.changes.append({"added": "participants", "id": person.slug})
            else:
                if not speaks_for(self.uploader, person):
                    here = {name: getattr(person, name) for name in _OWN_SAY}
                    self._keep_own_say(person.slug, fields, here)
                self._changed("participants", person.slug, _update(person, fields))
            self.people[entry["id"]] = person
        left_out = sorted(set(existing) - set(self.people))
        if left_out:
            self.notes.append(f"The file leaves out {', '.join(left_out)}; they were kept.")
        self.people = {**existing, **self.people}

    def _keep_own_say(self, slug: str, fields: dict[str, Any], here: dict[str, Any]) -> None:
        kept = [name for name in _OWN_SAY if fields[name] != here[name]]
        fields.update(here)
        if kept:
            were = "were" if len(kept) > 1 else "was"
            self.notes.append(
                f"The file's {' and '.join(kept)} for {slug} {were} not used: only {slug} can "
                "give them, on their own login."
            )

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
            if number > 1:
                self.notes.append(f"The file changes the contract, so it is now version {number}.")
        agreed = set(latest.agreements.values_list("participant__slug", flat=True))
        for slug in dict.fromkeys(contract["agreed_by"]):
            person = self.people[slug]
            if slug in agreed:
                continue
            if speaks_for(self.uploader, person):
                ContractAgreement.objects.create(contract=latest, participant=person)
            else:
                self.notes.append(
                    f"{slug} agrees to the contract on their own login, not by a file."
                )

    # Records --------------------------------------------------------------------------------

    def records(self) -> None:
        r = self.relationship
        private = may_read_private_notes(self.uploader, r)
        kinds = [
            _Kind(
                "affected_parties",
                lambda: iter(r.affected_parties.all()),
                affected_party_data,
                ("name",),
                self._change_affected_party,
                self._add_affected_party,
            ),
            _Kind(
                "disclosures",
                lambda: iter(r.disclosures.select_related("by")),
                disclosure_data,
                ("by", "date", "about"),
                self._change_disclosure,
                self._add_disclosure,
            ),
            _Kind(
                "observations",
                lambda: iter(r.observations.all()),
                lambda o: observation_data(o, private_notes=private),
                ("date", "kind", "by"),
                self._change_observation,
                self._add_observation,
            ),
            _Kind(
                "consultations",
                lambda: iter(r.consultations.all()),
                consultation_data,
                ("date", "with", "outcome"),
                self._change_consultation,
                self._add_consultation,
            ),
            _Kind(
                "outcomes",
                lambda: iter(r.outcome_series.select_related("of")),
                lambda s: {k: v for k, v in series_data(s).items() if k != "scores"},
                ("of", "instrument", "goal"),
                self._change_series,
                self._add_series,
                ignore=("scores",),
            ),
        ]
        entries = {kind.name: self.data[kind.name] or [] for kind in kinds}
        shown = {kind.name: self.shown.get(kind.name) or [] for kind in kinds}
        matched = {
            kind.name: self._match(kind, entries[kind.name], shown[kind.name]) for kind in kinds
        }
        for kind in kinds:
            pairs = zip(entries[kind.name], shown[kind.name], matched[kind.name], strict=True)
            for index, (entry, plain, record) in enumerate(pairs):
                if record is None:
                    record = kind.add(entry, index, f"{kind.name}[{index}]")
                    self.changes.append({"added": kind.name, "id": record.uid})
                elif not _same(plain, kind.seen(record), ignore=kind.ignore):
                    self._change(kind, record, entry, index)
                if kind.name == "outcomes":
                    self._scores(entry, plain, index, record)

    def _match(
        self, kind: _Kind, entries: list[dict[str, Any]], shown: list[dict[str, Any]]
    ) -> list[Any]:
        """The record here each entry of the file is (None: a new one), by the rules above."""
        here = list(kind.records())
        seen = {record.pk: kind.seen(record) for record in here}
        by_id = {seen[record.pk]["id"]: record for record in here}
        taken: set[int] = set()
        found: list[Any] = []
        for index, (entry, plain) in enumerate(zip(entries, shown, strict=True)):
            if entry.get("id"):
                record = by_id.get(entry["id"])
                if record is None:
                    raise MergeRefused(_unknown_id(f"{kind.name}[{index}].id", entry["id"]))
            else:
                record = self._same_or_own(kind, here, seen, plain, taken)
            if record is not None:
                taken.add(record.pk)
            found.append(record)
        return found

    def _same_or_own(
        self,
        kind: _Kind,
        here: list[Any],
        seen: dict[int, dict[str, Any]],
        plain: dict[str, Any],
        taken: set[int],
    ) -> Any:
        free = [record for record in here if record.pk not in taken]
        for record in free:
            if _same(plain, seen[record.pk], ignore=kind.ignore):
                return record
        for record in free:
            mine = may_change_by_file(self.uploader, self.relationship, record)
            if mine and all(plain.get(k) == seen[record.pk].get(k) for k in kind.key):
                return record
        return None

    def _change(self, kind: _Kind, record: Any, entry: dict[str, Any], index: int) -> None:
        if may_change_by_file(self.uploader, self.relationship, record):
            self._changed(kind.name, record.uid, kind.change(record, entry, index))
        else:
            self.notes.append(
                f"In the file, {kind.name}[{index}] differs from what is recorded here, but it "
                "was recorded by someone else, so it was kept as it is here."
            )

    def _changed(self, kind: str, record_id: str, fields: list[str]) -> None:
        if fields:
            self.changes.append({"changed": kind, "id": record_id, "fields": fields})

    def _change_affected_party(
        self, party: AffectedParty, a: dict[str, Any], index: int
    ) -> list[str]:
        return _update(party, affected_party_fields(a, index))

    def _add_affected_party(self, a: dict[str, Any], index: int, path: str) -> AffectedParty:
        return AffectedParty.objects.create(
            relationship=self.relationship, **affected_party_fields(a, index)
        )

    def _change_disclosure(
        self, disclosure: Disclosure, d: dict[str, Any], index: int
    ) -> list[str]:
        if self.people[d["by"]].pk != disclosure.by_id:
            self.notes.append(
                f"In the file, disclosures[{index}] names another person; a disclosure stays "
                "with the person who made it."
            )
        fields = {"date": d["date"], "about": d["about"], "rationale": d["rationale"]}
        return _update(disclosure, fields)

    def _add_disclosure(self, d: dict[str, Any], index: int, path: str) -> Disclosure:
        person = self.people[d["by"]]
        if not speaks_for(self.uploader, person):
            raise MergeRefused(
                f"In the case file, {path}.by: got {d['by']!r}; a file can add only your own "
                "disclosures (each person records what they shared about themselves)."
            )
        return Disclosure.objects.create(
            relationship=self.relationship,
            by=person,
            date=d["date"],
            about=d["about"],
            rationale=d["rationale"],
        )

    def _change_observation(
        self, observation: Observation, o: dict[str, Any], index: int
    ) -> list[str]:
        fields = observation_fields(o)
        if not fields["note"]:
            fields.pop("note")  # a note the file leaves out is kept, not erased
        return _update(observation, fields)

    def _add_observation(self, o: dict[str, Any], index: int, path: str) -> Observation:
        return Observation.objects.create(
            relationship=self.relationship, raised_by=self.uploader, **observation_fields(o)
        )

    def _change_consultation(self, c: Consultation, entry: dict[str, Any], index: int) -> list[str]:
        fields = {"date": entry["date"], "with_whom": entry["with"], "outcome": entry["outcome"]}
        return _update(c, fields)

    def _add_consultation(self, c: dict[str, Any], index: int, path: str) -> Consultation:
        return Consultation.objects.create(
            relationship=self.relationship,
            date=c["date"],
            with_whom=c["with"],
            outcome=c["outcome"],
            recorded_by=self.uploader,
        )

    def _change_series(self, series: OutcomeSeries, s: dict[str, Any], index: int) -> list[str]:
        raise AssertionError("may_change_by_file never lets a file change a series")

    def _add_series(self, s: dict[str, Any], index: int, path: str) -> OutcomeSeries:
        self._may_score(s["of"], f"{path}.of")
        return OutcomeSeries.objects.create(
            relationship=self.relationship,
            of=self.people[s["of"]],
            instrument=s["instrument"],
            goal=s["goal"],
            position=self.relationship.outcome_series.count(),
        )

    def _may_score(self, slug: str, path: str) -> None:
        people = questionnaire_people(self.uploader, self.relationship)
        if not people.filter(pk=self.people[slug].pk).exists():
            raise MergeRefused(
                f"In the case file, {path}: got {slug!r}; a file can add wellbeing scores only "
                "for the people whose questionnaires you fill in here."
            )

    def _scores(
        self, s: dict[str, Any], plain: dict[str, Any], index: int, series: OutcomeSeries
    ) -> None:
        """Scores the series does not have yet are added; those it has are kept as they are."""
        kind = _Kind(
            f"outcomes[{index}].scores",
            lambda: iter(series.scores.all()),
            score_data,
            (),
            self._change_score,
            self._add_score,
        )
        matched = self._match(kind, s["scores"], plain["scores"])
        scores = zip(s["scores"], plain["scores"], matched, strict=True)
        new = []
        for number, (entry, shown, record) in enumerate(scores):
            if record is None:
                new.append(Score(series=series, **score_fields(entry)))
            elif not _same(shown, score_data(record)):
                self._change(kind, record, entry, number)
        if new:
            self._may_score(s["of"], f"outcomes[{index}].of")
            Score.objects.bulk_create(new)
            self.changes.extend({"added": "scores", "id": score.uid} for score in new)

    def _change_score(self, score: Score, x: dict[str, Any], index: int) -> list[str]:
        raise AssertionError("may_change_by_file never lets a file change a score")

    def _add_score(self, x: dict[str, Any], index: int, path: str) -> None:
        raise AssertionError("scores are added together, by _scores")


def _unknown_id(path: str, record_id: str) -> str:
    # One wording whether the id is made up, another relationship's, or hidden from the
    # uploader, so that a refusal never tells which.
    return (
        f"In the case file, {path}: got {record_id!r}, which is not the id of a record in this "
        "relationship's case file. Use the ids from this relationship's own download, or leave "
        "the id out to add a new record."
    )


def _update(record: models.Model, fields: dict[str, Any]) -> list[str]:
    """Save the fields that differ (an upload that changes nothing writes nothing); return
    their names."""
    changed = [name for name, value in fields.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, fields[name])
    if changed:
        record.save(update_fields=changed)
    return changed
