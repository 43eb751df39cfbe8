"""The records of an uploaded case file: affected parties, disclosures, observations,
consultations, outcome series and scores, each matched to a record here by its id (or, without
one, by what the uploader can see), then changed, kept or added within the uploader's reach.
The rules are in case_merge.py's docstring and docs/adr/0005-upload-within-reach.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.db import models
from django.utils.translation import gettext

from mutuality.web.access import (
    file_reach,
    questionnaire_people,
    speaks_for,
)
from mutuality.web.outbox import events
from mutuality.web.relationships.actions import Refused
from mutuality.web.relationships.case_io import (
    affected_party_data,
    affected_party_fields,
    consultation_data,
    disclosure_data,
    observation_data,
    observation_fields,
    score_data,
    score_fields,
    series_data,
)
from mutuality.web.relationships.consent_history import consent_changed, state
from mutuality.web.relationships.models import (
    AffectedParty,
    Consultation,
    Disclosure,
    Observation,
    OutcomeSeries,
    Participant,
    Relationship,
    Score,
)


class MergeRefused(Refused):
    """The file cannot be brought in as it is; nothing is saved."""


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


class RecordsMixin:
    """Matching, changing and adding the records of a case file (the rules in case_merge.py's
    docstring). Mixed into case_merge's `_Merge`, whose fields these are."""

    relationship: Relationship
    uploader: Any
    data: dict[str, Any]
    shown: dict[str, Any]
    notes: list[str]
    changes: list[dict[str, Any]]
    people: dict[str, Participant]

    @cached_property
    def reaches(self) -> Callable[[Any], bool]:
        """Whether the file may change a record (access.file_reach), decided once."""
        return file_reach(self.uploader, self.relationship)

    def records(self) -> None:
        r = self.relationship
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
                observation_data,
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
            mine = self.reaches(record)
            if mine and all(plain.get(k) == seen[record.pk].get(k) for k in kind.key):
                return record
        return None

    def _change(self, kind: _Kind, record: Any, entry: dict[str, Any], index: int) -> None:
        if self.reaches(record):
            self._changed(kind.name, record.uid, kind.change(record, entry, index))
        else:
            self.notes.append(
                gettext(
                    "In the file, %(path)s differs from what is recorded here, but it was "
                    "recorded by someone else, so it was kept as it is here."
                )
                % {"path": f"{kind.name}[{index}]"}
            )

    def _changed(self, kind: str, record_id: str, fields: list[str]) -> None:
        if fields:
            self.changes.append({"changed": kind, "id": record_id, "fields": fields})

    def _change_affected_party(
        self, party: AffectedParty, a: dict[str, Any], index: int
    ) -> list[str]:
        was = state(party)
        changed = update_changed(party, affected_party_fields(a, index))
        consent_changed(party, was)
        return changed

    def _add_affected_party(self, a: dict[str, Any], index: int, path: str) -> AffectedParty:
        party = AffectedParty.objects.create(
            relationship=self.relationship, **affected_party_fields(a, index)
        )
        consent_changed(party)
        return party

    def _change_disclosure(
        self, disclosure: Disclosure, d: dict[str, Any], index: int
    ) -> list[str]:
        if self.people[d["by"]].pk != disclosure.by_id:
            self.notes.append(
                gettext(
                    "In the file, %(path)s names another person; a disclosure stays with the "
                    "person who made it."
                )
                % {"path": f"disclosures[{index}]"}
            )
        fields = {"date": d["date"], "about": d["about"], "rationale": d["rationale"]}
        return update_changed(disclosure, fields)

    def _add_disclosure(self, d: dict[str, Any], index: int, path: str) -> Disclosure:
        person = self.people[d["by"]]
        if not speaks_for(self.uploader, person):
            raise MergeRefused(
                gettext(
                    "In the case file, %(path)s: got %(value)s; a file can add only your own "
                    "disclosures (each person records what they shared about themselves)."
                )
                % {"path": f"{path}.by", "value": repr(d["by"])}
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
        return update_changed(observation, fields)

    def _add_observation(self, o: dict[str, Any], index: int, path: str) -> Observation:
        observation = Observation.objects.create(
            relationship=self.relationship, raised_by=self.uploader, **observation_fields(o)
        )
        events.worry_raised(self.relationship, key=observation.uid, by=self.uploader)
        return observation

    def _change_consultation(self, c: Consultation, entry: dict[str, Any], index: int) -> list[str]:
        fields = {"date": entry["date"], "with_whom": entry["with"], "outcome": entry["outcome"]}
        return update_changed(c, fields)

    def _add_consultation(self, c: dict[str, Any], index: int, path: str) -> Consultation:
        return Consultation.objects.create(
            relationship=self.relationship,
            date=c["date"],
            with_whom=c["with"],
            outcome=c["outcome"],
            recorded_by=self.uploader,
        )

    def _change_series(self, series: OutcomeSeries, s: dict[str, Any], index: int) -> list[str]:
        raise AssertionError("file_reach never lets a file change a series")

    def _add_series(self, s: dict[str, Any], index: int, path: str) -> OutcomeSeries:
        # Whether the uploader may score this person is checked with its scores (`_scores`):
        # a new series has at least one, and a refusal there saves nothing.
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
                gettext(
                    "In the case file, %(path)s: got %(value)s; a file can add wellbeing scores "
                    "only for the people whose questionnaires you fill in here."
                )
                % {"path": path, "value": repr(slug)}
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
        raise AssertionError("file_reach never lets a file change a score")

    def _add_score(self, x: dict[str, Any], index: int, path: str) -> None:
        raise AssertionError("scores are added together, by _scores")


def _unknown_id(path: str, record_id: str) -> str:
    # One wording whether the id is made up, another relationship's, or hidden from the
    # uploader, so that a refusal never tells which.
    return gettext(
        "In the case file, %(path)s: got %(value)s, which is not the id of a record in this "
        "relationship's case file. Use the ids from this relationship's own download, or leave "
        "the id out to add a new record."
    ) % {"path": path, "value": repr(record_id)}


def update_changed(record: models.Model, fields: dict[str, Any]) -> list[str]:
    """Save the fields that differ (an upload that changes nothing writes nothing); return
    their names."""
    changed = [name for name, value in fields.items() if getattr(record, name) != value]
    for name in changed:
        setattr(record, name, fields[name])
    if changed:
        record.save(update_fields=changed)
    return changed
