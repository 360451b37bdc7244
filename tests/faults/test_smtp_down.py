"""The mail server is down for a while: the outbox retries with backoff and delivers
every notification once after the server is back.

In-process with a fake clock (the backoff runs from 30 seconds up): real
dispatcher, real sender, real SMTP channel, a real server on 127.0.0.1 that is
stopped (connections refused) and started again on the same port.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from caseflow.calendar import COPENHAGEN_RULES
from caseflow.clock import FakeClock
from caseflow.deadlines.dispatcher import Dispatcher
from caseflow.deadlines.rules import Calendars
from caseflow.engine import Engine
from caseflow.notifications.channels import SmtpChannel, SmtpSettings
from caseflow.notifications.message import Recipient
from caseflow.notifications.render import Renderer
from caseflow.notifications.sender import Sender
from caseflow.notifications.smtp_capture import SmtpCapture
from caseflow.notifications.vocabulary import OutboxStatus
from caseflow.settings import default_templates_dir
from caseflow.store import outbox
from caseflow.testing import copenhagen_time, open_access_request

CASES = 15
STEP = timedelta(seconds=10)
DOWN_FOR = timedelta(minutes=6)
BASE = 30.0  # seconds: the backoff's first delay (channels.backoff)


def pending(engine: Engine) -> dict[str, outbox.OutboxRecord]:
    with engine.transaction() as conn:
        return {
            r.key: r for r in outbox.search(conn, statuses=[OutboxStatus.PENDING], limit=10_000)
        }


def test_mail_server_down_then_back_delivers_each_notification_once(
    engine: Engine, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-04-08 10:00"))
    for _ in range(CASES):
        open_access_request(engine)
    clock.set(copenhagen_time("2009-04-28 10:00"))  # every deadline has passed
    report = Dispatcher(engine, Calendars.for_rules(COPENHAGEN_RULES)).run_once()
    assert report.expired == CASES
    expected = set(pending(engine))
    assert len(expected) == 2 * CASES  # the case officer and the approver, per case

    capture = SmtpCapture().start()
    capture.stop()  # down: connections to its port are refused
    channel = SmtpChannel(SmtpSettings(host="127.0.0.1", port=capture.port, timeout=5))
    sender = Sender(
        engine,
        Renderer(default_templates_dir()),
        channel,
        Recipient("caseflow@kk.example", "caseflow"),
        owner="test",
    )
    tries: Counter[str] = Counter()
    last_try: dict[str, datetime] = {}
    try:
        down_until = clock.now() + DOWN_FOR
        while clock.now() < down_until:
            before = pending(engine)
            now = clock.now()
            result = sender.run_once()
            assert result.sent == 0
            assert result.failed == 0
            after = pending(engine)
            for key, record in after.items():
                if record.attempts == before[key].attempts:
                    assert record.next_attempt_at > now or key not in last_try
                    continue
                # Tried now, and only when its time had come; the next wait doubles.
                assert before[key].next_attempt_at <= now
                tries[key] += 1
                last_try[key] = now
                wait = (record.next_attempt_at - now).total_seconds()
                full = BASE * 2 ** (record.attempts - 1)
                assert full / 2 <= wait <= full, (key, record.attempts, wait)
            clock.advance(STEP)
        assert set(tries) == expected
        assert min(tries.values()) >= 3, tries  # 30 s, 1 min, 2 min ... within 6 minutes
        assert max(tries.values()) <= 5, tries

        capture.start()  # back, on the same port
        for _ in range(200):
            sender.run_once()
            if not pending(engine):
                break
            clock.advance(STEP)
        received = capture.wait_for(len(expected))
    finally:
        capture.stop()

    keys = Counter(str(m.message["X-Caseflow-Key"]) for m in received)
    assert set(keys) == expected
    assert all(count == 1 for count in keys.values()), keys.most_common(3)
    assert len(capture.messages) == len(expected)
    with engine.transaction() as conn:
        rows = outbox.search(conn, limit=10_000)
    assert {r.status for r in rows} == {OutboxStatus.SENT}
    assert all(r.attempts == tries[r.key] + 1 for r in rows)  # the failed tries, then one send
    assert all(r.last_error is None and r.sent_at is not None for r in rows)
