"""The meeting page and its agenda builder: add ready cases (public or closed, a late item
with its reason), move items up and down, withdraw one, make a closed one public, publish.

Each action posts one form, calls one service of :mod:`caseflow.services.agenda` and
sends the reader back to the meeting page; a refusal is shown on that page, next to
the field it concerns (the form keeps what was typed). Who sees what is the service's
:func:`~caseflow.services.agenda.board`: the full agenda for the committee's insiders,
the published public one for everyone else.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from caseflow.context import Context
from caseflow.errors import CaseflowError, ErrorCode
from caseflow.services import agenda as agenda_service
from caseflow.services import attendance as attendance_service
from caseflow.services.accounts import WebSession
from caseflow.services.paging import PageRequest
from caseflow.web.deps import Ctx, Post, RowId, Say, Session
from caseflow.web.i18n import Words
from caseflow.web.labels import WorkflowLabels
from caseflow.web.problems import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)

QUEUE_PAGE = 25

# Messages a redirect may ask the meeting pages to show (by key: never text from the request).
FLASHES = (
    "item_added",
    "item_added_closed",
    "item_moved",
    "item_withdrawn",
    "item_opened",
    "agenda_published",
    "meeting_created",
    "item_decided",
    "minutes_approved",
    "attendance_recorded",
)

# The field of a form that a service error concerns, by the error's code.
FIELD_OF: dict[ErrorCode, str] = {
    ErrorCode.LATE_REASON_REQUIRED: "late_reason",
    ErrorCode.NOTE_REQUIRED: "note",
    ErrorCode.REASON_REQUIRED: "reason",
    ErrorCode.TEXT_REQUIRED: "text",
    ErrorCode.REFERRAL_TARGET_REQUIRED: "to",
    ErrorCode.NO_RECEIVER_FOR_POSTPONEMENT: "to",
}


@dataclass(frozen=True)
class Failed:
    """A form that came back refused: which form, which of its fields (None: the form as a
    whole), the message in the reader's language, and what was typed."""

    form: str
    field: str | None
    message: str
    values: dict[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, form: str, error: CaseflowError, words: Words, values: dict[str, str]) -> Failed:
        return cls(form, FIELD_OF.get(error.code), words.error(error), values)


def local(iso: str | None) -> datetime | None:
    """An ISO time from a service's JSON, for ``t.datetime``."""
    return datetime.fromisoformat(iso) if iso else None


def meeting_page(
    request: Request,
    ctx: Context,
    words: Words,
    session: WebSession,
    meeting_id: RowId,
    *,
    template: str = "meeting.html",
    after: str | None = None,
    error: CaseflowError | None = None,
    failed: Failed | None = None,
    flash: str | None = None,
) -> Response:
    """The meeting page (or meeting mode), with a refused form's error where it belongs."""
    shown = agenda_service.board(
        ctx,
        session.actor,
        agenda_service.Board(meeting_id, PageRequest(QUEUE_PAGE, after or None)),
    )
    items: list[dict[str, Any]] = list((shown.agenda or {}).get("items", []))
    on_agenda = [i for i in items if i.get("status") != "removed"]
    return render(
        request,
        template,
        words,
        session,
        status=status_of(error) if error else 200,
        board=shown,
        meeting=shown.meeting,
        committee=shown.committee,
        items=on_agenda,
        taken_off=[i for i in items if i.get("status") == "removed"],
        published=(shown.agenda or {}).get("published_version"),
        movable=shown.may_build
        and shown.meeting.status == "planned"
        and all(i.get("status", "scheduled") == "scheduled" for i in on_agenda),
        versions=list(reversed(shown.versions)),
        queue=shown.queue.items,
        queue_next=shown.queue.next_cursor,
        queue_after=after,
        state_titles=dict(WorkflowLabels(ctx.engine.registry, words.language).states()),
        failed=failed,
        flash=flash,
        local=local,
        attendance=attendance_service.attendance(ctx, session.actor, meeting_id),
    )


def _back(meeting_id: RowId, flash: str) -> Response:
    return RedirectResponse(f"/meetings/{meeting_id}?flash={flash}", status_code=303)


@router.get("/meetings/{meeting_id}")
def meeting(
    request: Request,
    ctx: Ctx,
    words: Say,
    session: Session,
    meeting_id: RowId,
    after: str | None = None,
    flash: str | None = None,
) -> Response:
    shown = words(flash) if flash in FLASHES else None
    return meeting_page(request, ctx, words, session, meeting_id, after=after, flash=shown)


@router.post("/meetings/{meeting_id}/items")
def add_item(request: Request, ctx: Ctx, words: Say, post: Post, meeting_id: RowId) -> Response:
    journal_no = post.text("journal_no").strip()
    form = f"add-{journal_no}" if post.text("from_queue") else "add-other"
    try:
        added = agenda_service.add_item(
            ctx,
            post.actor,
            agenda_service.AddItem(
                meeting_id,
                journal_no,
                closed=post.text("access") == "closed",
                late_reason=post.optional("late_reason"),
                note=post.optional("note"),
            ),
        )
    except CaseflowError as error:
        failed = Failed.of(form, error, words, post.form)
        if failed.field is None and form == "add-other":
            failed = Failed(form, "journal_no", failed.message, post.form)
        return meeting_page(
            request, ctx, words, post.session, meeting_id, error=error, failed=failed
        )
    return _back(meeting_id, "item_added_closed" if added.inherited_closed else "item_added")


@router.post("/meetings/{meeting_id}/items/{item_no}/move")
def move_item(
    request: Request, ctx: Ctx, words: Say, post: Post, meeting_id: RowId, item_no: RowId
) -> Response:
    position = item_no - 1 if post.text("direction") == "up" else item_no + 1
    try:
        agenda_service.move_item(
            ctx,
            post.actor,
            agenda_service.MoveItem(meeting_id, item_no, position, note=post.optional("note")),
        )
    except CaseflowError as error:
        failed = Failed.of(f"move-{item_no}", error, words, post.form)
        return meeting_page(
            request, ctx, words, post.session, meeting_id, error=error, failed=failed
        )
    return _back(meeting_id, "item_moved")


@router.post("/meetings/{meeting_id}/withdraw")
def withdraw_item(
    request: Request, ctx: Ctx, words: Say, post: Post, meeting_id: RowId
) -> Response:
    journal_no = post.text("journal_no")
    try:
        agenda_service.withdraw_item(
            ctx,
            post.actor,
            agenda_service.WithdrawItem(meeting_id, journal_no, post.optional("reason")),
        )
    except CaseflowError as error:
        failed = Failed.of(f"withdraw-{journal_no}", error, words, post.form)
        return meeting_page(
            request, ctx, words, post.session, meeting_id, error=error, failed=failed
        )
    return _back(meeting_id, "item_withdrawn")


@router.post("/meetings/{meeting_id}/open")
def open_item(request: Request, ctx: Ctx, words: Say, post: Post, meeting_id: RowId) -> Response:
    journal_no = post.text("journal_no")
    try:
        agenda_service.open_item(
            ctx,
            post.actor,
            agenda_service.OpenItem(
                meeting_id, journal_no, post.optional("reason"), note=post.optional("note")
            ),
        )
    except CaseflowError as error:
        failed = Failed.of(f"open-{journal_no}", error, words, post.form)
        return meeting_page(
            request, ctx, words, post.session, meeting_id, error=error, failed=failed
        )
    return _back(meeting_id, "item_opened")


@router.post("/meetings/{meeting_id}/publish")
def publish(request: Request, ctx: Ctx, words: Say, post: Post, meeting_id: RowId) -> Response:
    try:
        agenda_service.publish(
            ctx, post.actor, agenda_service.Publish(meeting_id, note=post.optional("note"))
        )
    except CaseflowError as error:
        failed = Failed.of("publish", error, words, post.form)
        return meeting_page(
            request, ctx, words, post.session, meeting_id, error=error, failed=failed
        )
    return _back(meeting_id, "agenda_published")
