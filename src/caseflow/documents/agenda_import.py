"""Published items imported as cases: one by one, or a whole agenda into its meeting.

An imported agenda is the record of what a municipality published, so what it
becomes depends on the meeting (:func:`mode_for`), never on the interface:

* a meeting **held** (or planned, its time past): each item is history. Its case is
  opened in the state its decision implies in the case's workflow (where the step
  that means ``decide``, or ``postpone`` for "Udsat", leads from the state that means
  ``on_agenda``; an item without a decision stays on the agenda, waiting for the
  minutes), and the meeting's item is written with that outcome, the decision's text
  and who was absent. No step is fired and nobody approves anything here: the case's
  first audit row is of kind ``import``, naming the source file (the actor is the
  row's own), and no deadline starts.
* a meeting **still to come**: each case is opened ready (kind ``import``: the source
  published it, so it was approved there) and put on the agenda by
  :func:`caseflow.meetings.agenda.add_item_in` with every rule of the agenda (the
  secretariat's role, the agenda deadline and a late item's reason, a change note
  on a published agenda). An item carrying a decision is refused: the meeting has
  not been held.
* a meeting closed (its minutes approved) or cancelled takes no import.

Everything runs in one write transaction with a savepoint per item, so an item that
cannot be imported (its number taken, its administration unknown, a rule of the
agenda) is refused with its reason and writes nothing, while the others go on. A dry
run is the same transaction rolled back: it reports exactly what the real run does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection

from caseflow.calendar import local_date
from caseflow.definitions import WorkflowDefinition
from caseflow.definitions.meanings import StateMeaning, StepMeaning
from caseflow.documents.importer import ImportedItem
from caseflow.documents.service import ImportPlan, Names, check_plan, plan_import
from caseflow.domain import Actor, Case
from caseflow.engine import Engine
from caseflow.errors import (
    CaseflowError,
    ErrorCode,
    NotAllowed,
)
from caseflow.meetings import agenda
from caseflow.meetings.vocabulary import ItemOutcome, MeetingStatus
from caseflow.policy import require_committee_role
from caseflow.store import agenda as agenda_rows
from caseflow.store import meetings as meeting_rows
from caseflow.store.meetings import MeetingRecord

SECRETARIAT = ("secretariat",)
_POSTPONED = re.compile(
    r"^\s*(?:(?:punktet|sagen)\s+(?:blev\s+|bliver\s+)?)?(?:udsat|udsættes)\b", re.IGNORECASE
)


class ImportMode(StrEnum):
    """What the items of an import become."""

    AGENDA = "agenda"  # on a coming meeting's agenda, by the agenda's rules
    HISTORY = "history"  # a held meeting's items, with their decisions


class ImportOutcome(StrEnum):
    """What became of one item."""

    OPENED = "opened"  # a case in its workflow's first state
    ON_AGENDA = "on_agenda"  # opened ready and put on the coming meeting's agenda
    DECIDED = "decided"  # a held meeting's item with its decision
    POSTPONED = "postponed"  # a held meeting's item the committee postponed
    AWAITING_DECISION = "awaiting_decision"  # a held meeting's item, its decision not given
    REFUSED = "refused"  # nothing written: see the reason


@dataclass(frozen=True)
class ItemResult:
    """One item of an import: what it became, its case, and why not if refused."""

    item: ImportedItem
    outcome: ImportOutcome
    case: Case | None = None
    item_no: int | None = None  # its number on the meeting's agenda
    error: CaseflowError | None = None

    @property
    def reason(self) -> str | None:
        return self.error.message if self.error is not None else None


@dataclass(frozen=True)
class MeetingImport:
    """An agenda imported into a meeting: the meeting as it was, the mode, each item."""

    meeting: MeetingRecord
    mode: ImportMode
    results: list[ItemResult]


def decision_outcome(text: str) -> ItemOutcome:
    """What a published decision records: "Udsat." (and "Punktet blev udsat") is a
    postponement, anything else a decision (pure)."""
    return ItemOutcome.POSTPONED if _POSTPONED.match(text) else ItemOutcome.DECIDED


def mode_for(meeting: MeetingRecord, now: datetime) -> ImportMode:
    """History for a meeting held (or planned, its time past); the agenda for one to come.

    A meeting whose minutes are approved, or that was cancelled, takes no import."""
    if meeting.status in (MeetingStatus.CLOSED, MeetingStatus.CANCELLED):
        raise NotAllowed(
            f"meeting {meeting.id} is {meeting.status}: its items can no longer change, "
            "so nothing was imported",
            code=ErrorCode.IMPORT_MEETING_CLOSED,
            meeting_id=meeting.id,
            status=str(meeting.status),
        )
    if meeting.status is MeetingStatus.HELD or meeting.starts_at <= now:
        return ImportMode.HISTORY
    return ImportMode.AGENDA


def source_note(source: str, item: ImportedItem, meeting: MeetingRecord | None = None) -> str:
    """The import's audit comment: which file, which item, which meeting."""
    number = f"punkt {item.number}" if item.number is not None else "punkt uden nummer"
    where = ""
    if meeting is not None:
        where = f", {meeting.committee}s møde {local_date(meeting.starts_at).isoformat()}"
    return f"importeret fra {source} ({number}{where})"


def import_cases(
    engine: Engine,
    items: Sequence[ImportedItem],
    names: Names,
    actor: Actor,
    *,
    source: str,
    workflow_id: str = "committee-case",
    lead: str | None = None,
    committee: str | None = None,
    dry_run: bool = False,
) -> list[ItemResult]:
    """Each item opened as a case in its workflow's first state (no meeting), its opening
    audited with the source; the engine checks who may open it."""

    def one(conn: Connection, item: ImportedItem) -> ItemResult:
        plan = plan_import(item, names, workflow_id=workflow_id, lead=lead, committee=committee)
        check_plan(conn, plan, names)
        case = engine.open_in(conn, plan.new, actor, comment=source_note(source, item))
        return ItemResult(item, ImportOutcome.OPENED, case)

    return _each_in_savepoint(engine, items, one, dry_run)


def import_into_meeting(
    engine: Engine,
    items: Sequence[ImportedItem],
    meeting_id: int,
    names: Names,
    actor: Actor,
    *,
    source: str,
    workflow_id: str = "committee-case",
    lead: str | None = None,
    late_reason: str | None = None,
    note: str | None = None,
    dry_run: bool = False,
) -> MeetingImport:
    """A published agenda into meeting ``meeting_id`` (see the module's text)."""
    with engine.transaction() as conn:
        meeting = meeting_rows.get(conn, meeting_id)
    mode = mode_for(meeting, engine.clock.now())
    doing = "import this meeting's items" if mode is ImportMode.AGENDA else "import its minutes"
    require_committee_role(actor, meeting.committee, SECRETARIAT, doing)
    definition = engine.registry.current_version(workflow_id).definition
    states = _states(definition)

    def one(conn: Connection, item: ImportedItem) -> ItemResult:
        plan = plan_import(
            item, names, workflow_id=workflow_id, lead=lead, committee=meeting.committee
        )
        check_plan(conn, plan, names)
        if mode is ImportMode.AGENDA:
            return _onto_agenda(conn, engine, meeting, plan, actor, source, late_reason, note)
        return _as_history(conn, engine, meeting, plan, actor, source, states)

    return MeetingImport(meeting, mode, _each_in_savepoint(engine, items, one, dry_run))


class _DryRun(Exception):
    """Raised at the end of a dry run's transaction, so that it rolls back."""


def _each_in_savepoint(
    engine: Engine,
    items: Sequence[ImportedItem],
    one: Callable[[Connection, ImportedItem], ItemResult],
    dry_run: bool,
) -> list[ItemResult]:
    """``one`` per item in a savepoint of one transaction: a refused item writes nothing;
    a dry run rolls all of it back, having done exactly what the real run does."""
    results: list[ItemResult] = []
    try:
        with engine.transaction() as conn:
            for item in items:
                try:
                    with conn.begin_nested():
                        results.append(one(conn, item))
                except CaseflowError as exc:
                    results.append(ItemResult(item, ImportOutcome.REFUSED, error=exc))
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return results


@dataclass(frozen=True)
class _States:
    """The states of a workflow that an imported item is opened in, by what it records."""

    ready: str
    on_agenda: str
    decided: str
    postponed: str


def _states(definition: WorkflowDefinition) -> _States:
    """Read from the workflow's meanings, never its names: ready is where ``put_on_agenda``
    starts, on the agenda where it leads, decided and postponed where ``decide`` and
    ``postpone`` lead from there."""
    put_on = next(iter(definition.steps(StepMeaning.PUT_ON_AGENDA)), None)
    ready = (
        next((s for s in put_on.sources if definition.state_means(s, StateMeaning.READY)), None)
        if put_on is not None
        else None
    )
    decide = definition.step_from(put_on.dest, StepMeaning.DECIDE) if put_on else None
    postpone = definition.step_from(put_on.dest, StepMeaning.POSTPONE) if put_on else None
    if put_on is None or ready is None or decide is None or postpone is None:
        missing = "put_on_agenda from a ready state, decide and postpone"
        raise NotAllowed(
            f"workflow {definition.id} declares no steps that {missing} (meaning: ...), so "
            "its cases cannot be a meeting's items",
            code=ErrorCode.STEP_NOT_DECLARED,
            workflow_id=definition.id,
            meaning=str(StepMeaning.PUT_ON_AGENDA),
        )
    return _States(ready, put_on.dest, decide.dest, postpone.dest)


def _onto_agenda(
    conn: Connection,
    engine: Engine,
    meeting: MeetingRecord,
    plan: ImportPlan,
    actor: Actor,
    source: str,
    late_reason: str | None,
    note: str | None,
) -> ItemResult:
    """Opened ready and put on the agenda by the agenda's own rules, in this savepoint."""
    item = plan.item
    if item.decision is not None:
        raise NotAllowed(
            f"item {item.number} records a decision, and meeting {meeting.id} has not been "
            "held; import the minutes once it is held",
            code=ErrorCode.IMPORT_DECISION_EARLY,
            meeting_id=meeting.id,
            number=item.number,
        )
    definition = engine.registry.current_version(plan.new.workflow_id).definition
    ready = _states(definition).ready
    comment = source_note(source, item, meeting)
    case = engine.open_in(conn, plan.new, actor, imported_in=ready, comment=comment)
    added = agenda.add_item_in(
        conn,
        engine,
        meeting.id,
        case.journal_no,
        actor,
        closed=item.closed,
        late_reason=late_reason,
        note=note,
    )
    return ItemResult(item, ImportOutcome.ON_AGENDA, added.case, added.item.item_no)


def _as_history(
    conn: Connection,
    engine: Engine,
    meeting: MeetingRecord,
    plan: ImportPlan,
    actor: Actor,
    source: str,
    states: _States,
) -> ItemResult:
    """The case opened where its decision leaves it, and the meeting's item recorded."""
    item = plan.item
    outcome = decision_outcome(item.decision.text) if item.decision is not None else None
    state = {
        None: states.on_agenda,
        ItemOutcome.DECIDED: states.decided,
        ItemOutcome.POSTPONED: states.postponed,
    }[outcome]
    day = local_date(meeting.starts_at).isoformat()
    fields: dict[str, Any] = dict(plan.new.fields)
    if outcome is not ItemOutcome.POSTPONED:  # on the agenda, or decided there
        fields |= {"meeting": f"{meeting.committee} {day}", "meeting_id": meeting.id}
        fields["meeting_date"] = day
    new = replace(plan.new, fields=fields)
    case = engine.open_in(
        conn, new, actor, imported_in=state, comment=source_note(source, item, meeting)
    )
    now = engine.clock.now()
    item_id = agenda_rows.insert_item(
        conn,
        meeting_id=meeting.id,
        case_id=case.id,
        committee=meeting.committee,
        is_public=not item.closed,
        is_late=False,
        late_reason=None,
        late_approved_by=None,
        actor=actor.username,
        now=now,
    )
    if outcome is not None:
        assert item.decision is not None
        agenda_rows.record_outcome(
            conn,
            item_id,
            outcome=outcome,
            decision=item.decision.text,
            absent=list(item.absent),
            referred_to=None,
            actor=actor.username,
            now=meeting.starts_at,
        )
        if meeting.status is MeetingStatus.PLANNED:
            meeting_rows.set_status(conn, meeting.id, MeetingStatus.HELD, now=now)
    recorded = agenda_rows.item_on_meeting(conn, meeting.id, case.id)
    assert recorded is not None
    found = {
        None: ImportOutcome.AWAITING_DECISION,
        ItemOutcome.DECIDED: ImportOutcome.DECIDED,
        ItemOutcome.POSTPONED: ImportOutcome.POSTPONED,
    }[outcome]
    return ItemResult(item, found, case, recorded.item_no)
