"""What the engine benchmarks share: case files made from `examples/`, and a fair timer."""

from __future__ import annotations

import gc
import random
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def variants(count: int, seed: int) -> list[bytes]:
    """`count` valid case files: the examples with their as_of dates spread over a month."""
    rng = random.Random(seed)
    sources = [p.read_text(encoding="utf-8") for p in sorted(EXAMPLES.glob("*.yaml"))]
    made = []
    for _ in range(count):
        text = rng.choice(sources)
        day = rng.randint(1, 28)
        made.append(text.replace("as_of: 2026-11-25", f"as_of: 2026-12-{day:02d}").encode())
    return made


class Timings:
    """Wall times of several pieces of work, taken in turns, `repeats` rounds of each."""

    def __init__(self, work: dict[str, Callable[[], object]], repeats: int) -> None:
        # Taking turns (floor, work, floor, work, ...) rather than timing one and then the
        # other means a burst of load from elsewhere on a shared machine falls on both alike.
        self.rounds: list[dict[str, float]] = []
        for _ in range(repeats):
            times = {}
            for name, run in work.items():
                gc.collect()
                start = time.perf_counter()
                run()
                times[name] = time.perf_counter() - start
            self.rounds.append(times)

    def best(self, name: str) -> float:
        return min(times[name] for times in self.rounds)

    def ratio(self, name: str, floor: str) -> float:
        """The median, over the rounds, of the work's time over the floor's in that round."""
        return statistics.median(times[name] / times[floor] for times in self.rounds)


def each(action: Callable[[bytes], object], files: Sequence[bytes]) -> Callable[[], None]:
    """A run of `action` over every file."""

    def run() -> None:
        for data in files:
            action(data)

    return run


def verdict(ratio: float, goal: float) -> str:
    return f"{ratio:.2f}x (goal at most {goal}x: {'met' if ratio <= goal else 'MISSED'})"
