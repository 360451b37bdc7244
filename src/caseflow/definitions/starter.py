"""The commented starting file ``caseflow workflow new ID`` writes (pure).

Every key a workflow file takes appears once, explained where it stands, so an
administrator starts from a file that validates and changes it step by step
(``caseflow workflow validate`` after each change). ``docs/workflows.md`` is the guide.
"""

from __future__ import annotations

import re

from caseflow.definitions.primitives import WORKFLOW_ID_PATTERN
from caseflow.errors import InvalidInput

_STARTER = """\
# yaml-language-server: $schema=workflow.schema.json
#
# {id}: a new workflow. Check it with `caseflow workflow validate {id}.yaml`, compare it
# with what runs with `caseflow workflow diff {id} {id}.yaml`, and make it the version
# new cases get with `caseflow workflow publish {id}.yaml`. docs/workflows.md explains
# every key.
id: {id}                       # lowercase letters, digits and '-'; never changed later
title: {{da: Ny arbejdsgang, en: New workflow}}
description: >-
  What the workflow is for, in a sentence or two.

# Roles that own states and fire transitions; people get them per administration or
# committee in the organisation file.
roles:
  case_officer: {{da: Sagsbehandler, en: Case officer}}
  approver: {{da: Godkender, en: Approver}}
  administrator: {{da: Administrator, en: Administrator}}

# States in the order people meet them; exactly one is initial, at least one final.
states:
  received:
    title: {{da: Modtaget, en: Received}}
    owner: case_officer        # whose work it is while the case is here
    initial: true
  in_progress:
    title: {{da: Under behandling, en: In progress}}
    owner: case_officer
  approval:
    title: {{da: Til godkendelse, en: Awaiting approval}}
    owner: approver
  done:
    title: {{da: Afsluttet, en: Done}}
    final: true

# Transitions: a trigger leads from one or more states ("*": every non-final one) to a
# state; the roles may fire it when every guard holds.
transitions:
  - trigger: start
    from: received
    to: in_progress
    roles: [case_officer]
    title: {{da: Påbegynd, en: Start}}

  - trigger: submit
    from: in_progress
    to: approval
    roles: [case_officer]
    guards:
      - has_recommendations    # a guard by name; `caseflow workflow schema` lists them
    title: {{da: Send til godkendelse, en: Submit}}

  - trigger: send_back
    from: approval
    to: in_progress
    roles: [approver]
    requires_comment: true     # the comment is kept in the case's history
    title: {{da: Send tilbage, en: Send back}}

  - trigger: approve
    from: approval
    to: done
    roles: [approver]
    title: {{da: Godkend, en: Approve}}

# Deadline rules: when a deadline starts, when it falls due (in Danish working days
# here), what meets it and what happens when it passes.
deadlines:
  - id: handling_time
    title: {{da: Frist for behandling, en: Time for handling}}
    starts: {{entering: in_progress}}
    due: within 10 working days
    satisfied_by: [submit]
    reminders: [2]             # working days before the due date
    owner: case_officer
    on_expiry:
      - notify: [case_officer]
      - escalate: approver

# Notification rules: who is told, with which template, when a trigger is fired or a
# state entered.
notifications:
  - id: approval_requested
    on: {{transition: submit}}
    template: transition
    to: [approver]
"""


def starter_text(workflow_id: str) -> str:
    """A commented workflow file with id ``workflow_id`` that validates as it stands."""
    if not re.match(WORKFLOW_ID_PATTERN, workflow_id):
        raise InvalidInput(
            f"{workflow_id!r} is not a workflow id: use lowercase letters, digits and '-', "
            "starting with a letter (e.g. member-question)",
            field="workflow_id",
        )
    return _STARTER.format(id=workflow_id)
