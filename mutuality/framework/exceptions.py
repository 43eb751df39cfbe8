"""Errors raised by the framework core.

The hierarchy::

    FrameworkError
    ├── CaseError           a case file cannot be read or is not a valid case
    └── PolicyError         a scrutiny policy file cannot be read or is not valid

Every message says where the problem is and what was expected, so that a person
editing a case file by hand can put it right without reading any code.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what was given, what was expected."""

    path: str
    message: str

    def render(self, source: str) -> str:
        where = f"{source}: {self.path}" if self.path else source
        return f"{where}: {self.message}"


class FrameworkError(Exception):
    """Base class of every error the framework core raises on purpose."""


class _ProblemsError(FrameworkError):
    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__("\n".join(p.render(source) for p in problems))


class CaseError(_ProblemsError):
    """A case file could not be read, or it is not a valid case."""


class PolicyError(_ProblemsError):
    """A scrutiny policy file could not be read, or it is not a valid policy."""
