"""The worker end to end: due deadlines become e-mails at a real SMTP server, once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from caseflow.calendar import COPENHAGEN_RULES
from caseflow.clock import FakeClock
from caseflow.deadlines.dispatcher import Dispatcher
from caseflow.deadlines.rules import Calendars
from caseflow.deadlines.worker import Worker
from caseflow.engine import Engine, NewCase
from caseflow.notifications.channels import SmtpChannel, SmtpSettings
from caseflow.notifications.message import Recipient
from caseflow.notifications.render import Renderer
from caseflow.notifications.sender import Sender
from caseflow.notifications.smtp_capture import SmtpCapture
from caseflow.settings import default_templates_dir
from caseflow.store import outbox
from caseflow.testing import copenhagen_time


@pytest.fixture
def capture() -> Iterator[SmtpCapture]:
    with SmtpCapture() as server:
        yield server


def make_worker(engine: Engine, capture: SmtpCapture) -> Worker:
    channel = SmtpChannel(SmtpSettings(host="127.0.0.1", port=capture.port))
    sender = Sender(
        engine,
        Renderer(default_templates_dir()),
        channel,
        Recipient("caseflow@kk.example", "caseflow"),
        owner="test",
    )
    return Worker(Dispatcher(engine, Calendars.for_rules(COPENHAGEN_RULES)), sender)


def open_request(engine: Engine, clock: FakeClock) -> str:
    clock.set(copenhagen_time("2009-04-08 10:00"))
    case = engine.open_case(
        NewCase(
            workflow_id="access-request", title="Aktindsigt i notat", lead_administration="BIF"
        ),
        engine.actor("bif.sagsbehandler"),
    )
    engine.fire(case.journal_no, "start_assessment", engine.actor("bif.sagsbehandler"))
    return case.journal_no


def test_a_reminder_reaches_the_case_officer_once(
    engine: Engine, clock: FakeClock, capture: SmtpCapture
) -> None:
    journal_no = open_request(engine, clock)
    worker = make_worker(engine, capture)
    clock.set(copenhagen_time("2009-04-20 09:00"))
    report = worker.run_once()
    assert report.deadlines.reminders == 1
    assert report.notifications.sent == 1
    (received,) = capture.wait_for(1)
    assert list(received.rcpt_tos) == ["sara.holm@bif.kk.example"]
    assert journal_no in str(received.message["Subject"])
    assert "Påmindelse" in str(received.message["Subject"])
    assert "reminder" in str(received.message["X-Caseflow-Key"])
    body = received.message.get_body(("plain",))
    assert body is not None
    assert "22. april 2009" in body.get_content()
    # Dated by the engine's clock, not the wall clock: 09:00 in Copenhagen is 07:00 UTC.
    assert received.message["Date"].datetime == copenhagen_time("2009-04-20 09:00")
    second = worker.run_once()
    assert (second.deadlines.applied, second.notifications.sent) == (0, 0)
    assert len(capture.messages) == 1


def test_expiry_notifies_and_escalates(
    engine: Engine, clock: FakeClock, capture: SmtpCapture
) -> None:
    open_request(engine, clock)
    worker = make_worker(engine, capture)
    clock.set(copenhagen_time("2009-04-23 09:00"))
    report = worker.run_once()
    assert report.deadlines.expired == 1
    received = capture.wait_for(2)
    assert sorted(r.rcpt_tos[0] for r in received) == [
        "peter.lund@bif.kk.example",  # the approver: escalation
        "sara.holm@bif.kk.example",  # the case officer: expired
    ]
    assert worker.run_once().notifications.sent == 0


def test_a_temporary_smtp_failure_is_retried_and_delivered_once(
    engine: Engine, clock: FakeClock, capture: SmtpCapture
) -> None:
    open_request(engine, clock)
    worker = make_worker(engine, capture)
    clock.set(copenhagen_time("2009-04-20 09:00"))
    capture.fail_next(451)
    report = worker.run_once()
    assert report.notifications.retried == 1
    with engine.transaction() as conn:
        (pending,) = outbox.search(conn, statuses=["pending"])
    assert pending.attempts == 1
    assert "451" in (pending.last_error or "")
    assert worker.run_once().notifications.sent == 0  # not before its backoff
    clock.set(copenhagen_time("2009-04-20 10:00"))
    assert worker.run_once().notifications.sent == 1
    assert len(capture.wait_for(1)) == 1
