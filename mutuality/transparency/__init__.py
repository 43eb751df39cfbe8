"""The public transparency report (pure Python; never imports Django).

An organisation's true counts (`OrganisationData`) become a `Report` in which every figure
has been through statistical disclosure control (`_sdc.py`, docs/transparency.md); the
report renders as JSON and CSV here, and as a page in the web app.
"""

from __future__ import annotations

from ._build import STAGES, WITHDRAWN, build_report
from ._data import CHANGES, Change, OrganisationData, OutcomeChange
from ._model import FORMAT, Figure, Report, Row, Section, Table, report_from_dict
from ._render import CSV_COLUMNS, to_csv, to_json
from ._sdc import RULES, SMALLEST_SHOWN, Breakdown, average, breakdown, count, rate
from ._translate import translated

__all__ = [
    "CHANGES",
    "CSV_COLUMNS",
    "FORMAT",
    "RULES",
    "SMALLEST_SHOWN",
    "STAGES",
    "WITHDRAWN",
    "Breakdown",
    "Change",
    "Figure",
    "OrganisationData",
    "OutcomeChange",
    "Report",
    "Row",
    "Section",
    "Table",
    "average",
    "breakdown",
    "build_report",
    "count",
    "rate",
    "report_from_dict",
    "to_csv",
    "to_json",
    "translated",
]
