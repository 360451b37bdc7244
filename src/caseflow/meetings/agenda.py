"""Building a meeting's agenda: items, numbers and order, the agenda deadline, versions.

Putting a case on a meeting is the workflow's transition that means
``put_on_agenda`` (:mod:`caseflow.meetings.steps`: committee-case's
``put_on_agenda``) and the agenda item row, written in one transaction: either the
case is on the agenda and numbered, or nothing happened. The committee's agenda
deadline is checked first (:mod:`caseflow.meetings.timing`): a late item is
refused, or needs an approval recorded with a reason, as the committee's rules say.

Taking an item off the agenda before the meeting is the transition that means
``take_off_agenda`` (back to a state that means ``ready``, without a meeting, so
the case can go on another) and the item marked removed, with the items after it
renumbered, in one transaction. The item keeps the number it had, as history, and
no longer counts as on the agenda.

Publishing freezes the agenda as a numbered version. Once published, every
change (a new item, a new order, an item taken off) publishes the next version
in the same transaction, with a change note saying what changed, so the
members always have the agenda as it stands and a record of what changed.

:func:`agenda_data` returns the agenda as it stands (the working view);
:func:`content` what a document of it shows: a published version, or the
draft; :func:`public_view` strips either of what closed items must never show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from caseflow.calendar import COPENHAGEN, local_date
from caseflow.definitions import WorkflowDefinition
from caseflow.definitions.meanings import ServiceName, StateMeaning, StepMeaning
from caseflow.domain import Actor, AuditKind, Case
from caseflow.engine import Engine
from caseflow.errors import ErrorCode, InvalidInput, NotAllowed, NotFound
from caseflow.meetings import steps
from caseflow.meetings.timing import AgendaTiming, agenda_timing, rules_from_details
from caseflow.meetings.vocabulary import ItemStatus, MeetingStatus
from caseflow.policy import (
    closed_committees,
    is_marked_closed,
    require_committee_role,
    require_insider,
    visible_case,
)
from caseflow.store import agenda as rows
from caseflow.store import cases as case_rows
from caseflow.store import meetings as meeting_rows
from caseflow.store import organisation
from caseflow.store.db import read_transaction

CLOSED_TITLE = "Lukket punkt"
SECRETARIAT = ("secretariat",)
MADE_PUBLIC = AuditKind.MADE_PUBLIC  # the audit kind of opening a closed item
# A cancelled meeting's items are stuck on it until taken off; a held one's are minutes.
_MAY_TAKE_OFF_FROM = (MeetingStatus.PLANNED, MeetingStatus.CANCELLED)


@dataclass(frozen=True)
class AddedItem:
    item: rows.ItemRecord
    case: Case
    timing: AgendaTiming
    published_version: int | None  # the new version, when the agenda was already published
    inherited_closed: bool = False  # closed without being asked: the case was closed already


@dataclass(frozen=True)
class OpenedItem:
    item: rows.ItemRecord  # public now
    case: Case
    published_version: int | None  # the new version, when the agenda was already published


@dataclass(frozen=True)
class WithdrawnItem:
    item: rows.ItemRecord  # as it was before it was taken off (its number then)
    case: Case
    remaining: list[rows.ItemRecord]  # the items on the agenda now, renumbered
    published_version: int | None  # the new version, when the agenda was already published


@dataclass(frozen=True)
class AgendaContent:
    """What a document of an agenda shows: its items in order, and which version they are."""

    version: int  # the published version; 0: the draft (the agenda as it stands, unpublished)
    items: list[dict[str, Any]]  # as in agenda_data, without decisions in a published version


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
    """The agenda (or a published snapshot of it) as the public may see it.

    Items taken off the agenda are left out: they are no longer on it.
    """
    items = []
    for item in on_agenda(data.get("items", [])):
        if item.get("is_public", False):
            items.append(item)
        else:
            items.append({"item_no": item["item_no"], "is_public": False, "title": CLOSED_TITLE})
    return {**data, "items": items, "public": True}


def on_agenda(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items of agenda data still on the agenda (a snapshot holds only those)."""
    return [item for item in items if item.get("status") != ItemStatus.REMOVED]


def content(
    conn: Connection, meeting_id: int, *, version: int | None = None, draft: bool = False
) -> AgendaContent:
    """The items a document shows: published version ``version`` (default: the latest), or
    with ``draft`` the agenda as it stands. An agenda never published has only its draft.

    A published version is what the members were sent: edits to the cases after it do
    not change it. Who may see a draft is the caller's to check (insiders only).
    """
    if draft:
        if version is not None:
            raise InvalidInput(
                "give a published version or the draft, not both", code=ErrorCode.VERSION_OR_DRAFT
            )
        return AgendaContent(0, on_agenda(agenda_data(conn, meeting_id)["items"]))
    published = rows.versions(conn, meeting_id)
    if not published and version is None:
        return AgendaContent(0, on_agenda(agenda_data(conn, meeting_id)["items"]))
    wanted = version if version is not None else published[-1].version
    found = next((v for v in published if v.version == wanted), None)
    if found is None:
        numbers = ", ".join(str(v.version) for v in published) or "none"
        raise NotFound(
            f"meeting {meeting_id}'s agenda has no version {wanted}; published versions: {numbers}"
        )
    return AgendaContent(found.version, list(found.snapshot["items"]))


def get_agenda(
    engine: Engine, meeting_id: int, *, public: bool = False, viewer: Actor | None = None
) -> dict[str, Any]:
    """The agenda as it stands, closed items included, for the committee's insiders; with
    ``public``, its latest published version without what closed items hold.

    The public sees only what was published: an edit to a case since shows once a
    next version is published (adding, reordering or taking off an item publishes
    one at once). An agenda never published has no public view.
    """
    with read_transaction(engine.db) as conn:
        meeting = meeting_rows.get(conn, meeting_id)
        if not public:
            require_insider(viewer, meeting.committee)
            return agenda_data(conn, meeting_id)
        latest = rows.latest_version(conn, meeting_id)
    if latest is None:
        raise NotAllowed(
            f"the agenda of meeting {meeting_id} is not published yet, so it has no public "
            "version; the committee's insiders see it as it stands",
            code=ErrorCode.AGENDA_NOT_PUBLISHED,
            meeting_id=meeting_id,
        )
    published = latest.snapshot
    return public_view(
        {
            **published,
            # as published, and whether it has been held since
            "meeting": {**published["meeting"], "status": meeting.status.value},
            "published_version": latest.version,
        }
    )


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
    return agenda_timing(meeting.starts_at, rules, engine.calendars)


def _meeting_data(meeting: meeting_rows.MeetingRecord) -> dict[str, Any]:
    local = meeting.starts_at.astimezone(COPENHAGEN)
    return {
        "id": meeting.id,
        "committee": meeting.committee,
        "starts_at": meeting.starts_at.isoformat(),
        "date": local.date().isoformat(),
        "time": local.strftime("%H:%M"),
        "place": meeting.place,
        "status": meeting.status.value,
    }


def _item_data(conn: Connection, item: rows.ItemRecord) -> dict[str, Any]:
    """An item and its case's content: what a document of the item prints, and its status."""
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
        "recommending_administration": case.fields.get("recommending_administration"),
        "participating_administrations": list(case.participating_administrations),
        "recommendations": list(case.recommendations),
        "sections": dict(case.sections),
        "section_headings": case.fields.get("section_headings") or {},
        "attachments": [a.to_json() for a in case.attachments],
        "is_late": item.is_late,
        "late_reason": item.late_reason,
        "status": item.status.value,
        "decision": decision,
        "taken_off": item.decision if item.status is ItemStatus.REMOVED else None,  # why
    }


def _snapshot(conn: Connection, meeting_id: int) -> dict[str, Any]:
    """What a published version freezes: the items on the agenda without decisions (not
    yet taken)."""
    data = agenda_data(conn, meeting_id)
    data.pop("published_version", None)
    data["items"] = [
        {k: v for k, v in item.items() if k not in ("decision", "status", "taken_off")}
        for item in on_agenda(data["items"])
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
    with engine.transaction() as conn:
        return add_item_in(
            conn,
            engine,
            meeting_id,
            journal_no,
            actor,
            closed=closed,
            late_reason=late_reason,
            note=note,
        )


def add_item_in(
    conn: Connection,
    engine: Engine,
    meeting_id: int,
    journal_no: str,
    actor: Actor,
    *,
    closed: bool = False,
    late_reason: str | None = None,
    note: str | None = None,
) -> AddedItem:
    """:func:`add_item` inside the caller's transaction (an import's, which opens the case
    in the same one: the item is on the agenda, or neither exists)."""
    late_reason = (late_reason or "").strip() or None
    meeting = _open_meeting(conn, meeting_id)
    require_committee_role(actor, meeting.committee, SECRETARIAT, "build this agenda")
    case = case_rows.get(conn, journal_no)
    if case.committee != meeting.committee:
        raise NotAllowed(
            f"case {journal_no} is for committee {case.committee or '(none)'}, and meeting "
            f"{meeting_id} is {meeting.committee}'s; refer the case to {meeting.committee} "
            "first"
        )
    before = rows.item_on_meeting(conn, meeting_id, case.id)
    if before is not None and before.status is not ItemStatus.REMOVED:
        raise NotAllowed(f"case {journal_no} is already on the agenda of meeting {meeting_id}")
    definition = steps.definition_of(conn, engine, case)
    put_on = steps.trigger_for(definition, case.state, StepMeaning.PUT_ON_AGENDA)
    timing = timing_for(conn, engine, meeting)
    late = timing.is_late(engine.clock.now())
    _check_to_come(meeting, engine.clock.now())
    if late:
        _check_late_item(meeting, timing, late_reason)
    note = _change_note(conn, meeting_id, note)
    inherited = not closed and _stays_closed(conn, case, meeting.committee)
    item_id = rows.insert_item(
        conn,
        meeting_id=meeting_id,
        case_id=case.id,
        committee=meeting.committee,
        is_public=not (closed or inherited),
        is_late=late,
        late_reason=late_reason if late else None,
        late_approved_by=actor.username if late else None,
        actor=actor.username,
        now=engine.clock.now(),
    )
    moved = engine.fire_in(
        conn,
        journal_no,
        put_on,
        actor,
        changes={
            "fields.meeting": f"{meeting.committee} {timing.meeting_day.isoformat()}",
            "fields.meeting_id": meeting_id,
            "fields.meeting_date": timing.meeting_day.isoformat(),
        },
        comment=_late_comment(timing, late_reason) if late else None,
        service=ServiceName.AGENDA,
    )
    version = _republish(conn, engine, meeting_id, actor, note)
    item = rows.item_on_meeting(conn, meeting_id, case.id)
    assert item is not None
    assert item.id == item_id
    return AddedItem(item, moved, timing, version, inherited_closed=inherited)


def _stays_closed(conn: Connection, case: Case, committee: str) -> bool:
    """Closed stays closed: a case marked closed, or one that has been a closed item of
    ``committee`` before, goes on its agenda as a closed item unless someone opens it
    (:func:`open_item`)."""
    return is_marked_closed(case) or committee in closed_committees(conn, case)


def open_item(
    engine: Engine,
    meeting_id: int,
    journal_no: str,
    actor: Actor,
    *,
    reason: str | None,
    note: str | None = None,
) -> OpenedItem:
    """Make case ``journal_no``'s closed item on a meeting's agenda public: an explicit act
    of the committee's secretariat, with its reason in the case's audit trail (who, when,
    why) and, on a published agenda, in the change note of the version published at once.

    A case marked closed (``fields.closed``) loses the marking in the same step: its
    content is public from now on. Nothing else ever makes a closed item public.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("say why the closed item is made public", code=ErrorCode.REASON_REQUIRED)
    with engine.transaction() as conn:
        meeting = _open_meeting(conn, meeting_id)
        require_committee_role(actor, meeting.committee, SECRETARIAT, "make a closed item public")
        case = visible_case(conn, journal_no, actor)
        item = rows.item_on_meeting(conn, meeting_id, case.id)
        if item is None or item.status is ItemStatus.REMOVED:
            raise NotAllowed(
                f"case {journal_no} is not on the agenda of meeting {meeting_id}",
                code=ErrorCode.ITEM_NOT_ON_AGENDA,
                meeting_id=meeting_id,
                journal_no=journal_no,
            )
        if item.is_public:
            raise NotAllowed(
                f"item {item.item_no} of meeting {meeting_id} ({journal_no}) is public already",
                code=ErrorCode.ITEM_PUBLIC_ALREADY,
                meeting_id=meeting_id,
                item_no=item.item_no,
            )
        latest = rows.latest_version(conn, meeting_id)
        change_note = (note or "").strip() or (
            f"Punkt {item.item_no} ({journal_no} {case.title}) er gjort offentligt: {reason}"
        )
        rows.make_public(conn, item.id, engine.clock.now())
        changes: dict[str, Any] = {"fields.closed": None} if is_marked_closed(case) else {}
        recorded = engine.record_in(
            conn,
            case,
            changes,
            actor,
            kind=MADE_PUBLIC,
            comment=f"punkt {item.item_no} på møde {meeting_id} gjort offentligt: {reason}",
        )
        version = _republish(conn, engine, meeting_id, actor, change_note) if latest else None
        opened = rows.item_on_meeting(conn, meeting_id, case.id)
        assert opened is not None
        return OpenedItem(opened, recorded, version)


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
        items = rows.items_for_meeting(conn, meeting_id, with_removed=False)
        moving = next((i for i in items if i.item_no == item_no), None)
        if moving is None:
            raise InvalidInput(_no_item(meeting_id, item_no, items))
        if not 1 <= position <= len(items):
            raise InvalidInput(f"position {position}: give a number from 1 to {len(items)}")
        if any(i.status is not ItemStatus.SCHEDULED for i in items):
            raise NotAllowed(f"meeting {meeting_id} has treated items; its order is history now")
        note = _change_note(conn, meeting_id, note)
        order = [i.id for i in items if i.id != moving.id]
        order.insert(position - 1, moving.id)
        rows.renumber(conn, order)
        _republish(conn, engine, meeting_id, actor, note)
        return rows.items_for_meeting(conn, meeting_id, with_removed=False)


def withdraw_item(
    engine: Engine, meeting_id: int, journal_no: str, actor: Actor, *, reason: str | None
) -> WithdrawnItem:
    """Take case ``journal_no``'s item off a meeting's agenda before the meeting.

    The case goes back to a ready state without a meeting (see the module's text), with
    ``reason`` in its audit trail; on a published agenda the next version is published
    at once, its change note saying which item was taken off.
    """
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(
            "say why the item is taken off the agenda", code=ErrorCode.REASON_REQUIRED
        )
    with engine.transaction() as conn:
        meeting = meeting_rows.get(conn, meeting_id, for_update=True)
        require_committee_role(actor, meeting.committee, SECRETARIAT, "build this agenda")
        case = case_rows.get(conn, journal_no)
        definition = steps.definition_of(conn, engine, case)
        item = _item_to_take_off(conn, definition, meeting, case)
        take_off = _take_off_trigger(definition, case, item)
        moved = engine.fire_in(
            conn,
            journal_no,
            take_off,
            actor,
            changes=off_agenda(),
            comment=reason,
            service=ServiceName.AGENDA,
        )
        rows.mark_removed(conn, item.id, reason, engine.clock.now())
        rows.renumber(
            conn, [i.id for i in rows.items_for_meeting(conn, meeting_id, with_removed=False)]
        )
        version = _republish(conn, engine, meeting_id, actor, _taken_off_note(item, case, reason))
        remaining = rows.items_for_meeting(conn, meeting_id, with_removed=False)
        return WithdrawnItem(item, moved, remaining, version)


def take_off_for_cancellation(
    conn: Connection, engine: Engine, meeting: meeting_rows.MeetingRecord, actor: Actor
) -> list[str]:
    """Take every item off a meeting being cancelled; returns their journal numbers.

    A cancelled meeting decides nothing, so its items must not stay ``on_agenda`` (out
    of every queue and report): each case goes back to ready without a meeting, as
    when an item is withdrawn, with the cancellation in its audit trail, and waits in
    the committee's queue for another meeting. Items treated already are refused.
    """
    now = engine.clock.now()
    day = local_date(meeting.starts_at).isoformat()
    reason = f"møde {meeting.id} ({meeting.committee} {day}) er aflyst"
    taken: list[str] = []
    for item in rows.items_for_meeting(conn, meeting.id, with_removed=False):
        case = case_rows.get_by_id(conn, item.case_id)
        if item.status is not ItemStatus.SCHEDULED:
            raise NotAllowed(
                f"item {item.item_no} of meeting {meeting.id} (case {case.journal_no}) was "
                f"treated ({item.outcome}); a meeting with decisions cannot be cancelled"
            )
        definition = steps.definition_of(conn, engine, case)
        if still_on(definition, case, meeting.id):
            engine.fire_in(
                conn,
                case.journal_no,
                _take_off_trigger(definition, case, item),
                actor,
                changes=off_agenda(),
                comment=reason,
                service=ServiceName.AGENDA,
            )
            taken.append(case.journal_no)
        rows.mark_removed(conn, item.id, reason, now)
    return taken


def still_on(definition: WorkflowDefinition, case: Case, meeting_id: int) -> bool:
    """Whether the case is still on the meeting's agenda (in a state its workflow
    ``definition`` says means ``on_agenda``); it may have left another way (withdrawn,
    returned for more information) while its item waits for the minutes."""
    return (
        steps.means(definition, case, StateMeaning.ON_AGENDA)
        and case.fields.get("meeting_id") == meeting_id
    )


def off_agenda() -> dict[str, Any]:
    """The case changes that untie a case from its meeting (putting it on sets them).

    Without a meeting date the agenda deadline does not start again.
    """
    return {"fields.meeting": None, "fields.meeting_id": None, "fields.meeting_date": None}


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
    if meeting.status is not MeetingStatus.PLANNED:
        raise NotAllowed(
            f"meeting {meeting_id} is {meeting.status}; only a planned meeting's agenda can change"
        )
    return meeting


def _item_to_take_off(
    conn: Connection,
    definition: WorkflowDefinition,
    meeting: meeting_rows.MeetingRecord,
    case: Case,
) -> rows.ItemRecord:
    """The case's item on ``meeting``, if it may still be taken off; else a refusal that
    says why (not on it, taken off already, treated, the meeting held)."""
    where = f"the agenda of meeting {meeting.id}"
    item = rows.item_on_meeting(conn, meeting.id, case.id)
    if item is None:
        elsewhere = case.fields.get("meeting_id")
        hint = f" (it is on meeting {elsewhere}'s)" if elsewhere not in (None, meeting.id) else ""
        raise NotAllowed(f"case {case.journal_no} is not on {where}{hint}")
    if item.status is ItemStatus.REMOVED:
        raise NotAllowed(f"case {case.journal_no} was taken off {where} already: {item.decision}")
    if item.status is not ItemStatus.SCHEDULED:
        raise NotAllowed(
            f"item {item.item_no} of meeting {meeting.id} (case {case.journal_no}) was treated "
            f"at the meeting ({item.outcome}); its decision stays in the minutes"
        )
    if meeting.status not in _MAY_TAKE_OFF_FROM:
        raise NotAllowed(
            f"meeting {meeting.id} is {meeting.status}: an item not treated is settled in its "
            "minutes (as postponed)",
            code=ErrorCode.POSTPONE_AT_MEETING,
            meeting_id=meeting.id,
            item_no=item.item_no,
        )
    if not still_on(definition, case, meeting.id):
        raise NotAllowed(
            f"case {case.journal_no} has left {where} already (it is {case.state}); its item "
            "is settled when the minutes are approved"
        )
    return item


def _take_off_trigger(definition: WorkflowDefinition, case: Case, item: rows.ItemRecord) -> str:
    """The trigger that takes ``case`` off the agenda. A case stays on the workflow version
    it started on, which may have no such transition (or predate it)."""
    step = StepMeaning.TAKE_OFF_AGENDA
    found = definition.step_from(case.state, step)
    if found is not None:
        return found.trigger
    raise NotAllowed(
        f"case {case.journal_no} runs on version {case.workflow_version[:12]} of workflow "
        f"{case.workflow_id}, which has no '{step}' from '{case.state}' (a case stays on "
        "the version it started on); the committee can postpone the item at the meeting",
        code=ErrorCode.POSTPONE_AT_MEETING,
        meeting_id=item.meeting_id,
        item_no=item.item_no,
    )


def _taken_off_note(item: rows.ItemRecord, case: Case, reason: str) -> str:
    """The change note of the version without the item: a closed item's says no more than
    the public may know (its number), a public item's names the case and the reason."""
    if not item.is_public:
        return f"Punkt {item.item_no} ({CLOSED_TITLE.lower()}) er taget af dagsordenen."
    return (
        f"Punkt {item.item_no} ({case.journal_no} {case.title}) er taget af dagsordenen: {reason}"
    )


def _check_to_come(meeting: meeting_rows.MeetingRecord, now: datetime) -> None:
    """Items, late ones too, go only on the agenda of a meeting still to come."""
    if now >= meeting.starts_at:
        starts = meeting.starts_at.astimezone(COPENHAGEN).strftime("%Y-%m-%d %H:%M")
        raise NotAllowed(
            f"meeting {meeting.id} began {starts}; an item can only go on the agenda of a "
            "meeting still to come",
            code=ErrorCode.MEETING_PASSED,
            meeting_id=meeting.id,
            starts_at=starts,
        )


def _check_late_item(
    meeting: meeting_rows.MeetingRecord, timing: AgendaTiming, late_reason: str | None
) -> None:
    passed = f"{meeting.committee}'s agenda deadline for the meeting on {timing.meeting_day} "
    passed += f"was {timing.deadline_day} 23:59"
    if timing.rules.late_items == "refuse":
        raise NotAllowed(f"{passed}, and {meeting.committee} does not accept late items")
    if late_reason is None:
        raise NotAllowed(
            f"{passed}; a late item needs an approval with a reason",
            code=ErrorCode.LATE_REASON_REQUIRED,
            meeting_id=meeting.id,
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
            "a change makes a new version: say what changed",
            code=ErrorCode.NOTE_REQUIRED,
            meeting_id=meeting_id,
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
