"""Names of a workflow's states and steps in the reader's language.

The workflow file gives each state and transition a Danish and an English title;
a page shows those, never the identifiers (a case on an older workflow version
falls back to the identifier of a state the current version no longer has).
"""

from __future__ import annotations

from dataclasses import dataclass

from caseflow.definitions import LocalizedText
from caseflow.registry import WorkflowRegistry
from caseflow.web.i18n import Language


def _text(title: LocalizedText | None, language: Language, fallback: str) -> str:
    if title is None:
        return fallback
    return title.pick(str(language)) or fallback


@dataclass(frozen=True)
class WorkflowLabels:
    registry: WorkflowRegistry
    language: Language

    def state(self, workflow_id: str, state: str) -> str:
        loaded = self.registry.current.get(workflow_id)
        found = loaded.definition.states.get(state) if loaded else None
        return _text(found.title if found else None, self.language, state)

    def trigger(self, workflow_id: str, trigger: str) -> str:
        loaded = self.registry.current.get(workflow_id)
        if loaded is not None:
            for t in loaded.definition.transitions:
                if t.trigger == trigger:
                    return _text(t.title, self.language, trigger)
        return trigger

    def workflow(self, workflow_id: str) -> str:
        loaded = self.registry.current.get(workflow_id)
        return _text(loaded.definition.title if loaded else None, self.language, workflow_id)

    def sections(self, workflow_id: str, present: list[str]) -> list[str]:
        """The sections a case of ``workflow_id`` has or must fill (its ``sections_filled``
        guards name them), in that order: the fields of the edit form."""
        names = list(present)
        loaded = self.registry.current.get(workflow_id)
        for t in loaded.definition.transitions if loaded else ():
            for guard in t.guards:
                if guard.name == "sections_filled" and isinstance(guard.params, list):
                    names += [str(n) for n in guard.params if str(n) not in names]
        return names

    def states(self, workflow_ids: list[str] | None = None) -> list[tuple[str, str]]:
        """(state, title) of every current workflow's states, for a filter's choices."""
        seen: dict[str, str] = {}
        for workflow_id, loaded in sorted(self.registry.current.items()):
            if workflow_ids is not None and workflow_id not in workflow_ids:
                continue
            for name, spec in loaded.definition.states.items():
                seen.setdefault(name, _text(spec.title, self.language, name))
        return list(seen.items())
