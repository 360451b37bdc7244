"""The notification outbox as its operators see it: a paged list, retrying what failed,
and queueing the secretariats' deadline digest.

Each is for an operator (:func:`caseflow.policy.require_operator`: an administrator
or a secretariat), and each within the cases that operator may see
(:func:`caseflow.policy.read_scope`, filtered in the database); rows of no case,
such as a digest, only for one who sees every case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from caseflow.context import Context
from caseflow.domain import Actor
from caseflow.errors import ErrorCode, NotFound
from caseflow.limits import check_range
from caseflow.meetings.report import shown_title
from caseflow.notifications import digest
from caseflow.notifications.digest import DEFAULT_DAYS, enqueue_digests
from caseflow.notifications.vocabulary import OutboxStatus
from caseflow.policy import digest_committees, read_scope, require_operator
from caseflow.services.paging import Page, PageRequest
from caseflow.store import outbox
from caseflow.store.db import read_transaction


@dataclass(frozen=True)
class NotificationQuery:
    failed: bool = False
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class Notification:
    """One outbox row as an operator sees it (its rendering context stays inside)."""

    id: int
    key: str
    template: str
    to: tuple[str, ...]
    status: OutboxStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def of(cls, record: outbox.OutboxRecord) -> Notification:
        return cls(
            id=record.id,
            key=record.key,
            template=record.template,
            to=tuple(str(r["address"]) for r in record.recipients),
            status=record.status,
            attempts=record.attempts,
            last_error=record.last_error,
            created_at=record.created_at,
            sent_at=record.sent_at,
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "template": self.template,
            "to": list(self.to),
            "status": self.status.value,
            "attempts": self.attempts,
            "last_error": self.last_error,
            "created_at": self.created_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
        }


def list_notifications(ctx: Context, actor: Actor, query: NotificationQuery) -> Page[Notification]:
    """Outbox rows of the cases ``actor`` may see, newest first, a page."""
    require_operator(actor, "look into the outbox")
    with read_transaction(ctx.engine.db) as conn:
        records = outbox.search_page(
            conn,
            read_scope(actor),
            limit=query.page.limit + 1,
            after=query.page.after(),
            statuses=[OutboxStatus.FAILED] if query.failed else [],
        )
    return Page.of([Notification.of(r) for r in records], query.page, key=lambda n: n.id)


@dataclass(frozen=True)
class RetryRequest:
    """Which failed notifications to queue again: those of ``keys``, or (empty) all."""

    keys: Sequence[str] = ()


@dataclass(frozen=True)
class Retried:
    queued: int
    not_failed: tuple[str, ...] = ()  # keys given that are there but did not fail

    def to_json(self) -> dict[str, Any]:
        return {"queued": self.queued, "not_failed": list(self.not_failed)}


def retry_notifications(ctx: Context, actor: Actor, request: RetryRequest) -> Retried:
    """Put failed notifications back in the queue for the worker.

    A key that does not exist, or is of a case ``actor`` may not see, is refused with
    the same "unknown" (and nothing is queued); one that did not fail is named.
    """
    require_operator(actor, "retry notifications")
    scope = read_scope(actor)
    engine = ctx.engine
    with engine.transaction() as conn:
        keys = list(dict.fromkeys(request.keys))
        if keys:
            statuses = outbox.statuses_of(conn, scope, keys)
            unknown = [key for key in keys if key not in statuses]
            if unknown:
                raise NotFound(
                    f"no notification {', '.join(unknown)} (or not one you may see)",
                    code=ErrorCode.UNKNOWN_NOTIFICATION,
                    keys=unknown,
                )
            not_failed = tuple(key for key in keys if statuses[key] is not OutboxStatus.FAILED)
            queued = outbox.retry_visible(conn, engine.clock.now(), scope, keys=keys)
            return Retried(queued, not_failed)
        return Retried(outbox.retry_visible(conn, engine.clock.now(), scope))


# A digest looks ahead this many working days at most (about a year).
MAX_DIGEST_DAYS = 260


@dataclass(frozen=True)
class DigestRequest:
    """Queue the digest of the deadlines due within ``days`` working days, for each of
    ``committees`` (empty: every committee the actor may queue it for)."""

    days: int = DEFAULT_DAYS
    committees: Sequence[str] = ()


@dataclass(frozen=True)
class DigestsQueued:
    keys: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"queued": list(self.keys)}


def queue_digests(ctx: Context, actor: Actor, request: DigestRequest) -> DigestsQueued:
    """Queue today's deadline digest for each committee secretariat (the worker sends it):
    an operator's act (:func:`caseflow.policy.digest_committees`)."""
    check_range("days", request.days, 0, MAX_DIGEST_DAYS)
    committees = digest_committees(actor, list(request.committees) or None)
    if committees == []:
        return DigestsQueued(())
    keys = enqueue_digests(
        ctx.engine,
        ctx.calendars,
        days=request.days,
        committees=committees,
        language=ctx.language,
    )
    return DigestsQueued(tuple(keys))


@dataclass(frozen=True)
class DigestPreviewRequest:
    """Today's digests for ``committees`` (empty: every one the actor may queue), in
    ``language`` (None: the municipality's)."""

    days: int = DEFAULT_DAYS
    committees: Sequence[str] = ()
    language: str | None = None


@dataclass(frozen=True)
class DigestPreview:
    """Each committee's digest as the worker would mail it today (nothing is queued)."""

    digests: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {"digests": self.digests}


def preview_digests(ctx: Context, actor: Actor, request: DigestPreviewRequest) -> DigestPreview:
    """What today's deadline digest says, per committee, for the same operators who may
    queue it (:func:`caseflow.policy.digest_committees`); a closed item's title is
    withheld from a reader outside the committee where it was closed."""
    check_range("days", request.days, 0, MAX_DIGEST_DAYS)
    committees = digest_committees(actor, list(request.committees) or None)
    if committees == []:
        return DigestPreview([])
    found = digest.preview_digests(
        ctx.engine,
        ctx.calendars,
        days=request.days,
        committees=committees,
        language=request.language or ctx.language,
        title=lambda conn, case: shown_title(conn, actor, case),
    )
    return DigestPreview(found)
