"""``records checkpoint`` and ``records verify`` on a copy of a real database: the
demo's replay of case 2009-68440 (agendas published, decisions, approved minutes, the
organisation loaded, the worker's deadline rows) and a second case. Each of the six
tamperings of issue 20, done by SQL with the triggers dropped where needed, is caught
with its own finding and message. On SQLite, and on PostgreSQL when
CASEFLOW_TEST_DATABASE_URL names a server."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.demo import scenario, setup
from caseflow.domain import AuditEntry
from caseflow.errors import NotAllowed, NotFound
from caseflow.records import signing
from caseflow.records.checkpoints import Checkpoint, CheckpointBody, Head, heads_digest
from caseflow.records.verify import Finding
from caseflow.services import records
from caseflow.settings import Settings
from caseflow.store import audit
from caseflow.testing import make_test_engine

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
SERVER = os.environ.get("CASEFLOW_TEST_DATABASE_URL") or None
JOURNAL_NO = scenario.JOURNAL_NO


def _server() -> Any:
    server = make_url(SERVER) if SERVER else None
    return None if server is None or server.get_backend_name() == "sqlite" else server


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real database, built once: the demo's scenario and a second, plain case."""
    server = _server()
    if server is None:
        url = f"sqlite:///{tmp_path_factory.mktemp('records') / 'template.db'}"
    else:
        url = _create_database(server, f"caseflow_records_{uuid.uuid4().hex[:10]}")
    clock = FakeClock(scenario.STEPS[0].at)
    prepared = setup.prepare(Settings(url, WORKFLOWS), url, clock)
    ctx = prepared.ctx
    for _ in scenario.run(ctx, clock, lambda: ctx.dispatcher().run_once()):
        pass
    actor = ctx.engine.actor(scenario.STEPS[0].actor)
    second = dataclasses.replace(scenario.OPENING, journal_no=None, title="Et andet spørgsmål")
    ctx.engine.open_case(second, actor)
    ctx.close()
    prepared.ctx.engine.db.dispose()
    yield url
    if server is not None:
        _drop_database(server, make_url(url).database or "")


def _create_database(server: Any, name: str, template: str | None = None) -> str:
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(
            text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
        )
    admin.dispose()
    return str(server.set(database=name).render_as_string(hide_password=False))


def _drop_database(server: Any, name: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def copy_url(template: str, tmp_path: Path) -> Iterator[str]:
    """A copy of the real database, for one test to tamper with."""
    server = _server()
    if server is None:
        source = make_url(template).database or ""
        shutil.copy(source, tmp_path / "copy.db")
        yield f"sqlite:///{tmp_path / 'copy.db'}"
        return
    name = f"caseflow_copy_{uuid.uuid4().hex[:10]}"
    url = _create_database(server, name, make_url(template).database)
    yield url
    _drop_database(server, name)


@pytest.fixture
def ctx(copy_url: str, tmp_path: Path) -> Iterator[Context]:
    """The copy with a signing key and a first checkpoint (the operator's routine)."""
    settings = dataclasses.replace(
        Settings(copy_url, WORKFLOWS),
        records_key_file=tmp_path / "keys" / "records.key",
        records_export=tmp_path / "export" / "checkpoints.jsonl",
    )
    engine = make_test_engine(
        copy_url, clock=FakeClock(scenario.LATER[-1]), workflows_dir=WORKFLOWS
    )
    context = Context(settings, engine)
    records.keygen(context)
    records.checkpoint(context)
    yield context
    context.close()


def _sql(ctx: Context, statement: str, **params: Any) -> Any:
    with ctx.engine.db.begin() as conn:
        return conn.execute(text(statement), params)


def _unprotect(ctx: Context, *tables: str) -> None:
    """What someone who holds the database does first: drop the append-only triggers."""
    with ctx.engine.db.begin() as conn:
        for table in tables:
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"))
            else:
                for action in ("update", "delete"):
                    conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{action}"))


def _findings(ctx: Context) -> dict[Finding, list[str]]:
    report = records.verify_records(ctx)
    found: dict[Finding, list[str]] = {}
    for problem in report.discrepancies:
        found.setdefault(problem.finding, []).append(problem.message)
    return found


def _case_id(ctx: Context, journal_no: str = JOURNAL_NO) -> int:
    return int(_sql(ctx, "SELECT id FROM cases WHERE journal_no = :j", j=journal_no).scalar_one())


def test_the_untouched_copy_verifies_against_its_checkpoint(ctx: Context) -> None:
    report = records.verify_records(ctx)
    assert report.ok, report.discrepancies
    assert report.cases == 2
    assert report.uncovered_cases == 0
    assert report.trusted_checkpoints == 1
    assert report.exported == 1
    assert report.links >= report.records > 0
    kinds = _sql(ctx, "SELECT DISTINCT kind FROM record_links").scalars().all()
    assert set(kinds) == {"agenda_version", "decision", "visibility", "minutes", "org_change"}
    deadline_rows = _sql(
        ctx, "SELECT count(*) FROM audit_events WHERE kind = 'deadline' AND state_hash IS NULL"
    ).scalar_one()
    assert deadline_rows > 0  # the dispatcher's rows are wound back, not reported


def test_1_a_changed_case_row_is_caught(ctx: Context) -> None:
    _sql(
        ctx,
        "UPDATE cases SET state = 'closed', title = 'Forfalsket', sections = '{}' "
        "WHERE journal_no = :j",
        j=JOURNAL_NO,
    )
    found = _findings(ctx)
    assert list(found) == [Finding.CASE_CHANGED]
    (message,) = found[Finding.CASE_CHANGED]
    assert f"case {JOURNAL_NO}: the case row (state 'closed'" in message


def test_2_a_removed_last_row_with_its_head_reset_is_caught(ctx: Context) -> None:
    _unprotect(ctx, "audit_events")
    case_id = _case_id(ctx)
    last = _sql(ctx, "SELECT max(seq) FROM audit_events WHERE case_id = :c", c=case_id).scalar_one()
    previous = _sql(
        ctx, "SELECT hash FROM audit_events WHERE case_id = :c AND seq = :s", c=case_id, s=last - 1
    ).scalar_one()
    _sql(ctx, "DELETE FROM audit_events WHERE case_id = :c AND seq = :s", c=case_id, s=last)
    _sql(
        ctx,
        "UPDATE cases SET audit_head = :h, version = :v WHERE id = :c",
        h=previous,
        v=last - 1,
        c=case_id,
    )
    found = _findings(ctx)
    (message,) = found[Finding.ROWS_MISSING]
    assert message == (
        f"case {JOURNAL_NO} has {last - 1} rows, but checkpoint 1 signed {last}: rows were "
        "removed after the checkpoint"
    )
    assert Finding.CHANGED_ROW not in found
    assert Finding.HEAD_MISMATCH not in found


def test_3_a_case_deleted_with_its_rows_is_caught(ctx: Context) -> None:
    _unprotect(ctx, "audit_events")
    journal_no = _sql(
        ctx, "SELECT journal_no FROM cases WHERE journal_no <> :j", j=JOURNAL_NO
    ).scalar_one()
    case_id = _case_id(ctx, journal_no)
    _sql(
        ctx,
        "DELETE FROM deadline_explanations WHERE deadline_id IN "
        "(SELECT id FROM deadlines WHERE case_id = :c)",
        c=case_id,
    )
    for table in ("deadlines", "outbox", "audit_events"):
        _sql(ctx, f"DELETE FROM {table} WHERE case_id = :c", c=case_id)  # noqa: S608 (a literal)
    _sql(ctx, "DELETE FROM cases WHERE id = :c", c=case_id)
    found = _findings(ctx)
    assert list(found) == [Finding.CASE_MISSING]
    assert found[Finding.CASE_MISSING] == [
        f"case {journal_no} is missing: checkpoint 1 signed its 1 audit rows"
    ]


def _reseal(ctx: Context) -> None:
    """Forge a decision and its actor in the case's trail and re-seal the whole chain:
    the hash is public, so every row's hash is recomputed and the head set."""
    _unprotect(ctx, "audit_events")
    case_id = _case_id(ctx)
    entries = ctx.engine.history(JOURNAL_NO)
    target = next(e for e in entries if e.comment)
    prev = audit.GENESIS
    with ctx.engine.db.begin() as conn:
        for entry in entries:
            forged: AuditEntry = dataclasses.replace(entry, prev_hash=prev, hash="")
            if entry.seq == target.seq:
                forged = dataclasses.replace(forged, actor="someone.else", comment="Forkastet")
            sealed = audit.seal(JOURNAL_NO, forged)
            conn.execute(
                text(
                    "UPDATE audit_events SET actor = :a, comment = :m, prev_hash = :p, hash = :h "
                    "WHERE case_id = :c AND seq = :s"
                ),
                {
                    "a": sealed.actor,
                    "m": sealed.comment,
                    "p": prev,
                    "h": sealed.hash,
                    "c": case_id,
                    "s": entry.seq,
                },
            )
            prev = sealed.hash
        conn.execute(
            text("UPDATE cases SET audit_head = :h WHERE id = :c"), {"h": prev, "c": case_id}
        )


def test_4_a_resealed_chain_fails_the_signed_checkpoint(ctx: Context) -> None:
    _reseal(ctx)
    found = _findings(ctx)
    assert list(found) == [Finding.RESEALED]
    (message,) = found[Finding.RESEALED]
    assert message.startswith(f"case {JOURNAL_NO} was re-sealed: its row ")
    assert "checkpoint 1 signed (the signed head fails)" in message


def test_4_resealing_the_checkpoint_too_needs_the_key(ctx: Context) -> None:
    """The forger re-signs checkpoint 1 over the forged heads with a key of their own:
    the signature fails with the auditors' public key, and the forged chain with it."""
    _reseal(ctx)
    _unprotect(ctx, "record_checkpoints", "checkpoint_heads")
    forger = signing.generate()
    with ctx.engine.db.begin() as conn:
        heads = _heads_now(conn)
        body = CheckpointBody(
            1,
            scenario.LATER[-1],
            audit.GENESIS,
            heads_digest(heads),
            len(heads),
            signing.public_of(forger).key_id,
        )
        conn.execute(text("DELETE FROM checkpoint_heads"))
        conn.execute(
            text(
                "UPDATE record_checkpoints "
                "SET heads_digest = :d, heads = :n, key_id = :k, signature = :s"
            ),
            {
                "d": body.heads_digest,
                "n": body.heads,
                "k": body.key_id,
                "s": signing.sign(forger, body.text()),
            },
        )
        for head in heads:
            conn.execute(
                text(
                    "INSERT INTO checkpoint_heads (checkpoint, chain, seq, hash) "
                    "VALUES (1, :c, :s, :h)"
                ),
                {"c": head.chain, "s": head.seq, "h": head.hash},
            )
    found = _findings(ctx)
    assert Finding.BAD_SIGNATURE in found
    assert "signature fails with public key" in found[Finding.BAD_SIGNATURE][0]
    # the export, on write-once storage, still has the true checkpoint 1
    assert (
        "checkpoint 1 in the database differs from the exported one"
        in found[Finding.CHECKPOINT_ALTERED]
    )
    # and nothing new is signed on top of a checkpoint this key did not sign
    with pytest.raises(NotAllowed, match="does not verify with the key"):
        records.checkpoint(ctx)


def _heads_now(conn: Connection) -> list[Head]:
    from caseflow.store import records as record_rows

    return record_rows.current_heads(conn)


def test_5_changed_agendas_decisions_and_minutes_are_caught(ctx: Context) -> None:
    _unprotect(ctx, "agenda_versions", "meeting_minutes")
    _sql(ctx, "UPDATE agenda_versions SET change_note = 'Forfalsket' WHERE version = 1")
    _sql(ctx, "UPDATE agenda_items SET decision = 'Udvalget forkastede indstillingen'")
    _sql(ctx, "UPDATE meeting_minutes SET note = 'Forfalsket'")
    found = _findings(ctx)
    assert set(found) == {Finding.RECORD_CHANGED, Finding.MINUTES_CHANGED}
    assert all(
        m.startswith("the published agenda version of agenda version 1 of meeting ")
        for m in found[Finding.RECORD_CHANGED]
    )
    minutes = found[Finding.MINUTES_CHANGED]
    assert any("a minutes change: the decision of agenda item" in m for m in minutes)
    assert any("a minutes change: the approval of the minutes of meeting" in m for m in minutes)


def test_5_a_closed_item_made_public_by_sql_is_caught(ctx: Context) -> None:
    _sql(ctx, "UPDATE agenda_items SET is_public = NOT is_public")
    found = _findings(ctx)
    assert list(found) == [Finding.RECORD_CHANGED]
    assert all(
        m.startswith("the public/closed choice of agenda item")
        for m in found[Finding.RECORD_CHANGED]
    )


def test_6_changed_and_added_org_changes_are_caught(ctx: Context) -> None:
    _unprotect(ctx, "org_changes")
    first = _sql(ctx, "SELECT min(id) FROM org_changes").scalar_one()
    _sql(ctx, "UPDATE org_changes SET actor = 'someone.else' WHERE id = :i", i=first)
    _sql(
        ctx,
        "INSERT INTO org_changes (at, actor, via, kind, code, old, new) "
        "SELECT at, actor, via, kind, code, old, new FROM org_changes WHERE id = :i",
        i=first,
    )
    found = _findings(ctx)
    assert set(found) == {Finding.RECORD_CHANGED, Finding.UNCHAINED}
    (changed,) = found[Finding.RECORD_CHANGED]
    assert changed.startswith(f"the organisation change of organisation change {first} ")
    (added,) = found[Finding.UNCHAINED]
    assert "has no record in its chain: it was written outside caseflow" in added


def test_a_checkpoint_removed_from_the_database_is_in_the_export(ctx: Context) -> None:
    records.checkpoint(ctx)
    _unprotect(ctx, "record_checkpoints", "checkpoint_heads")
    _sql(ctx, "DELETE FROM checkpoint_heads WHERE checkpoint = 2")
    _sql(ctx, "DELETE FROM record_checkpoints WHERE seq = 2")
    found = _findings(ctx)
    assert found == {
        Finding.CHECKPOINT_MISSING: ["checkpoint 2 is in the export but not in the database"]
    }


def test_a_key_that_did_not_sign_is_refused(ctx: Context, tmp_path: Path) -> None:
    other = dataclasses.replace(ctx.settings, records_key_file=tmp_path / "other.key")
    elsewhere = Context(other, ctx.engine)
    records.keygen(elsewhere)
    with pytest.raises(NotAllowed, match=r"checkpoint 1 .* does not verify"):
        records.checkpoint(elsewhere)
    report = records.verify_records(ctx, public_key=signing.public_path(other.records_key_file))
    assert [d.finding for d in report.discrepancies] == [
        Finding.BAD_SIGNATURE,
        Finding.BAD_SIGNATURE,
    ]


def test_later_events_and_checkpoints_verify_and_since_skips_what_was_signed(ctx: Context) -> None:
    actor = ctx.engine.actor("admin")
    ctx.engine.edit(JOURNAL_NO, {"summary": "Opdateret resumé"}, actor)
    made = records.checkpoint(ctx)
    assert made.seq == 2
    assert made.heads == 1
    assert records.verify_records(ctx).ok
    assert records.verify_records(ctx, since=2).ok
    with pytest.raises(NotFound, match="no trusted checkpoint 9"):
        records.verify_records(ctx, since=9)
    lines = ctx.settings.records_export.read_text(encoding="utf-8").splitlines()
    assert [Checkpoint.from_json(__import__("json").loads(line)).body.seq for line in lines] == [
        1,
        2,
    ]


def test_the_cli_verifies_with_the_public_key_alone(ctx: Context, tmp_path: Path) -> None:
    """An auditor with a copy of the database and the public key: no private key at all."""
    public = tmp_path / "auditor.pub"
    public.write_text(signing.public_path(ctx.settings.records_key_file).read_text())
    ctx.settings.records_key_file.unlink()
    env = {
        "CASEFLOW_DATABASE_URL": ctx.settings.database_url,
        "CASEFLOW_WORKFLOWS_DIR": str(WORKFLOWS),
        "CASEFLOW_RECORDS_EXPORT": str(ctx.settings.records_export),
        "PATH": "/usr/bin:/bin",
    }
    command = [sys.executable, "-m", "caseflow", "records", "verify", "--public-key", str(public)]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "all records verify" in done.stdout
    _sql(ctx, "UPDATE cases SET title = 'Forfalsket' WHERE journal_no = :j", j=JOURNAL_NO)
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.returncode == 1
    assert "case_changed:" in done.stdout
    assert "1 discrepancies" in done.stdout


def test_the_worker_signs_on_the_settings_schedule(
    ctx: Context, caplog: pytest.LogCaptureFixture
) -> None:
    from caseflow.cli.worker import _checkpoint_job

    assert _checkpoint_job(ctx) is None  # unset: only `records checkpoint` signs
    scheduled = Context(
        dataclasses.replace(ctx.settings, records_checkpoint_minutes=60), ctx.engine
    )
    found = _checkpoint_job(scheduled)
    assert found is not None
    job, every = found
    assert every == timedelta(hours=1)
    job()
    assert records.latest(ctx) is not None
    assert records.latest(ctx).body.seq == 2  # type: ignore[union-attr]
    ctx.settings.records_key_file.unlink()
    with caplog.at_level("ERROR", logger="caseflow.records"):
        job()  # a missing key is logged, and the worker goes on
    assert "no checkpoint signed: no signing key at" in caplog.text


def test_the_migration_chains_the_records_already_there(ctx: Context) -> None:
    """A database from before 0011 (the copy, downgraded): upgrading chains its agendas,
    decisions, minutes and org changes as they are, so nothing is reported unchained."""
    from alembic import command

    from caseflow.store import migrate

    config = migrate._config(ctx.engine.db)
    command.downgrade(config, "0007")
    command.upgrade(config, "head")
    kinds = _sql(ctx, "SELECT kind, count(*) FROM record_links GROUP BY kind").all()
    assert {kind for kind, _ in kinds} == {
        "agenda_version",
        "decision",
        "visibility",
        "minutes",
        "org_change",
    }
    report = records.verify_records(
        ctx, export_file=ctx.settings.records_export.with_suffix(".none")
    )
    # The downgrade dropped the audit rows' state hashes, which their hashes covered: the
    # case chains show it; every other record is chained anew and verifies.
    assert {d.finding for d in report.discrepancies} <= {Finding.CHANGED_ROW, Finding.RESEALED}
    assert all(d.chain.startswith("case:") for d in report.discrepancies)
