"""Workflow definitions: those in the folder, the versions stored in the database with
how many cases run on each, and one workflow's states, transitions and diagram; the
versions of one workflow, publishing a new one, and a starting file for a new workflow.

A definition is the municipality's published procedure, not case content: the folder
list, ``show`` and ``diagram`` need no actor and no database. The stored versions
(and their case counts) are read from the database, for anyone who says who they
are (``actor`` not None).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from caseflow import policy
from caseflow.context import Context
from caseflow.definitions import mermaid_diagram
from caseflow.definitions.loader import LoadedWorkflow, load_workflow_text
from caseflow.definitions.starter import starter_text
from caseflow.domain import Actor
from caseflow.errors import DefinitionError, ErrorCode, InvalidInput, NotFound, Problem
from caseflow.store import workflows as stored
from caseflow.store.db import read_transaction


@dataclass(frozen=True)
class WorkflowSummary:
    workflow_id: str
    title: str  # in English, as the table always showed it
    version: str
    states: int
    transitions: int
    path: str

    def to_json(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow_id,
            "title": self.title,
            "version": self.version,
            "states": self.states,
            "transitions": self.transitions,
            "path": self.path,
        }


@dataclass(frozen=True)
class StoredVersion:
    workflow_id: str
    version: str
    registered_at: datetime
    cases: int
    current: bool  # the version the folder holds now

    def to_json(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow_id,
            "version": self.version,
            "registered_at": self.registered_at.isoformat(),
            "cases": self.cases,
            "current": self.current,
        }


@dataclass(frozen=True)
class WorkflowList:
    """The folder's workflows, and (None: not asked for) the stored versions."""

    current: Sequence[WorkflowSummary]
    stored: Sequence[StoredVersion] | None

    def to_json(self) -> dict[str, Any]:
        return {
            "workflows": [w.to_json() for w in self.current],
            "stored_versions": None if self.stored is None else [v.to_json() for v in self.stored],
        }


def list_workflows(ctx: Context, actor: Actor | None) -> WorkflowList:
    """The folder's workflows by id; with an ``actor``, also the stored versions."""
    current = ctx.engine.registry.current
    summaries = [
        WorkflowSummary(
            workflow_id,
            loaded.definition.title.en,
            loaded.version,
            len(loaded.definition.states),
            len(loaded.definition.transitions),
            loaded.path,
        )
        for workflow_id, loaded in sorted(current.items())
    ]
    if actor is None:
        return WorkflowList(summaries, None)
    with read_transaction(ctx.engine.db) as conn:
        versions = stored.all_versions(conn)
        counts = stored.cases_per_version(conn)
    return WorkflowList(
        summaries,
        [
            StoredVersion(
                v.workflow_id,
                v.version,
                v.registered_at,
                counts.get(v.version, 0),
                current.get(v.workflow_id) is not None
                and current[v.workflow_id].version == v.version,
            )
            for v in versions
        ],
    )


@dataclass(frozen=True)
class VersionInUse:
    """A stored version with how many of its cases still run (are not in a final state)."""

    version: StoredVersion
    running: int


@dataclass(frozen=True)
class WorkflowVersions:
    current: Sequence[WorkflowSummary]
    versions: Sequence[VersionInUse]


def workflow_versions(ctx: Context, actor: Actor) -> WorkflowVersions:
    """The folder's workflows and every stored version with how many cases it holds and
    how many of those still run: the administrators' view (the plain list,
    :func:`list_workflows`, is anyone's)."""
    policy.require_administrator(actor, "look after the workflows")
    listed = list_workflows(ctx, actor)
    registry = ctx.engine.registry
    with read_transaction(ctx.engine.db) as conn:
        counts = stored.cases_per_version_and_state(conn)
        running: dict[tuple[str, str], int] = {}
        for (workflow_id, version, state), count in counts.items():
            states = registry.for_case(conn, workflow_id, version).definition.states
            if not (state in states and states[state].final):
                running[workflow_id, version] = running.get((workflow_id, version), 0) + count
    return WorkflowVersions(
        listed.current,
        [VersionInUse(v, running.get((v.workflow_id, v.version), 0)) for v in listed.stored or ()],
    )


@dataclass(frozen=True)
class WorkflowShown:
    """One workflow as the folder holds it now."""

    loaded: LoadedWorkflow

    def to_json(self) -> dict[str, Any]:
        definition = self.loaded.definition
        return {
            "workflow": definition.id,
            "title": definition.title.model_dump(),
            "version": self.loaded.version,
            "path": self.loaded.path,
            "description": definition.description,
            "states": [
                {
                    "name": name,
                    "title": s.title.en if s.title else None,
                    "owner": s.owner,
                    "initial": s.initial,
                    "final": s.final,
                }
                for name, s in definition.states.items()
            ],
            "transitions": [
                {
                    "trigger": t.trigger,
                    "from": list(t.sources),
                    "to": t.dest,
                    "roles": list(t.roles),
                    "guards": [{"name": g.name, "params": g.params} for g in t.guards],
                }
                for t in definition.transitions
            ],
        }


def show_workflow(ctx: Context, actor: Actor | None, workflow_id: str) -> WorkflowShown:
    """The states and transitions of ``workflow_id`` as the folder holds it."""
    current = ctx.engine.registry.current
    if workflow_id not in current:
        known = sorted(current)
        raise NotFound(
            f"no workflow {workflow_id!r}; known: {', '.join(known)}",
            code=ErrorCode.UNKNOWN_WORKFLOW,
            workflow_id=workflow_id,
            known=known,
        )
    return WorkflowShown(current[workflow_id])


def workflow_diagram(ctx: Context, actor: Actor | None, workflow_id: str) -> str:
    """The Mermaid state diagram of ``workflow_id``."""
    return mermaid_diagram(show_workflow(ctx, actor, workflow_id).loaded.definition)


MAX_WORKFLOW_TEXT = 500_000
"""The most characters of a pasted workflow that are checked."""


@dataclass(frozen=True)
class CheckWorkflow:
    """A workflow file's text, as pasted or uploaded, and the name to report it by."""

    text: str
    name: str = "workflow.yaml"


@dataclass(frozen=True)
class CheckedWorkflow:
    """Every problem of the text, by line (none: it would load as ``loaded``)."""

    problems: Sequence[Problem]
    loaded: LoadedWorkflow | None

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": not self.problems,
            "workflow": self.loaded.definition.id if self.loaded else None,
            "version": self.loaded.version if self.loaded else None,
            "problems": [
                {"file": p.file, "line": p.line, "where": p.where, "message": p.message}
                for p in self.problems
            ],
        }


def check_workflow(ctx: Context, actor: Actor, request: CheckWorkflow) -> CheckedWorkflow:
    """Check a workflow's text without storing or running it (an administrator's): every
    problem with its line, as ``caseflow workflow validate`` reports a file's."""
    del ctx  # the check reads nothing: the text alone is judged
    policy.require_administrator(actor, "check a workflow")
    if not request.text.strip():
        raise InvalidInput("paste the workflow's text", code=ErrorCode.TEXT_REQUIRED, field="text")
    if len(request.text) > MAX_WORKFLOW_TEXT:
        raise InvalidInput(
            f"a workflow of at most {MAX_WORKFLOW_TEXT} characters is checked", field="text"
        )
    try:
        loaded = load_workflow_text(request.text, request.name)
    except DefinitionError as error:
        return CheckedWorkflow(error.problems, None)
    return CheckedWorkflow((), loaded)


# --- the versions of one workflow, publishing, a starting file (wf18) ----------------------


@dataclass(frozen=True)
class VersionLine:
    """One stored version of a workflow: its hash, when it was first stored (first used or
    published), the file it came from, how many of its cases still run, and whether it is
    the one new cases get."""

    version: str
    registered_at: datetime
    source_path: str
    running: int
    cases: int
    current: bool
    published_at: datetime | None  # its newest publication, if it was published

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "registered_at": self.registered_at.isoformat(),
            "source_path": self.source_path,
            "running": self.running,
            "cases": self.cases,
            "current": self.current,
            "published_at": self.published_at.isoformat() if self.published_at else None,
        }


@dataclass(frozen=True)
class VersionList:
    workflow_id: str
    versions: Sequence[VersionLine]
    folder_version: str | None  # what the workflows folder holds, if it has the workflow

    def to_json(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow_id,
            "folder_version": self.folder_version,
            "versions": [v.to_json() for v in self.versions],
        }


def unknown_workflow(workflow_id: str, known: Sequence[str]) -> NotFound:
    return NotFound(
        f"no workflow {workflow_id!r}; known: {', '.join(known)}",
        code=ErrorCode.UNKNOWN_WORKFLOW,
        workflow_id=workflow_id,
        known=list(known),
    )


def versions_of(ctx: Context, actor: Actor, workflow_id: str) -> VersionList:
    """Every stored version of ``workflow_id`` with its running cases (an administrator's)."""
    policy.require_administrator(actor, "look after the workflows")
    registry = ctx.engine.registry
    current = registry.fresh().get(workflow_id)
    with read_transaction(ctx.engine.db) as conn:
        versions = stored.versions_of(conn, workflow_id)
        if not versions and current is None:
            raise unknown_workflow(workflow_id, sorted(registry.current))
        counts = stored.cases_by_version_and_state(conn, workflow_id)
        published = {p.version: p.published_at for p in stored.publications(conn, workflow_id)}
        lines = []
        for v in versions:
            states = registry.for_case(conn, workflow_id, v.version).definition.states
            mine = {s: n for (version, s), n in counts.items() if version == v.version}
            running = sum(n for s, n in mine.items() if not (s in states and states[s].final))
            lines.append(
                VersionLine(
                    v.version,
                    v.registered_at,
                    v.source_path,
                    running,
                    sum(mine.values()),
                    current is not None and current.version == v.version,
                    published.get(v.version),
                )
            )
    folder = registry.folder.get(workflow_id)
    return VersionList(workflow_id, lines, folder.version if folder else None)


@dataclass(frozen=True)
class PublishWorkflow:
    """A workflow file's text and the name it came by (a path, an upload's name)."""

    text: str
    name: str = "workflow.yaml"


@dataclass(frozen=True)
class Published:
    workflow_id: str
    version: str
    previous: str | None  # the version new cases got before
    new_version: bool  # False: the text was stored before (published again)

    def to_json(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow_id,
            "version": self.version,
            "previous": self.previous,
            "new_version": self.new_version,
        }


def publish_workflow(ctx: Context, actor: Actor, request: PublishWorkflow) -> Published:
    """Validate a workflow's text and make it the version new cases of its workflow get, in
    every process at its next operation (no restart). Running cases stay where they are:
    ``caseflow workflow migrate`` moves them. Every problem is raised at once
    (DefinitionError), and nothing is stored then."""
    policy.require_administrator(actor, "publish a workflow")
    if not request.text.strip():
        raise InvalidInput("give the workflow's text", code=ErrorCode.TEXT_REQUIRED, field="text")
    if len(request.text) > MAX_WORKFLOW_TEXT:
        raise InvalidInput(
            f"a workflow of at most {MAX_WORKFLOW_TEXT} characters is published", field="text"
        )
    loaded = load_workflow_text(request.text, request.name)
    registry = ctx.engine.registry
    workflow_id = loaded.definition.id
    before = registry.fresh().get(workflow_id)
    previous = before.version if before is not None else None
    now = ctx.engine.clock.now()
    with ctx.engine.transaction() as conn:
        new = stored.register(
            conn,
            workflow_id=workflow_id,
            version=loaded.version,
            title=loaded.definition.title.en,
            source_path=request.name,
            source_text=request.text,
            now=now,
        )
        stored.publish(
            conn,
            workflow_id=workflow_id,
            version=loaded.version,
            published_by=actor.username,
            source_path=request.name,
            now=now,
        )
    registry.refresh()
    return Published(workflow_id, loaded.version, previous, new)


def starter_workflow(workflow_id: str) -> str:
    """The commented starting file of a new workflow (validates as it stands)."""
    return starter_text(workflow_id)


# --- which version a name means ------------------------------------------------------------


def stored_version(ctx: Context, conn: Connection, ref: str) -> LoadedWorkflow:
    """The version ``ref`` names: ``ID`` (the version new cases get now), ``ID@HASH`` or a
    bare ``HASH`` (a stored version; a unique prefix of its hash will do)."""
    registry = ctx.engine.registry
    workflow_id, sep, prefix = ref.partition("@")
    if not sep:
        current = registry.fresh().get(ref)
        if current is not None:
            return current
        workflow_id, prefix = "", ref
    if len(prefix) < 4 or not all(c in "0123456789abcdef" for c in prefix):
        raise NotFound(
            f"{ref!r} names no workflow and no stored version: give a workflow id, "
            "ID@HASH or a hash of at least 4 hex digits",
            code=ErrorCode.UNKNOWN_VERSION,
            workflow_id=workflow_id or "?",
            version=prefix,
        )
    found = stored.find_version(conn, workflow_id or None, prefix)
    if len(found) != 1:
        many = "several stored versions start with" if found else "no stored version"
        raise NotFound(
            f"{many} {prefix!r}{f' of {workflow_id}' if workflow_id else ''}: "
            "give more of its hash",
            code=ErrorCode.UNKNOWN_VERSION,
            workflow_id=workflow_id or (found[0].workflow_id if found else "?"),
            version=prefix,
        )
    version = found[0]
    machine = registry.for_case(conn, version.workflow_id, version.version)
    return LoadedWorkflow(
        machine.definition, version.source_text, version.source_path, version.version
    )
