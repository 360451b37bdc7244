"""The steering groups' follow-up overview: the actions after a decision, their owners and
their deadlines (as decided, and as a date), overdue first, paged; and marking one done.

Every route parses the query or form, calls one service of
:mod:`caseflow.services.followup`, and renders. Who may see and finish an action is the
service's to say; a refusal is shown on the page next to the action's form.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from caseflow.context import Context
from caseflow.errors import CaseflowError
from caseflow.services import followup as followup_service
from caseflow.services.accounts import WebSession
from caseflow.services.paging import PageRequest
from caseflow.web.deps import Ctx, Post, RowId, Say, Session
from caseflow.web.i18n import Words
from caseflow.web.pages.agenda import Failed
from caseflow.web.problems import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
Flag = Annotated[str | None, Query(max_length=5)]
Cursor = Annotated[str | None, Query(max_length=18, pattern=r"^\d{1,18}$")]
FLASHES = ("followup_done",)


def _query(**values: str | None) -> str:
    return urlencode({k: v for k, v in values.items() if v})


def _page(
    request: Request,
    ctx: Context,
    words: Words,
    session: WebSession,
    *,
    finished: bool = False,
    overdue: bool = False,
    after: str | None = None,
    error: CaseflowError | None = None,
    failed: Failed | None = None,
    flash: str | None = None,
) -> Response:
    found = followup_service.list_followups(
        ctx,
        session.actor,
        followup_service.ListFollowups(
            overdue=overdue,
            include_finished=finished,
            page=PageRequest(PAGE_SIZE, after),
        ),
    )
    kept = {"finished": "1" if finished else None, "overdue": "1" if overdue else None}
    next_cursor = found.page.next_cursor
    return render(
        request,
        "followups.html",
        words,
        session,
        status=status_of(error) if error else 200,
        followups=found.items,
        finished=finished,
        overdue=overdue,
        next_query=_query(**kept, after=next_cursor) if next_cursor else None,
        first_query=_query(**kept) if after else None,
        failed=failed,
        flash=flash,
    )


@router.get("/followups")
def followups(
    request: Request,
    ctx: Ctx,
    words: Say,
    session: Session,
    finished: Flag = None,
    overdue: Flag = None,
    after: Cursor = None,
    flash: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    return _page(
        request,
        ctx,
        words,
        session,
        finished=bool(finished),
        overdue=bool(overdue),
        after=after,
        flash=words(flash) if flash in FLASHES else None,
    )


@router.post("/followups/{followup_id}/done")
def finish(request: Request, ctx: Ctx, words: Say, post: Post, followup_id: RowId) -> Response:
    try:
        followup_service.finish(
            ctx,
            post.actor,
            followup_service.FinishFollowup(followup_id, note=post.optional("note")),
        )
    except CaseflowError as error:
        failed = Failed(f"done-{followup_id}", "note", words.error(error), post.form)
        return _page(request, ctx, words, post.session, error=error, failed=failed)
    return RedirectResponse("/followups?flash=followup_done", status_code=303)
