"""A relationship imported from a case file exports to a file that assesses exactly the same."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mutuality.entry import main
from mutuality.framework import assess, load_case, validate_case
from mutuality.web.accounts.models import Organisation
from mutuality.web.audit.models import AuditEvent
from mutuality.web.relationships.case_io import export_yaml, import_case, to_case
from mutuality.web.relationships.models import Relationship

ROOT = Path(__file__).resolve().parents[2]
CASE_FILES = sorted((ROOT / "examples").glob("*.yaml")) + sorted(
    (ROOT.parent / "shared" / "examples").glob("*.yaml")
)


@pytest.mark.django_db
@pytest.mark.parametrize("path", CASE_FILES, ids=[p.name for p in CASE_FILES])
def test_export_of_an_import_assesses_like_the_original(path: Path) -> None:
    """Import then export is lossless: the exported file's assessment equals the original's
    (an omitted contrast comes back omitted, and `contrast: []` as `[]`)."""
    original = load_case(path)
    organisation = Organisation.objects.create(slug="trust", name="Trust")

    relationship = import_case(original, organisation)
    exported = validate_case(yaml.safe_load(export_yaml(relationship)), "export")

    assert assess(exported).to_dict() == assess(original).to_dict()
    assert assess(to_case(relationship)).to_dict() == assess(original).to_dict()


def test_there_are_case_files_to_round_trip() -> None:
    """The project's examples are found, and the shared ones when the shared folder is beside
    the project, so the round trip is exercised."""
    shared = ROOT.parent / "shared" / "examples"
    assert len(CASE_FILES) >= (11 if shared.is_dir() else 9)


@pytest.mark.django_db(transaction=True)
def test_import_command_prints_one_line_per_file_and_creates_the_organisation(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`mutuality import` creates the organisation if missing and prints `imported <id> <title>`."""
    files = [str(p) for p in CASE_FILES[:2]]

    code = main(["import", *files, "--organisation", "north-trust"])

    out = capsys.readouterr().out.splitlines()
    relationships = list(Relationship.objects.order_by("pk"))
    assert code == 0
    assert out == [f"imported {r.pk} {r.title}" for r in relationships]
    assert {r.organisation.slug for r in relationships} == {"north-trust"}
    assert AuditEvent.objects.filter(action="import").count() == 2


@pytest.mark.django_db(transaction=True)
def test_import_command_reports_an_invalid_file_and_imports_the_rest(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An invalid file gives exit 2 with its problem on stderr; the valid file is imported."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("mutuality: 1\ntitle: x\n", encoding="utf-8")

    code = main(["import", str(bad), str(CASE_FILES[0]), "--organisation", "trust"])

    captured = capsys.readouterr()
    assert code == 2
    assert f"{bad}: participants" in captured.err
    assert captured.out.startswith("imported ")
    assert Relationship.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_export_command_prints_the_case_file(capsys: pytest.CaptureFixture[str]) -> None:
    """`mutuality export ID` prints YAML that is a valid case with the relationship's title."""
    organisation = Organisation.objects.create(slug="trust", name="Trust")
    relationship = import_case(load_case(CASE_FILES[0]), organisation)

    code = main(["export", str(relationship.pk)])

    data = yaml.safe_load(capsys.readouterr().out)
    assert code == 0
    assert validate_case(data, "export").title == relationship.title


@pytest.mark.django_db(transaction=True)
def test_export_of_an_unknown_id_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """Exporting an id that does not exist is a clear error, not a traceback."""
    code = main(["export", "999"])

    assert code == 2
    assert "no relationship with id 999" in capsys.readouterr().err


@pytest.mark.django_db
def test_a_participants_display_name_is_kept_and_exported() -> None:
    """`participants[].name`, in any script, is stored and comes back in the export."""
    data = yaml.safe_load((ROOT / "examples" / "fathers-walking-group.yaml").read_text())
    data["participants"][0]["name"] = "Priya Ó Súilleabháin"
    data["participants"][1]["name"] = "Tomasz Wiśniewski"
    organisation = Organisation.objects.create(slug="trust", name="Trust")

    relationship = import_case(validate_case(data, "a file"), organisation)

    exported = yaml.safe_load(export_yaml(relationship))
    assert [p.get("name") for p in exported["participants"]] == [
        "Priya Ó Súilleabháin",
        "Tomasz Wiśniewski",
    ]
