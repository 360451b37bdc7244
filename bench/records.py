"""``records verify`` and ``records checkpoint`` over many cases and audit rows.

Run: ``python bench/records.py`` (a quick run: 5,000 cases, 100,000 audit rows) or
``python bench/records.py --cases 100000 --rows 20`` (the issue's size: 2,000,000 audit
rows); ``--db URL`` for PostgreSQL (an empty database). Prints the time to build the
data, the first checkpoint (every chain moves), a second one after 1% of the cases
changed, and the verify's rows per second (with and without ``--since``).

The cases are clones of one opened through the engine, each given ``--rows`` audit rows
(edits of a field) sealed as the engine seals them, state hash included, and inserted
in bulk: what verify reads is what a real database holds.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.domain import AuditEntry, AuditKind
from caseflow.records.state_hash import STATE_COLUMNS, digest_state
from caseflow.services import records
from caseflow.settings import Settings
from caseflow.store import audit
from caseflow.store.db import write_transaction
from caseflow.store.tables import cases
from caseflow.testing import make_test_engine, open_test_case

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / "workflows"
START = datetime(2009, 5, 14, 8, 0, tzinfo=UTC)


def build(ctx: Context, count: int, rows: int, batch: int = 1000) -> None:
    """``count`` cases of ``rows`` audit rows each (the opened template's row included)."""
    engine = ctx.engine
    template_no = open_test_case(engine)
    with write_transaction(engine.db) as conn:
        template = dict(
            conn.execute(select(cases).where(cases.c.journal_no == template_no)).one()._mapping
        )
        first = audit.entries(conn, template["id"])[0]
    state = {name: template[name] for name in STATE_COLUMNS}
    del template["id"]
    for offset in range(0, count - 1, batch):
        numbers = [f"2008-{i:07d}" for i in range(offset, min(offset + batch, count - 1))]
        case_rows, chains = [], []
        for number in numbers:
            entries = _chain(number, first, state, rows)
            chains.append(entries)
            case_rows.append(
                template
                | {
                    "journal_no": number,
                    "version": rows,
                    "fields": {"n": rows - 1},
                    "audit_head": entries[-1].hash,
                }
            )
        with write_transaction(engine.db) as conn:
            ids = (
                conn.execute(
                    insert(cases).returning(cases.c.id, sort_by_parameter_order=True), case_rows
                )
                .scalars()
                .all()
            )
            audit.append_many(
                conn,
                [
                    (case_id, entry, audit.encode_changes(entry.changes))
                    for case_id, entries in zip(ids, chains, strict=True)
                    for entry in entries
                ],
            )


def _chain(
    journal_no: str, first: AuditEntry, state: dict[str, Any], rows: int
) -> list[AuditEntry]:
    entries = [audit.seal(journal_no, dataclasses.replace(first, hash=""))]
    for seq in range(2, rows + 1):
        values = state | {"version": seq, "fields": {**state["fields"], "n": seq - 1}}
        entry = AuditEntry(
            seq=seq,
            at=START + timedelta(minutes=seq),
            actor="bif.sagsbehandler",
            kind=AuditKind.EDIT,
            trigger=None,
            from_state=first.to_state,
            to_state=first.to_state,
            changes={"fields.n": [seq - 2 if seq > 2 else None, seq - 1]},
            comment=None,
            prev_hash=entries[-1].hash,
            state_hash=digest_state(values),
        )
        entries.append(audit.seal(journal_no, entry))
    return entries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--rows", type=int, default=20, help="audit rows per case")
    parser.add_argument("--db", help="a database URL (default: SQLite in a temporary folder)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="caseflow-bench-records-"))
    url = args.db or f"sqlite:///{folder / 'records.db'}"
    clock = FakeClock(START)
    engine = make_test_engine(url, clock=clock, workflows_dir=WORKFLOWS)
    settings = dataclasses.replace(
        Settings(url, WORKFLOWS),
        records_key_file=folder / "records.key",
        records_export=folder / "checkpoints.jsonl",
    )
    ctx = Context(settings, engine)
    records.keygen(ctx)
    started = time.perf_counter()
    build(ctx, args.cases, args.rows)
    print(
        f"built {args.cases:,} cases, {args.cases * args.rows:,} audit rows "
        f"in {time.perf_counter() - started:.1f} s"
    )

    started = time.perf_counter()
    made = records.checkpoint(ctx)
    print(f"first checkpoint: {made.heads:,} heads signed in {time.perf_counter() - started:.2f} s")
    actor = engine.actor("bif.sagsbehandler")
    with write_transaction(engine.db) as conn:
        numbers = list(conn.execute(select(cases.c.journal_no).order_by(cases.c.id)).scalars())
    for number in numbers[::100]:
        engine.edit(number, {"summary": "Ændret"}, actor)
    started = time.perf_counter()
    made = records.checkpoint(ctx)
    print(
        f"second checkpoint (1% of cases changed): {made.heads:,} heads "
        f"in {time.perf_counter() - started:.2f} s"
    )

    report = records.verify_records(ctx)
    assert report.ok, report.discrepancies[:5]
    print(
        f"verify: {report.audit_rows:,} audit rows of {report.cases:,} cases "
        f"in {report.seconds:.1f} s "
        f"= {report.audit_rows / report.seconds:,.0f} rows/s"
    )
    report = records.verify_records(ctx, since=made.seq)
    assert report.ok, report.discrepancies[:5]
    print(
        f"verify --since {made.seq}: {report.seconds:.1f} s = "
        f"{report.audit_rows / report.seconds:,.0f} rows/s"
    )
    ctx.close()


if __name__ == "__main__":
    main()
