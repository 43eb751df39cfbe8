"""Reports for both people in the relationship: plain text, Markdown and JSON.

The recommendation comes first, in plain words; then each principle; then each
finding with what to do; then scrutiny; then where the two people's answers
differ; then the outcome evidence. Numbers are rounded here for reading only.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from ._assessment import Assessment
from ._facts import Outcome
from ._findings import PRINCIPLES, Finding
from ._questions import QUESTIONS_BY_ID
from ._translation import TranslatedWords, gettext_noop, translated

HEADLINES = TranslatedWords(
    {
        "proceed": gettext_noop("Go ahead"),
        "proceed_with_safeguards": gettext_noop("Go ahead, with safeguards"),
        "consult": gettext_noop("Stop and think again, with others"),
        "alternative_model": gettext_noop("Co-production seems less suitable here"),
    }
)
NOT_READY = gettext_noop("Not ready to start: do the actions first")
"""How a relationship not yet started reads while its recommendation is to go ahead with
safeguards: before it starts, the missing consent and contract are only "to do", so the
recommendation is no worse than that; but nobody should read "Go ahead" over a relationship
that has neither."""
NOT_READY_WHEN = ("proceed_with_safeguards", "proposed")
"""The recommendation and stage that read `NOT_READY` (a list filters on them)."""


def headline(recommendation: str, stage: str | None = None) -> str:
    """The headline a person reads for an assessment: its recommendation's, except that a
    relationship not yet started is never told to go ahead while there is something to do.
    Every page that shows an assessment's headline asks here, so a list never reads better
    than the relationship's own page."""
    if (recommendation, stage) == NOT_READY_WHEN:
        return translated(NOT_READY)
    return HEADLINES[recommendation]


EXPLANATIONS = TranslatedWords(
    {
        "proceed": gettext_noop(
            "Nothing found stands in the way of working together in this way. "
            "Keep checking as things change."
        ),
        "proceed_with_safeguards": gettext_noop(
            "You can go ahead once the actions below are in hand."
        ),
        "consult": gettext_noop(
            "Before going further, talk with others (the supervisor, the team or an ethics forum) "
            "about whether another way of helping would be better."
        ),
        "alternative_model": gettext_noop(
            "Use another way of helping, or co-produce only the parts of the work "
            "that lie outside the problem below, after talking it through with "
            "others."
        ),
    }
)
STATUS_WORDS = TranslatedWords(
    {
        "met": gettext_noop("met"),
        "attention": gettext_noop("needs attention"),
        "concern": gettext_noop("a concern"),
        "contraindicated": gettext_noop("co-production seems less suitable"),
    }
)
SEVERITY_WORDS = TranslatedWords(
    {
        # Info holds strengths and notes worth showing (format 1.1 adds a note that is no strength).
        "info": gettext_noop("Worth knowing"),
        "advisory": gettext_noop("To do"),
        "concern": gettext_noop("Concern"),
        "contraindication": gettext_noop("Stop"),
    }
)
CHANGE_WORDS = TranslatedWords(
    {
        "reliable_improvement": gettext_noop("reliable improvement"),
        "no_reliable_change": gettext_noop("no reliable change"),
        "reliable_deterioration": gettext_noop("reliably worse"),
    }
)


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:g}" if float(value).is_integer() else f"{value:.2f}"


def _question_words(question_id: str) -> str:
    question = QUESTIONS_BY_ID.get(question_id)
    return question.asks if question else question_id


def _answer_words(question_id: str, answer: str) -> str:
    question = QUESTIONS_BY_ID.get(question_id)
    return question.answers.get(answer, answer) if question else answer


def outcome_sentence(outcome: Outcome, called: str | None = None) -> str:
    """One outcome series in a sentence, for people rather than statisticians (`called`: how
    to name the person the scores are of, when not by their id)."""
    change = outcome.change
    head = f"{called or outcome.of}, {outcome.label} ({outcome.name})"
    if change.n_scores < 2:
        return f"{head}: one score so far ({_number(change.first)}); nothing to compare yet."
    text = (
        f"{head}: {_number(change.first)} to {_number(change.latest)} over "
        f"{change.days} days (difference {_number(change.difference)})"
    )
    if change.change is None:
        bands = change.bands or (None, None)
        return text + (
            f"; band {bands[0]} to {bands[1]}. This measure has no reliable-change "
            "statistic, so it cannot show reliable improvement on its own."
        )
    text += f": {CHANGE_WORDS[change.change]}"
    if change.category:
        text += f" ({change.category})"
    return text + f"; reliable change needs {_number(change.reliable_change_threshold)} points."


def _about(a: Assessment, finding: Finding) -> str:
    return ", ".join(a.called(pid) for pid in finding.concerns)


def _finding_lines(a: Assessment, number: int, finding: Finding) -> Iterator[str]:
    yield f"{number}. {SEVERITY_WORDS[finding.severity]}: {finding.message}"
    yield f"   [{finding.code}; about {_about(a, finding)}]"
    for action in finding.actions:
        yield f"   - {action}"
    yield f"   Why this matters: {finding.basis}"


def _divergence_lines(a: Assessment) -> Iterator[str]:
    divergences = a.divergences
    people = sorted({pid for d in divergences for pid in d.answers})
    width = max(len(_question_words(d.question)) for d in divergences)
    yield "  " + "Question".ljust(width) + "  " + "  ".join(a.called(p).ljust(14) for p in people)
    for d in divergences:
        answers = [_answer_words(d.question, d.answers.get(p, "–"))[:14].ljust(14) for p in people]
        yield "  " + _question_words(d.question).ljust(width) + "  " + "  ".join(answers)


def render_text(assessment: Assessment) -> str:
    """The report as plain text, for a terminal or a printout."""
    a = assessment
    lines = [
        a.title,
        f"Assessment as of {a.as_of} (stage: {a.stage})",
        "",
        f"What we recommend: {HEADLINES[a.recommendation]}",
        f"  {EXPLANATIONS[a.recommendation]}",
        "",
        "The four principles",
    ]
    lines += [f"  {p.capitalize():<15} {STATUS_WORDS[a.principles[p]]}" for p in PRINCIPLES]
    lines += ["", "What we found, most important first"]
    for number, finding in enumerate(a.findings, start=1):
        lines += _finding_lines(a, number, finding)
    if not a.findings:
        lines.append("  Nothing to report.")
    s = a.scrutiny
    lines += [
        "",
        f"Scrutiny: {s.level} (contrast {s.contrast}); supervision at least every "
        f"{s.supervision_every_days} days",
    ]
    lines += [f"  - {reason}" for reason in s.reasons]
    if a.divergences:
        lines += ["", "Where your answers differ (the more cautious answer counts)"]
        lines += list(_divergence_lines(a))
    if a.outcomes:
        lines += ["", "Outcome evidence"] + [
            f"  - {outcome_sentence(o, a.called(o.of))}" for o in a.outcomes
        ]
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _markdown_findings(a: Assessment) -> Iterator[str]:
    for number, f in enumerate(a.findings, start=1):
        yield f"{number}. **{SEVERITY_WORDS[f.severity]}:** {f.message}  "
        yield f"   `{f.code}`, about {_md_cell(_about(a, f))}"
        for action in f.actions:
            yield f"   - {action}"
        yield f"   - *Why this matters:* {f.basis}"


def _markdown_divergences(a: Assessment) -> list[str]:
    divergences = a.divergences
    people = sorted({pid for d in divergences for pid in d.answers})
    lines = [
        "",
        "## Where your answers differ",
        "",
        "The more cautious answer counts until you agree.",
        "",
        "| Question | " + " | ".join(_md_cell(a.called(p)) for p in people) + " |",
        "|---|" + "---|" * len(people),
    ]
    for d in divergences:
        answers = " | ".join(_answer_words(d.question, d.answers.get(p, "–")) for p in people)
        lines.append(f"| {_md_cell(_question_words(d.question))} | {answers} |")
    return lines


def _markdown_scrutiny(assessment: Assessment) -> list[str]:
    s = assessment.scrutiny
    return [
        "",
        f"## Scrutiny: {s.level}",
        "",
        f"Contrast {s.contrast}; supervision at least every {s.supervision_every_days} days.",
        "",
        *[f"- {reason}" for reason in s.reasons],
    ]


def render_markdown(assessment: Assessment) -> str:
    """The report as Markdown, to keep, share or turn into a page."""
    a = assessment
    lines = [
        f"# {_md_cell(a.title)}",
        "",
        f"Assessment as of {a.as_of} (stage: {a.stage}).",
        "",
        f"## What we recommend: {HEADLINES[a.recommendation]}",
        "",
        EXPLANATIONS[a.recommendation],
        "",
        "## The four principles",
        "",
        "| Principle | Status |",
        "|---|---|",
        *[f"| {p.capitalize()} | {STATUS_WORDS[a.principles[p]]} |" for p in PRINCIPLES],
        "",
        "## What we found, most important first",
        "",
    ]
    lines += list(_markdown_findings(a)) or ["Nothing to report."]
    lines += _markdown_scrutiny(a)
    if a.divergences:
        lines += _markdown_divergences(a)
    if a.outcomes:
        lines += ["", "## Outcome evidence", ""]
        lines += [f"- {_md_cell(outcome_sentence(o, a.called(o.of)))}" for o in a.outcomes]
    return "\n".join(lines) + "\n"


def render_json(assessment: Assessment, *, indent: int | None = 2) -> str:
    """The assessment as JSON (docs/case-format.md, "The assessment as JSON")."""
    return json.dumps(assessment.to_dict(), indent=indent, ensure_ascii=False)
