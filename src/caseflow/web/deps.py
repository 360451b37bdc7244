"""Who is asking, in which language: the request's parts every route depends on.

The actor comes from the server-side session (pages) or the API token (the API),
never from the request's own words: no header, field or query parameter can name
who acts. A state-changing page request must carry its session's CSRF token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from starlette.concurrency import run_in_threadpool

from caseflow.context import Context
from caseflow.domain import Actor
from caseflow.services import accounts
from caseflow.web.i18n import Language, Words
from caseflow.web.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    same_token,
)


class SignInRequired(Exception):
    """No live session: a page sends the reader to the sign-in form, then back."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


class CsrfRefused(Exception):
    """A state-changing request without its session's CSRF token."""


class TokenRequired(Exception):
    """An API request with no valid bearer token."""


def context(request: Request) -> Context:
    ctx: Context = request.app.state.context
    return ctx


def words(request: Request) -> Words:
    """The reader's language: ``?lang=`` on this request, else the cookie, else Danish."""
    default = Language.of(context(request).settings.language)
    chosen = request.query_params.get("lang") or request.cookies.get(LANGUAGE_COOKIE)
    return Words(Language.of(chosen, default))


def _next_url(request: Request) -> str:
    query = f"?{request.url.query}" if request.url.query else ""
    return f"{request.url.path}{query}"


def web_session(request: Request) -> accounts.WebSession:
    """The signed-in reader's session (run in the thread pool: it reads the database)."""
    token = request.cookies.get(SESSION_COOKIE)
    found = accounts.session(context(request), token) if token else None
    if found is None:
        raise SignInRequired(_next_url(request) if request.method == "GET" else "/")
    return found


# A row's number in a path (a meeting, an item, a token): what the database's integer holds.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]

Session = Annotated[accounts.WebSession, Depends(web_session)]
Ctx = Annotated[Context, Depends(context)]
Say = Annotated[Words, Depends(words)]


@dataclass(frozen=True)
class Posted:
    """A state-changing page request that passed its CSRF check: its session and form."""

    session: accounts.WebSession
    form: dict[str, str]

    @property
    def actor(self) -> Actor:
        return self.session.actor

    def text(self, name: str) -> str:
        """A form field as typed, "" when absent."""
        return self.form.get(name, "")

    def optional(self, name: str) -> str | None:
        """A form field with text in it, else None."""
        value = self.form.get(name, "")
        return value if value.strip() else None


async def posted(request: Request) -> Posted:
    """The session of a POST from a page, once its CSRF token is checked."""
    session = await run_in_threadpool(web_session, request)
    form = await request.form()
    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
    given = request.headers.get(CSRF_HEADER) or fields.get(CSRF_FIELD)
    if not same_token(given, session.csrf_token):
        raise CsrfRefused()
    return Posted(session, fields)


Post = Annotated[Posted, Depends(posted)]


def api_actor(request: Request) -> Actor:
    """The actor of an API request, from its ``Authorization: Bearer`` token only."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise TokenRequired()
    actor = accounts.token_actor(context(request), secret.strip())
    if actor is None:
        raise TokenRequired()
    return actor


ApiActor = Annotated[Actor, Depends(api_actor)]
