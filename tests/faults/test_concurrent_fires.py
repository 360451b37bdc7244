"""Two processes fire on the same case at the same moment, many times over.

Each round both read the case (same version), then both fire its next
trigger at once. Exactly one may win: no update is lost and none applied twice,
the loser gets a Conflict (or, when it did not pin the version it read and the
other had already committed, NotAllowed: its trigger no longer fits the
state), and the audit chain verifies afterwards. SQLite queues the two writers
(BEGIN IMMEDIATE); PostgreSQL lets them race into the version-checked UPDATE.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

from faultkit import WORKFLOWS
from sqlalchemy import func, select

from caseflow.engine import Engine
from caseflow.store.tables import audit_events
from caseflow.testing import open_test_case

ROUNDS = 100
LOOP = Path(__file__).with_name("fire_loop.py")
SECTIONS = {"problemstilling": "P", "losning": "L", "okonomi": "Ø"}


def start(url: str, journal_no: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(LOOP), url, journal_no, str(WORKFLOWS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )


def answer(process: subprocess.Popen[str]) -> list[str]:
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line, f"the fire loop died (exit code {process.wait(timeout=10)})"
    return line.split()


def test_two_processes_fire_at_once_and_exactly_one_wins(engine: Engine, database_url: str) -> None:
    officer = engine.actor("bif.sagsbehandler")
    journal_no = open_test_case(  # TMF leads: its office head sends it back
        engine,
        sections=SECTIONS,
        recommendations=["at udvalget drøfter sagen."],
    )
    engine.fire(journal_no, "start_drafting", officer)

    processes = [start(database_url, journal_no), start(database_url, journal_no)]
    outcomes: Counter[str] = Counter()
    losers: Counter[str] = Counter()
    try:
        for round_no in range(ROUNDS):
            versions = {answer(p)[1] for p in processes}
            assert len(versions) == 1, f"round {round_no}: they read {versions}"
            command = "go-checked" if round_no % 2 == 0 else "go"
            for process in processes:
                assert process.stdin is not None
                process.stdin.write(command + "\n")
                process.stdin.flush()
            results = [answer(p) for p in processes]
            errors = [r for r in results if r[0] == "error"]
            assert not errors, f"round {round_no}: {errors}"
            kinds = sorted(r[0] for r in results)
            assert kinds.count("ok") == 1, f"round {round_no}: {results}"
            loser = next(k for k in kinds if k != "ok")
            if command == "go-checked":
                assert loser == "conflict", f"round {round_no}: {results}"
            outcomes.update(kinds)
            losers[f"{command}:{loser}"] += 1
    finally:
        for process in processes:
            assert process.stdin is not None
            process.stdin.close()
            process.wait(timeout=30)

    case = engine.get_case(journal_no)
    with engine.db.connect() as conn:
        audit_rows = conn.execute(
            select(func.count()).where(audit_events.c.case_id == case.id)
        ).scalar_one()
    print(f"outcomes {dict(outcomes)}; losers {dict(losers)}")
    assert outcomes["ok"] == ROUNDS
    assert case.version == 2 + ROUNDS  # opened, start_drafting, one fire per round
    assert audit_rows == case.version
    assert case.state == ("drafting" if ROUNDS % 2 == 0 else "approval")
    [report] = engine.verify_audit([journal_no])
    assert report.ok, report
