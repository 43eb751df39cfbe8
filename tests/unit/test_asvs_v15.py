"""OWASP ASVS 5.0.0, V15 (secure coding and architecture), read from the documents, the lock
files and the code: where packages come from and how soon they are fixed, what costs time and
how it is bounded, no outside URL fetched, nothing of the tests shipped, and scripts that
cannot pollute a prototype (SECURITY.md lists each requirement). The web app's behaviour is in
tests/integration/test_asvs_v15.py."""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from pathlib import Path

import pytest
from gunicorn.app.wsgiapp import WSGIApplication

ROOT = Path(__file__).resolve().parents[2]
SECURITY = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    """The text of one `## ` section of docs/security.md, its sub-sections included."""
    start = SECURITY.index(f"\n## {heading}")
    end = SECURITY.find("\n## ", start + 1)
    return " ".join(SECURITY[start : end if end > 0 else None].split())


@pytest.mark.asvs("15.1.1")
def test_the_time_frames_for_fixing_and_updating_packages_are_written_down() -> None:
    """docs/security.md says how soon a vulnerable package is dealt with, by severity, and how
    often packages are updated when no advisory asks."""
    # Act
    supply = _section("Supply chain")

    # Assert
    for said in (
        "| critical or high, in code Mutuality uses | 7 days |",
        "| medium or low, in code Mutuality uses | 30 days |",
        "| any, in code Mutuality does not reach | 90 days",
        "`make lock` at least once a month",
        "a new major version within 6 months",
        "Django on a release its makers still support",
    ):
        assert said in supply, said


@pytest.mark.asvs("15.1.2")
def test_the_documents_name_where_every_package_comes_from() -> None:
    """The supply chain section names the one registry each kind of package comes from and
    the bill of materials CI writes."""
    # Act
    supply = _section("Supply chain")

    # Assert
    assert "Python packages from PyPI alone" in supply
    assert "JavaScript packages from the npm registry alone" in supply
    assert "from Debian" in supply
    assert "CycloneDX bill of materials" in supply and "`make sbom`" in supply


@pytest.mark.asvs("15.1.2")
def test_the_locks_name_no_other_source_and_hash_every_package() -> None:
    """requirements.lock names no other index, file link or repository (so pip takes every
    package from PyPI, checked by its hash), and every npm package has an integrity hash (one
    bundled inside another's tarball, as FHIR.js bundles its own, is checked by that
    package's hash, npm keeping none for it) and, if it says where it came from, that is the
    npm registry."""
    # Arrange
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    npm = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))["packages"]

    # Act
    elsewhere = re.findall(r"--(?:extra-)?index-url|--find-links|\S+://\S+|^-e\s", lock, re.M)
    unhashed = [name for name, package in npm.items() if name and "integrity" not in package]
    bundled = [name for name in unhashed if npm[name].get("inBundle")]
    carriers = {name.rsplit("/node_modules/", 1)[0] for name in bundled}
    sources = {
        package["resolved"].split("/")[2] for package in npm.values() if "resolved" in package
    }

    # Assert
    assert elsewhere == []
    assert len([name for name in npm if name]) >= 3
    assert sorted(set(unhashed) - set(bundled)) == []
    assert all("integrity" in npm[carrier] for carrier in carriers)
    assert sources <= {"registry.npmjs.org"}


@pytest.mark.asvs("15.1.3")
def test_the_costly_work_and_how_it_is_bounded_are_written_down() -> None:
    """docs/security.md names each costly piece of work, how it is kept from taking the
    service down, and how long a request may run against the proxy's wait."""
    # Act
    costly = _section("Costly work")

    # Assert
    for said in (
        "Reading a case file",
        "runs in the background",
        "Email** is sent by the task worker",
        "a fixed number of queries",
        "streamed a row at a time",
        "PDFs** are made in the request",
        "Signing in** hashes the password",
        "gunicorn ends a request that has not finished in 30 seconds",
        "Set the reverse proxy to wait longer than that",
    ):
        assert said in costly, said


@pytest.mark.asvs("15.1.3", "15.2.2")
def test_gunicorn_ends_a_request_after_the_documented_thirty_seconds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Loaded as `make run` loads it, the server's configuration ends a request after 30
    seconds, the time docs/security.md gives."""
    # Arrange
    monkeypatch.setattr(sys, "argv", ["gunicorn", "-c", "python:mutuality.web.gunicorn_conf"])

    # Act
    config = WSGIApplication("%(prog)s [OPTIONS]").cfg

    # Assert
    assert config.timeout == 30
    assert "finished in 30 seconds" in _section("Costly work")


@pytest.mark.asvs("15.2.3")
def test_the_package_ships_the_app_and_none_of_its_tests() -> None:
    """The installed package is `mutuality` alone: the tests, benchmarks and scripts stay in
    the repository, and no module of the package is a test."""
    # Arrange
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

    # Act
    included = project["tool"]["setuptools"]["packages"]["find"]["include"]
    tests_inside = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "mutuality").rglob("*.py")
        if path.name.startswith("test_") or path.name == "conftest.py"
    ]

    # Assert
    assert included == ["mutuality*"]
    assert tests_inside == []


HTTP_CLIENTS = {"requests", "httpx", "urllib3", "aiohttp", "http.client", "pycurl"}


@pytest.mark.asvs("15.3.2", "1.3.6")
def test_no_module_fetches_an_outside_address() -> None:
    """No module imports an HTTP client or urllib's opener: the server fetches no URL (the PDF
    maker's own fetcher is limited to static files, tests/integration/test_pdf_fetcher.py), so
    it can neither be sent somewhere nor follow a redirect."""
    # Act
    imported = set()
    for path in sorted((ROOT / "mutuality").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                imported |= {(path.name, alias.name) for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported |= {(path.name, f"{node.module}.{alias.name}") for alias in node.names}

    # Assert
    clients = {
        (where, name)
        for where, name in imported
        if name.split(".")[0] in HTTP_CLIENTS
        or name.startswith("http.client")
        or name
        in {"urllib.request.urlopen", "urllib.request.Request", "urllib.request.build_opener"}
    }
    assert clients == set()
    assert ("pdf.py", "urllib.request.url2pathname") in imported  # the scan sees urllib


# Ways a script could write to an object's prototype: a key computed from data, merging
# objects, and the prototype itself.
POLLUTING = re.compile(
    r"\w\s*\[[^\]]+\]\s*=(?!=)|Object\.(?:assign|defineProperty|setPrototypeOf)\b"
    r"|__proto__|\.prototype\b|\{\s*\.\.\."
)


@pytest.mark.asvs("15.3.6")
def test_our_scripts_never_write_a_key_taken_from_data() -> None:
    """Our own scripts (static/js) set no property by a computed key, merge no objects and
    touch no prototype, so nothing a page or the server sends can reach Object.prototype."""
    # Arrange
    scripts = sorted((ROOT / "static" / "js").glob("*.js"))

    # Act
    found = [
        f"{path.name}: {match[0]}"
        for path in scripts
        for match in POLLUTING.finditer(path.read_text(encoding="utf-8"))
    ]

    # Assert
    assert len(scripts) >= 4
    assert POLLUTING.search("target[key] = value") and POLLUTING.search("{ ...options }")
    assert found == []
