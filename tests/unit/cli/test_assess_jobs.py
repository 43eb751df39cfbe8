"""`mutuality assess --jobs`: several processes give the very output one process gives."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from mutuality.cli import _assessing, main
from mutuality.framework import DEFAULT_POLICY

CaseFactory = Callable[[], dict[str, Any]]


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def many_cases(tmp_path: Path, clean_case: CaseFactory) -> Path:
    """A folder of thirteen case files: YAML and JSON, varied, and two that are invalid."""
    folder = tmp_path / "cases"
    folder.mkdir()
    for number in range(11):
        case = clean_case()
        case["title"] = f"Case {number}"
        case["as_of"] = f"2026-12-{number + 1:02d}"
        case["scrutiny"]["supervision_every_days"] = 14 + number * 7
        if number % 3 == 0:
            (folder / f"case-{number:02d}.json").write_text(json.dumps(case), encoding="utf-8")
        else:
            (folder / f"case-{number:02d}.yaml").write_text(yaml.safe_dump(case), "utf-8")
    (folder / "case-04-bad.yaml").write_text("mutuality: 1\nmutuality: 1\n", encoding="utf-8")
    (folder / "case-08-bad.json").write_text('{"mutuality": 1, "title": NaN}', encoding="utf-8")
    return folder


@pytest.mark.parametrize("jobs", ["2", "3", "20"])
def test_several_jobs_give_the_output_of_one(
    capsys: pytest.CaptureFixture[str], many_cases: Path, jobs: str
) -> None:
    """Reports, problems and the exit code are the same, in the same order, with any --jobs."""
    # Arrange
    expected = _run(capsys, "assess", many_cases, "--format", "json", "--jobs", "1")

    # Act
    result = _run(capsys, "assess", many_cases, "--format", "json", "--jobs", jobs)

    # Assert
    assert result == expected
    assert result[0] == 2
    assert len(result[1].splitlines()) == 11
    assert result[2].count("\n") == 2


def test_several_jobs_give_the_text_reports_of_one(
    capsys: pytest.CaptureFixture[str], many_cases: Path
) -> None:
    """Text reports printed by several processes read exactly as those of one."""
    # Arrange
    expected = _run(capsys, "assess", many_cases, "--jobs", "1")[1]

    # Act
    out = _run(capsys, "assess", many_cases, "--jobs", "2")[1]

    # Assert
    assert out == expected
    assert [f"Case {n}" in out for n in range(11)] == [True] * 11


def test_default_jobs_give_the_output_of_one(
    capsys: pytest.CaptureFixture[str], many_cases: Path
) -> None:
    """Without --jobs (one process per core) the output is that of one process."""
    # Arrange
    expected = _run(capsys, "assess", many_cases, "--format", "json", "--jobs", "1")

    # Act
    result = _run(capsys, "assess", many_cases, "--format", "json")

    # Assert
    assert result == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [("0", "greater than or equal to 1"), ("-2", "greater than or equal to 1"), ("all", "integer")],
)
def test_a_bad_number_of_jobs_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], many_cases: Path, value: str, reason: str
) -> None:
    """`--jobs` below one, or not a number, exits 2 naming the option and why."""
    # Act
    code, out, err = _run(capsys, "assess", many_cases, "--jobs", value)

    # Assert
    assert code == 2
    assert out == ""
    assert "--jobs" in err
    assert reason in err
    assert "Traceback" not in err


def test_json_and_yaml_files_of_one_case_give_one_report(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, clean_case: CaseFactory
) -> None:
    """A case read from its JSON file is assessed exactly as from its YAML file."""
    # Arrange
    case = clean_case()
    (tmp_path / "a.yaml").write_text(yaml.safe_dump(case), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(case, indent=1), encoding="utf-8")

    # Act
    code, out, _ = _run(capsys, "assess", tmp_path, "--format", "json")

    # Assert
    from_yaml, from_json = out.splitlines()
    assert code == 0
    assert from_json == from_yaml


@pytest.mark.skipif(
    multiprocessing.get_start_method() != "fork", reason="the stand-in reaches workers by fork"
)
def test_files_are_spread_over_as_many_processes_as_jobs(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """With --jobs 2 the files after the first are assessed in two other processes."""
    # Arrange
    files = [tmp_path / f"case-{n:02d}.yaml" for n in range(24)]

    def where_assessed(job: _assessing.Job, path: Path) -> _assessing.Result:
        time.sleep(0.025)  # long enough that both workers are given files
        return _assessing.Result(str(os.getpid()), True)

    monkeypatch.setattr(_assessing, "assess_file", where_assessed)
    job = _assessing.Job(_assessing.ReportFormat.json, DEFAULT_POLICY, None, single=False)

    # Act
    with _assessing.assessed(job, files, 2) as results:
        processes = [int(result.text) for result in results]

    # Assert
    assert len(processes) == len(files)
    assert processes[0] == os.getpid()
    assert len(set(processes[1:])) == 2
    assert os.getpid() not in processes[1:]
