"""Cases: open, show, list, advance, edit, history, verify the audit trail.

Every read goes through :mod:`caseflow.policy`: a case the actor may not see is
"not found or not allowed", and a closed item's decision is withheld from
readers outside the committee where it was closed, in every view of the case
(its fields, its history). Edits always carry the version they were made on, so
two people editing at once cannot both win silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from caseflow import policy
from caseflow.approvals.reserved import check_user_changes
from caseflow.calendar import local_date
from caseflow.context import Context
from caseflow.definitions.meanings import ServiceName
from caseflow.domain import Actor, AuditEntry, Case
from caseflow.engine import NewCase, TriggerOption
from caseflow.limits import Capped, check_size
from caseflow.services import case_checks as checks
from caseflow.services.paging import Page, PageRequest
from caseflow.store import audit
from caseflow.store import cases as case_rows
from caseflow.store.db import read_transaction

if TYPE_CHECKING:  # a list reads no workflow: the machine and its schema load when one does
    from caseflow.definitions import CompiledWorkflow

# --- results ---------------------------------------------------------------------------


def case_json(case: Case) -> dict[str, Any]:
    """A case as ``--json`` prints it and the API returns it."""
    return {
        "journal_no": case.journal_no,
        "title": case.title,
        "workflow": case.workflow_id,
        "workflow_version": case.workflow_version,
        "state": case.state,
        "version": case.version,
        "origin": case.origin.to_json(),
        "lead_administration": case.lead_administration,
        "participating_administrations": case.participating_administrations,
        "committee": case.committee,
        "case_officer": case.case_officer,
        "summary": case.summary,
        "recommendations": case.recommendations,
        "sections": case.sections,
        "attachments": [a.to_json() for a in case.attachments],
        "fields": case.fields,
        "created_at": case.created_at.isoformat(),
        "updated_at": case.updated_at.isoformat(),
    }


def entry_json(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "kind": entry.kind,
        "trigger": entry.trigger,
        "from": entry.from_state,
        "to": entry.to_state,
        "changes": entry.changes,
        "comment": entry.comment,
        "hash": entry.hash,
    }


@dataclass(frozen=True)
class CaseView:
    """A case as one reader may see it, and what that reader may do with it now."""

    case: Case
    workflow: CompiledWorkflow
    options: Sequence[TriggerOption]
    withheld: bool  # a closed item's content was left out for this reader

    def to_json(self) -> dict[str, Any]:
        data = case_json(self.case)
        data["available"] = [
            {
                "trigger": o.trigger,
                "to": o.to_state,
                "blocked_by": list(o.blocked_by),
                "needs_comment": o.needs_comment,
                "service": o.service,
            }
            for o in self.options
        ]
        data["withheld"] = self.withheld
        return data


@dataclass(frozen=True)
class Advanced:
    """A step taken: the state the case left, and the case as it is now."""

    from_state: str
    case: Case


@dataclass(frozen=True)
class Edited:
    case: Case
    changed: bool


@dataclass(frozen=True)
class CaseQuery:
    """Filters of the case list; every one is applied in SQL."""

    states: Sequence[str] = ()
    committee: str | None = None
    workflow_id: str | None = None
    mine: bool = False  # assigned to the reader, or waiting for a role the reader holds
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class AdvanceRequest:
    journal_no: str
    trigger: str
    changes: Mapping[str, Any] = field(default_factory=dict)
    comment: str | None = None
    expected_version: int | None = None
    allow_past: bool = False  # a date that starts a deadline may lie in the past ...
    past_reason: str | None = None  # ... for this reason (kept with the step's comment)


@dataclass(frozen=True)
class EditRequest:
    journal_no: str
    changes: Mapping[str, Any]
    comment: str | None = None
    # The version the edit was made on; None: the version read when the edit is asked
    # for (an interface that showed the case gives the version it showed).
    expected_version: int | None = None
    allow_past: bool = False
    past_reason: str | None = None


def _with_note(comment: str | None, note: str | None) -> str | None:
    """The comment audited with a change, and the note of a past date allowed."""
    if note is None:
        return comment
    return f"{comment.strip()} ({note})" if comment and comment.strip() else note


# --- reading ---------------------------------------------------------------------------


def _workflow(ctx: Context, conn: Connection, case: Case) -> CompiledWorkflow:
    return ctx.engine.registry.for_case(conn, case.workflow_id, case.workflow_version)


def _withholds(conn: Connection, actor: Actor, case: Case) -> bool:
    return policy.withholds(actor, policy.closed_committees(conn, case))


def minutes_triggers(workflow: CompiledWorkflow) -> frozenset[str]:
    """The steps of the minutes: their comments carry a decision."""
    return frozenset(
        t.trigger for t in workflow.definition.transitions if t.service is ServiceName.MINUTES
    )


def read_case(ctx: Context, actor: Actor, journal_no: str) -> Case:
    """The case as ``actor`` may see it (a closed item's decision withheld from outsiders)."""
    with read_transaction(ctx.engine.db) as conn:
        case = policy.visible_case(conn, journal_no, actor)
        return policy.redacted_case(case) if _withholds(conn, actor, case) else case


def show_case(ctx: Context, actor: Actor, journal_no: str) -> CaseView:
    """The case, and the steps ``actor`` may take on it now with what blocks each."""
    with read_transaction(ctx.engine.db) as conn:
        case = policy.visible_case(conn, journal_no, actor)
        workflow = _workflow(ctx, conn, case)
        withheld = _withholds(conn, actor, case)
    options = ctx.engine.options_for(case, workflow, actor)
    return CaseView(policy.redacted_case(case) if withheld else case, workflow, options, withheld)


def history(ctx: Context, actor: Actor, journal_no: str) -> list[AuditEntry]:
    """The audit trail, oldest first, with closed content withheld from outsiders."""
    with read_transaction(ctx.engine.db) as conn:
        case = policy.visible_case(conn, journal_no, actor)
        entries = audit.entries(conn, case.id)
        if not _withholds(conn, actor, case):
            return entries
        return policy.redacted_history(entries, minutes_triggers(_workflow(ctx, conn, case)))


def list_cases(ctx: Context, actor: Actor, query: CaseQuery) -> Page[Case]:
    """One page of the cases ``actor`` may see, newest first."""
    engine = ctx.engine
    checks.check_states(engine, query.states, query.workflow_id)
    if query.committee is not None:
        with read_transaction(engine.db) as conn:
            checks.check_committee(conn, query.committee)
    scope = policy.read_scope(actor)
    officer_or_states = None
    if query.mine:
        officer_or_states = (actor.username, sorted(engine.states_owned_by_any(actor)))
    where = case_rows.CaseFilter(
        query.states, query.committee, query.workflow_id, officer_or_states
    )
    wanted = query.page.limit + 1
    before = query.page.after()
    found: list[Case] = []
    with read_transaction(engine.db) as conn:
        while len(found) < wanted:
            rows = case_rows.search_visible(conn, scope, where, before_id=before, limit=wanted)
            # "Mine" by role needs the workflow: a state owned by a role held on this case.
            mine = [c for c in rows if not query.mine or engine.is_mine(conn, c, actor)]
            found += mine
            if len(rows) < wanted:
                break
            before = rows[-1].id
        withheld = [c for c in found if _withholds(conn, actor, c)]
    hidden = {c.id for c in withheld}
    shown = [policy.redacted_case(c) if c.id in hidden else c for c in found]
    return Page.of(shown, query.page, key=lambda c: c.id)


def verify_audit(
    ctx: Context, actor: Actor, journal_no: str | None = None
) -> list[audit.ChainReport]:
    """Recompute the hash chains of one case, or of every case ``actor`` may see."""
    with read_transaction(ctx.engine.db) as conn:
        if journal_no is not None:
            policy.visible_case(conn, journal_no, actor)
            return audit.verify(conn, [journal_no])
        if actor.sees_every_case:
            return audit.verify(conn, None)
        visible = case_rows.search_visible(conn, policy.read_scope(actor), limit=10**9)
        return audit.verify(conn, [c.journal_no for c in visible])


# --- writing ---------------------------------------------------------------------------


def open_case(ctx: Context, actor: Actor, new: NewCase) -> Case:
    """Open a case; a name that does not exist or a text too long is refused first."""
    with read_transaction(ctx.engine.db) as conn:
        checks.check_new_case(conn, new)
    return ctx.engine.open_case(new, actor)


def advance(ctx: Context, actor: Actor, request: AdvanceRequest) -> Advanced:
    """Take one step of the workflow; a step that a service owns (putting on an agenda,
    deciding) is refused here and names the service to use."""
    check_user_changes(request.changes)
    with ctx.engine.transaction() as conn:
        before = policy.visible_case(conn, request.journal_no, actor)
        definition = _workflow(ctx, conn, before).definition
        checks.check_trigger(definition, request.trigger)
        checks.check_case_changes(definition, before, request.changes)
        check_size(Capped.COMMENT, request.comment, "comment")
        note = checks.check_past_fields(
            definition,
            request.changes,
            local_date(ctx.engine.clock.now()),
            allow_past=request.allow_past,
            reason=request.past_reason,
        )
        case = ctx.engine.fire_in(
            conn,
            request.journal_no,
            request.trigger,
            actor,
            changes=request.changes,
            comment=_with_note(request.comment, note),
            expected_version=request.expected_version,
        )
    return Advanced(before.state, case)


def edit(ctx: Context, actor: Actor, request: EditRequest) -> Edited:
    """Change fields of a case without moving it, on the version it was made on."""
    check_user_changes(request.changes)
    expected = request.expected_version
    with read_transaction(ctx.engine.db) as conn:
        before = policy.visible_case(conn, request.journal_no, actor)
        definition = _workflow(ctx, conn, before).definition
        checks.check_case_changes(definition, before, request.changes)
    check_size(Capped.COMMENT, request.comment, "comment")
    note = checks.check_past_fields(
        definition,
        request.changes,
        local_date(ctx.engine.clock.now()),
        allow_past=request.allow_past,
        reason=request.past_reason,
    )
    if expected is None:
        expected = before.version
    case = ctx.engine.edit(
        request.journal_no,
        request.changes,
        actor,
        comment=_with_note(request.comment, note),
        expected_version=expected,
    )
    return Edited(case, case.version != expected)
