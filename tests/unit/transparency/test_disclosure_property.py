"""Over random organisations, no published figure reveals a count between 1 and 7."""

from __future__ import annotations

from collections import Counter
from itertools import chain, combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from mutuality.transparency import CHANGES, OrganisationData, OutcomeChange, Table, build_report

_small_or_not = st.one_of(st.integers(0, 9), st.integers(0, 60))
_FIELDS = {
    "relationships_by_setting": (
        "by_setting",
        [
            "individual_therapy",
            "group_work",
            "peer_support",
            "service_design",
            "research",
            "education",
            "community",
            "other",
        ],
    ),
    "relationships_by_stage": (
        "by_stage",
        ["proposed", "active", "ending", "ended", "withdrawn"],
    ),
    "relationships_by_recommendation": (
        "by_recommendation",
        ["proceed", "proceed_with_safeguards", "consult", "alternative_model"],
    ),
    "relationships_by_scrutiny": ("by_scrutiny", ["standard", "enhanced", "intensive"]),
    "supervision": ("supervision", ["up_to_date", "overdue", "no_independent_supervisor"]),
    "contract_review": ("contract_review", ["up_to_date", "overdue", "no_agreement"]),
    "co_producer_consent": (
        "co_producer_consent",
        ["informed", "given", "not_sought", "declined", "withdrawn"],
    ),
    "affected_consent": (
        "affected_consent",
        ["informed", "given", "not_sought", "declined", "not_needed"],
    ),
}


def _counts(keys: list[str]) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries({key: _small_or_not for key in keys})


_outcome = st.builds(
    OutcomeChange,
    instrument=st.sampled_from(["phq9", "gad7", "who5", "gbo.1", "gbo.2", "custom"]),
    difference=st.floats(-27, 27, allow_nan=False),
    change=st.sampled_from(CHANGES),
)
organisations = st.builds(
    OrganisationData,
    slug=st.just("org"),
    name=st.just("Org"),
    as_of=st.just("2026-11-26"),
    outcomes=st.lists(_outcome, max_size=80).map(tuple),
    **{field: _counts(keys) for field, keys in _FIELDS.values()},
)


def _true_counts(data: OrganisationData) -> dict[str, dict[str, int]]:
    """What each breakdown table really counts, row by row."""
    truth = {table: dict(getattr(data, field)) for table, (field, _) in _FIELDS.items()}
    for change in data.outcomes:
        measure = "gbo" if change.instrument.startswith("gbo.") else change.instrument
        truth.setdefault(f"change_{measure}", Counter())[change.change] += 1
    return truth


def _subsets(items: list[str]) -> chain[tuple[str, ...]]:
    return chain.from_iterable(combinations(items, size) for size in range(len(items) + 1))


def _check_breakdown(table: Table, truth: dict[str, int]) -> None:
    assert table.total is not None
    cells = {row.key: row.figures[0] for row in table.rows}
    for row in table.rows:
        count, share = row.figures
        assert not 1 <= truth.get(row.key, 0) <= 7 or count.hidden, (table.key, row.key)
        assert count.value in (None, 0) or (count.value >= 10 and count.value % 5 == 0)
        assert not count.hidden or share.hidden
    if table.total.figures[0].hidden:
        return
    shown = [key for key, figure in cells.items() if not figure.hidden]
    for taken in _subsets(shown):
        left = [key for key in cells if key not in taken]
        if any(cells[key].hidden for key in left):
            left_over = sum(truth.get(key, 0) for key in left)
            assert not 1 <= left_over <= 7, (table.key, taken, left_over)


@settings(max_examples=300, deadline=None)
@given(organisations)
def test_no_figure_reveals_a_count_of_1_to_7_directly_or_by_subtraction(
    data: OrganisationData,
) -> None:
    """Small counts are hidden, and taking any shown counts from a shown total never leaves
    hidden counts that add up to 1 to 7; averages need 8 people."""
    report = build_report(data)
    truth = _true_counts(data)
    sizes = Counter(
        "gbo" if c.instrument.startswith("gbo.") else c.instrument for c in data.outcomes
    )

    for table in (t for section in report.sections for t in section.tables):
        if table.kind == "breakdown":
            _check_breakdown(table, truth[table.key])
        else:
            n = sizes[table.key.removeprefix("average_change_")]
            assert n >= 8 or all(row.figures[0].value is None for row in table.rows)
