"""Who may act on an approval step, and for whom (pure: no I/O).

A step names its approvers by role (held in the case's lead administration, or
unscoped), by unit (an administration: anyone with a role there) or by person.
Others may act *for* an eligible person, never in their own right:

* a **substitute**: the person is away (an absence covers today) and named a
  substitute; if the substitute is away too, their substitute, and so on. A loop
  (A → B → A) routes to nobody and is refused when it would be recorded.
* a **delegate**: an administrator granted "on behalf of" rights (all actions,
  or approvals only) for a period.

Either way the stand-in acts with the absent person's place on the step and no
more: they count as that person, and the drafter rule applies to both.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

from caseflow.domain import RoleGrant
from caseflow.errors import ErrorCode, InvalidInput

if TYPE_CHECKING:
    # Annotations only: a definition's models (pydantic) load with the first workflow,
    # not with every process that imports this module (an idle worker loads none).
    from caseflow.definitions.approval_schema import ApprovalStep


class DelegationScope(StrEnum):
    ALL = "all"  # every action the principal may take
    APPROVALS = "approvals"  # approval steps only


@dataclass(frozen=True)
class Person:
    username: str
    grants: tuple[RoleGrant, ...] = ()


@dataclass(frozen=True)
class Absence:
    username: str
    substitute: str
    starts_on: date
    ends_on: date
    id: int = 0

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class Delegation:
    principal: str  # on whose behalf
    delegate: str  # who may act
    scope: DelegationScope
    starts_on: date
    ends_on: date
    id: int = 0

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


class SubstituteLoop(InvalidInput):
    """Substitutes that lead back to someone already in the chain."""

    def __init__(self, chain: Sequence[str]) -> None:
        text = " → ".join(chain)
        super().__init__(
            f"the substitutes go round in a loop ({text}); name someone who is not away",
            code=ErrorCode.SUBSTITUTE_LOOP,
            chain=list(chain),
        )


def eligible_people(
    step: ApprovalStep, lead_administration: str | None, people: Iterable[Person]
) -> frozenset[str]:
    """The usernames ``step`` names, directly or by role or unit."""
    # Here, not at the top: a step exists only once its workflow (pydantic) is loaded.
    from caseflow.definitions.approval_schema import ApproverKind

    found: set[str] = set()
    for person in people:
        for approver in step.approvers:
            if approver.kind is ApproverKind.PERSON and person.username == approver.value:
                found.add(person.username)
            for grant in person.grants:
                if approver.kind is ApproverKind.ROLE and grant.role == approver.value:
                    unscoped = grant.administration is None and grant.committee is None
                    if unscoped or (
                        lead_administration and grant.administration == lead_administration
                    ):
                        found.add(person.username)
                elif approver.kind is ApproverKind.UNIT and grant.administration == approver.value:
                    found.add(person.username)
    return frozenset(found)


def away_on(absences: Iterable[Absence], day: date) -> dict[str, str]:
    """Who is away on ``day``, and their substitute."""
    return {a.username: a.substitute for a in absences if a.covers(day)}


def resolve_substitute(username: str, away: Mapping[str, str]) -> str | None:
    """Who does ``username``'s approvals while away: the first substitute in the chain
    who is not away themselves; None if ``username`` is not away.

    Raises :class:`SubstituteLoop` if the chain comes back round.
    """
    if username not in away:
        return None
    chain = [username]
    current = username
    while current in away:
        current = away[current]
        if current in chain:
            raise SubstituteLoop([*chain, current])
        chain.append(current)
    return current


def principals_for(
    actor: str,
    eligible: Iterable[str],
    *,
    away: Mapping[str, str],
    delegations: Iterable[Delegation],
    day: date,
    approvals: bool = True,
) -> dict[str, str | None]:
    """For whom ``actor`` may act among ``eligible``: each principal, with how (None for
    themselves, ``"substitute"`` or ``"delegate"``). A loop routes to nobody."""
    eligible = set(eligible)
    found: dict[str, str | None] = {}
    if actor in eligible:
        found[actor] = None
    for principal in sorted(eligible - {actor}):
        try:
            if resolve_substitute(principal, away) == actor:
                found[principal] = "substitute"
                continue
        except SubstituteLoop:
            pass
    for grant in delegations:
        if grant.delegate != actor or grant.principal not in eligible or not grant.covers(day):
            continue
        if grant.scope is DelegationScope.ALL or approvals:
            found.setdefault(grant.principal, "delegate")
    return found
