"""The agenda and minutes services: build, open, publish and read an agenda; record a
meeting's decisions; the secretariat's report and queue; a case's course.

Each function takes the context, the acting actor and a typed request, and returns a
typed result whose ``to_json()`` is what ``--json`` prints. The work itself is the use
cases of :mod:`caseflow.meetings` (which own their transactions and ask
:mod:`caseflow.policy`); this layer is what every interface calls. The minutes'
two operations live here too, beside the agenda they record (a ``services/minutes.py``
can take them when the minutes grow).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from caseflow import policy
from caseflow.context import Context
from caseflow.domain import Actor
from caseflow.errors import ErrorCode, NotAllowed, NotFound
from caseflow.meetings import agenda, minutes, report
from caseflow.meetings.committees import get_committee
from caseflow.meetings.timing import AgendaTiming
from caseflow.organisation import CommitteeSpec
from caseflow.services.meetings import meeting_json
from caseflow.services.paging import Page, PageRequest
from caseflow.store import agenda as agenda_rows
from caseflow.store import meetings as meeting_rows
from caseflow.store import organisation as org_rows
from caseflow.store.agenda import ItemRecord, MinutesApproval
from caseflow.store.db import read_transaction
from caseflow.store.meetings import MeetingRecord

# --- building ------------------------------------------------------------------------


@dataclass(frozen=True)
class Numbered:
    """One item of an agenda's order: its number and its case."""

    item_no: int
    journal_no: str

    def to_json(self) -> dict[str, Any]:
        return {"item_no": self.item_no, "journal_no": self.journal_no}


def _order(items: Sequence[ItemRecord]) -> list[Numbered]:
    return [Numbered(i.item_no, i.journal_no) for i in items]


@dataclass(frozen=True)
class AddItem:
    meeting_id: int
    journal_no: str
    closed: bool = False
    late_reason: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ItemAdded:
    meeting_id: int
    journal_no: str
    item_no: int
    is_public: bool
    inherited_closed: bool  # closed without being asked: the case was closed already
    is_late: bool
    late_reason: str | None
    timing: str  # the agenda deadline, in words
    published_version: int | None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def add_item(ctx: Context, actor: Actor, request: AddItem) -> ItemAdded:
    """Put a ready case on a meeting's agenda as its next item (closed stays closed)."""
    added = agenda.add_item(
        ctx.engine,
        request.meeting_id,
        request.journal_no,
        actor,
        closed=request.closed,
        late_reason=request.late_reason,
        note=request.note,
    )
    return ItemAdded(
        request.meeting_id,
        request.journal_no,
        added.item.item_no,
        added.item.is_public,
        added.inherited_closed,
        added.item.is_late,
        added.item.late_reason,
        added.timing.explain(),
        added.published_version,
    )


@dataclass(frozen=True)
class MoveItem:
    meeting_id: int
    item_no: int
    position: int
    note: str | None = None


@dataclass(frozen=True)
class AgendaOrder:
    items: list[Numbered]

    def to_json(self) -> list[dict[str, Any]]:
        return [i.to_json() for i in self.items]


def move_item(ctx: Context, actor: Actor, request: MoveItem) -> AgendaOrder:
    items = agenda.move_item(
        ctx.engine, request.meeting_id, request.item_no, request.position, actor, note=request.note
    )
    return AgendaOrder(_order(items))


@dataclass(frozen=True)
class WithdrawItem:
    meeting_id: int
    journal_no: str
    reason: str | None


@dataclass(frozen=True)
class ItemWithdrawn:
    meeting_id: int
    journal_no: str
    item_no: int  # the number it had
    case_state: str
    remaining: AgendaOrder
    published_version: int | None

    def to_json(self) -> dict[str, Any]:
        return {**self.__dict__, "remaining": self.remaining.to_json()}


def item_on_agenda(ctx: Context, meeting_id: int, ref: str | int) -> ItemRecord:
    """The item a person names on a meeting's agenda: by its number (``2``) or by its
    case's journal number (``2009-68440``), so every command takes either."""
    text = str(ref).strip()
    with read_transaction(ctx.engine.db) as conn:
        meeting_rows.get(conn, meeting_id)
        items = agenda_rows.items_for_meeting(conn, meeting_id, with_removed=False)
    for item in items:
        if (text.isdigit() and item.item_no == int(text)) or item.journal_no == text:
            return item
    listed = ", ".join(f"{i.item_no} ({i.journal_no})" for i in items) or "none"
    raise NotFound(
        f"meeting {meeting_id} has no item {text!r} (give an item number or a journal "
        f"number); its items: {listed}",
        code=ErrorCode.ITEM_NOT_ON_AGENDA,
        meeting_id=meeting_id,
        journal_no=text,
    )


def withdraw_item(ctx: Context, actor: Actor, request: WithdrawItem) -> ItemWithdrawn:
    journal_no = request.journal_no
    if journal_no.strip().isdigit():  # an item number, as the minutes take it
        journal_no = item_on_agenda(ctx, request.meeting_id, journal_no).journal_no
    done = agenda.withdraw_item(
        ctx.engine, request.meeting_id, journal_no, actor, reason=request.reason
    )
    return ItemWithdrawn(
        request.meeting_id,
        journal_no,
        done.item.item_no,
        done.case.state,
        AgendaOrder(_order(done.remaining)),
        done.published_version,
    )


@dataclass(frozen=True)
class OpenItem:
    meeting_id: int
    journal_no: str
    reason: str | None
    note: str | None = None


@dataclass(frozen=True)
class ItemOpened:
    meeting_id: int
    journal_no: str
    item_no: int
    published_version: int | None

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def open_item(ctx: Context, actor: Actor, request: OpenItem) -> ItemOpened:
    """Make a closed item public: the explicit, audited act (see :func:`agenda.open_item`)."""
    opened = agenda.open_item(
        ctx.engine,
        request.meeting_id,
        request.journal_no,
        actor,
        reason=request.reason,
        note=request.note,
    )
    return ItemOpened(
        request.meeting_id, request.journal_no, opened.item.item_no, opened.published_version
    )


@dataclass(frozen=True)
class Publish:
    meeting_id: int
    note: str | None = None


@dataclass(frozen=True)
class Published:
    meeting_id: int
    version: int

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def publish(ctx: Context, actor: Actor, request: Publish) -> Published:
    version = agenda.publish(ctx.engine, request.meeting_id, actor, note=request.note)
    return Published(request.meeting_id, version.version)


# --- reading -------------------------------------------------------------------------


@dataclass(frozen=True)
class ShowAgenda:
    meeting_id: int
    public: bool = False


@dataclass(frozen=True)
class AgendaView:
    """The agenda as the viewer may see it (the full one for insiders)."""

    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return self.data


def show(ctx: Context, viewer: Actor | None, request: ShowAgenda) -> AgendaView:
    """The agenda; the public one needs no viewer, the full one an insider."""
    return AgendaView(
        agenda.get_agenda(ctx.engine, request.meeting_id, public=request.public, viewer=viewer)
    )


@dataclass(frozen=True)
class AgendaVersions:
    versions: list[dict[str, Any]]

    def to_json(self) -> list[dict[str, Any]]:
        return self.versions


def versions(ctx: Context, viewer: Actor | None, request: ShowAgenda) -> AgendaVersions:
    return AgendaVersions(
        agenda.versions(ctx.engine, request.meeting_id, public=request.public, viewer=viewer)
    )


@dataclass(frozen=True)
class Report:
    committee: str | None = None


@dataclass(frozen=True)
class SecretariatReport:
    committee: str | None
    today: str
    not_ready: list[dict[str, Any]] = field(default_factory=list)
    without_meeting: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def secretariat_report(ctx: Context, actor: Actor, request: Report) -> SecretariatReport:
    """What the secretariat watches, of the cases ``actor`` may list."""
    data = report.secretariat_report(ctx.engine, actor, request.committee)
    return SecretariatReport(
        data["committee"], data["today"], data["not_ready"], data["without_meeting"]
    )


@dataclass(frozen=True)
class Queue:
    meeting_id: int
    page: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class QueueLines:
    page: Page[report.QueueLine]

    @property
    def lines(self) -> list[report.QueueLine]:
        return list(self.page.items)

    def to_json(self) -> list[dict[str, Any]]:
        """The page's lines (the CLI's ``--json``; ``page_json`` adds the cursor)."""
        return [line.to_json() for line in self.page.items]

    def page_json(self) -> dict[str, Any]:
        return self.page.to_json(report.QueueLine.to_json)


def queue(ctx: Context, actor: Actor, request: Queue) -> QueueLines:
    """The cases meant for a meeting, not on its agenda yet, of those ``actor`` may list,
    newest first: a page, filtered and paged in SQL (the cursor: the last case's id)."""
    found = report.queue(
        ctx.engine,
        actor,
        request.meeting_id,
        limit=request.page.limit + 1,
        before_id=request.page.after(),
    )
    return QueueLines(Page.of(found, request.page, key=lambda line: line.case_id))


@dataclass(frozen=True)
class Course:
    journal_no: str


@dataclass(frozen=True)
class CaseCourse:
    data: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return self.data


def course(ctx: Context, actor: Actor, request: Course) -> CaseCourse:
    return CaseCourse(report.course(ctx.engine, request.journal_no, actor))


# --- the minutes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Decide:
    meeting_id: int
    item_no: int | str  # the item's number, or its case's journal number
    outcome: str
    text: str | None = None
    absent: tuple[str, ...] = ()
    to: str | None = None


@dataclass(frozen=True)
class ItemDecided:
    meeting_id: int
    item_no: int
    outcome: str
    journal_no: str
    case_state: str

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def decide(ctx: Context, actor: Actor, request: Decide) -> ItemDecided:
    item_no = request.item_no
    if not isinstance(item_no, int):
        item_no = item_on_agenda(ctx, request.meeting_id, item_no).item_no
    case = minutes.decide_item(
        ctx.engine,
        request.meeting_id,
        item_no,
        actor,
        outcome=request.outcome,
        text=request.text,
        absent=list(request.absent),
        to=request.to,
    )
    return ItemDecided(request.meeting_id, item_no, request.outcome, case.journal_no, case.state)


@dataclass(frozen=True)
class ApproveMinutes:
    meeting_id: int
    note: str | None = None


@dataclass(frozen=True)
class MinutesApproved:
    meeting_id: int

    def to_json(self) -> dict[str, Any]:
        return dict(self.__dict__)


def approve_minutes(ctx: Context, actor: Actor, request: ApproveMinutes) -> MinutesApproved:
    minutes.approve_minutes(ctx.engine, request.meeting_id, actor, note=request.note)
    return MinutesApproved(request.meeting_id)


# --- the meeting page ----------------------------------------------------------------


@dataclass(frozen=True)
class Board:
    """What one reader sees of a meeting: its agenda, versions, queue and minutes."""

    meeting_id: int
    queue: PageRequest = field(default_factory=PageRequest)


@dataclass(frozen=True)
class MeetingBoard:
    """A meeting as ``reader`` may see it and what ``reader`` may do with it.

    ``agenda`` is the full agenda as it stands (closed items included) for the
    committee's insiders; for anyone else the latest published version as the public
    sees it, or None while nothing is published. ``versions`` likewise. ``queue`` holds
    the cases meant for the meeting that the reader may list (closed titles withheld).
    """

    meeting: MeetingRecord
    committee: CommitteeSpec
    timing: AgendaTiming
    deadline_passed: bool  # an item added now is late (needs a reason, or is refused)
    insider: bool  # sees closed items
    may_build: bool  # may add, move, withdraw, open and publish (the secretariat)
    may_record: bool  # may record decisions and approve the minutes
    agenda: dict[str, Any] | None
    versions: list[dict[str, Any]]
    queue: Page[report.QueueLine]
    minutes: MinutesApproval | None
    committees: list[tuple[str, str]]  # every committee (code, name): where to refer to

    def to_json(self) -> dict[str, Any]:
        approval = self.minutes
        return {
            "meeting": meeting_json(self.meeting),
            "committee": {"code": self.committee.code, "name": self.committee.name},
            "members": list(self.committee.members),
            "agenda_deadline": self.timing.deadline_day.isoformat(),
            "agenda_sent": self.timing.send_day.isoformat(),
            "deadline_passed": self.deadline_passed,
            "late_items": self.timing.rules.late_items,
            "insider": self.insider,
            "may_build": self.may_build,
            "may_record": self.may_record,
            "agenda": self.agenda,
            "versions": self.versions,
            "queue": self.queue.to_json(report.QueueLine.to_json),
            "minutes": None
            if approval is None
            else {
                "approved_at": approval.approved_at.isoformat(),
                "approved_by": approval.approved_by,
                "note": approval.note,
            },
        }


def board(ctx: Context, reader: Actor, request: Board) -> MeetingBoard:
    """The meeting page's content for ``reader``: the full agenda for the committee's
    insiders (:func:`caseflow.policy.is_insider`), the published public one for others."""
    engine = ctx.engine
    with read_transaction(engine.db) as conn:
        meeting = meeting_rows.get(conn, request.meeting_id)
        committee = get_committee(conn, meeting.committee)
        timing = agenda.timing_for(conn, engine, meeting)
        approval = agenda_rows.minutes_approval(conn, meeting.id)
        committees = [(str(c["code"]), str(c["name"])) for c in org_rows.list_committees(conn)]
    insider = policy.is_insider(reader, meeting.committee)
    shown: dict[str, Any] | None
    if insider:
        shown = agenda.get_agenda(engine, meeting.id, viewer=reader)
    else:
        try:
            shown = agenda.get_agenda(engine, meeting.id, public=True)
        except NotAllowed as refused:
            if refused.code is not ErrorCode.AGENDA_NOT_PUBLISHED:
                raise
            shown = None
    found = agenda.versions(engine, meeting.id, public=not insider, viewer=reader)
    waiting = report.queue(
        engine,
        reader,
        meeting.id,
        limit=request.queue.limit + 1,
        before_id=request.queue.after(),
    )
    return MeetingBoard(
        meeting=meeting,
        committee=committee,
        timing=timing,
        deadline_passed=timing.is_late(engine.clock.now()),
        insider=insider,
        may_build=policy.may_act_for(reader, meeting.committee, agenda.SECRETARIAT),
        may_record=policy.may_act_for(reader, meeting.committee, minutes.RECORDERS),
        agenda=shown,
        versions=found,
        queue=Page.of(waiting, request.queue, key=lambda line: line.case_id),
        minutes=approval,
        committees=committees,
    )
