"""The records page for administrators and auditors: the newest signed checkpoint, the
public key to hand to the auditors, and a button that runs ``records verify`` and lists
what it found. Each route calls one service (:mod:`caseflow.services.records`), which
says who may."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from caseflow.context import Context
from caseflow.errors import CaseflowError, NotAllowed
from caseflow.services import records
from caseflow.services.accounts import WebSession
from caseflow.web.deps import Ctx, Post, Say, Session
from caseflow.web.i18n import Words
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)

SHOWN = 200  # discrepancies listed on the page; the count says how many there were


def _page(
    request: Request,
    ctx: Context,
    words: Words,
    session: WebSession,
    report: records.VerifyReport | None = None,
    refused: str | None = None,
) -> Response:
    found = records.overview(ctx, session.actor)
    return render(
        request,
        "records/index.html",
        words,
        session,
        overview=found,
        report=report,
        refused=refused,
        shown=report.discrepancies[:SHOWN] if report else [],
    )


@router.get("/admin/records")
def records_page(request: Request, ctx: Ctx, words: Say, session: Session) -> Response:
    return _page(request, ctx, words, session)


@router.post("/admin/records/verify")
def verify(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    try:
        report = records.verify_as(ctx, post.actor)
    except NotAllowed:
        raise
    except CaseflowError as error:  # no key to check against yet: said beside the button
        return _page(request, ctx, words, post.session, refused=words.error(error))
    return _page(request, ctx, words, post.session, report)
