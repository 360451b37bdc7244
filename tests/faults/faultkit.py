"""What the fault tests share besides fixtures (importable from them: ``from faultkit import``)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from caseflow.engine import Engine
from caseflow.notifications.smtp_capture import ReceivedMessage
from caseflow.store.tables import audit_events, deadlines, outbox

REPO = Path(__file__).resolve().parents[2]
WORKFLOWS = REPO / "workflows"


def caseflow_env(url: str, **extra: str) -> dict[str, str]:
    """The environment of a ``python -m caseflow`` subprocess on database ``url``.

    It inherits ours (PYTHONPATH included), so it runs the caseflow under test.
    """
    return os.environ | {
        "CASEFLOW_DATABASE_URL": url,
        "CASEFLOW_WORKFLOWS_DIR": str(WORKFLOWS),
        **extra,
    }


class Workers:
    """``caseflow worker`` processes with their logs in a folder; killed and replaced."""

    def __init__(self, env: dict[str, str], folder: Path, *, lease: float) -> None:
        self.env = env
        self.folder = folder
        self.lease = lease
        self.running: list[subprocess.Popen[bytes]] = []
        self.started = 0

    def start(self, count: int = 1) -> None:
        for _ in range(count):
            with (self.folder / f"worker-{self.started}.log").open("wb") as log:
                command = [sys.executable, "-m", "caseflow", "worker", "--poll", "1"]
                command += ["--lease", str(self.lease)]
                self.running.append(
                    subprocess.Popen(command, env=self.env, stdout=log, stderr=subprocess.STDOUT)
                )
            self.started += 1

    def kill_one(self, rng: random.Random) -> None:
        """SIGKILL one of them: no cleanup, its claims stay leased until the lease ends."""
        victim = self.running.pop(rng.randrange(len(self.running)))
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)

    def stop(self) -> list[int | None]:
        """SIGTERM the running ones; their exit codes (None: had to be killed)."""
        for process in self.running:
            process.send_signal(signal.SIGTERM)
        codes: list[int | None] = []
        for process in self.running:
            try:
                codes.append(process.wait(timeout=30))
            except subprocess.TimeoutExpired:
                process.kill()
                codes.append(None)
        return codes

    def logs(self, lines: int = 15) -> str:
        """The end of each worker's log, for a failure message."""
        tails = []
        for path in sorted(self.folder.glob("worker-*.log")):
            text = path.read_text(errors="replace").splitlines()
            tails.append(f"--- {path.name}\n" + "\n".join(text[-lines:]))
        return "\n".join(tails)


def work_left(engine: Engine) -> int:
    """Due deadlines still open plus notifications not yet sent."""
    with engine.db.connect() as conn:
        open_deadlines = conn.execute(
            select(func.count()).where(
                deadlines.c.status == "open", deadlines.c.due_at <= datetime.now(UTC)
            )
        ).scalar_one()
        unsent = conn.execute(select(func.count()).where(outbox.c.status == "pending")).scalar_one()
    return int(open_deadlines + unsent)


@dataclass(frozen=True)
class Burst:
    """What a drained burst left behind, counted in the database and at the mail server."""

    statuses: Counter[str]  # of the burst's deadlines
    passed_per_case: Counter[int]  # "deadline ... passed" audit rows
    marked_overdue: int  # "...; marked overdue" audit rows
    outbox: Counter[str]  # statuses
    keys: set[str]  # outbox keys
    leased: int  # deadline and outbox rows still leased
    broken_chains: list[str]
    received_keys: Counter[str]  # X-Caseflow-Key of each e-mail received
    message_ids: dict[str, set[str]]  # the Message-IDs received per key

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.received_keys.values())

    def check_exactly_once(self, deadlines_due: int, notifications_each: int) -> None:
        assert self.statuses == {"expired": deadlines_due}
        assert len(self.passed_per_case) == deadlines_due
        assert set(self.passed_per_case.values()) == {1}, self.passed_per_case.most_common(3)
        assert self.marked_overdue == deadlines_due
        assert self.outbox == {"sent": notifications_each * deadlines_due}
        assert self.leased == 0
        assert set(self.received_keys) == self.keys  # all arrived, nothing else did
        assert all(len(ids) == 1 for ids in self.message_ids.values())  # copies are the same
        assert self.broken_chains == []


def count_burst(engine: Engine, due_at: datetime, received: list[ReceivedMessage]) -> Burst:
    with engine.db.connect() as conn:
        statuses = Counter(
            conn.execute(select(deadlines.c.status).where(deadlines.c.due_at == due_at)).scalars()
        )
        passed = Counter(
            conn.execute(
                select(audit_events.c.case_id).where(
                    audit_events.c.kind == "deadline", audit_events.c.comment.like("%passed%")
                )
            ).scalars()
        )
        overdue = conn.execute(
            select(func.count()).where(audit_events.c.comment.like("%; marked overdue%"))
        ).scalar_one()
        sent = Counter(conn.execute(select(outbox.c.status)).scalars())
        keys = set(conn.execute(select(outbox.c.key)).scalars())
        leased = sum(
            conn.execute(select(func.count()).where(table.c.lease_owner.is_not(None))).scalar_one()
            for table in (deadlines, outbox)
        )
    message_ids: dict[str, set[str]] = {}
    for message in received:
        key = str(message.message["X-Caseflow-Key"])
        message_ids.setdefault(key, set()).add(str(message.message["Message-ID"]))
    return Burst(
        statuses=statuses,
        passed_per_case=passed,
        marked_overdue=int(overdue),
        outbox=sent,
        keys=keys,
        leased=int(leased),
        broken_chains=[r.journal_no for r in engine.verify_audit() if not r.ok],
        received_keys=Counter(str(m.message["X-Caseflow-Key"]) for m in received),
        message_ids=message_ids,
    )


def applied(engine: Engine) -> int:
    """Deadlines applied so far (expired)."""
    with engine.db.connect() as conn:
        return int(
            conn.execute(select(func.count()).where(deadlines.c.status == "expired")).scalar_one()
        )
