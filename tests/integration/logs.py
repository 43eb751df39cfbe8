"""Reading what the app logs, as the deployer's log shipper would: the JSON lines the real
handler (settings.LOGGING) writes, caught by pointing that handler at a buffer."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from mutuality.web.json_logs import JsonFormatter


@dataclass
class Captured:
    """The raw text written, and each line parsed."""

    buffer: io.StringIO = field(default_factory=io.StringIO)

    @property
    def text(self) -> str:
        return self.buffer.getvalue()

    @property
    def lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.text.splitlines()]

    def events(self, name: str) -> list[dict[str, Any]]:
        return [line for line in self.lines if line["event"] == name]


def _json_handler() -> logging.StreamHandler[Any]:
    """The one handler settings.LOGGING gives the root, django and mutuality loggers."""
    for logger in (
        logging.getLogger(),
        logging.getLogger("django"),
        logging.getLogger("mutuality"),
    ):
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler) and isinstance(
                handler.formatter, JsonFormatter
            ):
                return handler
    raise AssertionError("settings.LOGGING has no JSON handler")


@contextmanager
def captured_logs() -> Iterator[Captured]:
    """Everything the app logs inside the block, as written to stderr."""
    handler, captured = _json_handler(), Captured()
    previous = handler.setStream(captured.buffer)
    try:
        yield captured
    finally:
        handler.setStream(previous)  # type: ignore[arg-type]
