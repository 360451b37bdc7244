"""Whole-process start-up of the command line, against ``python -c pass`` in the same run.

Run: ``python bench/startup.py [--runs N]``

Each command runs N times (default 10) in a fresh process; the figure is the
median wall time. ``case list`` reads the demo's database (made once, first). The
targets: ``caseflow --help`` under 0.25 s, ``case list`` under 0.4 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    folder = Path(tempfile.mkdtemp(prefix="caseflow-startup-"))
    database = folder / "demo.db"
    env = os.environ | {"COLUMNS": "120"}
    caseflow = [sys.executable, "-m", "caseflow"]
    subprocess.run(
        [*caseflow, "demo", "--db", str(database)], env=env, capture_output=True, check=True
    )
    baseline = median_seconds([sys.executable, "-c", "pass"], runs, env)
    print(f"python -c pass            {baseline:.3f} s (median of {runs})")
    commands = {
        "caseflow --help": ["--help"],
        "caseflow --version": ["--version"],
        "caseflow case list": ["--db", str(database), "case", "list", "--as", "admin"],
        "caseflow case show": [
            "--db",
            str(database),
            "case",
            "show",
            "2009-68440",
            "--as",
            "admin",
        ],
    }
    for name, args in commands.items():
        seconds = median_seconds([*caseflow, *args], runs, env)
        print(f"{name:<25} {seconds:.3f} s, {seconds / baseline:.1f}x python -c pass")


if __name__ == "__main__":
    main()
