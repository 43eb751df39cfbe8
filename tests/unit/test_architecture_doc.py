"""docs/architecture.md names only files and folders that exist, so it stays true to the code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "architecture.md"
EXTENSIONS = (".py", ".md", ".yaml", ".yml", ".toml", ".json", ".html", ".css", ".js", ".txt")
_TICKED = re.compile(r"`([^`\s]+)`")
# Paths in plain prose, such as docs/security.md, outside backticks.
_BARE = re.compile(r"(?<![`\w/.])((?:docs|tests|mutuality|examples|bench|scripts)/[\w./-]*\w)")
_PATH = re.compile(r"^[\w.<>*-]+(?:/[\w.<>*-]*)*$")
_HEADING = re.compile(r"^#+ .*?`([^`]+)`")


def _looks_like_a_path(token: str) -> bool:
    if not _PATH.match(token):
        return False
    last = token.rstrip("/").rsplit("/", 1)[-1]
    return token.endswith("/") or ("/" in token and "." not in token) or last.endswith(EXTENSIONS)


def _made_by_setup() -> tuple[str, ...]:
    """Folders the repository ignores because `make setup` or running the app makes them."""
    lines = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    return tuple(line.strip("/") + "/" for line in lines if line.startswith("/"))


def _named() -> list[tuple[str, str]]:
    """Each path the document names, with the folder of the section it is named in."""
    folder = ""
    named = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        heading = _HEADING.match(line)
        if heading:
            path = heading.group(1)
            folder = path if path.endswith("/") else path.rpartition("/")[0] + "/"
        tokens = [token for token in _TICKED.findall(line) if _looks_like_a_path(token)]
        tokens += _BARE.findall(_TICKED.sub("", line))
        # Paths outside the repository (../shared/examples) are there only on some machines.
        named += [(folder.strip("/"), token) for token in tokens if not token.startswith("../")]
    return sorted(set(named))


def _exists(folder: str, token: str) -> bool:
    pattern = re.sub(r"<[^>]+>", "*", token).rstrip("/")
    if any(token.startswith(made) for made in _made_by_setup()):
        return True
    if any(ROOT.glob(pattern)) or any(ROOT.glob(pattern + "*")):
        return True
    if not folder:
        return False
    base = ROOT / folder
    return any(base.glob(pattern)) or any(base.glob(f"**/{pattern}"))


def test_the_document_names_paths_at_all() -> None:
    """The check below has something to check: the document names many files and folders."""
    # Arrange
    folders = {folder for folder, _ in _named()}

    # Act
    count = len(_named())

    # Assert
    assert count > 50
    assert {"mutuality/framework", "mutuality/web", "tests"} <= folders


@pytest.mark.parametrize(("folder", "token"), _named(), ids=lambda value: value or "(root)")
def test_every_named_path_exists(folder: str, token: str) -> None:
    """The file or folder exists, in the section's folder or from the repository's root."""
    # Arrange
    where = folder or "the repository's root"

    # Act
    found = _exists(folder, token)

    # Assert
    assert found, f"docs/architecture.md names {token!r} (under {where}), which does not exist"
