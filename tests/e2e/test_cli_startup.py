"""``case list`` starts with what it needs: no agenda, documents, workflow loader,
diagrams, Jinja2 or SMTP (issue 16, finding 9; bench/startup.py has the figures)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from caseflow.testing import CommandLine as Cli
from caseflow.testing import demo_organisation_file

REPO = Path(__file__).resolve().parents[2]

NOT_FOR_A_LIST = (
    "caseflow.cli.agenda",
    "caseflow.cli.documents",
    "caseflow.documents",
    "caseflow.definitions.loader",
    "caseflow.notifications.render",
    "caseflow.deadlines.dispatcher",
    "transitions.extensions.diagrams",
    "yaml",
    "jinja2",
    "smtplib",
    "apscheduler",
    "weasyprint",
    # A list reads no workflow: neither the file's pydantic models nor the machine.
    "caseflow.definitions.schema",
    "caseflow.definitions.approval_schema",
    "caseflow.definitions.machine",
    "transitions",
    # Nor does it sign or verify records, or add attachments.
    "caseflow.records.signing",
    "caseflow.records.verify",
    "cryptography",
    "caseflow.services.attachments",
    # Nor does it fire: the engine's hooks are built at the first open, fire or edit
    # (context.WiredEngine), and with them the deadline, outbox and approval rows.
    "caseflow.approvals.hook",
    "caseflow.deadlines.scheduling",
    "caseflow.deadlines.rules",
    "caseflow.notifications.on_transition",
    "caseflow.notifications.recipients",
    "caseflow.notifications.message",
    "email.headerregistry",
    "caseflow.store.deadlines",
    "caseflow.store.outbox",
    "caseflow.store.approvals",
    # Nor the approval rules (the package names them lazily), nor the due-date parser
    # (only an edit's check of dates in the past uses it).
    "caseflow.approvals.chain",
    "caseflow.approvals.routing",
    "caseflow.definitions.due",
    # Nor sign-in's rows (only the last-administrator rule reads them).
    "caseflow.store.accounts",
    # On SQLite, nothing of PostgreSQL: the partial indexes name their condition for it
    # only when a PostgreSQL engine is made (tables.partial_indexes_on_postgresql).
    "sqlalchemy.dialects.postgresql",
    "psycopg",
    # Nor pydantic: the web app's models use it, and Typer before 0.29 does not (0.29
    # validates every parameter with a pydantic TypeAdapter; pyproject.toml keeps to 0.28).
    "pydantic",
)


def test_case_list_imports_none_of_the_machinery_it_does_not_use(tmp_path: Path) -> None:
    database = tmp_path / "caseflow.db"
    if os.environ.get("CASEFLOW_TEST_DATABASE_URL", "").startswith("postgresql"):
        pytest.skip("the probe reads a SQLite file")
    cli = Cli(tmp_path, f"sqlite:///{database}", REPO / "workflows")
    cli("init")
    cli("org", "load", str(demo_organisation_file()))
    probe = (
        "import sys, io, contextlib\n"
        "from caseflow.cli import main\n"
        "out = io.StringIO()\n"
        "try:\n"
        "    with contextlib.redirect_stdout(out):\n"
        f"        main(['--db', {str(database)!r}, 'case', 'list', '--as', 'admin'])\n"
        "except SystemExit as exc:\n"
        "    code = exc.code\n"
        f"heavy = [m for m in {NOT_FOR_A_LIST!r} if m in sys.modules]\n"
        "print('HEAVY', heavy, 'CODE', code)\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFLOW_")}
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env=env | {"CASEFLOW_WORKFLOWS_DIR": str(REPO / "workflows")},
    )
    assert "HEAVY [] CODE 0" in result.stdout, result.stdout


@pytest.mark.parametrize("when", ["rich.console", "typer", "caseflow.cli.app"])
def test_ctrl_c_at_start_up_is_one_line_and_exit_130(tmp_path: Path, when: str) -> None:
    """Ctrl-C while the command line imports ``when`` (read from ``-X importtime``, so
    the signal comes once caseflow's own start-up runs, not Python's). The pipe that
    carries those lines is kept small, so the command cannot run far ahead of our reading;
    should it still finish before the signal lands (a loaded machine), that run proves
    nothing and is tried again."""
    for _ in range(5):
        code, said = _interrupted_at(tmp_path, when)
        if code != 6:  # 6: it had already said "no database" and ended
            break
    assert "Traceback" not in "".join(said)
    assert code == 130, said
    assert said == ["interrupted: nothing more was done\n"]


def _as_from_a_terminal() -> None:
    """Ctrl-C as a terminal delivers it, whatever the test process inherited or did
    before: a SIGINT ignored or blocked there would be ignored or blocked in the child."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _interrupted_at(tmp_path: Path, when: str) -> tuple[int, list[str]]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFLOW_")}
    running = subprocess.Popen(
        [sys.executable, "-X", "importtime", "-m", "caseflow", "--db", str(tmp_path / "x.db"),
         "case", "list", "--as", "admin"],
        env=env | {"CASEFLOW_WORKFLOWS_DIR": str(REPO / "workflows")},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_as_from_a_terminal,
    )  # fmt: skip
    assert running.stderr is not None
    with contextlib.suppress(OSError):  # Linux: a one-page pipe (else the run may race)
        fcntl.fcntl(running.stderr.fileno(), fcntl.F_SETPIPE_SZ, 4096)
    lines = []
    for line in running.stderr:
        lines.append(line)
        if line.startswith("import time") and line.split("|")[-1].strip() == when:
            break
    running.send_signal(signal.SIGINT)
    _, rest = running.communicate(timeout=60)
    said = [line for line in [*lines, *rest.splitlines(True)] if not line.startswith("import time")]
    return running.returncode, said
