"""The ethics engine: read a co-productive relationship, assess it principle by principle.

Pure Python; it never imports Django. The web app and the command line call the
same `assess()`.
"""

from ._assessment import FORMAT, Assessment, Recommendation, Status
from ._catalogue import catalogue_markdown
from ._engine import assess, assess_over_time
from ._facts import Divergence, Outcome
from ._findings import PRINCIPLES, SEVERITIES, Finding, Principle, Rule, Severity, registered_rules
from ._loading import MAX_FILE_BYTES
from ._model import Case
from ._policy import DEFAULT_POLICY, LEVELS, Policy, load_policy, policy_from_data
from ._questions import QUESTIONS, QUESTIONS_BY_ID, ROLES, Question
from ._render import (
    CHANGE_WORDS,
    EXPLANATIONS,
    HEADLINES,
    SEVERITY_WORDS,
    STATUS_WORDS,
    render_json,
    render_markdown,
    render_text,
)
from ._schema import case_schema
from ._scrutiny import Scrutiny
from ._series import case_instruments, person_series
from ._types import parse_iso_date
from ._validation import load_case, parse_case, validate_case
from ._vocabulary import VOCABULARY, Term, Words, spoken_date
from .exceptions import CaseError, FrameworkError, PolicyError, Problem

__all__ = [
    "CHANGE_WORDS",
    "DEFAULT_POLICY",
    "EXPLANATIONS",
    "FORMAT",
    "HEADLINES",
    "LEVELS",
    "MAX_FILE_BYTES",
    "PRINCIPLES",
    "QUESTIONS",
    "QUESTIONS_BY_ID",
    "ROLES",
    "SEVERITIES",
    "SEVERITY_WORDS",
    "STATUS_WORDS",
    "VOCABULARY",
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
    "Term",
    "Words",
    "assess",
    "assess_over_time",
    "case_instruments",
    "case_schema",
    "catalogue_markdown",
    "load_case",
    "load_policy",
    "parse_case",
    "parse_iso_date",
    "person_series",
    "policy_from_data",
    "registered_rules",
    "render_json",
    "render_markdown",
    "render_text",
    "spoken_date",
    "validate_case",
]
