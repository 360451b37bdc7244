"""The services refuse what does not exist, what is too large and what is past, each with a
specific code, so the CLI and the web answer alike (issue 16, findings 2, 3 and 5)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.documents.config import load_config
from caseflow.documents.importer import read_agenda_item
from caseflow.documents.service import Names, check_import, plan_import
from caseflow.engine import NewCase
from caseflow.errors import CaseflowError, ErrorCode, InvalidInput, NotAllowed
from caseflow.limits import CAPS, Capped
from caseflow.meetings import agenda, committees, followup, plan
from caseflow.services import cases, notifications
from caseflow.testing import (
    add_test_meeting,
    copenhagen_time,
    open_test_case,
    ready_test_case,
)

EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "agenda-item-2009-68440-biu-item18.txt"


def code_of(error: pytest.ExceptionInfo[CaseflowError]) -> ErrorCode:
    return error.value.code


def test_a_steering_group_seat_needs_an_actor_that_exists(ctx: Context) -> None:
    admin = ctx.engine.actor("admin")
    with pytest.raises(InvalidInput, match="no actor 'nobody'") as refused:
        committees.set_steering_member(ctx.engine, admin, "OMR", "BIF", "nobody")
    assert code_of(refused) is ErrorCode.UNKNOWN_ACTOR


def test_an_unknown_section_is_refused_and_a_configured_one_taken(ctx: Context) -> None:
    engine = ctx.engine
    officer = engine.actor("bif.sagsbehandler")
    journal_no = open_test_case(engine)
    request = cases.EditRequest(journal_no, {"sections.nosuch": "Tekst"})
    with pytest.raises(InvalidInput, match="no section 'nosuch'") as refused:
        cases.edit(ctx, officer, request)
    assert code_of(refused) is ErrorCode.UNKNOWN_SECTION
    assert "okonomi" in refused.value.params["known"]  # type: ignore[operator]
    edited = cases.edit(
        ctx, officer, cases.EditRequest(journal_no, {"sections.videre_proces": "x"})
    )
    assert edited.case.sections["videre_proces"] == "x"


def test_a_huge_title_section_or_comment_names_the_field_the_cap_and_the_size(
    ctx: Context,
) -> None:
    engine = ctx.engine
    officer = engine.actor("bif.sagsbehandler")
    huge = "x" * 20_000_000
    with pytest.raises(InvalidInput) as refused:
        cases.open_case(ctx, officer, NewCase("committee-case", huge, lead_administration="BIF"))
    assert code_of(refused) is ErrorCode.TOO_LARGE
    assert refused.value.params == {"field": "title", "cap": CAPS[Capped.TITLE], "size": 20_000_000}
    assert "title is 20,000,000 characters long; at most 500" in refused.value.message
    journal_no = open_test_case(engine)
    too_long = "y" * (CAPS[Capped.SECTION] + 1)
    with pytest.raises(InvalidInput, match=r"sections\.okonomi is 200,001 characters"):
        cases.edit(ctx, officer, cases.EditRequest(journal_no, {"sections.okonomi": too_long}))
    comment = "z" * (CAPS[Capped.COMMENT] + 1)
    with pytest.raises(InvalidInput, match="comment is 20,001"):
        cases.advance(
            ctx, officer, cases.AdvanceRequest(journal_no, "start_drafting", comment=comment)
        )
    changes = {"recommendations": ["ok", "r" * (CAPS[Capped.RECOMMENDATION] + 1)]}
    with pytest.raises(InvalidInput, match="recommendation 2 is"):
        cases.edit(ctx, officer, cases.EditRequest(journal_no, changes))
    assert engine.get_case(journal_no).version == 1  # nothing was saved


def test_a_negative_or_absurd_lease_or_number_of_days_is_refused(ctx: Context) -> None:
    for lease in (timedelta(seconds=-1), timedelta(0), timedelta(days=400)):
        with pytest.raises(InvalidInput, match="lease must be from 1 to 86400") as refused:
            ctx.dispatcher(lease)
        assert code_of(refused) is ErrorCode.NUMBER_OUT_OF_RANGE
        with pytest.raises(InvalidInput, match="lease"):
            ctx.sender(lease)
    admin = ctx.engine.actor("admin")
    for days in (-1, 999_999_999):
        with pytest.raises(InvalidInput, match="days must be from 0 to 260"):
            notifications.queue_digests(ctx, admin, notifications.DigestRequest(days))


def test_an_unknown_lead_says_no_administration(ctx: Context) -> None:
    officer = ctx.engine.actor("bif.sagsbehandler")
    new = NewCase("committee-case", "Sag", lead_administration="XXX", committee="BIU")
    with pytest.raises(InvalidInput, match="no administration 'XXX'") as refused:
        cases.open_case(ctx, officer, new)
    assert code_of(refused) is ErrorCode.UNKNOWN_ADMINISTRATION


def test_a_list_by_an_unknown_state_or_committee_is_refused_not_empty(ctx: Context) -> None:
    officer = ctx.engine.actor("bif.sagsbehandler")
    open_test_case(ctx.engine)
    with pytest.raises(InvalidInput, match="no state 'nosuchstate'") as refused:
        cases.list_cases(ctx, officer, cases.CaseQuery(states=("nosuchstate",)))
    assert code_of(refused) is ErrorCode.UNKNOWN_STATE
    with pytest.raises(InvalidInput, match="no committee 'NOPE'") as refused:
        cases.list_cases(ctx, officer, cases.CaseQuery(committee="NOPE"))
    assert code_of(refused) is ErrorCode.UNKNOWN_COMMITTEE
    assert len(cases.list_cases(ctx, officer, cases.CaseQuery(states=("registered",))).items) == 1


def test_an_unknown_step_is_no_such_step(ctx: Context) -> None:
    officer = ctx.engine.actor("bif.sagsbehandler")
    journal_no = open_test_case(ctx.engine)
    with pytest.raises(InvalidInput, match=r"no such step 'aprove'.*did you mean 'approve'"):
        cases.advance(ctx, officer, cases.AdvanceRequest(journal_no, "aprove"))
    with pytest.raises(NotAllowed) as refused:  # a real step, at the wrong time
        cases.advance(ctx, officer, cases.AdvanceRequest(journal_no, "approve"))
    assert code_of(refused) is not ErrorCode.UNKNOWN_TRIGGER


def test_an_import_dry_run_refuses_what_the_import_would(ctx: Context) -> None:
    engine = ctx.engine
    item = read_agenda_item(EXAMPLE.read_text(encoding="utf-8"), load_config())
    names = Names.load(engine)
    planned = plan_import(item, names, lead="BIF", committee="BIU")
    outsider = engine.actor("tmf.sagsbehandler")  # no role in BIF: may not open it
    with pytest.raises(NotAllowed, match="may not open"):
        check_import(engine, planned, names, outsider)
    check_import(engine, planned, names, engine.actor("bif.sagsbehandler"))


def test_cancelling_a_meeting_takes_its_items_off(ctx: Context, clock: FakeClock) -> None:
    engine = ctx.engine
    clock.set(copenhagen_time("2009-05-20 09:00"))
    meeting = add_test_meeting(engine, "BIU", "2009-06-11 15:00")
    secretariat = engine.actor("biu.sekretariat")
    journal_no = ready_test_case(engine)
    agenda.add_item(engine, meeting, journal_no, secretariat)
    plan.cancel_meeting(engine, secretariat, meeting)
    case = engine.get_case(journal_no)
    assert case.state == "ready_for_agenda"
    assert case.fields.get("meeting_id") is None
    last = engine.history(journal_no)[-1]
    assert last.comment is not None
    assert "aflyst" in last.comment
    again = add_test_meeting(engine, "BIU", "2009-06-18 15:00")
    assert agenda.add_item(engine, again, journal_no, secretariat).case.state == "on_agenda"


def test_a_follow_up_already_past_needs_allow_past_and_a_reason(
    ctx: Context, clock: FakeClock
) -> None:
    engine = ctx.engine
    clock.set(copenhagen_time("2026-12-07 10:00"))
    journal_no = open_test_case(engine)
    officer = engine.actor("bif.sagsbehandler")
    values = {"owner": "steering_group:OMR", "due": "by end of 2009", "text": "Forslag"}
    with pytest.raises(InvalidInput, match=r"due 2009-12-31.*which has passed") as refused:
        followup.add_followup(engine, journal_no, officer, **values)
    assert code_of(refused) is ErrorCode.DATE_PASSED
    with pytest.raises(InvalidInput) as refused:
        followup.add_followup(engine, journal_no, officer, allow_past=True, **values)
    assert code_of(refused) is ErrorCode.PAST_REASON_REQUIRED
    action = followup.add_followup(
        engine, journal_no, officer, allow_past=True, past_reason="Registreret bagud", **values
    )
    assert action.id > 0
    comment = engine.history(journal_no)[-1].comment or ""
    assert "already past: Registreret bagud" in comment


def test_a_date_starting_a_deadline_already_past_needs_allow_past(
    ctx: Context, clock: FakeClock
) -> None:
    engine = ctx.engine
    clock.set(copenhagen_time("2026-12-07 10:00"))
    officer = engine.actor("bif.sagsbehandler")
    journal_no = open_test_case(engine)
    past = {"fields.meeting_date": "2009-06-11"}
    with pytest.raises(InvalidInput, match=r"meeting_date 2009-06-11 has passed") as refused:
        cases.advance(ctx, officer, cases.AdvanceRequest(journal_no, "start_drafting", past))
    assert code_of(refused) is ErrorCode.DATE_PASSED
    with pytest.raises(InvalidInput) as refused:
        cases.edit(ctx, officer, cases.EditRequest(journal_no, past, allow_past=True))
    assert code_of(refused) is ErrorCode.PAST_REASON_REQUIRED
    request = cases.EditRequest(journal_no, past, allow_past=True, past_reason="Historik")
    assert cases.edit(ctx, officer, request).case.fields["meeting_date"] == "2009-06-11"
    assert "already past when given (fields.meeting_date 2009-06-11): Historik" in (
        engine.history(journal_no)[-1].comment or ""
    )
    later = {"fields.meeting_date": "2027-02-04"}
    cases.edit(ctx, officer, cases.EditRequest(journal_no, later))  # a date to come is fine
