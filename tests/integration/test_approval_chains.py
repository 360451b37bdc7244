"""Approval chains through the services and the database: office head → director on
the next version of committee-case, and chains of every mode on a small workflow.

Dates are counted by hand in Danish working days; in May 2009 Ascension Day
(Kristi Himmelfartsdag) fell on Thursday 21 May.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from approval_setup import CONTENT, add_actor, context, management, workflows_with
from caseflow.approvals.chain import Action, OutcomeKind
from caseflow.approvals.routing import DelegationScope
from caseflow.calendar import COPENHAGEN, Calendars
from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.deadlines.dispatcher import Dispatcher
from caseflow.domain import AuditKind
from caseflow.engine import Engine, NewCase
from caseflow.errors import CaseflowError, ErrorCode
from caseflow.services import absence, approvals
from caseflow.store import approvals as chain_rows
from caseflow.store import cases as case_rows
from caseflow.store import deadlines as deadline_rows
from caseflow.store import outbox
from caseflow.store.approvals import ChainStatus
from caseflow.testing import COPENHAGEN_RULES, copenhagen_time, make_test_engine

BOARD = """\
id: board-approval
title: {da: Bestyrelsesgodkendelse, en: Board approval}
roles:
  case_officer: {da: Sagsbehandler, en: Case officer}
  member: {da: Medlem, en: Member}
states:
  drafting: {initial: true, owner: case_officer}
  approval: {owner: member}
  approved: {final: true}
transitions:
  - trigger: submit
    from: drafting
    to: approval
    roles: [case_officer]
  - trigger: send_back
    from: approval
    to: drafting
    roles: [member]
  - trigger: approve
    from: approval
    to: approved
    roles: [member]
    approval:
      on_return: {fire: send_back, restart_from: returning}
      steps:
        - name: pre_check
          approvers: [{unit: ØKF}]
          skippable: true
        - name: all_heads
          approvers: [{person: a.head}, {person: b.head}]
          mode: all
        - name: board
          approvers: [{person: m1}, {person: m2}, {person: m3}]
          mode: n_of_m
          n: 2
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return workflows_with(tmp_path, ("board-approval.yaml", BOARD))


@pytest.fixture
def engine(database_url: str, clock: FakeClock, folder: Path) -> Iterator[Engine]:
    engine = make_test_engine(database_url, clock=clock, workflows_dir=folder)
    management(engine)
    add_actor(engine, "admin", "administrator")
    yield engine
    engine.close()


@pytest.fixture
def ctx(engine: Engine, folder: Path) -> Context:
    return context(engine, folder)


def submitted(engine: Engine, officer: str = "tmf.sb") -> str:
    sb = engine.actor(officer)
    case = engine.open_case(
        NewCase(
            workflow_id="committee-case",
            title="Styring af de politiske processer",
            lead_administration="TMF",
            committee="BIU",
        ),
        sb,
    )
    engine.edit(case.journal_no, CONTENT, sb)
    engine.fire(case.journal_no, "start_drafting", sb)
    engine.fire(case.journal_no, "submit_for_approval", sb)
    return case.journal_no


def do(
    ctx: Context, who: str, journal_no: str, action: Action, text: str | None = None, **kw: str
) -> approvals.ActResult:
    request = approvals.ActOnStep(journal_no, action, text, **kw)
    return approvals.act(ctx, ctx.engine.actor(who), request)


def step_deadlines(engine: Engine, journal_no: str) -> dict[str, tuple[str, str]]:
    with engine.transaction() as conn:
        found = deadline_rows.for_case(conn, engine.get_case(journal_no).id)
    return {
        r.rule_id: (r.due_at.astimezone(COPENHAGEN).date().isoformat(), r.status)
        for r in found
        if r.rule_id.startswith("approval.")
    }


def pending(ctx: Context, who: str) -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (p.journal_no, p.step, p.for_whom)
        for p in approvals.pending_for(ctx, ctx.engine.actor(who))
    ]


def test_office_head_then_director_with_their_deadlines(
    ctx: Context, engine: Engine, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-05-19 10:00"))  # a Tuesday
    journal_no = submitted(engine)
    # 3 working days from Tuesday 19 May: 20, 22 (21 is Ascension Day) and 25 May.
    assert step_deadlines(engine, journal_no) == {
        "approval.approve.office_head": ("2009-05-25", "open")
    }
    assert pending(ctx, "tmf.kontorchef") == [(journal_no, "office_head", ("tmf.kontorchef",))]
    assert pending(ctx, "tmf.direktor") == []
    assert pending(ctx, "bif.kontorchef") == []  # an office head, but not in the lead (TMF)

    clock.set(copenhagen_time("2009-05-20 09:00"))
    first = do(ctx, "tmf.kontorchef", journal_no, Action.APPROVE)
    assert (first.outcome, first.next_step, first.state) == (
        OutcomeKind.STEP_DONE,
        "director",
        "approval",
    )
    # 2 working days from Wednesday 20 May: 22 and 25 May.
    assert step_deadlines(engine, journal_no) == {
        "approval.approve.office_head": ("2009-05-25", "satisfied"),
        "approval.approve.director": ("2009-05-25", "open"),
    }
    assert pending(ctx, "tmf.kontorchef") == []
    last = do(ctx, "tmf.direktor", journal_no, Action.APPROVE_WITH_CONDITION, "Økonomien afklares")
    assert (last.outcome, last.state) == (OutcomeKind.CHAIN_DONE, "ready_for_agenda")
    assert step_deadlines(engine, journal_no)["approval.approve.director"][1] == "satisfied"

    case = engine.get_case(journal_no)
    assert case.fields["approved_by"] == ["office_head", "director"]
    assert case.fields["approval_conditions"] == ["director: Økonomien afklares (tmf.direktor)"]
    history = engine.history(journal_no)
    audited = [(e.kind, e.actor, e.comment) for e in history[-3:]]
    assert audited == [
        (AuditKind.APPROVAL, "tmf.kontorchef", "office_head godkendt af tmf.kontorchef"),
        (
            AuditKind.APPROVAL,
            "tmf.direktor",
            "director godkendt med betingelse af tmf.direktor: Økonomien afklares",
        ),
        (AuditKind.FIRE, "tmf.direktor", "godkendelseskæden er fuldført (tmf.direktor)"),
    ]
    assert not any(r.problems for r in engine.verify_audit([journal_no]))
    (view,) = approvals.chains_of_case(ctx, engine.actor("tmf.sb"), journal_no)
    assert [s.status for s in view.steps] == ["done", "done"]


def test_the_chained_step_is_not_a_plain_step(ctx: Context, engine: Engine) -> None:
    journal_no = submitted(engine)
    with pytest.raises(CaseflowError) as caught:
        engine.fire(journal_no, "approve", engine.actor("tmf.direktor"))
    assert caught.value.code is ErrorCode.TRIGGER_OWNED_BY_SERVICE
    assert "through the case's approval chain" in caught.value.message
    with pytest.raises(CaseflowError) as caught:
        do(ctx, "tmf.direktor", journal_no, Action.APPROVE)  # not the director's step yet
    assert caught.value.code is ErrorCode.APPROVAL_NOT_YOURS
    assert engine.get_case(journal_no).state == "approval"


def test_a_return_goes_back_to_drafting_and_restarts_at_the_office_head(
    ctx: Context, engine: Engine
) -> None:
    journal_no = submitted(engine)
    do(ctx, "tmf.kontorchef", journal_no, Action.APPROVE)
    with pytest.raises(CaseflowError) as caught:
        do(ctx, "tmf.direktor", journal_no, Action.RETURN, "  ")
    assert caught.value.code is ErrorCode.COMMENT_REQUIRED
    back = do(ctx, "tmf.direktor", journal_no, Action.RETURN, "Løsningen skal uddybes")
    assert (back.outcome, back.state) == (OutcomeKind.RETURNED, "drafting")
    case = engine.get_case(journal_no)
    assert "approved_by" not in case.fields
    assert engine.history(journal_no)[-1].comment == "Løsningen skal uddybes (tmf.direktor)"
    assert step_deadlines(engine, journal_no)["approval.approve.director"][1] == "cancelled"

    engine.fire(journal_no, "submit_for_approval", engine.actor("tmf.sb"))
    assert pending(ctx, "tmf.kontorchef") == [(journal_no, "office_head", ("tmf.kontorchef",))]
    (view,) = approvals.chains_of_case(ctx, engine.actor("tmf.sb"), journal_no)
    assert (view.round, [s.status for s in view.steps]) == (2, ["open", "waiting"])
    assert [v.action for v in view.history] == [Action.APPROVE, Action.RETURN]


def test_a_fire_reads_each_chains_newest_round_with_the_case(ctx: Context, engine: Engine) -> None:
    """The rounds a fire reads with its case (which number and place the next round)
    are the chain's newest, open or not, and the same as read on their own."""
    journal_no = submitted(engine)
    do(ctx, "tmf.kontorchef", journal_no, Action.APPROVE)
    do(ctx, "tmf.direktor", journal_no, Action.RETURN, "Uddyb")
    case_id = engine.get_case(journal_no).id
    with engine.transaction() as conn:
        _, read = case_rows.get_with(conn, journal_no, engine.case_reads(conn))
        (alone,) = chain_rows.latest_rounds(conn, case_id)
    (with_the_case,) = chain_rows.latest_of_read(
        read["open_approval_rounds"], read["newest_approval_round"]
    )
    assert with_the_case == alone
    assert (alone.round, alone.status, alone.restart_index) == (1, ChainStatus.RETURNED, 0)

    engine.fire(journal_no, "submit_for_approval", engine.actor("tmf.sb"))
    with engine.transaction() as conn:
        (second,) = chain_rows.latest_rounds(conn, case_id)
    assert (second.round, second.open) == (2, True)


def test_leaving_the_state_another_way_cancels_the_chain(ctx: Context, engine: Engine) -> None:
    journal_no = submitted(engine)
    engine.fire(journal_no, "send_back", engine.actor("tmf.kontorchef"), comment="Nej")
    assert pending(ctx, "tmf.kontorchef") == []
    (view,) = approvals.chains_of_case(ctx, engine.actor("tmf.sb"), journal_no)
    assert view.status == "cancelled"


def test_the_drafter_may_not_approve_their_own_draft(ctx: Context, engine: Engine) -> None:
    add_actor(engine, "tmf.chefsb", "case_officer@TMF", "office_head@TMF")
    journal_no = submitted(engine, "tmf.chefsb")
    with pytest.raises(CaseflowError) as caught:
        do(ctx, "tmf.chefsb", journal_no, Action.APPROVE)
    assert caught.value.code is ErrorCode.OWN_DRAFT
    assert do(ctx, "tmf.kontorchef", journal_no, Action.APPROVE).outcome is OutcomeKind.STEP_DONE


def test_on_behalf_of_a_director_by_an_administrators_grant(
    ctx: Context, engine: Engine, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-06-02 10:00"))
    journal_no = submitted(engine)
    do(ctx, "tmf.kontorchef", journal_no, Action.APPROVE)
    grant = absence.GrantDelegation(
        "tmf.direktor",
        "tmf.kontorchef2",
        DelegationScope.APPROVALS,
        date(2009, 6, 1),
        date(2009, 6, 30),
    )
    with pytest.raises(CaseflowError) as caught:
        absence.grant_delegation(ctx, engine.actor("tmf.kontorchef"), grant)
    assert caught.value.code is ErrorCode.ADMINISTRATOR_REQUIRED
    record = absence.grant_delegation(ctx, engine.actor("admin"), grant)
    assert pending(ctx, "tmf.kontorchef2") == [(journal_no, "director", ("tmf.direktor",))]
    done = do(ctx, "tmf.kontorchef2", journal_no, Action.APPROVE)
    assert (done.by, done.state) == ("tmf.kontorchef2 på vegne af tmf.direktor", "ready_for_agenda")
    comments = [e.comment for e in engine.history(journal_no)[-2:]]
    assert comments == [
        "director godkendt af tmf.kontorchef2 på vegne af tmf.direktor",
        "godkendelseskæden er fuldført (tmf.kontorchef2 på vegne af tmf.direktor)",
    ]
    with engine.transaction() as conn:
        mails = [r.context for r in outbox.search(conn) if r.template == "transition"]
    told = [m["transition"] for m in mails if m["case"]["state_title"] == "Klar til dagsorden"]
    assert {t["actor_name"] for t in told} == {"Tmf.Kontorchef2 på vegne af Tmf.Direktor"}
    absence.revoke_delegation(ctx, engine.actor("admin"), record.delegation.id)
    assert absence.list_delegations(ctx, engine.actor("admin")) == []


def test_an_absence_routes_pending_approvals_down_the_chain_of_substitutes(
    ctx: Context, engine: Engine, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-06-02 10:00"))
    journal_no = submitted(engine)  # pending for the office head before anyone is away
    assert pending(ctx, "tmf.vikar") == []
    away = absence.set_absence(
        ctx,
        engine.actor("tmf.kontorchef"),
        absence.SetAbsence("tmf.vikar", date(2009, 6, 1), date(2009, 6, 12)),
    )
    assert pending(ctx, "tmf.vikar") == [(journal_no, "office_head", ("tmf.kontorchef",))]
    # The substitute is away too: the approval goes on to theirs.
    absence.set_absence(
        ctx,
        engine.actor("tmf.vikar"),
        absence.SetAbsence("tmf.direktor", date(2009, 6, 2), date(2009, 6, 3)),
    )
    assert pending(ctx, "tmf.vikar") == []
    assert pending(ctx, "tmf.direktor") == [(journal_no, "office_head", ("tmf.kontorchef",))]
    # A loop is refused when recorded, and nothing is stored.
    with pytest.raises(CaseflowError) as caught:
        absence.set_absence(
            ctx,
            engine.actor("tmf.direktor"),
            absence.SetAbsence("tmf.kontorchef", date(2009, 6, 3), date(2009, 6, 4)),
        )
    assert caught.value.code is ErrorCode.SUBSTITUTE_LOOP
    assert caught.value.params["chain"] == [
        "tmf.direktor",
        "tmf.kontorchef",
        "tmf.vikar",
        "tmf.direktor",
    ]
    # The director acts in the office head's place; that is not the director's own step.
    done = do(ctx, "tmf.direktor", journal_no, Action.APPROVE)
    assert done.by == "tmf.direktor på vegne af tmf.kontorchef"
    # The office head comes back early: nothing more routes to the substitutes.
    absence.end_absence(ctx, engine.actor("tmf.kontorchef"), away.absence.id)
    assert [a.absence.username for a in absence.list_absences(ctx, engine.actor("tmf.vikar"))] == [
        "tmf.vikar"
    ]


def test_a_substitute_gets_no_more_rights_than_the_absent_person(
    ctx: Context, engine: Engine, clock: FakeClock
) -> None:
    """A drafter's substitute may not approve the drafter's draft in their name."""
    clock.set(copenhagen_time("2009-06-02 10:00"))
    add_actor(engine, "tmf.chefsb", "case_officer@TMF", "office_head@TMF")
    journal_no = submitted(engine, "tmf.chefsb")
    absence.set_absence(
        ctx,
        engine.actor("tmf.chefsb"),
        absence.SetAbsence("tmf.vikar", date(2009, 6, 1), date(2009, 6, 5)),
    )
    with pytest.raises(CaseflowError) as caught:
        do(ctx, "tmf.vikar", journal_no, Action.APPROVE)
    assert caught.value.code is ErrorCode.OWN_DRAFT


def test_a_step_past_its_deadline_escalates_to_the_director(
    ctx: Context, engine: Engine, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-05-19 10:00"))
    journal_no = submitted(engine)
    clock.set(copenhagen_time("2009-05-26 09:00"))  # past 25 May
    Dispatcher(engine, Calendars.for_rules(COPENHAGEN_RULES), owner="test").run_once()
    assert step_deadlines(engine, journal_no)["approval.approve.office_head"][1] == "expired"
    with engine.transaction() as conn:
        mails = [
            (r.template, r.recipients[0]["address"])
            for r in outbox.search(conn)
            if r.template in ("expired", "escalation")
        ]
    # The office heads are told it passed; the director has it handed over.
    assert sorted(mails) == [
        ("escalation", "tmf.direktor@kk.example"),
        ("expired", "tmf.kontorchef2@kk.example"),
        ("expired", "tmf.kontorchef@kk.example"),
    ]


def open_board(engine: Engine) -> str:
    add_actor(engine, "okf.sb", "case_officer@ØKF")
    for name in ("a.head", "b.head", "m1", "m2", "m3"):
        add_actor(engine, name, "member@TMF")
    sb = engine.actor("tmf.sb")
    case = engine.open_case(
        NewCase(workflow_id="board-approval", title="Budget", lead_administration="TMF"), sb
    )
    engine.fire(case.journal_no, "submit", sb)
    return case.journal_no


def test_unit_skip_all_and_n_of_m(ctx: Context, engine: Engine) -> None:
    journal_no = open_board(engine)
    assert pending(ctx, "okf.sb") == [(journal_no, "pre_check", ("okf.sb",))]
    skipped = do(ctx, "okf.sb", journal_no, Action.SKIP, "Ikke relevant")
    assert skipped.next_step == "all_heads"
    assert do(ctx, "a.head", journal_no, Action.APPROVE).outcome is OutcomeKind.RECORDED
    assert do(ctx, "b.head", journal_no, Action.APPROVE).next_step == "board"
    with pytest.raises(CaseflowError) as caught:
        do(ctx, "a.head", journal_no, Action.SKIP)  # not skippable, nor a.head's step
    assert caught.value.code in (ErrorCode.APPROVAL_NOT_YOURS, ErrorCode.SKIP_NOT_ALLOWED)
    assert do(ctx, "m1", journal_no, Action.APPROVE).outcome is OutcomeKind.RECORDED
    with pytest.raises(CaseflowError) as caught:
        do(ctx, "m1", journal_no, Action.APPROVE)
    assert caught.value.code is ErrorCode.ALREADY_APPROVED
    done = do(ctx, "m3", journal_no, Action.APPROVE)
    assert (done.outcome, done.state) == (OutcomeKind.CHAIN_DONE, "approved")
    assert engine.get_case(journal_no).fields["approved_by"] == ["all_heads", "board"]


def test_a_return_restarts_at_the_returning_step_where_the_file_says(
    ctx: Context, engine: Engine
) -> None:
    journal_no = open_board(engine)
    do(ctx, "okf.sb", journal_no, Action.SKIP)
    do(ctx, "a.head", journal_no, Action.APPROVE)
    do(ctx, "b.head", journal_no, Action.APPROVE)
    assert do(ctx, "m2", journal_no, Action.RETURN, "Mangler tal").state == "drafting"
    engine.fire(journal_no, "submit", engine.actor("tmf.sb"))
    assert pending(ctx, "m2") == [(journal_no, "board", ("m2",))]
    assert pending(ctx, "okf.sb") == []


def test_a_stranger_learns_nothing_of_a_case_by_acting_on_it(ctx: Context, engine: Engine) -> None:
    """Someone with no role on the case and no step to act on is told what a missing case
    tells them, whether the case waits for approval or not."""
    add_actor(engine, "sof.sb", "case_officer@SOF")
    journal_no = submitted(engine)
    for number in (journal_no, "2009-99999"):
        with pytest.raises(CaseflowError) as caught:
            do(ctx, "sof.sb", number, Action.APPROVE)
        assert caught.value.code is ErrorCode.CASE_NOT_VISIBLE
    with pytest.raises(CaseflowError) as caught:
        approvals.chains_of_case(ctx, engine.actor("sof.sb"), journal_no)
    assert caught.value.code is ErrorCode.CASE_NOT_VISIBLE


def test_nobody_writes_the_chains_record_by_hand(ctx: Context, engine: Engine) -> None:
    """approved_by is what the guard reads: an edit or a step that sets it is refused."""
    from caseflow.services import cases

    journal_no = submitted(engine)
    officer = engine.actor("tmf.sb")
    forged = {"fields.approved_by": ["office_head", "director"]}
    with pytest.raises(CaseflowError) as caught:
        cases.edit(ctx, officer, cases.EditRequest(journal_no, forged))
    assert caught.value.code is ErrorCode.RESERVED_FIELD
    with pytest.raises(CaseflowError) as caught:
        cases.advance(
            ctx,
            engine.actor("tmf.kontorchef"),
            cases.AdvanceRequest(journal_no, "send_back", forged, comment="x"),
        )
    assert caught.value.code is ErrorCode.RESERVED_FIELD
    assert "approved_by" not in engine.get_case(journal_no).fields
