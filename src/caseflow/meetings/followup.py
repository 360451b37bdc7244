"""Follow-up after a decision: actions for a steering group or an administration.

Each action has an owner (``steering_group:OMR`` or ``administration:TMF``), a
description and a due date as politicians say it ("by end of 2009", "during
2010"). Adding one writes its row, its deadline row (rule ``followup:<id>``,
see :mod:`caseflow.deadlines.followups`, so the worker reminds and escalates
it) and a line in the case's ``fields.followup_actions`` with its audit row,
all in one transaction. Marking it done (or cancelled) closes the deadline.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from caseflow.calendar import local_date
from caseflow.deadlines import followups as followup_rules
from caseflow.deadlines.rules import compute_due
from caseflow.deadlines.vocabulary import DeadlineStatus
from caseflow.domain import ADMINISTRATOR, Actor, AuditKind, Case
from caseflow.engine import Engine
from caseflow.errors import ErrorCode, InvalidInput, NotAllowed, NotFound
from caseflow.meetings.vocabulary import FollowupOwnerKind, FollowupStatus
from caseflow.notifications import recipients
from caseflow.policy import (
    followup_not_visible,
    read_scope,
    require_may_read,
    visible_case,
)
from caseflow.store import agenda as agenda_rows
from caseflow.store import cases as case_rows
from caseflow.store import deadlines as deadline_rows
from caseflow.store import followups as rows
from caseflow.store import organisation
from caseflow.store.db import read_transaction

MAY_ADD = ("case_officer", "secretariat", "committee", "steering_group", ADMINISTRATOR)
MAY_FINISH = ("case_officer", "secretariat", "steering_group", ADMINISTRATOR)


def parse_owner(text: str) -> tuple[FollowupOwnerKind, str]:
    found = recipients.unit_of(text)
    if found is None:
        raise InvalidInput(
            f"owner {text!r}: write steering_group:CODE or administration:CODE, "
            "e.g. steering_group:OMR"
        )
    return found


def add_followup(
    engine: Engine,
    journal_no: str,
    actor: Actor,
    *,
    owner: str,
    due: str,
    text: str,
    agenda_item_id: int | None = None,
    allow_past: bool = False,
    past_reason: str | None = None,
) -> rows.FollowupRecord:
    """Add a follow-up action on a case, with its deadline; returns it.

    Without ``agenda_item_id`` it follows up the case's latest decision, if any. A due
    date already past ("by end of 2009" typed in 2026) would remind and escalate at the
    worker's next run: it is refused unless ``allow_past`` with a ``past_reason``, which
    the case's audit trail keeps.
    """
    owner_kind, owner_code = parse_owner(owner)
    text = " ".join(text.split())
    past_reason = " ".join((past_reason or "").split()) or None
    if not text:
        raise InvalidInput("say what is to be done", code=ErrorCode.TEXT_REQUIRED)
    if allow_past and past_reason is None:
        raise InvalidInput(
            "say why the follow-up may be due in the past",
            code=ErrorCode.PAST_REASON_REQUIRED,
            field="due",
        )
    try:
        due_text, due_fields = followup_rules.due_rule_text(due)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    with engine.transaction() as conn:
        case = visible_case(conn, journal_no, actor)  # unknown and hidden: one answer
        _require(actor, case, MAY_ADD, "add follow-up actions to")
        _check_owner(conn, owner_kind, owner_code)
        definition = engine.registry.for_case(
            conn, case.workflow_id, case.workflow_version
        ).definition
        if agenda_item_id is None:
            agenda_item_id = _latest_decision(conn, case.id)
        now = engine.clock.now()
        probe = followup_rules.make_rule(0, text, owner, due, definition)
        timing = compute_due(probe, start=now, fields=due_fields, calendars=engine.calendars)
        assert timing is not None, due_text  # a follow-up's due never reads a missing field
        past = timing.due_at <= now
        if past and not allow_past:
            today, on = local_date(now).isoformat(), local_date(timing.due_at).isoformat()
            raise InvalidInput(
                f"the follow-up would be due {on} ({due_text}), which has passed (today is "
                f"{today}); give a later due date, or allow a past one with a reason",
                code=ErrorCode.DATE_PASSED,
                field="due",
                date=on,
                today=today,
            )
        followup_id = rows.insert_followup(
            conn,
            case_id=case.id,
            agenda_item_id=agenda_item_id,
            description=text,
            owner_kind=owner_kind,
            owner_code=owner_code,
            due=" ".join(due.split()),
            due_at=timing.due_at,
            actor=actor.username,
            now=now,
        )
        rule = followup_rules.make_rule(followup_id, text, owner, due, definition)
        timing = compute_due(rule, start=now, fields=due_fields, calendars=engine.calendars)
        assert timing is not None
        deadline_rows.create(
            conn,
            case_id=case.id,
            rule_id=rule.id,
            generation=case.state_generation,
            started_at=now,
            not_before=timing.not_before,
            due_at=timing.due_at,
            reminders_at=timing.reminders,
            explanation=timing.explanation,
            now=now,
        )
        record = rows.get(conn, followup_id)
        note = f"follow-up {followup_id} added: {text}"
        if past:
            note += f" (due {local_date(timing.due_at).isoformat()}, already past: {past_reason})"
        _note_on_case(conn, engine, case, actor, record, note)
        return record


def finish_followup(
    engine: Engine,
    followup_id: int,
    actor: Actor,
    *,
    status: FollowupStatus = FollowupStatus.DONE,
    note: str | None = None,
) -> rows.FollowupRecord:
    """Mark a follow-up action done (or cancelled); its deadline is satisfied (or cancelled)."""
    if status is FollowupStatus.OPEN:
        raise InvalidInput(f"status {status.value!r}: use done or cancelled")
    with engine.transaction() as conn:
        record, case = visible_followup(conn, followup_id, actor)
        if not _owner_may_finish(actor, record):
            _require(actor, case, MAY_FINISH, "finish follow-up actions on")
        if record.status is not FollowupStatus.OPEN:
            raise NotAllowed(f"follow-up action {followup_id} is already {record.status}")
        now = engine.clock.now()
        rows.finish(conn, followup_id, status, actor.username, (note or "").strip() or None, now)
        wanted = followup_rules.rule_id(followup_id)
        for deadline in deadline_rows.live_for_case(conn, case.id):
            if deadline.rule_id == wanted:
                ended = (
                    DeadlineStatus.SATISFIED
                    if status is FollowupStatus.DONE
                    else DeadlineStatus.CANCELLED
                )
                deadline_rows.close(conn, deadline.id, ended, now)
        record = rows.get(conn, followup_id)
        _note_on_case(conn, engine, case, actor, record, f"follow-up {followup_id} {status}")
        return record


def visible_followup(
    conn: Connection, followup_id: int, actor: Actor
) -> tuple[rows.FollowupRecord, Case]:
    """The action and its case, if ``actor`` may see the case; else the same refusal as for
    no such action (:func:`caseflow.policy.followup_not_visible`)."""
    try:
        record = rows.get(conn, followup_id)
    except NotFound:
        raise followup_not_visible(followup_id) from None
    case = case_rows.get_by_id(conn, record.case_id)
    if not actor.may_read(case):
        raise followup_not_visible(followup_id)
    return record, case


def list_followups(
    engine: Engine,
    reader: Actor,
    *,
    overdue: bool = False,
    include_finished: bool = False,
    journal_no: str | None = None,
    limit: int | None = None,
    after: int | None = None,
) -> list[rows.FollowupRecord]:
    """Follow-up actions of the cases ``reader`` may see (of ``journal_no``'s only: it
    must be one of those), soonest due first; ``limit`` of them after action ``after``
    when given. Every filter is SQL."""
    with read_transaction(engine.db) as conn:
        case_id = None
        if journal_no:
            case = case_rows.get(conn, journal_no)
            require_may_read(case, reader)
            case_id = case.id
        return rows.search(
            conn,
            statuses=() if include_finished else (FollowupStatus.OPEN,),
            case_id=case_id,
            overdue_at=engine.clock.now() if overdue else None,
            scope=read_scope(reader),
            limit=limit,
            after=after,
        )


def followup_json(record: rows.FollowupRecord, now: datetime | None = None) -> dict[str, Any]:
    return {
        "id": record.id,
        "journal_no": record.journal_no,
        "case_title": record.case_title,
        "description": record.description,
        "owner": record.owner,
        "due": record.due,
        "due_at": record.due_at.isoformat(),
        "status": record.status.value,
        "agenda_item_id": record.agenda_item_id,
        "overdue": bool(now and record.status is FollowupStatus.OPEN and record.due_at < now),
        "created_by": record.created_by,
        "done_at": record.done_at.isoformat() if record.done_at else None,
        "done_by": record.done_by,
    }


def _latest_decision(conn: Connection, case_id: int) -> int | None:
    """The agenda item of the case's latest decision: what the action follows up."""
    decided = [item for item, _ in agenda_rows.items_for_case(conn, case_id) if item.outcome]
    return decided[-1].id if decided else None


def _require(actor: Actor, case: Case, roles: tuple[str, ...], what: str) -> None:
    held = actor.roles_for(case)
    if held & set(roles):
        return
    raise NotAllowed(
        f"{actor.username} may not {what} case {case.journal_no}: it needs the role "
        f"{' or '.join(roles)} on this case, and {actor.username} holds "
        f"{', '.join(sorted(held)) or 'no role'} on it"
    )


def _owner_may_finish(actor: Actor, record: rows.FollowupRecord) -> bool:
    """Someone in the owning administration may report its action done."""
    return (
        record.owner_kind is FollowupOwnerKind.ADMINISTRATION
        and record.owner_code in actor.administrations
    )


def _check_owner(conn: Connection, kind: FollowupOwnerKind, code: str) -> None:
    if kind is FollowupOwnerKind.STEERING_GROUP:
        known = [g["code"] for g in organisation.list_steering_groups(conn)]
    else:
        known = organisation.administration_codes(conn)
    if code not in known:
        raise InvalidInput(
            f"no {kind.replace('_', ' ')} {code!r}; known: {', '.join(known) or 'none'}"
        )


def _note_on_case(
    conn: Connection,
    engine: Engine,
    case: Case,
    actor: Actor,
    record: rows.FollowupRecord,
    comment: str,
) -> None:
    """Keep the case's list of follow-up actions current, with an audit row."""
    current = case_rows.get_by_id(conn, case.id)
    actions = [a for a in current.fields.get("followup_actions") or [] if a.get("id") != record.id]
    actions.append(
        {
            "id": record.id,
            "text": record.description,
            "owner": record.owner,
            "due": record.due,
            "status": record.status.value,
        }
    )
    actions.sort(key=lambda a: int(a["id"]))
    engine.record_in(
        conn,
        current,
        {"fields.followup_actions": actions},
        actor,
        kind=AuditKind.EDIT,
        comment=comment,
    )
