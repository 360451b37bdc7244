"""Approval chains in a workflow file: what the loader resolves, what it refuses (with
the line), and the JSON Schema's part."""

from __future__ import annotations

import pytest

from caseflow.definitions import load_workflow_text
from caseflow.definitions.approval_schema import ApprovalMode, ApproverKind
from caseflow.definitions.meanings import ServiceName
from caseflow.errors import DefinitionError
from caseflow.testing import marked_line, replaced

BASE = """\
id: chain
title: {da: Kæde, en: Chain}
roles:
  case_officer: {da: Sagsbehandler, en: Case officer}
  office_head: {da: Kontorchef, en: Office head}
  director: {da: Direktør, en: Director}
states:
  drafting: {initial: true, owner: case_officer}
  approval: {owner: office_head}
  done: {final: true}
transitions:
  - trigger: submit
    from: drafting
    to: approval
    roles: [case_officer]
  - trigger: send_back
    from: approval
    to: drafting
    roles: [office_head, director]
  - trigger: approve
    from: approval
    to: done
    roles: [director]
    approval:
      on_return: {fire: send_back, restart_from: returning}
      steps:
        - name: office_head
          approvers: [{role: office_head}, {unit: ØKF}]
          deadline: {within: 3, reminders: [1], escalate: [director]}
        - name: board
          approvers: [{person: a}, {person: b}, {person: c}]
          mode: n_of_m
          n: 2
          skippable: true
"""


def test_a_chain_resolves_with_its_defaults_and_its_step_deadlines() -> None:
    definition = load_workflow_text(BASE).definition
    (chained,) = definition.approval_transitions
    assert chained.service is ServiceName.APPROVALS
    chain = chained.approval
    assert chain is not None
    assert (chain.return_trigger, chain.restart_from, chain.allow_drafter) == (
        "send_back",
        "returning",
        False,
    )
    head, board = chain.steps
    assert [a.kind for a in head.approvers] == [ApproverKind.ROLE, ApproverKind.UNIT]
    assert (head.mode, head.owner) == (ApprovalMode.ANY, "office_head")
    assert (board.mode, board.n, board.skippable, board.owner) == (
        ApprovalMode.N_OF_M,
        2,
        True,
        "director",
    )
    rule = definition.deadline("approval.approve.office_head")
    assert (rule.due, rule.active_in, rule.satisfied_by, rule.reminders) == (
        "within 3 working days",
        ("approval",),
        ("approve",),
        (1,),
    )
    assert [(a.kind, a.roles) for a in rule.on_expiry] == [
        ("notify", ("office_head",)),
        ("escalate", ("director",)),
    ]
    assert [r.id for r in definition.deadlines] == ["approval.approve.office_head"]


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        (
            "approvers: [{role: office_head}, {unit: ØKF}]",
            "approvers: [{role: office_hed}, {unit: ØKF}]  #!",
            "unknown role 'office_hed'",
        ),
        ("        - name: board", "        - name: office_head  #!", "comes twice"),
        ("restart_from: returning}", "restart_from: boards}  #!", "names no step 'boards'"),
        ("          n: 2", "          n: 4  #!", "asks for 4 approvals from 3"),
        ("          n: 2", "          n: 2\n          owner: boss  #!", "unknown role 'boss'"),
        ("escalate: [director]}", "escalate: [directr]}  #!", "unknown role 'directr'"),
        (
            "    roles: [director]\n",
            "    roles: [director]\n    service: agenda  #!\n",
            "leave out 'service'",
        ),
    ],
)
def test_a_bad_chain_is_refused_with_its_line(old: str, new: str, needle: str) -> None:
    text = replaced(BASE, (old, new))
    with pytest.raises(DefinitionError) as caught:
        load_workflow_text(text)
    problems = caught.value.problems
    assert any(needle in p.message and p.line == marked_line(text) for p in problems), problems


def test_n_goes_with_n_of_m() -> None:
    text = replaced(BASE, ("          mode: n_of_m\n", ""))
    with pytest.raises(DefinitionError) as caught:
        load_workflow_text(text)
    assert "'n' goes with 'mode: n_of_m'" in str(caught.value)


def test_moving_a_chain_in_its_file_keeps_the_version() -> None:
    moved = BASE.replace("transitions:\n", "# the steps\ntransitions:\n")
    assert load_workflow_text(moved).version == load_workflow_text(BASE).version


def test_a_return_trigger_must_lead_out_of_the_chains_state() -> None:
    text = replaced(BASE, ("{fire: send_back,", "{fire: submit,"))
    with pytest.raises(DefinitionError) as caught:
        load_workflow_text(text)
    assert "'submit' cannot be fired from approval" in str(caught.value)
