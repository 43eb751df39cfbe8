"""Which files a list of paths names: directories expand to the case files inside."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

CASE_SUFFIXES = (".yaml", ".yml", ".json")


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and each directory's case files (recursively, in name order)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(
                    p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in CASE_SUFFIXES
                )
            )
        else:
            found.append(path)
    return found
