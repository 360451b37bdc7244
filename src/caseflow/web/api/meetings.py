"""``/api/v1`` for the committee secretariats: the meeting plan, a meeting and its agenda
(add, move, withdraw, open, publish), the minutes (decide, approve), the secretariat's
report, a committee's deadlines and the daily digest.

The same services as the pages and the CLI: a closed item is the committee's, and
whoever is outside it gets what the public agenda shows.
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Any

from fastapi import APIRouter, Query

from caseflow.local_time import aware
from caseflow.services import agenda as agenda_service
from caseflow.services import deadlines as deadline_service
from caseflow.services import meetings as meeting_service
from caseflow.services import notifications as notification_service
from caseflow.services.paging import MAX_LIMIT, PageRequest
from caseflow.web.api.cases import PROBLEMS
from caseflow.web.api.meeting_models import (
    AddItemIn,
    ApprovedOut,
    BoardOut,
    CommitteeDeadlinesOut,
    DecidedOut,
    DecideIn,
    DigestsOut,
    ItemAddedOut,
    MeetingOut,
    MeetingPlanOut,
    MoveIn,
    NewMeetingIn,
    NoteIn,
    NumberedOut,
    OpenedOut,
    OpenIn,
    PublishedOut,
    QueueOut,
    ReasonIn,
    ReportOut,
    WithdrawnOut,
)
from caseflow.web.deps import ApiActor, Ctx, RowId

router = APIRouter(prefix="/api/v1", responses=PROBLEMS)

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=80)]
Code = Annotated[str | None, Query(max_length=16)]
MEETINGS: list[str | Enum] = ["meetings"]
MINUTES: list[str | Enum] = ["minutes"]


def _aware(moment: datetime | None) -> datetime | None:
    """A time as sent; one without an offset is Copenhagen wall-clock time."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return aware(moment)


@router.get("/meetings", response_model=MeetingPlanOut, tags=MEETINGS)
def list_meetings(
    ctx: Ctx,
    actor: ApiActor,
    committee: Code = None,
    year: Annotated[
        int | None, Query(ge=meeting_service.FIRST_YEAR, le=meeting_service.LAST_YEAR)
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> dict[str, Any]:
    request = meeting_service.ListMeetings(committee, year, PageRequest(limit, cursor))
    return meeting_service.meeting_plan(ctx, actor, request).to_json()


@router.post("/meetings", response_model=MeetingOut, status_code=201, tags=MEETINGS)
def new_meeting(ctx: Ctx, actor: ApiActor, body: NewMeetingIn) -> dict[str, Any]:
    starts_at = _aware(body.starts_at)
    assert starts_at is not None
    request = meeting_service.NewMeeting(
        body.committee, starts_at, _aware(body.ends_at), body.place, body.note
    )
    return meeting_service.new_meeting(ctx, actor, request).to_json()


# Before /meetings/{meeting_id}, which would take "report" for an id.
@router.get("/meetings/report", response_model=ReportOut, tags=MEETINGS)
def secretariat_report(ctx: Ctx, actor: ApiActor, committee: Code = None) -> dict[str, Any]:
    return agenda_service.secretariat_report(ctx, actor, agenda_service.Report(committee)).to_json()


@router.get("/meetings/{meeting_id}", response_model=BoardOut, tags=MEETINGS)
def show_meeting(ctx: Ctx, actor: ApiActor, meeting_id: RowId) -> dict[str, Any]:
    return agenda_service.board(ctx, actor, agenda_service.Board(meeting_id)).to_json()


@router.get("/meetings/{meeting_id}/queue", response_model=QueueOut, tags=MEETINGS)
def queue(
    ctx: Ctx, actor: ApiActor, meeting_id: RowId, limit: Limit = 50, cursor: Cursor = None
) -> dict[str, Any]:
    request = agenda_service.Queue(meeting_id, PageRequest(limit, cursor))
    return agenda_service.queue(ctx, actor, request).page_json()


@router.post(
    "/meetings/{meeting_id}/items", response_model=ItemAddedOut, status_code=201, tags=MEETINGS
)
def add_item(ctx: Ctx, actor: ApiActor, meeting_id: RowId, body: AddItemIn) -> dict[str, Any]:
    request = agenda_service.AddItem(
        meeting_id, body.journal_no, body.closed, body.late_reason, body.note
    )
    return agenda_service.add_item(ctx, actor, request).to_json()


@router.post(
    "/meetings/{meeting_id}/items/{item_no}/move",
    response_model=list[NumberedOut],
    tags=MEETINGS,
)
def move_item(
    ctx: Ctx, actor: ApiActor, meeting_id: RowId, item_no: RowId, body: MoveIn
) -> list[dict[str, Any]]:
    request = agenda_service.MoveItem(meeting_id, item_no, body.position, body.note)
    return agenda_service.move_item(ctx, actor, request).to_json()


@router.post(
    "/meetings/{meeting_id}/cases/{journal_no}/withdraw",
    response_model=WithdrawnOut,
    tags=MEETINGS,
)
def withdraw_item(
    ctx: Ctx, actor: ApiActor, meeting_id: RowId, journal_no: str, body: ReasonIn
) -> dict[str, Any]:
    request = agenda_service.WithdrawItem(meeting_id, journal_no, body.reason)
    return agenda_service.withdraw_item(ctx, actor, request).to_json()


@router.post(
    "/meetings/{meeting_id}/cases/{journal_no}/open", response_model=OpenedOut, tags=MEETINGS
)
def open_item(
    ctx: Ctx, actor: ApiActor, meeting_id: RowId, journal_no: str, body: OpenIn
) -> dict[str, Any]:
    """Make a closed item public: the explicit, audited act (a reason is required)."""
    request = agenda_service.OpenItem(meeting_id, journal_no, body.reason, body.note)
    return agenda_service.open_item(ctx, actor, request).to_json()


@router.post("/meetings/{meeting_id}/publish", response_model=PublishedOut, tags=MEETINGS)
def publish(ctx: Ctx, actor: ApiActor, meeting_id: RowId, body: NoteIn) -> dict[str, Any]:
    request = agenda_service.Publish(meeting_id, body.note)
    return agenda_service.publish(ctx, actor, request).to_json()


@router.post(
    "/meetings/{meeting_id}/items/{item_no}/decision", response_model=DecidedOut, tags=MINUTES
)
def decide(
    ctx: Ctx, actor: ApiActor, meeting_id: RowId, item_no: RowId, body: DecideIn
) -> dict[str, Any]:
    request = agenda_service.Decide(
        meeting_id, item_no, body.outcome, body.text, tuple(body.absent), body.to
    )
    return agenda_service.decide(ctx, actor, request).to_json()


@router.post("/meetings/{meeting_id}/minutes/approve", response_model=ApprovedOut, tags=MINUTES)
def approve_minutes(ctx: Ctx, actor: ApiActor, meeting_id: RowId, body: NoteIn) -> dict[str, Any]:
    request = agenda_service.ApproveMinutes(meeting_id, body.note)
    return agenda_service.approve_minutes(ctx, actor, request).to_json()


@router.get("/committees/{code}/deadlines", response_model=CommitteeDeadlinesOut, tags=MEETINGS)
def committee_deadlines(
    ctx: Ctx, actor: ApiActor, code: str, limit: Limit = 50, cursor: Cursor = None
) -> dict[str, Any]:
    request = deadline_service.CommitteeCalendar(code, page=PageRequest(limit, cursor))
    return deadline_service.committee_calendar(ctx, actor, request).to_json()


@router.get("/digest", response_model=DigestsOut, tags=MEETINGS)
def digest(
    ctx: Ctx,
    actor: ApiActor,
    days: Annotated[int, Query(ge=1, le=60)] = 10,
    committee: Code = None,
) -> dict[str, Any]:
    """Today's deadline digest per committee, as it would be mailed (nothing is queued)."""
    request = notification_service.DigestPreviewRequest(days, (committee,) if committee else ())
    return notification_service.preview_digests(ctx, actor, request).to_json()
