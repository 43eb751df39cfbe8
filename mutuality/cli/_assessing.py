"""Assessing many case files, in this process or spread over worker processes.

Each file is read, validated, assessed and rendered where it is assessed; only the report
text (or the problem) comes back. Results come back in the order of the files, so the
output is the same whatever the number of workers.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from mutuality.framework import (
    Assessment,
    FrameworkError,
    Policy,
    assess,
    load_case,
    render_json,
    render_markdown,
    render_text,
)

# A chunk is sent to a worker at once: large enough that messages are few, small enough that
# the workers finish together and the output keeps flowing.
_MAX_CHUNK = 16
# Starting a worker costs about as much as assessing a few files: each gets at least this many.
_FILES_PER_WORKER = 4


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@dataclass(frozen=True)
class Job:
    """What every file is assessed with, and how its report is written."""

    report: ReportFormat
    policy: Policy
    when: date | None
    single: bool


class Result(NamedTuple):
    """One file's report, or the problem that stopped it (`ok` is False)."""

    text: str
    ok: bool


def every_core() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - macOS and Windows have no affinity mask
        return os.cpu_count() or 1


def render(assessment: Assessment, report: ReportFormat, single: bool) -> str:
    if report is ReportFormat.json:
        return render_json(assessment, indent=2 if single else None) + "\n"
    if report is ReportFormat.markdown:
        return render_markdown(assessment)
    return render_text(assessment)


def assess_file(job: Job, path: Path) -> Result:
    try:
        case = load_case(path)
        if job.when is not None:
            case = case.with_as_of(job.when)
        return Result(render(assess(case, policy=job.policy), job.report, job.single), True)
    except FrameworkError as error:
        return Result(str(error), False)


_WORKER_JOB: list[Job] = []  # set once in each worker process


def _start_worker(job: Job) -> None:
    _WORKER_JOB[:] = [job]


def _assess_in_worker(path: Path) -> Result:
    return assess_file(_WORKER_JOB[0], path)


@contextmanager
def assessed(job: Job, files: Sequence[Path], jobs: int) -> Iterator[Iterator[Result]]:
    """The result of each file, in order, from up to `jobs` processes (1: this one).

    Enter it before anything starts a thread (a progress bar): the workers are made on entry.
    """
    if not files:
        yield iter(())
        return
    # This process assesses the first file itself, which also readies what every worker
    # would otherwise load for itself (the rules, the instruments) before they are forked.
    first = assess_file(job, files[0])
    rest = files[1:]
    workers = min(jobs, len(rest) // _FILES_PER_WORKER)
    # What is loaded by now lives as long as the command: frozen out of the collector's
    # reach, it is not walked again by each collection (nor written to in the workers, so the
    # memory they share with this process stays shared).
    gc.freeze()
    try:
        if workers <= 1:
            yield itertools.chain((first,), (assess_file(job, path) for path in rest))
            return
        # Whatever is waiting to be printed must not be printed again by each worker as it
        # exits.
        sys.stdout.flush()
        sys.stderr.flush()
        chunk = max(1, min(_MAX_CHUNK, len(rest) // (workers * 4)))
        with multiprocessing.get_context().Pool(workers, _start_worker, (job,)) as pool:
            yield itertools.chain((first,), pool.imap(_assess_in_worker, rest, chunksize=chunk))
    finally:
        gc.unfreeze()
