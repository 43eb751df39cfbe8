"""Benchmark: the service report over an organisation, against a floor.

The floor is reading the typed rows the report counts, as they stand today, into plain
tuples: every current period, every current finding and every series summary (three queries).
The measured work is the whole service report (`service_report` over every relationship:
counts by stage, recommendation and scrutiny, open findings, supervision, consent and outcome
change), which counts those rows in SQL and reads the series summaries once. The ratio is what
to watch, because these machines are noisy; the number of queries the report makes is printed
too. Results go to docs/performance.md.

It uses a throwaway SQLite database under a temporary directory, never var/.

Run: `make bench` (or `.venv/bin/python bench/service_report.py --relationships 2000`).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _best(work: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--relationships", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuality.web.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from mutuality.framework import load_case
        from mutuality.web.accounts.models import Organisation
        from mutuality.web.relationships.actions import current
        from mutuality.web.relationships.case_io import import_case
        from mutuality.web.relationships.models import (
            AssessedPeriod,
            CurrentFinding,
            Relationship,
            SeriesSummary,
        )
        from mutuality.web.reports.service_report import service_report

        call_command("migrate", verbosity=0)
        organisation = Organisation.objects.create(slug="bench", name="Bench trust")
        cases = [load_case(p) for p in sorted((ROOT / "examples").glob("*.yaml"))]
        for index in range(args.relationships):
            import_case(cases[index % len(cases)], organisation)  # assessed as it is imported
        everything = Relationship.objects.filter(organisation=organisation)
        today = timezone.localdate()

        def read_rows() -> None:
            ours = {"relationship__in": everything}
            columns = ("relationship_id", "recommendation", "scrutiny_level")
            list(current(AssessedPeriod.objects.filter(**ours), today).values_list(*columns))
            found = current(CurrentFinding.objects.filter(**ours), today)
            list(found.values_list("relationship_id", "code", "since"))
            list(SeriesSummary.objects.filter(**ours).values_list())

        floor = _best(read_rows, args.repeats)
        work = _best(lambda: service_report(everything, today), args.repeats)
        with CaptureQueriesContext(connection) as queries:
            service_report(everything, today)

    n = args.relationships
    print(f"relationships: {n}")
    print(f"floor (read the typed rows): {floor:.3f} s  ({1000 * floor / n:.2f} ms each)")
    print(f"service report:              {work:.3f} s  ({1000 * work / n:.2f} ms each)")
    print(f"queries: {len(queries)}")
    print(f"ratio: {work / floor:.1f}x")


if __name__ == "__main__":
    main()
