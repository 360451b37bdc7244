"""Server time of the web app's busiest pages over 100,000 cases.

One command: ``python bench/web.py`` (``--cases N`` for another size, ``--quick`` for
10,000 cases and 50 requests; ``--database-url postgresql+psycopg://...`` or
``CASEFLOW_BENCH_DATABASE_URL`` to measure on a PostgreSQL server, where a fresh
database is made for the run and dropped after it). It builds a database with N cases spread over
the demo's case officers, states and administrations (a fifth with an open
deadline), signs in once, then times requests against the app in-process (no
network): the inbox (two tabs), the API's case list and one case page, each beside
``/api/v1/health`` of the same app as the baseline. It prints p50 and p95 per path
and each p95 against the target of 100 ms.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from caseflow.context import Context
from caseflow.engine import Engine
from caseflow.services import accounts
from caseflow.settings import Settings
from caseflow.store import audit
from caseflow.store.cases import case_to_values
from caseflow.store.db import write_transaction
from caseflow.store.tables import audit_events, cases, deadlines
from caseflow.testing import make_test_engine, open_test_case
from caseflow.web.app import create_app

REPO = Path(__file__).resolve().parents[1]
TARGET_MS = 100.0
PASSWORD = "bench password 1"
OFFICERS = ("bif.sagsbehandler", "tmf.sagsbehandler", "someone.else")
STATES = ("registered", "drafting", "approval", "ready_for_agenda", "decided", "closed")
LEADS = ("TMF", "BIF", "KFF", "ØKF")


def store_cases(engine: Engine, count: int) -> str:
    """``count`` copies of one real case with varied officers, states and leads, a
    fifth of them with an open deadline; returns one journal number to open."""
    template_no = open_test_case(engine)
    template = engine.get_case(template_no)
    first = engine.history(template_no)[0]
    now = engine.clock.now()
    batch = 5000
    for offset in range(0, count, batch):
        case_rows, audit_rows = [], []
        for i in range(offset, min(offset + batch, count)):
            journal_no = f"1999-{i:06d}"
            entry = dataclasses.replace(first, seq=1, prev_hash=audit.GENESIS)
            entry = dataclasses.replace(entry, hash=audit.entry_hash(journal_no, entry))
            values = case_to_values(template) | {
                "journal_no": journal_no,
                "title": f"Sag nummer {i}",
                "workflow_id": template.workflow_id,
                "workflow_version": template.workflow_version,
                "state": STATES[i % len(STATES)],
                "case_officer": OFFICERS[i % len(OFFICERS)],
                "lead_administration": LEADS[i % len(LEADS)],
                "version": 1,
                "origin": template.origin.to_json(),
                "created_at": entry.at,
                "updated_at": entry.at + timedelta(seconds=i),
                "state_entered_at": entry.at,
                "audit_head": entry.hash,
            }
            case_rows.append(values)
            audit_rows.append(
                {
                    "seq": 1,
                    "at": entry.at,
                    "actor": entry.actor,
                    "kind": entry.kind,
                    "trigger": None,
                    "from_state": None,
                    "to_state": values["state"],
                    "changes": entry.changes,
                    "comment": None,
                    "prev_hash": entry.prev_hash,
                    "hash": entry.hash,
                }
            )
        with write_transaction(engine.db) as conn:
            conn.execute(insert(cases), case_rows)
            numbers = [r["journal_no"] for r in case_rows]
            keys = dict(
                conn.execute(
                    select(cases.c.journal_no, cases.c.id).where(cases.c.journal_no.in_(numbers))
                ).all()
            )
            conn.execute(
                insert(audit_events),
                [
                    a | {"case_id": keys[c["journal_no"]]}
                    for c, a in zip(case_rows, audit_rows, strict=False)
                ],
            )
            due_rows = [
                {
                    "case_id": keys[c["journal_no"]],
                    "rule_id": "drafting_time",
                    "generation": 1,
                    "status": "open",
                    "started_at": now,
                    "due_at": now + timedelta(days=(n % 20) - 5),
                    "reminders_at": [],
                    "reminders_sent": 0,
                    "next_action_at": now + timedelta(days=(n % 20) - 5),
                    "attempts": 0,
                    "created_at": now,
                }
                for n, c in enumerate(case_rows)
                if n % 5 == 0
            ]
            conn.execute(insert(deadlines), due_rows)
    return "1999-000001"


@contextmanager
def database(server: str | None) -> Iterator[str]:
    """A new empty database: a SQLite file in a temporary folder, or (``server``: a
    PostgreSQL URL) a fresh database on that server, dropped afterwards."""
    if server is None:
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'web.db'}"
        return
    name = f"caseflow_bench_web_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def timed(client: TestClient, path: str, runs: int, headers: dict[str, str]) -> list[float]:
    client.get(path, headers=headers)  # warm: templates compiled, caches filled
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}: {response.text[:300]}")
    return times


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="10,000 cases, 50 requests")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("CASEFLOW_BENCH_DATABASE_URL"),
        help="a PostgreSQL server (postgresql+psycopg://USER@HOST:PORT/DB) to measure on; "
        "default: SQLite in a temporary folder",
    )
    args = parser.parse_args()
    if args.quick:
        args.cases, args.requests = 10_000, 50
    with database(args.database_url) as url:
        engine = make_test_engine(url, workflows_dir=REPO / "workflows")
        started = time.perf_counter()
        case_page = store_cases(engine, args.cases)
        print(f"stored {args.cases:,} cases in {time.perf_counter() - started:.1f} s")
        if engine.db.dialect.name == "postgresql":
            with engine.db.connect() as conn:  # what autovacuum would do after the load
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        ctx = Context(Settings(url, REPO / "workflows"), engine)
        admin = engine.actor("admin")
        accounts.set_password(ctx, admin, "bif.sagsbehandler", PASSWORD)
        token = accounts.issue_token(ctx, engine.actor("bif.sagsbehandler"), "bench").secret
        with TestClient(create_app(ctx)) as client:
            form = client.get("/signin").text
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
            assert csrf is not None
            client.post(
                "/signin",
                data={
                    "username": "bif.sagsbehandler",
                    "password": PASSWORD,
                    "csrf_token": csrf.group(1),
                },
            )
            api = {"Authorization": f"Bearer {token}"}
            paths = {
                "baseline /api/v1/health": ("/api/v1/health", {}),
                "inbox (my cases)": ("/inbox", {}),
                "inbox (my administration, by due date)": (
                    "/inbox?tab=administration&sort=due",
                    {},
                ),
                "case list (API, 50 a page)": ("/api/v1/cases", api),
                "case page": (f"/cases/{case_page}", {}),
            }
            results = {
                name: timed(client, path, args.requests, headers)
                for name, (path, headers) in paths.items()
            }
        engine.close()
    base = statistics.median(results["baseline /api/v1/health"])
    where = make_url(url).get_backend_name()
    print(f"{args.requests} requests each, in-process, over {args.cases:,} cases on {where}")
    print(f"{'path':44} {'p50 ms':>8} {'p95 ms':>8} {'p50/base':>9}  target p95 < {TARGET_MS:.0f}")
    for name, times in results.items():
        p50, p95 = statistics.median(times), percentile(times, 0.95)
        verdict = "" if name.startswith("baseline") else ("ok" if p95 < TARGET_MS else "SLOW")
        print(f"{name:44} {p50:8.2f} {p95:8.2f} {p50 / base:9.1f}  {verdict}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
