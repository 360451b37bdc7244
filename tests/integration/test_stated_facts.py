"""What caseflow tells people must be true: the fristbrev's date, which reminders were
sent, whose administration an officer works in (issue 16, finding 6)."""

from __future__ import annotations

import pytest

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.engine import Engine, NewCase
from caseflow.meetings import followup
from caseflow.meetings.vocabulary import FollowupStatus
from caseflow.notifications.on_transition import TransitionNotifier
from caseflow.notifications.render import Renderer
from caseflow.notifications.sender import revive
from caseflow.services import deadlines
from caseflow.services.deadlines import ReminderStatus
from caseflow.settings import default_templates_dir
from caseflow.store import outbox
from caseflow.testing import copenhagen_time, open_test_case


@pytest.fixture
def notifying(engine: Engine) -> Engine:
    engine.hooks[:] = [h for h in engine.hooks if not isinstance(h, TransitionNotifier)]
    engine.hooks.append(TransitionNotifier("da"))
    return engine


def test_the_fristbrev_promises_the_day_the_deadline_is_tracked_for(
    notifying: Engine, clock: FakeClock
) -> None:
    engine = notifying
    officer = engine.actor("bif.sagsbehandler")
    clock.set(copenhagen_time("2027-01-18 10:00"))
    case = engine.open_case(
        NewCase(
            workflow_id="access-request",
            title="dokumenterne i sagen",
            lead_administration="BIF",
            fields={"requester_email": "aase@example.dk", "requester_name": "Åse Møller"},
        ),
        officer,
    )
    engine.fire(case.journal_no, "start_assessment", officer)
    clock.set(copenhagen_time("2027-01-25 09:00"))
    changes = {
        "fields.delay_reason": "Mange dokumenter.",
        "fields.expected_answer_date": "2027-01-30",  # a Saturday
    }
    engine.fire(case.journal_no, "send_fristbrev", officer, changes=changes)
    with engine.transaction() as conn:
        (row,) = [r for r in outbox.search(conn) if r.template == "fristbrev"]
    assert row.context["request"]["expected_answer_on"] == "2027-02-01"  # the Monday
    letter = Renderer(default_templates_dir()).render("fristbrev", "da", revive(row.context))
    assert "senest den 1. februar 2027" in letter.text
    assert "30. januar" not in letter.text


def test_deadlines_explain_marks_only_reminders_that_were_sent(
    ctx: Context, clock: FakeClock
) -> None:
    engine = ctx.engine
    officer = engine.actor("bif.sagsbehandler")
    clock.set(copenhagen_time("2009-12-03 10:00"))
    journal_no = open_test_case(engine)
    action = followup.add_followup(
        engine,
        journal_no,
        officer,
        owner="steering_group:OMR",
        due="by 2009-12-10",  # its reminders' dates lie before today
        text="Forslag",
    )
    shown = deadlines.explain_deadlines(ctx, officer, journal_no)
    (deadline,) = [d for d in shown.deadlines if d.label.rule_id.startswith("followup:")]
    assert deadline.reminders  # the rule has reminders ...
    assert all(r.status is ReminderStatus.BEFORE_START for r in deadline.reminders)  # none sent
    assert deadline.to_json()["reminders"][0]["sent"] is False
    followup.finish_followup(engine, action.id, officer, status=FollowupStatus.DONE)
    shown = deadlines.explain_deadlines(ctx, officer, journal_no)
    (deadline,) = [d for d in shown.deadlines if d.label.rule_id.startswith("followup:")]
    assert ReminderStatus.TO_COME not in [r.status for r in deadline.reminders]


def test_a_satisfied_deadline_has_no_reminder_to_come_and_an_officer_their_own_administration(
    ctx: Context, clock: FakeClock
) -> None:
    engine = ctx.engine
    officer = engine.actor("bif.sagsbehandler")  # BIF drafts a case TMF leads
    journal_no = open_test_case(engine)
    engine.fire(journal_no, "start_drafting", officer)
    shown = deadlines.explain_deadlines(ctx, officer, journal_no)
    (drafting,) = [d for d in shown.deadlines if d.label.rule_id == "drafting_time"]
    assert drafting.label.owner is not None
    assert drafting.label.owner["administration"] == "BIF"
    assert {r.status for r in drafting.reminders} == {ReminderStatus.TO_COME}
    sections = {f"sections.{key}": "Tekst." for key in ("problemstilling", "losning", "okonomi")}
    engine.edit(journal_no, {**sections, "recommendations": ["at drøfte."]}, officer)
    engine.fire(journal_no, "submit_for_approval", officer)
    shown = deadlines.explain_deadlines(ctx, officer, journal_no)
    (drafting,) = [d for d in shown.deadlines if d.label.rule_id == "drafting_time"]
    assert drafting.status == "satisfied"
    assert {r.status for r in drafting.reminders} == {ReminderStatus.CLOSED}
