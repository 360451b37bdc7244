"""Delivering the outbox: claim pending rows, render, send, record the outcome.

A row is marked sent only after its channel accepted it; a temporary failure
is retried with backoff, a permanent one (or too many tries) marks the row
failed, visible in ``caseflow notifications list --failed`` and put back with
``caseflow notifications retry``. The idempotency key goes into the message
(Message-ID), so a message resent after a crash between sending and marking
can be recognised as the same one.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from caseflow.calendar import COPENHAGEN
from caseflow.engine import Engine
from caseflow.errors import CaseflowError
from caseflow.leases import LeaseKeeper
from caseflow.notifications.channels import Channel, DeliveryError, backoff
from caseflow.notifications.message import OutgoingMessage, Recipient
from caseflow.notifications.render import Language, Renderer
from caseflow.store import outbox

MAX_ATTEMPTS = 8


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    lines: list[str] = field(default_factory=list)


class Sender:
    """Sends what the outbox holds through one channel."""

    def __init__(
        self,
        engine: Engine,
        renderer: Renderer,
        channel: Channel,
        sender: Recipient,
        *,
        owner: str,
        batch_size: int = 100,
        lease: timedelta = timedelta(minutes=5),
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.engine = engine
        self.renderer = renderer
        self.channel = channel
        self.sender = sender
        self.owner = owner
        self.batch_size = batch_size
        self.lease = lease
        self.max_attempts = max_attempts

    def run_once(self) -> SendReport:
        report = SendReport()
        while True:
            now = self.engine.clock.now()
            with self.engine.transaction() as conn:
                records = outbox.claim(
                    conn,
                    now=now,
                    owner=self.owner,
                    lease_until=now + self.lease,
                    limit=self.batch_size,
                )
            if not records:
                self._say_why_held(now, report)
                return report
            self._deliver_batch(records, now, report)

    def _say_why_held(self, now: datetime, report: SendReport) -> None:
        """Notifications due now that another worker holds: say so, rather than "0 sent"
        (a worker stopped without releasing them; their lease ends by itself)."""
        with self.engine.transaction() as conn:
            held = outbox.held_by_others(conn, now=now, owner=self.owner)
        for holder, count, until in held:
            report.lines.append(
                f"{count} notification(s) due but held by {holder} until "
                f"{until.astimezone(COPENHAGEN):%Y-%m-%d %H:%M} (Copenhagen time); "
                "they are sent when that lease ends"
            )

    def _deliver_batch(
        self, records: list[outbox.OutboxRecord], claimed_at: datetime, report: SendReport
    ) -> None:
        # A slow server must not cost us the rest of the batch to another worker.
        remaining = [r.id for r in records]
        keeper = LeaseKeeper(
            self.engine.clock,
            self.lease,
            lambda until: self._extend(remaining, until),
            claimed_at=claimed_at,
        )
        current: list[int] = []
        try:
            for record in records:
                keeper.keep()
                remaining.remove(record.id)
                current = [record.id]
                self._deliver(record, report)
                current = []
        except BaseException:
            # Ctrl-C (or a crash) mid-batch, an SMTP connect perhaps: free what is not
            # sent, so that the next run sends it now rather than after the lease.
            with contextlib.suppress(Exception):  # the interruption is what to report
                self._extend([*current, *remaining], self.engine.clock.now())
            raise

    def _extend(self, ids: list[int], until: datetime) -> None:
        with self.engine.transaction() as conn:
            outbox.extend_leases(conn, ids, owner=self.owner, lease_until=until)

    def _deliver(self, record: outbox.OutboxRecord, report: SendReport) -> None:
        now = self.engine.clock.now()
        try:
            language: Language = "en" if record.language == "en" else "da"
            rendered = self.renderer.render(record.template, language, revive(record.context))
            message = OutgoingMessage(
                key=record.key,
                recipients=tuple(
                    Recipient(str(r["address"]), r.get("name")) for r in record.recipients
                ),
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                sender=self.sender,
                sent_at=now,
            )
            self.channel.send(message)
        except DeliveryError as exc:
            with self.engine.transaction() as conn:
                if exc.retryable and record.attempts + 1 < self.max_attempts:
                    delay = timedelta(seconds=backoff(record.attempts + 1, key=record.key))
                    outbox.mark_retry(conn, record.id, str(exc), now + delay)
                    report.retried += 1
                    report.lines.append(f"{record.key}: {exc}; retry in {delay}")
                else:
                    outbox.mark_failed(conn, record.id, str(exc))
                    report.failed += 1
                    report.lines.append(f"{record.key}: failed: {exc}")
            return
        except CaseflowError as exc:  # a template problem: needs a person, not a retry
            with self.engine.transaction() as conn:
                outbox.mark_failed(conn, record.id, str(exc))
            report.failed += 1
            report.lines.append(f"{record.key}: failed: {exc}")
            return
        with self.engine.transaction() as conn:
            outbox.mark_sent(conn, record.id, now)
        report.sent += 1
        report.lines.append(f"{record.key}: sent to {len(record.recipients)} recipient(s)")


_MOMENTS = ("_at",)
_DAYS = ("_on", "first_day", "last_day")


def revive(value: Any, key: str = "") -> Any:
    """Turn the ISO texts the outbox stored back into the dates the templates format."""
    if isinstance(value, dict):
        return {k: revive(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [revive(v, key) for v in value]
    if isinstance(value, str) and (key == "at" or key.endswith(_MOMENTS)):
        return datetime.fromisoformat(value)
    if isinstance(value, str) and key.endswith(_DAYS):
        return date.fromisoformat(value)
    return value
