"""Approval chains, on-behalf-of rights and absence: the rules, apart from storage.

``chain`` decides what an approver's action does to a chain (pure); ``routing``
decides who may act on a step and for whom, from the step's approvers, the
absences and the delegations in force (pure); ``hook`` starts and ends chains
with the case's state, inside the engine's transaction (the one module here that
writes). The services (:mod:`caseflow.services.approvals`,
:mod:`caseflow.services.absence`) put them together.
"""

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
