"""The approver's pages: the steps waiting for them (and the people they stand in for),
with the actions approve, approve with a condition, return and skip; a case's chain
(the fragment its page includes); and absence and "on behalf of" rights.

Every route parses the form, calls one service of :mod:`caseflow.services.approvals`
or :mod:`caseflow.services.absence`, and renders; who may act is the services' to say.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from caseflow.approvals.chain import Action
from caseflow.approvals.routing import DelegationScope
from caseflow.context import Context
from caseflow.errors import CaseflowError, ErrorCode
from caseflow.policy import is_administrator
from caseflow.services import absence as absence_service
from caseflow.services import approvals as approval_service
from caseflow.services.accounts import WebSession
from caseflow.web.deps import Ctx, Post, RowId, Say, Session
from caseflow.web.i18n import Words
from caseflow.web.pages.agenda import Failed
from caseflow.web.problems import status_of
from caseflow.web.templating import is_htmx, render

router = APIRouter(include_in_schema=False)

Flash = Annotated[str | None, Query(max_length=40)]
FLASHES = (
    "approval_done",
    "absence_recorded",
    "absence_ended",
    "delegation_granted",
    "delegation_revoked",
)
_TEXT_FIELD_CODES = (ErrorCode.COMMENT_REQUIRED, ErrorCode.TEXT_REQUIRED)


def _flash(words: Words, flash: str | None) -> str | None:
    return words(flash) if flash in FLASHES else None


def _pending_page(
    request: Request,
    ctx: Context,
    words: Words,
    session: WebSession,
    *,
    error: CaseflowError | None = None,
    failed: Failed | None = None,
    flash: str | None = None,
) -> Response:
    return render(
        request,
        "approvals/pending.html",
        words,
        session,
        status=status_of(error) if error else 200,
        pending=approval_service.pending_for(ctx, session.actor),
        actions=list(Action),
        failed=failed,
        flash=flash,
    )


@router.get("/approvals")
def pending(
    request: Request, ctx: Ctx, words: Say, session: Session, flash: Flash = None
) -> Response:
    return _pending_page(request, ctx, words, session, flash=_flash(words, flash))


@router.post("/approvals/{journal_no}")
def act(request: Request, ctx: Ctx, words: Say, post: Post, journal_no: str) -> Response:
    form = f"act-{journal_no}"
    try:
        action = Action(post.text("action"))
    except ValueError:
        action = Action.APPROVE
    try:
        approval_service.act(
            ctx,
            post.actor,
            approval_service.ActOnStep(
                journal_no,
                action,
                text=post.optional("text"),
                on_behalf_of=post.optional("for"),
                trigger=post.optional("chain"),
            ),
        )
    except CaseflowError as error:
        field = "text" if error.code in _TEXT_FIELD_CODES else None
        failed = Failed(form, field, words.error(error), post.form)
        return _pending_page(request, ctx, words, post.session, error=error, failed=failed)
    return RedirectResponse("/approvals?flash=approval_done", status_code=303)


@router.get("/cases/{journal_no}/approvals")
def chain(request: Request, ctx: Ctx, words: Say, session: Session, journal_no: str) -> Response:
    """The case's chains: a fragment for its page (htmx), or a page of its own."""
    chains = approval_service.chains_of_case(ctx, session.actor, journal_no)
    template = "approvals/chain_fragment.html" if is_htmx(request) else "approvals/chain.html"
    return render(request, template, words, session, chains=chains, journal_no=journal_no)


def _absence_page(
    request: Request,
    ctx: Context,
    words: Words,
    session: WebSession,
    *,
    error: CaseflowError | None = None,
    failed: Failed | None = None,
    flash: str | None = None,
) -> Response:
    admin = is_administrator(session.actor)
    return render(
        request,
        "approvals/absence.html",
        words,
        session,
        status=status_of(error) if error else (400 if failed else 200),
        absences=absence_service.list_absences(ctx, session.actor, everyone=admin),
        delegations=absence_service.list_delegations(ctx, session.actor),
        admin=admin,
        scopes=list(DelegationScope),
        failed=failed,
        flash=flash,
    )


@router.get("/absence")
def absence(
    request: Request, ctx: Ctx, words: Say, session: Session, flash: Flash = None
) -> Response:
    return _absence_page(request, ctx, words, session, flash=_flash(words, flash))


def _days(post: Post, form: str, words: Words) -> tuple[date, date] | Failed:
    try:
        return date.fromisoformat(post.text("from")), date.fromisoformat(post.text("to"))
    except ValueError:
        field = "from" if not _is_date(post.text("from")) else "to"
        return Failed(form, field, words("bad_date"), post.form)


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


@router.post("/absence")
def set_absence(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    days = _days(post, "absence", words)
    if isinstance(days, Failed):
        return _absence_page(request, ctx, words, post.session, failed=days)
    request_ = absence_service.SetAbsence(
        post.text("substitute").strip(), days[0], days[1], post.optional("username")
    )
    try:
        absence_service.set_absence(ctx, post.actor, request_)
    except CaseflowError as error:
        failed = Failed("absence", "substitute", words.error(error), post.form)
        return _absence_page(request, ctx, words, post.session, error=error, failed=failed)
    return RedirectResponse("/absence?flash=absence_recorded", status_code=303)


@router.post("/absence/{absence_id}/end")
def end_absence(request: Request, ctx: Ctx, words: Say, post: Post, absence_id: RowId) -> Response:
    try:
        absence_service.end_absence(ctx, post.actor, absence_id)
    except CaseflowError as error:
        failed = Failed(f"end-{absence_id}", None, words.error(error), post.form)
        return _absence_page(request, ctx, words, post.session, error=error, failed=failed)
    return RedirectResponse("/absence?flash=absence_ended", status_code=303)


@router.post("/delegations")
def grant(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    days = _days(post, "delegation", words)
    if isinstance(days, Failed):
        return _absence_page(request, ctx, words, post.session, failed=days)
    try:
        scope = DelegationScope(post.text("scope"))
    except ValueError:
        scope = DelegationScope.APPROVALS
    request_ = absence_service.GrantDelegation(
        post.text("principal").strip(), post.text("delegate").strip(), scope, days[0], days[1]
    )
    try:
        absence_service.grant_delegation(ctx, post.actor, request_)
    except CaseflowError as error:
        failed = Failed("delegation", None, words.error(error), post.form)
        return _absence_page(request, ctx, words, post.session, error=error, failed=failed)
    return RedirectResponse("/absence?flash=delegation_granted", status_code=303)


@router.post("/delegations/{delegation_id}/revoke")
def revoke(request: Request, ctx: Ctx, words: Say, post: Post, delegation_id: RowId) -> Response:
    try:
        absence_service.revoke_delegation(ctx, post.actor, delegation_id)
    except CaseflowError as error:
        failed = Failed(f"revoke-{delegation_id}", None, words.error(error), post.form)
        return _absence_page(request, ctx, words, post.session, error=error, failed=failed)
    return RedirectResponse("/absence?flash=delegation_revoked", status_code=303)
