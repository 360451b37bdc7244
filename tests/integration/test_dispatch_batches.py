"""The dispatcher applies a batch set-wise; a deadline that fails rolls back alone.

Two ways a deadline can fail: while its effects are worked out (here, its case
runs on a workflow version whose stored text no longer loads), and while the
batch is written (here, a database trigger refuses its case's UPDATE). Either
way the other deadlines of the batch apply, the failing one keeps its status,
records the error and is retried later, and every audit chain stays valid.
"""

from __future__ import annotations

import gc
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, insert, select, text, update

from caseflow.calendar import COPENHAGEN_RULES
from caseflow.clock import FakeClock
from caseflow.deadlines import effects
from caseflow.deadlines.dispatcher import CLAIM_AHEAD_LEASE, Dispatcher
from caseflow.deadlines.rules import Calendars
from caseflow.engine import Engine, NewCase
from caseflow.store import deadlines as rows
from caseflow.store.tables import audit_events, cases, deadlines, outbox, workflow_versions
from caseflow.testing import copenhagen_time, make_test_engine

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"

CASES = 5


def dispatcher(engine: Engine) -> Dispatcher:
    return Dispatcher(engine, Calendars.for_rules(COPENHAGEN_RULES), owner="test-worker")


@pytest.fixture
def requests(engine: Engine, clock: FakeClock) -> list[str]:
    """Five access requests received on 8 April 2009: due 22 April."""
    clock.set(copenhagen_time("2009-04-08 10:00"))
    officer = engine.actor("bif.sagsbehandler")
    numbers = []
    for number in range(CASES):
        case = engine.open_case(
            NewCase(
                workflow_id="access-request",
                title=f"Aktindsigt {number}",
                lead_administration="BIF",
            ),
            officer,
        )
        numbers.append(case.journal_no)
    clock.set(copenhagen_time("2009-04-24 10:00"))  # every deadline has passed
    return numbers


def statuses(engine: Engine) -> dict[str, str]:
    with engine.transaction() as conn:
        found = conn.execute(
            select(cases.c.journal_no, deadlines.c.status).join(
                deadlines, deadlines.c.case_id == cases.c.id
            )
        ).all()
    return {str(journal_no): str(status) for journal_no, status in found}


def deadline_of(engine: Engine, journal_no: str) -> rows.DeadlineRecord:
    with engine.transaction() as conn:
        (record,) = rows.for_case(conn, engine.get_case(journal_no).id)
    return record


def assert_chains_valid(engine: Engine) -> None:
    assert all(report.ok for report in engine.verify_audit())


def passed_rows(engine: Engine, journal_no: str) -> int:
    case_id = engine.get_case(journal_no).id
    with engine.transaction() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(audit_events)
                .where(audit_events.c.case_id == case_id, audit_events.c.kind == "deadline")
            ).scalar_one()
        )


def test_a_batch_applies_set_wise(engine: Engine, requests: list[str]) -> None:
    report = dispatcher(engine).run_once()
    assert (report.expired, report.failed) == (CASES, 0)
    assert set(statuses(engine).values()) == {"expired"}
    for journal_no in requests:
        case = engine.get_case(journal_no)
        assert case.fields["overdue"] is True
        kinds = [(e.kind, e.actor) for e in engine.history(journal_no)]
        # the expiry, with its overdue mark, is one audit event
        assert kinds == [("open", "bif.sagsbehandler"), ("deadline", "caseflow")]
        (expiry,) = engine.history(journal_no)[1:]
        assert expiry.changes == {"fields.overdue": [None, True]}
        assert str(expiry.comment).endswith("; marked overdue")
    with engine.transaction() as conn:
        keys = list(conn.execute(select(outbox.c.key)).scalars())
    assert len(keys) == len(set(keys)) == CASES * 2  # the officer told, the approver escalated to
    assert_chains_valid(engine)
    assert dispatcher(engine).run_once().applied == 0


def test_the_notification_context_is_the_templates_context(
    engine: Engine, clock: FakeClock, requests: list[str]
) -> None:
    """The dispatcher writes the context JSON by hand (it is most of a batch's work):
    it must parse to exactly what :func:`effects.template_context` specifies, whatever
    the case's title holds."""
    title = 'Aktindsigt i "notat" om Ørestad\\Amager – 2009 </b>'
    journal_no = requests[0]
    officer = engine.actor("bif.sagsbehandler")
    engine.edit(journal_no, {"title": title}, officer)
    report = dispatcher(engine).run_once()
    assert report.expired == CASES
    case = engine.get_case(journal_no)
    record = deadline_of(engine, journal_no)
    with engine.transaction() as conn:
        workflow = engine.registry.for_case(conn, case.workflow_id, case.workflow_version)
        (rule,) = [r for r in workflow.definition.deadlines if r.id == record.rule_id]
        contexts = list(
            conn.execute(
                select(outbox.c.template, outbox.c.context).where(outbox.c.case_id == case.id)
            )
        )
    assert {template for template, _ in contexts} == {"expired", "escalation"}
    expected = effects.template_context(case, rule, record, workflow.definition, "da")
    for _, context in contexts:
        assert context["case"] == expected["case"]
        assert context["case"]["title"] == title
        assert context["deadline"] == expected["deadline"] | {"late_by": 2}
        assert set(context) == {"case", "deadline", "owner", "recipient"}


def test_a_deadline_that_cannot_be_worked_out_fails_alone(
    engine: Engine, clock: FakeClock, requests: list[str]
) -> None:
    broken = requests[2]
    with engine.transaction() as conn:
        good_version = engine.get_case(broken).workflow_version
        conn.execute(
            insert(workflow_versions).values(
                workflow_id="access-request",
                version="broken",
                title="A version whose text no longer loads",
                source_path="access-request.yaml",
                source_text="id: [this is not a workflow",
                registered_at=clock.now(),
            )
        )
        conn.execute(
            update(cases).where(cases.c.journal_no == broken).values(workflow_version="broken")
        )

    report = dispatcher(engine).run_once()

    assert (report.expired, report.failed) == (CASES - 1, 1)
    assert statuses(engine) == {n: "open" if n == broken else "expired" for n in requests}
    failed = deadline_of(engine, broken)
    assert failed.attempts == 1
    assert failed.last_error
    assert failed.next_action_at == clock.now() + timedelta(minutes=1)
    assert passed_rows(engine, broken) == 0
    assert_chains_valid(engine)
    assert dispatcher(engine).run_once().applied == 0  # not before its retry time

    with engine.transaction() as conn:  # repaired
        conn.execute(
            update(cases).where(cases.c.journal_no == broken).values(workflow_version=good_version)
        )
    clock.advance(timedelta(minutes=1))
    report = dispatcher(engine).run_once()
    assert (report.expired, report.failed) == (1, 0)
    assert set(statuses(engine).values()) == {"expired"}
    assert deadline_of(engine, broken).attempts == 1  # kept, as history of the expiry
    assert_chains_valid(engine)


def refuse_updates_of(engine: Engine, case_id: int) -> None:
    with engine.transaction() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                    " RAISE EXCEPTION 'refused by the test'; END $$"
                )
            )
            conn.execute(
                text(
                    "CREATE TRIGGER refuse BEFORE UPDATE ON cases FOR EACH ROW"
                    f" WHEN (OLD.id = {case_id}) EXECUTE FUNCTION refuse()"
                )
            )
        else:
            conn.execute(
                text(
                    f"CREATE TRIGGER refuse BEFORE UPDATE ON cases WHEN OLD.id = {case_id}"
                    " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                )
            )


def allow_updates(engine: Engine) -> None:
    with engine.transaction() as conn:
        on_table = " ON cases" if conn.dialect.name == "postgresql" else ""
        conn.execute(text(f"DROP TRIGGER refuse{on_table}"))


def test_a_write_that_fails_rolls_back_one_deadline_not_the_batch(
    engine: Engine, clock: FakeClock, requests: list[str]
) -> None:
    refused = requests[1]
    refuse_updates_of(engine, engine.get_case(refused).id)

    report = dispatcher(engine).run_once()

    assert (report.expired, report.failed) == (CASES - 1, 1)
    assert "refused by the test" in " ".join(report.lines)
    assert statuses(engine) == {n: "open" if n == refused else "expired" for n in requests}
    assert passed_rows(engine, refused) == 0
    assert engine.get_case(refused).fields.get("overdue") is None
    with engine.transaction() as conn:
        keys = list(conn.execute(select(outbox.c.key)).scalars())
    refused_id = deadline_of(engine, refused).id
    assert not [key for key in keys if key.startswith(f"deadline:{refused_id}:")]
    assert len(keys) == (CASES - 1) * 2
    assert_chains_valid(engine)

    allow_updates(engine)
    clock.advance(timedelta(minutes=1))
    report = dispatcher(engine).run_once()
    assert (report.expired, report.failed) == (1, 0)
    assert set(statuses(engine).values()) == {"expired"}
    assert_chains_valid(engine)


def test_a_batch_that_does_not_commit_is_free_again_after_the_claim_ahead_lease(
    engine: Engine, clock: FakeClock, requests: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch is claimed in the transaction before the one that applies it. If the
    applying transaction is lost (here the worker fails after the writes, before the
    commit), nothing of it is written, and the rows stay claimed only for the short
    claim-ahead lease, not the worker's full lease: another worker applies them then."""
    crashing = dispatcher(engine)
    crashing.lease = timedelta(minutes=5)

    def crash(*_: object) -> None:
        raise RuntimeError("the worker died before its commit")

    monkeypatch.setattr(crashing, "_settle", crash)
    with pytest.raises(RuntimeError, match="died before its commit"):
        crashing.run_once()
    assert gc.isenabled()  # paused for the batch only

    with engine.transaction() as conn:
        leases = set(conn.execute(select(deadlines.c.lease_expires_at)).scalars())
    assert leases == {clock.now() + CLAIM_AHEAD_LEASE}
    assert set(statuses(engine).values()) == {"open"}
    assert passed_rows(engine, requests[0]) == 0

    other = Dispatcher(engine, Calendars.for_rules(COPENHAGEN_RULES), owner="other-worker")
    assert other.run_once().applied == 0  # still claimed
    clock.advance(CLAIM_AHEAD_LEASE + timedelta(seconds=1))
    report = other.run_once()
    assert (report.expired, report.failed) == (CASES, 0)
    assert_chains_valid(engine)
    with engine.transaction() as conn:
        leased = conn.execute(
            select(func.count()).where(deadlines.c.lease_owner.is_not(None))
        ).scalar_one()
    assert leased == 0


def test_what_changes_between_a_batch_claim_and_its_write_is_respected(
    engine: Engine, requests: list[str], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch is claimed in one transaction and planned while that commits; another
    process may act on its cases before the batch is written. Here, as the batch is
    planned, one case is withdrawn (its deadline ends) and another is edited (its
    version moves on). The set-wise write notices, and the batch is applied deadline
    by deadline on what is there now: the ended deadline is neither applied nor
    failed, the edited case is marked on top of its edit, every chain stays valid."""
    withdrawn, edited = requests[2], requests[3]
    other = make_test_engine(
        database_url, clock=engine.clock, workflows_dir=WORKFLOWS, load_demo_organisation=False
    )
    officer = other.actor("bif.sagsbehandler")
    worker = dispatcher(engine)
    plan = worker._plan

    def plan_while_others_act(batch: Any, now: Any) -> Any:
        if batch.records and not other_acted:
            other.fire(withdrawn, "withdraw", officer, comment="Anmodningen er trukket tilbage")
            other.edit(edited, {"title": "Aktindsigt, rettet titel"}, officer)
            other_acted.append(True)
        return plan(batch, now)

    other_acted: list[bool] = []
    monkeypatch.setattr(worker, "_plan", plan_while_others_act)
    report = worker.run_once()
    other.close()

    assert other_acted
    assert (report.expired, report.failed) == (CASES - 1, 0)
    found = statuses(engine)
    assert found[withdrawn] != "expired"
    assert {found[n] for n in requests if n != withdrawn} == {"expired"}
    assert passed_rows(engine, withdrawn) == 0
    case = engine.get_case(edited)
    assert (case.title, case.fields["overdue"]) == ("Aktindsigt, rettet titel", True)
    assert_chains_valid(engine)
    assert dispatcher(engine).run_once().applied == 0
