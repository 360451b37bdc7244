"""The ``caseflow`` program ends without Python's teardown (``caseflow.program.run``), and
ending that way loses nothing: exit codes, output, exit functions, running threads.
Its start-up runs without the garbage collector until the command has its context."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from caseflow.testing import CommandLine as Cli
from caseflow.testing import demo_organisation_file

REPO = Path(__file__).resolve().parents[2]


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFLOW_")}
    return env | {"CASEFLOW_WORKFLOWS_DIR": str(REPO / "workflows")}


def _program(*args: str, probe: str = "") -> subprocess.CompletedProcess[str]:
    """``caseflow ARGS`` as the installed program runs it, after ``probe`` (Python)."""
    code = f"import sys\n{probe}\nsys.argv = ['caseflow', *{list(args)!r}]\n"
    code += "from caseflow.program import run\nrun()\n"
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=_environment(),
    )


@pytest.fixture
def database(tmp_path: Path) -> Path:
    if os.environ.get("CASEFLOW_TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("the program's end is the same on every database; this reads a SQLite file")
    database = tmp_path / "caseflow.db"
    cli = Cli(tmp_path, f"sqlite:///{database}", REPO / "workflows")
    cli("init")
    cli("org", "load", str(demo_organisation_file()))
    return database


def test_exit_codes_and_output_are_those_of_an_ordinary_exit(database: Path) -> None:
    listed = _program("--db", str(database), "case", "list", "--as", "admin")
    assert (listed.returncode, listed.stderr) == (0, "")
    assert "0 sager" in listed.stdout  # written to a pipe: flushed before the end

    missing = _program("--db", str(database), "case", "show", "2009-1", "--as", "admin")
    assert missing.returncode == 3
    assert "2009-1" in missing.stderr

    unknown = _program("nosuchcommand")
    assert unknown.returncode == 2
    assert "nosuchcommand" in unknown.stderr


def test_exit_functions_run_and_the_collector_resumes_for_the_command(
    database: Path, tmp_path: Path
) -> None:
    """An exit function (as logging's flush and temporary files' clean-up are) runs, and
    by then the command had the collector back, with its start-up's objects frozen."""
    seen = tmp_path / "seen.txt"
    probe = (
        "import atexit, gc\n"
        f"atexit.register(lambda: open({str(seen)!r}, 'w').write("
        "f'{gc.isenabled()} {gc.get_freeze_count() > 0}'))\n"
    )
    done = _program("--db", str(database), "case", "list", "--as", "admin", probe=probe)
    assert done.returncode == 0, done.stderr
    assert seen.read_text() == "True True"


def test_a_thread_still_running_gets_pythons_ordinary_exit(tmp_path: Path) -> None:
    """A thread that is not finished when the command ends is waited for, as Python does."""
    written = tmp_path / "thread.txt"
    probe = (
        "import threading, time\n"
        "def later():\n"
        "    time.sleep(0.5)\n"
        f"    open({str(written)!r}, 'w').write('done')\n"
        "threading.Thread(target=later).start()\n"
    )
    done = _program("--version", probe=probe)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    assert written.read_text() == "done"
