"""From an organisation's true counts to a report in which every figure is safe to publish."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from . import _sdc
from ._data import CHANGES, OrganisationData, OutcomeChange
from ._model import Report, Row, Section, Table

Categories = Sequence[tuple[str, str]]

SETTINGS: Categories = (
    ("individual_therapy", "One-to-one therapy"),
    ("group_work", "Group work"),
    ("peer_support", "Peer support"),
    ("service_design", "Designing services"),
    ("research", "Research"),
    ("education", "Education and training"),
    ("community", "Community work"),
    ("other", "Other work"),
)
STAGES: Categories = (
    ("proposed", "Proposed, not yet started"),
    ("active", "Under way"),
    ("ending", "Coming to an end"),
    ("ended", "Ended"),
)
RECOMMENDATIONS: Categories = (
    ("proceed", "Go ahead"),
    ("proceed_with_safeguards", "Go ahead with safeguards"),
    ("consult", "Talk it through with others first"),
    ("alternative_model", "Another way of helping may suit better"),
)
SCRUTINY: Categories = (
    ("standard", "Standard"),
    ("enhanced", "Enhanced"),
    ("intensive", "Intensive"),
)
SUPERVISION: Categories = (
    ("up_to_date", "Supervision up to date"),
    ("overdue", "Supervision overdue"),
    ("no_independent_supervisor", "No supervisor from outside the relationship"),
)
CONTRACT_REVIEW: Categories = (
    ("up_to_date", "Agreement in place and reviewed on time"),
    ("overdue", "Agreement review overdue"),
    ("no_agreement", "No written agreement yet"),
)
CONSENTS: Categories = (
    ("informed", "Agreed, with costs, benefits and alternatives explained"),
    ("given", "Agreed, not yet fully explained"),
    ("not_sought", "Not yet asked"),
    ("declined", "Said no"),
    ("withdrawn", "Withdrew their agreement"),
)
AFFECTED_CONSENTS: Categories = (
    ("informed", "Agreed, with costs, benefits and alternatives explained"),
    ("given", "Agreed, not yet fully explained"),
    ("not_sought", "Not yet asked"),
    ("declined", "Said no"),
    ("not_needed", "Their agreement is not needed"),
)
CHANGE_LABELS: dict[str, str] = {
    "reliable_improvement": "Reliably better",
    "no_reliable_change": "No reliable change",
    "reliable_deterioration": "Reliably worse",
}
MEASURES: dict[str, str] = {
    "phq9": "PHQ-9 (low mood); a fall in score is an improvement",
    "gad7": "GAD-7 (anxiety); a fall in score is an improvement",
    "who5": "WHO-5 (wellbeing); a rise in score is an improvement",
    "gbo": "Goals set together (each goal counted once); a rise in score is an improvement",
}
BREAKDOWN_COLUMNS = ("Number", "Share of the total")


def _categories(known: Categories, counts: Mapping[str, int]) -> list[tuple[str, str]]:
    """The known categories in their order, then any others the data has, by name."""
    listed = dict(known)
    extra = sorted(key for key in counts if key not in listed)
    return [*known, *((key, key.replace("_", " ").capitalize()) for key in extra)]


def breakdown_table(
    key: str, caption: str, known: Categories, counts: Mapping[str, int], total_label: str
) -> Table:
    """A table of counts with their total and shares, after disclosure control."""
    categories = _categories(known, counts)
    done = _sdc.breakdown([counts.get(category, 0) for category, _ in categories])
    rows = tuple(
        Row(key=category, label=label, figures=(cell, _sdc.rate(cell, done.total)))
        for (category, label), cell in zip(categories, done.cells, strict=True)
    )
    total = Row(
        key="total", label=total_label, figures=(done.total, _sdc.rate(done.total, done.total))
    )
    note = (
        "Every number in this table is hidden, because one of them is small and could "
        "otherwise be worked out from the total."
        if done.suppressed_whole
        else ""
    )
    return Table(
        key=key,
        caption=caption,
        kind="breakdown",
        columns=BREAKDOWN_COLUMNS,
        rows=rows,
        total=total,
        suppressed_whole=done.suppressed_whole,
        note=note,
    )


def _work(data: OrganisationData) -> Section:
    return Section(
        key="work",
        title="The co-productive work we do",
        summary=(
            "Each relationship is a professional and a person they help, working side by "
            "side on something they share. These tables count every relationship we record."
        ),
        tables=(
            breakdown_table(
                "relationships_by_setting",
                "Relationships by kind of work",
                SETTINGS,
                data.by_setting,
                "All relationships",
            ),
            breakdown_table(
                "relationships_by_stage",
                "Relationships by stage",
                STAGES,
                data.by_stage,
                "All relationships",
            ),
        ),
    )


def _governance(data: OrganisationData) -> Section:
    tables = (
        breakdown_table(
            "relationships_by_recommendation",
            "What the latest assessment recommends",
            RECOMMENDATIONS,
            data.by_recommendation,
            "All relationships",
        ),
        breakdown_table(
            "relationships_by_scrutiny",
            "How closely each relationship is watched (scrutiny level)",
            SCRUTINY,
            data.by_scrutiny,
            "All relationships",
        ),
        breakdown_table(
            "supervision",
            "Supervision by someone outside the relationship",
            SUPERVISION,
            data.supervision,
            "All relationships",
        ),
        breakdown_table(
            "contract_review",
            "Written agreements and their reviews",
            CONTRACT_REVIEW,
            data.contract_review,
            "All relationships",
        ),
        breakdown_table(
            "co_producer_consent",
            "Agreement of the people being helped",
            CONSENTS,
            data.co_producer_consent,
            "All people being helped",
        ),
        breakdown_table(
            "affected_consent",
            "Agreement of other people the work affects",
            AFFECTED_CONSENTS,
            data.affected_consent,
            "All other people affected",
        ),
    )
    return Section(
        key="governance",
        title="How the work is governed",
        summary=(
            "Every relationship is assessed against four principles, watched more closely "
            "when it differs more from usual practice, and supervised by someone outside it."
        ),
        tables=tables,
    )


def _family(instrument: str) -> str:
    """`gbo.2` → `gbo`: goals are reported together; other measures by their own id."""
    return instrument.split(".", 1)[0] if instrument.startswith("gbo.") else instrument


def _measure_order(key: str) -> tuple[int, str]:
    known = list(MEASURES)
    return (known.index(key) if key in known else len(known), key)


def _measure_tables(measure: str, changes: Sequence[OutcomeChange]) -> tuple[Table, Table]:
    name = MEASURES.get(measure, measure)
    counts: dict[str, int] = {
        change: sum(c.people for c in changes if c.change == change) for change in CHANGES
    }
    known = tuple((change, CHANGE_LABELS[change]) for change in CHANGES)
    change_table = breakdown_table(
        f"change_{measure}",
        f"Change from first to latest score: {name}",
        known,
        counts,
        "People with two or more scores",
    )
    differences = [c.difference for c in changes for _ in range(c.people)]
    averages = Table(
        key=f"average_change_{measure}",
        caption=f"Average change in score: {name}",
        kind="figures",
        columns=("Points",),
        rows=(
            Row("mean", "Mean change", (_sdc.average(differences, "mean"),)),
            Row("median", "Median change", (_sdc.average(differences, "median"),)),
        ),
    )
    return change_table, averages


def _outcomes(data: OrganisationData) -> Section:
    by_measure: dict[str, list[OutcomeChange]] = {}
    for change in data.outcomes:
        by_measure.setdefault(_family(change.instrument), []).append(change)
    tables = tuple(
        table
        for measure in sorted(by_measure, key=_measure_order)
        for table in _measure_tables(measure, by_measure[measure])
    )
    return Section(
        key="outcomes",
        title="What the work achieves",
        summary=(
            "People fill in short wellbeing questionnaires while the work goes on. A change "
            "is reliable when it is bigger than the questionnaire's usual ups and downs."
            if tables
            else "No one has filled in a wellbeing questionnaire twice yet."
        ),
        tables=tables,
    )


def build_report(data: OrganisationData) -> Report:
    """The transparency report for one organisation, with disclosure control applied."""
    return Report(
        organisation_slug=data.slug,
        organisation_name=data.name,
        as_of=data.as_of,
        sections=(_work(data), _governance(data), _outcomes(data)),
        rules=_sdc.RULES,
    )
