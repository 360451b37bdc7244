"""The administrators' pages: incidents and failed notifications (with retry), the users
with their roles, sessions, tokens and events (disable, enable), the organisation with its
history, and the workflows with their stored versions.

Every route parses the query or form, calls one service, and renders. Who may look and act
is the services' to say (an administrator; incidents: an operator within the cases it may
see): a refusal is the 403 page, a refused action is shown next to its form.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from caseflow.context import Context
from caseflow.errors import CaseflowError, ErrorCode, InvalidInput
from caseflow.services import accounts, organisation
from caseflow.services import incidents as incident_service
from caseflow.services import notifications as notification_service
from caseflow.services import pictures as picture_service
from caseflow.services import workflows as workflow_service
from caseflow.services.accounts import WebSession
from caseflow.web.deps import Ctx, Post, Say, Session
from caseflow.web.i18n import Words
from caseflow.web.labels import WorkflowLabels
from caseflow.web.pages.agenda import Failed
from caseflow.web.pages.signin import client_of
from caseflow.web.pictures import Picture, cases_per_state_picture, workflow_picture
from caseflow.web.problems import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)

Flash = Annotated[str | None, Query(max_length=40)]
Count = Annotated[int, Query(ge=0, le=2**31 - 1)]


def _within_limit(request: Request) -> None:
    """Refuse an upload past the cap from its length, before its body is read."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_WORKFLOW_BYTES + 64 * 1024:
        raise InvalidInput(
            f"a workflow file of at most {MAX_WORKFLOW_BYTES} bytes is checked", field="file"
        )


Limited = Annotated[None, Depends(_within_limit)]


# --- incidents and failed notifications ------------------------------------------------


def _incidents_page(
    request: Request,
    ctx: Context,
    words: Words,
    session: WebSession,
    *,
    error: CaseflowError | None = None,
    failed: Failed | None = None,
    flash: str | None = None,
) -> Response:
    found = incident_service.list_incidents(ctx, session.actor)
    return render(
        request,
        "admin_incidents.html",
        words,
        session,
        status=status_of(error) if error else 200,
        incidents=found.items,
        failed=failed,
        flash=flash,
    )


@router.get("/admin/incidents")
def incidents(
    request: Request,
    ctx: Ctx,
    words: Say,
    session: Session,
    flash: Flash = None,
    deadlines: Count = 0,
    notifications: Count = 0,
    queued: Count = 0,
) -> Response:
    shown = {
        "incidents_retried": words(
            "incidents_retried", deadlines=deadlines, notifications=notifications
        ),
        "notifications_retried": words("notifications_retried", queued=queued),
    }.get(flash or "")
    return _incidents_page(request, ctx, words, session, flash=shown)


@router.post("/admin/incidents/retry")
def retry_incidents(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    form = f"retry-{post.text('id')}" if post.text("id") else "retry-all"
    try:
        request_ = incident_service.IncidentRetry(
            (post.text("id"),) if post.text("id") else (), every=bool(post.optional("all"))
        )
        done = incident_service.retry_incidents(ctx, post.actor, request_)
    except CaseflowError as error:
        failed = Failed(form, None, words.error(error), post.form)
        return _incidents_page(request, ctx, words, post.session, error=error, failed=failed)
    return RedirectResponse(
        f"/admin/incidents?flash=incidents_retried&deadlines={done.deadlines}"
        f"&notifications={done.notifications}",
        status_code=303,
    )


@router.post("/admin/notifications/retry")
def retry_notifications(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    try:
        done = notification_service.retry_notifications(
            ctx, post.actor, notification_service.RetryRequest()
        )
    except CaseflowError as error:
        failed = Failed("retry-notifications", None, words.error(error), post.form)
        return _incidents_page(request, ctx, words, post.session, error=error, failed=failed)
    return RedirectResponse(
        f"/admin/incidents?flash=notifications_retried&queued={done.queued}", status_code=303
    )


# --- users, roles and sessions ---------------------------------------------------------


def _users_page(
    request: Request,
    ctx: Context,
    words: Words,
    session: WebSession,
    *,
    error: CaseflowError | None = None,
    failed: Failed | None = None,
    flash: str | None = None,
) -> Response:
    found = accounts.list_users(ctx, session.actor)
    return render(
        request,
        "admin_users.html",
        words,
        session,
        status=status_of(error) if error else 200,
        users=found,
        failed=failed,
        flash=flash,
    )


@router.get("/admin/users")
def users(
    request: Request,
    ctx: Ctx,
    words: Say,
    session: Session,
    flash: Flash = None,
    username: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    shown = None
    if flash in ("user_disabled", "user_enabled") and username:
        shown = words(flash, username=username)
    return _users_page(request, ctx, words, session, flash=shown)


@router.get("/admin/users/{username}")
def user(request: Request, ctx: Ctx, words: Say, session: Session, username: str) -> Response:
    found = accounts.user_account(ctx, session.actor, username)
    return render(request, "admin_user.html", words, session, account=found)


def _switch(request: Request, ctx: Context, words: Words, post: Post, *, disable: bool) -> Response:
    username = post.text("username")
    try:
        if disable:
            accounts.disable_user(ctx, post.actor, username, client=client_of(request))
        else:
            accounts.enable_user(ctx, post.actor, username, client=client_of(request))
    except CaseflowError as error:
        failed = Failed(f"user-{username}", None, words.error(error), post.form)
        return _users_page(request, ctx, words, post.session, error=error, failed=failed)
    flash = "user_disabled" if disable else "user_enabled"
    query = urlencode({"flash": flash, "username": username})
    return RedirectResponse(f"/admin/users?{query}", status_code=303)


@router.post("/admin/users/disable")
def disable(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    return _switch(request, ctx, words, post, disable=True)


@router.post("/admin/users/enable")
def enable(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    return _switch(request, ctx, words, post, disable=False)


# --- the organisation and the workflows ------------------------------------------------


@router.get("/admin/organisation")
def organisation_page(request: Request, ctx: Ctx, words: Say, session: Session) -> Response:
    found = organisation.organisation_overview(ctx, session.actor)
    return render(request, "admin_organisation.html", words, session, org=found)


def _diagrams(ctx: Context, words: Words, session: WebSession) -> list[Picture]:
    """Each stored version's diagram (and the per-state counts as a chart)."""
    return [
        workflow_picture(
            d.definition,
            words,
            ident=f"diagram-{index}",
            version=d.version,
        )
        for index, d in enumerate(picture_service.workflow_diagrams(ctx, session.actor), start=1)
    ]


@router.get("/admin/workflows")
def workflows(request: Request, ctx: Ctx, words: Say, session: Session) -> Response:
    found = workflow_service.workflow_versions(ctx, session.actor)
    labels = WorkflowLabels(ctx.engine.registry, words.language)
    per_state = picture_service.cases_per_state(ctx, session.actor)
    return render(
        request,
        "admin_workflows.html",
        words,
        session,
        workflows=found.current,
        versions=found.versions,
        diagrams=_diagrams(ctx, words, session),
        per_state=cases_per_state_picture(per_state, labels, words),
        failed=None,
    )


MAX_WORKFLOW_BYTES = 4 * workflow_service.MAX_WORKFLOW_TEXT
"""The most bytes of an uploaded workflow file read (UTF-8: at most 4 a character)."""


async def _uploaded(request: Request) -> tuple[str, str] | None:
    """The uploaded workflow file's name and text; None: no file was chosen."""
    form = await request.form()  # parsed (and cached) by the CSRF check
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    content = await upload.read(MAX_WORKFLOW_BYTES + 1)
    if len(content) > MAX_WORKFLOW_BYTES:
        raise InvalidInput(
            f"a workflow file of at most {MAX_WORKFLOW_BYTES} bytes is checked", field="file"
        )
    try:
        return upload.filename, content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(
            f"{upload.filename} is not UTF-8 text (byte {error.start})",
            code=ErrorCode.INVALID_INPUT,
            field="file",
        ) from None


@router.post("/admin/workflows/check")
async def check_workflow(
    request: Request, ctx: Ctx, words: Say, limited: Limited, post: Post
) -> Response:
    """A pasted or uploaded workflow checked, every problem with its line; nothing is
    stored. An uploaded file is checked as pasted text is, under the file's own name."""
    name = post.text("name").strip() or "workflow.yaml"
    text = post.text("text")
    try:
        uploaded = await _uploaded(request)
        if uploaded is not None:
            name, text = uploaded
        checked = await run_in_threadpool(
            workflow_service.check_workflow,
            ctx,
            post.actor,
            workflow_service.CheckWorkflow(text, name[:200]),
        )
    except CaseflowError as error:
        field = "file" if error.params.get("field") == "file" else "text"
        failed = Failed("check", field, words.error(error), post.form)
        return render(
            request,
            "admin_workflow_check.html",
            words,
            post.session,
            status=status_of(error),
            checked=None,
            failed=failed,
        )
    return render(
        request,
        "admin_workflow_check.html",
        words,
        post.session,
        status=200 if not checked.problems else 422,
        checked=checked,
        failed=Failed("check", None, "", post.form | {"name": name}),
    )
