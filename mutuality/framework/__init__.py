"""The ethics engine: read a co-productive relationship, assess it principle by principle.

Pure Python; it never imports Django. The web app and the command line call the
same `assess()`.
"""

from ._assessment import FORMAT, Assessment, Recommendation, Status
from ._engine import assess, assess_over_time
from ._facts import Divergence, Outcome
from ._findings import PRINCIPLES, SEVERITIES, Finding, Principle, Rule, Severity, registered_rules
from ._loading import MAX_FILE_BYTES
from ._model import Case
from ._policy import DEFAULT_POLICY, LEVELS, Policy, load_policy, policy_from_data
from ._questions import QUESTIONS, QUESTIONS_BY_ID, Question
from ._schema import case_schema
from ._scrutiny import Scrutiny
from ._series import case_instruments, person_series
from ._validation import load_case, parse_case, validate_case
from .exceptions import CaseError, FrameworkError, PolicyError, Problem

__all__ = [
    "DEFAULT_POLICY",
    "FORMAT",
    "LEVELS",
    "MAX_FILE_BYTES",
    "PRINCIPLES",
    "QUESTIONS",
    "QUESTIONS_BY_ID",
    "SEVERITIES",
    "Assessment",
    "Case",
    "CaseError",
    "Divergence",
    "Finding",
    "FrameworkError",
    "Outcome",
    "Policy",
    "PolicyError",
    "Principle",
    "Problem",
    "Question",
    "Recommendation",
    "Rule",
    "Scrutiny",
    "Severity",
    "Status",
    "assess",
    "assess_over_time",
    "case_instruments",
    "case_schema",
    "load_case",
    "load_policy",
    "parse_case",
    "person_series",
    "policy_from_data",
    "registered_rules",
    "validate_case",
]
