"""Compile a workflow definition into a ``transitions`` state machine.

This is the only module in caseflow that imports ``transitions``; everything else
talks to :class:`CompiledWorkflow`, so the library can be swapped or upgraded in
one place.

How the library is used, and why (these were measured):

* One ``Machine`` per workflow *version*, built with ``model=None``. Never one per
  case, and never ``add_model``: that grows the machine's model list, so every
  later add gets slower (quadratic over many cases) and keeps cases alive.
* A transition is fired with ``machine.events[trigger].trigger(model)`` on a tiny
  throwaway object holding just ``state``; that costs a few microseconds and
  leaves the machine untouched, so one machine serves all threads.
* No ``Timeout`` states (they start threads) and no auto transitions (``to_x``
  would let anyone jump anywhere).
* Guards are not machine conditions. The engine calls
  :func:`caseflow.definitions.guards.check_guards` first, to report every precise
  reason; the machine only resolves where a trigger leads.
"""

from __future__ import annotations

import functools
import json
import threading
from typing import TYPE_CHECKING, Any

from transitions import Machine, MachineError

if TYPE_CHECKING:  # the loader (YAML and its checks) is not needed to run a machine
    from caseflow.definitions.loader import LoadedWorkflow
from caseflow.definitions.schema import TransitionDef, WorkflowDefinition
from caseflow.errors import NotAllowed


class _Token:
    """The transient model a trigger is fired on: it only carries the state."""

    __slots__ = ("state",)

    def __init__(self, state: str) -> None:
        self.state = state


def _machine_config(definition: WorkflowDefinition) -> dict[str, Any]:
    return {
        "states": [{"name": s.name, "final": s.final} for s in definition.states.values()],
        "transitions": [
            {"trigger": t.trigger, "source": list(t.sources), "dest": t.dest}
            for t in definition.transitions
        ],
        "initial": definition.initial_state,
        "auto_transitions": False,
        "ignore_invalid_triggers": False,
        "queued": False,
        "send_event": False,
    }


class CompiledWorkflow:
    """A workflow version ready to run: its definition, version and one shared Machine."""

    def __init__(self, definition: WorkflowDefinition, version: str) -> None:
        self.definition = definition
        self.version = version
        self._machine = Machine(model=None, **_machine_config(definition))
        self._by_state: dict[str, list[TransitionDef]] = {name: [] for name in definition.states}
        self._lookup: dict[tuple[str, str], TransitionDef] = {}
        # Where a trigger led from a state: the machine has no conditions or callbacks,
        # so the answer never changes, and asking it again costs a fire 20 µs.
        self._applied: dict[tuple[str, str], str] = {}
        for transition in definition.transitions:
            for source in transition.sources:
                self._by_state[source].append(transition)
                self._lookup.setdefault((source, transition.trigger), transition)

    @property
    def machine(self) -> Machine:
        """The underlying machine, for inspection and tests only; do not fire on it."""
        return self._machine

    def transition_for(self, state: str, trigger: str) -> TransitionDef | None:
        """The transition ``trigger`` fires from ``state``, or None if there is none."""
        return self._lookup.get((state, trigger))

    def transitions_from(self, state: str) -> list[TransitionDef]:
        """The transitions leaving ``state``, in file order (empty if none or unknown)."""
        return list(self._by_state.get(state, ()))

    def apply(self, state: str, trigger: str) -> str:
        """Fire ``trigger`` from ``state`` and return the new state.

        Raises NotAllowed if the workflow has no such trigger or state, or if the
        trigger does not lead anywhere from ``state``.
        """
        found = self._applied.get((state, trigger))
        if found is not None:
            return found
        workflow = f"workflow '{self.definition.id}'"
        event = self._machine.events.get(trigger)
        if event is None:
            known = ", ".join(self._machine.events) or "(none)"
            raise NotAllowed(f"{workflow} has no action '{trigger}'; its actions are: {known}")
        if state not in self.definition.states:
            raise NotAllowed(f"{workflow} has no state '{state}'")
        token = _Token(state)
        try:
            moved = event.trigger(token)
        except MachineError as err:
            raise NotAllowed(self._refusal(state, trigger)) from err
        if not moved:
            raise NotAllowed(self._refusal(state, trigger))
        self._applied[(state, trigger)] = token.state
        return token.state

    def _refusal(self, state: str, trigger: str) -> str:
        possible = [t.trigger for t in self.transitions_from(state)]
        if not possible:
            return f"'{trigger}' is not possible in state '{state}': no action leads out of it"
        return (
            f"'{trigger}' is not possible in state '{state}'; "
            f"possible here: {', '.join(dict.fromkeys(possible))}"
        )


_compiled: dict[tuple[str, str], CompiledWorkflow] = {}
_compiled_lock = threading.Lock()


def compile_workflow(loaded: LoadedWorkflow) -> CompiledWorkflow:
    """The compiled form of a loaded workflow, built once per (id, version) and reused."""
    key = (loaded.definition.id, loaded.version)
    with _compiled_lock:
        compiled = _compiled.get(key)
        if compiled is None:
            compiled = CompiledWorkflow(loaded.definition, loaded.version)
            _compiled[key] = compiled
        return compiled


# --- diagrams -----------------------------------------------------------------------------


class _Sketch:
    """The model a diagram is drawn for."""


@functools.cache
def _diagram_machine() -> type[Any]:
    """The diagram machine class, made on first use: ``transitions``' diagram extension
    is a tenth of a second to import, which no command but ``workflow diagram`` pays."""
    from transitions import State
    from transitions.extensions.diagrams import GraphMachine

    class LabelledState(State):
        """A state with a human label, which the diagram engine shows instead of the name."""

        def __init__(self, *args: Any, label: str | None = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if label is not None:
                self.label = label

    class DiagramMachine(GraphMachine):
        state_cls = LabelledState

    return DiagramMachine


def mermaid_diagram(definition: WorkflowDefinition, language: str = "en") -> str:
    """A Mermaid state diagram of the workflow, drawn by ``transitions``' mermaid engine.

    Drawing needs a model attached to a machine, so a throwaway machine is built
    here; the compiled, shared machine is never given a model.
    """

    def label(title: Any, fallback: str) -> str:
        text = getattr(title, language, None) if title is not None else None
        return str(text or fallback).replace('"', "'")

    config = _machine_config(definition)
    for state in config["states"]:
        state["label"] = label(definition.states[state["name"]].title, state["name"])
    heading = label(definition.title, definition.id)
    sketch = _Sketch()  # the library attaches methods to it, so no __slots__ here
    drawing = _diagram_machine()(
        model=sketch,
        graph_engine="mermaid",
        title=f"title: {json.dumps(heading, ensure_ascii=False)}",  # valid front matter
        show_conditions=False,
        **config,
    )
    graph = drawing.model_graphs[id(sketch)]
    graph.reset_styling()  # no "current state" highlight
    source = str(graph.get_graph().draw(None))
    finals = [f"  {s.name} --> [*]" for s in definition.states.values() if s.final]
    return "\n".join([source.rstrip("\n"), *finals]) + "\n"
