"""The data the pages draw as pictures, typed: the web chooses the words and the shapes.

* :func:`workflow_diagrams`: every stored version of every workflow with its definition
  (the administrators' workflows page draws each one).
* :func:`cases_per_state`: how many cases stand in each state of each workflow.
* :func:`deadline_load`: a committee's live and overdue deadlines, week by week.

Each checks its reader first, as every service does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from caseflow import policy
from caseflow.calendar import at_local, local_date
from caseflow.context import Context
from caseflow.definitions.schema import WorkflowDefinition
from caseflow.domain import Actor
from caseflow.meetings.plan import require_committee
from caseflow.store import pictures as counts
from caseflow.store import workflows as stored
from caseflow.store.db import read_transaction

WEEKS = 12
"""How far back the deadline load looks: a quarter, week by week."""


@dataclass(frozen=True)
class VersionDiagram:
    workflow_id: str
    version: str
    registered_at: datetime | None  # None: in the folder, not yet stored
    current: bool  # the version the folder holds now
    definition: WorkflowDefinition


def workflow_diagrams(ctx: Context, actor: Actor) -> list[VersionDiagram]:
    """Every stored version with its definition (current ones first per workflow), and any
    folder workflow not stored yet: an administrator's view."""
    policy.require_administrator(actor, "look after the workflows")
    registry = ctx.engine.registry
    found: list[VersionDiagram] = []
    with read_transaction(ctx.engine.db) as conn:
        versions = stored.all_versions(conn)
        for v in versions:
            loaded = registry.current.get(v.workflow_id)
            current = loaded is not None and loaded.version == v.version
            definition = registry.for_case(conn, v.workflow_id, v.version).definition
            found.append(
                VersionDiagram(v.workflow_id, v.version, v.registered_at, current, definition)
            )
    known = {(d.workflow_id, d.version) for d in found}
    for workflow_id, loaded in sorted(registry.current.items()):
        if (workflow_id, loaded.version) not in known:
            found.append(VersionDiagram(workflow_id, loaded.version, None, True, loaded.definition))
    return sorted(found, key=lambda d: (d.workflow_id, not d.current, d.version))


@dataclass(frozen=True)
class StateCount:
    state: str
    cases: int


@dataclass(frozen=True)
class WorkflowStates:
    """A workflow's states in its file's order (then any that only older versions have),
    each with how many cases stand in it."""

    workflow_id: str
    states: Sequence[StateCount]

    def to_json(self) -> dict[str, Any]:
        return {
            "workflow": self.workflow_id,
            "states": [{"state": s.state, "cases": s.cases} for s in self.states],
        }


def cases_per_state(ctx: Context, actor: Actor) -> list[WorkflowStates]:
    """How many cases of each workflow stand in each state (every case: an administrator's)."""
    policy.require_administrator(actor, "count the cases per state")
    with read_transaction(ctx.engine.db) as conn:
        found = counts.cases_per_state(conn)
    result = []
    workflows = sorted({w for w, _ in found} | set(ctx.engine.registry.current))
    for workflow_id in workflows:
        loaded = ctx.engine.registry.current.get(workflow_id)
        order = list(loaded.definition.states) if loaded else []
        order += sorted(s for w, s in found if w == workflow_id and s not in order)
        result.append(
            WorkflowStates(
                workflow_id, [StateCount(s, found.get((workflow_id, s), 0)) for s in order]
            )
        )
    return result


@dataclass(frozen=True)
class LoadPoint:
    day: date  # the count is taken at the end of this day (Copenhagen)
    live: int
    overdue: int


@dataclass(frozen=True)
class DeadlineLoad:
    committee: str
    points: Sequence[LoadPoint]

    def to_json(self) -> dict[str, Any]:
        return {
            "committee": self.committee,
            "points": [
                {"day": p.day.isoformat(), "live": p.live, "overdue": p.overdue}
                for p in self.points
            ],
        }


def deadline_load(ctx: Context, actor: Actor, committee: str, weeks: int = WEEKS) -> DeadlineLoad:
    """The live and overdue deadlines of a committee's cases that ``actor`` may see, at the
    end of today and of the same weekday in each of the ``weeks`` weeks before."""
    today = local_date(ctx.engine.clock.now())
    days = [today - timedelta(weeks=k) for k in range(weeks, -1, -1)]
    moments = [at_local(day + timedelta(days=1), time(0)) for day in days]
    with read_transaction(ctx.engine.db) as conn:
        require_committee(conn, committee)
        found = counts.live_and_overdue(conn, policy.read_scope(actor), committee, moments)
    return DeadlineLoad(
        committee,
        [LoadPoint(day, live, late) for day, (live, late) in zip(days, found, strict=True)],
    )
