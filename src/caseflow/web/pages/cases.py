"""The case pages: a new case, one case with its steps, edits, deadlines and history.

Every route parses the form, calls one service, and renders; a service error is
shown on the page it came from, in the reader's language, with the status its
kind has (a stale version offers reloading).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from caseflow.context import Context
from caseflow.domain import Origin, OriginKind
from caseflow.engine import NewCase
from caseflow.errors import CaseflowError, ErrorCode, InvalidInput
from caseflow.services import agenda as agenda_service
from caseflow.services import attachments as attachment_service
from caseflow.services import cases as case_service
from caseflow.services import deadlines as deadline_service
from caseflow.services import organisation
from caseflow.services.accounts import WebSession
from caseflow.web.deps import Ctx, Post, Say, Session
from caseflow.web.i18n import Words
from caseflow.web.labels import WorkflowLabels
from caseflow.web.pictures import case_timeline_picture, workflow_picture
from caseflow.web.problems import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)

# Messages a redirect may ask a page to show (by key: never text from the request).
FLASHES = ("saved", "nothing_changed", "case_advanced_plain", "attachment_added")


def _case_page(
    request: Request,
    ctx: Context,
    words: Words,
    session: WebSession,
    journal_no: str,
    *,
    error: CaseflowError | None = None,
    edit_error: bool = False,
    flash: str | None = None,
    attach_form: dict[str, str] | None = None,
) -> Response:
    view = case_service.show_case(ctx, session.actor, journal_no)
    files = {f.number: f for f in attachment_service.files_of(ctx, session.actor, journal_no)}
    entries = case_service.history(ctx, session.actor, journal_no)
    explained = deadline_service.explain_deadlines(ctx, session.actor, journal_no)
    labels = WorkflowLabels(ctx.engine.registry, words.language)
    course = agenda_service.course(ctx, session.actor, agenda_service.Course(journal_no)).data
    treatments = course["treatments"]
    timeline = case_timeline_picture(
        entries, treatments, view.workflow.definition, view.case.lead_administration, words
    )
    diagram = workflow_picture(
        view.workflow.definition,
        words,
        ident="case-diagram",
        version=view.case.workflow_version,
        current=view.case.state,
        entries=entries,
    )
    return render(
        request,
        "case.html",
        words,
        session,
        status=status_of(error) if error else 200,
        view=view,
        case=view.case,
        history=list(reversed(entries)),
        diagram=diagram,
        timeline=timeline,
        treatments=treatments,
        deadlines=explained.deadlines,
        workflow_title=labels.workflow(view.case.workflow_id),
        state_label=labels.state,
        trigger_label=labels.trigger,
        section_names=labels.sections(view.case.workflow_id, list(view.case.sections)),
        error=words.error(error) if error else None,
        conflict=error is not None and error.code is ErrorCode.STALE_VERSION,
        edit_error=edit_error,
        flash=flash,
        files=files,
        attach_form=attach_form,
        attach_error_field=str(error.params.get("field") or "file")
        if error is not None and attach_form is not None
        else None,
        max_attachment_mib=attachment_service.MAX_BYTES // (1024 * 1024),
    )


case_page_response = _case_page
"""The case page, perhaps with an error next to the form it came from (for other pages'
routes that act on a case, such as adding an attachment)."""


def _version(text: str) -> int | None:
    return int(text) if text.isdigit() else None


@router.get("/cases/new")
def new_case_page(request: Request, ctx: Ctx, words: Say, session: Session) -> Response:
    return _new_case_form(request, ctx, words, session, {})


def _new_case_form(
    request: Request,
    ctx: Context,
    words: Words,
    session: WebSession,
    form: dict[str, str],
    error: CaseflowError | None = None,
) -> Response:
    org = organisation.show_organisation(ctx, session.actor)
    labels = WorkflowLabels(ctx.engine.registry, words.language)
    workflows = [(w, labels.workflow(w)) for w in sorted(ctx.engine.registry.current)]
    administrations = sorted(session.actor.administrations)
    field = None
    if error is not None:
        field = str(error.params.get("field") or "")
        field = field or {ErrorCode.LEAD_REQUIRED: "lead_administration"}.get(error.code, "title")
    return render(
        request,
        "new_case.html",
        words,
        session,
        status=status_of(error) if error else 200,
        form=form,
        error=words.error(error) if error else None,
        error_field=field,
        workflows=workflows,
        administrations=[(a["code"], a["name"]) for a in org.administrations],
        committees=[(c["code"], c["name"]) for c in org.committees],
        default_lead=administrations[0] if len(administrations) == 1 else "",
    )


def _origin(post: Post) -> Origin:
    """The origin the form gives: its kind, and for an enquiry who asked and when."""
    try:
        kind = OriginKind(post.text("origin") or OriginKind.OWN_INITIATIVE)
    except ValueError:
        raise InvalidInput(
            f"{post.text('origin')!r} is not an origin", code=ErrorCode.INVALID_INPUT
        ) from None
    when = post.optional("date")
    try:
        day = date.fromisoformat(when) if when else None
    except ValueError:
        raise InvalidInput(
            f"{when!r} is not a date (YYYY-MM-DD)", code=ErrorCode.INVALID_INPUT, field="date"
        ) from None
    return Origin(kind, post.optional("member"), day, post.optional("committee"))


@router.post("/cases/new")
def open_case(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    form = post.form
    try:
        if not post.text("title").strip():
            raise InvalidInput("a case needs a title", code=ErrorCode.TEXT_REQUIRED)
        origin = _origin(post)
        case = case_service.open_case(
            ctx,
            post.actor,
            NewCase(
                workflow_id=post.text("workflow"),
                title=post.text("title"),
                summary=post.text("summary"),
                lead_administration=post.optional("lead_administration"),
                committee=post.optional("committee"),
                origin=origin,
            ),
        )
    except CaseflowError as error:
        return _new_case_form(request, ctx, words, post.session, form, error)
    return RedirectResponse(f"/cases/{case.journal_no}?flash=saved", status_code=303)


@router.get("/cases/{journal_no}")
def case_page(
    request: Request,
    ctx: Ctx,
    words: Say,
    session: Session,
    journal_no: str,
    flash: str | None = None,
) -> Response:
    shown = words(flash) if flash in FLASHES else None
    return _case_page(request, ctx, words, session, journal_no, flash=shown)


@router.post("/cases/{journal_no}/advance")
def advance(request: Request, ctx: Ctx, words: Say, post: Post, journal_no: str) -> Response:
    try:
        case_service.advance(
            ctx,
            post.actor,
            case_service.AdvanceRequest(
                journal_no=journal_no,
                trigger=post.text("trigger"),
                comment=post.optional("comment"),
                expected_version=_version(post.text("version")),
            ),
        )
    except CaseflowError as error:
        return _case_page(request, ctx, words, post.session, journal_no, error=error)
    return RedirectResponse(f"/cases/{journal_no}?flash=saved", status_code=303)


def _edits(post: Post) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if "title" in post.form:
        changes["title"] = post.text("title")
    if "summary" in post.form:
        changes["summary"] = post.text("summary")
    for name, value in post.form.items():
        if name.startswith("section.") and len(name) > len("section."):
            changes[f"sections.{name.removeprefix('section.')}"] = value
    if "recommendations" in post.form:
        lines = post.text("recommendations").splitlines()
        changes["recommendations"] = [line for line in lines if line.strip()]
    return changes


@router.post("/cases/{journal_no}/edit")
def edit(request: Request, ctx: Ctx, words: Say, post: Post, journal_no: str) -> Response:
    try:
        result = case_service.edit(
            ctx,
            post.actor,
            case_service.EditRequest(
                journal_no=journal_no,
                changes=_edits(post),
                comment=post.optional("comment"),
                expected_version=_version(post.text("version")),
            ),
        )
    except CaseflowError as error:
        return _case_page(
            request, ctx, words, post.session, journal_no, error=error, edit_error=True
        )
    flash = "saved" if result.changed else "nothing_changed"
    return RedirectResponse(f"/cases/{journal_no}?flash={flash}", status_code=303)
