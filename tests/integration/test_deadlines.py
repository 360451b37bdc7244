"""Deadlines written with transitions, and applied by the dispatcher exactly once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Connection

from caseflow.calendar import COPENHAGEN, COPENHAGEN_RULES
from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.deadlines.dispatcher import Dispatcher
from caseflow.deadlines.rules import Calendars
from caseflow.engine import CaseEvent, Engine, NewCase
from caseflow.settings import Settings
from caseflow.store import deadlines as rows
from caseflow.store import outbox
from caseflow.testing import copenhagen_time, open_test_case

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
RECEIVED = "2009-04-08 10:00"  # the Wednesday before Easter 2009


class Boom(Exception):
    pass


def open_request(engine: Engine) -> str:
    case = engine.open_case(
        NewCase(
            workflow_id="access-request",
            title="Aktindsigt i notat om helhedsplaner",
            lead_administration="BIF",
            fields={"requester_email": "borger@example.dk"},
        ),
        engine.actor("bif.sagsbehandler"),
    )
    return case.journal_no


def live(engine: Engine, journal_no: str) -> list[rows.DeadlineRecord]:
    with engine.transaction() as conn:
        return rows.live_for_case(conn, engine.get_case(journal_no).id)


def all_deadlines(engine: Engine, journal_no: str) -> list[rows.DeadlineRecord]:
    with engine.transaction() as conn:
        return rows.for_case(conn, engine.get_case(journal_no).id)


def dispatcher(engine: Engine) -> Dispatcher:
    return Dispatcher(engine, Calendars.for_rules(COPENHAGEN_RULES), owner="test-worker")


@pytest.fixture
def request_case(engine: Engine, clock: FakeClock) -> str:
    clock.set(copenhagen_time(RECEIVED))
    return open_request(engine)


def test_opening_creates_the_seven_working_day_deadline(engine: Engine, request_case: str) -> None:
    (deadline,) = live(engine, request_case)
    assert deadline.rule_id == "answer_in_time"
    # Easter 2009: 9, 10 and 13 April are holidays; 7 working days after 8 April end on 22 April.
    assert deadline.due_at.astimezone(COPENHAGEN).date().isoformat() == "2009-04-22"
    assert deadline.generation == 1
    with engine.db.connect() as conn:
        (explanation,) = rows.explanations(conn, [deadline.id]).values()
    assert any("Offentlighedsloven" in line for line in explanation)


def test_answering_satisfies_and_withdrawing_cancels(engine: Engine, request_case: str) -> None:
    officer = engine.actor("bif.sagsbehandler")
    engine.fire(request_case, "start_assessment", officer)
    engine.fire(request_case, "grant", officer)
    assert [d.status for d in all_deadlines(engine, request_case)] == ["satisfied"]
    other = open_request(engine)
    engine.fire(other, "withdraw", officer, comment="Anmodningen er trukket tilbage")
    assert [d.status for d in all_deadlines(engine, other)] == ["cancelled"]


def test_a_failing_fire_leaves_the_deadline_untouched(engine: Engine, request_case: str) -> None:
    officer = engine.actor("bif.sagsbehandler")
    engine.fire(request_case, "start_assessment", officer)

    def failing(conn: Connection, event: CaseEvent) -> None:
        raise Boom

    engine.hooks.append(failing)
    with pytest.raises(Boom):
        engine.fire(request_case, "grant", officer)
    engine.hooks.remove(failing)
    assert [d.status for d in all_deadlines(engine, request_case)] == ["open"]


def test_suspension_pauses_and_resuming_keeps_the_remaining_days(
    engine: Engine, clock: FakeClock, request_case: str
) -> None:
    officer = engine.actor("bif.sagsbehandler")
    engine.fire(request_case, "start_assessment", officer)
    clock.set(copenhagen_time("2009-04-16 12:00"))  # 3 of 7 working days used (14, 15, 16)
    engine.fire(request_case, "suspend", officer, comment="Præcisér venligst anmodningen")
    # (requester_silent starts too: the timeout when the requester never answers.)
    (paused,) = [d for d in live(engine, request_case) if d.rule_id == "answer_in_time"]
    assert paused.status == "paused"
    assert paused.remaining_working_days == 4
    clock.set(copenhagen_time("2009-04-27 09:00"))  # a Monday
    engine.fire(request_case, "resume", officer)
    (resumed,) = live(
        engine, request_case
    )  # requester_silent is met by the resumption  # requester_silent is met by the resumption
    assert resumed.status == "open"
    # 4 working days after Monday 27 April: 28, 29, 30 April and 1 May.
    assert resumed.due_at.astimezone(COPENHAGEN).date().isoformat() == "2009-05-01"
    with engine.db.connect() as conn:
        (explanation,) = rows.explanations(conn, [resumed.id]).values()
    assert "with 4 working days left" in "\n".join(explanation)  # the resumed story


def test_reminders_and_expiry_are_applied_once(
    engine: Engine, clock: FakeClock, request_case: str
) -> None:
    engine.fire(request_case, "start_assessment", engine.actor("bif.sagsbehandler"))
    worker = dispatcher(engine)
    assert worker.run_once().applied == 0  # nothing due yet
    clock.set(copenhagen_time("2009-04-20 09:00"))  # past the first reminder (2 days before)
    report = worker.run_once()
    assert report.reminders == 1
    assert worker.run_once().applied == 0  # not twice
    clock.set(copenhagen_time("2009-04-24 10:00"))  # past the due date and the 2nd reminder
    report = worker.run_once()
    assert (report.reminders, report.expired) == (0, 1)
    assert "late by 1 d" in " ".join(report.lines)
    assert worker.run_once().applied == 0
    (deadline,) = all_deadlines(engine, request_case)
    assert deadline.status == "expired"
    case = engine.get_case(request_case)
    assert case.fields["overdue"] is True
    kinds = [(e.kind, e.comment or "") for e in engine.history(request_case)]
    assert sum(1 for kind, comment in kinds if kind == "deadline" and "reminder" in comment) == 1
    with engine.transaction() as conn:
        keys = sorted(r.key for r in outbox.search(conn))
    assert f"deadline:{deadline.id}:reminder:1:sara.holm@bif.kk.example" in keys
    assert len(keys) == len(set(keys))


def submit_for_approval(engine: Engine, journal_no: str) -> None:
    """Fill in what approval needs, and submit the case (drafted by Sara Holm)."""
    officer = engine.actor("bif.sagsbehandler")
    engine.edit(
        journal_no,
        {
            "sections": {"problemstilling": "P", "losning": "L", "okonomi": "Ø"},
            "recommendations": ["at udvalget drøfter sagen."],
        },
        officer,
    )
    engine.fire(journal_no, "submit_for_approval", officer)


def test_a_stale_deadline_never_fires(engine: Engine, clock: FakeClock) -> None:
    """A drafting deadline from an earlier visit to the state is closed, not applied."""
    clock.set(copenhagen_time("2009-05-18 10:00"))
    journal_no = open_test_case(engine)
    engine.fire(journal_no, "start_drafting", engine.actor("bif.sagsbehandler"))
    first = next(d for d in live(engine, journal_no) if d.rule_id.startswith("draft"))
    # Simulate a row a transition failed to end: put it back to open after leaving drafting.
    submit_for_approval(engine, journal_no)
    with engine.transaction() as conn:
        conn.execute(
            rows.deadlines.update()
            .where(rows.deadlines.c.id == first.id)
            .values(status="open", next_action_at=datetime(2009, 5, 1, tzinfo=UTC))
        )
    report = dispatcher(engine).run_once()
    assert report.stale == 1
    assert report.expired == 0
    with engine.transaction() as conn:
        assert rows.get(conn, first.id).status == "stale"


def test_catch_up_after_downtime_says_how_late(
    engine: Engine, clock: FakeClock, request_case: str, tmp_path: Path
) -> None:
    clock.set(copenhagen_time("2009-06-01 10:00"))  # the worker was down for weeks
    report = dispatcher(engine).run_once()
    assert report.expired == 1
    assert report.reminders == 0  # missed reminders are not sent after the deadline
    line = next(line for line in report.lines if "passed" in line)
    assert "late by" in line
    assert clock.now() - copenhagen_time("2009-04-22 23:59") > timedelta(days=30)


def test_the_engine_counts_in_the_configured_calendar(
    engine: Engine, clock: FakeClock, database_url: str, tmp_path: Path
) -> None:
    """A municipality's calendar file (the ``calendar`` setting) moves the engine's due dates."""
    calendar = tmp_path / "calendar.yaml"
    calendar.write_text("name: aarhus\nbase: danish\nextra_days_off: [2009-12-28, 2009-12-29]\n")
    settings = Settings(database_url, WORKFLOWS, calendar=str(calendar))
    configured = Context.from_settings(settings, clock).engine
    clock.set(copenhagen_time("2009-12-21 10:00"))
    copenhagen_no, aarhus_no = open_request(engine), open_request(configured)
    due = {
        no: live(engine, no)[0].due_at.astimezone(COPENHAGEN).date().isoformat()
        for no in (copenhagen_no, aarhus_no)
    }
    # Copenhagen works 22-24 and 28-31 Dec; the file closes 24, 28, 29 and 31 Dec.
    assert due == {copenhagen_no: "2009-12-31", aarhus_no: "2010-01-07"}
    configured.close()


def test_a_reminder_names_who_holds_the_owning_role_not_the_case_officer(
    engine: Engine, clock: FakeClock
) -> None:
    """The office head's step of the approval chain is TMF's office head's: its reminder
    to Poul Ravn names him."""
    clock.set(copenhagen_time("2009-05-18 10:00"))
    journal_no = open_test_case(engine)
    engine.fire(journal_no, "start_drafting", engine.actor("bif.sagsbehandler"))
    submit_for_approval(engine, journal_no)
    # Due in 3 working days (19, 20 and 22 May: 21 May is Ascension Day); the reminder
    # 1 working day before.
    clock.set(copenhagen_time("2009-05-20 09:00"))
    dispatcher(engine).run_once()
    with engine.transaction() as conn:
        (reminder,) = [r for r in outbox.search(conn) if r.template == "reminder"]
    assert reminder.recipients[0]["address"] == "poul.ravn@tmf.kk.example"
    assert reminder.context["deadline"]["title"] == "Kontorchefens godkendelse"
    assert reminder.context["owner"] == {
        "name": "Poul Ravn",
        "role_title": "Kontorchef",
        "administration": "TMF",
    }
