"""The ethics engine: read a co-productive relationship, assess it principle by principle.

Pure Python; it never imports Django. The web app and the command line call the
same `assess()`.
"""

from ._assessment import FORMAT, Assessment, Recommendation, Status, finding_from_dict
from ._catalogue import catalogue_markdown
from ._engine import assess, assess_over_time
from ._facts import Divergence, Outcome
from ._findings import (
    PRINCIPLES,
    SEVERITIES,
    Finding,
    Principle,
    Rule,
    Severity,
    registered_rules,
    speak,
)
from ._loading import MAX_FILE_BYTES
from ._model import Case
from ._policy import DEFAULT_POLICY, LEVELS, Policy, load_policy, policy_from_data
from ._questions import QUESTIONS, QUESTIONS_BY_ID, ROLES, Question
from ._render import (
    CHANGE_WORDS,
    EXPLANATIONS,
    HEADLINES,
    NOT_READY,
    NOT_READY_WHEN,
    SEVERITY_WORDS,
    STATUS_WORDS,
    headline,
    render_json,
    render_markdown,
    render_text,
)
from ._schema import case_schema
from ._scrutiny import Reason, Scrutiny, scrutiny_reasons
from ._series import case_instruments, person_series
from ._translation import TranslatedWords, gettext_noop, translated, use_translation
from ._types import english_date, parse_iso_date
from ._validation import load_case, parse_case, validate_case
from ._vocabulary import VOCABULARY, Term, Words, spoken_date
from ._wording import (
    SUPERVISOR,
    Params,
    Reader,
    Spoken,
    SpokenAction,
    grouped_actions,
    speak_words,
)
from .exceptions import CaseError, FrameworkError, PolicyError, Problem

__all__ = [
    "CHANGE_WORDS",
    "DEFAULT_POLICY",
    "EXPLANATIONS",
    "FORMAT",
    "HEADLINES",
    "LEVELS",
    "MAX_FILE_BYTES",
    "NOT_READY",
    "NOT_READY_WHEN",
    "PRINCIPLES",
    "QUESTIONS",
    "QUESTIONS_BY_ID",
    "ROLES",
    "SEVERITIES",
    "SEVERITY_WORDS",
    "STATUS_WORDS",
    "SUPERVISOR",
    "VOCABULARY",
    "Assessment",
    "Case",
    "CaseError",
    "Divergence",
    "Finding",
    "FrameworkError",
    "Outcome",
    "Params",
    "Policy",
    "PolicyError",
    "Principle",
    "Problem",
    "Question",
    "Reader",
    "Reason",
    "Recommendation",
    "Rule",
    "Scrutiny",
    "Severity",
    "Spoken",
    "SpokenAction",
    "Status",
    "Term",
    "TranslatedWords",
    "Words",
    "assess",
    "assess_over_time",
    "case_instruments",
    "case_schema",
    "catalogue_markdown",
    "english_date",
    "finding_from_dict",
    "gettext_noop",
    "grouped_actions",
    "headline",
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
    "scrutiny_reasons",
    "speak",
    "speak_words",
    "spoken_date",
    "translated",
    "use_translation",
    "validate_case",
]
