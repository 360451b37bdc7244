"""Compiled workflows: one shared ``transitions`` Machine per version, fired on tokens."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseflow.definitions import (
    CompiledWorkflow,
    LoadedWorkflow,
    compile_workflow,
    load_directory,
    load_workflow_file,
    mermaid_diagram,
)
from caseflow.errors import NotAllowed

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = load_directory(ROOT / "workflows")
IDS = sorted(WORKFLOWS)


@pytest.fixture(params=IDS)
def loaded(request: pytest.FixtureRequest) -> LoadedWorkflow:
    workflow: LoadedWorkflow = WORKFLOWS[request.param]
    return workflow


def test_compiled_once_per_version(loaded: LoadedWorkflow) -> None:
    compiled = compile_workflow(loaded)
    assert compile_workflow(loaded) is compiled
    again = load_workflow_file(loaded.path)  # same content read again: same version
    assert again.version == loaded.version
    assert compile_workflow(again) is compiled
    assert compiled.version == loaded.version
    assert compiled.definition == loaded.definition


def test_apply_every_transition_from_every_source(loaded: LoadedWorkflow) -> None:
    compiled = compile_workflow(loaded)
    fired = 0
    for transition in loaded.definition.transitions:
        for source in transition.sources:
            assert compiled.apply(source, transition.trigger) == transition.dest
            assert compiled.transition_for(source, transition.trigger) == transition
            fired += 1
    assert fired >= len(loaded.definition.transitions)


def test_machine_is_shared_and_never_holds_models(loaded: LoadedWorkflow) -> None:
    compiled = compile_workflow(loaded)
    machine = compiled.machine
    events = dict(machine.events)
    first = loaded.definition.transitions[0]
    for _ in range(1000):
        compiled.apply(first.sources[0], first.trigger)
    assert compiled.machine is machine
    assert machine.models == []
    assert dict(machine.events) == events


def test_no_auto_transitions(loaded: LoadedWorkflow) -> None:
    machine = compile_workflow(loaded).machine
    assert set(machine.events) == {t.trigger for t in loaded.definition.transitions}


def test_refused_trigger_names_state_and_trigger() -> None:
    compiled = compile_workflow(WORKFLOWS["committee-case"])
    with pytest.raises(NotAllowed) as raised:
        compiled.apply("registered", "approve")
    message = str(raised.value)
    assert "'approve'" in message
    assert "'registered'" in message
    assert "start_drafting" in message  # what is possible instead


def test_refused_from_a_final_state() -> None:
    compiled = compile_workflow(WORKFLOWS["committee-case"])
    with pytest.raises(NotAllowed, match="'closed'"):
        compiled.apply("closed", "withdraw")


def test_unknown_trigger_and_state_are_refused() -> None:
    compiled = compile_workflow(WORKFLOWS["committee-case"])
    with pytest.raises(NotAllowed, match="no action 'fly'"):
        compiled.apply("drafting", "fly")
    with pytest.raises(NotAllowed, match="no state 'limbo'"):
        compiled.apply("limbo", "approve")


def test_transitions_from_in_file_order() -> None:
    compiled = compile_workflow(WORKFLOWS["committee-case"])
    assert [t.trigger for t in compiled.transitions_from("on_agenda")] == [
        "decide",
        "postpone",
        "refer",
        "return_for_information",
        "take_off_agenda",
        "withdraw",
    ]
    assert compiled.transitions_from("closed") == []
    assert compiled.transitions_from("limbo") == []
    assert compiled.transition_for("closed", "withdraw") is None


def test_reference_scenario_path() -> None:
    compiled = compile_workflow(WORKFLOWS["committee-case"])
    state = compiled.definition.initial_state
    for trigger in (
        "start_drafting",
        "submit_for_approval",
        "send_back",
        "submit_for_approval",
        "approve",
        "put_on_agenda",
        "postpone",
        "put_on_agenda",
        "decide",
        "start_follow_up",
        "prepare_new_item",
        "submit_for_approval",
        "approve",
        "put_on_agenda",
        "decide",
        "close",
    ):
        state = compiled.apply(state, trigger)
    assert state == "closed"
    assert compiled.definition.state(state).final


@settings(max_examples=60, deadline=None)
@given(workflow_id=st.sampled_from(IDS), choices=st.lists(st.integers(0, 50), max_size=30))
def test_random_walks_agree_with_the_definition(workflow_id: str, choices: list[int]) -> None:
    compiled: CompiledWorkflow = compile_workflow(WORKFLOWS[workflow_id])
    state = compiled.definition.initial_state
    for choice in choices:
        options = compiled.transitions_from(state)
        if not options:
            assert compiled.definition.state(state).final
            break
        transition = options[choice % len(options)]
        state = compiled.apply(state, transition.trigger)
        assert state == transition.dest
    assert compiled.machine.models == []


def test_mermaid_diagram_shows_every_state_and_trigger(loaded: LoadedWorkflow) -> None:
    definition = loaded.definition
    diagram = mermaid_diagram(definition)
    assert "stateDiagram-v2" in diagram
    for name, state in definition.states.items():
        assert f" as {name}" in diagram
        assert state.title is not None
        assert state.title.en in diagram
    for transition in definition.transitions:
        assert transition.trigger in diagram
    assert f"[*] --> {definition.initial_state}" in diagram
    for name in (n for n, s in definition.states.items() if s.final):
        assert f"{name} --> [*]" in diagram
    classes = [line.split() for line in diagram.splitlines() if line.strip().startswith("Class ")]
    assert classes
    assert all(parts[-1] == "s_default" for parts in classes)  # no state drawn as current


def test_mermaid_diagram_in_danish() -> None:
    diagram = mermaid_diagram(WORKFLOWS["committee-case"].definition, language="da")
    assert '"Til godkendelse" as approval' in diagram


def test_mermaid_diagram_leaves_the_compiled_machine_alone(loaded: LoadedWorkflow) -> None:
    compiled = compile_workflow(loaded)
    mermaid_diagram(loaded.definition)
    assert compiled.machine.models == []


def test_only_machine_module_imports_transitions() -> None:
    importers = []
    for path in (ROOT / "src" / "caseflow").rglob("*.py"):
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            continue  # a file mid-edit; ruff and mypy catch it
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            if any(n == "transitions" or n.startswith("transitions.") for n in names):
                importers.append(path.relative_to(ROOT).as_posix())
    assert sorted(set(importers)) == ["src/caseflow/definitions/machine.py"]
