"""Migrating running cases onto a new workflow version: cases per second, dry run and real
run, against the engine's own fire rate in the same run.

Run: ``python bench/migrate.py [--cases N] [--fires N] [--batch N]``.

Sets up ``--cases`` running cases of the prepared test workflow ``change-request``
(version 1, ``tests/data/workflow_changes/v1.yaml``) in ``drafting``, each with its
audit chain (re-hashed for its journal number, so it verifies) and its open deadline
``drafting_time`` (12 working days), copied from one case opened through the engine.
Then it fires ``submit`` on ``--fires`` other cases through the engine (durable fires
per second), publishes version 2 (``drafting_time`` cut to 9 working days) and
migrates the cases in ``drafting`` (``--where state=drafting``): first the dry run, then
the real run, in batches of ``--batch`` (one commit per batch, a savepoint and an audit
row per case, every open deadline recomputed). SQLite in WAL mode with
``synchronous=FULL``, as caseflow runs it. Target: at least 2,000 cases/s for the
real run. The real run's CPU per case is printed too: on a machine loaded by other
work the rate swings with it, the CPU per case much less.
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select
from sqlalchemy.dialects import sqlite

from caseflow.context import Context
from caseflow.domain import AuditEntry
from caseflow.engine import NewCase
from caseflow.services import workflow_changes as changes
from caseflow.services import workflows as workflow_service
from caseflow.settings import Settings
from caseflow.store import audit
from caseflow.store.tables import audit_events, cases, deadline_explanations, deadlines
from caseflow.testing import make_test_engine

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data" / "workflow_changes"
COPY_BATCH = 5_000
SQLITE = sqlite.dialect()


def publish(ctx: Context, name: str) -> str:
    text = (DATA / name).read_text(encoding="utf-8")
    request = workflow_service.PublishWorkflow(text, name)
    return workflow_service.publish_workflow(ctx, ctx.engine.actor("admin"), request).version


def open_drafting(ctx: Context) -> str:
    engine = ctx.engine
    officer = engine.actor("bif.sagsbehandler")
    case = engine.open_case(
        NewCase("change-request", "Et ønske", lead_administration="BIF"), officer
    )
    engine.fire(case.journal_no, "start", officer)
    return case.journal_no


def _stored(conn: Connection, table: Table, where: Any) -> list[tuple[list[str], list[Any]]]:
    """Rows of ``table`` as stored (the driver's values), with their column names."""
    driver = conn.connection.driver_connection
    assert driver is not None
    sql = str(
        select(table).where(where).compile(dialect=SQLITE, compile_kwargs={"literal_binds": True})
    )
    cursor = driver.execute(sql)
    names = [d[0] for d in cursor.description]
    return [(names, list(row)) for row in cursor.fetchall()]


def copy_cases(ctx: Context, template_no: str, count: int) -> None:
    """``count`` copies of the template case: rows, audit chain, open deadline."""
    engine = ctx.engine
    template = engine.get_case(template_no)
    chain = engine.history(template_no)
    with engine.db.connect() as conn:
        ((case_cols, case_row),) = _stored(conn, cases, cases.c.id == template.id)
        audit_rows = _stored(conn, audit_events, audit_events.c.case_id == template.id)
        ((deadline_cols, deadline_row),) = _stored(
            conn, deadlines, deadlines.c.case_id == template.id
        )
        ((explain_cols, explain_row),) = _stored(
            conn, deadline_explanations, deadline_explanations.c.deadline_id == deadline_row[0]
        )
        case_id, audit_id, deadline_id = conn.execute(
            select(
                select(func.max(cases.c.id)).scalar_subquery(),
                select(func.max(audit_events.c.id)).scalar_subquery(),
                select(func.max(deadlines.c.id)).scalar_subquery(),
            )
        ).one()

    def copy(columns: list[str], row: list[Any], **values: Any) -> tuple[Any, ...]:
        new = list(row)
        for name, value in values.items():
            new[columns.index(name)] = value
        return tuple(new)

    for offset in range(0, count, COPY_BATCH):
        case_values, audit_values, deadline_values, explain_values = [], [], [], []
        for i in range(offset, min(offset + COPY_BATCH, count)):
            journal_no = f"1999-{i:07d}"
            case_id, deadline_id = case_id + 1, deadline_id + 1
            previous = audit.GENESIS
            for (audit_cols, audit_row), entry in zip(audit_rows, chain, strict=True):
                sealed: AuditEntry = audit.seal(
                    journal_no, dataclasses.replace(entry, prev_hash=previous, hash="")
                )
                previous = sealed.hash
                audit_id += 1
                audit_values.append(
                    copy(
                        audit_cols,
                        audit_row,
                        id=audit_id,
                        case_id=case_id,
                        prev_hash=sealed.prev_hash,
                        hash=sealed.hash,
                    )
                )
            case_values.append(
                copy(case_cols, case_row, id=case_id, journal_no=journal_no, audit_head=previous)
            )
            deadline_values.append(
                copy(deadline_cols, deadline_row, id=deadline_id, case_id=case_id)
            )
            explain_values.append(copy(explain_cols, explain_row, deadline_id=deadline_id))
        with engine.transaction() as conn:
            driver = conn.connection.driver_connection
            assert driver is not None
            for table, values in (
                (cases, case_values),
                (audit_events, audit_values),
                (deadlines, deadline_values),
                (deadline_explanations, explain_values),
            ):
                driver.executemany(str(insert(table).compile(dialect=SQLITE)), values)


def fire_rate(ctx: Context, count: int) -> float:
    """Durable fires per second: ``submit`` on ``count`` cases opened for it."""
    engine = ctx.engine
    officer = engine.actor("bif.sagsbehandler")
    numbers = [open_drafting(ctx) for _ in range(count)]
    start = time.perf_counter()
    for journal_no in numbers:
        engine.fire(journal_no, "submit", officer)
    return count / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--fires", type=int, default=1_000)
    parser.add_argument("--batch", type=int, default=changes.DEFAULT_BATCH)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="caseflow-migrate-"))
    url = f"sqlite:///{folder / 'bench.db'}"
    engine = make_test_engine(url, workflows_dir=REPO / "workflows")
    ctx = Context(Settings(url, REPO / "workflows"), engine)
    try:
        publish(ctx, "v1.yaml")
        copy_cases(ctx, open_drafting(ctx), args.cases - 1)
        fires = fire_rate(ctx, args.fires)
        publish(ctx, "v2.yaml")
        admin = engine.actor("admin")
        request = changes.MigrateRequest(
            "change-request", where_states=("drafting",), batch_size=args.batch
        )
        start = time.perf_counter()
        preview = changes.preview_migration(ctx, admin, request)
        dry = time.perf_counter() - start
        assert preview.totals["ok"] == args.cases, preview.totals
        start, cpu = time.perf_counter(), time.process_time()
        report = changes.start_migration(ctx, admin, request)
        real, cpu = time.perf_counter() - start, time.process_time() - cpu
        assert not report.failed, report.to_json()["failed"][:3]
        assert report.moved == args.cases
        checked = engine.verify_audit(["1999-0000000", f"1999-{args.cases - 2:07d}"])
        assert all(r.ok for r in checked)
        print(f"cases: {args.cases} in drafting with an open deadline; batches of {args.batch}")
        print(f"engine fires: {fires:,.0f}/s")
        print(f"dry run:   {args.cases / dry:,.0f} cases/s ({dry:.2f} s)")
        print(f"real run:  {args.cases / real:,.0f} cases/s ({real:.2f} s), target 2,000")
        # The wall clock swings with what else the machine runs; the CPU per case less.
        print(f"real run CPU: {cpu / args.cases * 1e6:,.0f} µs per case ({cpu:.2f} s)")
        print(f"real run / engine fires: {args.cases / real / fires:.1f}")
    finally:
        engine.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
