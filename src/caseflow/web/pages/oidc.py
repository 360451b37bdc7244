"""Sign-in through the municipality's identity provider (OpenID Connect).

``GET /signin/oidc?next=...`` sends the reader to the provider with a new flow in
its cookie; ``GET /signin/oidc/callback`` is where the provider sends them back (the
redirect URI to register there: ``https://HOST/signin/oidc/callback``). A refusal
of any kind shows the sign-in page with what went wrong, in the reader's language;
the details go to the log. :mod:`caseflow.web.oidc` has the protocol.
"""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from caseflow.errors import CaseflowError
from caseflow.services import accounts
from caseflow.web.deps import Ctx, Say
from caseflow.web.i18n import Words
from caseflow.web.oidc import FLOW_COOKIE, FLOW_PATH, FLOW_SECONDS, OidcClient, OidcRefused
from caseflow.web.pages.signin import client_of, safe_next, signin_form, start_session
from caseflow.web.security import SESSION_COOKIE

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)


def _client(request: Request) -> OidcClient | None:
    client: OidcClient | None = request.app.state.oidc
    return client


def _refused(request: Request, words: Words, refusal: OidcRefused, next_url: str) -> Response:
    """The sign-in page with the refusal's text; the flow's cookie goes."""
    log.warning("OpenID Connect sign-in refused (%s): %s", refusal.key, refusal.detail)
    response = signin_form(
        request,
        words,
        error=words(refusal.key, **refusal.params),
        next_url=next_url,
        status=refusal.status,
    )
    response.delete_cookie(FLOW_COOKIE, path=FLOW_PATH)
    return response


def _not_configured(request: Request, words: Words) -> Response:
    return _refused(request, words, OidcRefused("oidc_not_configured", 404), "/inbox")


@router.get("/signin/oidc")
def oidc_start(request: Request, words: Say, next: str = "/inbox") -> Response:
    client = _client(request)
    if client is None:
        return _not_configured(request, words)
    next_url = safe_next(next)
    try:
        url, flow = client.begin(str(request.url_for("oidc_callback")), next_url)
    except OidcRefused as refusal:
        return _refused(request, words, refusal, next_url)
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        FLOW_COOKIE,
        client.seal(flow),
        max_age=FLOW_SECONDS,
        httponly=True,
        samesite="lax",  # the provider's redirect back is a cross-site top-level GET
        secure=request.url.scheme == "https",
        path=FLOW_PATH,
    )
    return response


@router.get("/signin/oidc/callback", name="oidc_callback")
def oidc_callback(request: Request, ctx: Ctx, words: Say) -> Response:
    client = _client(request)
    if client is None:
        return _not_configured(request, words)
    flow = client.unseal(request.cookies.get(FLOW_COOKIE))
    next_url = flow.next_url if flow is not None else "/inbox"
    try:
        if flow is None:
            raise OidcRefused("oidc_state", 400, "no flow cookie, or not ours, or too old")
        username = client.finish(flow, dict(request.query_params))
        try:
            signed = accounts.sign_in_external(
                ctx,
                username,
                client=client_of(request),
                replaces=request.cookies.get(SESSION_COOKIE),
            )
        except CaseflowError as error:
            raise OidcRefused(
                "oidc_unknown_user",
                403,
                f"{username!r}: {error.message}",
                username=username[:100],
            ) from error
    except OidcRefused as refusal:
        return _refused(request, words, refusal, next_url)
    response = start_session(request, signed, next_url)
    response.delete_cookie(FLOW_COOKIE, path=FLOW_PATH)
    return response
