"""The files of attachments (bilag): written with the edit that lists them on the case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from caseflow.store.tables import attachment_files


@dataclass(frozen=True)
class FileInfo:
    number: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime


def insert_file(
    conn: Connection,
    *,
    case_id: int,
    number: str,
    filename: str,
    content_type: str,
    content: bytes,
    sha256: str,
    uploaded_by: str,
    uploaded_at: datetime,
) -> None:
    conn.execute(
        insert(attachment_files).values(
            case_id=case_id,
            number=number,
            filename=filename,
            content_type=content_type,
            size=len(content),
            sha256=sha256,
            content=content,
            uploaded_by=uploaded_by,
            uploaded_at=uploaded_at,
        )
    )


_INFO = (
    attachment_files.c.number,
    attachment_files.c.filename,
    attachment_files.c.content_type,
    attachment_files.c.size,
    attachment_files.c.sha256,
    attachment_files.c.uploaded_by,
    attachment_files.c.uploaded_at,
)


def files_of(conn: Connection, case_id: int) -> list[FileInfo]:
    """The case's files (never their content), in the order they came."""
    query = (
        select(*_INFO).where(attachment_files.c.case_id == case_id).order_by(attachment_files.c.id)
    )
    return [FileInfo(*row) for row in conn.execute(query)]


def content_of(conn: Connection, case_id: int, number: str) -> tuple[FileInfo, bytes] | None:
    query = select(*_INFO, attachment_files.c.content).where(
        attachment_files.c.case_id == case_id, attachment_files.c.number == number
    )
    row = conn.execute(query).first()
    if row is None:
        return None
    return FileInfo(*row[:-1]), bytes(row[-1])
