"""Benchmark: the engine on one core, from YAML text in memory, against a floor.

The floor is the least any engine must do with a case file: parse the same YAML bytes
with PyYAML's C loader (`yaml.CSafeLoader`). Measured, over variants of the files in
`examples/`:

- parse + validate + assess: `parse_case` (UTF-8, the capped YAML reading, validation,
  cross-references) then `assess` (facts, every rule, sorting). Goal: at most 1.5x the floor.
- assess alone, on cases already validated. Goal: at most 0.25x the floor.

The ratios are what to watch: these machines are noisy, and seconds are not comparable
between runs. Results go to docs/performance.md.

Run: `make bench` (or `.venv/bin/python bench/engine.py --cases 2000`).
"""

from __future__ import annotations

import argparse
import gc
from datetime import date

import yaml
from _cases import Timings, each, variants, verdict

from mutuality.framework import assess, parse_case

FULL_GOAL = 1.5
ASSESS_GOAL = 0.25


def _floor(data: bytes) -> object:
    return yaml.load(data, Loader=yaml.CSafeLoader)


def _pipeline(data: bytes) -> object:
    return assess(parse_case(data, "bench"))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261125)
    args = parser.parse_args()
    files = variants(args.cases, args.seed)
    cases = [parse_case(data, "bench") for data in files]  # also warms every cache
    # The inputs live through every round: out of the collector's reach, they do not make
    # each collection during the timed work (floor or engine) walk two thousand cases.
    gc.freeze()
    today = date(2026, 12, 5)

    def assess_all() -> None:
        for case in cases:
            assess(case, today=today)

    timings = Timings(
        {"floor": each(_floor, files), "full": each(_pipeline, files), "assess": assess_all},
        args.repeats,
    )
    print(f"engine, one core: {args.cases:,} cases in memory ({args.repeats} rounds)")
    for name, label in [
        ("floor", "floor (PyYAML C loader):  "),
        ("full", "parse + validate + assess:"),
        ("assess", "assess alone:             "),
    ]:
        best = timings.best(name)
        print(f"{label} best {best:.3f} s  {best / args.cases * 1e3:.3f} ms/case")
    full, alone = timings.ratio("full", "floor"), timings.ratio("assess", "floor")
    print(f"ratio (median of rounds), parse + validate + assess: {verdict(full, FULL_GOAL)}")
    print(f"ratio (median of rounds), assess alone:              {verdict(alone, ASSESS_GOAL)}")


if __name__ == "__main__":
    main()
