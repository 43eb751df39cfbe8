"""From an organisation's true counts to a report in which every figure is safe to publish."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from . import _sdc
from ._data import CHANGES, OrganisationData, OutcomeChange
from ._model import Report, Row, Section, Table
from ._words import gettext_noop

Categories = Sequence[tuple[str, str]]

SETTINGS: Categories = (
    ("individual_therapy", gettext_noop("One-to-one therapy")),
    ("group_work", gettext_noop("Group work")),
    ("peer_support", gettext_noop("Peer support")),
    ("service_design", gettext_noop("Designing services")),
    ("research", gettext_noop("Research")),
    ("education", gettext_noop("Education and training")),
    ("community", gettext_noop("Community work")),
    ("other", gettext_noop("Other work")),
)
WITHDRAWN = "withdrawn"
"""The reports' own category of stage, not one of the framework's: work under way (active or
ending) in which someone has withdrawn their consent. It has stopped in all but name, so the
reports count it here, not under its stage, and never as running."""
STAGES: Categories = (
    ("proposed", gettext_noop("Proposed, not yet started")),
    ("active", gettext_noop("Under way")),
    ("ending", gettext_noop("Coming to an end")),
    ("ended", gettext_noop("Ended")),
    # Added last: the keys before it are published and never change.
    (WITHDRAWN, gettext_noop("Stopped: consent withdrawn")),
)
RECOMMENDATIONS: Categories = (
    ("proceed", gettext_noop("Go ahead")),
    ("proceed_with_safeguards", gettext_noop("Go ahead with safeguards")),
    ("consult", gettext_noop("Talk it through with others first")),
    ("alternative_model", gettext_noop("Another way of helping may suit better")),
)
SCRUTINY: Categories = (
    ("standard", gettext_noop("Standard")),
    ("enhanced", gettext_noop("Enhanced")),
    ("intensive", gettext_noop("Intensive")),
)
SUPERVISION: Categories = (
    ("up_to_date", gettext_noop("Supervision up to date")),
    ("overdue", gettext_noop("Supervision overdue")),
    ("no_independent_supervisor", gettext_noop("No supervisor from outside the relationship")),
)
CONTRACT_REVIEW: Categories = (
    ("up_to_date", gettext_noop("Agreement in place and reviewed on time")),
    ("overdue", gettext_noop("Agreement review overdue")),
    ("no_agreement", gettext_noop("No written agreement yet")),
)
CONSENTS: Categories = (
    ("informed", gettext_noop("Agreed, with costs, benefits and alternatives explained")),
    ("given", gettext_noop("Agreed, not yet fully explained")),
    ("not_sought", gettext_noop("Not yet asked")),
    ("declined", gettext_noop("Said no")),
    ("withdrawn", gettext_noop("Withdrew their agreement")),
)
AFFECTED_CONSENTS: Categories = (
    ("informed", gettext_noop("Agreed, with costs, benefits and alternatives explained")),
    ("given", gettext_noop("Agreed, not yet fully explained")),
    ("not_sought", gettext_noop("Not yet asked")),
    ("declined", gettext_noop("Said no")),
    ("not_needed", gettext_noop("Their agreement is not needed")),
)
CHANGE_LABELS: dict[str, str] = {
    "reliable_improvement": gettext_noop("Reliably better"),
    "no_reliable_change": gettext_noop("No reliable change"),
    "reliable_deterioration": gettext_noop("Reliably worse"),
}
MEASURES: dict[str, str] = {
    "phq9": gettext_noop("PHQ-9 (low mood); a fall in score is an improvement"),
    "gad7": gettext_noop("GAD-7 (anxiety); a fall in score is an improvement"),
    "who5": gettext_noop("WHO-5 (wellbeing); a rise in score is an improvement"),
    "gbo": gettext_noop(
        "Goals set together (each goal counted once); a rise in score is an improvement"
    ),
}
ALL_RELATIONSHIPS = gettext_noop("All relationships")
CHANGE_CAPTION = gettext_noop("Change from first to latest score: %(measure)s")
AVERAGE_CAPTION = gettext_noop("Average change in score: %(measure)s")
BREAKDOWN_COLUMNS = (gettext_noop("Number"), gettext_noop("Share of the total"))


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
        gettext_noop(
            "Every number in this table is hidden, because one of them is small and could "
            "otherwise be worked out from the total."
        )
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
        title=gettext_noop("The co-productive work we do"),
        summary=gettext_noop(
            "Each relationship is a professional and a person they help, working side by "
            "side on something they share. These tables count every relationship we record."
        ),
        tables=(
            breakdown_table(
                "relationships_by_setting",
                gettext_noop("Relationships by kind of work"),
                SETTINGS,
                data.by_setting,
                ALL_RELATIONSHIPS,
            ),
            breakdown_table(
                "relationships_by_stage",
                gettext_noop("Relationships by stage"),
                STAGES,
                data.by_stage,
                ALL_RELATIONSHIPS,
            ),
        ),
    )


def _governance(data: OrganisationData) -> Section:
    tables = (
        breakdown_table(
            "relationships_by_recommendation",
            gettext_noop("What the latest assessment recommends"),
            RECOMMENDATIONS,
            data.by_recommendation,
            ALL_RELATIONSHIPS,
        ),
        breakdown_table(
            "relationships_by_scrutiny",
            gettext_noop("How closely each relationship is watched (scrutiny level)"),
            SCRUTINY,
            data.by_scrutiny,
            ALL_RELATIONSHIPS,
        ),
        breakdown_table(
            "supervision",
            gettext_noop("Supervision by someone outside the relationship"),
            SUPERVISION,
            data.supervision,
            ALL_RELATIONSHIPS,
        ),
        breakdown_table(
            "contract_review",
            gettext_noop("Written agreements and their reviews"),
            CONTRACT_REVIEW,
            data.contract_review,
            ALL_RELATIONSHIPS,
        ),
        breakdown_table(
            "co_producer_consent",
            gettext_noop("Agreement of the people being helped"),
            CONSENTS,
            data.co_producer_consent,
            gettext_noop("All people being helped"),
        ),
        breakdown_table(
            "affected_consent",
            gettext_noop("Agreement of other people the work affects"),
            AFFECTED_CONSENTS,
            data.affected_consent,
            gettext_noop("All other people affected"),
        ),
    )
    return Section(
        key="governance",
        title=gettext_noop("How the work is governed"),
        summary=gettext_noop(
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
        CHANGE_CAPTION % {"measure": name},
        known,
        counts,
        gettext_noop("People with two or more scores"),
    )
    differences = [c.difference for c in changes for _ in range(c.people)]
    averages = Table(
        key=f"average_change_{measure}",
        caption=AVERAGE_CAPTION % {"measure": name},
        kind="figures",
        columns=(gettext_noop("Points"),),
        rows=(
            Row("mean", gettext_noop("Mean change"), (_sdc.average(differences, "mean"),)),
            Row("median", gettext_noop("Median change"), (_sdc.average(differences, "median"),)),
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
        title=gettext_noop("What the work achieves"),
        summary=(
            gettext_noop(
                "People fill in short wellbeing questionnaires while the work goes on. A "
                "change is reliable when it is bigger than the questionnaire's usual ups and "
                "downs."
            )
            if tables
            else gettext_noop("No one has filled in a wellbeing questionnaire twice yet.")
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
