"""Building a meeting's agenda: items, numbers and order, the agenda deadline, versions.

Putting a case on a meeting is the workflow's ``put_on_agenda`` transition and
the agenda item row, written in one transaction: either the case is on the
agenda and numbered, or nothing happened. The committee's agenda deadline is
checked first (:mod:`caseflow.meetings.timing`): a late item is refused, or
needs an approval recorded with a reason, as the committee's rules say.

Publishing freezes the agenda as a numbered version. Once published, every
change (a new item, a new order) needs a change note and publishes the next
version with it in the same transaction, so the members always have the
agenda as it stands and a record of what changed.

:func:`agenda_data` returns the agenda for rendering; :func:`public_view` strips
it of what closed items must never show.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from caseflow.calendar import COPENHAGEN
from caseflow.domain import Actor, Case
from caseflow.engine import Engine
from caseflow.errors import InvalidInput, NotAllowed
from caseflow.meetings.access import calendars_of, require_committee_role, require_insider
from caseflow.meetings.timing import AgendaTiming, agenda_timing, rules_from_details
from caseflow.store import agenda as rows
from caseflow.store import cases as case_rows
from caseflow.store import meetings as meeting_rows
from caseflow.store import organisation
from caseflow.store.db import read_transaction
from caseflow.store.tables import ITEM_SCHEDULED, MEETING_PLANNED

CLOSED_TITLE = "Lukket punkt"
SECRETARIAT = ("secretariat",)


@dataclass(frozen=True)
class AddedItem:
    item: rows.ItemRecord
    case: Case
    timing: AgendaTiming
    published_version: int | None  # the new version, when the agenda was already published


# --- reading ------------------------------------------------------------------------------


def agenda_data(conn: Connection, meeting_id: int, *, public: bool = False) -> dict[str, Any]:
    """A meeting's agenda for rendering: the meeting, its committee, the items in order.

    Each item carries its case's content (title, summary, recommendations,
    sections, attachments) and, once treated, its decision. With ``public``
    closed items keep only their number and the title "Lukket punkt".
    """
    meeting = meeting_rows.get(conn, meeting_id)
    committee = organisation.committee(conn, meeting.committee) or {}
    items = [_item_data(conn, item) for item in rows.items_for_meeting(conn, meeting_id)]
    latest = rows.latest_version(conn, meeting_id)
    data = {
        "meeting": _meeting_data(meeting),
        "committee": {
            "code": meeting.committee,
            "name": committee.get("name"),
            "name_en": committee.get("name_en"),
        },
        "published_version": latest.version if latest else None,
        "items": items,
    }
    return public_view(data) if public else data


def public_view(data: dict[str, Any]) -> dict[str, Any]:
    """The agenda (or a published snapshot of it) as the public may see it."""
    items = []
    for item in data.get("items", []):
        if item.get("is_public", False):
            items.append(item)
        else:
            items.append({"item_no": item["item_no"], "is_public": False, "title": CLOSED_TITLE})
    return {**data, "items": items, "public": True}


def get_agenda(
    engine: Engine, meeting_id: int, *, public: bool = False, viewer: Actor | None = None
) -> dict[str, Any]:
    """The agenda; the full one (closed items included) only for the committee's insiders."""
    with read_transaction(engine.db) as conn:
        if not public:
            require_insider(viewer, meeting_rows.get(conn, meeting_id).committee)
        return agenda_data(conn, meeting_id, public=public)


def versions(
    engine: Engine, meeting_id: int, *, public: bool = False, viewer: Actor | None = None
) -> list[dict[str, Any]]:
    """The published versions of a meeting's agenda, oldest first (full ones: insiders only)."""
    with read_transaction(engine.db) as conn:
        meeting = meeting_rows.get(conn, meeting_id)
        if not public:
            require_insider(viewer, meeting.committee)
        found = rows.versions(conn, meeting_id)
    return [
        {
            "version": v.version,
            "published_at": v.published_at.isoformat(),
            "published_by": v.published_by,
            "change_note": v.change_note,
            "agenda": public_view(v.snapshot) if public else v.snapshot,
        }
        for v in found
    ]


def timing_for(
    conn: Connection, engine: Engine, meeting: meeting_rows.MeetingRecord
) -> AgendaTiming:
    committee = organisation.committee(conn, meeting.committee)
    rules = rules_from_details(committee["details"] if committee else None)
    return agenda_timing(meeting.starts_at, rules, calendars_of(engine))


def _meeting_data(meeting: meeting_rows.MeetingRecord) -> dict[str, Any]:
    local = meeting.starts_at.astimezone(COPENHAGEN)
    return {
        "id": meeting.id,
        "committee": meeting.committee,
        "starts_at": meeting.starts_at.isoformat(),
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "place": meeting.place,
        "status": meeting.status,
    }


def _item_data(conn: Connection, item: rows.ItemRecord) -> dict[str, Any]:
    case = case_rows.get_by_id(conn, item.case_id)
    decision = None
    if item.outcome is not None:
        decision = {
            "outcome": item.outcome,
            "text": item.decision,
            "absent": list(item.absent),
            "referred_to": item.referred_to,
            "decided_at": item.decided_at.isoformat() if item.decided_at else None,
        }
    return {
        "item_id": item.id,
        "item_no": item.item_no,
        "is_public": item.is_public,
        "journal_no": case.journal_no,
        "title": case.title,
        "summary": case.summary,
        "lead_administration": case.lead_administration,
        "participating_administrations": list(case.participating_administrations),
        "recommendations": list(case.recommendations),
        "sections": dict(case.sections),
        "attachments": [a.to_json() for a in case.attachments],
        "is_late": item.is_late,
        "late_reason": item.late_reason,
        "status": item.status,
        "decision": decision,
    }


def _snapshot(conn: Connection, meeting_id: int) -> dict[str, Any]:
    """What a published version freezes: the agenda without decisions (not yet taken)."""
    data = agenda_data(conn, meeting_id)
    data.pop("published_version", None)
    data["items"] = [
        {k: v for k, v in item.items() if k not in ("decision", "status")} for item in data["items"]
    ]
    data["meeting"] = {k: v for k, v in data["meeting"].items() if k != "status"}
    return data


# --- building -----------------------------------------------------------------------------


def add_item(
    engine: Engine,
    meeting_id: int,
    journal_no: str,
    actor: Actor,
    *,
    closed: bool = False,
    late_reason: str | None = None,
    note: str | None = None,
) -> AddedItem:
    """Put a ready case on a meeting's agenda as its next item (see the module's text)."""
    late_reason = (late_reason or "").strip() or None
    with engine.transaction() as conn:
        meeting = _open_meeting(conn, meeting_id)
        require_committee_role(actor, meeting.committee, SECRETARIAT, "build this agenda")
        case = case_rows.get(conn, journal_no)
        if case.committee != meeting.committee:
            raise NotAllowed(
                f"case {journal_no} is for committee {case.committee or '(none)'}, and meeting "
                f"{meeting_id} is {meeting.committee}'s; refer the case to {meeting.committee} "
                "first"
            )
        if rows.item_on_meeting(conn, meeting_id, case.id) is not None:
            raise NotAllowed(f"case {journal_no} is already on the agenda of meeting {meeting_id}")
        timing = timing_for(conn, engine, meeting)
        late = timing.is_late(engine.clock.now())
        if late:
            _check_late_item(meeting, timing, late_reason)
        note = _change_note(conn, meeting_id, note)
        item_id = rows.insert_item(
            conn,
            meeting_id=meeting_id,
            case_id=case.id,
            committee=meeting.committee,
            is_public=not closed,
            is_late=late,
            late_reason=late_reason if late else None,
            late_approved_by=actor.username if late else None,
            actor=actor.username,
            now=engine.clock.now(),
        )
        moved = engine.fire_in(
            conn,
            journal_no,
            "put_on_agenda",
            actor,
            changes={
                "fields.meeting": f"{meeting.committee} {timing.meeting_day.isoformat()}",
                "fields.meeting_id": meeting_id,
                "fields.meeting_date": timing.meeting_day.isoformat(),
            },
            comment=_late_comment(timing, late_reason) if late else None,
        )
        version = _republish(conn, engine, meeting_id, actor, note)
        item = rows.item_on_meeting(conn, meeting_id, case.id)
        assert item is not None
        assert item.id == item_id
        return AddedItem(item, moved, timing, version)


def move_item(
    engine: Engine,
    meeting_id: int,
    item_no: int,
    position: int,
    actor: Actor,
    *,
    note: str | None = None,
) -> list[rows.ItemRecord]:
    """Move item ``item_no`` to ``position`` (1 = first); the items are renumbered 1..n."""
    with engine.transaction() as conn:
        meeting = _open_meeting(conn, meeting_id)
        require_committee_role(actor, meeting.committee, SECRETARIAT, "build this agenda")
        items = rows.items_for_meeting(conn, meeting_id)
        moving = next((i for i in items if i.item_no == item_no), None)
        if moving is None:
            raise InvalidInput(_no_item(meeting_id, item_no, items))
        if not 1 <= position <= len(items):
            raise InvalidInput(f"position {position}: give a number from 1 to {len(items)}")
        if any(i.status != ITEM_SCHEDULED for i in items):
            raise NotAllowed(f"meeting {meeting_id} has treated items; its order is history now")
        note = _change_note(conn, meeting_id, note)
        order = [i.id for i in items if i.id != moving.id]
        order.insert(position - 1, moving.id)
        rows.renumber(conn, order)
        _republish(conn, engine, meeting_id, actor, note)
        return rows.items_for_meeting(conn, meeting_id)


def publish(
    engine: Engine, meeting_id: int, actor: Actor, *, note: str | None = None
) -> rows.VersionRecord:
    """Freeze the agenda as its next version; refused when nothing changed since the last."""
    with engine.transaction() as conn:
        meeting = meeting_rows.get(conn, meeting_id, for_update=True)
        require_committee_role(actor, meeting.committee, SECRETARIAT, "publish this agenda")
        latest = rows.latest_version(conn, meeting_id)
        snapshot = _snapshot(conn, meeting_id)
        if not snapshot["items"]:
            raise NotAllowed(f"the agenda of meeting {meeting_id} has no items yet")
        if latest is not None:
            if latest.snapshot == snapshot:
                raise NotAllowed(
                    f"nothing changed since version {latest.version} of meeting {meeting_id}'s "
                    "agenda"
                )
            note = _change_note(conn, meeting_id, note)
        version = (latest.version if latest else 0) + 1
        rows.insert_version(
            conn,
            meeting_id=meeting_id,
            version=version,
            snapshot=snapshot,
            note=(note or "").strip() or None,
            actor=actor.username,
            now=engine.clock.now(),
        )
        found = rows.latest_version(conn, meeting_id)
        assert found is not None
        return found


# --- the rules ----------------------------------------------------------------------------


def _open_meeting(conn: Connection, meeting_id: int) -> meeting_rows.MeetingRecord:
    meeting = meeting_rows.get(conn, meeting_id, for_update=True)
    if meeting.status != MEETING_PLANNED:
        raise NotAllowed(
            f"meeting {meeting_id} is {meeting.status}; only a planned meeting's agenda can change"
        )
    return meeting


def _check_late_item(
    meeting: meeting_rows.MeetingRecord, timing: AgendaTiming, late_reason: str | None
) -> None:
    passed = f"{meeting.committee}'s agenda deadline for the meeting on {timing.meeting_day} "
    passed += f"was {timing.deadline_day} 23:59"
    if timing.rules.late_items == "refuse":
        raise NotAllowed(f"{passed}, and {meeting.committee} does not accept late items")
    if late_reason is None:
        raise NotAllowed(
            f"{passed}; a late item needs an approval with a reason (give --late-reason TEXT)"
        )


def _late_comment(timing: AgendaTiming, reason: str | None) -> str:
    return f"late item (agenda deadline {timing.deadline_day}), approved: {reason}"


def _change_note(conn: Connection, meeting_id: int, note: str | None) -> str | None:
    """Once an agenda is published, a change must say what changed."""
    note = (note or "").strip() or None
    latest = rows.latest_version(conn, meeting_id)
    if latest is not None and note is None:
        raise InvalidInput(
            f"the agenda of meeting {meeting_id} is published (version {latest.version}); "
            "a change makes a new version: say what changed with --note TEXT"
        )
    return note


def _republish(
    conn: Connection, engine: Engine, meeting_id: int, actor: Actor, note: str | None
) -> int | None:
    """After a change to a published agenda: its next version, with the change note."""
    latest = rows.latest_version(conn, meeting_id)
    if latest is None:
        return None
    rows.insert_version(
        conn,
        meeting_id=meeting_id,
        version=latest.version + 1,
        snapshot=_snapshot(conn, meeting_id),
        note=note,
        actor=actor.username,
        now=engine.clock.now(),
    )
    return latest.version + 1


def _no_item(meeting_id: int, item_no: int, items: list[rows.ItemRecord]) -> str:
    numbers = ", ".join(str(i.item_no) for i in items) or "none"
    return f"meeting {meeting_id} has no item {item_no}; its items: {numbers}"
