"""`caseflow incidents list|retry` in a subprocess, as an operator runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from caseflow.clock import FakeClock
from caseflow.engine import NewCase
from caseflow.store import deadlines as rows
from caseflow.store import outbox as outbox_rows
from caseflow.store.tables import outbox
from caseflow.testing import copenhagen_time, make_test_engine

REPO = Path(__file__).resolve().parents[2]


def caseflow(
    folder: Path, url: str, *args: str, expect: int = 0
) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "CASEFLOW_DATABASE_URL": url,
        "CASEFLOW_WORKFLOWS_DIR": str(REPO / "workflows"),
        "COLUMNS": "200",
    }
    env.pop("CASEFLOW_USER", None)
    result = subprocess.run(
        [sys.executable, "-m", "caseflow", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == expect, (result.stdout, result.stderr)
    return result


def test_incidents_are_listed_and_retried_by_an_administrator(
    tmp_path: Path, database_url: str
) -> None:
    clock = FakeClock(copenhagen_time("2009-04-08 10:00"))
    engine = make_test_engine(database_url, clock=clock, workflows_dir=REPO / "workflows")
    case = engine.open_case(
        NewCase(workflow_id="access-request", title="Aktindsigt", lead_administration="BIF"),
        engine.actor("bif.sagsbehandler"),
    )
    with engine.transaction() as conn:
        (record,) = rows.for_case(conn, case.id)
        rows.record_incident(conn, record.id, "RuntimeError: the hook broke")
        outbox_rows.enqueue(
            conn,
            key="test:1:someone@example.dk",
            case_id=case.id,
            template="expired",
            language="da",
            recipients=[{"address": "someone@example.dk", "name": None}],
            context={},
            now=clock.now(),
        )
        conn.execute(update(outbox).values(status="failed", attempts=8, last_error="550 no"))
        notification_id = conn.execute(outbox.select()).one().id
    engine.close()

    def listed(who: str) -> list[dict[str, object]]:
        out = caseflow(tmp_path, database_url, "incidents", "list", "--json", "--as", who).stdout
        found: list[dict[str, object]] = json.loads(out)
        return found

    assert [(i["id"], i["kind"], i["journal_no"]) for i in listed("admin")] == [
        (f"D-{record.id}", "deadline", case.journal_no),
        (f"N-{notification_id}", "notification", case.journal_no),
    ]
    assert listed("admin")[0]["last_error"] == "RuntimeError: the hook broke"
    table = caseflow(tmp_path, database_url, "incidents", "list", "--as", "admin").stdout
    assert f"D-{record.id}" in table
    assert "2 incident(s)" in table
    # A BIF case with no committee: not the BIU secretariat's to see or to retry.
    assert listed("biu.sekretariat") == []
    refused = caseflow(
        tmp_path,
        database_url,
        "incidents",
        "retry",
        f"D-{record.id}",
        "--as",
        "biu.sekretariat",
        expect=3,
    )
    assert "incidents you may see" in refused.stderr
    none = caseflow(
        tmp_path, database_url, "incidents", "retry", "--all", "--as", "biu.sekretariat"
    ).stdout
    assert "0 deadline(s) re-opened, 0 notification(s)" in none
    refused = caseflow(
        tmp_path, database_url, "incidents", "list", "--as", "bif.sagsbehandler", expect=4
    )
    assert "administrator or secretariat" in refused.stderr
    refused = caseflow(
        tmp_path, database_url, "incidents", "retry", "--all", "--as", "bif.sagsbehandler", expect=4
    )
    assert "administrator or secretariat" in refused.stderr
    caseflow(tmp_path, database_url, "incidents", "retry", "X-1", "--as", "admin", expect=2)
    done = caseflow(
        tmp_path, database_url, "incidents", "retry", f"D-{record.id}", "--as", "admin"
    ).stdout
    assert "1 deadline(s) re-opened, 0 notification(s)" in done
    caseflow(
        tmp_path, database_url, "incidents", "retry", f"D-{record.id}", "--as", "admin", expect=3
    )
    done = caseflow(tmp_path, database_url, "incidents", "retry", "--all", "--as", "admin").stdout
    assert "0 deadline(s) re-opened, 1 notification(s) queued again" in done
    assert listed("admin") == []

    engine = make_test_engine(
        database_url, clock=clock, workflows_dir=REPO / "workflows", load_demo_organisation=False
    )
    with engine.transaction() as conn:
        reopened = rows.get(conn, record.id)
        status = conn.execute(outbox.select()).one().status
    engine.close()
    assert (reopened.status, reopened.attempts) == ("open", 0)
    assert reopened.next_action_at is not None
    assert abs(reopened.next_action_at - datetime.now(UTC)) < timedelta(minutes=2)  # due now
    assert status == "pending"
