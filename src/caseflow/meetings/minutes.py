"""Decisions and minutes: per item the decision, the absent members and the outcome.

Recording an item's outcome fires the case's workflow in the same transaction, the
transition its workflow says does the step (``meaning:``, see
:mod:`caseflow.meetings.steps`; in committee-case the triggers are named alike):

* ``decided``: ``decide``, with the decision text in ``fields.decision``;
* ``postponed``: ``postpone``; the case returns to the committee's queue, meant
  for the committee's next planned meeting (``fields.meeting_id`` and
  ``meeting_date``, so the agenda deadline for that meeting starts);
* ``referred``: ``refer``, with ``committee`` set to the receiving committee;
  the case waits in that committee's queue without a meeting;
* ``decided`` with a receiving committee (BIU decides to recommend, Økonomiudvalget
  and the city council decide next): ``decide`` and then ``send_on``.

Approving the minutes closes the meeting; it is refused while an item is
untreated. A closed meeting's decisions cannot change.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from caseflow.calendar import COPENHAGEN, local_date
from caseflow.definitions.meanings import ServiceName, StepMeaning
from caseflow.domain import Actor, Case
from caseflow.engine import Engine
from caseflow.errors import ErrorCode, InvalidInput, NotAllowed
from caseflow.meetings import steps
from caseflow.meetings.agenda import off_agenda, still_on
from caseflow.meetings.vocabulary import ItemOutcome, ItemStatus, MeetingStatus
from caseflow.policy import require_committee_role
from caseflow.store import agenda as rows
from caseflow.store import cases as case_rows
from caseflow.store import meetings as meeting_rows
from caseflow.store import organisation

RECORDERS = ("secretariat", "committee")
_OPEN_FOR_DECISIONS = (MeetingStatus.PLANNED, MeetingStatus.HELD)


def decide_item(
    engine: Engine,
    meeting_id: int,
    item_no: int,
    actor: Actor,
    *,
    outcome: str,
    text: str | None = None,
    absent: Sequence[str] = (),
    to: str | None = None,
) -> Case:
    """Record item ``item_no``'s outcome (an :class:`ItemOutcome`, or its text) and fire the
    case's workflow; returns the case."""
    found = parse_outcome(outcome)
    text = (text or "").strip() or None
    absent = [name.strip() for name in absent if name.strip()]
    with engine.transaction() as conn:
        meeting = meeting_rows.get(conn, meeting_id, for_update=True)
        require_committee_role(actor, meeting.committee, RECORDERS, "record this meeting's minutes")
        if meeting.status not in _OPEN_FOR_DECISIONS:
            raise NotAllowed(
                f"meeting {meeting_id} is {meeting.status}; its decisions can no longer change"
            )
        _check_started(meeting, engine.clock.now(), "decide its items")
        item = _item(conn, meeting_id, item_no)
        if item.status is not ItemStatus.SCHEDULED:
            raise NotAllowed(
                f"item {item_no} of meeting {meeting_id} is already recorded as {item.outcome}"
            )
        _check_absent(conn, meeting.committee, absent)
        step, changes, text, referred_to = _effect(conn, meeting, item, found, text, to)
        before = case_rows.get_by_id(conn, item.case_id)
        definition = steps.definition_of(conn, engine, before)
        case = engine.fire_in(
            conn,
            item.journal_no,
            steps.trigger_for(definition, before.state, step),
            actor,
            changes=changes,
            comment=text,
            service=ServiceName.MINUTES,
        )
        if found is ItemOutcome.DECIDED and referred_to is not None:
            case = engine.fire_in(
                conn,
                item.journal_no,
                steps.trigger_for(definition, case.state, StepMeaning.SEND_ON),
                actor,
                changes=off_agenda() | {"committee": referred_to},
                comment=f"sendt videre til {referred_to}",
                service=ServiceName.MINUTES,
            )
        rows.record_outcome(
            conn,
            item.id,
            outcome=found,
            decision=text,
            absent=absent,
            referred_to=referred_to,
            actor=actor.username,
            now=engine.clock.now(),
        )
        if meeting.status is MeetingStatus.PLANNED:
            meeting_rows.set_status(conn, meeting_id, MeetingStatus.HELD, now=engine.clock.now())
        return case


def approve_minutes(
    engine: Engine, meeting_id: int, actor: Actor, *, note: str | None = None
) -> rows.MinutesApproval:
    """Approve the minutes and close the meeting; refused while an item is untreated."""
    with engine.transaction() as conn:
        meeting = meeting_rows.get(conn, meeting_id, for_update=True)
        require_committee_role(actor, meeting.committee, RECORDERS, "approve these minutes")
        approved = rows.minutes_approval(conn, meeting_id) is not None
        if approved or meeting.status is MeetingStatus.CLOSED:
            raise NotAllowed(f"the minutes of meeting {meeting_id} are already approved")
        if meeting.status is MeetingStatus.CANCELLED:
            raise NotAllowed(f"meeting {meeting_id} was cancelled; it has no minutes")
        now = engine.clock.now()
        _check_started(meeting, now, "approve its minutes")
        items = _settle_departed(conn, engine, meeting_id, now)
        open_items = [str(i.item_no) for i in items if i.status is ItemStatus.SCHEDULED]
        if open_items:
            raise NotAllowed(
                f"meeting {meeting_id} has items without a decision: {', '.join(open_items)}; "
                "record them first",
                code=ErrorCode.UNTREATED_ITEMS,
                meeting_id=meeting_id,
                items=open_items,
            )
        rows.insert_minutes_approval(conn, meeting_id, actor.username, note, now)
        if meeting.status is MeetingStatus.PLANNED:  # every item left: nothing was held
            meeting_rows.set_status(conn, meeting_id, MeetingStatus.HELD, now=now)
        meeting_rows.set_status(conn, meeting_id, MeetingStatus.CLOSED, now=now)
        approval = rows.minutes_approval(conn, meeting_id)
        assert approval is not None
        return approval


def parse_outcome(text: str) -> ItemOutcome:
    """An item's outcome from its text (``decided``, ``postponed``, ``referred``)."""
    try:
        return ItemOutcome(text)
    except ValueError:
        known = ", ".join(ItemOutcome)
        raise InvalidInput(f"outcome {text!r}: use one of {known}") from None


def _check_started(meeting: meeting_rows.MeetingRecord, now: datetime, doing: str) -> None:
    """Nothing is decided, and no minutes approved, before the meeting has begun."""
    if now < meeting.starts_at:
        starts = meeting.starts_at.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M")
        raise NotAllowed(
            f"meeting {meeting.id} starts {starts}; one cannot {doing} before it has begun",
            code=ErrorCode.MEETING_NOT_STARTED,
            meeting_id=meeting.id,
            starts_at=starts,
        )


def _settle_departed(
    conn: Connection, engine: Engine, meeting_id: int, now: datetime
) -> list[rows.ItemRecord]:
    """Mark items whose case left the agenda another way (withdrawn, returned) removed."""
    items = rows.items_for_meeting(conn, meeting_id)
    for item in items:
        if item.status is not ItemStatus.SCHEDULED:
            continue
        case = case_rows.get_by_id(conn, item.case_id)
        if not still_on(steps.definition_of(conn, engine, case), case, meeting_id):
            rows.mark_removed(conn, item.id, f"left the agenda: the case is {case.state}", now)
    return rows.items_for_meeting(conn, meeting_id)


def _item(conn: Connection, meeting_id: int, item_no: int) -> rows.ItemRecord:
    """Item ``item_no`` on the agenda (one taken off may have had the same number)."""
    items = rows.items_for_meeting(conn, meeting_id, with_removed=False)
    for item in items:
        if item.item_no == item_no:
            return item
    numbers = ", ".join(str(i.item_no) for i in items) or "none"
    raise InvalidInput(f"meeting {meeting_id} has no item {item_no}; its items: {numbers}")


def _check_absent(conn: Connection, committee: str, absent: Sequence[str]) -> None:
    """Absent members must be members, when the organisation lists the committee's members."""
    row = organisation.committee(conn, committee)
    members = list((row or {}).get("details", {}).get("members") or [])
    unknown = [name for name in absent if members and name not in members]
    if unknown:
        raise InvalidInput(
            f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a member of "
            f"{committee}; its members: {', '.join(members)}"
        )


def _effect(
    conn: Connection,
    meeting: meeting_rows.MeetingRecord,
    item: rows.ItemRecord,
    outcome: ItemOutcome,
    text: str | None,
    to: str | None,
) -> tuple[StepMeaning, dict[str, Any], str | None, str | None]:
    """The step, case changes, decision text and receiving committee of an outcome."""
    off = off_agenda()
    if outcome is ItemOutcome.POSTPONED and to is not None:
        raise InvalidInput(
            "a postponed item stays with its committee: it goes to no other",
            code=ErrorCode.NO_RECEIVER_FOR_POSTPONEMENT,
        )
    if to is not None:
        _check_receiver(conn, meeting, to)
    if outcome is ItemOutcome.DECIDED:
        if text is None:
            raise InvalidInput("a decision needs its text", code=ErrorCode.TEXT_REQUIRED)
        return StepMeaning.DECIDE, {"fields.decision": text}, text, to
    if outcome is ItemOutcome.POSTPONED:
        following = meeting_rows.next_after(
            conn, meeting.committee, meeting.starts_at, statuses=(MeetingStatus.PLANNED,)
        )
        if following is not None:
            off["fields.meeting_id"] = following.id
            off["fields.meeting_date"] = _local_day(following)
        return StepMeaning.POSTPONE, off, text or "Udsat.", None
    if to is None:
        raise InvalidInput(
            "say which committee the case is referred to",
            code=ErrorCode.REFERRAL_TARGET_REQUIRED,
        )
    return StepMeaning.REFER, off | {"committee": to}, text or f"Henvist til {to}.", to


def _local_day(meeting: meeting_rows.MeetingRecord) -> str:
    return local_date(meeting.starts_at).isoformat()


def _check_receiver(conn: Connection, meeting: meeting_rows.MeetingRecord, to: str) -> None:
    if to == meeting.committee:
        raise InvalidInput(
            f"the case is already {to}'s; name another committee",
            code=ErrorCode.REFERRAL_TARGET_REQUIRED,
        )
    if organisation.committee(conn, to) is None:
        known = ", ".join(organisation.committee_codes(conn))
        raise InvalidInput(f"no committee {to!r}; known: {known}")
