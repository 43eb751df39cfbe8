"""Benchmark: the service report over an organisation, against a floor.

The floor is the least the report must read for each relationship: its latest stored
assessment (one query each). The measured work is the whole service report (`service_report`
over every relationship: assessment history, supervision, consent, and the outcome series of
each, which needs the relationship as a case). The ratio is what to watch, because these machines are noisy. Results go
to docs/performance.md.

It uses a throwaway SQLite database under a temporary directory, never var/.

Run: `make bench` (or `.venv/bin/python bench/service_report.py --relationships 300`).
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
    parser.add_argument("--relationships", type=int, default=300)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/bench.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mutuality.web.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import timezone

        from mutuality.framework import load_case
        from mutuality.web.accounts.models import Organisation
        from mutuality.web.relationships.actions import latest_assessment, reassess
        from mutuality.web.relationships.case_io import import_case
        from mutuality.web.relationships.models import Relationship
        from mutuality.web.reports.service_report import service_report

        call_command("migrate", verbosity=0)
        organisation = Organisation.objects.create(slug="bench", name="Bench trust")
        cases = [load_case(p) for p in sorted((ROOT / "examples").glob("*.yaml"))]
        for index in range(args.relationships):
            relationship = import_case(cases[index % len(cases)], organisation)
            reassess(relationship, reason="benchmark")
        everything = Relationship.objects.filter(organisation=organisation)
        today = timezone.localdate()

        floor = _best(lambda: [latest_assessment(r).result for r in everything], args.repeats)
        work = _best(lambda: service_report(everything, today), args.repeats)

    n = args.relationships
    print(f"relationships: {n}")
    print(f"floor (latest assessment each): {floor:.3f} s  ({1000 * floor / n:.2f} ms each)")
    print(f"service report:                 {work:.3f} s  ({1000 * work / n:.2f} ms each)")
    print(f"ratio: {work / floor:.1f}x")


if __name__ == "__main__":
    main()
