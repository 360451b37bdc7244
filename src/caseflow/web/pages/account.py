"""The reader's account: API tokens (made, shown once, revoked) and sessions."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from caseflow.context import Context
from caseflow.errors import CaseflowError
from caseflow.services import accounts
from caseflow.web.deps import Ctx, Post, RowId, Say, Session
from caseflow.web.i18n import Words
from caseflow.web.pages.signin import client_of
from caseflow.web.problems import status_of
from caseflow.web.security import SESSION_COOKIE
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)


def _page(
    request: Request,
    ctx: Context,
    words: Words,
    session: accounts.WebSession,
    *,
    issued: accounts.IssuedToken | None = None,
    error: CaseflowError | None = None,
    flash: str | None = None,
) -> Response:
    return render(
        request,
        "account.html",
        words,
        session,
        status=status_of(error) if error else 200,
        tokens=accounts.list_tokens(ctx, session.actor),
        sessions=accounts.list_sessions(ctx, session.actor),
        issued=issued,
        error=words.error(error) if error else None,
        flash=flash,
    )


@router.get("/account")
def account_page(request: Request, ctx: Ctx, words: Say, session: Session) -> Response:
    return _page(request, ctx, words, session)


@router.post("/account/tokens")
def create_token(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    days = post.text("days").strip()
    try:
        issued = accounts.issue_token(
            ctx, post.actor, post.text("name"), days=int(days) if days.isdigit() else 90
        )
    except CaseflowError as error:
        return _page(request, ctx, words, post.session, error=error)
    return _page(request, ctx, words, post.session, issued=issued)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token(request: Request, ctx: Ctx, words: Say, post: Post, token_id: RowId) -> Response:
    try:
        accounts.revoke_token(ctx, post.actor, token_id)
    except CaseflowError as error:
        return _page(request, ctx, words, post.session, error=error)
    return _page(request, ctx, words, post.session, flash=words("token_revoked"))


@router.post("/account/password")
def change_password(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    try:
        accounts.set_password(
            ctx,
            post.actor,
            post.actor.username,
            post.text("password"),
            keep_session=request.cookies.get(SESSION_COOKIE),  # the others end
            client=client_of(request),
        )
    except CaseflowError as error:
        return _page(request, ctx, words, post.session, error=error)
    return _page(request, ctx, words, post.session, flash=words("password_changed"))
