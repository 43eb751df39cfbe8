"""Benchmark: read, validate and assess many case files, against a floor.

The floor is the least any engine must do with the same input: parse the same
YAML bytes with PyYAML's C loader. The ratio (full pipeline time / floor time) is
what to watch, because these machines are noisy and absolute times are not
comparable between runs. Results go to docs/performance.md.

Run: `make bench` (or `.venv/bin/python bench/assess.py --cases 2000`).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from pathlib import Path

import yaml

from mutuality.framework import assess, parse_case

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _variants(count: int, seed: int) -> list[bytes]:
    """`count` valid case files: the examples with their as_of dates spread over a year."""
    rng = random.Random(seed)
    sources = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.yaml"))]
    variants = []
    for _ in range(count):
        text = rng.choice(sources)
        day = rng.randint(1, 28)
        variants.append(text.replace("as_of: 2026-11-25", f"as_of: 2026-12-{day:02d}").encode())
    return variants


def _time(work: Callable[[bytes], object], files: list[bytes], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for data in files:
            work(data)
        best = min(best, time.perf_counter() - start)
    return best


def _floor(data: bytes) -> object:
    return yaml.load(data, Loader=yaml.CSafeLoader)


def _pipeline(data: bytes) -> object:
    return assess(parse_case(data, "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    files = _variants(args.cases, args.seed)
    _pipeline(files[0])  # warm caches (instrument definitions, rule registry)
    floor = _time(_floor, files, args.repeats)
    full = _time(_pipeline, files, args.repeats)
    print(f"cases: {args.cases} (best of {args.repeats})")
    print(f"floor (C YAML parse only): {floor:.3f} s  {floor / args.cases * 1e3:.3f} ms/case")
    print(f"read + validate + assess:  {full:.3f} s  {full / args.cases * 1e3:.3f} ms/case")
    print(f"ratio to floor: {full / floor:.1f}x")


if __name__ == "__main__":
    main()
