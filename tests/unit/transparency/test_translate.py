"""A transparency report in the reader's language: every word through their gettext, and
nothing else touched."""

from __future__ import annotations

from mutuality.transparency import OrganisationData, OutcomeChange, build_report, translated


def _shouted(message: str) -> str:
    """A stand-in translation: every letter in capitals, placeholders kept."""
    return message.upper().replace("%(MEASURE)S", "%(measure)s")


def test_every_word_is_translated_and_every_figure_kept() -> None:
    """Titles, summaries, captions, columns, row labels and rules come through gettext; keys
    and figures stay as they are."""
    # Arrange
    report = build_report(OrganisationData("n", "N", "2026-11-26", by_stage={"active": 10}))

    # Act
    shown = translated(report, _shouted)

    # Assert
    work = shown.sections[0]
    stages = work.tables[1]
    assert work.title == "THE CO-PRODUCTIVE WORK WE DO"
    assert stages.caption == "RELATIONSHIPS BY STAGE"
    assert stages.columns == ("NUMBER", "SHARE OF THE TOTAL")
    assert [row.label for row in stages.rows][:2] == ["PROPOSED, NOT YET STARTED", "UNDER WAY"]
    assert stages.total is not None and stages.total.label == "ALL RELATIONSHIPS"
    assert shown.rules[1] == "EVERY OTHER COUNT IS ROUNDED TO THE NEAREST 5."
    assert [row.key for row in stages.rows] == [
        row.key for row in report.sections[0].tables[1].rows
    ]
    assert stages.rows[1].figures == report.sections[0].tables[1].rows[1].figures


def test_a_caption_made_with_a_measure_is_translated_as_one_sentence() -> None:
    """ "Change from first to latest score: PHQ-9 …" is the translated sentence with the
    translated measure in it, not the English caption put through gettext whole."""
    # Arrange
    outcomes = (OutcomeChange("phq9", -6.0, "reliable_improvement", 10),)
    report = build_report(OrganisationData("n", "N", "2026-11-26", outcomes=outcomes))
    asked: list[str] = []

    def gettext(message: str) -> str:
        asked.append(message)
        return _shouted(message)

    # Act
    shown = translated(report, gettext)

    # Assert
    change = shown.sections[2].tables[0]
    assert change.caption == (
        "CHANGE FROM FIRST TO LATEST SCORE: PHQ-9 (LOW MOOD); A FALL IN SCORE IS AN IMPROVEMENT"
    )
    assert "Change from first to latest score: %(measure)s" in asked
    assert report.sections[2].tables[0].caption.startswith("Change from first")  # untouched
