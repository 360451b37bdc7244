"""Meeting mode: each item's decision, absent members and outcome recorded live, then the
minutes approved.

The attendance of the whole meeting is recorded once (who attended, who was absent:
:mod:`caseflow.services.attendance`); each item's decision keeps its own absences,
its form ticking the meeting's absentees to start with.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from caseflow.errors import CaseflowError
from caseflow.services import agenda as agenda_service
from caseflow.services import attendance as attendance_service
from caseflow.web.deps import Ctx, Post, RowId, Say, Session
from caseflow.web.pages.agenda import FLASHES, Failed, meeting_page

router = APIRouter(include_in_schema=False)

MODE = "meeting_mode.html"


def _absent(post: Post) -> tuple[str, ...]:
    """The members ticked absent (one checkbox each, named ``absent_N``)."""
    return tuple(value for name, value in post.form.items() if name.startswith("absent_") and value)


@router.get("/meetings/{meeting_id}/mode")
def meeting_mode(
    request: Request,
    ctx: Ctx,
    words: Say,
    session: Session,
    meeting_id: RowId,
    flash: str | None = None,
) -> Response:
    shown = words(flash) if flash in FLASHES else None
    return meeting_page(request, ctx, words, session, meeting_id, template=MODE, flash=shown)


@router.post("/meetings/{meeting_id}/items/{item_no}/decide")
def decide(
    request: Request, ctx: Ctx, words: Say, post: Post, meeting_id: RowId, item_no: RowId
) -> Response:
    try:
        agenda_service.decide(
            ctx,
            post.actor,
            agenda_service.Decide(
                meeting_id,
                item_no,
                outcome=post.text("outcome"),
                text=post.optional("text"),
                absent=_absent(post),
                to=post.optional("to"),
            ),
        )
    except CaseflowError as error:
        failed = Failed.of(f"decide-{item_no}", error, words, post.form)
        return meeting_page(
            request, ctx, words, post.session, meeting_id, template=MODE, error=error, failed=failed
        )
    return RedirectResponse(
        f"/meetings/{meeting_id}/mode?flash=item_decided#item-{item_no}", status_code=303
    )


@router.post("/meetings/{meeting_id}/attendance")
def record_attendance(
    request: Request, ctx: Ctx, words: Say, post: Post, meeting_id: RowId
) -> Response:
    try:
        attendance_service.record_attendance(
            ctx, post.actor, attendance_service.RecordAttendance(meeting_id, absent=_absent(post))
        )
    except CaseflowError as error:
        failed = Failed("attendance", None, words.error(error), post.form)
        return meeting_page(
            request, ctx, words, post.session, meeting_id, template=MODE, error=error, failed=failed
        )
    return RedirectResponse(
        f"/meetings/{meeting_id}/mode?flash=attendance_recorded#h-attendance", status_code=303
    )


@router.post("/meetings/{meeting_id}/minutes/approve")
def approve_minutes(
    request: Request, ctx: Ctx, words: Say, post: Post, meeting_id: RowId
) -> Response:
    try:
        agenda_service.approve_minutes(
            ctx, post.actor, agenda_service.ApproveMinutes(meeting_id, note=post.optional("note"))
        )
    except CaseflowError as error:
        failed = Failed.of("minutes", error, words, post.form)
        return meeting_page(
            request, ctx, words, post.session, meeting_id, template=MODE, error=error, failed=failed
        )
    return RedirectResponse(
        f"/meetings/{meeting_id}/mode?flash=minutes_approved#h-minutes", status_code=303
    )
