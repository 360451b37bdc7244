"""The follow-up service: actions after a decision, with their deadlines.

Each function takes the context, the acting actor and a typed request; the work is
:mod:`caseflow.meetings.followup`'s (one transaction each, asking
:mod:`caseflow.policy`), and the result's ``to_json()`` is what ``--json`` prints.
An action on a case the actor may not see is answered as one that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from caseflow.calendar import COPENHAGEN
from caseflow.context import Context
from caseflow.domain import Actor
from caseflow.meetings import followup
from caseflow.meetings.vocabulary import FollowupStatus
from caseflow.services.paging import Page, PageRequest
from caseflow.store.followups import FollowupRecord


@dataclass(frozen=True)
class FollowupView:
    """One action as of ``now`` (whether it is overdue)."""

    record: FollowupRecord
    now: datetime

    @property
    def due_day(self) -> str:
        return self.record.due_at.astimezone(COPENHAGEN).date().isoformat()

    @property
    def overdue(self) -> bool:
        return self.record.status is FollowupStatus.OPEN and self.record.due_at < self.now

    def to_json(self) -> dict[str, Any]:
        return followup.followup_json(self.record, self.now)


@dataclass(frozen=True)
class AddFollowup:
    journal_no: str
    owner: str  # steering_group:CODE or administration:CODE
    due: str  # as politicians say it: "by end of 2009", "within 10 working days"
    text: str
    allow_past: bool = False  # a due date already past, on purpose ...
    past_reason: str | None = None  # ... and why (kept in the audit trail)


def add(ctx: Context, actor: Actor, request: AddFollowup) -> FollowupView:
    record = followup.add_followup(
        ctx.engine,
        request.journal_no,
        actor,
        owner=request.owner,
        due=request.due,
        text=request.text,
        allow_past=request.allow_past,
        past_reason=request.past_reason,
    )
    return FollowupView(record, ctx.engine.clock.now())


@dataclass(frozen=True)
class ListFollowups:
    overdue: bool = False
    include_finished: bool = False
    journal_no: str | None = None
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class FollowupList:
    page: Page[FollowupView]

    @property
    def items(self) -> list[FollowupView]:
        return list(self.page.items)

    def to_json(self) -> list[dict[str, Any]]:
        """The page's actions (the CLI's ``--json``; ``page_json`` adds the cursor)."""
        return [i.to_json() for i in self.page.items]

    def page_json(self) -> dict[str, Any]:
        return self.page.to_json(FollowupView.to_json)


def list_followups(ctx: Context, actor: Actor, request: ListFollowups) -> FollowupList:
    """The actions on the cases ``actor`` may see, soonest due first: a page, filtered and
    paged in SQL (cursor: the last action's id)."""
    found = followup.list_followups(
        ctx.engine,
        actor,
        overdue=request.overdue,
        include_finished=request.include_finished,
        journal_no=request.journal_no,
        limit=request.page.limit + 1,
        after=request.page.after(),
    )
    now = ctx.engine.clock.now()
    views = [FollowupView(r, now) for r in found]
    return FollowupList(Page.of(views, request.page, key=lambda v: v.record.id))


@dataclass(frozen=True)
class FinishFollowup:
    followup_id: int
    cancel: bool = False
    note: str | None = None


def finish(ctx: Context, actor: Actor, request: FinishFollowup) -> FollowupView:
    record = followup.finish_followup(
        ctx.engine,
        request.followup_id,
        actor,
        status=FollowupStatus.CANCELLED if request.cancel else FollowupStatus.DONE,
        note=request.note,
    )
    return FollowupView(record, ctx.engine.clock.now())
