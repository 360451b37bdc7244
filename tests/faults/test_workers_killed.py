"""Three workers drain a burst of due deadlines while, round after round, one of
them is killed with SIGKILL at a random moment and replaced.

PostgreSQL only (workers claim with SKIP LOCKED; SQLite has one writer). Real
``caseflow worker`` processes, a real SMTP server on 127.0.0.1. Afterwards:
every deadline applied exactly once (its status, its audit rows), every outbox
row sent, each notification key received by the server, nothing left leased,
every audit chain intact. An e-mail may reach the server twice only when a kill
fell between the server accepting it and the outbox recording it (no sender
can know whether that message went out); such a copy carries the same
Message-ID, so there is at most one per kill and it is recognisably the same.

The burst is CASEFLOW_FAULT_DEADLINES deadlines (default 3,000, about a minute on
two busy cores; the issue's 10,000 takes about three). Each one's
expiry notifies the case officer and escalates to the approver: two e-mails.
"""

from __future__ import annotations

import os
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from faultkit import WORKFLOWS, Workers, caseflow_env, count_burst, work_left

from caseflow.clock import SystemClock
from caseflow.notifications.smtp_capture import SmtpCapture
from caseflow.testing import copy_with_due_deadline, make_test_engine, open_access_request

DEADLINES = int(os.environ.get("CASEFLOW_FAULT_DEADLINES", "3000"))
WORKERS = 3
ROUNDS = 3
LEASE = 20.0  # seconds: longer than a batch takes, so only a dead worker's claims expire


def test_workers_killed_mid_burst_apply_each_deadline_once(pg_url: str, tmp_path: Path) -> None:
    engine = make_test_engine(pg_url, clock=SystemClock(), workflows_dir=WORKFLOWS)
    due = datetime.now(UTC) - timedelta(minutes=1)
    copy_with_due_deadline(engine, open_access_request(engine), DEADLINES, due)

    rng = random.Random(20091231)
    started = time.monotonic()
    with SmtpCapture() as capture:
        env = caseflow_env(
            pg_url, CASEFLOW_SMTP_HOST="127.0.0.1", CASEFLOW_SMTP_PORT=str(capture.port)
        )
        workers = Workers(env, tmp_path, lease=LEASE)
        kills_with_work_left = 0
        try:
            workers.start(WORKERS)
            for _ in range(ROUNDS):
                time.sleep(rng.uniform(1.0, 2.0 + DEADLINES / 2000))
                kills_with_work_left += work_left(engine) > 0
                workers.kill_one(rng)
                workers.start()
            limit = time.monotonic() + 60 + DEADLINES * 0.05
            while (left := work_left(engine)) > 0:
                assert time.monotonic() < limit, f"{left} left undone\n{workers.logs()}"
                time.sleep(0.5)
        finally:
            codes = workers.stop()
        drained = time.monotonic() - started
        burst = count_burst(engine, due, capture.messages)
    engine.close()

    print(
        f"\n{DEADLINES} deadlines, {sum(burst.received_keys.values())} e-mails in "
        f"{drained:.1f} s; {ROUNDS} kills ({kills_with_work_left} with work left), "
        f"{burst.duplicates} duplicate e-mail(s); exit codes {codes}"
    )
    burst.check_exactly_once(DEADLINES, notifications_each=2)
    assert burst.duplicates <= ROUNDS, burst.received_keys.most_common(ROUNDS + 1)
    assert kills_with_work_left == ROUNDS, "the burst was drained before the kills: make it larger"
    assert codes == [0] * WORKERS, workers.logs()
