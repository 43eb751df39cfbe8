"""Benchmark: refusing hostile case files costs about what parsing their bytes costs.

Alias bombs, bottomless nesting, huge files, hundreds of thousands of tiny values: each
must be refused without blowing up. The floor for each input is the least any reader does
with the same bytes: PyYAML's C loader (or, for a `.json` file, the json module), which
builds a bomb's aliases as shared objects rather than expanding them. Measured: `parse_case`
refusing the input (the command line adds a constant few milliseconds of its own).
Goal: every input at most 5x its floor. The ratio of a tiny input (an empty file, `NaN`)
compares microseconds, so it is the large inputs that show a blow-up if there is one.

These were timing assertions in the unit tests (tests/unit/framework/test_loading.py and
tests/unit/cli/test_fuzz.py), which now check only that each input is refused, and why.

Run: `make bench` (or `.venv/bin/python bench/hostile.py`).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

import yaml

from mutuality.framework import MAX_FILE_BYTES, CaseError, parse_case

GOAL = 5.0


def _bomb(levels: int, fan_out: int) -> bytes:
    lines = ["l0: &l0 [" + ", ".join(['"lol"'] * fan_out) + "]"]
    lines += [
        f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * fan_out) + "]" for n in range(1, levels + 1)
    ]
    return ("\n".join(lines) + "\n").encode()


def _many_aliases(count: int) -> bytes:
    anchors = "".join(f"a{n}: &a{n} [x, y]\n" for n in range(count))
    return (anchors + "b: [" + ", ".join(f"*a{n}" for n in range(count)) + "]\n").encode()


HOSTILE: dict[str, tuple[str, bytes]] = {
    "billion-laughs": (".yaml", _bomb(9, 9)),
    "bomb-30-levels": (".yaml", _bomb(30, 10)),
    "many-aliases": (".yaml", _many_aliases(20_000)),
    "recursive-alias": (".yaml", b"mutuality: 1\nparticipants: &p [*p]\n"),
    "deep-yaml": (".yaml", b"a: " + b"[" * 100_000),
    "deep-yaml-block": (
        ".yaml",
        "".join("  " * i + f"k{i}:\n" for i in range(200)).encode() + b"  " * 200 + b"v\n",
    ),
    "deep-json": (".json", b'{"a": ' + b"[" * 100_000),
    "two-documents": (".yaml", b"mutuality: 1\n---\nmutuality: 1\n"),
    "json-nan": (".json", b'{"mutuality": 1, "title": NaN}'),
    "top-level-list": (".yaml", b"- mutuality: 1\n"),
    "empty": (".yaml", b""),
    "huge": (".yaml", b"# " + b"x" * (MAX_FILE_BYTES + 10)),
    "many-small-values": (".yaml", b"x:\n" + b"- 1\n" * 200_000),
    "many-small-json-values": (".json", b'{"x": [' + b"1," * 200_000 + b"1]}"),
    "not-utf8": (".yaml", b"mutuality: 1\ntitle: caf\xe9\n"),
    "python-tag": (".yaml", b"mutuality: !!python/object/apply:os.system ['true']\n"),
    "duplicate-keys": (".yaml", b"mutuality: 1\nmutuality: 1\n"),
    "huge-integer": (".yaml", b"mutuality: " + b"9" * 5000 + b"\n"),
}


def _floor(data: bytes, as_json: bool) -> None:
    try:
        if as_json:
            json.loads(data)
        else:
            yaml.load(data, Loader=yaml.CSafeLoader)
    except (ValueError, RecursionError, yaml.YAMLError):
        pass


def _refuse(data: bytes, as_json: bool) -> None:
    try:
        parse_case(data, "hostile", as_json=as_json)
    except CaseError:
        return
    raise AssertionError("a hostile input was accepted")


def _per_call(run: Callable[[], None], budget: float) -> float:
    """Seconds per call, calling it for at least `budget` seconds (and at least once)."""
    calls, start = 0, time.perf_counter()
    while True:
        run()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= budget:
            return elapsed / calls


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--budget", type=float, default=0.2, help="seconds per timing")
    args = parser.parse_args()
    print(f"hostile inputs (best of {args.repeats}; per input: floor, refusal, ratio)")
    worst = 0.0
    for name, (suffix, data) in HOSTILE.items():
        as_json = suffix == ".json"
        floor = refuse = float("inf")
        for _ in range(args.repeats):  # taking turns, so that load from elsewhere hits both
            floor = min(floor, _per_call(lambda: _floor(data, as_json), args.budget))  # noqa: B023
            refuse = min(refuse, _per_call(lambda: _refuse(data, as_json), args.budget))  # noqa: B023
        worst = max(worst, refuse / floor)
        print(
            f"  {name:24} {len(data):>9,} bytes  floor {floor * 1e3:9.3f} ms  "
            f"refused in {refuse * 1e3:9.3f} ms  {refuse / floor:5.2f}x"
        )
    verdict = "met" if worst <= GOAL else "MISSED"
    print(f"worst ratio: {worst:.2f}x (goal at most {GOAL}x: {verdict})")


if __name__ == "__main__":
    main()
