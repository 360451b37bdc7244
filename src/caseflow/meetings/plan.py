"""The meeting plan service: who may plan, creating, cancelling and importing meetings.

A committee's secretariat plans its meetings (``secretariat@BIU`` for BIU), an
administrator may plan any committee's. Each operation is one write
transaction; the clock is the engine's, so rehearsals and tests can move it.

Importing a plan is idempotent: a meeting is known by its committee and start
time, so importing the same file again changes nothing, and importing a
corrected file updates end, place and note in place (the UID stays, the
SEQUENCE goes up). Meetings missing from the file are left alone: a plan file
adds and corrects, it never deletes (cancel with ``caseflow meeting cancel``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from caseflow.deadlines.rules import Calendars
from caseflow.domain import ADMINISTRATOR, Actor
from caseflow.engine import Engine
from caseflow.errors import DefinitionError, ErrorCode, InvalidInput, NotAllowed, NotFound, Problem
from caseflow.meetings import agenda
from caseflow.meetings.plan_file import PlanEntry, read_plan
from caseflow.meetings.planning import Plan, Planner, Step
from caseflow.organisation import AgendaRules
from caseflow.store import meetings as rows
from caseflow.store import organisation as org_rows
from caseflow.store.db import read_transaction

SECRETARIAT = "secretariat"


def may_plan(actor: Actor, committee: str) -> bool:
    """The committee's secretariat, or an administrator (unscoped grants)."""
    for grant in actor.grants:
        if grant.administration is not None:
            continue
        if grant.role == ADMINISTRATOR and grant.committee is None:
            return True
        if grant.role == SECRETARIAT and grant.committee in (None, committee):
            return True
    return False


def require_planner(actor: Actor, committees: Sequence[str]) -> None:
    refused = sorted({c for c in committees if not may_plan(actor, c)})
    if refused:
        roles = " or ".join(f"{SECRETARIAT}@{c}" for c in refused)
        raise NotAllowed(
            f"{actor.username} may not plan meetings of {', '.join(refused)}: that needs "
            f"the role {roles} (or {ADMINISTRATOR})"
        )


def require_committee(conn: Connection, code: str) -> dict[str, Any]:
    found = org_rows.committee(conn, code)
    if found is None:
        known = ", ".join(org_rows.committee_codes(conn)) or "none (the organisation is empty)"
        raise NotFound(
            f"no committee {code!r}; known: {known}", code=ErrorCode.UNKNOWN_COMMITTEE, code_=code
        )
    return found


def create_meeting(
    engine: Engine,
    actor: Actor,
    *,
    committee: str,
    starts_at: datetime,
    ends_at: datetime | None = None,
    place: str | None = None,
    note: str | None = None,
) -> rows.MeetingRecord:
    require_planner(actor, [committee])
    with engine.transaction() as conn:
        require_committee(conn, committee)
        return rows.create(
            conn,
            committee=committee,
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            note=note,
            now=engine.clock.now(),
        )


def cancel_meeting(engine: Engine, actor: Actor, meeting_id: int) -> rows.MeetingRecord:
    """Cancel a meeting; the items on its agenda go back to ready, in one transaction
    (see :func:`caseflow.meetings.agenda.take_off_for_cancellation`)."""
    with engine.transaction() as conn:
        meeting = rows.get(conn, meeting_id, for_update=True)
        require_planner(actor, [meeting.committee])
        agenda.take_off_for_cancellation(conn, engine, meeting, actor)
        return rows.cancel(conn, meeting_id, now=engine.clock.now())


def change_meeting(
    engine: Engine, actor: Actor, meeting_id: int, **changes: Any
) -> rows.MeetingRecord:
    """Move a meeting or change its end, place or note (see :func:`rows.update`).

    A meeting moved without a new end keeps its length.
    """
    with engine.transaction() as conn:
        meeting = rows.get(conn, meeting_id)
        require_planner(actor, [meeting.committee])
        starts_at = changes.get("starts_at")
        if starts_at is not None and "ends_at" not in changes and meeting.ends_at is not None:
            changes["ends_at"] = meeting.ends_at + (starts_at - meeting.starts_at)
        return rows.update(conn, meeting_id, now=engine.clock.now(), **changes)


@dataclass
class ImportResult:
    """What an import did, meeting ids per outcome."""

    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)


def import_plan(engine: Engine, actor: Actor, path: str | Path) -> ImportResult:
    """Read, check and store a plan file in one transaction (all or nothing)."""
    with read_transaction(engine.db) as conn:
        known = frozenset(org_rows.committee_codes(conn))
    entries = read_plan(path, known)
    result = ImportResult()
    with engine.transaction() as conn:
        _check_committees(conn, str(path), entries)
        require_planner(actor, [e.committee for e in entries])
        now = engine.clock.now()
        for entry in entries:
            existing = rows.find(conn, entry.committee, entry.starts_at)
            if existing is None:
                created = rows.create(
                    conn,
                    committee=entry.committee,
                    starts_at=entry.starts_at,
                    ends_at=entry.ends_at,
                    place=entry.place,
                    note=entry.note,
                    now=now,
                )
                result.created.append(created.id)
                continue
            after = rows.update(
                conn,
                existing.id,
                now=now,
                ends_at=entry.ends_at,
                place=entry.place,
                note=entry.note,
            )
            target = result.unchanged if after == existing else result.updated
            target.append(existing.id)
    return result


def _check_committees(conn: Connection, file: str, entries: Sequence[PlanEntry]) -> None:
    known = set(org_rows.committee_codes(conn))
    problems = [
        Problem(
            file,
            e.line,
            e.committee,
            f"no committee {e.committee!r}; known: {', '.join(sorted(known)) or 'none'}",
        )
        for e in entries
        if e.committee not in known
    ]
    if problems:
        raise DefinitionError(problems)


# -- backward planning against the stored plan ----------------------------------------


def agenda_rules(committee: dict[str, Any]) -> AgendaRules:
    """A stored committee's agenda rules (the defaults when the row has none)."""
    details = committee.get("details") or {}
    return AgendaRules.model_validate(details.get("agenda") or {})


def plan_backwards(
    engine: Engine,
    via: Sequence[str],
    deadline: date,
    calendars: Calendars,
    *,
    today: date,
    approval_working_days: int = 5,
    handover_working_days: int = 0,
) -> Plan:
    """Read the chain's committees and meetings and ask :mod:`planning` for the plan."""
    if not via:
        raise InvalidInput(
            "give the committees in order, e.g. BIU,ØU,BR", code=ErrorCode.CHAIN_REQUIRED
        )
    duplicates = sorted({c for c in via if list(via).count(c) > 1})
    if duplicates:
        raise InvalidInput(
            f"the chain names {', '.join(duplicates)} twice; each committee once",
            code=ErrorCode.CHAIN_REQUIRED,
        )
    steps = []
    with read_transaction(engine.db) as conn:
        for code in via:
            committee = require_committee(conn, code)
            # Past meetings too: when the latest plan lies in the past, the answer says so.
            meetings = rows.list_for(conn, code, include_cancelled=False)
            steps.append(Step(code, agenda_rules(committee), [m.starts_at for m in meetings]))
    try:
        planner = Planner(calendars, approval_working_days, handover_working_days)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    return planner.plan(steps, deadline, today)
