"""Benchmark: classify 1,000,000 scores (100,000 people × 10) and compute group statistics.

Floor: reading the same numbers from memory and summing them, the least any
computation over them must do. The ratio (work / floor) is the figure to watch;
absolute times on these shared machines are noisy. Results: docs/performance.md.

Run: `make bench` (or `.venv/bin/python bench/outcomes.py --people 100000`).
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
from collections.abc import Callable

from mutuality.outcomes import classify_series, group_change, shipped_instruments

Series = list[tuple[datetime.date, float]]
START = datetime.date(2025, 1, 6)


def _people(count: int, scores_each: int, seed: int) -> list[Series]:
    rng = random.Random(seed)
    people = []
    for _ in range(count):
        level = rng.randint(5, 25)
        series = []
        for week in range(scores_each):
            level = min(27, max(0, level + rng.randint(-3, 2)))
            series.append((START + datetime.timedelta(days=14 * week), level))
        people.append(series)
    return people


def _floor(people: list[Series]) -> float:
    return sum(score for series in people for _, score in series)


def _work(people: list[Series]) -> object:
    phq9 = shipped_instruments()["phq9"]
    changes = [classify_series(phq9, series) for series in people]
    pairs = [(change.first, change.latest) for change in changes]
    return group_change(phq9, pairs)


def _best(work: Callable[[list[Series]], object], people: list[Series], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        work(people)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--scores", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    people = _people(args.people, args.scores, args.seed)
    total = args.people * args.scores
    floor = _best(_floor, people, args.repeats)
    work = _best(_work, people, args.repeats)
    print(f"scores: {total:,} ({args.people:,} people × {args.scores}), best of {args.repeats}")
    print(f"floor (read and sum from memory): {floor:.3f} s")
    print(
        f"classify every series + group statistics: {work:.3f} s "
        f"({work / total * 1e6:.2f} µs per score)"
    )
    print(f"ratio to floor: {work / floor:.1f}x")


if __name__ == "__main__":
    main()
