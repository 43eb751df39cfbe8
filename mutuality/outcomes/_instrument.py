"""The runtime form of an instrument, built once from its definition.

A definition mirrors what a person writes; an :class:`Instrument` says what the
statistics need, with each choice (fixed or computed reliable change, fixed or
computed cut-off) made explicit as its own type.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from mutuality.outcomes._definition import (
    BandDefinition,
    InstrumentDefinition,
    ItemSeriesDefinition,
    ResponseOptionDefinition,
    Scoring,
    TextLicence,
)


@dataclass(frozen=True)
class FixedThreshold:
    """Reliable change as a fixed number of points; a change of exactly ``points`` counts."""

    points: float


@dataclass(frozen=True)
class JacobsonTruax:
    """Reliable change computed from a reference sample (Jacobson & Truax 1991)."""

    sd: float
    reliability: float


ReliableChangeRule = FixedThreshold | JacobsonTruax


@dataclass(frozen=True)
class FixedCutoff:
    """A caseness cut-off: ``score`` is the first score on the clinical side."""

    score: float


@dataclass(frozen=True)
class NormativeCutoff:
    """The norms of a clinical and a normal population, which give criterion c."""

    clinical_mean: float
    clinical_sd: float
    normal_mean: float
    normal_sd: float


Cutoff = FixedCutoff | NormativeCutoff


@dataclass(frozen=True)
class Band:
    """A named band of scores, from ``low`` to ``high`` inclusive."""

    low: float
    high: float
    label: str

    def contains(self, score: float) -> bool:
        """Whether ``score`` falls inside this band."""
        return self.low <= score <= self.high


@dataclass(frozen=True)
class ResponseOption:
    """A response a person may give to an item, and the words shown for it."""

    value: int
    label: str


@dataclass(frozen=True)
class ItemText:
    """The words of an instrument as a person sees them, with the credit they need.

    ``items`` holds one statement per item (none for goal-based outcomes, whose
    goals are the person's own words). ``attribution`` is shown wherever the
    items are shown; ``supplied_by`` says whether the words ship with
    Mutuality or come from the organisation's own licensed copy.
    """

    stem: str | None
    items: tuple[str, ...]
    options: tuple[ResponseOption, ...]
    attribution: str
    licence: str | None = None
    supplied_by: Literal["mutuality", "organisation"] = "mutuality"


@dataclass(frozen=True)
class Instrument:
    """An outcome instrument, ready for scoring and change classification.

    For a ``per_item`` instrument, ``item_series`` holds one instrument per
    item, with the id ``<parent>.<item>`` (for example ``ons4.anxious``).
    ``reversed_items`` are 1-based; ``conversion`` pairs each raw total with
    the score reported for it; ``text`` is the wording shipped with Mutuality,
    None where there is none or its licence leaves it to the organisation.
    """

    id: str
    name: str
    low: float
    high: float
    higher_is_better: bool
    reliable_change: ReliableChangeRule | None = None
    cutoff: Cutoff | None = None
    bands: tuple[Band, ...] = ()
    scoring: Scoring = "sum"
    items: int | None = None
    item_range: tuple[int, int] | None = None
    item_series: tuple[Instrument, ...] = ()
    version: str | None = None
    licence: str | None = None
    attribution: str | None = None
    reversed_items: tuple[int, ...] = ()
    safety_items: tuple[int, ...] = ()
    max_missing: int = 0
    prorate: bool = False
    conversion: tuple[tuple[int, float], ...] = ()
    text_licence: TextLicence = "shipped"
    text: ItemText | None = None

    @classmethod
    def from_definition(cls, definition: InstrumentDefinition) -> Instrument:
        """Build the runtime instrument from a validated definition."""
        low, high = definition.range
        return cls(
            id=definition.id,
            name=definition.name,
            low=low,
            high=high,
            higher_is_better=definition.higher_is == "better",
            reliable_change=_reliable_change_rule(definition),
            cutoff=_cutoff(definition),
            bands=_bands(definition.bands),
            scoring=definition.scoring,
            items=definition.items,
            item_range=definition.item_range,
            item_series=tuple(_series(definition, s) for s in definition.item_series),
            version=definition.version,
            licence=definition.licence,
            attribution=definition.attribution,
            reversed_items=definition.reversed_items,
            safety_items=definition.safety_items,
            max_missing=definition.max_missing,
            prorate=definition.prorate,
            conversion=tuple(sorted((definition.conversion or {}).items())),
            text_licence=definition.text_licence,
            text=_shipped_text(definition),
        )

    def in_range(self, score: float) -> bool:
        """Whether ``score`` lies within the instrument's range, ends included."""
        return self.low <= score <= self.high


def response_options(options: Iterable[ResponseOptionDefinition]) -> tuple[ResponseOption, ...]:
    """The runtime form of validated response options."""
    return tuple(ResponseOption(o.value, o.label) for o in options)


def _shipped_text(d: InstrumentDefinition) -> ItemText | None:
    # Validation guarantees an attribution wherever there is text to show, and
    # no text at all for an instrument whose wording the organisation supplies.
    if not (d.stem or d.item_text or d.response_options) or d.attribution is None:
        return None
    return ItemText(
        stem=d.stem,
        items=d.item_text,
        options=response_options(d.response_options),
        attribution=d.attribution,
        licence=d.licence,
    )


def _reliable_change_rule(d: InstrumentDefinition) -> ReliableChangeRule | None:
    if d.reliable_change is not None:
        return FixedThreshold(d.reliable_change)
    if d.sd is not None and d.reliability is not None:
        return JacobsonTruax(sd=d.sd, reliability=d.reliability)
    return None


def _cutoff(d: InstrumentDefinition) -> Cutoff | None:
    if d.cutoff is not None:
        return FixedCutoff(d.cutoff)
    if (
        d.clinical_mean is None
        or d.clinical_sd is None
        or d.normal_mean is None
        or d.normal_sd is None
    ):
        return None
    return NormativeCutoff(d.clinical_mean, d.clinical_sd, d.normal_mean, d.normal_sd)


def _bands(bands: tuple[BandDefinition, ...]) -> tuple[Band, ...]:
    return tuple(Band(b.low, b.high, b.label) for b in bands)


def _series(parent: InstrumentDefinition, series: ItemSeriesDefinition) -> Instrument:
    # An item series shares its parent's range and provenance but has its own
    # direction and bands, and (as with the ONS4 items) no reliable change.
    low, high = parent.range
    return Instrument(
        id=f"{parent.id}.{series.id}",
        name=f"{parent.name}: {series.name}",
        low=low,
        high=high,
        higher_is_better=series.higher_is == "better",
        bands=_bands(series.bands),
        version=parent.version,
        licence=parent.licence,
        attribution=parent.attribution,
    )
