"""Workflow definitions: those in the folder, the versions stored in the database with
how many cases run on each, and one workflow's states, transitions and diagram.

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

from caseflow import policy
from caseflow.context import Context
from caseflow.definitions import mermaid_diagram
from caseflow.definitions.loader import LoadedWorkflow, load_workflow_text
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
