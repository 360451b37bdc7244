"""Publishing versions and migrating running cases: against a real database."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from approval_setup import add_actor
from caseflow.approvals.chain import Action
from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.deadlines.vocabulary import DeadlineStatus
from caseflow.definitions.migration_notes import LoggedNote, MigrationNote
from caseflow.domain import AuditKind
from caseflow.engine import NewCase
from caseflow.errors import NotAllowed
from caseflow.meetings import agenda
from caseflow.services import approvals
from caseflow.services import workflow_changes as changes
from caseflow.services import workflows as workflow_service
from caseflow.settings import Settings
from caseflow.store import deadlines as deadline_rows
from caseflow.store import workflow_migrations
from caseflow.store.tables import audit_events, cases, deadlines, outbox
from caseflow.testing import (
    add_test_meeting,
    copenhagen_time,
    make_test_engine,
    ready_test_case,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "workflow_changes"
WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
V1_TEXT = (DATA / "v1.yaml").read_text(encoding="utf-8")
V2_TEXT = (DATA / "v2.yaml").read_text(encoding="utf-8")


def _said(notes: Iterable[MigrationNote | LoggedNote]) -> tuple[str, ...]:
    """The notes' English texts, as the command line prints them."""
    return tuple(n.text for n in notes)


def publish(ctx: Context, text: str) -> str:
    admin = ctx.engine.actor("admin")
    return workflow_service.publish_workflow(
        ctx, admin, workflow_service.PublishWorkflow(text, "change-request.yaml")
    ).version


def open_case(ctx: Context, *, to: str = "received") -> str:
    engine = ctx.engine
    officer = engine.actor("bif.sagsbehandler")
    case = engine.open_case(
        NewCase("change-request", "Et ønske", lead_administration="BIF"), officer
    )
    if to in ("drafting", "approval"):
        engine.fire(case.journal_no, "start", officer)
    if to == "approval":
        engine.fire(case.journal_no, "submit", officer)
    return case.journal_no


def snapshot(ctx: Context) -> tuple[object, ...]:
    with ctx.engine.db.connect() as conn:
        return (
            conn.execute(
                select(
                    cases.c.id, cases.c.workflow_version, cases.c.state, cases.c.version
                ).order_by(cases.c.id)
            ).all(),
            conn.execute(select(func.count()).select_from(audit_events)).scalar_one(),
            conn.execute(
                select(deadlines.c.id, deadlines.c.status, deadlines.c.due_at).order_by(
                    deadlines.c.id
                )
            ).all(),
        )


def test_a_published_version_reaches_another_process_without_a_restart(
    ctx: Context, database_url: str, tmp_path: Path
) -> None:
    v1 = publish(ctx, V1_TEXT)
    other_engine = make_test_engine(database_url, load_demo_organisation=False)
    other = Context(Settings(database_url, ctx.settings.workflows_dir), other_engine)
    try:
        first = other.engine.get_case(open_case(other))
        assert first.workflow_version == v1
        v2 = publish(ctx, V2_TEXT)  # in the first process
        second = other.engine.get_case(open_case(other))
        assert second.workflow_version == v2  # the other process's next operation has it
        listed = workflow_service.versions_of(other, other.engine.actor("admin"), "change-request")
        assert [(v.version, v.cases, v.current) for v in listed.versions] == [
            (v1, 1, False),
            (v2, 1, True),
        ]
    finally:
        other_engine.close()


def test_a_refused_migration_changes_nothing(ctx: Context) -> None:
    publish(ctx, V1_TEXT)
    waiting = open_case(ctx, to="approval")
    open_case(ctx, to="drafting")
    publish(ctx, V2_TEXT)
    before = snapshot(ctx)
    admin = ctx.engine.actor("admin")
    with pytest.raises(NotAllowed) as refused:
        changes.start_migration(ctx, admin, changes.MigrateRequest("change-request"))
    assert refused.value.params["states"] == ["approval"]
    assert refused.value.params["cases"] == [waiting]
    assert snapshot(ctx) == before
    assert changes.list_migrations(ctx, admin) == []
    preview = changes.preview_migration(ctx, admin, changes.MigrateRequest("change-request"))
    assert preview.refused
    assert preview.totals == {
        "cases": 2,
        "ok": 1,
        "blocked": 1,
        "with_warnings": 1,
    }


def test_only_an_administrator_migrates(ctx: Context) -> None:
    publish(ctx, V1_TEXT)
    with pytest.raises(NotAllowed) as refused:
        changes.preview_migration(
            ctx, ctx.engine.actor("bif.chef"), changes.MigrateRequest("change-request")
        )
    assert refused.value.code == "administrator_required"


def test_a_migration_with_a_mapping_recomputes_deadlines_as_hand_computed(ctx: Context) -> None:
    v1 = publish(ctx, V1_TEXT)
    drafting = open_case(ctx, to="drafting")  # Thursday 14 May 2009, 10:00
    waiting = open_case(ctx, to="approval")
    v2 = publish(ctx, V2_TEXT)
    with ctx.engine.db.connect() as conn:
        outbox_before = conn.execute(select(func.count()).select_from(outbox)).scalar_one()
    admin = ctx.engine.actor("admin")
    request = changes.MigrateRequest("change-request", mapping={"approval": "review"})
    preview = changes.preview_migration(ctx, admin, request)
    by_case = {c.journal_no: c for c in preview.cases}
    assert "deadline 'drafting_time' recomputed from 12 to 9 working days" in _said(
        by_case[drafting].warnings
    )
    assert by_case[waiting].to_state == "review"
    report = changes.start_migration(ctx, admin, request)
    assert report.moved == 2
    assert report.failed == []
    assert report.migration.status == "done"

    moved = ctx.engine.get_case(drafting)
    assert (moved.workflow_version, moved.state) == (v2, "drafting")
    with ctx.engine.db.connect() as conn:
        rows = {r.rule_id: r for r in deadline_rows.for_case(conn, moved.id)}
        # 9 working days after Thursday 14 May 2009: 15, 18, 19, 20, (21), 22, 25, 26, 27, 28.
        assert rows["drafting_time"].due_at == copenhagen_time("2009-05-28 23:59:59")
        assert rows["drafting_time"].status is DeadlineStatus.OPEN
        other = {
            r.rule_id: r for r in deadline_rows.for_case(conn, ctx.engine.get_case(waiting).id)
        }
        assert other["drafting_time"].status is DeadlineStatus.SATISFIED  # stays satisfied
        assert other["approval_time"].status is DeadlineStatus.CANCELLED  # its rule is gone
        # review_time starts from entering approval (14 May): 15, 18, 19 May.
        assert other["review_time"].due_at == copenhagen_time("2009-05-19 23:59:59")
        assert conn.execute(select(func.count()).select_from(outbox)).scalar_one() == outbox_before
    (entry,) = [e for e in ctx.engine.history(waiting) if e.kind is AuditKind.MIGRATE]
    assert entry.changes["workflow_version"] == [v1, v2]
    assert entry.changes["plan"]["map"] == {"approval": "review"}
    assert entry.actor == "admin"
    assert (entry.from_state, entry.to_state) == ("approval", "review")
    assert any("no such rule" in d["reason"] for d in entry.changes["deadlines"])
    assert all(r.ok for r in ctx.engine.verify_audit())
    # The moved case goes on under the new version.
    ctx.engine.fire(waiting, "approve", ctx.engine.actor("bif.chef"))
    assert ctx.engine.get_case(waiting).state == "done"


def test_pause_resume_and_revert_and_a_changed_case_is_not_reverted(ctx: Context) -> None:
    v1 = publish(ctx, V1_TEXT)
    journal = [open_case(ctx, to="drafting") for _ in range(5)]
    publish(ctx, V2_TEXT)
    before = {j: ctx.engine.get_case(j) for j in journal}
    admin = ctx.engine.actor("admin")
    request = changes.MigrateRequest("change-request", batch_size=2)
    first = changes.start_migration(ctx, admin, request, max_batches=1)
    assert first.moved == 2
    assert first.migration.status == "paused"
    assert [ctx.engine.get_case(j).workflow_version == v1 for j in journal] == [
        False,
        False,
        True,
        True,
        True,
    ]
    with pytest.raises(NotAllowed):
        changes.pause_migration(ctx, admin, first.migration.id)  # paused already
    rest = changes.resume_migration(ctx, admin, first.migration.id)
    assert rest.moved == 3
    assert rest.migration.status == "done"
    assert rest.migration.moved == 5

    officer = ctx.engine.actor("bif.sagsbehandler")
    ctx.engine.edit(journal[0], {"recommendations": ["at udvalget drøfter sagen."]}, officer)
    ctx.engine.fire(journal[0], "submit", officer)  # an event since the migration
    reverted = changes.revert_migration(ctx, admin, first.migration.id)
    assert sorted(reverted.reverted) == sorted(journal[1:])
    assert [j for j, _ in reverted.kept] == [journal[0]]
    assert reverted.migration.status == "reverted"
    for j in journal[1:]:
        case = ctx.engine.get_case(j)
        assert (case.workflow_version, case.state) == (v1, "drafting")
        with ctx.engine.db.connect() as conn:
            (row,) = [
                r for r in deadline_rows.for_case(conn, case.id) if r.status is DeadlineStatus.OPEN
            ]
            assert row.due_at == copenhagen_time("2009-06-03 23:59:59")  # 12 days again
        assert case.version == before[j].version + 2
    assert ctx.engine.get_case(journal[0]).state == "review"
    shown = changes.show_migration(ctx, admin, first.migration.id)
    assert sorted(str(c.outcome) for c in shown.cases) == ["kept"] + ["reverted"] * 4
    assert all(r.ok for r in ctx.engine.verify_audit())
    with pytest.raises(NotAllowed):
        changes.revert_migration(ctx, admin, first.migration.id)


def test_a_case_that_fails_is_reported_and_left_while_the_rest_go_on(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    v1 = publish(ctx, V1_TEXT)
    journal = [open_case(ctx, to="drafting") for _ in range(3)]
    publish(ctx, V2_TEXT)
    lost = ctx.engine.get_case(journal[1])
    # As if another process wrote the second case after the batch read it: the set-wise
    # write is refused and the batch is moved again case by case, each in a savepoint.
    real_move = changes.rows.move_case

    def move_case(conn: object, case: object, **kwargs: object) -> bool:
        if getattr(case, "id", None) == lost.id:
            return False
        return real_move(conn, case, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(changes.rows, "move_many", lambda conn, moves, now: False)
    monkeypatch.setattr(changes.rows, "move_case", move_case)
    admin = ctx.engine.actor("admin")
    report = changes.start_migration(ctx, admin, changes.MigrateRequest("change-request"))
    assert report.moved == 2
    assert [j for j, _ in report.failed] == [journal[1]]
    assert "changed while being moved" in report.failed[0][1]
    assert ctx.engine.get_case(journal[1]).workflow_version == v1
    assert ctx.engine.get_case(journal[1]).version == lost.version  # nothing written
    assert ctx.engine.get_case(journal[0]).workflow_version != v1
    with ctx.engine.db.connect() as conn:
        open_rows = [
            r for r in deadline_rows.for_case(conn, lost.id) if r.status is DeadlineStatus.OPEN
        ]
    assert open_rows[0].due_at == copenhagen_time("2009-06-03 23:59:59")  # not recomputed
    assert all(r.ok for r in ctx.engine.verify_audit())


def test_a_revert_puts_the_deadlines_back_as_they_were(ctx: Context) -> None:
    v1 = publish(ctx, V1_TEXT)
    waiting = open_case(ctx, to="approval")
    case_id = ctx.engine.get_case(waiting).id
    with ctx.engine.db.connect() as conn:
        before = {
            (r.id, r.rule_id, r.status, r.due_at, r.reminders_at)
            for r in deadline_rows.for_case(conn, case_id)
        }
        explained = deadline_rows.explanations(conn, [r[0] for r in before])
    publish(ctx, V2_TEXT)
    admin = ctx.engine.actor("admin")
    request = changes.MigrateRequest("change-request", mapping={"approval": "review"})
    migration = changes.start_migration(ctx, admin, request).migration
    reverted = changes.revert_migration(ctx, admin, migration.id)
    assert reverted.reverted == [waiting]
    case = ctx.engine.get_case(waiting)
    assert (case.workflow_version, case.state) == (v1, "approval")
    with ctx.engine.db.connect() as conn:
        after = deadline_rows.for_case(conn, case_id)
        kept = {
            (r.id, r.rule_id, r.status, r.due_at, r.reminders_at)
            for r in after
            if r.rule_id != "review_time"
        }
        assert kept == before  # approval_time open again, with its due date
        assert deadline_rows.explanations(conn, [r[0] for r in before]) == explained
        (started,) = [r for r in after if r.rule_id == "review_time"]
        assert started.status is DeadlineStatus.CANCELLED  # the migration's own, ended
    kinds = [e.kind for e in ctx.engine.history(waiting)]
    assert kinds[-2:] == [AuditKind.MIGRATE, AuditKind.MIGRATE]
    assert ctx.engine.history(waiting)[-1].changes["reverts"] == migration.id
    assert all(r.ok for r in ctx.engine.verify_audit())


def test_the_dry_run_warns_of_a_case_on_a_published_agenda(ctx: Context, clock: FakeClock) -> None:
    engine = ctx.engine
    clock.set(copenhagen_time("2009-05-20 09:00"))
    meeting = add_test_meeting(engine, "BIU", "2009-06-11 15:00")
    secretariat = engine.actor("biu.sekretariat")
    listed = ready_test_case(engine, "På dagsordenen")
    agenda.add_item(engine, meeting, listed, secretariat)
    agenda.publish(engine, meeting, secretariat)
    waiting = ready_test_case(engine, "Klar")
    text = (WORKFLOWS / "committee-case.yaml").read_text(encoding="utf-8")
    publish_text = text.replace(
        "roles:\n", "roles:\n  observer: {da: Observatør, en: Observer}\n", 1
    )
    admin = engine.actor("admin")
    workflow_service.publish_workflow(
        ctx, admin, workflow_service.PublishWorkflow(publish_text, "committee-case.yaml")
    )
    preview = changes.preview_migration(ctx, admin, changes.MigrateRequest("committee-case"))
    by_case = {c.journal_no: c for c in preview.cases}
    assert _said(by_case[listed].warnings) == ("on a published agenda",)
    assert _said(by_case[waiting].warnings) == ()
    assert preview.totals["ok"] == 2


def test_the_dry_run_warns_of_an_open_approval_step_and_the_run_logs_it(
    ctx: Context, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-05-18 09:00"))  # a Monday
    publish(ctx, (DATA / "chain-v1.yaml").read_text(encoding="utf-8"))
    in_chain = open_case(ctx, to="approval")  # its chain opens at the office head's step
    drafting = open_case(ctx, to="drafting")
    admin = ctx.engine.actor("admin")
    publish(ctx, (DATA / "chain-v2.yaml").read_text(encoding="utf-8"))
    preview = changes.preview_migration(ctx, admin, changes.MigrateRequest("change-request"))
    by_case = {c.journal_no: c for c in preview.cases}
    assert _said(by_case[in_chain].warnings) == (
        "an approval step is open: 'office_head' of 'approve'",
        # The step's own deadline follows the step's new days, from the step's opening:
        # 2 working days after Monday 18 May is Wednesday 20 May.
        "deadline 'approval.approve.office_head' recomputed from 3 to 2 working days",
    )
    assert _said(by_case[drafting].warnings) == ()
    assert preview.totals == {"cases": 2, "ok": 2, "blocked": 0, "with_warnings": 1}

    report = changes.start_migration(ctx, admin, changes.MigrateRequest("change-request"))
    assert report.moved == 2
    shown = changes.show_migration(ctx, admin, report.migration.id)
    logged = {c.journal_no: _said(c.warnings) for c in shown.cases}
    assert logged[in_chain][0] == "an approval step is open: 'office_head' of 'approve'"
    assert logged[drafting] == ()
    with ctx.engine.db.connect() as conn:
        (due,) = conn.execute(
            select(deadlines.c.due_at).where(
                deadlines.c.rule_id == "approval.approve.office_head",
                deadlines.c.status == DeadlineStatus.OPEN,
            )
        ).scalars()
    assert due == copenhagen_time("2009-05-20 23:59:59")


def test_an_open_step_with_another_step_in_its_place_is_named_and_with_none_blocked(
    ctx: Context,
) -> None:
    publish(ctx, (DATA / "chain-v1.yaml").read_text(encoding="utf-8"))
    in_chain = open_case(ctx, to="approval")
    admin = ctx.engine.actor("admin")
    v2 = (DATA / "chain-v2.yaml").read_text(encoding="utf-8")
    renamed = v2.replace("- name: office_head", "- name: head")
    publish(ctx, renamed)
    (case,) = changes.preview_migration(ctx, admin, changes.MigrateRequest("change-request")).cases
    assert case.journal_no == in_chain
    assert case.verdict is changes.Verdict.OK
    assert _said(case.warnings)[0] == (
        "an approval step is open: 'office_head' of 'approve'; the new version has 'head' "
        "in its place"
    )
    start = v2.index("    approval:\n      on_return")
    no_chain = v2[:start] + v2[v2.index("deadlines:") :]
    publish(ctx, no_chain)
    before = snapshot(ctx)
    preview = changes.preview_migration(ctx, admin, changes.MigrateRequest("change-request"))
    (case,) = preview.cases
    assert case.verdict is changes.Verdict.BLOCKED
    assert _said(case.reasons) == (
        "an approval step is open: 'office_head' of 'approve', and in the new version no "
        "chain of 'approve' runs in state 'approval': move the case when its round has ended",
    )
    report = changes.start_migration(ctx, admin, changes.MigrateRequest("change-request"))
    assert report.moved == 0
    assert [j for j, _ in report.failed] == [in_chain]
    assert snapshot(ctx) == before  # left on its version, deadlines untouched


def test_a_batch_wakes_the_workers_once_for_its_soonest_moment(
    ctx: Context, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(ctx, V1_TEXT)
    opened = []
    for day in ("2009-05-18 09:00", "2009-05-14 09:00", "2009-05-20 09:00"):
        clock.set(copenhagen_time(day))
        opened.append(open_case(ctx, to="drafting"))
    publish(ctx, V2_TEXT)
    announced: list[object] = []
    monkeypatch.setattr(workflow_migrations, "announce", lambda conn, at: announced.append(at))
    request = changes.MigrateRequest("change-request", where_states=("drafting",))
    report = changes.start_migration(ctx, ctx.engine.actor("admin"), request)
    assert report.moved == 3
    # drafting_time of the case opened on Thursday 14 May, cut to 9 working days: due
    # Thursday 28 May, its reminder 2 working days before, Tuesday 26 May at 08:00.
    assert announced == [copenhagen_time("2009-05-26 08:00")]


def test_a_round_at_a_step_the_new_chain_does_not_have_blocks_the_case(ctx: Context) -> None:
    publish(ctx, (DATA / "chain-v1.yaml").read_text(encoding="utf-8"))
    in_chain = open_case(ctx, to="approval")
    add_actor(ctx.engine, "bif.kontorchef", "office_head@BIF")
    request = approvals.ActOnStep(in_chain, Action.APPROVE)
    assert approvals.act(ctx, ctx.engine.actor("bif.kontorchef"), request).step == "office_head"
    admin = ctx.engine.actor("admin")
    v2 = (DATA / "chain-v2.yaml").read_text(encoding="utf-8")
    publish(ctx, v2)
    (case,) = changes.preview_migration(ctx, admin, changes.MigrateRequest("change-request")).cases
    assert _said(case.warnings)[0] == (
        "an approval step is open: 'deputy' of 'approve'; the new version has 'legal' in its place"
    )
    one_step = v2[: v2.index("        - name: legal")] + v2[v2.index("deadlines:") :]
    publish(ctx, one_step)
    (case,) = changes.preview_migration(ctx, admin, changes.MigrateRequest("change-request")).cases
    assert _said(case.reasons) == (
        "an approval step is open: 'deputy' of 'approve', and the new version's chain of "
        "'approve' has no step 2: move the case when its round has ended",
    )


def test_a_revert_goes_in_batches_each_committed_and_goes_on_after_a_stop(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    v1 = publish(ctx, V1_TEXT)
    journal = [open_case(ctx, to="drafting") for _ in range(5)]
    v2 = publish(ctx, V2_TEXT)
    admin = ctx.engine.actor("admin")
    request = changes.MigrateRequest("change-request", batch_size=2)
    migration = changes.start_migration(ctx, admin, request).migration

    first = changes.revert_migration(ctx, admin, migration.id, max_batches=1)
    assert (first.reverted, first.kept, first.batches) == (journal[:2], [], 1)
    assert first.migration.status == "reverting"
    assert [ctx.engine.get_case(j).workflow_version for j in journal] == [v1] * 2 + [v2] * 3
    with pytest.raises(NotAllowed):
        changes.resume_migration(ctx, admin, migration.id)  # a revert is under way

    # A stop in the middle of the next batch (a crash): that batch is not written at
    # all, the one before it stays reverted.
    real = changes._revert_case
    calls: list[int] = []

    def crash_on_the_second(*args: object) -> bool:
        calls.append(1)
        if len(calls) == 2:  # the second case of the batch
            raise RuntimeError("the process was stopped")
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(changes, "_revert_case", crash_on_the_second)
    officer = ctx.engine.actor("bif.sagsbehandler")
    ctx.engine.edit(journal[4], {"summary": "Ændret."}, officer)  # an event since the move
    with pytest.raises(RuntimeError):
        changes.revert_migration(ctx, admin, migration.id)
    assert [ctx.engine.get_case(j).workflow_version for j in journal] == [v1] * 2 + [v2] * 3
    monkeypatch.setattr(changes, "_revert_case", real)

    rest = changes.revert_migration(ctx, admin, migration.id)
    assert (rest.reverted, rest.batches) == (journal[2:4], 2)
    assert [j for j, _ in rest.kept] == [journal[4]]
    assert rest.migration.status == "reverted"
    assert rest.migration.reverted_by == "admin"
    shown = changes.show_migration(ctx, admin, migration.id)
    assert [str(c.outcome) for c in shown.cases] == ["reverted"] * 4 + ["kept"]
    assert all(r.ok for r in ctx.engine.verify_audit())
    with pytest.raises(NotAllowed):
        changes.revert_migration(ctx, admin, migration.id)
