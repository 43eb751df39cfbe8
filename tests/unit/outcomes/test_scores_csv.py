"""Reading a scores CSV: series per person, goals numbered per person, problems by line and column."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

import pytest

from mutuality.outcomes import Instrument, PersonSeries, ScoresFileError, read_scores_csv

HEADER = "person,instrument,date,score\n"
GOAL_HEADER = "person,instrument,date,score,goal\n"


def _read(text: str, instruments: Mapping[str, Instrument]) -> list[PersonSeries]:
    return read_scores_csv(text, "scores.csv", instruments)


def _problems(text: str, instruments: Mapping[str, Instrument]) -> list[str]:
    with pytest.raises(ScoresFileError) as caught:
        _read(text, instruments)
    return caught.value.problems


def test_rows_become_one_series_per_person_and_instrument_in_date_order(
    shipped: Mapping[str, Instrument],
) -> None:
    """Rows given out of date order are grouped by person and instrument, then sorted by date."""
    # Arrange
    text = (
        HEADER
        + "p1,phq9,2025-03-01,8\n"
        + "p2,gad7,2025-01-02,9\n"
        + "p1,phq9,2025-01-01,18\n"
        + "p1,gad7,2025-01-01,12\n"
    )

    # Act
    series = _read(text, shipped)

    # Assert
    found = {(s.person, s.series_id): s.scores for s in series}
    assert found == {
        ("p1", "phq9"): [(datetime.date(2025, 1, 1), 18), (datetime.date(2025, 3, 1), 8)],
        ("p2", "gad7"): [(datetime.date(2025, 1, 2), 9)],
        ("p1", "gad7"): [(datetime.date(2025, 1, 1), 12)],
    }


def test_whole_number_scores_are_ints_and_others_stay_decimal(
    shipped: Mapping[str, Instrument],
) -> None:
    """A score written 16.0 is read as the int 16, and 2.5 stays a float."""
    # Arrange
    text = GOAL_HEADER + "p1,phq9,2025-01-01,16.0,\np1,gbo,2025-01-01,2.5,Sleep better\n"

    # Act
    series = {s.series_id: s for s in _read(text, shipped)}

    # Assert
    phq9_score = series["phq9"].scores[0][1]
    gbo_score = series["gbo.1"].scores[0][1]
    assert phq9_score == 16
    assert isinstance(phq9_score, int)
    assert gbo_score == 2.5


def test_goals_are_numbered_per_person_in_the_order_first_seen(
    shipped: Mapping[str, Instrument],
) -> None:
    """Each person's goals become gbo.1, gbo.2 in the order their words first appear."""
    # Arrange
    text = (
        GOAL_HEADER
        + "p1,gbo,2025-01-01,2,Walk to the shop\n"
        + "p2,gbo,2025-01-01,5,Call my sister\n"
        + "p1,gbo,2025-01-01,4,Cook a meal\n"
        + "p1,gbo,2025-02-01,6,Walk to the shop\n"
    )

    # Act
    series = _read(text, shipped)

    # Assert
    found = {(s.person, s.series_id): (s.goal, len(s.scores)) for s in series}
    assert found == {
        ("p1", "gbo.1"): ("Walk to the shop", 2),
        ("p2", "gbo.1"): ("Call my sister", 1),
        ("p1", "gbo.2"): ("Cook a meal", 1),
    }
    assert all(s.instrument.id == "gbo" for s in series)


def test_an_ons4_item_is_read_as_its_own_series(shipped: Mapping[str, Instrument]) -> None:
    """`ons4.anxious` names one ONS4 item series, scored by that item's instrument."""
    # Arrange
    text = HEADER + "p1,ons4.anxious,2025-01-01,7\n"

    # Act
    (series,) = _read(text, shipped)

    # Assert
    assert series.series_id == "ons4.anxious"
    assert series.instrument.higher_is_better is False


def test_the_whole_ons4_instrument_is_refused_because_it_has_no_total(
    shipped: Mapping[str, Instrument],
) -> None:
    """`ons4` alone is an unknown series, and the message lists the item series to use."""
    # Arrange
    text = HEADER + "p1,ons4,2025-01-01,7\n"

    # Act
    problems = _problems(text, shipped)

    # Assert
    assert len(problems) == 1
    assert problems[0].startswith("line 2, column instrument:")
    assert "ons4.anxious" in problems[0]


def test_a_byte_order_mark_blank_lines_and_padded_header_are_accepted(
    shipped: Mapping[str, Instrument],
) -> None:
    """A BOM, blank lines and spaced, capitalised column names do not stop the file being read."""
    # Arrange
    text = "\ufeff Person , Instrument,DATE, score\n\np1,phq9,2025-01-01,18\n,,,\n"

    # Act
    (series,) = _read(text, shipped)

    # Assert
    assert series.person == "p1"
    assert series.scores == [(datetime.date(2025, 1, 1), 18)]


@pytest.mark.parametrize("newline", ["\r\n", "\r"], ids=["crlf", "lone-cr"])
def test_windows_and_old_mac_line_endings_are_read_as_line_breaks(
    shipped: Mapping[str, Instrument], newline: str
) -> None:
    """Files ending lines with CR LF or a lone CR read the same as with LF."""
    # Arrange
    rows = ["person,instrument,date,score", "p1,phq9,2025-01-01,18", "p1,phq9,2025-02-01,8"]
    text = newline.join(rows) + newline

    # Act
    (series,) = _read(text, shipped)

    # Assert
    assert [score for _, score in series.scores] == [18, 8]


def test_a_line_break_inside_a_quoted_goal_counts_towards_later_line_numbers(
    shipped: Mapping[str, Instrument],
) -> None:
    """A problem after a quoted two-line cell is reported on its real line in the file."""
    # Arrange
    text = GOAL_HEADER + 'p1,gbo,2025-01-01,5,"Go\noutside"\n' + "p1,gbo,2025-02-01,50,Go\n"

    # Act
    problems = _problems(text, shipped)

    # Assert
    assert len(problems) == 1
    assert problems[0].startswith("line 4, column score:")


def test_a_cell_too_long_for_the_csv_reader_is_a_problem_not_a_crash(
    shipped: Mapping[str, Instrument],
) -> None:
    """A cell longer than the csv module's limit is reported on its line."""
    # Arrange
    text = HEADER + "p1,phq9,2025-01-01,5\n" + '"' + "x" * 200_000 + '",phq9,2025-01-01,5\n'

    # Act
    problems = _problems(text, shipped)

    # Assert
    assert len(problems) == 1
    assert problems[0].startswith("line 3, column *:")
    assert "field limit" in problems[0]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("p1,phq9,2025/01/03,5", "line 2, column date: got '2025/01/03'"),
        ("p1,phq9,2026-02-30,5", "line 2, column date: got '2026-02-30'"),
        ("p1,phq9,2025-1-3,5", "line 2, column date: got '2025-1-3'"),
        ("p1,phq9,2025-01-01,28", "line 2, column score: got '28'; expected a number from 0 to 27"),
        ("p1,phq9,2025-01-01,-1", "line 2, column score: got '-1'"),
        ("p1,phq9,2025-01-01,nan", "line 2, column score: got 'nan'"),
        ("p1,phq9,2025-01-01,inf", "line 2, column score: got 'inf'"),
        ("p1,phq9,2025-01-01,five", "line 2, column score: got 'five'"),
        ("p1,phq10,2025-01-01,5", "line 2, column instrument: got 'phq10'"),
        (",phq9,2025-01-01,5", "line 2, column person: empty"),
        ("p1,phq9,2025-01-01", "line 2, column *: got 3 cells; expected 4"),
        ("p1,phq9,2025-01-01,5,extra", "line 2, column *: got 5 cells; expected 4"),
    ],
    ids=[
        "slashed-date",
        "impossible-date",
        "unpadded-date",
        "above-range",
        "below-range",
        "nan",
        "infinity",
        "not-a-number",
        "unknown-instrument",
        "no-person",
        "too-few-cells",
        "too-many-cells",
    ],
)
def test_a_bad_row_is_reported_by_line_and_column(
    shipped: Mapping[str, Instrument], row: str, expected: str
) -> None:
    """Each kind of bad cell gives one problem that names its line and column."""
    # Arrange
    text = HEADER + row + "\n"

    # Act
    problems = _problems(text, shipped)

    # Assert
    assert len(problems) == 1
    assert problems[0].startswith(expected)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("p1,gbo,2025-01-01,5,", "line 2, column goal: empty"),
        ("p1,phq9,2025-01-01,5,Sleep better", "line 2, column goal: a goal belongs only"),
    ],
    ids=["gbo-without-goal", "goal-on-phq9"],
)
def test_a_goal_must_come_with_gbo_and_only_with_gbo(
    shipped: Mapping[str, Instrument], row: str, expected: str
) -> None:
    """A gbo score needs its goal, and a goal on any other instrument is refused."""
    # Arrange
    text = GOAL_HEADER + row + "\n"

    # Act
    problems = _problems(text, shipped)

    # Assert
    assert len(problems) == 1
    assert problems[0].startswith(expected)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("person,instrument,date", "line 1: the column 'score' is missing"),
        ("person,instrument,date,score,notes", "line 1, column 5: unknown column 'notes'"),
        ("person,instrument,date,score,score", "line 1: a column name appears twice"),
    ],
    ids=["missing-column", "unknown-column", "repeated-column"],
)
def test_a_bad_header_is_reported_on_line_one(
    shipped: Mapping[str, Instrument], header: str, expected: str
) -> None:
    """A header that is missing, adds or repeats a column is reported on line 1."""
    # Arrange
    text = header + "\np1,phq9,2025-01-01,5,x\n"

    # Act
    problems = _problems(text, shipped)

    # Assert
    assert any(problem.startswith(expected) for problem in problems), problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [("", "the file is empty"), (HEADER, "there are no scores after the header")],
    ids=["empty", "header-only"],
)
def test_a_file_without_scores_is_refused(
    shipped: Mapping[str, Instrument], text: str, expected: str
) -> None:
    """An empty file, or one with only the header, is an error rather than an empty report."""
    # Act
    problems = _problems(text, shipped)

    # Assert
    assert len(problems) == 1
    assert problems[0].startswith(expected)


def test_every_problem_is_collected_not_only_the_first(shipped: Mapping[str, Instrument]) -> None:
    """Problems on several lines are all reported, each with its own line number."""
    # Arrange
    text = HEADER + "p1,phq9,2025-01-01,5\np1,phq9,2026-02-30,5\np1,gad7,2025-01-01,22\n"

    # Act
    problems = _problems(text, shipped)

    # Assert
    assert [p.split(":")[0] for p in problems] == ["line 3, column date", "line 4, column score"]


def test_the_message_shows_twenty_problems_and_counts_the_rest(
    shipped: Mapping[str, Instrument],
) -> None:
    """With 25 bad rows the message names the first 20 and says 5 more were found."""
    # Arrange
    text = HEADER + "p1,phq9,2025-01-01,99\n" * 25

    # Act
    with pytest.raises(ScoresFileError) as caught:
        _read(text, shipped)

    # Assert
    lines = str(caught.value).splitlines()
    assert len(caught.value.problems) == 25
    assert len(lines) == 21
    assert all(line.startswith("scores.csv: line ") for line in lines[:20])
    assert lines[-1] == "scores.csv: … and 5 more problems"
