"""What a committee secretariat watches: the queue, the cases not ready, the course of a case.

Secretariats used to keep manual lists of the cases meant for a meeting that
are not ready yet, and of referred or postponed cases still without a meeting.
:func:`secretariat_report` lists both from the cases and their agenda items;
:func:`queue` shows the cases waiting for one meeting; :func:`course` is a
case's course through the committees ("sagens gang"), one line per treatment.

A case is "meant for" a meeting when its field ``meeting_date`` holds the
meeting's date (the field the workflow's agenda deadline counts from);
``meeting_id`` names the meeting when it is known (after a postponement). Which
states count as being prepared for a meeting and as ready for one is each
workflow's to say (``meaning: preparing``, ``meaning: ready``): the lists ask the
versions cases run on, and filter in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from sqlalchemy import Connection

from caseflow.calendar import COPENHAGEN, at_local, local_date
from caseflow.definitions.meanings import StateMeaning
from caseflow.domain import Actor, Case, CaseHead
from caseflow.engine import Engine
from caseflow.meetings import steps
from caseflow.meetings.agenda import CLOSED_TITLE
from caseflow.meetings.timing import agenda_timing, rules_from_details
from caseflow.meetings.vocabulary import ItemStatus
from caseflow.policy import (
    INSIDERS,
    closed_committees,
    is_insider,
    may_act_for,
    read_scope,
    require_may_read,
    withholds,
)
from caseflow.store import agenda as rows
from caseflow.store import cases as case_rows
from caseflow.store import meetings as meeting_rows
from caseflow.store import organisation
from caseflow.store.cases import CaseFilter
from caseflow.store.db import read_transaction
from caseflow.store.visibility import ReadScope

# Why a ready case waits without a meeting, by the status of its last agenda item.
_WAITING = {
    ItemStatus.REFERRED: "referred",
    ItemStatus.POSTPONED: "postponed",
    ItemStatus.REMOVED: "taken off",
}


def may_list(reader: Actor, case: Case) -> bool:
    """Whether a not yet published case shows in ``reader``'s report or queue: for the
    insiders of its committee, and for whoever may read the case (:meth:`Actor.may_read`)."""
    return (case.committee is not None and is_insider(reader, case.committee)) or (
        reader.may_read(case)
    )


def shown_title(conn: Connection, reader: Actor, case: Case | CaseHead) -> str:
    """The case's title, or "Lukket punkt" for a reader outside every committee where the
    case is closed (as the public agenda shows it)."""
    return CLOSED_TITLE if withholds(reader, closed_committees(conn, case)) else case.title


def secretariat_report(
    engine: Engine, reader: Actor, committee: str | None = None
) -> dict[str, Any]:
    """Cases meant for a coming meeting that are not ready; referred/postponed without a
    meeting: those ``reader`` may see (:func:`may_list`)."""
    today = local_date(engine.clock.now())
    with read_transaction(engine.db) as conn:
        preparing = steps.states_meaning(conn, engine, [StateMeaning.PREPARING])
        ready = steps.states_meaning(conn, engine, [StateMeaning.READY])
        not_ready = [
            _not_ready_line(conn, engine, case, today, reader)
            for case in case_rows.search(
                conn, CaseFilter(committee=committee, states_by_version=preparing)
            )
            if _meant_for(case.fields, today) is not None and may_list(reader, case)
        ]
        waiting = [
            line
            for case in case_rows.search(
                conn, CaseFilter(committee=committee, states_by_version=ready)
            )
            if may_list(reader, case) and (line := _waiting_line(conn, case, reader)) is not None
        ]
    not_ready.sort(key=lambda line: (line["meeting_date"], line["journal_no"]))
    waiting.sort(key=lambda line: line["journal_no"])
    return {
        "committee": committee,
        "today": today.isoformat(),
        "not_ready": not_ready,
        "without_meeting": waiting,
    }


@dataclass(frozen=True)
class QueueLine:
    """A case waiting to be put on a meeting's agenda: ready for it, or not yet."""

    case_id: int  # the position in the queue (newest first): where a page ends
    journal_no: str
    title: str  # "Lukket punkt" for a reader outside a committee where it is closed
    state: str
    ready: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "journal_no": self.journal_no,
            "title": self.title,
            "state": self.state,
            "ready": self.ready,
        }


def queue(
    engine: Engine,
    reader: Actor,
    meeting_id: int,
    *,
    limit: int | None = None,
    before_id: int | None = None,
) -> list[QueueLine]:
    """Cases of the meeting's committee meant for it and waiting to be put on it (in a
    state their workflow says is being prepared or ready), newest first, those ``reader``
    may see (:func:`may_list`); ``limit`` of them, with an id below ``before_id`` if given.
    Every filter is SQL."""
    with read_transaction(engine.db) as conn:
        meeting = meeting_rows.get(conn, meeting_id)
        day = local_date(meeting.starts_at).isoformat()
        waiting = steps.states_meaning(conn, engine, [StateMeaning.PREPARING, StateMeaning.READY])
        where = CaseFilter(
            committee=meeting.committee,
            states_by_version=waiting,
            meant_for=(meeting_id, day),
        )
        # The committee's insiders may list all its cases; anyone else those they may read.
        scope = (
            ReadScope(every=True, username=reader.username)
            if is_insider(reader, meeting.committee)
            else read_scope(reader)
        )
        found = case_rows.search_visible(conn, scope, where, before_id=before_id, limit=limit)
        return [
            QueueLine(
                case.id,
                case.journal_no,
                shown_title(conn, reader, case),
                case.state,
                steps.means(steps.definition_of(conn, engine, case), case, StateMeaning.READY),
            )
            for case in found
        ]


def course(engine: Engine, journal_no: str, reader: Actor) -> dict[str, Any]:
    """Sagens gang: every treatment of a case by a committee, in the order of the meetings,
    for a ``reader`` who may see the case.

    A closed item's decision and absences are the committee's: only its insiders
    (:func:`caseflow.policy.require_insider`) see them; others see that the
    item was closed, when, and its outcome, with ``withheld`` set.
    """
    with read_transaction(engine.db) as conn:
        case = case_rows.get(conn, journal_no)
        require_may_read(case, reader)
        treatments = rows.items_for_case(conn, case.id)
        names = {c["code"]: c["name"] for c in organisation.list_committees(conn)}

    return {
        "journal_no": case.journal_no,
        "title": case.title,
        "state": case.state,
        "committee": case.committee,
        "treatments": [_treatment(item, meeting, names, reader) for item, meeting in treatments],
    }


def _treatment(
    item: rows.ItemRecord, meeting: meeting_rows.MeetingRecord, names: dict[str, Any], reader: Actor
) -> dict[str, Any]:
    """One line of :func:`course`: a closed item's decision and absences withheld from
    a ``reader`` outside its committee."""
    withheld = not item.is_public and not may_act_for(reader, item.committee, INSIDERS)
    return {
        "committee": item.committee,
        "committee_name": names.get(item.committee),
        "meeting_id": meeting.id,
        "meeting_date": meeting.starts_at.astimezone(COPENHAGEN).date().isoformat(),
        "item_no": item.item_no,
        "is_public": item.is_public,
        "status": item.status.value,
        "outcome": item.outcome,
        "decision": None if withheld else item.decision,
        "absent": [] if withheld else list(item.absent),
        "referred_to": item.referred_to,
        "withheld": withheld,
    }


def _meant_for(fields: dict[str, Any], today: date) -> date | None:
    raw = fields.get("meeting_date")
    try:
        day = date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None
    return day if day is not None and day >= today else None


def _not_ready_line(
    conn: Connection, engine: Engine, case: Case, today: date, reader: Actor
) -> dict[str, Any]:
    day = _meant_for(case.fields, today)
    assert day is not None
    committee = organisation.committee(conn, case.committee) if case.committee else None
    rules = rules_from_details(committee["details"] if committee else None)
    # The deadline is counted from the meeting's date; its time of day does not matter.
    timing = agenda_timing(at_local(day, time(12)), rules, engine.calendars)
    return {
        "journal_no": case.journal_no,
        "title": shown_title(conn, reader, case),
        "committee": case.committee,
        "state": case.state,
        "meeting_date": day.isoformat(),
        "agenda_deadline": timing.deadline_day.isoformat(),
        "deadline_passed": timing.is_late(engine.clock.now()),
        "case_officer": case.case_officer,
    }


def _waiting_line(conn: Connection, case: Case, reader: Actor) -> dict[str, Any] | None:
    """A ready case whose last treatment referred or postponed it, or whose item was taken
    off the agenda, with no meeting since."""
    treatments = rows.items_for_case(conn, case.id)
    if not treatments:
        return None
    last, meeting = treatments[-1]
    if last.status not in _WAITING and last.referred_to is None:
        return None
    if case.fields.get("meeting_id") is not None:
        return None  # postponed to a known meeting: it is in that meeting's queue
    return {
        "journal_no": case.journal_no,
        "title": shown_title(conn, reader, case),
        "committee": case.committee,
        "reason": "sent on" if last.status is ItemStatus.DECIDED else _WAITING[last.status],
        "from_committee": last.committee,
        "from_meeting": local_date(meeting.starts_at).isoformat(),
        "item_no": last.item_no,
    }
