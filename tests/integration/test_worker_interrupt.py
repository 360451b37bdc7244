"""Ctrl-C in the middle of sending frees the claim; a held row is explained, not hidden."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest

from caseflow.clock import FakeClock
from caseflow.deadlines.worker import configure_logging
from caseflow.engine import Engine
from caseflow.notifications.message import OutgoingMessage, Recipient
from caseflow.notifications.sender import Sender
from caseflow.store import outbox
from caseflow.testing import copenhagen_time


class Interrupted:
    """A channel whose server connect is cut short by Ctrl-C."""

    name = "smtp"

    def send(self, message: OutgoingMessage) -> None:
        raise KeyboardInterrupt


class Kept:
    name = "smtp"

    def __init__(self) -> None:
        self.sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> None:
        self.sent.append(message)


class Plain:
    """Every template renders as one line (the templates are not what is tested)."""

    def render(self, template: str, language: str, context: object) -> SimpleNamespace:
        return SimpleNamespace(subject="Emne", text="Tekst", html=None)


def sender(engine: Engine, channel: object, owner: str) -> Sender:
    return Sender(
        engine,
        Plain(),  # type: ignore[arg-type]
        channel,  # type: ignore[arg-type]
        Recipient("caseflow@kk.example", "caseflow"),
        owner=owner,
        lease=timedelta(minutes=5),
    )


def pending(engine: Engine, clock: FakeClock) -> None:
    """One notification due now."""
    clock.set(copenhagen_time("2009-04-08 10:00"))
    with engine.transaction() as conn:
        outbox.enqueue(
            conn,
            key="test:1",
            case_id=None,
            template="expired",
            language="da",
            recipients=[{"address": "someone@example.dk", "name": None}],
            context={},
            now=clock.now(),
        )


def test_ctrl_c_while_sending_frees_the_claim(engine: Engine, clock: FakeClock) -> None:
    pending(engine, clock)
    with pytest.raises(KeyboardInterrupt):
        sender(engine, Interrupted(), "worker-a").run_once()
    clock.advance(timedelta(seconds=1))
    kept = Kept()
    report = sender(engine, kept, "worker-b").run_once()
    assert report.sent >= 1  # at once, not after worker-a's five-minute lease
    assert kept.sent


def test_a_row_held_by_another_worker_is_explained(engine: Engine, clock: FakeClock) -> None:
    pending(engine, clock)
    now = clock.now()
    with engine.transaction() as conn:
        claimed = outbox.claim(
            conn, now=now, owner="worker-a", lease_until=now + timedelta(minutes=5), limit=100
        )
    assert claimed
    report = sender(engine, Kept(), "worker-b").run_once()
    assert report.sent == 0
    assert any("held by worker-a until 2009-04-08 10:05" in line for line in report.lines)


def test_the_worker_logs_its_own_lines_in_copenhagen_time(
    capsys: pytest.CaptureFixture[str],
) -> None:
    saved = logging.getLogger().handlers[:], logging.getLogger().level
    try:
        configure_logging()
        logging.getLogger("apscheduler.executors.default").info("Running job poll")
        logging.getLogger("caseflow.worker").info("1 reminder sent")
        printed = capsys.readouterr().err
    finally:
        logging.getLogger().handlers[:], level = saved
        logging.getLogger().setLevel(level)
        logging.getLogger("apscheduler").setLevel(logging.NOTSET)
    assert "Running job" not in printed
    assert "1 reminder sent" in printed
    assert "CET" in printed or "CEST" in printed
