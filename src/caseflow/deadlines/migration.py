"""What moving a case onto another workflow version does to its deadlines (pure).

Open deadlines are recomputed under the new version's rule from their original start,
so a rule changed from 12 to 9 working days gives the same due date a case opened
under the new rule would have had. A deadline whose rule the new version removes, or
that does not run in the case's new state, is cancelled, with the reason. A paused
deadline keeps its remaining working days. Satisfied and other ended deadlines are not
live and are not touched. A rule the new version adds that starts on entering the
case's state starts from when the case entered it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from caseflow.calendar import local_date
from caseflow.deadlines.rules import Calendars, DueDate, compute_due, parse_due
from caseflow.deadlines.vocabulary import DeadlineStatus
from caseflow.definitions.migration_notes import MigrationNote, NoteKind, note
from caseflow.definitions.schema import DeadlineRule, WorkflowDefinition


class DeadlineAction(StrEnum):
    KEEP = "keep"  # unchanged by the move
    RECOMPUTE = "recompute"  # due date and reminders from the new rule
    CANCEL = "cancel"  # its rule is gone, or does not run in the new state
    START = "start"  # a rule new in this version, started from entering the state


@dataclass(frozen=True)
class LiveDeadline:
    """What the planning needs of an open or paused deadline row."""

    id: int
    rule_id: str
    status: DeadlineStatus
    started_at: datetime
    due_at: datetime
    reminders_at: tuple[datetime, ...]


@dataclass(frozen=True)
class DeadlineMove:
    """One deadline's fate; ``due`` for RECOMPUTE and START; ``note`` what the move says
    of it (None for KEEP)."""

    rule_id: str
    action: DeadlineAction
    note: MigrationNote | None
    deadline_id: int | None = None  # None for START
    due: DueDate | None = None
    started_at: datetime | None = None
    old_days: int | None = None
    new_days: int | None = None

    @property
    def warning(self) -> MigrationNote | None:
        """What a dry run says of it, if anything changes."""
        return None if self.action is DeadlineAction.KEEP else self.note

    @property
    def reason(self) -> str:
        """In English, as the audit row of the move keeps it."""
        return self.note.text if self.note is not None else str(self.action)


DueOf = Callable[[DeadlineRule, datetime, Mapping[str, Any]], DueDate | None]
"""How a due date is computed: :func:`compute_due` with the calendars, or a memo of it."""


def due_in(calendars: Calendars) -> DueOf:
    """:func:`compute_due` in ``calendars``, worked out once per rule, start and field
    value: the cases a migration moves mostly share them (a batch opened the same day)."""
    memo: dict[tuple[int, datetime, Any], tuple[DeadlineRule, DueDate | None]] = {}
    field_of: dict[str, str | None] = {}  # a due text -> the one field it reads, if any

    def due(rule: DeadlineRule, start: datetime, fields: Mapping[str, Any]) -> DueDate | None:
        name = field_of.get(rule.due, "")
        if name == "":
            name = field_of[rule.due] = parse_due(rule.due).field
        key = (id(rule), start, fields.get(name) if name else None)
        try:
            found = memo.get(key)
        except TypeError:  # a field value that is not hashable
            return compute_due(rule, start=start, fields=fields, calendars=calendars)
        if found is not None and found[0] is rule:
            return found[1]
        if len(memo) >= 4096:
            memo.clear()
        result = compute_due(rule, start=start, fields=fields, calendars=calendars)
        memo[key] = (rule, result)
        return result

    return due


class DeadlineBlocked(ValueError):
    """A deadline the new rule cannot compute (a field that is not a date): the case stays."""

    def __init__(self, note: MigrationNote) -> None:
        super().__init__(note.text)
        self.note = note


def _unreadable(kind: NoteKind, rule: DeadlineRule, exc: ValueError) -> MigrationNote:
    """Why a due date cannot be computed: the case field it reads is not a date."""
    return note(kind, rule=rule.id, field=parse_due(rule.due).field or "", detail=str(exc))


@lru_cache(maxsize=4096)
def _days(calendars: Calendars, start: datetime, due: datetime) -> int:
    # Per case twice (the old and the new due date), mostly for the same moments.
    return _between(calendars, local_date(start), local_date(due))


@lru_cache(maxsize=4096)
def _between(calendars: Calendars, start: date, due: date) -> int:
    return calendars.working.between(start, due)


def _recompute(
    record: LiveDeadline,
    rule: DeadlineRule,
    fields: Mapping[str, Any],
    calendars: Calendars,
    due_of: DueOf,
) -> DeadlineMove:
    try:
        due = due_of(rule, record.started_at, fields)
    except ValueError as exc:
        raise DeadlineBlocked(_unreadable(NoteKind.DEADLINE_NOT_RECOMPUTABLE, rule, exc)) from None
    if due is None:
        return DeadlineMove(
            rule.id,
            DeadlineAction.CANCEL,
            note(NoteKind.DEADLINE_CANCELLED_FIELD_MISSING, rule=rule.id),
            record.id,
        )
    if due.due_at == record.due_at and due.reminders == record.reminders_at:
        return DeadlineMove(rule.id, DeadlineAction.KEEP, None, record.id)
    old_days = _days(calendars, record.started_at, record.due_at)
    new_days = _days(calendars, record.started_at, due.due_at)
    if old_days != new_days:
        said = note(
            NoteKind.DEADLINE_RECOMPUTED, rule=rule.id, old_days=old_days, new_days=new_days
        )
    else:
        said = note(NoteKind.DEADLINE_REMINDERS_RECOMPUTED, rule=rule.id)
    return DeadlineMove(
        rule.id,
        DeadlineAction.RECOMPUTE,
        said,
        record.id,
        due,
        record.started_at,
        old_days,
        new_days,
    )


def plan_deadlines(
    live: Sequence[LiveDeadline],
    *,
    old: WorkflowDefinition,
    new: WorkflowDefinition,
    new_state: str,
    state_entered_at: datetime,
    fields: Mapping[str, Any],
    calendars: Calendars,
    due_of: DueOf | None = None,
) -> list[DeadlineMove]:
    """What happens to each live deadline of a case moved into ``new_state`` of ``new``,
    and which new rules start. Raises :class:`DeadlineBlocked` for a due date that cannot
    be computed (the case is then left where it is)."""
    due_of = due_of or due_in(calendars)
    rules = {rule.id: rule for rule in new.deadlines}
    moves: list[DeadlineMove] = []
    for record in live:
        rule = rules.get(record.rule_id)
        if rule is None:
            moves.append(
                DeadlineMove(
                    record.rule_id,
                    DeadlineAction.CANCEL,
                    note(NoteKind.DEADLINE_CANCELLED_RULE_REMOVED, rule=record.rule_id),
                    record.id,
                )
            )
        elif new_state not in rule.active_in and new_state not in rule.paused_in:
            moves.append(
                DeadlineMove(
                    rule.id,
                    DeadlineAction.CANCEL,
                    note(NoteKind.DEADLINE_CANCELLED_NOT_IN_STATE, rule=rule.id, state=new_state),
                    record.id,
                )
            )
        elif record.status is DeadlineStatus.PAUSED:
            moves.append(DeadlineMove(rule.id, DeadlineAction.KEEP, None, record.id))
        else:
            moves.append(_recompute(record, rule, fields, calendars, due_of))
    running = {record.rule_id for record in live}
    had = {rule.id for rule in old.deadlines}
    for rule in new.deadlines:
        if rule.id in running or rule.id in had:
            continue
        if rule.anchor.kind != "entering" or rule.anchor.name != new_state:
            continue
        if new_state not in rule.active_in:
            continue
        try:
            due = due_of(rule, state_entered_at, fields)
        except ValueError as exc:
            raise DeadlineBlocked(_unreadable(NoteKind.DEADLINE_NOT_STARTABLE, rule, exc)) from None
        if due is None:
            continue
        moves.append(
            DeadlineMove(
                rule.id,
                DeadlineAction.START,
                note(
                    NoteKind.DEADLINE_STARTED,
                    rule=rule.id,
                    state=new_state,
                    date=local_date(state_entered_at).isoformat(),
                ),
                None,
                due,
                state_entered_at,
                None,
                _days(calendars, state_entered_at, due.due_at),
            )
        )
    return moves
