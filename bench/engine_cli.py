"""Benchmark: `mutuality assess DIR` over thousands of case files, against a floor.

The floor is one process (a fresh interpreter) that reads every file and parses it with
PyYAML's C loader: the least a command must do with the same files. Measured: the
command itself, `mutuality assess DIR` (its default text reports, to /dev/null), which
assesses with every core by default. Goal: at most 1.2x the floor. For comparison it
also times `--jobs 1` (one process), and the same cases written as JSON files (against
a floor of the C loader on the JSON bytes).

Both sides start an interpreter, so the command's start-up (importing the framework,
Typer, Rich, pydantic) is part of what is measured. The goal counts on cores that are free:
to show whether they were, the floor is also split over every core at once, one process per
core ("the machine's share": 1/cores on an idle machine, 1 or more when other work holds
the cores). Results go to docs/performance.md.

Run: `make bench` (or `.venv/bin/python bench/engine_cli.py --cases 3000`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from _cases import Timings, variants, verdict

CLI_GOAL = 1.2

_FLOOR = """
import sys
from pathlib import Path
import yaml
share, shares = (int(n) for n in sys.argv[3:5]) if len(sys.argv) > 3 else (0, 1)
for path in sorted(Path(sys.argv[1]).rglob("*" + sys.argv[2]))[share::shares]:
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
"""


def _command() -> list[str]:
    installed = Path(sys.executable).with_name("mutuality")
    return [str(installed)] if installed.exists() else [sys.executable, "-m", "mutuality.cli"]


def _run(arguments: list[str]) -> None:
    quiet = subprocess.DEVNULL
    subprocess.run(arguments, check=True, stdout=quiet, stderr=quiet)


def _run_side_by_side(commands: list[list[str]]) -> None:
    quiet = subprocess.DEVNULL
    running = [subprocess.Popen(c, stdout=quiet, stderr=quiet) for c in commands]
    if any(process.wait() != 0 for process in running):
        raise RuntimeError("a floor process failed")


def _write(folder: Path, files: list[bytes], as_json: bool) -> None:
    folder.mkdir()
    for number, data in enumerate(files):
        if as_json:
            document = yaml.load(data, Loader=yaml.CSafeLoader)
            text = json.dumps(document, default=str, indent=2).encode()
            (folder / f"case-{number:05d}.json").write_bytes(text)
        else:
            (folder / f"case-{number:05d}.yaml").write_bytes(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261205)
    args = parser.parse_args()
    files = variants(args.cases, args.seed)
    command = _command()
    cores = (
        len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    )
    root = Path(tempfile.mkdtemp(prefix="mutuality-bench-"))
    try:
        yaml_dir, json_dir = root / "yaml", root / "json"
        _write(yaml_dir, files, as_json=False)
        _write(json_dir, files, as_json=True)
        _run([*command, "assess", str(yaml_dir / "case-00000.yaml")])  # warm the disk cache
        timings = Timings(
            {
                "floor": lambda: _run([sys.executable, "-c", _FLOOR, str(yaml_dir), ".yaml"]),
                "split floor": lambda: _run_side_by_side(
                    [
                        [sys.executable, "-c", _FLOOR, str(yaml_dir), ".yaml", str(n), str(cores)]
                        for n in range(cores)
                    ]
                ),
                "every core": lambda: _run([*command, "assess", str(yaml_dir)]),
                "one process": lambda: _run([*command, "assess", str(yaml_dir), "--jobs", "1"]),
                "json floor": lambda: _run([sys.executable, "-c", _FLOOR, str(json_dir), ".json"]),
                "json": lambda: _run([*command, "assess", str(json_dir)]),
            },
            args.repeats,
        )
    finally:
        shutil.rmtree(root)
    print(f"engine, command line: {args.cases:,} files, {cores} cores ({args.repeats} rounds)")
    for name, label in [
        ("floor", "floor (one process, PyYAML C loader):  "),
        ("split floor", "the floor split over every core:       "),
        ("every core", "mutuality assess DIR (every core):     "),
        ("one process", "mutuality assess DIR --jobs 1:         "),
        ("json floor", "floor on the same cases as JSON files: "),
        ("json", "mutuality assess DIR of JSON files:    "),
    ]:
        print(f"{label} best {timings.best(name):.2f} s")
    every = timings.ratio("every core", "floor")
    print(f"ratio (median of rounds), every core: {verdict(every, CLI_GOAL)}")
    print(f"ratio (median of rounds), --jobs 1:   {timings.ratio('one process', 'floor'):.2f}x")
    print(f"ratio (median of rounds), JSON files: {timings.ratio('json', 'json floor'):.2f}x")
    # How much the cores really give: on an idle machine the split floor takes 1/cores of the
    # floor's time; on one shared with other work, more. The goal assumes idle cores.
    print(f"the machine's share (split floor / floor): {timings.ratio('split floor', 'floor'):.2f}")


if __name__ == "__main__":
    main()
