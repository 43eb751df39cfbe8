"""The `mutuality` command line: a thin adapter over the framework and outcomes cores."""

from ._app import app, main

__all__ = ["app", "main"]
