"""Every transition of every shipped workflow, through the engine and the database.

For each transition and each of its source states, a case is brought to that
state, and then the transition is fired: by someone holding one of its roles
(allowed), by someone holding every other role (refused by role), and, where it
has guards, with the guarded content removed (refused by guard).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from caseflow.definitions import TransitionDef, WorkflowDefinition, load_directory
from caseflow.domain import RoleGrant
from caseflow.engine import Engine, NewCase
from caseflow.errors import ErrorCode, NotAllowed
from caseflow.store import organisation
from caseflow.store.db import write_transaction

WORKFLOWS = Path(__file__).resolve().parents[2] / "workflows"
DEFINITIONS = {wid: loaded.definition for wid, loaded in load_directory(WORKFLOWS).items()}
LEAD, OTHER = "TMF", "BIF"
CASE_ATTRIBUTES = {
    "summary",
    "recommendations",
    "committee",
    "lead_administration",
    "case_officer",
    "attachments",
    "title",
}


def cases_to_test() -> Iterator[Any]:
    for workflow_id, definition in sorted(DEFINITIONS.items()):
        for transition in definition.transitions:
            for source in transition.sources:
                yield pytest.param(
                    workflow_id,
                    transition.trigger,
                    source,
                    id=f"{workflow_id}:{source}:{transition.trigger}",
                )


def full_content(definition: WorkflowDefinition) -> dict[str, Any]:
    """Changes that satisfy every guard of the workflow."""
    changes: dict[str, Any] = {
        "recommendations": ["at udvalget drøfter sagen."],
        "attachments": [{"number": "2009-300035", "title": "Notat"}],
        "fields.decision": "Drøftet.",
        "fields.meeting": "BIU 2009-06-11",
    }
    for transition in definition.transitions:
        for guard in transition.guards:
            if guard.name == "sections_filled":
                for name in guard.params:
                    changes[f"sections.{name}"] = f"Tekst til {name}."
            if guard.name == "approved_by":  # the approval chain's record of its steps
                changes["fields.approved_by"] = list(guard.params)
            if guard.name == "fields_filled":
                for name in guard.params:
                    if name not in CASE_ATTRIBUTES:
                        changes[f"fields.{name}"] = f"værdi for {name}"
    return changes


def path_to(definition: WorkflowDefinition, target: str) -> list[TransitionDef]:
    """The shortest sequence of transitions from the initial state to ``target``."""
    start = definition.initial_state
    previous: dict[str, tuple[str, TransitionDef] | None] = {start: None}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        for transition in definition.transitions:
            if state in transition.sources and transition.dest not in previous:
                previous[transition.dest] = (state, transition)
                queue.append(transition.dest)
    steps: list[TransitionDef] = []
    state = target
    while (link := previous[state]) is not None:
        state, transition = link
        steps.append(transition)
    return steps[::-1]


def add_actor(engine: Engine, username: str, roles: set[str], scope: str = LEAD) -> None:
    grants = [RoleGrant(role, administration=scope) for role in sorted(roles)]
    with write_transaction(engine.db) as conn:
        organisation.upsert_actor(conn, username, username, None, grants)


def prepared_case(engine: Engine, definition: WorkflowDefinition, source: str) -> str:
    add_actor(engine, "everyone", set(definition.roles))
    everyone = engine.actor("everyone")
    case = engine.open_case(
        NewCase(
            workflow_id=definition.id,
            title="Test",
            lead_administration=LEAD,
            participating_administrations=[OTHER],
            committee="BIU",
        ),
        everyone,
    )
    engine.edit(case.journal_no, full_content(definition), everyone)
    for step in path_to(definition, source):
        engine.fire(
            case.journal_no, step.trigger, everyone, comment="Begrundelse", service=step.service
        )
    assert engine.get_case(case.journal_no).state == source
    return case.journal_no


@pytest.mark.parametrize(("workflow_id", "trigger", "source"), list(cases_to_test()))
def test_transition_allowed_and_refused(
    engine: Engine, workflow_id: str, trigger: str, source: str
) -> None:
    definition = DEFINITIONS[workflow_id]
    transition = next(
        t for t in definition.transitions if t.trigger == trigger and source in t.sources
    )
    journal_no = prepared_case(engine, definition, source)

    others = set(definition.roles) - set(transition.roles)
    if others:
        add_actor(engine, "outsider", others)
        with pytest.raises(NotAllowed, match="needs the role"):
            engine.fire(
                journal_no,
                trigger,
                engine.actor("outsider"),
                comment="Begrundelse",
                service=transition.service,
            )

    if transition.guards:
        add_actor(engine, "blocked", {transition.roles[0]}, scope=OTHER)
        blocked = engine.actor("blocked")
        emptied = {
            "sections": {},
            "recommendations": [],
            "attachments": [],
            "fields": {},
            "committee": None,
        }
        with pytest.raises(NotAllowed, match=f"cannot '{trigger}'"):
            engine.fire(
                journal_no,
                trigger,
                blocked,
                changes=emptied,
                comment=None,
                service=transition.service,
            )

    add_actor(engine, "allowed", {transition.roles[0]})
    allowed = engine.actor("allowed")
    if transition.service is not None:
        # A service's transition is refused as a plain step, whoever fires it.
        with pytest.raises(NotAllowed) as refused:
            engine.fire(journal_no, trigger, allowed, comment="Begrundelse")
        assert refused.value.code is ErrorCode.TRIGGER_OWNED_BY_SERVICE
        assert refused.value.params["service"] == transition.service
    case = engine.fire(
        journal_no, trigger, allowed, comment="Begrundelse", service=transition.service
    )
    assert case.state == transition.dest
    assert engine.history(journal_no)[-1].trigger == trigger
    assert engine.get_case(journal_no).state == transition.dest
