"""caseflow on PostgreSQL: durable fires, deadline claims with 1, 2 and 4 workers, a big drain.

Run: ``python bench/postgres.py [--url postgresql+psycopg://USER@HOST:PORT/postgres]``

Without ``--url`` it starts a private cluster of its own on 127.0.0.1 (Debian's
``postgresql`` package; as root the server runs as ``postgres``) with the
default, durable settings (fsync on, synchronous_commit on), and removes it
afterwards. Each measurement gets a fresh database.

1. Durable fires per second through the engine (read, role check, guards,
   machine, hooks, version-checked UPDATE, audit row with its hash, COMMIT), and
   in the same run the least a durable fire can do with raw psycopg on the same
   schema: UPDATE the case, INSERT the audit row, COMMIT. Rounds alternate; the
   medians are compared.
2. Deadlines claimed and applied per second by 1, 2 and 4 worker processes
   (``Dispatcher.run_once``: SKIP LOCKED claims of 1,000, each batch applied
   set-wise in the transaction that claims the next: one audit row and two
   outbox rows per deadline, one executemany per table), each on the same burst of due
   deadlines (20,000), in interleaved rounds; the ratio of the medians to one
   worker, and per round.
   Each run also reports how busy the machine's CPUs were (from /proc/stat) and
   the CPU time per deadline: with the server on the same machine, what one
   worker leaves idle bounds what more workers can gain here. The CPU per
   deadline is the workers' own (each process's, all its threads, as it reports
   it) and the server's (the postmaster and its children, from /proc), from the
   start signal until the last worker is done: not a worker's start, nor what it
   loads once in its life (each applies one deadline and rolls it back before the
   clock starts), so that one worker and two are compared per deadline, not by
   how many processes started.
3. Draining ``--drain`` due deadlines (default 100,000) with 3 workers: the
   time until none is left open, and the rate.

The worker processes start, connect and warm up before the clock starts; only
the draining is timed. The outbox rows they write are left for the sender (not
timed here: the mail server would be measured, not caseflow).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import statistics
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from multiprocessing.process import BaseProcess
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from caseflow.calendar import COPENHAGEN_RULES
from caseflow.clock import SystemClock
from caseflow.deadlines.dispatcher import Dispatcher
from caseflow.deadlines.rules import Calendars
from caseflow.engine import Engine
from caseflow.store import deadlines as deadline_rows
from caseflow.store.tables import deadlines
from caseflow.testing import (
    PostgresCluster,
    copy_with_due_deadline,
    make_test_engine,
    open_access_request,
)
from fires import engine_fires, open_drafting_cases, percentile

REPO = Path(__file__).resolve().parents[1]
WORKFLOWS = REPO / "workflows"


@contextmanager
def fresh_database(server: str) -> Iterator[str]:
    """A new empty database on ``server`` (its URL), dropped afterwards."""
    name = f"caseflow_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


def libpq(url: str) -> str:
    """The SQLAlchemy URL as a libpq connection string for raw psycopg."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


# -- 1. fires -------------------------------------------------------------------------


def raw_fires(url: str, fires: int, case_ids: list[int]) -> float:
    """UPDATE the case, INSERT its audit row, COMMIT: commits per second."""
    states = ("approval", "drafting")
    now = datetime.now(UTC)
    with psycopg.connect(libpq(url)) as conn:
        versions: dict[int, int] = dict(conn.execute("SELECT id, version FROM cases").fetchall())
        start = time.perf_counter()
        for n in range(fires):
            case_id = case_ids[n % len(case_ids)]
            state = states[(n // len(case_ids)) % 2]
            versions[case_id] += 1
            version = versions[case_id]
            conn.execute(
                "UPDATE cases SET state = %s, version = %s, updated_at = %s,"
                " state_entered_at = %s, audit_head = %s WHERE id = %s AND version = %s",
                (state, version, now, now, "0" * 64, case_id, version - 1),
            )
            conn.execute(
                "INSERT INTO audit_events (case_id, seq, at, actor, kind, trigger, from_state,"
                " to_state, changes, comment, prev_hash, hash)"
                " VALUES (%s, %s, %s, 'bench', 'fire', 'x', 'a', %s, '{}', NULL, %s, %s)",
                (case_id, version, now, state, "0" * 64, "0" * 64),
            )
            conn.commit()
        return fires / (time.perf_counter() - start)


def fires_benchmark(server: str, fires: int, rounds: int, cases: int) -> None:
    with fresh_database(server) as engine_url, fresh_database(server) as raw_url:
        engine = make_test_engine(engine_url, workflows_dir=WORKFLOWS)
        numbers = open_drafting_cases(engine, cases)
        raw_engine = make_test_engine(raw_url, workflows_dir=WORKFLOWS)
        raw_ids = [raw_engine.get_case(n).id for n in open_drafting_cases(raw_engine, cases)]
        raw_engine.close()
        raw_rates, engine_rates = [], []
        latencies: list[float] = []
        for _ in range(rounds):
            raw_rates.append(raw_fires(raw_url, fires, raw_ids))
            engine_rates.append(engine_fires(engine, numbers, fires, latencies))
        with counted_round_trips() as trips:
            engine_fires(engine, numbers, 2 * cases)
        engine.close()
    raw, eng = statistics.median(raw_rates), statistics.median(engine_rates)
    per_round = ", ".join(f"{e / r:.2f}" for e, r in zip(engine_rates, raw_rates, strict=True))
    print(f"fires: {rounds} rounds of {fires:,}; ratio engine/raw per round: {per_round}")
    print(f"fires: raw psycopg UPDATE+INSERT+COMMIT (median): {raw:,.0f} commits/s")
    print(
        f"fires: one fire, all rounds: p50 {percentile(latencies, 0.50) * 1e3:.2f} ms, "
        f"p99 {percentile(latencies, 0.99) * 1e3:.2f} ms; "
        f"{sum(trips.values()) / (2 * cases):.1f} round trips per fire "
        f"({', '.join(f'{k} {v / (2 * cases):.1f}' for k, v in sorted(trips.items()))})"
    )
    print(f"fires: engine (median): {eng:,.0f} fires/s; ratio engine/raw {eng / raw:.2f}")


@contextmanager
def counted_round_trips() -> Iterator[dict[str, int]]:
    """Count the client's round trips to the server while the block runs: each statement
    and executemany sent on its own, each pipeline (caseflow's deferred writes: one
    round trip for all its statements), each commit, and the BEGIN psycopg sends
    before the first statement of each transaction. By the client's calls, made
    outside timed rounds."""
    counts = {"begin": 0, "execute": 0, "executemany": 0, "pipeline": 0, "commit": 0}
    cursor, connection, pipeline = psycopg.Cursor, psycopg.Connection, psycopg.Pipeline
    originals = cursor.execute, cursor.executemany, connection.commit, pipeline.__exit__
    in_transaction: set[int] = set()

    def note(kind: str, conn: Any) -> None:
        if id(conn) not in in_transaction:
            in_transaction.add(id(conn))
            counts["begin"] += 1
        if conn._pipeline is None:  # queued in a pipeline: sent with it
            counts[kind] += 1

    def execute(self: Any, *args: Any, **kwargs: Any) -> Any:
        note("execute", self.connection)
        return originals[0](self, *args, **kwargs)

    def executemany(self: Any, *args: Any, **kwargs: Any) -> Any:
        note("executemany", self.connection)
        return originals[1](self, *args, **kwargs)

    def commit(self: Any) -> None:
        in_transaction.discard(id(self))
        counts["commit"] += 1
        originals[2](self)

    def pipeline_exit(self: Any, *args: Any) -> None:
        counts["pipeline"] += 1
        originals[3](self, *args)

    cursor.execute, cursor.executemany, connection.commit = (  # type: ignore[method-assign]
        execute,
        executemany,
        commit,
    )
    pipeline.__exit__ = pipeline_exit  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        cursor.execute, cursor.executemany, connection.commit = originals[:3]  # type: ignore[method-assign]
        pipeline.__exit__ = originals[3]  # type: ignore[method-assign]


# -- 2. and 3. workers ------------------------------------------------------------------


def dispatch_worker(
    url: str, number: int, ready: Event, go: Event, done: Queue[tuple[float, float]], leave: Event
) -> None:
    """One worker process: start, connect and warm up, wait for the start signal, apply
    what is due, report its CPU seconds (this process's, all its threads) for its start
    and for the drain, and exit when told (its backend is still there when the server's
    CPU is read).

    Only the drain's CPU is counted per deadline. A worker pays its start (imports,
    connecting) and what its first batch loads (the workflow folder, the holiday
    calendar, its statements) once in its life, not per deadline; counted, they made a
    second worker look dearer by a second process's start (about a second of CPU here,
    60 us per deadline of a 20,000-deadline burst).
    """
    engine = make_test_engine(
        url, clock=SystemClock(), workflows_dir=WORKFLOWS, load_demo_organisation=False
    )
    dispatcher = Dispatcher(engine, Calendars.for_rules(COPENHAGEN_RULES), owner=f"bench-{number}")
    warm_up(engine, dispatcher)
    ready.set()
    go.wait()
    started = time.process_time()  # all this process has used so far: its start
    dispatcher.run_once()
    done.put((started, time.process_time() - started))
    leave.wait(120)
    engine.close()


def warm_up(engine: Engine, dispatcher: Dispatcher) -> None:
    """Apply one due deadline and roll it back: what a running worker has loaded and
    prepared (its connection, workflows, calendar, statements) is loaded, and nothing
    is written (the rows, their leases included, are as they were)."""
    with engine.transaction() as conn:
        attempt = conn.begin_nested()
        now = engine.clock.now()
        due = deadline_rows.claim_due(
            conn, now=now, owner=dispatcher.owner, lease_until=now, limit=1
        )
        dispatcher.apply_set(conn, due, now)
        attempt.rollback()


def burst(url: str, count: int) -> Engine:
    engine = make_test_engine(url, clock=SystemClock(), workflows_dir=WORKFLOWS)
    due = datetime.now(UTC) - timedelta(minutes=1)
    copy_with_due_deadline(engine, open_access_request(engine), count, due)
    with engine.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    return engine


@dataclass(frozen=True)
class Drained:
    """What draining the due deadlines took: seconds, and CPU seconds of the workers and
    of the server while they worked (not their starts, not their exits)."""

    seconds: float
    workers_cpu: float
    server_cpu: float
    start_cpu: float  # the most a worker's start and warm-up took (not counted)
    busy: float  # how busy the machine's CPUs were meanwhile (0 to 1)


def drain(url: str, workers: int, postmaster: int | None = None) -> Drained:
    """``workers`` processes apply every due deadline: how long, and at what CPU."""
    context = multiprocessing.get_context("spawn")
    go, leave = context.Event(), context.Event()
    done: Queue[tuple[float, float]] = context.Queue()
    readies = [context.Event() for _ in range(workers)]
    processes = [
        context.Process(target=dispatch_worker, args=(url, i, readies[i], go, done, leave))
        for i in range(workers)
    ]
    for process in processes:
        process.start()
    for ready in readies:
        ready.wait(120)
    # The workers' backends are connected now: the server's CPU from here on is the
    # drain's (and its background processes'), not the backends' starts.
    server_before = server_cpu(postmaster)
    busy_before, total_before = cpu_times()
    start = time.perf_counter()
    go.set()
    spent = [finished(done, processes) for _ in processes]
    seconds = time.perf_counter() - start
    busy_after, total_after = cpu_times()
    server_after = server_cpu(postmaster)
    leave.set()
    for process in processes:
        process.join()
        assert process.exitcode == 0, f"a worker failed (exit code {process.exitcode})"
    return Drained(
        seconds,
        sum(drained for _, drained in spent),
        server_after - server_before,
        max(start for start, _ in spent),
        (busy_after - busy_before) / (total_after - total_before),
    )


def finished(
    done: Queue[tuple[float, float]], processes: Sequence[BaseProcess]
) -> tuple[float, float]:
    """The next worker's report of its CPU seconds (its start, the drain); fails if a
    worker died instead."""
    while True:
        try:
            return done.get(timeout=1)
        except queue.Empty:
            failed = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            assert not failed, f"a worker failed (exit code {failed[0]})"


def postmaster_pid(url: str) -> int | None:
    """The server's postmaster process, if it runs on this machine (its backends' parent)."""
    with psycopg.connect(libpq(url)) as conn:
        row = conn.execute("SELECT pg_backend_pid()").fetchone()
    backend = Path(f"/proc/{row[0]}/stat") if row else None
    if backend is None or not backend.exists():
        return None
    return int(backend.read_text().rsplit(")", 1)[1].split()[1])


def server_cpu(postmaster: int | None) -> float:
    """CPU seconds the server has used: the postmaster's own and its reaped children's
    (backends of workers that disconnected), and its live children's."""
    if postmaster is None:
        return 0.0
    tick = os.sysconf("SC_CLK_TCK")

    def times(pid: int, with_children: bool) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile: the parent's children's times hold it now
            return 0.0
        used = int(fields[11]) + int(fields[12])  # utime, stime
        if with_children:
            used += int(fields[13]) + int(fields[14])  # cutime, cstime
        return used / tick

    total = times(postmaster, True)
    children = Path(f"/proc/{postmaster}/task/{postmaster}/children")
    for pid in children.read_text().split() if children.exists() else []:
        total += times(int(pid), False)
    return total


def cpu_times() -> tuple[float, float]:
    """(busy, total) seconds of all the machine's CPUs so far, from /proc/stat."""
    fields = [float(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(fields) - idle) / tick, sum(fields) / tick


def still_open(engine: Engine) -> int:
    with engine.db.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).where(
                    deadlines.c.status == "open", deadlines.c.due_at <= datetime.now(UTC)
                )
            ).scalar_one()
        )


def claims_benchmark(server: str, count: int, worker_counts: list[int], rounds: int) -> None:
    """Each worker count ``rounds`` times, interleaved (1, 2, 4, 1, 2, 4...), so that a
    busy moment of the machine falls on all of them alike; medians are compared."""
    rates: dict[int, list[float]] = {w: [] for w in worker_counts}
    busy: dict[int, list[float]] = {w: [] for w in worker_counts}
    per_deadline: dict[int, list[tuple[float, float]]] = {w: [] for w in worker_counts}
    postmaster = postmaster_pid(server)
    for round_no in range(1, rounds + 1):
        for workers in worker_counts:
            with fresh_database(server) as url:
                engine = burst(url, count)
                drained = drain(url, workers, postmaster)
                seconds = drained.seconds
                left = still_open(engine)
                engine.close()
            rates[workers].append(count / seconds)
            busy[workers].append(drained.busy)
            # By process accounting: the worker processes' own CPU and the server's, so
            # that other load on the machine does not count.
            cost = (drained.workers_cpu / count, drained.server_cpu / count)
            per_deadline[workers].append(cost)
            print(
                f"claims, round {round_no}: {workers} worker(s) applied {count:,} due deadlines"
                f" in {seconds:.1f} s: {count / seconds:,.0f}/s ({left} left open); machine's"
                f" CPUs {busy[workers][-1]:.0%} busy; CPU per deadline by process accounting:"
                f" {sum(cost) * 1e6:.0f} us (workers {cost[0] * 1e6:.0f}, server"
                f" {cost[1] * 1e6:.0f}; not counted: each worker's start and warm-up, up to"
                f" {drained.start_cpu:.1f} s)",
                flush=True,
            )
    base = rates[worker_counts[0]]
    medians = {w: statistics.median(r) for w, r in rates.items()}
    for workers, per_round in rates.items():
        ratios = ", ".join(f"{r / b:.2f}x" for r, b in zip(per_round, base, strict=True))
        print(
            f"claims: {workers} worker(s): median {medians[workers]:,.0f}/s;"
            f" per round over {worker_counts[0]} worker: {ratios}"
        )
    one = statistics.median(sum(c) for c in per_deadline[worker_counts[0]])
    for workers, costs in per_deadline.items():
        total = statistics.median(sum(c) for c in costs)
        mine = statistics.median(c[0] for c in costs)
        server_part = statistics.median(c[1] for c in costs)
        print(
            f"claims: {workers} worker(s): CPU per deadline (median, workers plus server) "
            f"{total * 1e6:.0f} us (workers {mine * 1e6:.0f}, server {server_part * 1e6:.0f}); "
            f"{total / one:.2f}x of {worker_counts[0]} worker's"
        )
    speedups = ", ".join(f"{w}: {m / medians[worker_counts[0]]:.2f}x" for w, m in medians.items())
    print(f"claims: speed-up of the medians over {worker_counts[0]} worker: {speedups}")
    # What more workers could gain at most here: the CPU one worker left idle.
    idle = 1 - statistics.median(busy[worker_counts[0]])
    print(
        f"claims: with {worker_counts[0]} worker the machine's {os.cpu_count()} CPUs were"
        f" {1 - idle:.0%} busy (median): more workers on this machine can reach at most"
        f" {1 / (1 - idle):.2f}x"
    )


def drain_benchmark(server: str, count: int, workers: int) -> None:
    with fresh_database(server) as url:
        start = time.perf_counter()
        engine = burst(url, count)
        stored = time.perf_counter() - start
        seconds = drain(url, workers).seconds
        left = still_open(engine)
        engine.close()
    print(
        f"drain: {count:,} due deadlines (stored in {stored:.0f} s) applied by {workers} workers"
        f" in {seconds:.1f} s: {count / seconds:,.0f}/s ({left} left open)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a PostgreSQL server's maintenance database")
    parser.add_argument("--fires", type=int, default=2000, help="per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--claims", type=int, default=20_000, help="deadlines per claims run")
    parser.add_argument("--claims-rounds", type=int, default=3)
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--drain", type=int, default=100_000)
    parser.add_argument("--drain-workers", type=int, default=3)
    parser.add_argument("--skip", default="", help="comma-separated: fires,claims,drain")
    args = parser.parse_args()
    skip = set(args.skip.split(","))

    cluster = None
    server = args.url
    if server is None:
        # Not under a private temporary folder: the server runs as another user.
        cluster = PostgresCluster(Path(f"/tmp/caseflow-bench-pg-{os.getpid()}")).start()
        server = cluster.url
        print(f"a private PostgreSQL cluster on {server} (fsync on)", flush=True)
    try:
        if "fires" not in skip:
            fires_benchmark(server, args.fires, args.rounds, args.cases)
        if "claims" not in skip:
            counts = [int(w) for w in args.workers.split(",")]
            claims_benchmark(server, args.claims, counts, args.claims_rounds)
        if "drain" not in skip:
            drain_benchmark(server, args.drain, args.drain_workers)
    finally:
        if cluster is not None:
            cluster.destroy()


if __name__ == "__main__":
    main()
