"""A worker killed with SIGKILL mid-run, restarted: every deadline applied exactly once.

The worker runs as a real subprocess (`caseflow worker --once`) against a SQLite
file and a real SMTP server on 127.0.0.1. It is killed twice: once at a random
moment while it dispatches or sends, once in the middle of sending. A third run
finishes the work. Nothing may be lost and nothing applied twice; an e-mail may
be sent a second time only if the kill fell between the server accepting it and
the outbox recording it, and then it carries the same key (Message-ID).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from caseflow.engine import NewCase
from caseflow.notifications.smtp_capture import SmtpCapture
from caseflow.store.tables import audit_events, deadlines, outbox
from caseflow.testing import copenhagen_time, make_test_engine

REPO = Path(__file__).resolve().parents[2]
CASES = 120
LEASE = 1.0  # seconds; a killed worker's claims are free again after it
NOTIFICATIONS_PER_CASE = 2  # the case officer is told, the approver is escalated to


def start_worker(env: dict[str, str], cwd: Path, run: int) -> subprocess.Popen[bytes]:
    """Run number ``run`` starts later in (fake) time, as a restart would in real time."""
    now = datetime(2009, 4, 24, 10, 0) + timedelta(seconds=run * (LEASE + 1))
    env = env | {"CASEFLOW_NOW": now.isoformat()}
    return subprocess.Popen(
        [sys.executable, "-m", "caseflow", "worker", "--once", "--lease", str(LEASE)],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def kill(process: subprocess.Popen[bytes]) -> bool:
    """SIGKILL the worker; False if it had already finished."""
    if process.poll() is not None:
        return False
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    return True


def test_sigkill_mid_run_loses_nothing_and_applies_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    engine = make_test_engine(url, workflows_dir=REPO / "workflows")
    engine.clock.set(copenhagen_time("2009-04-08 10:00"))  # type: ignore[attr-defined]
    officer = engine.actor("bif.sagsbehandler")
    for number in range(CASES):
        case = engine.open_case(
            NewCase(
                workflow_id="access-request",
                title=f"Aktindsigt {number}",
                lead_administration="BIF",
            ),
            officer,
        )
        engine.fire(case.journal_no, "start_assessment", officer)
    engine.close()

    rng = random.Random(20091231)
    with SmtpCapture() as capture:
        env = os.environ | {
            "CASEFLOW_DATABASE_URL": url,
            "CASEFLOW_WORKFLOWS_DIR": str(REPO / "workflows"),
            "CASEFLOW_SMTP_HOST": "127.0.0.1",
            "CASEFLOW_SMTP_PORT": str(capture.port),
        }
        kills = 0
        first = start_worker(env, tmp_path, 0)  # every deadline has passed
        time.sleep(rng.uniform(0.4, 1.5))
        kills += kill(first)
        second = start_worker(env, tmp_path, 1)
        deadline = time.monotonic() + 60
        target = len(capture.messages) + CASES // 2
        while len(capture.messages) < target and second.poll() is None:
            assert time.monotonic() < deadline, "the worker made no progress"
            time.sleep(0.005)
        kills += kill(second)
        last = start_worker(env, tmp_path, 2)
        _, errors = last.communicate(timeout=120)
        assert last.returncode == 0, errors.decode()
        expected = CASES * NOTIFICATIONS_PER_CASE
        capture.wait_for(expected)
        keys = Counter(str(m.message["X-Caseflow-Key"]) for m in capture.messages)

    engine = make_test_engine(url, workflows_dir=REPO / "workflows", load_demo_organisation=False)
    with engine.transaction() as conn:
        statuses = Counter(conn.execute(select(deadlines.c.status)).scalars())
        passed = conn.execute(
            select(audit_events.c.case_id, func.count())
            .where(audit_events.c.kind == "deadline", audit_events.c.comment.like("%passed%"))
            .group_by(audit_events.c.case_id)
        ).all()
        outbox_rows = Counter(conn.execute(select(outbox.c.status)).scalars())
        leased = conn.execute(
            select(func.count()).select_from(deadlines).where(deadlines.c.lease_owner.is_not(None))
        ).scalar_one()
    engine.close()

    assert statuses == {"expired": CASES}
    assert len(passed) == CASES
    assert all(count == 1 for _, count in passed)
    assert outbox_rows == {"sent": expected}
    assert leased == 0
    assert len(keys) == expected  # every notification arrived
    duplicates = sum(count - 1 for count in keys.values())
    print(f"kills={kills} duplicates={duplicates}")
    assert kills >= 1, "the worker finished before it could be killed: make the run longer"
    assert duplicates <= kills, f"{duplicates} duplicate e-mails after {kills} kills"
