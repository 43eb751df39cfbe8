"""The public surface of mutuality.outcomes."""

import subprocess
import sys
import types

import mutuality.outcomes as outcomes


def test_all_is_sorted() -> None:
    """The exported names are listed in sorted order."""
    # Arrange
    names = outcomes.__all__

    # Act
    expected = sorted(names, key=lambda name: (not name.isupper(), not name[0].isupper(), name))

    # Assert
    assert names == expected


def test_all_is_complete() -> None:
    """Every public name the package imports is exported, and every export exists."""
    # Arrange
    public = {
        name
        for name, value in vars(outcomes).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }

    # Act
    exported = set(outcomes.__all__)

    # Assert
    assert exported == public


def test_outcomes_imports_neither_django_nor_the_framework() -> None:
    """Importing the outcomes core loads neither Django, the framework nor the command line."""
    # Arrange
    code = (
        "import sys, mutuality.outcomes; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django' "
        "or m.startswith(('mutuality.framework', 'mutuality.cli'))))"
    )

    # Act
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )

    # Assert
    assert result.stdout.strip() == "[]"
