"""Statuses and kinds are StrEnums: the store reads every one back typed, the database
keeps the same text, and the JSON a command prints is that text."""

from __future__ import annotations

from sqlalchemy import select

from caseflow.clock import FakeClock
from caseflow.deadlines.vocabulary import DeadlineStatus
from caseflow.domain import OrgKind
from caseflow.engine import Engine
from caseflow.meetings import agenda, followup, minutes
from caseflow.meetings.vocabulary import (
    FollowupOwnerKind,
    FollowupStatus,
    ItemOutcome,
    ItemStatus,
    MeetingStatus,
)
from caseflow.notifications.vocabulary import OutboxStatus
from caseflow.services.meetings import meeting_json
from caseflow.store import agenda as item_rows
from caseflow.store import deadlines as deadline_rows
from caseflow.store import followups as followup_rows
from caseflow.store import meetings as meeting_rows
from caseflow.store import org_history, outbox
from caseflow.store.db import read_transaction
from caseflow.store.tables import agenda_items, followups, meetings
from caseflow.testing import add_test_meeting, copenhagen_time, ready_test_case


def test_the_store_reads_statuses_and_kinds_back_as_their_enums(
    engine: Engine, clock: FakeClock
) -> None:
    clock.set(copenhagen_time("2009-05-20 09:00"))
    meeting_id = add_test_meeting(engine, "BIU", "2009-06-11 15:00")
    secretariat = engine.actor("biu.sekretariat")
    journal_no = ready_test_case(engine)
    agenda.add_item(engine, meeting_id, journal_no, secretariat)
    clock.set(copenhagen_time("2009-06-11 16:00"))  # decided once the meeting has begun
    minutes.decide_item(engine, meeting_id, 1, secretariat, outcome="decided", text="Ja.")
    action = followup.add_followup(
        engine, journal_no, secretariat, owner="steering_group:OMR", due="during 2010", text="X"
    )
    with read_transaction(engine.db) as conn:
        meeting = meeting_rows.get(conn, meeting_id)
        (item,) = item_rows.items_for_meeting(conn, meeting_id)
        record = followup_rows.get(conn, action.id)
        deadline_statuses = {d.status for d in deadline_rows.for_case(conn, item.case_id)}
        sent = outbox.search(conn, limit=1000)
        kinds = {change.kind for change in org_history.search(conn)}
        stored = (
            conn.execute(select(meetings.c.status)).scalar_one(),
            tuple(conn.execute(select(agenda_items.c.status, agenda_items.c.outcome)).one()),
            tuple(conn.execute(select(followups.c.status, followups.c.owner_kind)).one()),
        )
    assert meeting.status is MeetingStatus.HELD
    assert (item.status, item.outcome) == (ItemStatus.DECIDED, ItemOutcome.DECIDED)
    assert type(item.status) is ItemStatus
    assert type(item.outcome) is ItemOutcome
    assert type(record.status) is FollowupStatus
    assert record.status is FollowupStatus.OPEN
    assert record.owner_kind is FollowupOwnerKind.STEERING_GROUP
    assert record.owner == "steering_group:OMR"
    assert deadline_statuses
    assert all(type(s) is DeadlineStatus for s in deadline_statuses)
    assert DeadlineStatus.OPEN in deadline_statuses  # the follow-up's own deadline
    assert sent
    assert all(type(r.status) is OutboxStatus for r in sent)
    assert kinds == set(OrgKind)
    assert all(type(kind) is OrgKind for kind in kinds)
    # The database keeps the plain texts, and the JSON is that text.
    assert stored == ("held", ("decided", "decided"), ("open", "steering_group"))
    assert all(type(text) is str for text in (stored[0], *stored[1], *stored[2]))
    shown = meeting_json(meeting)["status"]
    assert (shown, type(shown)) == ("held", str)
