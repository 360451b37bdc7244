"""The secretariat's import page: upload a published item or agenda, see what was read
field by field with every repair the reader made, then import it.

Three steps, each calling :mod:`caseflow.services.imports` as the command line does:
the form; the preview (the file's text read into items, and the import run as a dry
run, so the page shows what the import will do, item by item, before anything is
written); the import (the same service, for real). The preview's form carries the
text it showed (base64, with its SHA-256), not the file: the import reads exactly
that text, so it does what the preview said. Uploads are capped (:data:`MAX_UPLOAD`,
checked on the request's length before the form is read and again on the file).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import Response

from caseflow.context import Context
from caseflow.documents.config import load_config
from caseflow.documents.importer import ImportedItem
from caseflow.errors import CaseflowError
from caseflow.services import imports
from caseflow.services.accounts import WebSession
from caseflow.web.deps import Ctx, Post, Say, Session
from caseflow.web.i18n import Words
from caseflow.web.pages.agenda import Failed
from caseflow.web.problems import status_of
from caseflow.web.templating import render

router = APIRouter(include_in_schema=False)

MAX_UPLOAD = 10 * 1024 * 1024  # bytes of the file
MAX_TEXT = 600_000  # characters of its text that a form carries to the import
_MULTIPART_SLACK = 64 * 1024  # the form's other fields and boundaries
FORM = "import"
OPTIONS = ("meeting", "lead", "committee", "late_reason", "note")


MAX_SIZE_TEXT = f"{MAX_UPLOAD // (1024 * 1024)} MB"


def upload_fits(request: Request) -> None:
    """Refuse an upload whose declared length is past the cap before its form is read."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > MAX_UPLOAD + _MULTIPART_SLACK:
        raise HTTPException(413, "the upload is too large")


@dataclass(frozen=True)
class Options:
    """What the form asks besides the file, as typed (``values``) and as parsed."""

    values: dict[str, str]
    meeting_id: int | None

    @classmethod
    def of(cls, form: dict[str, str]) -> Options:
        values = {name: form.get(name, "").strip() for name in OPTIONS}
        meeting = values["meeting"]
        if meeting and not (meeting.isdigit() and 1 <= int(meeting) <= 2**31 - 1):
            raise _FormError("meeting", "imports_meeting_invalid")
        return cls(values, int(meeting) if meeting else None)

    def get(self, name: str) -> str | None:
        return self.values.get(name) or None


class _FormError(Exception):
    """A field of the form the page itself refuses (before any service is asked)."""

    def __init__(self, field: str | None, key: str) -> None:
        super().__init__(key)
        self.field = field
        self.key = key


def _form_page(
    request: Request,
    words: Words,
    session: WebSession,
    *,
    failed: Failed | None = None,
    status: int = 200,
) -> Response:
    return render(
        request,
        "imports/form.html",
        words,
        session,
        status=status,
        failed=failed,
        max_size=MAX_SIZE_TEXT,
    )


@router.get("/imports")
def import_form(request: Request, words: Say, session: Session) -> Response:
    return _form_page(request, words, session)


def _run(
    ctx: Context,
    session: WebSession,
    items: list[ImportedItem],
    source: str,
    options: Options,
    *,
    dry_run: bool,
) -> imports.AgendaImported | imports.ItemsImported:
    """The import service, as the command line calls it."""
    if options.meeting_id is not None:
        return imports.import_agenda(
            ctx,
            session.actor,
            imports.ImportAgenda(
                options.meeting_id,
                items,
                source,
                lead=options.get("lead"),
                late_reason=options.get("late_reason"),
                note=options.get("note"),
                dry_run=dry_run,
            ),
        )
    return imports.import_items(
        ctx,
        session.actor,
        imports.ImportItems(
            items,
            source,
            lead=options.get("lead"),
            committee=options.get("committee"),
            dry_run=dry_run,
        ),
    )


def _refused(
    request: Request,
    words: Words,
    session: WebSession,
    values: dict[str, str],
    *,
    error: CaseflowError | None = None,
    problem: _FormError | None = None,
) -> Response:
    if error is not None:
        failed = Failed(FORM, None, words.error(error), values)
        return _form_page(request, words, session, failed=failed, status=status_of(error))
    assert problem is not None
    message = words(problem.key, size=MAX_SIZE_TEXT)
    failed = Failed(FORM, problem.field, message, values)
    return _form_page(request, words, session, failed=failed, status=422)


@router.post("/imports/preview", dependencies=[Depends(upload_fits)])
def preview(
    request: Request,
    ctx: Ctx,
    words: Say,
    post: Post,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    """The file read into items, and the import as a dry run: what it will do."""
    values = {name: post.text(name) for name in OPTIONS}
    try:
        options = Options.of(post.form)
        data = _upload(file)
        source = (file.filename if file is not None else None) or "upload"
        text = imports.file_text(data, source)
        if len(text) > MAX_TEXT:
            raise _FormError("file", "imports_text_too_long")
        items = imports.read_text(text, source, load_config())
        outcome = _run(ctx, post.session, items, source, options, dry_run=True)
    except _FormError as problem:
        return _refused(request, words, post.session, values, problem=problem)
    except CaseflowError as error:
        return _refused(request, words, post.session, values, error=error)
    return _outcome_page(request, words, post.session, outcome, source, text, options)


def _upload(file: UploadFile | None) -> bytes:
    if file is None or not file.filename:
        raise _FormError("file", "imports_file_required")
    data = file.file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        raise _FormError("file", "imports_file_too_large")
    return data


@router.post("/imports")
def run_import(request: Request, ctx: Ctx, words: Say, post: Post) -> Response:
    """The import, of the text the preview showed."""
    values = {name: post.text(name) for name in OPTIONS}
    source = post.text("source") or "upload"
    try:
        options = Options.of(post.form)
        text = _carried_text(post.text("text"), post.text("digest"))
        items = imports.read_text(text, source, load_config())
        outcome = _run(ctx, post.session, items, source, options, dry_run=False)
    except _FormError as problem:
        return _refused(request, words, post.session, values, problem=problem)
    except CaseflowError as error:
        return _refused(request, words, post.session, values, error=error)
    return _outcome_page(request, words, post.session, outcome, source, text, options)


def _carried_text(encoded: str, digest: str) -> str:
    """The text a preview carried, if it is the one it showed."""
    try:
        text = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise _FormError(None, "imports_text_changed") from None
    if len(text) > MAX_TEXT or hashlib.sha256(text.encode()).hexdigest() != digest:
        raise _FormError(None, "imports_text_changed")
    return text


def _outcome_page(
    request: Request,
    words: Words,
    session: WebSession,
    outcome: imports.AgendaImported | imports.ItemsImported,
    source: str,
    text: str,
    options: Options,
) -> Response:
    mode: dict[str, Any] | None = None
    if isinstance(outcome, imports.AgendaImported):
        mode = {
            "key": f"imports_mode_{outcome.mode}",
            "meeting_id": outcome.meeting_id,
            "committee": outcome.committee,
            "day": outcome.meeting_date,
        }
    imported = sum(not one.refused for one in outcome.items)
    return render(
        request,
        "imports/preview.html",
        words,
        session,
        rows=outcome.items,
        mode=mode,
        dry_run=outcome.dry_run,
        imported=imported,
        source=source,
        text=base64.b64encode(text.encode()).decode("ascii"),
        digest=hashlib.sha256(text.encode()).hexdigest(),
        values=options.values,
    )
