"""PostgreSQL restarted in the middle of a burst: the workers reconnect and finish.

A private cluster of the test's own (the CI server is shared by the other
tests), three ``caseflow worker`` processes, a real SMTP server. While they
drain the burst, the server is stopped (``pg_ctl -m fast``: every connection
is cut, open transactions roll back), kept down for a few seconds and started
again. The workers' cycles fail while it is down and succeed again on their
next poll; work claimed before the restart is taken up when its lease ends.
The counts afterwards are those of a run without a restart. An e-mail whose
sending succeeded just before the outbox could record it is sent again (same
Message-ID): at most one per worker.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from faultkit import WORKFLOWS, Workers, applied, caseflow_env, count_burst, work_left

from caseflow.clock import SystemClock
from caseflow.notifications.smtp_capture import SmtpCapture
from caseflow.testing import (
    PostgresCluster,
    copy_with_due_deadline,
    make_test_engine,
    open_access_request,
)

DEADLINES = int(os.environ.get("CASEFLOW_FAULT_RESTART_DEADLINES", "1000"))
WORKERS = 3
LEASE = 10.0
DOWN = 3.0  # seconds


def test_postgres_restart_mid_burst(private_cluster: PostgresCluster, tmp_path: Path) -> None:
    url = private_cluster.url
    engine = make_test_engine(url, clock=SystemClock(), workflows_dir=WORKFLOWS)
    due = datetime.now(UTC) - timedelta(minutes=1)
    copy_with_due_deadline(engine, open_access_request(engine), DEADLINES, due)

    started = time.monotonic()
    with SmtpCapture() as capture:
        env = caseflow_env(
            url, CASEFLOW_SMTP_HOST="127.0.0.1", CASEFLOW_SMTP_PORT=str(capture.port)
        )
        workers = Workers(env, tmp_path, lease=LEASE)
        try:
            workers.start(WORKERS)
            limit = time.monotonic() + 120
            while applied(engine) < DEADLINES * 0.4:  # restart in the middle of dispatching
                assert time.monotonic() < limit, f"no progress\n{workers.logs()}"
                time.sleep(0.2)
            private_cluster.stop("fast")
            time.sleep(DOWN)
            private_cluster.start()
            engine.db.dispose()  # our own pooled connections died with the server
            limit = time.monotonic() + 90 + DEADLINES * 0.03
            while (left := work_left(engine)) > 0:
                assert time.monotonic() < limit, f"{left} left undone\n{workers.logs()}"
                time.sleep(0.5)
        finally:
            codes = workers.stop()
        drained = time.monotonic() - started
        burst = count_burst(engine, due, capture.messages)
    engine.close()

    logs = "".join(p.read_text(errors="replace") for p in tmp_path.glob("worker-*.log"))
    print(
        f"\n{DEADLINES} deadlines, {sum(burst.received_keys.values())} e-mails in "
        f"{drained:.1f} s with a restart; {burst.duplicates} duplicate e-mail(s); "
        f"exit codes {codes}"
    )
    burst.check_exactly_once(DEADLINES, notifications_each=2)
    assert burst.duplicates <= WORKERS, burst.received_keys.most_common(WORKERS + 1)
    assert codes == [0] * WORKERS, workers.logs()
    assert "OperationalError" in logs  # the workers did see the server go away
