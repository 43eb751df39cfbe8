"""The findings catalogue and the two-sided questions as a Markdown document.

`docs/framework.md` is this document; a test fails when the two differ, so the
published catalogue can never drift from the rules that run.
"""

from __future__ import annotations

from ._findings import PRINCIPLES, registered_rules
from ._questions import QUESTIONS


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def catalogue_markdown() -> str:
    """Every registered rule by principle, then the questions with each role's wording."""
    lines = [
        "# The findings catalogue",
        "",
        "Generated from the rules that run (`mutuality rules --format markdown`); do not edit "
        "by hand. Severities, lowest to highest: info < advisory < concern < contraindication; "
        "`a / b` means `a` while proposed and `b` once active or ending. This is case format "
        "1.1 (files still say `mutuality: 1`; docs/case-format.md).",
    ]
    rules = registered_rules()
    for principle in PRINCIPLES:
        lines += [
            "",
            f"## {principle.capitalize()}",
            "",
            "| code | severity | basis |",
            "|---|---|---|",
        ]
        lines += [
            f"| `{r.code}` | {_cell(r.severity)} | {_cell(r.basis)} |"
            for r in rules
            if r.principle == principle
        ]
    lines += [
        "",
        "## The two-sided questions",
        "",
        "Where participants' answers differ, the most cautious one counts. A `yes` from anyone "
        "to a question in the last column counts as that contrast indicator, whatever "
        "`contrast` says.",
        "",
        "| id | professional is asked | recipient is asked | answers | a `yes` counts as |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| `{q.id}` | {_cell(q.wording['professional'])} | "
        f"{_cell(q.wording['recipient'])} | {', '.join(q.options)} | "
        f"{f'`{q.indicates}`' if q.indicates else ''} |"
        for q in QUESTIONS
    ]
    return "\n".join(lines) + "\n"
