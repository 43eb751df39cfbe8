"""Building a report from an organisation's true counts."""

from __future__ import annotations

from mutuality.transparency import OrganisationData, OutcomeChange, Table, build_report


def _tables(data: OrganisationData) -> dict[str, Table]:
    report = build_report(data)
    return {table.key: table for section in report.sections for table in section.tables}


def test_every_known_category_is_listed_even_when_empty() -> None:
    """A stage nobody is at reads 0, so readers see the whole picture."""
    tables = _tables(OrganisationData("n", "N", "2026-11-26", by_stage={"active": 10}))

    stages = tables["relationships_by_stage"]

    assert [row.key for row in stages.rows] == [
        "proposed",
        "active",
        "ending",
        "ended",
        "withdrawn",
    ]
    assert [row.figures[0].text for row in stages.rows] == ["0", "10", "0", "0", "0"]
    assert stages.rows[-1].label == "Stopped: consent withdrawn"
    assert stages.total is not None and stages.total.figures[1].text == "100%"


def test_an_unknown_category_is_added_after_the_known_ones() -> None:
    """A category the report does not know yet is still counted, never dropped."""
    tables = _tables(OrganisationData("n", "N", "2026-11-26", by_setting={"street_work": 10}))

    assert tables["relationships_by_setting"].rows[-1].label == "Street work"


def test_goals_are_reported_together_and_measures_in_a_fixed_order() -> None:
    """gbo.1 and gbo.2 are one measure; PHQ-9 comes before goals and custom measures."""
    outcomes = (
        OutcomeChange("custom", 1.0, "no_reliable_change"),
        OutcomeChange("gbo.1", 4.0, "reliable_improvement"),
        OutcomeChange("gbo.2", 1.0, "no_reliable_change"),
        OutcomeChange("phq9", -2.0, "no_reliable_change"),
    )

    keys = list(_tables(OrganisationData("n", "N", "2026-11-26", outcomes=outcomes)))

    assert [k for k in keys if k.startswith("change_")] == [
        "change_phq9",
        "change_gbo",
        "change_custom",
    ]


def test_outcomes_with_one_small_group_hide_the_whole_change_table_but_not_the_mean() -> None:
    """9 better and 3 worse: the counts are hidden whole, the mean of 12 is shown."""
    outcomes = tuple(OutcomeChange("phq9", -8.0, "reliable_improvement") for _ in range(9)) + tuple(
        OutcomeChange("phq9", 5.0, "reliable_deterioration") for _ in range(3)
    )

    tables = _tables(OrganisationData("n", "N", "2026-11-26", outcomes=outcomes))

    change = tables["change_phq9"]
    assert change.suppressed_whole and change.note
    assert {row.figures[0].text for row in change.rows} == {"*"}
    assert {row.figures[1].text for row in change.rows} == {"*"}
    assert tables["average_change_phq9"].rows[0].figures[0].text == "-4.8"


def test_no_outcomes_give_an_outcomes_section_without_tables() -> None:
    """With no scores the section says so plainly."""
    report = build_report(OrganisationData("n", "N", "2026-11-26"))

    outcomes = report.sections[-1]

    assert outcomes.tables == () and "No one" in outcomes.summary


def test_changes_counted_by_people_report_as_the_same_changes_one_by_one() -> None:
    """A database hands over each change with how many people had it; the report is the same."""
    counted = (
        OutcomeChange("phq9", -7.0, "reliable_improvement", people=6),
        OutcomeChange("phq9", -1.0, "no_reliable_change", people=3),
        OutcomeChange("phq9", 8.0, "reliable_deterioration", people=2),
    )
    one_by_one = tuple(
        OutcomeChange(c.instrument, c.difference, c.change)
        for c in counted
        for _ in range(c.people)
    )

    report = build_report(OrganisationData("n", "N", "2026-11-26", outcomes=counted))

    assert report == build_report(OrganisationData("n", "N", "2026-11-26", outcomes=one_by_one))
    averages = _tables(OrganisationData("n", "N", "2026-11-26", outcomes=counted))
    median = averages["average_change_phq9"].rows[1].figures[0]
    assert median.text == "-7.0"  # 11 people: the sixth difference in order is -7
