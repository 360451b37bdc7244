"""Migrating a case that waits in a chain's state onto a version whose step has a chain:
committee-case's single approver (``tests/data/workflow_changes/committee-case-single.yaml``)
to the office head → director chain of ``workflows/committee-case.yaml``.

The migration opens the chain's round at its first step, with the step's deadline as
a fire into ``approval`` would; the revert cancels both; an approver's action since
keeps the case where it is. Dates are counted by hand in Danish working days: in May
2009 Ascension Day (Kristi Himmelfartsdag) fell on Thursday 21 May.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from approval_setup import CONTENT, add_actor, context, management, workflows_with
from caseflow.approvals.chain import Action, OutcomeKind
from caseflow.calendar import COPENHAGEN
from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.deadlines.vocabulary import DeadlineStatus
from caseflow.domain import AuditKind
from caseflow.engine import Engine, NewCase
from caseflow.errors import CaseflowError, ErrorCode
from caseflow.services import approvals
from caseflow.services import workflow_changes as changes
from caseflow.services import workflows as workflow_service
from caseflow.store import approvals as approval_rows
from caseflow.store import deadlines as deadline_rows
from caseflow.store.approvals import ChainStatus
from caseflow.testing import copenhagen_time, make_test_engine

REPO = Path(__file__).resolve().parents[2]
SINGLE = REPO / "tests" / "data" / "workflow_changes" / "committee-case-single.yaml"
CHAINED = REPO / "workflows" / "committee-case.yaml"
OFFICE_HEAD = "approval.approve.office_head"
DIRECTOR = "approval.approve.director"


@pytest.fixture
def engine(database_url: str, clock: FakeClock, tmp_path: Path) -> Iterator[Engine]:
    engine = make_test_engine(database_url, clock=clock, workflows_dir=workflows_with(tmp_path))
    management(engine)
    add_actor(engine, "admin", "administrator")
    yield engine
    engine.close()


@pytest.fixture
def ctx(engine: Engine, tmp_path: Path) -> Context:
    return context(engine, tmp_path / "workflows")


def publish(ctx: Context, path: Path) -> str:
    request = workflow_service.PublishWorkflow(path.read_text(encoding="utf-8"), path.name)
    return workflow_service.publish_workflow(ctx, ctx.engine.actor("admin"), request).version


def in_approval(engine: Engine, submitter: str = "tmf.sb") -> str:
    """A TMF case opened by its case officer ``tmf.sb`` and submitted by ``submitter``."""
    sb = engine.actor("tmf.sb")
    case = engine.open_case(
        NewCase("committee-case", "Styring", lead_administration="TMF", committee="BIU"), sb
    )
    engine.edit(case.journal_no, CONTENT, sb)
    engine.fire(case.journal_no, "start_drafting", sb)
    engine.fire(case.journal_no, "submit_for_approval", engine.actor(submitter))
    return case.journal_no


def deadlines_of(engine: Engine, journal_no: str) -> dict[str, tuple[str, str]]:
    with engine.transaction() as conn:
        found = deadline_rows.for_case(conn, engine.get_case(journal_no).id)
    return {
        r.rule_id: (r.due_at.astimezone(COPENHAGEN).date().isoformat(), str(r.status))
        for r in found
        if r.rule_id.startswith("approval")
    }


def rounds_of(engine: Engine, journal_no: str) -> list[approval_rows.ChainRecord]:
    with engine.transaction() as conn:
        return approval_rows.chains_of_case(conn, engine.get_case(journal_no).id)


def do(ctx: Context, who: str, journal_no: str) -> approvals.ActResult:
    return approvals.act(
        ctx, ctx.engine.actor(who), approvals.ActOnStep(journal_no, Action.APPROVE)
    )


@pytest.fixture
def waiting(ctx: Context, engine: Engine, clock: FakeClock) -> tuple[str, str, str]:
    """A case waiting in ``approval`` on the single-approver version (submitted Thursday
    14 May 2009), and the chained version published; the clock on Tuesday 19 May."""
    single = publish(ctx, SINGLE)
    journal_no = in_approval(engine)
    assert engine.get_case(journal_no).workflow_version == single
    chained = publish(ctx, CHAINED)
    clock.set(copenhagen_time("2009-05-19 10:00"))
    return journal_no, single, chained


def test_the_dry_run_says_a_round_is_opened_and_the_run_opens_it(
    ctx: Context, engine: Engine, clock: FakeClock, waiting: tuple[str, str, str]
) -> None:
    journal_no, _, chained = waiting
    admin = engine.actor("admin")
    request = changes.MigrateRequest("committee-case")
    (preview,) = changes.preview_migration(ctx, admin, request).cases
    assert preview.verdict is changes.Verdict.OK
    # 3 working days from Tuesday 19 May: 20, 22 (21 is Ascension Day) and 25 May.
    assert [n.text for n in preview.warnings] == [
        "deadline 'approval_time' cancelled: the new version has no such rule",
        "an approval round of 'approve' is opened at step 1 'office_head', due 2009-05-25",
    ]
    assert preview.to_json()["notes"]["warnings"][1] == {
        "kind": "approval_round_opened",
        "params": {"trigger": "approve", "number": 1, "step": "office_head", "date": "2009-05-25"},
        "text": "an approval round of 'approve' is opened at step 1 'office_head', due 2009-05-25",
    }
    assert rounds_of(engine, journal_no) == []  # a dry run writes nothing

    report = changes.start_migration(ctx, admin, request)
    assert (report.moved, report.failed) == (1, [])
    case = engine.get_case(journal_no)
    assert (case.workflow_version, case.state) == (chained, "approval")
    (opened,) = rounds_of(engine, journal_no)
    assert (opened.trigger, opened.round, opened.step_index, opened.status) == (
        "approve",
        1,
        0,
        ChainStatus.OPEN,
    )
    assert opened.drafters == ("tmf.sb",)  # who submitted it, and its case officer
    assert opened.started_at == copenhagen_time("2009-05-19 10:00")
    assert deadlines_of(engine, journal_no) == {
        # The single approver's 5 working days from Thursday 14 May (15, 18, 19, 20 and
        # 22 May), cancelled: the chained version has no such rule.
        "approval_time": ("2009-05-22", "cancelled"),
        OFFICE_HEAD: ("2009-05-25", "open"),
    }
    (entry,) = [e for e in engine.history(journal_no) if e.kind is AuditKind.MIGRATE]
    assert entry.actor == "admin"
    (said,) = entry.changes["approval_rounds"]
    assert said["action"] == "open"
    assert (said["trigger"], said["round"], said["step"], said["deadline"]) == (
        "approve",
        1,
        "office_head",
        OFFICE_HEAD,
    )
    assert said["due_at"] == "2009-05-25T21:59:59+00:00"  # the end of 25 May, in UTC
    assert said["drafters"] == ["tmf.sb"]
    (logged,) = changes.show_migration(ctx, admin, report.migration.id).cases
    assert logged.warnings[-1].text == preview.warnings[-1].text
    assert approvals.pending_for(ctx, engine.actor("tmf.kontorchef"))[0].due_at == (
        copenhagen_time("2009-05-25 23:59:59")
    )

    # The chain runs as on a case submitted under the chained version.
    clock.set(copenhagen_time("2009-05-20 09:00"))
    first = do(ctx, "tmf.kontorchef", journal_no)
    assert (first.outcome, first.next_step) == (OutcomeKind.STEP_DONE, "director")
    # 2 working days from Wednesday 20 May: 22 and 25 May.
    assert deadlines_of(engine, journal_no)[DIRECTOR] == ("2009-05-25", "open")
    last = do(ctx, "tmf.direktor", journal_no)
    assert (last.outcome, last.state) == (OutcomeKind.CHAIN_DONE, "ready_for_agenda")
    assert engine.get_case(journal_no).fields["approved_by"] == ["office_head", "director"]
    assert all(r.ok for r in engine.verify_audit())


def test_the_drafter_of_the_opened_round_may_not_approve_it(
    ctx: Context, engine: Engine, clock: FakeClock
) -> None:
    """The drafter is who took the case's last step (here its submission, by an office
    head who also drafts) with the case officer, not the administrator who migrates."""
    add_actor(engine, "tmf.chefsb", "case_officer@TMF", "office_head@TMF")
    publish(ctx, SINGLE)
    journal_no = in_approval(engine, submitter="tmf.chefsb")
    engine.edit(journal_no, {"summary": "Rettet."}, engine.actor("admin"))  # not a step
    publish(ctx, CHAINED)
    changes.start_migration(ctx, engine.actor("admin"), changes.MigrateRequest("committee-case"))
    (opened,) = rounds_of(engine, journal_no)
    assert opened.drafters == ("tmf.chefsb", "tmf.sb")
    with pytest.raises(CaseflowError) as caught:
        do(ctx, "tmf.chefsb", journal_no)
    assert caught.value.code is ErrorCode.OWN_DRAFT
    assert do(ctx, "tmf.kontorchef", journal_no).outcome is OutcomeKind.STEP_DONE


def test_a_revert_before_anyone_acts_cancels_the_round_and_its_deadline(
    ctx: Context, engine: Engine, clock: FakeClock, waiting: tuple[str, str, str]
) -> None:
    journal_no, single, _ = waiting
    before = engine.get_case(journal_no)
    with engine.transaction() as conn:
        live_before = [
            (r.id, r.rule_id, r.status, r.due_at, r.reminders_at)
            for r in deadline_rows.for_case(conn, before.id)
        ]
    admin = engine.actor("admin")
    migration = changes.start_migration(
        ctx, admin, changes.MigrateRequest("committee-case")
    ).migration
    clock.set(copenhagen_time("2009-05-19 11:00"))
    reverted = changes.revert_migration(ctx, admin, migration.id)
    assert (reverted.reverted, reverted.kept) == ([journal_no], [])

    case = engine.get_case(journal_no)
    assert (case.workflow_version, case.state) == (single, "approval")
    assert case.fields == before.fields
    (cancelled,) = rounds_of(engine, journal_no)
    assert cancelled.status is ChainStatus.CANCELLED
    assert cancelled.ended_at == copenhagen_time("2009-05-19 11:00")
    with engine.transaction() as conn:
        after = deadline_rows.for_case(conn, case.id)
    assert [
        (r.id, r.rule_id, r.status, r.due_at, r.reminders_at)
        for r in after
        if r.rule_id != OFFICE_HEAD
    ] == live_before  # approval_time open again, due as it was
    assert {r.rule_id: r.status for r in after}[OFFICE_HEAD] is DeadlineStatus.CANCELLED
    entry = engine.history(journal_no)[-1]
    assert (entry.kind, entry.changes["reverts"]) == (AuditKind.MIGRATE, migration.id)
    assert entry.changes["approval_rounds"] == [
        {
            "action": "cancel",
            "trigger": "approve",
            "round": 1,
            "reason": f"approval round 1 of 'approve' cancelled: migration {migration.id}, "
            "which opened it, is reverted",
        }
    ]
    assert entry.changes["deadlines"] == [
        {
            "rule": OFFICE_HEAD,
            "action": "cancel",
            "reason": f"deadline '{OFFICE_HEAD}' cancelled: migration {migration.id}, which "
            "started it, is reverted",
        }
    ]
    assert approvals.pending_for(ctx, engine.actor("tmf.kontorchef")) == []
    # The case's page still shows its chains: the cancelled round's chain is not in the
    # version the case is back on.
    (view,) = approvals.chains_of_case(ctx, engine.actor("tmf.sb"), journal_no)
    assert (view.trigger, view.status, view.steps) == ("approve", ChainStatus.CANCELLED, ())
    # It goes on under its old version: the single approver approves it.
    add_actor(engine, "tmf.godkender", "approver@TMF")  # the old version's role
    engine.fire(journal_no, "approve", engine.actor("tmf.godkender"))  # no chain there
    assert engine.get_case(journal_no).state == "ready_for_agenda"
    assert all(r.ok for r in engine.verify_audit())


def test_a_revert_after_the_office_head_approved_lists_the_case_and_leaves_it(
    ctx: Context, engine: Engine, waiting: tuple[str, str, str]
) -> None:
    journal_no, _, chained = waiting
    admin = engine.actor("admin")
    migration = changes.start_migration(
        ctx, admin, changes.MigrateRequest("committee-case")
    ).migration
    version = engine.get_case(journal_no).version
    do(ctx, "tmf.kontorchef", journal_no)
    reverted = changes.revert_migration(ctx, admin, migration.id)
    assert reverted.reverted == []
    assert reverted.kept == [
        (
            journal_no,
            f"it had events since the migration (version {version} then, {version + 1} now)",
        )
    ]
    case = engine.get_case(journal_no)
    assert (case.workflow_version, case.state) == (chained, "approval")
    (opened,) = rounds_of(engine, journal_no)
    assert (opened.status, opened.step_index) == (ChainStatus.OPEN, 1)  # at the director
    assert deadlines_of(engine, journal_no)[DIRECTOR][1] == "open"
    assert do(ctx, "tmf.direktor", journal_no).state == "ready_for_agenda"


def test_a_case_with_a_round_open_keeps_it_and_gets_no_second(
    ctx: Context, engine: Engine, clock: FakeClock
) -> None:
    """A case submitted under a chained version moved to another chained version: its
    round goes on (no second round, no second step deadline)."""
    journal_no = in_approval(engine)
    text = CHAINED.read_text(encoding="utf-8").replace("within: 2,", "within: 4,")
    (ctx.settings.workflows_dir / "committee-case.yaml").write_text(text, encoding="utf-8")
    publish(ctx, ctx.settings.workflows_dir / "committee-case.yaml")
    preview = changes.preview_migration(
        ctx, engine.actor("admin"), changes.MigrateRequest("committee-case")
    )
    (case,) = preview.cases
    assert [n.kind for n in case.warnings] == ["approval_step_open"]
    changes.start_migration(ctx, engine.actor("admin"), changes.MigrateRequest("committee-case"))
    assert [r.status for r in rounds_of(engine, journal_no)] == [ChainStatus.OPEN]
    assert list(deadlines_of(engine, journal_no)) == [OFFICE_HEAD]
