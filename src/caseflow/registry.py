"""Which workflow versions exist, and their machines compiled once each.

New cases start on the definition currently in the workflows folder; running
cases stay on the version they started with, whose text the database keeps.
Each (workflow id, version) is compiled at most once per process.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection

from caseflow.definitions.machine import CompiledWorkflow, compile_workflow
from caseflow.errors import DefinitionError, NotFound, Problem

if TYPE_CHECKING:
    from caseflow.definitions.loader import LoadedWorkflow
from caseflow.store import workflows as stored_workflows


class WorkflowRegistry:
    """Current definitions from a folder, and compiled machines by version."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._current: dict[str, LoadedWorkflow] | None = None
        self._broken: dict[str, list[Problem]] = {}
        self._compiled: dict[tuple[str, str], CompiledWorkflow] = {}

    @property
    def current(self) -> dict[str, LoadedWorkflow]:
        """The valid definitions in the folder now (read and validated once); a file with
        problems is left out, and said so where its workflow is asked for
        (:meth:`current_version`, :attr:`problems`)."""
        if self._current is None:
            # The loader (YAML, the schema's checks) is imported when a command first
            # needs the folder: listing cases does not.
            from caseflow.definitions.loader import load_directory_apart

            self._current, self._broken = load_directory_apart(self.directory)
        return self._current

    @property
    def problems(self) -> list[Problem]:
        """Every problem of the files left out of :attr:`current`."""
        self.current  # noqa: B018 -- reads the folder once
        return sorted(p for problems in self._broken.values() for p in problems)

    def current_version(self, workflow_id: str) -> LoadedWorkflow:
        found = self.current.get(workflow_id)
        if found is not None:
            return found
        if workflow_id in self._broken:
            raise DefinitionError(self._broken[workflow_id])
        known = ", ".join(sorted(self.current)) or "none"
        raise NotFound(f"no workflow {workflow_id!r} in {self.directory}; known workflows: {known}")

    def compiled(self, loaded: LoadedWorkflow) -> CompiledWorkflow:
        key = (loaded.definition.id, loaded.version)
        machine = self._compiled.get(key)
        if machine is None:
            machine = self._compiled[key] = compile_workflow(loaded)
        return machine

    def for_case(self, conn: Connection, workflow_id: str, version: str) -> CompiledWorkflow:
        """The machine of the version a case started on, from the database if need be."""
        machine = self._compiled.get((workflow_id, version))
        if machine is not None:
            return machine
        current = self.current.get(workflow_id)
        if current is not None and current.version == version:
            return self.compiled(current)
        from caseflow.definitions.loader import load_workflow_text

        stored = stored_workflows.get(conn, workflow_id, version)
        loaded = load_workflow_text(stored.source_text, stored.source_path, stored=True)
        # Keyed by the version the case records, even if a newer caseflow would
        # hash the same text differently.
        machine = self._compiled[(workflow_id, version)] = compile_workflow(loaded)
        return machine
