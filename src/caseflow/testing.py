"""Helpers for tests, ours and users': a ready engine on a temporary database."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from textwrap import dedent
from typing import Any

from sqlalchemy import Connection, insert, select

from caseflow import organisation
from caseflow.approvals.chain import Action
from caseflow.calendar import COPENHAGEN, COPENHAGEN_RULES
from caseflow.clock import Clock, FakeClock
from caseflow.context import Context, wired_engine
from caseflow.definitions import validate_files
from caseflow.domain import Origin, OriginKind
from caseflow.engine import Engine, NewCase
from caseflow.errors import Problem
from caseflow.registry import WorkflowRegistry
from caseflow.services import approvals
from caseflow.settings import Settings, default_workflows_dir
from caseflow.store import audit, migrate
from caseflow.store import deadlines as deadline_rows
from caseflow.store import meetings as meeting_rows
from caseflow.store.db import make_engine, write_transaction
from caseflow.store.org_history import Stamp
from caseflow.store.tables import audit_events, cases, deadline_explanations, deadlines

TESTS = "tests"  # who the organisation's history says loaded the test organisation


def copenhagen_time(text: str) -> datetime:
    """``"2009-05-14 10:00"`` as an aware Copenhagen time."""
    return datetime.fromisoformat(text).replace(tzinfo=COPENHAGEN)


def demo_organisation_file() -> Path:
    return Path(str(resources.files("caseflow.demo").joinpath("copenhagen.yaml")))


def make_test_engine(
    database_url: str,
    *,
    clock: Clock | None = None,
    workflows_dir: Path | None = None,
    load_demo_organisation: bool = True,
) -> Engine:
    """A migrated database with Copenhagen's organisation, and an engine on a fake clock
    (or on ``clock``: the benchmarks give the system's)."""
    db = make_engine(database_url)
    migrate.upgrade(db)
    clock = clock or FakeClock(copenhagen_time("2009-05-14 10:00"))
    if load_demo_organisation:
        spec = organisation.load_file(demo_organisation_file())
        with write_transaction(db) as conn:
            organisation.store(conn, spec, Stamp(TESTS, clock.now(), "caseflow.testing"))
    registry = WorkflowRegistry(workflows_dir or default_workflows_dir(Path.cwd()))
    return wired_engine(db, registry, clock, COPENHAGEN_RULES)


def open_test_case(engine: Engine, *, actor: str = "bif.sagsbehandler", **overrides: Any) -> str:
    """Open a committee case like the reference one (TMF lead, BIF drafting, BIU)."""
    values: dict[str, Any] = {
        "workflow_id": "committee-case",
        "title": "Styring af de politiske processer",
        "origin": Origin(OriginKind.ENQUIRY, "Et medlem", None, "BIU"),
        "lead_administration": "TMF",
        "participating_administrations": ["BIF"],
        "committee": "BIU",
    }
    values.update(overrides)
    return engine.open_case(NewCase(**values), engine.actor(actor)).journal_no


def add_test_meeting(engine: Engine, committee: str, starts: str) -> int:
    """A planned meeting of ``committee`` at ``starts`` (Copenhagen time), straight in its
    table (the meeting plan has its own use case)."""
    with write_transaction(engine.db) as conn:
        return meeting_rows.create(
            conn,
            committee=committee,
            starts_at=copenhagen_time(starts),
            place="Rådhuset",
            now=engine.clock.now(),
        ).id


def ready_test_case(
    engine: Engine, title: str = "Styring af de politiske processer", **overrides: Any
) -> str:
    """A committee case drafted by BIF and approved: ready for BIU's agenda."""
    officer = engine.actor("bif.sagsbehandler")
    journal_no = open_test_case(engine, title=title, **overrides)
    engine.edit(
        journal_no,
        {
            "summary": f"Resumé af {title}.",
            "sections.problemstilling": "Problem.",
            "sections.losning": "Løsning.",
            "sections.okonomi": "Ingen.",
            "recommendations": ["at udvalget drøfter sagen."],
        },
        officer,
    )
    engine.fire(journal_no, "start_drafting", officer)
    engine.fire(journal_no, "submit_for_approval", officer)
    approve_test_case(engine, journal_no)
    return journal_no


MANAGEMENT = ("tmf.kontorchef", "tmf.direktor")
"""TMF's office head and director in the demo organisation: committee-case's approval
chain for a case TMF leads, in its order."""


def approve_test_case(engine: Engine, journal_no: str, *, by: Sequence[str] = MANAGEMENT) -> None:
    """Take a committee case waiting for approval through its chain: each of ``by``
    approves the step open for them, and the last approval fires ``approve``."""
    url = engine.db.url.render_as_string(hide_password=False)
    ctx = Context(Settings(url, engine.registry.directory), engine)
    for username in by:
        approvals.act(ctx, engine.actor(username), approvals.ActOnStep(journal_no, Action.APPROVE))


def marked_line(text: str) -> int:
    """The line of a workflow text marked with ``#!``: where a problem must be reported."""
    lines = [i for i, line in enumerate(text.splitlines(), start=1) if "#!" in line]
    assert len(lines) == 1, "mark exactly one line with #!"
    return lines[0]


def replaced(text: str, *pairs: tuple[str, str]) -> str:
    """``text`` with each ``old`` (which must occur exactly once) replaced by ``new``."""
    for old, new in pairs:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def problems_in(folder: Path, text: str) -> tuple[list[Problem], Path]:
    """Write a workflow text to ``folder/wf.yaml`` and validate it."""
    path = folder / "wf.yaml"
    path.write_text(dedent(text), encoding="utf-8")
    return validate_files([path]), path


# -- many due deadlines at once ----------------------------------------------------------


def open_access_request(engine: Engine, *, actor: str = "bif.sagsbehandler") -> str:
    """One access request (``received``, its ``answer_in_time`` deadline open), opened
    through the engine: the template :func:`copy_with_due_deadline` copies."""
    case = engine.open_case(
        NewCase(
            workflow_id="access-request",
            title="Aktindsigt i notat om helhedsplaner",
            lead_administration="BIF",
            fields={"requester_email": "borger@example.dk"},
        ),
        engine.actor(actor),
    )
    return case.journal_no


def copy_with_due_deadline(
    engine: Engine,
    template_no: str,
    count: int,
    due_at: datetime,
    *,
    year: int = 1999,
    batch: int = 5000,
) -> list[str]:
    """Copy a freshly opened case ``count`` times, each with its open deadline due at
    ``due_at`` (no reminders left) and a one-row audit chain that verifies.

    Opening 10,000 cases through the engine takes minutes; these are the template's own
    rows with new journal numbers (``{year}-0000001`` ...), hashes and due times,
    written in batches of executemany on any database (ids from the sequences, so the
    engine's own inserts afterwards do not collide). Returns the journal numbers.
    """
    template = engine.get_case(template_no)
    [first] = engine.history(template_no)
    with engine.db.connect() as conn:
        case_row = dict(conn.execute(select(cases).where(cases.c.id == template.id)).one()._mapping)
        audit_row = dict(
            conn.execute(select(audit_events).where(audit_events.c.case_id == template.id))
            .one()
            ._mapping
        )
        deadline_row = dict(
            conn.execute(select(deadlines).where(deadlines.c.case_id == template.id)).one()._mapping
        )
        explanation = deadline_rows.explanations(conn, [deadline_row["id"]])[deadline_row["id"]]
    for row in (case_row, audit_row, deadline_row):
        del row["id"]
    deadline_row |= {
        "due_at": due_at,
        "next_action_at": due_at,
        "reminders_at": [],
        "reminders_sent": 0,
    }
    numbers = [f"{year}-{i:07d}" for i in range(count)]
    for offset in range(0, count, batch):
        chunk = numbers[offset : offset + batch]
        hashes = [audit.entry_hash(number, first) for number in chunk]
        with write_transaction(engine.db) as conn:
            ids = (
                conn.execute(
                    insert(cases).returning(cases.c.id, sort_by_parameter_order=True),
                    [
                        case_row | {"journal_no": number, "audit_head": digest}
                        for number, digest in zip(chunk, hashes, strict=True)
                    ],
                )
                .scalars()
                .all()
            )
            conn.execute(
                insert(audit_events),
                [
                    audit_row | {"case_id": case_id, "hash": digest}
                    for case_id, digest in zip(ids, hashes, strict=True)
                ],
            )
            deadline_ids = (
                conn.execute(
                    insert(deadlines).returning(deadlines.c.id, sort_by_parameter_order=True),
                    [deadline_row | {"case_id": i} for i in ids],
                )
                .scalars()
                .all()
            )
            conn.execute(
                insert(deadline_explanations),
                [{"deadline_id": i, "explanation": list(explanation)} for i in deadline_ids],
            )
    return numbers


def query_plan(engine: Engine, call: Callable[[Connection], object]) -> str:
    """SQLite's query plan for the first query ``call`` executes, in a transaction
    rolled back afterwards.

    The statement is taken from SQLite's own trace, its parameters filled in: the
    hot statements run prepared on the driver's cursor, past SQLAlchemy's events.
    """
    seen: list[str] = []
    with engine.db.connect() as conn:
        driver = conn.connection.driver_connection
        assert isinstance(driver, sqlite3.Connection), "query plans are SQLite's"
        with conn.begin() as transaction:
            driver.set_trace_callback(seen.append)
            try:
                call(conn)
            finally:
                driver.set_trace_callback(None)
            statement = next(s for s in seen if s.split()[0] in ("SELECT", "UPDATE", "INSERT"))
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement)
            text = "; ".join(row[-1] for row in plan)
            transaction.rollback()
    return text


# -- a private PostgreSQL server ---------------------------------------------------------


def postgres_bin() -> Path | None:
    """The folder of PostgreSQL's server programs (Debian's newest, or on PATH), if any."""
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: [int(x) for x in p.parent.name.split(".") if x.isdigit()],
    )
    for folder in reversed(debian):
        if (folder / "pg_ctl").exists() and (folder / "initdb").exists():
            return folder
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and shutil.which("initdb") else None


class PostgresCluster:
    """A throwaway PostgreSQL cluster on 127.0.0.1 that a test or benchmark controls.

    ``start`` runs initdb (once) and starts the server; ``stop(mode="immediate")``
    kills it as a crash would, ``start`` again recovers it. When run as root the
    server runs as the ``postgres`` user (initdb refuses root), as on Debian.
    ``fsync=off`` (``durable=False``) trades crash safety of the machine for
    speed: for tests, never for benchmarks of durability.
    """

    def __init__(self, folder: Path, port: int | None = None, *, durable: bool = True) -> None:
        bin_dir = postgres_bin()
        if bin_dir is None:
            raise FileNotFoundError(
                "PostgreSQL's server programs (initdb, pg_ctl) are not installed; "
                "apt-get install postgresql"
            )
        self.bin = bin_dir
        self.folder = folder
        self.data = folder / "data"
        self.port = port or _free_port()
        self.durable = durable

    @property
    def url(self) -> str:
        """The maintenance database ``postgres`` as superuser ``postgres``."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            raise subprocess.CalledProcessError(
                done.returncode, command, done.stdout, f"{args[0]}: {done.stderr.strip()}"
            )

    def start(self) -> PostgresCluster:
        if not self.data.exists():
            self.folder.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.folder, "postgres")
            self._run(
                "initdb", "-D", str(self.data), "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8"
            )
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "server.log"),
            "-w",
            "-o",
            options,
            "start",
        )
        return self

    def stop(self, mode: str = "fast") -> None:
        """``fast`` (disconnect clients, clean shutdown) or ``immediate`` (like a crash)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def destroy(self) -> None:
        """Stop the server if it runs and delete its files."""
        with contextlib.suppress(subprocess.CalledProcessError):  # not running
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> PostgresCluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.destroy()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class CommandLine:
    """``python -m caseflow ARGS`` in a subprocess, as a user runs it, on one database.

    The environment is the test's, less who the user is and what time it is
    (``CASEFLOW_USER``, ``CASEFLOW_NOW``): a command says ``--as`` when it acts, and
    :meth:`at` sets the time the next commands run at. A traceback or an exit code
    other than ``expect`` fails the test.
    """

    def __init__(self, folder: Path, database_url: str, workflows_dir: Path, **env: str) -> None:
        self.folder = folder
        self.database_url = database_url
        self.env = os.environ | {
            "CASEFLOW_DATABASE_URL": database_url,
            "CASEFLOW_WORKFLOWS_DIR": str(workflows_dir),
            "COLUMNS": "200",
        }
        self.env.pop("CASEFLOW_USER", None)
        self.env.pop("CASEFLOW_NOW", None)
        self.env.update(env)

    def at(self, moment: str) -> None:
        """Run the next commands at ``moment`` (Copenhagen time, e.g. 2009-06-02T10:00)."""
        self.env["CASEFLOW_NOW"] = moment

    def __call__(
        self, *args: str, expect: int = 0, input_text: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "caseflow", *args],
            cwd=self.folder,
            env=self.env,
            input=input_text,
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=120,
            check=False,
        )
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode == expect, (result.stdout, result.stderr)
        return result

    def json(self, *args: str) -> Any:
        """The command's ``--json`` output, parsed."""
        return json.loads(self(*args, "--json").stdout)


# -- an idle worker's memory -----------------------------------------------------------------

_IDLE_PROBE = dedent(
    """
    import os, sys, threading, time

    def cpu_ticks():
        with open("/proc/self/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    def report_when_idle():
        time.sleep(1.0)  # the first cycle starts at once; let it begin
        last, still, waited = cpu_ticks(), 0, 0.0
        while still < 4 and waited < 60:  # idle: no CPU for a second
            time.sleep(0.25)
            waited += 0.25
            now = cpu_ticks()
            still, last = (still + 1 if now == last else 0), now
        with open("/proc/self/status", encoding="ascii") as status:
            kib = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
        loaded = [name for name in sys.argv[1].split(",") if name and name in sys.modules]
        print("IDLE", kib, ",".join(loaded), flush=True)
        os._exit(0)

    threading.Thread(target=report_when_idle, daemon=True).start()
    from caseflow.program import run  # as the installed program starts
    sys.argv = ["caseflow", *sys.argv[2:]]
    run()
    """
)


@dataclass(frozen=True)
class IdleWorker:
    """What an idle ``caseflow worker`` holds: resident memory and the modules asked about."""

    rss_mb: float
    loaded: tuple[str, ...]


def idle_worker(database: Path, workflows_dir: Path, modules: Sequence[str] = ()) -> IdleWorker:
    """Start ``caseflow worker`` on the SQLite file ``database`` in a fresh process, wait
    until it has done its first cycle and uses no CPU, and read its VmRSS (Linux only:
    ``/proc``) and which of ``modules`` it has imported. The process is ended then."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFLOW_")}
    args = ["--db", str(database), "--workflows", str(workflows_dir), "worker"]
    done = subprocess.run(
        [sys.executable, "-c", _IDLE_PROBE, ",".join(modules), *args],
        cwd=database.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("IDLE")]
    if not lines:
        raise RuntimeError(f"the worker stopped before it was idle: {done.stdout}{done.stderr}")
    line = lines[0]
    _, kib, *loaded = line.split()
    return IdleWorker(int(kib) / 1024, tuple(loaded[0].split(",")) if loaded else ())
