"""Running manage.py in a subprocess with production settings (no MUTUALITY_DEMO)."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
Manage = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def production_env(tmp_path: Path) -> dict[str, str]:
    """This process's environment without any of Mutuality's variables or DATABASE_URL, plus
    a random key, one host and a fresh MUTUALITY_VAR_DIR: production settings, SQLite."""
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("MUTUALITY_")
        and name not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    return {
        **environ,
        "MUTUALITY_SECRET_KEY": secrets.token_urlsafe(48),  # 64 characters
        "MUTUALITY_ALLOWED_HOSTS": "mutuality.example.org",
        "MUTUALITY_VAR_DIR": str(tmp_path / "var"),
    }


@pytest.fixture
def manage() -> Manage:
    """Run `manage.py ARGS...` with the given environment; its output is captured as text."""

    def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    return run
