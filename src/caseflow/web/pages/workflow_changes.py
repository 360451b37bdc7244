"""The administrators' page for changing a workflow under running cases: the diff of a
pasted or uploaded file against the version new cases get now, publishing it, a dry run
and a run of a migration, and the migrations with pause, resume and revert.

Every route parses the form, calls one service of :mod:`caseflow.services.workflows` or
:mod:`caseflow.services.workflow_changes`, and renders. Who may do it is the services'
to say (an administrator): a refusal is shown beside its form, with the status it has.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from caseflow.context import Context
from caseflow.definitions.migration_plan import parse_mapping
from caseflow.errors import CaseflowError, DefinitionError, InvalidInput, Problem
from caseflow.services import workflow_changes as changes
from caseflow.services import workflows as workflow_service
from caseflow.services.accounts import WebSession
from caseflow.web.deps import Ctx, Post, RowId, Say, Session
from caseflow.web.i18n import Words
from caseflow.web.pages.agenda import Failed
from caseflow.web.problems import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)

PAGE = "/admin/workflow-changes"
Flash = Annotated[str | None, Query(max_length=40)]
Upload = Annotated[UploadFile | None, File()]
Action = Literal["pause", "resume", "revert"]


def _page(
    request: Request,
    ctx: Context,
    words: Words,
    session: WebSession,
    *,
    error: CaseflowError | None = None,
    failed: Failed | None = None,
    flash: str | None = None,
    problems: tuple[Problem, ...] = (),
) -> Response:
    found = changes.list_migrations(ctx, session.actor)
    return render(
        request,
        "workflow_changes/index.html",
        words,
        session,
        status=status_of(error) if error else 200,
        migrations=found,
        failed=failed,
        flash=flash,
        problems=problems,
    )


@router.get(PAGE)
def index(
    request: Request, ctx: Ctx, words: Say, session: Session, flash: Flash = None
) -> Response:
    shown = {"published": words("wfc_published"), "paused": words("wfc_paused")}.get(flash or "")
    return _page(request, ctx, words, session, flash=shown)


def _text(post_text: str, upload: UploadFile | None) -> tuple[str, str]:
    """The workflow's text: an uploaded file's, else the pasted one; and its name."""
    if upload is not None and upload.filename:
        data = upload.file.read(workflow_service.MAX_WORKFLOW_TEXT * 4 + 1)
        try:
            return data.decode("utf-8-sig"), upload.filename[:200]
        except UnicodeDecodeError:
            raise InvalidInput("the uploaded file is not UTF-8 text", field="text") from None
    return post_text, "workflow.yaml"


def _refused(
    request: Request, ctx: Context, words: Words, post: Post, form: str, error: CaseflowError
) -> Response:
    problems = tuple(error.problems) if isinstance(error, DefinitionError) else ()
    failed = Failed(form, None, words.error(error), post.form)
    return _page(request, ctx, words, post.session, error=error, failed=failed, problems=problems)


@router.post(f"{PAGE}/diff")
def diff(request: Request, ctx: Ctx, words: Say, post: Post, file: Upload = None) -> Response:
    """The file against the version of its workflow that new cases get now."""
    try:
        text, name = _text(post.text("text"), file)
        if not text.strip():
            raise InvalidInput("paste the workflow's text or upload its file", field="text")
        result = changes.diff_with_current(ctx, post.actor, changes.WorkflowText(text, name))
    except CaseflowError as error:
        return _refused(request, ctx, words, post, "diff", error)
    return render(
        request,
        "workflow_changes/diff.html",
        words,
        post.session,
        result=result,
        text=text,
        name=name,
        failed=None,
    )


@router.post(f"{PAGE}/publish")
def publish(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    try:
        workflow_service.publish_workflow(
            ctx,
            post.actor,
            workflow_service.PublishWorkflow(post.text("text"), post.text("name")[:200] or "x"),
        )
    except CaseflowError as error:
        return _refused(request, ctx, words, post, "diff", error)
    return RedirectResponse(f"{PAGE}?{urlencode({'flash': 'published'})}", status_code=303)


def _request(post: Post) -> changes.MigrateRequest:
    mapping = parse_mapping(line for line in post.text("map").splitlines() if line.strip())
    where = tuple(s.strip() for s in post.text("where").split(",") if s.strip())
    return changes.MigrateRequest(post.text("workflow").strip(), None, (), mapping, where)


@router.post(f"{PAGE}/dry-run")
def dry_run(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    try:
        preview = changes.preview_migration(ctx, post.actor, _request(post))
    except CaseflowError as error:
        return _refused(request, ctx, words, post, "migrate", error)
    return render(
        request,
        "workflow_changes/dry_run.html",
        words,
        post.session,
        preview=preview,
        values=post.form,
        failed=None,
    )


@router.post(f"{PAGE}/migrate")
def migrate(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    try:
        report = changes.start_migration(ctx, post.actor, _request(post))
    except CaseflowError as error:
        return _refused(request, ctx, words, post, "migrate", error)
    return RedirectResponse(f"{PAGE}/migrations/{report.migration.id}", status_code=303)


@router.get(PAGE + "/migrations/{migration_id}")
def migration(
    request: Request, ctx: Ctx, words: Say, session: Session, migration_id: RowId
) -> Response:
    shown = changes.show_migration(ctx, session.actor, migration_id)
    return render(
        request, "workflow_changes/migration.html", words, session, shown=shown, failed=None
    )


@router.post(PAGE + "/migrations/{migration_id}/{action}")
def act(
    request: Request, ctx: Ctx, words: Say, post: Post, migration_id: RowId, action: Action
) -> Response:
    """Pause, resume or revert a migration."""
    try:
        if action == "pause":
            changes.pause_migration(ctx, post.actor, migration_id)
        elif action == "resume":
            changes.resume_migration(ctx, post.actor, migration_id)
        else:
            changes.revert_migration(ctx, post.actor, migration_id)
    except CaseflowError as error:
        return _refused(request, ctx, words, post, f"migration-{migration_id}", error)
    return RedirectResponse(f"{PAGE}/migrations/{migration_id}", status_code=303)
