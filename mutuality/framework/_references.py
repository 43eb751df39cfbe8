"""Checks that span fields: ids that must resolve, fields that depend on others."""

from __future__ import annotations

from collections.abc import Iterator

from ._model import Case
from ._series import case_instruments, outcome_series
from .exceptions import Problem


def check_references(case: Case) -> list[Problem]:
    """Every cross-field problem in a case that is valid field by field."""
    problems = [
        *_participants(case),
        *_started(case),
        *_affected_parties(case),
        *_contract(case),
        *_disclosures(case),
        *_outcome_plan(case),
        *_record_ids(case),
    ]
    problems.extend(outcome_series(case)[1])
    return problems


def _participants(case: Case) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, participant in enumerate(case.participants):
        path = f"participants[{index}]"
        if participant.id in seen:
            yield Problem(
                f"{path}.id",
                f"got {participant.id!r}, which another participant "
                "already uses; expected a unique id",
            )
        seen.add(participant.id)
        if participant.role == "professional":
            for name in ("vulnerability", "can_decline_freely"):
                if getattr(participant, name) is not None:
                    yield Problem(
                        f"{path}.{name}",
                        "applies to recipients only; remove it from this professional",
                    )
    for role in ("professional", "recipient"):
        if not any(p.role == role for p in case.participants):
            yield Problem("participants", f"expected at least one participant with role {role}")


def _started(case: Case) -> Iterator[Problem]:
    if case.is_running and case.started is None:
        yield Problem("started", f"required when stage is {case.stage}: the date the work began")


def _affected_parties(case: Case) -> Iterator[Problem]:
    for index, party in enumerate(case.affected_parties or []):
        if party.consent == "not_needed" and party.reason is None:
            yield Problem(
                f"affected_parties[{index}].reason",
                "required when consent is not_needed: say why it is not needed",
            )


def _contract(case: Case) -> Iterator[Problem]:
    contract = case.contract
    if contract is None:
        return
    ids = [(f"contract.agreed_by[{i}]", pid) for i, pid in enumerate(contract.agreed_by)]
    ids += [
        (f"contract.communicated_to[{i}]", pid) for i, pid in enumerate(contract.communicated_to)
    ]
    ids += [(f"contract.payments[{i}].to", p.to) for i, p in enumerate(contract.payments)]
    ids += [
        (f"contract.costs_and_benefits[{i}].party", c.party)
        for i, c in enumerate(contract.costs_and_benefits)
    ]
    for path, participant_id in ids:
        yield from _known_participant(case, path, participant_id)


def _disclosures(case: Case) -> Iterator[Problem]:
    for index, disclosure in enumerate(case.disclosures):
        yield from _known_participant(case, f"disclosures[{index}].by", disclosure.by)


def _known_participant(case: Case, path: str, participant_id: str) -> Iterator[Problem]:
    if case.participant(participant_id) is None:
        known = ", ".join(p.id for p in case.participants)
        yield Problem(path, f"got {participant_id!r}; expected a participant id ({known})")


def _outcome_plan(case: Case) -> Iterator[Problem]:
    instruments, _ = case_instruments(case)
    for index, instrument_id in enumerate(case.approach.outcome_plan):
        base = instrument_id.split(".", 1)[0]
        if instrument_id not in instruments and base not in instruments:
            known = ", ".join(sorted(instruments))
            yield Problem(
                f"approach.outcome_plan[{index}]",
                f"got {instrument_id!r}; expected a known instrument ({known}) "
                "or one defined under `instruments`",
            )


def _records(case: Case) -> Iterator[tuple[str, str | None]]:
    """Every record that may carry an id, as (path, id)."""
    for index, party in enumerate(case.affected_parties or []):
        yield f"affected_parties[{index}]", party.id
    for name in ("disclosures", "observations", "consultations"):
        for index, record in enumerate(getattr(case, name)):
            yield f"{name}[{index}]", record.id
    for index, series in enumerate(case.outcomes):
        yield f"outcomes[{index}]", series.id
        for number, score in enumerate(series.scores):
            yield f"outcomes[{index}].scores[{number}]", score.id


def _record_ids(case: Case) -> Iterator[Problem]:
    # An id names one record: a file that gave two records one id could change both by it.
    first_use: dict[str, str] = {}
    for path, record_id in _records(case):
        if record_id is None:
            continue
        if record_id in first_use:
            yield Problem(
                f"{path}.id",
                f"got {record_id!r}, which {first_use[record_id]} already uses; expected an id "
                "used by one record only (leave it out to add a new record)",
            )
        else:
            first_use[record_id] = path
