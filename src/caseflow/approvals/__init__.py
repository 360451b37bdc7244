"""Approval chains, on-behalf-of rights and absence: the rules, apart from storage.

``chain`` decides what an approver's action does to a chain (pure); ``routing``
decides who may act on a step and for whom, from the step's approvers, the
absences and the delegations in force (pure); ``hook`` starts and ends chains
with the case's state, inside the engine's transaction (the one module here that
writes). The services (:mod:`caseflow.services.approvals`,
:mod:`caseflow.services.absence`) put them together.

Importing the package imports none of its modules: each name is imported where it
is first used (PEP 562, as in :mod:`caseflow.definitions`), so what needs only
:mod:`caseflow.approvals.reserved` (every case edit's check) does not pay for the
chain and routing rules.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from caseflow.lazy_names import module_getattr

if TYPE_CHECKING:
    from caseflow.approvals.chain import (
        Action,
        ChainPosition,
        Outcome,
        OutcomeKind,
        Vote,
        decide,
        step_complete,
    )
    from caseflow.approvals.routing import (
        Absence,
        Delegation,
        DelegationScope,
        Person,
        SubstituteLoop,
        eligible_people,
        principals_for,
        resolve_substitute,
    )

_WHERE = {
    "Absence": "caseflow.approvals.routing",
    "Action": "caseflow.approvals.chain",
    "ChainPosition": "caseflow.approvals.chain",
    "Delegation": "caseflow.approvals.routing",
    "DelegationScope": "caseflow.approvals.routing",
    "Outcome": "caseflow.approvals.chain",
    "OutcomeKind": "caseflow.approvals.chain",
    "Person": "caseflow.approvals.routing",
    "SubstituteLoop": "caseflow.approvals.routing",
    "Vote": "caseflow.approvals.chain",
    "decide": "caseflow.approvals.chain",
    "eligible_people": "caseflow.approvals.routing",
    "principals_for": "caseflow.approvals.routing",
    "resolve_substitute": "caseflow.approvals.routing",
    "step_complete": "caseflow.approvals.chain",
}


__getattr__ = module_getattr(__name__, _WHERE)


__all__ = [
    "Absence",
    "Action",
    "ChainPosition",
    "Delegation",
    "DelegationScope",
    "Outcome",
    "OutcomeKind",
    "Person",
    "SubstituteLoop",
    "Vote",
    "decide",
    "eligible_people",
    "principals_for",
    "resolve_substitute",
    "step_complete",
]
