"""The `mutuality` command line: sub-commands, output formats, exit codes and error messages."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mutuality.cli import main
from mutuality.framework import SEVERITIES, registered_rules
from mutuality.framework._render import HEADLINES

CaseFactory = Callable[[], dict[str, Any]]
CaseWriter = Callable[..., Path]

EXPECTED_RECOMMENDATIONS = {
    "hearing-voices-group.yaml": "proceed",
    "probation-group.yaml": "alternative_model",
    "peer-worker-friendship.yaml": "consult",
    "schema-therapy-goals.yaml": "proceed_with_safeguards",
    "no-change-after-a-year.yaml": "consult",
}


def _run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _installed_command() -> str:
    beside = Path(sys.executable).with_name("mutuality")
    found = str(beside) if beside.exists() else shutil.which("mutuality")
    if found is None:  # pragma: no cover - the project is installed into .venv by `make setup`
        pytest.skip("the `mutuality` command is not installed")
    return found


@pytest.mark.parametrize(("name", "recommendation"), sorted(EXPECTED_RECOMMENDATIONS.items()))
def test_shared_examples_give_their_expected_recommendation(
    capsys: pytest.CaptureFixture[str], examples_dir: Path, name: str, recommendation: str
) -> None:
    """Each shared example is assessed to the recommendation its README gives."""
    # Arrange
    path = examples_dir / name

    # Act
    code, out, err = _run(capsys, "assess", path, "--format", "json")

    # Assert
    assert code == 0, err
    assert json.loads(out)["recommendation"] == recommendation


def test_one_file_as_json_prints_exactly_one_object(
    capsys: pytest.CaptureFixture[str], examples_dir: Path
) -> None:
    """A single file with `--format json` prints one JSON object that parses whole."""
    # Arrange
    path = examples_dir / "hearing-voices-group.yaml"

    # Act
    code, out, err = _run(capsys, "assess", path, "--format", "json")

    # Assert
    assert code == 0
    assert err == ""
    assessment = json.loads(out)
    assert isinstance(assessment, dict)
    assert assessment["format"] == "mutuality.assessment/1"
    assert set(assessment["principles"]) == {"respect", "competence", "responsibility", "integrity"}


def test_a_directory_as_json_prints_one_line_per_case(
    capsys: pytest.CaptureFixture[str], examples_dir: Path
) -> None:
    """A directory with `--format json` prints JSON Lines, one object per case file."""
    # Arrange
    expected_count = len(list(examples_dir.glob("*.yaml")))

    # Act
    code, out, _ = _run(capsys, "assess", examples_dir, "--format", "json")

    # Assert
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == expected_count
    recommendations = sorted(json.loads(line)["recommendation"] for line in lines)
    assert recommendations == sorted(EXPECTED_RECOMMENDATIONS.values())


def test_several_files_as_json_print_json_lines_in_order(
    capsys: pytest.CaptureFixture[str], examples_dir: Path
) -> None:
    """Two files with `--format json` print two lines, in the order given."""
    # Arrange
    first = examples_dir / "probation-group.yaml"
    second = examples_dir / "hearing-voices-group.yaml"

    # Act
    code, out, _ = _run(capsys, "assess", first, second, "--format", "json")

    # Assert
    assert code == 0
    lines = out.splitlines()
    assert [json.loads(line)["recommendation"] for line in lines] == [
        "alternative_model",
        "proceed",
    ]


def test_as_of_overrides_the_cases_date(
    capsys: pytest.CaptureFixture[str], examples_dir: Path
) -> None:
    """`--as-of` replaces the case's own `as_of` in the assessment."""
    # Arrange
    path = examples_dir / "hearing-voices-group.yaml"

    # Act
    code, out, _ = _run(capsys, "assess", path, "--format", "json", "--as-of", "2027-01-31")

    # Assert
    assert code == 0
    assert json.loads(out)["as_of"] == "2027-01-31"


@pytest.mark.parametrize("value", ["2026-02-30", "31/01/2027", "soon"])
def test_invalid_as_of_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], examples_dir: Path, value: str
) -> None:
    """A bad `--as-of` gives exit 2 and a message naming the option, with no traceback."""
    # Arrange
    path = examples_dir / "hearing-voices-group.yaml"

    # Act
    code, out, err = _run(capsys, "assess", path, "--as-of", value)

    # Assert
    assert code == 2
    assert out == ""
    assert "--as-of" in err
    assert "Traceback" not in err


def test_invalid_file_among_valid_ones_still_assesses_the_rest(
    capsys: pytest.CaptureFixture[str],
    examples_dir: Path,
    clean_case: CaseFactory,
    write_case: CaseWriter,
) -> None:
    """One invalid file gives exit 2 with its problems on stderr; valid ones are still printed."""
    # Arrange
    case = clean_case()
    case["participants"][1]["consent"] = "maybe"
    invalid = write_case(case, "invalid.yaml")
    valid = examples_dir / "hearing-voices-group.yaml"

    # Act
    code, out, err = _run(capsys, "assess", invalid, valid, "--format", "json")

    # Assert
    assert code == 2
    assert f"{invalid}: participants[1].consent: got 'maybe'" in err
    assert "Traceback" not in err
    assert [json.loads(line)["recommendation"] for line in out.splitlines()] == ["proceed"]


def test_text_report_puts_the_recommendation_first(
    capsys: pytest.CaptureFixture[str], examples_dir: Path
) -> None:
    """The text report states the recommendation before the principles and findings."""
    # Arrange
    path = examples_dir / "peer-worker-friendship.yaml"

    # Act
    code, out, _ = _run(capsys, "assess", path)

    # Assert
    assert code == 0
    headline = out.index(HEADLINES["consult"])
    assert headline < out.index("Respect")
    assert headline < out.index("integrity.multiple_roles")


def test_markdown_report_puts_the_recommendation_first(
    capsys: pytest.CaptureFixture[str], examples_dir: Path
) -> None:
    """The Markdown report states the recommendation before the principles and findings."""
    # Arrange
    path = examples_dir / "probation-group.yaml"

    # Act
    code, out, _ = _run(capsys, "assess", path, "--format", "markdown")

    # Assert
    assert code == 0
    assert out.startswith("# ")
    headline = out.index(HEADLINES["alternative_model"])
    assert headline < out.index("Respect")
    assert headline < out.index("respect.court_ordered")


def test_text_reports_of_a_directory_cover_every_case(
    capsys: pytest.CaptureFixture[str], examples_dir: Path
) -> None:
    """Text reports of several cases are all printed, each with its title."""
    # Arrange
    titles = [
        line.removeprefix("title: ").strip()
        for path in sorted(examples_dir.glob("*.yaml"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("title: ")
    ]

    # Act
    code, out, _ = _run(capsys, "assess", examples_dir)

    # Assert
    assert code == 0
    assert all(title in out for title in titles)


def test_policy_file_changes_the_scrutiny_level(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    clean_case: CaseFactory,
    write_case: CaseWriter,
) -> None:
    """`[scrutiny] enhanced_from_contrast = 1` raises a contrast-1 case to enhanced."""
    # Arrange
    case = clean_case()
    # Its professional's recorded self-disclosure counts as an indicator (format 1.1), so
    # declaring that one alone leaves a contrast of 1.
    case["contrast"] = ["professional_self_disclosure"]
    path = write_case(case)
    policy = tmp_path / "policy.toml"
    policy.write_text("[scrutiny]\nenhanced_from_contrast = 1\n", encoding="utf-8")

    # Act
    _, default_out, _ = _run(capsys, "assess", path, "--format", "json")
    code, out, err = _run(capsys, "assess", path, "--format", "json", "--policy", policy)

    # Assert
    assert code == 0, err
    assert json.loads(default_out)["scrutiny"]["level"] == "standard"
    assert json.loads(out)["scrutiny"]["level"] == "enhanced"


@pytest.mark.parametrize(
    ("policy_text", "key"),
    [
        ("[scrutiny]\nenhanced_from_contrst = 1\n", "enhanced_from_contrst"),
        (
            "[scrutiny]\nenhanced_from_contrast = 4\nintensive_from_contrast = 2\n",
            "intensive_from_contrast",
        ),
        ("[scrutiny]\nenhanced_from_contrast = 0\n", "enhanced_from_contrast"),
        ("[scrutiny\n", "TOML"),
    ],
    ids=["unknown-key", "not-monotonic", "out-of-range", "not-toml"],
)
def test_invalid_policy_is_refused_naming_the_key(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    examples_dir: Path,
    policy_text: str,
    key: str,
) -> None:
    """An invalid policy gives exit 2 and a message naming the offending key."""
    # Arrange
    policy = tmp_path / "policy.toml"
    policy.write_text(policy_text, encoding="utf-8")

    # Act
    code, out, err = _run(
        capsys, "assess", examples_dir / "hearing-voices-group.yaml", "--policy", policy
    )

    # Assert
    assert code == 2
    assert out == ""
    assert str(policy) in err
    assert key in err
    assert "Traceback" not in err


def test_missing_policy_file_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, examples_dir: Path
) -> None:
    """A policy path that does not exist gives exit 2, naming the file."""
    # Arrange
    policy = tmp_path / "absent.toml"

    # Act
    code, _, err = _run(
        capsys, "assess", examples_dir / "hearing-voices-group.yaml", "--policy", policy
    )

    # Assert
    assert code == 2
    assert str(policy) in err


def test_validate_reports_each_valid_file(
    capsys: pytest.CaptureFixture[str], examples_dir: Path
) -> None:
    """`validate` on the examples prints each file as valid and exits 0."""
    # Arrange
    files = sorted(examples_dir.glob("*.yaml"))

    # Act
    code, out, err = _run(capsys, "validate", examples_dir)

    # Assert
    assert code == 0, err
    assert out.splitlines() == [f"{path}: valid" for path in files]


def test_validate_reports_problems_with_paths_and_exit_2(
    capsys: pytest.CaptureFixture[str], clean_case: CaseFactory, write_case: CaseWriter
) -> None:
    """`validate` prints every problem with its file and field path, and exits 2."""
    # Arrange
    case = clean_case()
    case["contract"]["agreed_by"] = ["alex", "nobody"]
    case["stage"] = "paused"
    path = write_case(case, "bad.json")

    # Act
    code, out, err = _run(capsys, "validate", path)

    # Assert
    assert code == 2
    assert out == ""
    assert f"{path}: stage: got 'paused'" in err


def test_an_answer_outside_a_new_questions_values_exits_2_naming_the_field(
    capsys: pytest.CaptureFixture[str], clean_case: CaseFactory, write_case: CaseWriter
) -> None:
    """`maybe` to money_between_us (format 1.1) is exit 2 with the field, value and options."""
    # Arrange
    case = clean_case()
    case["participants"][0]["answers"] = {"money_between_us": "maybe"}
    path = write_case(case)

    # Act
    code, out, err = _run(capsys, "assess", path)

    # Assert
    assert code == 2
    assert out == ""
    assert (
        f"{path}: participants[0].answers.money_between_us: got 'maybe'; expected one of: yes, no"
    ) in err.splitlines()
    assert "Traceback" not in err


def test_an_omitted_contrast_is_reported_and_an_empty_one_is_not(
    capsys: pytest.CaptureFixture[str], clean_case: CaseFactory, write_case: CaseWriter
) -> None:
    """Leaving `contrast` out raises contrast_unexamined; `contrast: []` does not (format 1.1)."""
    # Arrange
    omitted = clean_case()
    del omitted["contrast"]
    empty = clean_case()
    empty["contrast"] = []
    paths = [write_case(omitted, "omitted.yaml"), write_case(empty, "empty.yaml")]

    # Act
    code, out, err = _run(capsys, "assess", *paths, "--format", "json")

    # Assert
    assert code == 0, err
    codes = [{f["code"] for f in json.loads(line)["findings"]} for line in out.splitlines()]
    assert "competence.contrast_unexamined" in codes[0]
    assert "competence.contrast_unexamined" not in codes[1]


def test_empty_directory_has_no_case_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A directory without case files is an error, not a silent success."""
    # Arrange
    (tmp_path / "notes.txt").write_text("not a case", encoding="utf-8")

    # Act
    code, out, err = _run(capsys, "assess", tmp_path)

    # Assert
    assert code == 2
    assert out == ""
    assert "no case files found" in err


def test_missing_case_file_is_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A case path that does not exist gives exit 2 and names the file."""
    # Arrange
    path = tmp_path / "absent.yaml"

    # Act
    code, _, err = _run(capsys, "assess", path, "--format", "json")

    # Assert
    assert code == 2
    assert f"{path}: cannot read the file" in err


def test_schema_is_json_with_the_case_fields(capsys: pytest.CaptureFixture[str]) -> None:
    """`schema` prints valid JSON Schema whose properties include the case sections."""
    # Arrange
    required = {"participants", "contract", "outcomes", "mutuality", "title"}

    # Act
    code, out, _ = _run(capsys, "schema")

    # Assert
    assert code == 0
    schema = json.loads(out)
    assert required <= set(schema["properties"])


def test_rules_as_json_list_every_registered_rule(capsys: pytest.CaptureFixture[str]) -> None:
    """`rules --format json` lists each rule with its code, principle, severity and basis."""
    # Arrange
    codes = {rule.code for rule in registered_rules()}

    # Act
    code, out, _ = _run(capsys, "rules", "--format", "json")

    # Assert
    assert code == 0
    entries = json.loads(out)
    assert {entry["code"] for entry in entries} == codes
    for entry in entries:
        assert {"code", "principle", "severity", "basis"} <= set(entry)
        assert entry["code"].startswith(entry["principle"] + ".")
        assert (
            entry["severity"].split()[0] in SEVERITIES
        )  # catalogue text, e.g. "advisory / concern"
        assert entry["basis"]


def test_rules_as_text_name_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    """`rules` in text lists every code under its principle, with its severity."""
    # Arrange
    rules = registered_rules()

    # Act
    code, out, _ = _run(capsys, "rules")

    # Assert
    assert code == 0
    for rule in rules:
        assert f"{rule.code}  [{rule.severity}]" in out


def test_questions_as_json_give_both_wordings(capsys: pytest.CaptureFixture[str]) -> None:
    """`questions --format json` gives each question with both roles' wording and its answers."""
    # Arrange
    roles = {"professional", "recipient"}

    # Act
    code, out, _ = _run(capsys, "questions", "--format", "json")

    # Assert
    assert code == 0
    questions = json.loads(out)
    assert questions
    for question in questions:
        assert set(question["wording"]) == roles
        assert question["answers"]
    indicates = {q["id"]: q["indicates"] for q in questions if q["indicates"]}
    assert indicates == {
        "contact_outside": "contact_outside_sessions",
        "shared_decisions": "shared_clinical_decisions",
        "money_between_us": "payment_between_participants",
        "personal_sharing": "professional_self_disclosure",
        "informal_places": "informal_setting",
        "confidentiality_differs": "altered_confidentiality",
    }


@pytest.mark.parametrize("role", ["professional", "recipient"])
def test_questions_for_one_role_show_only_that_wording(
    capsys: pytest.CaptureFixture[str], role: str
) -> None:
    """`questions --role` shows only that role's wording, in text and JSON."""
    # Arrange
    other = "recipient" if role == "professional" else "professional"

    # Act
    text_code, text, _ = _run(capsys, "questions", "--role", role)
    json_code, out, _ = _run(capsys, "questions", "--role", role, "--format", "json")

    # Assert
    assert (text_code, json_code) == (0, 0)
    assert f"  {role}: " in text
    assert f"  {other}: " not in text
    assert all(set(q["wording"]) == {role} for q in json.loads(out))


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["bogus"],
        ["assess"],
        ["assess", "x.yaml", "--format", "xml"],
        ["rules", "--format", "yaml"],
        ["questions", "--role", "nobody"],
        ["assess", "x.yaml", "--no-such-option"],
    ],
    ids=[
        "no-args",
        "unknown-command",
        "no-paths",
        "bad-format",
        "bad-list-format",
        "bad-role",
        "unknown-option",
    ],
)
def test_usage_errors_give_exit_2_and_no_traceback(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    """Command-line misuse gives exit 2 and a message on stderr, never a traceback."""
    # Arrange
    args = list(argv)

    # Act
    code, out, err = _run(capsys, *args)

    # Assert
    assert code == 2
    assert "Usage:" in out + err
    assert "Traceback" not in err
    if args:
        assert out == ""


def test_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    """`--help` lists the sub-commands and exits 0."""
    # Arrange
    commands = ["assess", "validate", "schema", "rules", "questions"]

    # Act
    code, out, _ = _run(capsys, "--help")

    # Assert
    assert code == 0
    assert all(command in out for command in commands)


def test_installed_command_reports_bad_input_without_a_traceback(
    tmp_path: Path, examples_dir: Path
) -> None:
    """The installed `mutuality` exits 2 with plain messages for a bad file and a bad option."""
    # Arrange
    command = _installed_command()
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"mutuality: 1\ntitle: [unclosed\n\xff")

    # Act
    bad_file = subprocess.run(
        [command, "assess", str(bad), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    bad_option = subprocess.run(
        [command, "assess", str(examples_dir), "--format", "xml"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # Assert
    assert bad_file.returncode == 2
    assert str(bad) in bad_file.stderr
    assert "Traceback" not in bad_file.stderr
    assert bad_option.returncode == 2
    assert "Traceback" not in bad_option.stderr


def test_installed_command_assesses_a_directory(examples_dir: Path) -> None:
    """The installed `mutuality` assesses the examples as JSON Lines and exits 0."""
    # Arrange
    command = _installed_command()

    # Act
    result = subprocess.run(
        [command, "assess", str(examples_dir), "--format", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # Assert
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stdout.splitlines()) == len(EXPECTED_RECOMMENDATIONS)


def test_several_files_in_text_mode_show_progress_on_stderr(
    capsys: pytest.CaptureFixture[str], examples_dir: Path
) -> None:
    """Assessing several files as text reports progress (files done of total) on stderr."""
    # Act
    code, out, err = _run(capsys, "assess", examples_dir)

    # Assert
    total = len(list(examples_dir.glob("*.yaml")))
    assert code == 0
    assert "Assessing" in err
    assert f"{total}/{total}" in err
    assert "Assessing" not in out


def test_json_lines_mode_keeps_stderr_quiet(
    capsys: pytest.CaptureFixture[str], examples_dir: Path
) -> None:
    """JSON Lines output shows no progress bar, so stderr carries only problems."""
    # Act
    code, _, err = _run(capsys, "assess", examples_dir, "--format", "json")

    # Assert
    assert code == 0
    assert err == ""
