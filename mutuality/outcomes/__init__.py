"""Outcome evidence: instruments as data, scoring, and individual change.

Instruments are defined as data (:class:`InstrumentDefinition`, the YAML format
of outcomes.md section 3), built into runtime :class:`Instrument` objects, and
used to score item responses and to classify change from a first to a later
score. This package is pure Python: it never imports Django, the framework
core or the command line.
"""

from mutuality.outcomes._change import (
    MEDIUM_TERM_DAYS,
    SHORT_TERM_DAYS,
    Z_975,
    Category,
    Change,
    DatedScore,
    HorizonName,
    Horizons,
    SeriesChange,
    Side,
    band,
    category,
    classify_change,
    classify_series,
    criterion_a,
    criterion_b,
    criterion_c,
    rci,
    reliable_change_threshold,
    side,
)
from mutuality.outcomes._definition import (
    BandDefinition,
    Direction,
    InstrumentDefinition,
    ItemSeriesDefinition,
    Scoring,
)
from mutuality.outcomes._instrument import (
    Band,
    Cutoff,
    FixedCutoff,
    FixedThreshold,
    Instrument,
    JacobsonTruax,
    NormativeCutoff,
    ReliableChangeRule,
)
from mutuality.outcomes._registry import build_instruments, resolve_series, shipped_instruments
from mutuality.outcomes._scoring import score_item_series, score_items
from mutuality.outcomes.exceptions import OutcomesError, ScoringError

__all__ = [
    "MEDIUM_TERM_DAYS",
    "SHORT_TERM_DAYS",
    "Z_975",
    "Band",
    "BandDefinition",
    "Category",
    "Change",
    "Cutoff",
    "DatedScore",
    "Direction",
    "FixedCutoff",
    "FixedThreshold",
    "HorizonName",
    "Horizons",
    "Instrument",
    "InstrumentDefinition",
    "ItemSeriesDefinition",
    "JacobsonTruax",
    "NormativeCutoff",
    "OutcomesError",
    "ReliableChangeRule",
    "Scoring",
    "ScoringError",
    "SeriesChange",
    "Side",
    "band",
    "build_instruments",
    "category",
    "classify_change",
    "classify_series",
    "criterion_a",
    "criterion_b",
    "criterion_c",
    "rci",
    "reliable_change_threshold",
    "resolve_series",
    "score_item_series",
    "score_items",
    "shipped_instruments",
    "side",
]
