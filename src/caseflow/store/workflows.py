"""Stored workflow versions: the definition text a running case runs on, and which version
each workflow has published for new cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, func, insert, select

from caseflow.errors import NotFound
from caseflow.store.tables import cases, workflow_publications, workflow_versions
from caseflow.store.upsert import insert_for


@dataclass(frozen=True)
class StoredVersion:
    workflow_id: str
    version: str
    title: str
    source_path: str
    source_text: str
    registered_at: datetime


def register(
    conn: Connection,
    *,
    workflow_id: str,
    version: str,
    title: str,
    source_path: str,
    source_text: str,
    now: datetime,
) -> bool:
    """Store a version once; returns True if it was new."""
    exists = conn.execute(
        select(workflow_versions.c.id).where(
            workflow_versions.c.workflow_id == workflow_id,
            workflow_versions.c.version == version,
        )
    ).first()
    if exists is not None:
        return False
    values = {
        "workflow_id": workflow_id,
        "version": version,
        "title": title,
        "source_path": source_path,
        "source_text": source_text,
        "registered_at": now,
    }
    if conn.dialect.name != "postgresql":
        # SQLite queues write transactions (BEGIN IMMEDIATE): nobody inserted it meanwhile.
        conn.execute(insert(workflow_versions).values(values))
        return True
    # PostgreSQL runs them side by side: two first cases of a new version may both get
    # here; the second insert waits for the first transaction and then does nothing.
    statement = (
        insert_for("postgresql")(workflow_versions)
        .values(values)
        .on_conflict_do_nothing(
            index_elements=[workflow_versions.c.workflow_id, workflow_versions.c.version]
        )
        .returning(workflow_versions.c.id)
    )
    return conn.execute(statement).first() is not None


def get(conn: Connection, workflow_id: str, version: str) -> StoredVersion:
    row = conn.execute(
        select(workflow_versions).where(
            workflow_versions.c.workflow_id == workflow_id,
            workflow_versions.c.version == version,
        )
    ).first()
    if row is None:
        raise NotFound(f"workflow {workflow_id!r} version {version[:12]} is not in the database")
    return _stored(row)


def versions(conn: Connection) -> list[tuple[str, str]]:
    """(workflow id, version) of every stored version: every version a case runs on."""
    query = select(workflow_versions.c.workflow_id, workflow_versions.c.version).order_by(
        workflow_versions.c.id
    )
    return [(workflow_id, version) for workflow_id, version in conn.execute(query)]


def all_versions(conn: Connection) -> list[StoredVersion]:
    rows = conn.execute(
        select(workflow_versions).order_by(
            workflow_versions.c.workflow_id, workflow_versions.c.registered_at
        )
    )
    return [_stored(row) for row in rows]


def _stored(row: Row[Any]) -> StoredVersion:
    return StoredVersion(
        workflow_id=row.workflow_id,
        version=row.version,
        title=row.title,
        source_path=row.source_path,
        source_text=row.source_text,
        registered_at=row.registered_at,
    )


def cases_per_version_and_state(conn: Connection) -> dict[tuple[str, str, str], int]:
    """How many cases are in each state of each stored version, by (workflow id,
    version hash, state)."""
    query = select(
        cases.c.workflow_id, cases.c.workflow_version, cases.c.state, func.count()
    ).group_by(cases.c.workflow_id, cases.c.workflow_version, cases.c.state)
    return {(w, v, state): n for w, v, state, n in conn.execute(query).all()}


def cases_per_version(conn: Connection) -> dict[str, int]:
    """How many cases run on each stored version, by version hash."""
    query = select(cases.c.workflow_version, func.count()).group_by(cases.c.workflow_version)
    return dict(conn.execute(query).all())


# --- publications (migration 0009) ----------------------------------------------------------


@dataclass(frozen=True)
class Publication:
    workflow_id: str
    version: str
    published_at: datetime
    published_by: str
    source_path: str


def publish(
    conn: Connection,
    *,
    workflow_id: str,
    version: str,
    published_by: str,
    source_path: str,
    now: datetime,
) -> None:
    """Record that ``version`` (already stored) is what new cases of ``workflow_id`` get."""
    conn.execute(
        insert(workflow_publications).values(
            workflow_id=workflow_id,
            version=version,
            published_at=now,
            published_by=published_by,
            source_path=source_path,
        )
    )


def publication_mark(conn: Connection) -> int:
    """The newest publication's id (0: none): a process that saw this mark has seen all."""
    return int(
        conn.execute(select(func.coalesce(func.max(workflow_publications.c.id), 0))).scalar_one()
    )


def published(conn: Connection) -> dict[str, StoredVersion]:
    """The newest published version of each workflow that has been published, by id."""
    newest = (
        select(func.max(workflow_publications.c.id))
        .group_by(workflow_publications.c.workflow_id)
        .scalar_subquery()
    )
    query = (
        select(workflow_versions, workflow_publications.c.source_path.label("published_from"))
        .join(
            workflow_publications,
            (workflow_publications.c.workflow_id == workflow_versions.c.workflow_id)
            & (workflow_publications.c.version == workflow_versions.c.version),
        )
        .where(workflow_publications.c.id.in_(newest))
    )
    return {row.workflow_id: _stored(row) for row in conn.execute(query)}


def publications(conn: Connection, workflow_id: str) -> list[Publication]:
    query = (
        select(workflow_publications)
        .where(workflow_publications.c.workflow_id == workflow_id)
        .order_by(workflow_publications.c.id)
    )
    return [
        Publication(r.workflow_id, r.version, r.published_at, r.published_by, r.source_path)
        for r in conn.execute(query)
    ]


def versions_of(conn: Connection, workflow_id: str) -> list[StoredVersion]:
    """Every stored version of one workflow, oldest first."""
    rows = conn.execute(
        select(workflow_versions)
        .where(workflow_versions.c.workflow_id == workflow_id)
        .order_by(workflow_versions.c.registered_at, workflow_versions.c.id)
    )
    return [_stored(row) for row in rows]


def find_version(conn: Connection, workflow_id: str | None, prefix: str) -> list[StoredVersion]:
    """The stored versions whose hash starts with ``prefix`` (of ``workflow_id``, if given)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = select(workflow_versions).where(
        workflow_versions.c.version.like(f"{escaped}%", escape="\\")
    )
    if workflow_id is not None:
        query = query.where(workflow_versions.c.workflow_id == workflow_id)
    return [_stored(row) for row in conn.execute(query.limit(2))]


def cases_by_version_and_state(conn: Connection, workflow_id: str) -> dict[tuple[str, str], int]:
    """How many cases of ``workflow_id`` are in each (version, state)."""
    query = (
        select(cases.c.workflow_version, cases.c.state, func.count())
        .where(cases.c.workflow_id == workflow_id)
        .group_by(cases.c.workflow_version, cases.c.state)
    )
    return {(version, state): n for version, state, n in conn.execute(query).all()}
