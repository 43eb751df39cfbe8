"""Reading back the emails Django's file backend writes under var/mail/ in the demo.

Each file holds the messages one connection wrote, each followed by a line of 79 dashes.
"""

from __future__ import annotations

import email
import email.policy
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path

SEPARATOR = b"\n" + b"-" * 79 + b"\n"
SHOWN = 100  # the newest this many


@dataclass(frozen=True)
class Email:
    subject: str
    to: str
    sent: datetime | None
    body: str


def _read(raw: bytes) -> Email | None:
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(parsed, EmailMessage) or not parsed.get("To"):
        return None
    text = parsed.get_body(preferencelist=("plain",))
    body = text.get_content() if isinstance(text, EmailMessage) else ""
    try:
        sent = parsedate_to_datetime(str(parsed["Date"])) if parsed["Date"] else None
    except (TypeError, ValueError):
        sent = None
    return Email(str(parsed["Subject"] or ""), str(parsed["To"]), sent, str(body))


def newest(folder: str | Path, shown: int = SHOWN) -> list[Email]:
    """The newest `shown` emails in `folder`, newest first (none if it does not exist)."""
    path = Path(folder)
    files = sorted(path.glob("*.log"), key=lambda f: f.stat().st_mtime) if path.is_dir() else []
    found: list[Email] = []
    for file in reversed(files):
        parts = [part for part in file.read_bytes().split(SEPARATOR) if part.strip()]
        found.extend(e for e in (_read(part) for part in reversed(parts)) if e is not None)
        if len(found) >= shown:
            break
    # Files of connections open at once interleave: order by each email's own date.
    found.sort(key=lambda e: e.sent.timestamp() if e.sent else 0.0, reverse=True)
    return found[:shown]
