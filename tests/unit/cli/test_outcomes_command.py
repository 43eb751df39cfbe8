"""`mutuality outcomes SCORES.csv`: formats, the plot, and errors that name their line and column."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle  # R4B: the R4-compatible models for pydantic v2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mutuality.cli import main

INVALID = 2
HEADER = "person,instrument,date,score\n"
GOAL_HEADER = "person,instrument,date,score,goal\n"
SCORES = """\
person,instrument,date,score,goal
p1,phq9,2025-01-10,18,
p1,phq9,2025-03-10,8,
p1,gad7,2025-01-10,12,
p1,gad7,2025-03-10,6,
p2,phq9,2025-01-10,5,
p2,phq9,2025-06-10,12,
p2,gad7,2025-01-10,4,
p2,gad7,2025-06-10,9,
p3,who5,2025-01-05,32,
p3,who5,2025-02-01,44,
p3,gbo,2025-01-05,2,Walk to the shop
p3,gbo,2025-04-20,7,Walk to the shop
p3,gbo,2025-01-05,4,Call my sister
p3,ons4.anxious,2025-01-05,7,
"""
SCORE_COUNT = 14
CUSTOM_INSTRUMENT = """\
- id: service_scale
  name: Service wellbeing scale
  range: [0, 100]
  higher_is: better
  sd: 7.5
  reliability: 0.80
  clinical_mean: 40
  clinical_sd: 7.5
  normal_mean: 60
  normal_sd: 7.5
"""
CHANGES = {"reliable_improvement", "no_reliable_change", "reliable_deterioration", None}

FUZZ_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _write(tmp_path: Path, text: str | bytes, name: str = "scores.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (HEADER + "p1,phq9,2025-01-01,5\np1,phq9,03/01/2025,5\n", "line 3, column date"),
        (HEADER + "p1,phq9,2026-02-30,5\n", "line 2, column date"),
        (HEADER + "p1,phq9,2025-01-01,5\np1,phq9,2025-02-01,28\n", "line 3, column score"),
        (HEADER + "p1,gad7,2025-01-01,seven\n", "line 2, column score"),
        (HEADER + "p1,phq-9,2025-01-01,5\n", "line 2, column instrument"),
        ("person,instrument,date\np1,phq9,2025-01-01\n", "the column 'score' is missing"),
        (
            "person,instrument,date,score,notes\np1,phq9,2025-01-01,5,x\n",
            "line 1, column 5: unknown column 'notes'",
        ),
        (HEADER + "p1,phq9,2025-01-01\n", "line 2, column *: got 3 cells; expected 4"),
        ("", "the file is empty"),
        (HEADER, "there are no scores after the header"),
        (GOAL_HEADER + "p1,gbo,2025-01-01,5,\n", "line 2, column goal"),
        (GOAL_HEADER + "p1,phq9,2025-01-01,5,Sleep better\n", "line 2, column goal"),
        (HEADER.encode() + b"p\xe91,phq9,2025-01-01,5\n", "byte 30 is not UTF-8 text"),
    ],
    ids=[
        "bad-date",
        "impossible-date",
        "out-of-range-score",
        "non-number",
        "unknown-instrument",
        "missing-column",
        "unknown-column",
        "wrong-number-of-cells",
        "empty-file",
        "header-only",
        "gbo-without-goal",
        "goal-on-phq9",
        "not-utf-8",
    ],
)
def test_a_bad_scores_file_exits_2_with_a_located_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str | bytes, expected: str
) -> None:
    """Each kind of bad file exits 2, names the file and the place, and prints nothing on stdout."""
    # Arrange
    path = _write(tmp_path, content)

    # Act
    code, out, err = _run(capsys, "outcomes", path, "--format", "json")

    # Assert
    assert code == INVALID
    assert out == ""
    assert f"{path}: " in err
    assert expected in err
    assert "Traceback" not in err


def test_a_missing_scores_file_exits_2_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A scores file that does not exist is a message naming it, not a traceback."""
    # Arrange
    path = tmp_path / "nowhere.csv"

    # Act
    code, out, err = _run(capsys, "outcomes", path)

    # Assert
    assert code == INVALID
    assert out == ""
    assert err.startswith(f"{path}: cannot read it")
    assert "Traceback" not in err


def test_a_missing_instruments_file_exits_2_naming_it(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`--instruments` naming a file that does not exist exits 2 with its name."""
    # Arrange
    scores = _write(tmp_path, SCORES)
    missing = tmp_path / "missing.yaml"

    # Act
    code, out, err = _run(capsys, "outcomes", scores, "--instruments", missing)

    # Assert
    assert code == INVALID
    assert out == ""
    assert str(missing) in err


def test_a_plot_that_cannot_be_written_exits_2_with_a_message(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`--plot` into a folder that does not exist is a message naming the plot, not a traceback."""
    # Arrange
    scores = _write(tmp_path, SCORES)
    plot = tmp_path / "no-such-folder" / "plot.svg"

    # Act
    code, out, err = _run(capsys, "outcomes", scores, "--plot", plot)

    # Assert
    assert code == INVALID
    assert out == ""
    assert str(plot) in err
    assert not plot.exists()


def test_an_unknown_format_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`--format yaml` is refused with exit 2 before any file is read."""
    # Arrange
    scores = _write(tmp_path, SCORES)

    # Act
    code, out, err = _run(capsys, "outcomes", scores, "--format", "yaml")

    # Assert
    assert code == INVALID
    assert out == ""
    assert "yaml" in err


def test_json_prints_exactly_one_report_object(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`--format json` prints one object with the format tag and its four sections."""
    # Arrange
    scores = _write(tmp_path, SCORES)

    # Act
    code, out, err = _run(capsys, "outcomes", scores, "--format", "json")

    # Assert
    assert code == 0, err
    assert err == ""
    report = json.loads(out)
    assert isinstance(report, dict)
    assert report["format"] == "mutuality.outcomes/1"
    assert len(report["people"]) == 8
    assert [p["person"] for p in report["paired"]] == ["p1", "p2"]
    assert report["paired_rates"]["finished"] == 2
    assert report["paired_rates"]["reliable_improvement"] == pytest.approx(1 / 2)
    assert {g["instrument"] for g in report["groups"]} == {
        "phq9",
        "gad7",
        "who5",
        "gbo",
        "ons4.anxious",
    }


def test_json_numbers_goals_per_person(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """p3's two goals appear in the JSON as gbo.1 and gbo.2 with their own words."""
    # Arrange
    scores = _write(tmp_path, SCORES)

    # Act
    _, out, _ = _run(capsys, "outcomes", scores, "--format", "json")

    # Assert
    goals = {p["instrument"]: p["goal"] for p in json.loads(out)["people"] if "goal" in p}
    assert goals == {"gbo.1": "Walk to the shop", "gbo.2": "Call my sister"}


def test_a_custom_instrument_from_a_yaml_file_gives_the_worked_example(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """With `--instruments`, 32 → 52 on the worked-example scale has RCI 4.2164 and is recovered."""
    # Arrange
    instruments = _write(tmp_path, CUSTOM_INSTRUMENT, "instruments.yaml")
    scores = _write(
        tmp_path, HEADER + "p1,service_scale,2025-01-01,32\np1,service_scale,2025-04-01,52\n"
    )

    # Act
    code, out, err = _run(
        capsys, "outcomes", scores, "--instruments", instruments, "--format", "json"
    )

    # Assert
    assert code == 0, err
    (person,) = json.loads(out)["people"]
    assert person["instrument"] == "service_scale"
    assert person["rci"] == pytest.approx(4.2164, abs=5e-5)
    assert person["reliable_change_threshold"] == pytest.approx(9.2969, abs=5e-5)
    assert person["change"] == "reliable_improvement"
    assert person["category"] == "recovered"


def test_a_custom_instrument_is_unknown_without_its_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Without `--instruments` the custom id is an unknown instrument on its line."""
    # Arrange
    scores = _write(tmp_path, HEADER + "p1,service_scale,2025-01-01,32\n")

    # Act
    code, out, err = _run(capsys, "outcomes", scores)

    # Assert
    assert code == INVALID
    assert out == ""
    assert "line 2, column instrument: got 'service_scale'" in err


def test_fhir_prints_a_valid_r4_bundle_of_every_score(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`--format fhir` prints one Bundle that validates, with two entries per score."""
    # Arrange
    scores = _write(tmp_path, SCORES)

    # Act
    code, out, err = _run(capsys, "outcomes", scores, "--format", "fhir")

    # Assert
    assert code == 0, err
    data = json.loads(out)
    bundle = Bundle.model_validate(data)
    assert bundle.entry is not None
    assert len(bundle.entry) == 2 * SCORE_COUNT
    response_urls = {
        e["fullUrl"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "QuestionnaireResponse"
    }
    derived = [
        ref["reference"]
        for e in data["entry"]
        if e["resource"]["resourceType"] == "Observation"
        for ref in e["resource"]["derivedFrom"]
    ]
    assert len(response_urls) == SCORE_COUNT
    assert set(derived) == response_urls


def test_plot_writes_an_svg_with_one_panel_per_series(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`--plot` writes an accessible SVG with eight panels, and the report is still printed."""
    # Arrange
    scores = _write(tmp_path, SCORES)
    plot = tmp_path / "plot.svg"

    # Act
    code, out, err = _run(capsys, "outcomes", scores, "--plot", plot)

    # Assert
    assert code == 0, err
    root = ET.parse(plot).getroot()  # noqa: S314 - our own output, not untrusted input
    svg = "{http://www.w3.org/2000/svg}"
    assert root.attrib["role"] == "img"
    assert root.find(f"{svg}title") is not None
    assert root.find(f"{svg}desc") is not None
    panels = [g for g in root.iter(f"{svg}g") if "aria-label" in g.attrib]
    assert len(panels) == 8
    assert "Each person, first score to latest" in out


def test_text_shows_each_person_and_measure_in_tables(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The default text report has a row per person and series, then paired and group sections."""
    # Arrange
    scores = _write(tmp_path, SCORES)

    # Act
    code, out, err = _run(capsys, "outcomes", scores)

    # Assert
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "Each person, first score to latest"
    assert lines[1].split()[:3] == ["person", "measure", "first"]
    rows = [line.split()[:4] for line in lines[2:10]]
    assert rows == [
        ["p1", "phq9", "18", "8"],
        ["p1", "gad7", "12", "6"],
        ["p2", "phq9", "5", "12"],
        ["p2", "gad7", "4", "9"],
        ["p3", "who5", "32", "44"],
        ["p3", "gbo.1", "2", "7"],
        ["p3", "gbo.2", "4", "4"],
        ["p3", "ons4.anxious", "7", "7"],
    ]
    assert lines[10] == ""
    assert "PHQ-9 and GAD-7 together (NHS Talking Therapies rules)" in out
    assert "finished: 2; not at caseness at the start: 1" in out
    assert "Group change (people with two or more scores)" in out
    group_measures = {line.split()[0] for line in lines if line.startswith(("phq9 ", "who5 "))}
    assert group_measures == {"phq9", "who5"}
    assert "  phq9: reliable improvement 1 of 2 (50%" in out


_PEOPLE = st.sampled_from(["p1", "p2", "p3", "p4", "p5"])
_RANGES = {"phq9": 27, "gad7": 21, "who5": 100}
_DATES = st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def _valid_row(draw: st.DrawFn) -> tuple[str, str, str, int]:
    instrument = draw(st.sampled_from(sorted(_RANGES)))
    score = draw(st.integers(0, _RANGES[instrument]))
    return draw(_PEOPLE), instrument, draw(_DATES).isoformat(), score


_VALID_ROWS = st.lists(_valid_row(), min_size=1, max_size=30)
_CELLS = st.one_of(
    st.sampled_from(["p1", "phq9", "gad7", "gbo", "ons4.happy", "2025-01-01", "2026-02-30"]),
    st.sampled_from(["5", "-1", "1e3", "nan", "", " ", '"', ",", "\n", "\r", "\x00"]),
    st.text(max_size=12),
)
_GARBAGE_ROWS = st.lists(st.lists(_CELLS, min_size=0, max_size=6), min_size=0, max_size=8)


def _csv_text(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


@FUZZ_SETTINGS
@given(rows=_VALID_ROWS)
def test_random_valid_scores_always_give_a_sound_json_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, rows: list[tuple[str, str, str, int]]
) -> None:
    """In-range PHQ-9, GAD-7 and WHO-5 scores always exit 0 with well-formed changes and days."""
    # Arrange
    scores = _write(tmp_path, _csv_text(["person", "instrument", "date", "score"], rows))

    # Act
    code, out, err = _run(capsys, "outcomes", scores, "--format", "json")

    # Assert
    assert code == 0, err
    report = json.loads(out)
    people = report["people"]
    assert sum(p["n_scores"] for p in people) == len(rows)
    assert all(p["change"] in CHANGES for p in people)
    assert all(p["days"] >= 0 for p in people)
    rates = report["paired_rates"]
    for name in ("recovery", "reliable_recovery", "reliable_improvement", "reliable_deterioration"):
        assert rates[name] is None or 0 <= rates[name] <= 1


@FUZZ_SETTINGS
@given(
    header=st.sampled_from(
        [
            ["person", "instrument", "date", "score"],
            ["person", "instrument", "date", "score", "goal"],
        ]
    ),
    rows=_GARBAGE_ROWS,
    raw=st.text(max_size=40),
)
def test_random_garbage_rows_exit_0_or_2_and_never_crash(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    header: list[str],
    rows: list[list[str]],
    raw: str,
) -> None:
    """Garbage cells and raw text after a valid header give exit 0 or 2, with a message on 2."""
    # Arrange
    scores = _write(tmp_path, _csv_text(header, rows) + raw)
    plot = tmp_path / "plot.svg"
    plot.unlink(missing_ok=True)

    # Act
    code, out, err = _run(capsys, "outcomes", scores, "--format", "json", "--plot", plot)

    # Assert
    assert code in (0, INVALID)
    assert "Traceback" not in err
    if code == INVALID:
        assert out == ""
        assert err.startswith(f"{scores}: ")
        assert not plot.exists()
    else:
        assert json.loads(out)["format"] == "mutuality.outcomes/1"
        ET.parse(plot)  # noqa: S314 - our own output, not untrusted input
