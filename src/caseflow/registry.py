"""Which workflow versions exist, and their machines compiled once each.

New cases start on the current definition of their workflow: the version an
administrator published last (``caseflow workflow publish``), or, for a workflow never
published, the file in the workflows folder. Running cases stay on the version they
run on, whose text the database keeps. Each (workflow id, version) is compiled at most
once per process.

Publishing needs no restart: a registry that follows a database (:meth:`follow`) asks
it for the newest publication's id (one indexed read) before it says which version a
new case gets, and at most every :data:`LIST_REFRESH_SECONDS` when a page or list asks
for the current definitions, and reloads only when that id moved.
"""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection
from sqlalchemy import Engine as SAEngine
from sqlalchemy.exc import OperationalError, ProgrammingError

from caseflow.errors import DefinitionError, NotFound, Problem
from caseflow.store import workflows as stored_workflows
from caseflow.store.db import read_transaction

if TYPE_CHECKING:
    from caseflow.definitions.loader import LoadedWorkflow
    from caseflow.definitions.machine import CompiledWorkflow

LIST_REFRESH_SECONDS = 1.0
"""How stale the current definitions a list or page shows may be; a new case never is."""


class WorkflowRegistry:
    """Current definitions (published, else from a folder), and compiled machines by version."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._folder: dict[str, LoadedWorkflow] | None = None
        self._broken: dict[str, list[Problem]] = {}
        self._compiled: dict[tuple[str, str], CompiledWorkflow] = {}
        self._db: SAEngine | None = None
        self._mark = 0  # the newest publication seen
        self._checked_at = float("-inf")
        self._published: dict[str, LoadedWorkflow] = {}

    def follow(self, db: SAEngine) -> None:
        """Take published versions from ``db`` (the composition root wires this)."""
        self._db = db

    @property
    def folder(self) -> dict[str, LoadedWorkflow]:
        """The valid definitions in the folder (read and validated once); a file with
        problems is left out, and said so where its workflow is asked for
        (:meth:`current_version`, :attr:`problems`)."""
        if self._folder is None:
            # The loader (YAML, the schema's checks) is imported when a command first
            # needs the folder: listing cases does not.
            from caseflow.definitions.loader import load_directory_apart

            self._folder, self._broken = load_directory_apart(self.directory)
        return self._folder

    @property
    def problems(self) -> list[Problem]:
        """Every problem of the files left out of :attr:`folder`."""
        self.folder  # noqa: B018 -- reads the folder once
        return sorted(p for problems in self._broken.values() for p in problems)

    @property
    def current(self) -> dict[str, LoadedWorkflow]:
        """The current definition of each workflow, by id (for lists and pages)."""
        if time.monotonic() - self._checked_at >= LIST_REFRESH_SECONDS:
            self.refresh()
        return {**self.folder, **self._published}

    def fresh(self) -> dict[str, LoadedWorkflow]:
        """:attr:`current` as the database has it this moment (for a decision, not a list)."""
        self.refresh()
        return {**self.folder, **self._published}

    def refresh(self) -> None:
        """Read the newest publications if any was made since the last look."""
        if self._db is None:
            return
        self._checked_at = time.monotonic()
        try:
            with read_transaction(self._db) as conn:
                mark = stored_workflows.publication_mark(conn)
                if mark == self._mark:
                    return
                published = stored_workflows.published(conn)
        except (OperationalError, ProgrammingError):
            return  # a database not yet initialised: the folder alone (`caseflow init`)
        from caseflow.definitions.loader import load_workflow_text

        loaded = {}
        for workflow_id, version in published.items():
            text = load_workflow_text(version.source_text, version.source_path, stored=True)
            loaded[workflow_id] = dataclasses.replace(text, version=version.version)
        self._published, self._mark = loaded, mark

    def current_version(self, workflow_id: str) -> LoadedWorkflow:
        """The version a new case of ``workflow_id`` gets now (publications read afresh)."""
        self.refresh()
        current = {**self.folder, **self._published}
        try:
            return current[workflow_id]
        except KeyError:
            if workflow_id in self._broken:
                raise DefinitionError(self._broken[workflow_id]) from None
            known = ", ".join(sorted(current)) or "none"
            raise NotFound(
                f"no workflow {workflow_id!r} in {self.directory}; known workflows: {known}"
            ) from None

    def compiled(self, loaded: LoadedWorkflow) -> CompiledWorkflow:
        key = (loaded.definition.id, loaded.version)
        machine = self._compiled.get(key)
        if machine is None:
            # Imported at the first compile: the machine brings the definition's models
            # (pydantic) and transitions, which a process that fires nothing does not need.
            from caseflow.definitions.machine import compile_workflow

            machine = self._compiled[key] = compile_workflow(loaded)
        return machine

    def for_case(self, conn: Connection, workflow_id: str, version: str) -> CompiledWorkflow:
        """The machine of the version a case runs on, from the database if need be."""
        machine = self._compiled.get((workflow_id, version))
        if machine is not None:
            return machine
        current = self.folder.get(workflow_id)
        if current is not None and current.version == version:
            return self.compiled(current)
        from caseflow.definitions.loader import load_workflow_text
        from caseflow.definitions.machine import compile_workflow

        stored = stored_workflows.get(conn, workflow_id, version)
        loaded = load_workflow_text(stored.source_text, stored.source_path, stored=True)
        # Keyed by the version the case records, even if a newer caseflow would
        # hash the same text differently.
        machine = self._compiled[(workflow_id, version)] = compile_workflow(loaded)
        return machine
