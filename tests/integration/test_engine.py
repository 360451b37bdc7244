"""The engine against a real database: opening, firing, editing, refusing."""

from __future__ import annotations

import pytest

from caseflow.context import Context
from caseflow.definitions import COMMENT_REQUIRED
from caseflow.engine import Engine, NewCase
from caseflow.errors import ErrorCode, InvalidInput, NotAllowed, NotFound
from caseflow.services import cases
from caseflow.testing import open_test_case as open_case

FULL_SECTIONS = {
    "sections": {"problemstilling": "P", "losning": "L", "okonomi": "Ø"},
    "recommendations": ["at udvalget drøfter sagen."],
}


def test_journal_numbers_are_generated_per_year(engine: Engine) -> None:
    first = open_case(engine)
    second = open_case(engine)
    assert first == "2009-00001"
    assert second == "2009-00002"


def test_explicit_journal_number_is_kept_and_cannot_repeat(engine: Engine) -> None:
    assert open_case(engine, journal_no="2009-68440") == "2009-68440"
    with pytest.raises(InvalidInput, match="already taken"):
        open_case(engine, journal_no="2009-68440")
    assert open_case(engine) == "2009-68441"  # the counter moved past the explicit number


def test_bad_journal_number_is_refused(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="YYYY-NNNNN"):
        open_case(engine, journal_no="68440")


def everything(ctx: Context) -> list[str]:
    page = cases.list_cases(ctx, ctx.engine.actor("admin"), cases.CaseQuery())
    return [c.journal_no for c in page.items]


def test_unknown_administration_is_refused_and_nothing_written(
    engine: Engine, ctx: Context
) -> None:
    with pytest.raises(InvalidInput, match="no administration 'XYZ'"):
        open_case(engine, lead_administration="XYZ")
    assert everything(ctx) == []


def test_open_needs_the_initial_states_role(engine: Engine) -> None:
    with pytest.raises(NotAllowed, match="may not open"):
        engine.open_case(
            NewCase(workflow_id="committee-case", title="x", committee="BIU"),
            engine.actor("biu.sekretariat"),
        )


def test_fire_moves_state_and_records_audit(engine: Engine) -> None:
    journal_no = open_case(engine)
    officer = engine.actor("bif.sagsbehandler")
    case = engine.fire(journal_no, "start_drafting", officer)
    assert case.state == "drafting"
    assert case.version == 2
    entries = engine.history(journal_no)
    assert [(e.kind, e.trigger, e.from_state, e.to_state) for e in entries] == [
        ("open", None, None, "registered"),
        ("fire", "start_drafting", "registered", "drafting"),
    ]
    assert entries[1].prev_hash == entries[0].hash
    assert engine.get_case(journal_no).audit_head == entries[1].hash


def test_wrong_state_names_what_is_allowed(engine: Engine) -> None:
    journal_no = open_case(engine)
    officer = engine.actor("bif.sagsbehandler")
    engine.fire(journal_no, "start_drafting", officer)
    with pytest.raises(NotAllowed) as info:
        engine.fire(journal_no, "approve", officer)
    message = str(info.value)
    assert f"cannot 'approve' case {journal_no} in state 'drafting'" in message
    assert "allowed now: submit_for_approval" in message


def test_role_is_checked(engine: Engine) -> None:
    journal_no = open_case(engine)
    with pytest.raises(NotAllowed, match="needs the role case_officer"):
        engine.fire(journal_no, "start_drafting", engine.actor("bif.chef"))
    assert engine.get_case(journal_no).state == "registered"


def test_role_scope_is_checked_and_a_hidden_case_tells_nothing(engine: Engine) -> None:
    """A case officer of another administration has no role on the case, and may not
    learn of it: the refusal is the one for no such case, without its state, its
    administrations or who could act."""
    journal_no = open_case(engine, lead_administration="BIF", participating_administrations=[])
    with pytest.raises(NotFound) as hidden:
        engine.fire(journal_no, "start_drafting", engine.actor("tmf.sagsbehandler"))
    with pytest.raises(NotFound) as unknown:
        engine.fire("2009-99999", "start_drafting", engine.actor("tmf.sagsbehandler"))
    assert str(hidden.value) == f"case {journal_no}: not found or not allowed"
    assert str(unknown.value) == "case 2009-99999: not found or not allowed"
    assert hidden.value.code is unknown.value.code is ErrorCode.CASE_NOT_VISIBLE
    for leak in ("registered", "BIF", "BIU", "bif.chef"):
        assert leak not in str(hidden.value)
    assert engine.get_case(journal_no).state == "registered"


def test_guard_failure_names_every_reason_and_writes_nothing(engine: Engine) -> None:
    journal_no = open_case(engine)
    officer = engine.actor("bif.sagsbehandler")
    engine.fire(journal_no, "start_drafting", officer)
    with pytest.raises(NotAllowed) as info:
        engine.fire(journal_no, "submit_for_approval", officer, changes={"sections.losning": "L"})
    assert "problemstilling" in str(info.value)
    assert "okonomi" in str(info.value)
    case = engine.get_case(journal_no)
    assert case.state == "drafting"
    assert case.sections == {}  # the changes given with the failed fire were not kept
    assert len(engine.history(journal_no)) == 2


def test_changes_with_a_fire_are_audited(engine: Engine) -> None:
    journal_no = open_case(engine)
    officer = engine.actor("bif.sagsbehandler")
    engine.fire(journal_no, "start_drafting", officer)
    engine.edit(journal_no, FULL_SECTIONS, officer)
    case = engine.fire(journal_no, "submit_for_approval", officer)
    assert case.state == "approval"
    edit = engine.history(journal_no)[2]
    assert edit.kind == "edit"
    assert edit.changes["sections"] == [{}, FULL_SECTIONS["sections"]]


def test_send_back_requires_a_comment(engine: Engine) -> None:
    journal_no = open_case(engine)
    officer = engine.actor("bif.sagsbehandler")
    engine.fire(journal_no, "start_drafting", officer)
    engine.edit(journal_no, FULL_SECTIONS, officer)
    engine.fire(journal_no, "submit_for_approval", officer)
    chef = engine.actor("tmf.kontorchef")
    with pytest.raises(NotAllowed, match="comment") as refused:
        engine.fire(journal_no, "send_back", chef)
    # requires_comment and the guard comment_given: the one reason is given once
    assert str(refused.value).count(COMMENT_REQUIRED) == 1
    case = engine.fire(journal_no, "send_back", chef, comment="Uddyb økonomien")
    assert case.state == "drafting"
    assert engine.history(journal_no)[-1].comment == "Uddyb økonomien"


def test_available_triggers_show_blocking_guards(engine: Engine, ctx: Context) -> None:
    journal_no = open_case(engine)
    officer = engine.actor("bif.sagsbehandler")
    engine.fire(journal_no, "start_drafting", officer)
    options = {o.trigger: o for o in cases.show_case(ctx, officer, journal_no).options}
    assert "submit_for_approval" in options
    assert not options["submit_for_approval"].ready
    engine.edit(journal_no, FULL_SECTIONS, officer)
    options = {o.trigger: o for o in cases.show_case(ctx, officer, journal_no).options}
    assert options["submit_for_approval"].ready


def test_edit_needs_the_owner_role(engine: Engine) -> None:
    journal_no = open_case(engine)
    with pytest.raises(NotAllowed, match="may not edit"):
        engine.edit(journal_no, {"summary": "x"}, engine.actor("biu.sekretariat"))


def test_edit_rejects_unknown_fields(engine: Engine) -> None:
    journal_no = open_case(engine)
    with pytest.raises(InvalidInput, match="cannot change 'state'"):
        engine.edit(journal_no, {"state": "closed"}, engine.actor("bif.sagsbehandler"))


def test_unknown_case(engine: Engine) -> None:
    with pytest.raises(NotFound, match="2010-99999"):
        engine.fire("2010-99999", "approve", engine.actor("bif.chef"))


def test_withdraw_only_by_the_lead_administration(engine: Engine) -> None:
    journal_no = open_case(engine)
    with pytest.raises(NotAllowed, match="lead"):
        engine.fire(journal_no, "withdraw", engine.actor("bif.sagsbehandler"), comment="nej")
    case = engine.fire(journal_no, "withdraw", engine.actor("tmf.sagsbehandler"), comment="Trukket")
    assert case.state == "withdrawn"


def test_mine_lists_assigned_and_waiting_cases(engine: Engine, ctx: Context) -> None:
    journal_no = open_case(engine)

    def mine(username: str) -> list[str]:
        page = cases.list_cases(ctx, engine.actor(username), cases.CaseQuery(mine=True))
        return [c.journal_no for c in page.items]

    assert mine("bif.sagsbehandler") == [journal_no]
    assert mine("biu.sekretariat") == []
