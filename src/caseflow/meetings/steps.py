"""Which states and triggers do what for meetings, as each case's own workflow says.

The agenda, the minutes and the secretariat's report never name a state or a
trigger: they ask the workflow version a case runs on what its states mean
(``meaning: ready``) and which transition does a step (``meaning: decide``), see
:mod:`caseflow.definitions.meanings`. A case whose workflow declares no such step
is refused with a message that says so.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection

from caseflow.definitions import WorkflowDefinition
from caseflow.definitions.meanings import StateMeaning, StepMeaning
from caseflow.domain import Case, CaseHead
from caseflow.engine import Engine
from caseflow.errors import ErrorCode, NotAllowed
from caseflow.store import workflows as stored_workflows

VersionStates = dict[tuple[str, str], tuple[str, ...]]
"""(workflow id, version) -> the states of that version that mean what was asked."""


def definition_of(conn: Connection, engine: Engine, case: Case | CaseHead) -> WorkflowDefinition:
    """The definition of the workflow version ``case`` runs on."""
    return engine.registry.for_case(conn, case.workflow_id, case.workflow_version).definition


def trigger_for(definition: WorkflowDefinition, state: str, step: StepMeaning) -> str:
    """The trigger that does ``step`` from ``state``.

    From a state where the workflow declares no such transition, the trigger of one
    declared elsewhere: the engine then refuses it as it refuses any trigger in the
    wrong state, naming the state and what may be done instead. A workflow that
    declares the step nowhere cannot take part in it, and says so.
    """
    found = definition.step_from(state, step) or next(iter(definition.steps(step)), None)
    if found is not None:
        return found.trigger
    raise NotAllowed(
        f"workflow {definition.id} has no step that {step.rule.does}: none of its "
        f"transitions says 'meaning: {step}'",
        code=ErrorCode.STEP_NOT_DECLARED,
        workflow_id=definition.id,
        meaning=str(step),
    )


def means(definition: WorkflowDefinition, case: Case | CaseHead, meaning: StateMeaning) -> bool:
    """Whether the state ``case`` is in means ``meaning`` in its workflow."""
    return definition.state_means(case.state, meaning)


def states_meaning(
    conn: Connection, engine: Engine, meanings: Iterable[StateMeaning]
) -> VersionStates:
    """For every workflow version cases run on, its states that mean one of ``meanings``
    (versions with none are left out): what a list of cases in those states asks SQL."""
    wanted = frozenset(meanings)
    found: VersionStates = {}
    for workflow_id, version in stored_workflows.versions(conn):
        definition = engine.registry.for_case(conn, workflow_id, version).definition
        states = tuple(s.name for s in definition.states.values() if s.meaning in wanted)
        if states:
            found[(workflow_id, version)] = states
    return found
