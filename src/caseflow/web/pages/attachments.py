"""Attachments on the case page: a file uploaded (multipart, CSRF-checked, size-capped)
and a file fetched. Both call :mod:`caseflow.services.attachments`, as
``caseflow case attach`` does.

A request larger than the cap is refused from its ``Content-Length`` before its body is
read; a file that turns out larger (a chunked upload) is refused by the service.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from caseflow.errors import CaseflowError
from caseflow.services import attachments as service
from caseflow.web.deps import Ctx, Post, Say, Session
from caseflow.web.pages.cases import case_page_response

router = APIRouter(include_in_schema=False)

# Room for the form's other fields and the multipart framing around the file.
_FRAMING = 64 * 1024


def within_limit(request: Request) -> None:
    """Refuse a body past the cap before reading it (the page still says why)."""
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > service.MAX_BYTES + _FRAMING:
        raise service.too_large(int(length))


Limited = Annotated[None, Depends(within_limit)]


async def _file(request: Request) -> tuple[str, bytes, str]:
    """The uploaded file's name, content (at most the cap and one byte) and type."""
    form = await request.form()  # already parsed (and cached) by the CSRF check
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        return "", b"", ""
    content = await upload.read(service.MAX_BYTES + 1)
    return upload.filename or "", content, upload.content_type or ""


@router.post("/cases/{journal_no}/attachments")
async def add_attachment(
    request: Request, ctx: Ctx, words: Say, limited: Limited, post: Post, journal_no: str
) -> Response:
    filename, content, content_type = await _file(request)
    version = post.text("version")
    try:
        await run_in_threadpool(
            service.attach,
            ctx,
            post.actor,
            service.AttachFile(
                journal_no=journal_no,
                title=post.text("title"),
                filename=filename,
                content=content,
                content_type=content_type,
                number=post.optional("number"),
                expected_version=int(version) if version.isdigit() else None,
            ),
        )
    except CaseflowError as error:
        return await run_in_threadpool(
            case_page_response,
            request,
            ctx,
            words,
            post.session,
            journal_no,
            error=error,
            attach_form=post.form,
        )
    return RedirectResponse(f"/cases/{journal_no}?flash=attachment_added", status_code=303)


@router.get("/cases/{journal_no}/attachments/{number}")
def attachment_file(ctx: Ctx, session: Session, journal_no: str, number: str) -> Response:
    info, content = service.fetch(ctx, session.actor, journal_no, number)
    # Always a download, never shown in the page's origin (a file is not our markup).
    disposition = f"attachment; filename*=UTF-8''{quote(info.filename)}"
    return Response(
        content,
        media_type=info.content_type,
        headers={"Content-Disposition": disposition},
    )
