"""Attachments (bilag) with their files: added on the case page or with
``caseflow case attach``, listed on the case, fetched by whoever may see the case.

Adding one is an edit of the case (audited, version-checked, refused to whoever may
not edit it) that appends ``{number, title}`` to its ``attachments``, written in the
same transaction as the file's row: a file is never stored without its case listing
it, nor listed without its file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from caseflow import policy
from caseflow.context import Context
from caseflow.domain import Actor, AuditKind
from caseflow.engine import Engine
from caseflow.errors import ErrorCode, InvalidInput, NotFound
from caseflow.store import attachment_files as files
from caseflow.store import cases as case_rows
from caseflow.store.attachment_files import FileInfo
from caseflow.store.db import read_transaction

MAX_BYTES = 10 * 1024 * 1024
"""The largest attachment file stored (10 MiB): larger ones are refused, never cut."""

MAX_TITLE = 300
MAX_FILENAME = 255

__all__ = ["MAX_BYTES", "AttachFile", "Attached", "FileInfo", "attach", "fetch", "files_of"]


@dataclass(frozen=True)
class AttachFile:
    journal_no: str
    title: str
    filename: str
    content: bytes
    content_type: str = "application/octet-stream"
    number: str | None = None  # the document's own number; None: the next free 1, 2, ...
    comment: str | None = None
    expected_version: int | None = None


@dataclass(frozen=True)
class Attached:
    journal_no: str
    number: str
    title: str
    filename: str
    size: int
    sha256: str
    case_version: int

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _checked(request: AttachFile) -> tuple[str, str, str]:
    title = request.title.strip()
    if not title:
        raise InvalidInput(
            "give the attachment a title", code=ErrorCode.TEXT_REQUIRED, field="title"
        )
    if len(title) > MAX_TITLE:
        raise InvalidInput(f"a title of at most {MAX_TITLE} characters", field="title")
    filename = request.filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not filename or not request.content:
        raise InvalidInput(
            "choose a file that is not empty", code=ErrorCode.FILE_REQUIRED, field="file"
        )
    if len(request.content) > MAX_BYTES:
        raise too_large(len(request.content))
    content_type = request.content_type.strip()[:100] or "application/octet-stream"
    return title, filename[:MAX_FILENAME], content_type


def too_large(size: int) -> InvalidInput:
    """The refusal of a file past :data:`MAX_BYTES` (the web raises it before reading it)."""
    return InvalidInput(
        f"the file is {size} bytes; an attachment may be at most {MAX_BYTES} bytes "
        f"({MAX_BYTES // (1024 * 1024)} MiB)",
        code=ErrorCode.ATTACHMENT_TOO_LARGE,
        field="file",
        size=size,
        limit=MAX_BYTES,
        limit_mib=MAX_BYTES // (1024 * 1024),
    )


def attach(ctx: Context, actor: Actor, request: AttachFile) -> Attached:
    """Add an attachment with its file to a case (see the module's text)."""
    title, filename, content_type = _checked(request)
    engine = ctx.engine
    digest = hashlib.sha256(request.content).hexdigest()
    with engine.transaction() as conn:
        before = policy.visible_case(conn, request.journal_no, actor)
        if request.expected_version is not None and request.expected_version != before.version:
            raise case_rows.stale_version(before, request.expected_version)
        workflow = engine.registry.for_case(conn, before.workflow_id, before.workflow_version)
        Engine._check_may_edit(workflow, before, actor)  # the engine's own rule for an edit
        taken = {a.number for a in before.attachments}
        number = (request.number or "").strip() or _next_free(taken)
        if number in taken:
            raise InvalidInput(
                f"case {before.journal_no} already has an attachment {number}",
                code=ErrorCode.ATTACHMENT_EXISTS,
                field="number",
                journal_no=before.journal_no,
                number=number,
            )
        files.insert_file(
            conn,
            case_id=before.id,
            number=number[:100],
            filename=filename,
            content_type=content_type,
            content=request.content,
            sha256=digest,
            uploaded_by=actor.username,
            uploaded_at=engine.clock.now(),
        )
        listed = [a.to_json() for a in before.attachments] + [{"number": number, "title": title}]
        after = engine.record_in(
            conn,
            before,
            {"attachments": listed},
            actor,
            kind=AuditKind.EDIT,
            comment=request.comment or f"bilag {number}: {filename} ({len(request.content)} bytes)",
        )
    return Attached(
        after.journal_no, number, title, filename, len(request.content), digest, after.version
    )


def _next_free(taken: set[str]) -> str:
    n = len(taken) + 1
    while str(n) in taken:
        n += 1
    return str(n)


def files_of(ctx: Context, actor: Actor, journal_no: str) -> Sequence[FileInfo]:
    """The files of a case's attachments (not their content), for whoever may see it."""
    with read_transaction(ctx.engine.db) as conn:
        case = policy.visible_case(conn, journal_no, actor)
        return files.files_of(conn, case.id)


def fetch(ctx: Context, actor: Actor, journal_no: str, number: str) -> tuple[FileInfo, bytes]:
    """One attachment's file, for whoever may see the case."""
    with read_transaction(ctx.engine.db) as conn:
        case = policy.visible_case(conn, journal_no, actor)
        found = files.content_of(conn, case.id, number)
    if found is None:
        raise NotFound(
            f"case {journal_no} has no attachment file {number!r}",
            code=ErrorCode.UNKNOWN_ATTACHMENT,
            journal_no=journal_no,
            number=number,
        )
    return found
