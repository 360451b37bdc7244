"""The secretariats' pages around the meetings: the meeting plan (and a new meeting), the
secretariat's report, a committee's deadline calendar with its ICS subscription, and
the daily digest as a page.

Every route parses the query or form, calls one service, and renders.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from caseflow.calendar import COPENHAGEN
from caseflow.context import Context
from caseflow.errors import CaseflowError, ErrorCode, InvalidInput
from caseflow.local_time import parse_clock, strict_local
from caseflow.services import agenda as agenda_service
from caseflow.services import deadlines as deadline_service
from caseflow.services import meetings as meeting_service
from caseflow.services import notifications as notification_service
from caseflow.services import organisation
from caseflow.services import pictures as picture_service
from caseflow.services.accounts import WebSession
from caseflow.services.deadlines import ListedDeadline
from caseflow.services.paging import PageRequest
from caseflow.web.deps import Ctx, Post, Say, Session
from caseflow.web.i18n import Words
from caseflow.web.labels import WorkflowLabels
from caseflow.web.pages.agenda import Failed, local
from caseflow.web.pictures import deadline_load_picture
from caseflow.web.problems import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
Text = Annotated[str | None, Query(max_length=100)]


def _query(**values: str | None) -> str:
    return urlencode({k: v for k, v in values.items() if v})


def _year(text: str | None) -> int | None:
    """A year as typed in the filter; None for none (an invalid one is said on the page)."""
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit() or len(text) > 4:  # its range is the service's to check
        raise InvalidInput(f"{text!r} is not a year; give e.g. 2009")
    return int(text)


# --- the meeting plan ----------------------------------------------------------------


def _plan_page(
    request: Request,
    ctx: Context,
    words: Words,
    session: WebSession,
    *,
    committee: str | None = None,
    year_text: str | None = None,
    after: str | None = None,
    error: CaseflowError | None = None,
    failed: Failed | None = None,
    flash: str | None = None,
) -> Response:
    year_error = None
    try:
        year = _year(year_text)
    except InvalidInput:
        year, year_error = None, words("year_invalid")
    found = meeting_service.meeting_plan(
        ctx,
        session.actor,
        meeting_service.ListMeetings(committee, year, PageRequest(PAGE_SIZE, after)),
    )
    kept = {"committee": committee, "year": str(year) if year else None}
    next_cursor = found.meetings.page.next_cursor
    return render(
        request,
        "meetings.html",
        words,
        session,
        status=status_of(error) if error else (422 if year_error else 200),
        plan=found,
        meetings=found.meetings.meetings,
        committee=committee,
        year=year_text or "",
        year_error=year_error,
        names=dict(found.committees),
        next_query=_query(**kept, after=next_cursor) if next_cursor else None,
        first_query=_query(**kept) if after else None,
        failed=failed,
        flash=flash,
    )


@router.get("/meetings")
def meeting_plan(
    request: Request,
    ctx: Ctx,
    words: Say,
    session: Session,
    committee: Text = None,
    year: Text = None,
    after: Text = None,
) -> Response:
    return _plan_page(
        request, ctx, words, session, committee=committee or None, year_text=year, after=after
    )


def _new_meeting(post: Post) -> meeting_service.NewMeeting:
    """The form's meeting; a day or time that is none is refused by its field's name."""
    try:
        day = date.fromisoformat(post.text("day").strip())
    except ValueError:
        raise InvalidInput("give the meeting's day as a date", field="day") from None
    starts = parse_clock(post.text("starts"))
    if starts is None:
        raise InvalidInput("give the time the meeting starts", field="starts")
    ends = parse_clock(post.text("ends")) if post.text("ends").strip() else None
    if post.text("ends").strip() and ends is None:
        raise InvalidInput("give the time the meeting ends, or none", field="ends")
    return meeting_service.NewMeeting(
        committee=post.text("committee"),
        starts_at=strict_local(day, starts, "starts"),
        ends_at=strict_local(day, ends, "ends") if ends else None,
        place=post.optional("place"),
        note=post.optional("note"),
    )


# The texts of the form's own refusals, by the field they concern.
FIELD_TEXTS = {
    "day": "meeting_day_invalid",
    "starts": "meeting_time_invalid",
    "ends": "meeting_time_invalid",
}


@router.post("/meetings")
def new_meeting(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    try:
        made = meeting_service.new_meeting(ctx, post.actor, _new_meeting(post))
    except CaseflowError as error:
        where = error.params.get("field")
        if isinstance(where, str) and where in FIELD_TEXTS:
            failed = Failed("new-meeting", where, words(FIELD_TEXTS[where]), post.form)
        else:
            failed = Failed.of("new-meeting", error, words, post.form)
            if error.code is ErrorCode.UNKNOWN_COMMITTEE:
                failed = Failed("new-meeting", "committee", failed.message, post.form)
        return _plan_page(request, ctx, words, post.session, error=error, failed=failed)
    return RedirectResponse(f"/meetings/{made.meeting.id}?flash=meeting_created", status_code=303)


# --- the secretariat's report -------------------------------------------------------


@router.get("/meetings/report")
def secretariat_report(
    request: Request, ctx: Ctx, words: Say, session: Session, committee: Text = None
) -> Response:
    found = agenda_service.secretariat_report(
        ctx, session.actor, agenda_service.Report(committee or None)
    )
    org = organisation.show_organisation(ctx, session.actor)
    return render(
        request,
        "meetings_report.html",
        words,
        session,
        report=found,
        committee=committee or "",
        committees=[(c["code"], c["name"]) for c in org.committees],
        state_titles=dict(WorkflowLabels(ctx.engine.registry, words.language).states()),
        day=date.fromisoformat,
    )


# --- a committee's deadline calendar --------------------------------------------------


@dataclass(frozen=True)
class Day:
    """The deadlines due on one day (Copenhagen time)."""

    day: date
    deadlines: list[ListedDeadline]


def _by_day(deadlines: Iterable[ListedDeadline]) -> list[Day]:
    def day_of(d: ListedDeadline) -> date:
        return d.due_at.astimezone(COPENHAGEN).date()

    return [Day(day, list(group)) for day, group in groupby(deadlines, key=day_of)]


@router.get("/committees/{code}/deadlines")
def committee_deadlines(
    request: Request, ctx: Ctx, words: Say, session: Session, code: str, after: Text = None
) -> Response:
    found = deadline_service.committee_calendar(
        ctx,
        session.actor,
        deadline_service.CommitteeCalendar(
            code, str(words.language), PageRequest(PAGE_SIZE, after or None)
        ),
    )
    next_cursor = found.deadlines.next_cursor
    load = picture_service.deadline_load(ctx, session.actor, code)
    return render(
        request,
        "committee_deadlines.html",
        words,
        session,
        calendar=found,
        load=deadline_load_picture(load, found.committee_name, words),
        days=_by_day(found.deadlines.items),
        ics=f"/committees/{code}/meetings.ics",
        next_query=_query(after=next_cursor) if next_cursor else None,
        first_page=bool(after),
    )


@router.get("/committees/{code}/meetings.ics")
def committee_ics(ctx: Ctx, code: str) -> Response:
    """The committee's meeting plan as an iCalendar file to subscribe to. No session: a
    calendar program cannot sign in, and the plan is public (the service exports it for
    anyone)."""
    exported = meeting_service.export_calendar(
        ctx, None, meeting_service.ExportCalendar(committees=(code,))
    )
    return Response(
        exported.data,
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": f'inline; filename="{code}.ics"'},
    )


# --- the daily digest ----------------------------------------------------------------


@router.get("/digest")
def digest(
    request: Request,
    ctx: Ctx,
    words: Say,
    session: Session,
    days: Annotated[int, Query(ge=1, le=60)] = 10,
    committee: Text = None,
) -> Response:
    found = notification_service.preview_digests(
        ctx,
        session.actor,
        notification_service.DigestPreviewRequest(
            days, (committee,) if committee else (), str(words.language)
        ),
    )
    return render(
        request,
        "digest.html",
        words,
        session,
        digests=found.digests,
        days=days,
        local=local,
        day=date.fromisoformat,
    )
