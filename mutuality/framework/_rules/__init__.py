"""The rules, one small function per finding code, grouped by principle.

Importing this package registers every rule with `_findings.rule`.
"""

from . import competence, integrity, respect, responsibility

__all__ = ["competence", "integrity", "respect", "responsibility"]
