"""Sign-in and sign-out: the only pages a visitor without a session may use."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from caseflow.errors import CaseflowError
from caseflow.services import accounts
from caseflow.web.deps import Ctx, Post, Say
from caseflow.web.security import (
    PRE_SIGN_IN_COOKIE,
    SESSION_COOKIE,
    new_token,
    same_token,
)
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)


def safe_next(url: str | None) -> str:
    """Where to go after sign-in: a path of this site only (never ``//host`` or a URL)."""
    if not url or not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/inbox"
    return url


def client_of(request: Request) -> str:
    """The client as the account events record it: address and user agent."""
    address = request.client.host if request.client else "?"
    agent = request.headers.get("user-agent", "")[:120]
    return f"{address} {agent}".strip()


def _secure(request: Request) -> bool:
    return request.url.scheme == "https"


def signin_form(
    request: Request,
    words: Say,
    *,
    error: str | None = None,
    message: str | None = None,
    username: str = "",
    next_url: str = "/inbox",
    status: int = 200,
) -> Response:
    """The sign-in page with its own double-submit token (the OpenID Connect pages show
    their refusals on it too)."""
    token = request.cookies.get(PRE_SIGN_IN_COOKIE) or new_token()
    issuer = request.app.state.context.settings.oidc_issuer
    response = render(
        request,
        "signin.html",
        words,
        None,
        status=status,
        error=error,
        message=message,
        username=username,
        next_url=safe_next(next_url),
        pre_token=token,
        oidc_issuer=issuer if request.app.state.oidc else None,
    )
    response.set_cookie(
        PRE_SIGN_IN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(request),
        path="/signin",
    )
    return response


@router.get("/signin")
def signin_page(request: Request, words: Say, next: str = "/inbox") -> Response:
    message = words("sign_in_needed") if next != "/inbox" else None
    return signin_form(request, words, next_url=next, message=message)


def start_session(request: Request, signed: accounts.SignedIn, next_url: str) -> Response:
    """The redirect after a sign-in, carrying the new session's cookie."""
    response = RedirectResponse(safe_next(next_url), status_code=303)
    max_age = int((signed.expires_at - datetime.now(UTC)).total_seconds())
    response.set_cookie(
        SESSION_COOKIE,
        signed.session_token,
        max_age=max(max_age, 0),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
        path="/",
    )
    response.delete_cookie(PRE_SIGN_IN_COOKIE, path="/signin")
    return response


@router.post("/signin")
def signin(
    request: Request,
    ctx: Ctx,
    words: Say,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/inbox",
) -> Response:
    if not same_token(csrf_token, request.cookies.get(PRE_SIGN_IN_COOKIE)):
        return signin_form(
            request,
            words,
            error=words("csrf_failed"),
            username=username,
            next_url=next,
            status=403,
        )
    try:
        signed = accounts.sign_in(
            ctx,
            username,
            password,
            client=client_of(request),
            replaces=request.cookies.get(SESSION_COOKIE),
        )
    except CaseflowError as error:
        status = 429 if error.code == "account_locked" else 401
        return signin_form(
            request,
            words,
            error=words.error(error),
            username=username,
            next_url=next,
            status=status,
        )
    return start_session(request, signed, next)


@router.post("/signout")
def signout(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.sign_out(ctx, token)
    response = signin_form(request, words, message=words("signed_out"))
    response.delete_cookie(SESSION_COOKIE, path="/")
    del post
    return response


@router.post("/signout-everywhere")
def signout_everywhere(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    count = accounts.sign_out_everywhere(ctx, post.actor)
    response = signin_form(request, words, message=words("signed_out_everywhere", count=count))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
