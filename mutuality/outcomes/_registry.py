"""Finding instruments: the shipped ones, an organisation's own, and series ids."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from importlib import resources
from importlib.resources.abc import Traversable
from types import MappingProxyType

import yaml

from mutuality.outcomes._definition import InstrumentDefinition
from mutuality.outcomes._instrument import Instrument
from mutuality.outcomes.exceptions import OutcomesError


@functools.cache
def shipped_instruments() -> Mapping[str, Instrument]:
    """The instruments shipped with Mutuality, by id (read once, then cached).

    Returns:
        A read-only mapping, so that no caller can change what others see.
    """
    definitions = (_read_definition(file) for file in _shipped_files())
    return MappingProxyType({d.id: Instrument.from_definition(d) for d in definitions})


def _shipped_files() -> list[Traversable]:
    folder = resources.files("mutuality.outcomes").joinpath("instruments")
    return sorted((f for f in folder.iterdir() if f.name.endswith(".yaml")), key=lambda f: f.name)


def _read_definition(file: Traversable) -> InstrumentDefinition:
    # Shipped files go through the same model as an organisation's own, so a
    # shipped instrument has no powers that a custom one lacks.
    return InstrumentDefinition.model_validate(yaml.safe_load(file.read_text(encoding="utf-8")))


def build_instruments(definitions: Iterable[InstrumentDefinition]) -> dict[str, Instrument]:
    """The shipped instruments plus custom ones, by id.

    Args:
        definitions: Custom instrument definitions, such as a case file's
            ``instruments`` list.

    Raises:
        OutcomesError: A custom id is a shipped id, or is used twice.
    """
    shipped = shipped_instruments()
    instruments = dict(shipped)
    for definition in definitions:
        if definition.id in instruments:
            raise OutcomesError(_collision_message(definition.id, shipped))
        instruments[definition.id] = Instrument.from_definition(definition)
    return instruments


def _collision_message(instrument_id: str, shipped: Mapping[str, Instrument]) -> str:
    if instrument_id in shipped:
        return (
            f"instrument {instrument_id!r} is shipped with Mutuality; "
            "use the shipped one, or give yours a different id"
        )
    return f"instrument {instrument_id!r} is defined twice; give each instrument its own id"


def resolve_series(series_id: str, instruments: Mapping[str, Instrument]) -> Instrument | None:
    """The instrument that scores a series, or None when there is none.

    ``phq9`` names an instrument; ``ons4.anxious`` names one item series of a
    per-item instrument; ``gbo.1`` names one goal of a per-goal instrument,
    which every goal shares.
    """
    if series_id in instruments:
        return instruments[series_id]
    parent_id, dot, part = series_id.partition(".")
    parent = instruments.get(parent_id)
    if parent is None or not dot:
        return None
    if parent.scoring == "per_goal":
        return parent if _is_goal_number(part) else None
    return next((s for s in parent.item_series if s.id == series_id), None)


def _is_goal_number(text: str) -> bool:
    # isdigit alone would accept digits such as "²", which int() rejects.
    return text.isascii() and text.isdigit() and int(text) >= 1
