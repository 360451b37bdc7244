"""Durable fires per second through the engine, against raw sqlite3 in the same run.

Run: ``python bench/fires.py [--fires N] [--cases N] [--stored N]``, or
``python bench/fires.py --quick`` (about 10 s: fewer rounds, no storage test) as a
guard against the next regression (``.ci/run`` prints its last line).

Both sides use a SQLite file in WAL mode with ``synchronous=FULL`` in the same
folder, so both pay the same fsync per commit. The raw baseline is the least a
durable fire can do: UPDATE the case, INSERT the audit row, COMMIT. The last
line printed is the ratio engine/raw.

A third side, the replay, runs the very statements the engine ran in one round
(recorded with their parameters, in the driver's form) through sqlite3 alone, each
fire between BEGIN IMMEDIATE and COMMIT: what the engine's writes cost the database
without any of our Python. replay/raw is the most the engine could reach with the
rows it writes today; engine/replay is what the Python of a fire costs.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import os
import resource
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from caseflow.definitions import CompiledWorkflow, load_workflow_file
from caseflow.domain import Actor, AuditEntry, Case
from caseflow.engine import Engine, NewCase
from caseflow.store import audit
from caseflow.store.cases import case_to_values
from caseflow.store.db import write_transaction
from caseflow.store.prepared import Prepared
from caseflow.store.tables import audit_events, cases
from caseflow.testing import make_test_engine

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / "workflows"
SECTIONS = {"problemstilling": "P", "losning": "L", "okonomi": "Ø"}


def raw_fires(path: Path, fires: int, case_ids: list[int]) -> float:
    """The same durable write with the sqlite3 module alone; returns commits/s.

    ``path`` is a copy of the engine's database, so both sides write the same
    tables with the same indexes; only the engine's own work is left out.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    versions = dict(conn.execute("SELECT id, version FROM cases").fetchall())
    states = ("approval", "drafting")
    now = "2009-05-14 08:00:00.000000"
    start = time.perf_counter()
    for n in range(fires):
        case_id = case_ids[n % len(case_ids)]
        state = states[(n // len(case_ids)) % 2]
        versions[case_id] += 1
        conn.execute("BEGIN")
        conn.execute(
            "UPDATE cases SET state = ?, version = ?, updated_at = ?, state_entered_at = ?,"
            " audit_head = ? WHERE id = ?",
            (state, versions[case_id], now, now, "0" * 64, case_id),
        )
        conn.execute(
            "INSERT INTO audit_events (case_id, seq, at, actor, kind, trigger, from_state,"
            " to_state, changes, comment, prev_hash, hash)"
            " VALUES (?, ?, ?, 'bench', 'fire', 'x', 'a', ?, '{}', NULL, ?, ?)",
            (case_id, versions[case_id], now, state, "0" * 64, "0" * 64),
        )
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return fires / elapsed


Step = tuple[str, Actor, str | None]  # trigger, by whom, comment


def fire_sequence(engine: Engine, numbers: list[str], fires: int) -> list[tuple[str, Step]]:
    """``fires`` fires over the cases ``numbers``: submit_for_approval (which opens
    management's approval chain at the office head's step, with its deadline) and
    send_back by the office head (which ends it), each case taking them in turn."""
    officer = engine.actor("bif.sagsbehandler")
    head = engine.actor("tmf.kontorchef")
    steps = (("submit_for_approval", officer, None), ("send_back", head, "Uddyb"))
    return [(numbers[n % len(numbers)], steps[(n // len(numbers)) % 2]) for n in range(fires)]


Statement = tuple[str, Any, bool]  # SQL, the driver's parameters, executemany or not


def recorded_fires(engine: Engine, numbers: list[str], fires: int) -> list[list[Statement]]:
    """Fire as :func:`engine_fires` does (untimed) and return each fire's statements.

    Every statement of a fire runs through :class:`Prepared`; the driver's trace counts
    what reached SQLite, so a statement that went another way is not silently left out
    of the replay (but for the first fire's: the organisation's directory, read once
    per process and cached, as it is in every timed round).
    """
    sequence = fire_sequence(engine, numbers, fires)
    log: list[Statement] = []
    execute, execute_many = Prepared.execute, Prepared.execute_many

    def recording(self: Prepared, conn: Any, params: Any, *, raw: Any = ()) -> Any:
        log.append((self.sql, self._arguments(params, raw), False))
        return execute(self, conn, params, raw=raw)

    def recording_many(self: Prepared, conn: Any, names: Any, rows: Any, *, raw: Any = ()) -> int:
        log.append((self.sql, self._many_arguments(names, rows, frozenset(raw)), True))
        return execute_many(self, conn, names, rows, raw=raw)

    traced: list[str] = []
    per_fire: list[list[Statement]] = []
    with engine.transaction() as conn:  # the engine's held connection, for its trace hook
        held = conn.connection.driver_connection
    assert held is not None
    Prepared.execute, Prepared.execute_many = recording, recording_many  # type: ignore[method-assign]
    held.set_trace_callback(traced.append)
    try:
        for n, (journal_no, (trigger, actor, comment)) in enumerate(sequence):
            engine.fire(journal_no, trigger, actor, comment=comment)
            if n and len(traced) != len(log) + 2:  # + BEGIN and COMMIT
                raise SystemExit(f"replay: fire {n} ran {traced} but recorded {log}")
            per_fire.append(log[:])
            log.clear()
            traced.clear()
    finally:
        held.set_trace_callback(None)
        Prepared.execute, Prepared.execute_many = execute, execute_many  # type: ignore[method-assign]
    return per_fire


def replay_fires(path: Path, per_fire: list[list[Statement]]) -> float:
    """The recorded statements on ``path`` (a copy of the database they ran on), a
    durable transaction per fire, with sqlite3 alone; returns fires/s."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    start = time.perf_counter()
    for statements in per_fire:
        conn.execute("BEGIN IMMEDIATE")
        for sql, arguments, many in statements:
            if many:
                conn.executemany(sql, arguments)
            else:
                conn.execute(sql, arguments).fetchall()
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return len(per_fire) / elapsed


def open_drafting_cases(engine: Engine, count: int) -> list[str]:
    officer = engine.actor("bif.sagsbehandler")
    numbers = []
    for _ in range(count):
        case = engine.open_case(
            NewCase(
                workflow_id="committee-case",
                title="Bench",
                lead_administration="TMF",  # its office head sends the drafts back
                participating_administrations=["BIF"],
                committee="BIU",
                sections=SECTIONS,
                recommendations=["at udvalget drøfter sagen."],
            ),
            officer,
        )
        engine.fire(case.journal_no, "start_drafting", officer)
        numbers.append(case.journal_no)
    return numbers


def engine_fires(
    engine: Engine, numbers: list[str], fires: int, latencies: list[float] | None = None
) -> float:
    """The :func:`fire_sequence`, each fire a durable transaction; each fire's seconds
    are appended to ``latencies`` when given."""
    sequence = fire_sequence(engine, numbers, fires)
    clock = time.perf_counter
    start = clock()
    for journal_no, (trigger, actor, comment) in sequence:
        began = clock()
        engine.fire(journal_no, trigger, actor, comment=comment)
        if latencies is not None:
            latencies.append(clock() - began)
    elapsed = clock() - start
    return fires / elapsed


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def compile_time() -> tuple[float, float]:
    """Milliseconds to load + validate, and to compile, the committee-case workflow."""
    loads, compiles = [], []
    for _ in range(20):
        start = time.perf_counter()
        loaded = load_workflow_file(WORKFLOWS / "committee-case.yaml")
        middle = time.perf_counter()
        CompiledWorkflow(loaded.definition, loaded.version)  # uncached: a real compile
        loads.append(middle - start)
        compiles.append(time.perf_counter() - middle)
    return statistics.median(loads) * 1e3, statistics.median(compiles) * 1e3


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def store_many_cases(engine: Engine, template_no: str, count: int) -> None:
    """Copy one real case ``count`` times, with a valid one-row audit chain each."""
    template = engine.get_case(template_no)
    first = engine.history(template_no)[0]
    batch = 5000
    for offset in range(0, count, batch):
        case_rows, audit_rows = [], []
        for i in range(offset, min(offset + batch, count)):
            journal_no = f"1999-{i:06d}"
            entry = dataclasses.replace(first, seq=1, prev_hash=audit.GENESIS)
            entry = dataclasses.replace(entry, hash=audit.entry_hash(journal_no, entry))
            case_rows.append(_row(template, journal_no, entry))
            audit_rows.append(_audit_row(entry))
        with write_transaction(engine.db) as conn:
            keys = [
                conn.execute(insert(cases).values(row).returning(cases.c.id)).scalar_one()
                for row in case_rows
            ]
            conn.execute(
                insert(audit_events),
                [row | {"case_id": key} for row, key in zip(audit_rows, keys, strict=True)],
            )


def _row(case: Case, journal_no: str, entry: AuditEntry) -> dict[str, object]:
    values = case_to_values(case)
    return values | {
        "journal_no": journal_no,
        "workflow_id": case.workflow_id,
        "workflow_version": case.workflow_version,
        "state": "drafting",
        "version": 1,
        "origin": case.origin.to_json(),
        "created_at": entry.at,
        "updated_at": entry.at,
        "state_entered_at": entry.at,
        "audit_head": entry.hash,
    }


def _audit_row(entry: AuditEntry) -> dict[str, object]:
    return {
        "seq": entry.seq,
        "at": entry.at,
        "actor": entry.actor,
        "kind": entry.kind,
        "trigger": entry.trigger,
        "from_state": entry.from_state,
        "to_state": "drafting",
        "changes": entry.changes,
        "comment": entry.comment,
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fires", type=int, default=2000, help="per round; a multiple of 2*cases")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--stored", type=int, default=100_000)
    parser.add_argument("--touched", type=int, default=1000)
    parser.add_argument(
        "--quick", action="store_true", help="3 rounds of 1,200 fires, no storage test (~10 s)"
    )
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.fires, args.stored = 3, 1200, 0
    imported = rss_mb()

    with tempfile.TemporaryDirectory(prefix="caseflow-bench-") as folder:
        base = Path(folder)
        load_ms, compile_ms = compile_time()
        print(
            f"workflow committee-case: load+validate {load_ms:.2f} ms, compile {compile_ms:.2f} ms"
        )

        engine = make_test_engine(f"sqlite:///{base / 'engine.db'}", workflows_dir=WORKFLOWS)
        print(
            f"memory before the first fire: {imported:.0f} MB after the imports, "
            f"{rss_mb():.0f} MB with the engine built"
        )
        numbers = open_drafting_cases(engine, args.cases)
        ids = [engine.get_case(number).id for number in numbers]
        with engine.db.connect() as conn:  # fold the WAL into the file before copying it
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copy(base / "engine.db", base / "template.db")
        per_fire = recorded_fires(engine, numbers, args.fires)  # from template.db's state
        # Alternate raw, replay and engine rounds so that all meet the same disk
        # weather; compare the medians.
        raw_rates, replay_rates, engine_rates = [], [], []
        latencies: list[float] = []
        for round_no in range(args.rounds):
            raw_db = base / f"raw{round_no}.db"
            shutil.copy(base / "template.db", raw_db)
            raw_rates.append(raw_fires(raw_db, args.fires, ids))
            replay_db = base / f"replay{round_no}.db"
            shutil.copy(base / "template.db", replay_db)
            replay_rates.append(replay_fires(replay_db, per_fire))
            engine_rates.append(engine_fires(engine, numbers, args.fires, latencies))
            raw_db.unlink()
            replay_db.unlink()
        raw_rate = statistics.median(raw_rates)
        replay_rate = statistics.median(replay_rates)
        engine_rate = statistics.median(engine_rates)
        rounds = ", ".join(f"{e / r:.2f}" for e, r in zip(engine_rates, raw_rates, strict=True))
        print(f"{args.rounds} rounds of {args.fires:,} fires; ratio per round: {rounds}")
        print(f"raw sqlite3 UPDATE+INSERT+COMMIT (median): {raw_rate:,.0f} commits/s")
        statements = sum(map(len, per_fire)) / len(per_fire)
        print(
            f"replay of the engine's {statements:.0f} statements a fire through sqlite3 alone "
            f"(median): {replay_rate:,.0f} fires/s, {replay_rate / raw_rate:.2f} of raw"
        )
        print(
            "engine fires (read, role, guards, machine, audit chain, deadline and "
            f"notification hooks): {engine_rate:,.0f} fires/s, {engine_rate / replay_rate:.2f} "
            "of the replay"
        )
        print(
            f"one fire, all rounds: p50 {percentile(latencies, 0.50) * 1e3:.2f} ms, "
            f"p99 {percentile(latencies, 0.99) * 1e3:.2f} ms"
        )
        if not args.stored:
            engine.close()
            print(f"ratio engine/raw: {engine_rate / raw_rate:.2f}")
            return

        gc.collect()
        before = rss_mb()
        store_many_cases(engine, numbers[0], args.stored)
        stored = rss_mb()
        officer = engine.actor("bif.sagsbehandler")
        touched = [
            f"1999-{i:06d}" for i in range(0, args.stored, max(1, args.stored // args.touched))
        ]
        for journal_no in touched[: args.touched]:
            engine.fire(journal_no, "submit_for_approval", officer)
        gc.collect()
        after = rss_mb()
        db_mb = os.path.getsize(base / "engine.db") / 2**20
        print(
            f"memory: {before:.0f} MB before, {stored:.0f} MB with {args.stored:,} cases stored "
            f"({db_mb:.0f} MB file), {after:.0f} MB after touching {args.touched:,}"
        )
        engine.close()
        print(f"ratio engine/raw: {engine_rate / raw_rate:.2f}")


if __name__ == "__main__":
    main()
