"""Outcome evidence: instruments as data, scoring, individual and group change.

Instruments are defined as data (:class:`InstrumentDefinition`, the YAML format
of docs/case-format.md, "Instrument definitions"), built into runtime :class:`Instrument` objects, and
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
    ResponseOptionDefinition,
    Scoring,
    TextLicence,
)
from mutuality.outcomes._fhir import fhir_bundle
from mutuality.outcomes._group import (
    GroupChange,
    Proportion,
    ProportionName,
    ScorePair,
    group_change,
)
from mutuality.outcomes._instrument import (
    Band,
    Cutoff,
    FixedCutoff,
    FixedThreshold,
    Instrument,
    ItemText,
    JacobsonTruax,
    NormativeCutoff,
    ReliableChangeRule,
    ResponseOption,
)
from mutuality.outcomes._paired import PairedOutcome, PairedRates, paired_outcome, paired_rates
from mutuality.outcomes._plot import trajectories_svg
from mutuality.outcomes._questionnaire import ORGANISATION_NOTE, credit_lines, questionnaire_lines
from mutuality.outcomes._registry import (
    build_instruments,
    load_instrument_file,
    resolve_series,
    shipped_instruments,
)
from mutuality.outcomes._report import OutcomesReport, PersonChange, outcomes_report
from mutuality.outcomes._scores_csv import PersonSeries, ScoresFileError, read_scores_csv
from mutuality.outcomes._scoring import (
    ItemScore,
    safety_answers,
    score_item_series,
    score_items,
    score_responses,
)
from mutuality.outcomes._stats import mean, mean_ci95, sd, t_quantile, wilson_interval
from mutuality.outcomes._text import TEXT_DIRECTORY_VARIABLE, item_text, read_item_text
from mutuality.outcomes.exceptions import OutcomesError, ScoringError

__all__ = [
    "MEDIUM_TERM_DAYS",
    "ORGANISATION_NOTE",
    "SHORT_TERM_DAYS",
    "TEXT_DIRECTORY_VARIABLE",
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
    "GroupChange",
    "HorizonName",
    "Horizons",
    "Instrument",
    "InstrumentDefinition",
    "ItemScore",
    "ItemSeriesDefinition",
    "ItemText",
    "JacobsonTruax",
    "NormativeCutoff",
    "OutcomesError",
    "OutcomesReport",
    "PairedOutcome",
    "PairedRates",
    "PersonChange",
    "PersonSeries",
    "Proportion",
    "ProportionName",
    "ReliableChangeRule",
    "ResponseOption",
    "ResponseOptionDefinition",
    "ScorePair",
    "ScoresFileError",
    "Scoring",
    "ScoringError",
    "SeriesChange",
    "Side",
    "TextLicence",
    "band",
    "build_instruments",
    "category",
    "classify_change",
    "classify_series",
    "credit_lines",
    "criterion_a",
    "criterion_b",
    "criterion_c",
    "fhir_bundle",
    "group_change",
    "item_text",
    "load_instrument_file",
    "mean",
    "mean_ci95",
    "outcomes_report",
    "paired_outcome",
    "paired_rates",
    "questionnaire_lines",
    "rci",
    "read_item_text",
    "read_scores_csv",
    "reliable_change_threshold",
    "resolve_series",
    "safety_answers",
    "score_item_series",
    "score_items",
    "score_responses",
    "sd",
    "shipped_instruments",
    "side",
    "t_quantile",
    "trajectories_svg",
    "wilson_interval",
]
