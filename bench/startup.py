"""Whole-process start-up of the command line, against ``python -c pass`` in the same run.

Run: ``python bench/startup.py [--runs N]``

Each command runs N times (default 10) in a fresh process, after one run that
writes its byte code (as an installed caseflow has it: :func:`compiled_environment`);
the figure is the median wall time. ``case list`` reads the demo's database (made
once, first). The targets: ``caseflow --help`` under 0.25 s, ``case list`` under 0.4 s.

Last, the resident memory (VmRSS, Linux) of an idle ``caseflow worker`` on a fresh
database with the demo organisation, after its first cycle (median of 3 processes),
and what it has imported of the machinery it does not need until it renders, fires
or builds a digest (target: under 60 MB, nothing of that machinery).
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

from caseflow.testing import demo_organisation_file, idle_worker

# What an idle worker does not need (tests/e2e/test_worker_memory.py holds it to this).
NOT_FOR_AN_IDLE_WORKER = (
    "jinja2",
    "pydantic",
    "weasyprint",
    "yaml",
    "transitions",
    "cryptography",
    "caseflow.definitions.schema",
    "caseflow.documents",
    "caseflow.meetings.agenda",
)


def median_seconds(command: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def compiled_environment(folder: Path) -> dict[str, str]:
    """The environment of the timed processes: Python's byte-code files written and read
    (in ``folder``), as an installed caseflow has them from its installation. Without
    this, an environment that sets PYTHONDONTWRITEBYTECODE, with caseflow installed
    editable, times the compiling of every caseflow module at every start."""
    env = dict(os.environ, PYTHONPYCACHEPREFIX=str(folder / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    folder = Path(tempfile.mkdtemp(prefix="caseflow-startup-"))
    database = folder / "demo.db"
    env = compiled_environment(folder) | {"COLUMNS": "120"}
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
        subprocess.run([*caseflow, *args], env=env, capture_output=True, check=True)  # compiles
        seconds = median_seconds([*caseflow, *args], runs, env)
        print(f"{name:<25} {seconds:.3f} s, {seconds / baseline:.1f}x python -c pass")
    if sys.platform.startswith("linux"):
        print_idle_worker(folder, env)


def print_idle_worker(folder: Path, env: dict[str, str]) -> None:
    """An idle worker's resident memory, on its own database (the demo's has mail due)."""
    workflows = Path(__file__).resolve().parents[1] / "workflows"
    database = folder / "worker" / "caseflow.db"
    database.parent.mkdir()
    for args in (["init"], ["org", "load", str(demo_organisation_file())]):
        subprocess.run(
            [sys.executable, "-m", "caseflow", "--db", str(database), *args],
            env=env,
            capture_output=True,
            check=True,
        )
    runs = [idle_worker(database, workflows, NOT_FOR_AN_IDLE_WORKER) for _ in range(3)]
    rss = statistics.median(run.rss_mb for run in runs)
    loaded = sorted({name for run in runs for name in run.loaded})
    label = "caseflow worker, idle"
    print(
        f"{label:<25} {rss:.1f} MB resident (median of 3; target < 60 MB);"
        f" of what it does not need it imported: {', '.join(loaded) or 'nothing'}"
    )


if __name__ == "__main__":
    main()
