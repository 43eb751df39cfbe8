"""`manage.py run_scheduler [--once] [--interval SECONDS]`: the periodic scheduler."""

from __future__ import annotations

import signal
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from mutuality.web.outbox.scheduler import INTERVAL, logger, tick


class Command(BaseCommand):
    help = (
        "Every minute, post the scheduled messages that are due and ask a worker to send "
        "whatever waits in the outbox. Safe to run on several machines at once."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one round, then stop.")
        parser.add_argument(
            "--interval", type=float, default=INTERVAL, help="Seconds between rounds (60)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()

        def finish(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, finish)
        signal.signal(signal.SIGINT, finish)
        while not stop.is_set():
            close_old_connections()
            try:
                posted = tick()
            except Exception:  # a round that fails (the database restarting) is tried again
                logger.exception("the scheduler's round failed; trying again next round")
            else:
                if posted:
                    logger.info("posted %d scheduled messages", posted)
            if options["once"]:
                return
            stop.wait(options["interval"])
