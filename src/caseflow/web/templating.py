"""Server-rendered pages: one Jinja2 environment, autoescaping everything.

A page template gets the reader's words (``t``), the session (None before
sign-in), its CSRF token, and whether the request came from htmx (then a
route may render only the fragment that changed).
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined

from caseflow.policy import is_administrator, may_import
from caseflow.services.accounts import WebSession
from caseflow.web.i18n import Words

HTMX = "htmx-2.0.11.min.js"


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("caseflow.web", "templates"),
        autoescape=True,  # every template, whatever its name: user text is never markup
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["htmx"] = HTMX
    # Which links a page offers (never who may act: the services decide that).
    env.globals["is_administrator"] = is_administrator
    env.globals["may_import"] = may_import
    env.globals["date_of"] = date.fromisoformat  # an ISO day in a service's JSON, to format
    return env


def is_htmx(request: Request) -> bool:
    return request.headers.get("hx-request") == "true"


def render(
    request: Request,
    template: str,
    words: Words,
    session: WebSession | None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
    **values: Any,
) -> HTMLResponse:
    page = environment().get_template(template)
    values.setdefault("flash", None)
    html = page.render(
        t=words,
        lang=str(words.language),
        session=session,
        csrf_token=session.csrf_token if session else "",
        path=request.url.path,
        htmx_request=is_htmx(request),
        **values,
    )
    return HTMLResponse(html, status_code=status, headers=headers)
