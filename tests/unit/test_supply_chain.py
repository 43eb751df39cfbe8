"""The Python packages come from a lock file with hashes (`make setup` installs nothing else),
a CycloneDX bill of materials lists what is installed (`make sbom`, run in CI), and no locked
package has a published security advisory (`make audit`, where the advisories can be reached)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements.lock"
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _name(text: str) -> str:
    """A package's name as pip compares it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", text).lower()


def _pins() -> dict[str, tuple[str, list[str]]]:
    """Each locked package: its version and its hashes."""
    pins: dict[str, tuple[str, list[str]]] = {}
    current = ""
    for line in LOCK.read_text(encoding="utf-8").splitlines():
        if found := PIN.match(line):
            current = _name(found[1])
            pins[current] = (found[2], [])
        elif "--hash=sha256:" in line and current:
            pins[current][1].append(line.split("--hash=sha256:")[1].split()[0])
    return pins


def _wanted() -> set[str]:
    """The packages pyproject.toml asks for, with the test tools."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    named = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    return {_name(re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0]) for requirement in named}


def test_every_locked_package_is_pinned_with_hashes() -> None:
    """Each package in the lock has one exact version and at least one SHA-256 hash."""
    # Act
    pins = _pins()

    # Assert
    assert len(pins) > 50
    assert [name for name, (_, hashes) in pins.items() if not hashes] == []
    assert all(len(h) == 64 for _, hashes in pins.values() for h in hashes)


def test_the_lock_holds_everything_pyproject_asks_for() -> None:
    """A package added to pyproject.toml but not locked (`make lock`) fails here."""
    # Act
    missing = _wanted() - set(_pins())

    # Assert
    assert sorted(missing) == []


def test_what_is_installed_is_what_the_lock_says() -> None:
    """`make setup` installed each locked package at its locked version."""
    # Act
    differ = {
        name: (version, metadata.version(name))
        for name, (version, _) in _pins().items()
        if metadata.version(name) != version
    }

    # Assert
    assert differ == {}


def _bill(tmp_path: Path) -> Path:
    """The bill of materials to check: the one `make sbom` made earlier in this CI run when
    MUTUALITY_SBOM names it (CI ships that one, and making it again would take half a minute
    more), else one made here by the same command."""
    made = os.environ.get("MUTUALITY_SBOM")
    if made:
        return Path(made)
    out = tmp_path / "sbom.cdx.json"
    tool = Path(sys.executable).with_name("cyclonedx-py")
    subprocess.run(
        [str(tool), "environment", "--of", "JSON", "-o", str(out), sys.executable],
        check=True,
        capture_output=True,
    )
    return out


def test_the_bill_of_materials_lists_what_is_installed(tmp_path: Path) -> None:
    """cyclonedx-py writes a CycloneDX document naming the locked packages at their versions."""
    # Act
    out = _bill(tmp_path)

    # Assert
    bom = json.loads(out.read_text(encoding="utf-8"))
    listed = {_name(c["name"]): c.get("version") for c in bom["components"]}
    assert bom["bomFormat"] == "CycloneDX"
    assert listed["django"] == _pins()["django"][0]
    assert {name for name in _pins()} <= set(listed)


def _unreachable(reason: str) -> None:
    pytest.skip(
        f"the security advisories cannot be reached from this machine ({reason}); "
        "run `make audit` where they can"
    )


@pytest.mark.slow
@pytest.mark.asvs("15.2.1")
def test_no_locked_python_package_has_a_published_advisory() -> None:
    """pip-audit reads requirements.lock (installing nothing) against PyPI's advisories: no
    locked version has a known vulnerability, so none has outstayed the time frames in
    docs/security.md, "Supply chain"."""
    # Act
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("pip-audit")),
            "--requirement",
            str(LOCK),
            "--disable-pip",
            "--require-hashes",
            "--format",
            "json",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=ROOT,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        _unreachable(done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no answer")
    dependencies = report["dependencies"]
    if all(dependency.get("skip_reason") for dependency in dependencies):
        _unreachable(dependencies[0]["skip_reason"] if dependencies else "nothing audited")

    # Assert
    vulnerable = {d["name"]: [v["id"] for v in d["vulns"]] for d in dependencies if d.get("vulns")}
    assert vulnerable == {}, f"locked packages with published advisories: {vulnerable}"


@pytest.mark.slow
@pytest.mark.asvs("15.2.1")
def test_no_npm_package_served_to_browsers_has_a_published_advisory() -> None:
    """npm audit reads package-lock.json against npm's advisories for the packages whose files
    are served (not the test tools)."""
    # Act
    done = subprocess.run(
        [shutil.which("npm") or "npm", "audit", "--omit=dev", "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        cwd=ROOT,
    )
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        _unreachable("npm audit gave no report")
    if "metadata" not in report:
        error = report.get("error") or {}
        _unreachable(str(report.get("message") or error.get("summary") or "no report")[:200])

    # Assert
    assert report["metadata"]["vulnerabilities"]["total"] == 0, report["vulnerabilities"]
