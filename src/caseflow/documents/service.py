"""Documents and the engine: import an item as a case, render a case as an item.

The one module of ``documents/`` that talks to the engine and the database (for
the organisation's names); the rest of the package is pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import Connection

from caseflow.calendar import local_date
from caseflow.documents.config import DocumentsConfig
from caseflow.documents.importer import ImportedItem, administration_code
from caseflow.documents.model import (
    AgendaDocument,
    Decision,
    ItemDocument,
    MinutesDocument,
    item_from_agenda,
    item_from_case,
)
from caseflow.documents.text import skeleton
from caseflow.domain import Actor, Case
from caseflow.engine import Engine, NewCase
from caseflow.errors import Conflict, ErrorCode, InvalidInput, NotAllowed, NotFound
from caseflow.limits import Capped, check_recommendations, check_size
from caseflow.meetings import agenda
from caseflow.policy import (
    closed_committees,
    redacted_case,
    require_insider,
    visible_case,
    withholds,
)
from caseflow.store import agenda as agenda_rows
from caseflow.store import attendance as attendance_rows
from caseflow.store import cases as case_rows
from caseflow.store import journal
from caseflow.store import meetings as meeting_rows
from caseflow.store import organisation as org_rows
from caseflow.store.db import read_transaction


@dataclass(frozen=True)
class Names:
    """The organisation's administrations and committees, code → Danish name."""

    administrations: Mapping[str, str]
    committees: Mapping[str, str]

    @classmethod
    def load(cls, engine: Engine, language: str = "da") -> Names:
        """The names in ``language``: English ones (``name_en``) where the organisation
        gives them, else the Danish name."""
        key = "name_en" if language == "en" else "name"
        with read_transaction(engine.db) as conn:
            admins = {
                r["code"]: r.get(key) or r["name"] for r in org_rows.list_administrations(conn)
            }
            committees = {
                r["code"]: r.get(key) or r["name"] for r in org_rows.list_committees(conn)
            }
        return cls(admins, committees)

    def committee_in(self, *texts: str | None) -> str | None:
        """The committee whose name occurs first in ``texts`` (OCR damage tolerated)."""
        for text in texts:
            wanted = skeleton(text or "")
            found = [
                (wanted.find(skeleton(name)), code)
                for code, name in self.committees.items()
                if skeleton(name) and skeleton(name) in wanted
            ]
            if found:
                return min(found)[1]
        return None

    def recommending(self, named: Any, lead: str | None) -> str | None:
        """Who recommends an item: as the case names it, else its lead administration's name."""
        return str(named or "") or self.administrations.get(lead or "") or None


@dataclass(frozen=True)
class ImportPlan:
    """The case an import would open (``new``), and what the reader was unsure of."""

    item: ImportedItem
    new: NewCase


def plan_import(
    item: ImportedItem,
    names: Names,
    *,
    workflow_id: str = "committee-case",
    lead: str | None = None,
    committee: str | None = None,
) -> ImportPlan:
    """The NewCase for an imported item: administration and committee found by name."""
    recommending = administration_code(item.administration, names.administrations)
    lead = lead or recommending
    participants = [recommending] if recommending and recommending != lead else []
    committee = committee or names.committee_in(
        item.decision.committee if item.decision else None,
        " ".join(item.recommendations),
        item.summary,
    )
    new = item.to_new_case(
        workflow_id,
        lead_administration=lead,
        participating_administrations=participants,
        committee=committee,
    )
    return ImportPlan(item, new)


def check_plan(conn: Connection, plan: ImportPlan, names: Names) -> None:
    """What an import checks before it writes, inside the caller's transaction: the number
    is free and the source's number not imported already, the administrations and the
    committee exist, someone owns the case. (The engine checks the rest when opening.)"""
    new = plan.new
    check_size(Capped.TITLE, new.title, "title")
    check_size(Capped.SUMMARY, new.summary, "summary")
    check_recommendations(tuple(new.recommendations))
    for key, text in new.sections.items():
        check_size(Capped.SECTION, text, f"sections.{key}")
    if new.journal_no:
        try:
            case_rows.get(conn, new.journal_no)
        except NotFound:
            pass
        else:
            raise Conflict(
                f"case {new.journal_no} exists already; nothing was imported",
                code=ErrorCode.JOURNAL_NO_TAKEN,
                journal_no=new.journal_no,
            )
    reference = new.fields.get("source_reference")
    if reference:
        earlier = case_rows.with_source_reference(conn, str(reference))
        if earlier is not None:
            raise Conflict(
                f"the source's number {reference} was imported already, as case {earlier}; "
                "nothing was imported",
                code=ErrorCode.IMPORTED_ALREADY,
                reference=reference,
                journal_no=earlier,
            )
    for code in (new.lead_administration, *new.participating_administrations):
        if code is not None and code not in names.administrations:
            known = ", ".join(sorted(names.administrations)) or "none loaded"
            raise InvalidInput(f"no administration {code!r}; known: {known}")
    if new.committee is not None and new.committee not in names.committees:
        known = ", ".join(sorted(names.committees)) or "none loaded"
        raise InvalidInput(f"no committee {new.committee!r}; known: {known}")
    if new.lead_administration is None and not new.participating_administrations:
        raise InvalidInput(
            "the item names no administration caseflow knows, so the case would belong to "
            "no one; name the lead administration",
            code=ErrorCode.LEAD_REQUIRED,
        )


def check_import(
    engine: Engine, plan: ImportPlan, names: Names, actor: Actor | None = None
) -> None:
    """:func:`check_plan` on its own (a read transaction) and, for an ``actor``, every
    check of opening the case (the workflow, who may open it): a dry run promises only
    what the import then does."""
    if plan.new.journal_no:
        journal.check_format(plan.new.journal_no)
    with read_transaction(engine.db) as conn:
        check_plan(conn, plan, names)
    if actor is not None:
        engine.check_open(plan.new, actor)


def import_case(engine: Engine, plan: ImportPlan, names: Names, actor: Actor) -> Case:
    """Open the case in one transaction (the engine's), after the dry-run checks."""
    check_import(engine, plan, names)
    return engine.open_case(plan.new, actor)


def item_for_case(
    case: Case, names: Names, config: DocumentsConfig, *, number: int | None = None
) -> ItemDocument:
    """A case as an agenda item, naming its administration and committee in full."""
    administration = names.recommending(
        case.fields.get("recommending_administration"), case.lead_administration
    )
    item = item_from_case(case, config, number=number, administration=administration)
    decision = item.decision
    if decision is not None and decision.committee is None and case.committee:
        committee = names.committees.get(case.committee, case.committee)
        item = replace(item, decision=replace(decision, committee=committee))
    return item


def case_document(
    engine: Engine, journal_no: str, config: DocumentsConfig, reader: Actor, language: str = "da"
) -> ItemDocument:
    """The case ``journal_no`` as an agenda item, its content as it stands now (for
    ``caseflow case render``), for a ``reader`` who may see the case: its public
    version too is of a case that may not be published yet.

    Closed when the case says so (``fields.closed``, an imported "Lukket punkt") or it
    was ever a closed item on an agenda: what was closed once stays out of public output.
    """
    with read_transaction(engine.db) as conn:
        case = visible_case(conn, journal_no, reader)
        treatments = agenda_rows.items_for_case(conn, case.id)
        if withholds(reader, closed_committees(conn, case)):
            case = redacted_case(case)
    item = item_for_case(case, Names.load(engine, language), config)
    if any(not treated.is_public for treated, _ in treatments):
        return replace(item, closed=True)
    return item


def meeting_documents(
    engine: Engine,
    meeting_id: int,
    config: DocumentsConfig,
    *,
    public: bool,
    viewer: Actor | None = None,
    version: int | None = None,
    draft: bool = False,
    language: str = "da",
) -> MinutesDocument:
    """A meeting's agenda as published, and its minutes so far (decisions and who was
    absent per item).

    The items are those of published version ``version`` (default: the latest) as the
    members were sent them: edits to the cases since do not show. With ``draft``, or for
    an agenda never published, they are the agenda as it stands, labelled a draft: for
    the committee's insiders only, like the full version with closed items' content (see
    :func:`caseflow.policy.require_insider`). The public version is for anyone,
    and the renderer leaves closed items' content out. Decisions come from the minutes
    whatever version is shown.
    """
    names = Names.load(engine, language)
    with read_transaction(engine.db) as conn:
        meeting = meeting_rows.get(conn, meeting_id)
        shown = agenda.content(conn, meeting_id, version=version, draft=draft)
        _check_may_see(meeting_id, meeting.committee, shown.version, public, viewer, draft)
        treated = {row.id: row for row in agenda_rows.items_for_meeting(conn, meeting_id)}
        approval = agenda_rows.minutes_approval(conn, meeting_id)
        attendance = attendance_rows.of_meeting(conn, meeting_id)  # the whole meeting's
        approver = _person(conn, approval.approved_by) if approval else None
    committee_name = names.committees.get(meeting.committee, meeting.committee)
    held_on = local_date(meeting.starts_at)
    items = tuple(
        _with_minutes(
            _agenda_item(data, names, config),
            treated.get(data["item_id"]),
            committee_name,
            held_on,
        )
        for data in shown.items
    )
    document = AgendaDocument(
        committee_code=meeting.committee,
        committee_name=committee_name,
        start=meeting.starts_at,
        items=items,
        place=meeting.place or "",
        version=shown.version,
    )
    return MinutesDocument(
        document,
        absent=attendance.absent if attendance else (),
        approved_by=approver,
        approved_on=local_date(approval.approved_at) if approval else None,
    )


def _person(conn: Connection, username: str) -> str:
    """The name the minutes end with: the approving person's, not their username."""
    try:
        return org_rows.get_actor(conn, username).name or username
    except NotFound:
        return username


def _check_may_see(
    meeting_id: int,
    committee: str,
    version: int,
    public: bool,
    viewer: Actor | None,
    draft: bool,
) -> None:
    """A published version is for anyone in public, for insiders in full; a draft only
    for insiders (publicly only when asked for: the public has no version yet)."""
    if version == 0 and public and not draft:
        raise NotAllowed(
            f"the agenda of meeting {meeting_id} is not published yet, so it has no public "
            "version; the committee's insiders see its draft",
            code=ErrorCode.AGENDA_NOT_PUBLISHED,
            meeting_id=meeting_id,
        )
    if version == 0 or not public:
        require_insider(viewer, committee, draft=version == 0)


def _agenda_item(data: dict[str, Any], names: Names, config: DocumentsConfig) -> ItemDocument:
    """An item of the agenda's content, naming its administration in full."""
    administration = names.recommending(
        data.get("recommending_administration"), data.get("lead_administration")
    )
    return item_from_agenda(data, config, administration=administration)


def _with_minutes(
    item: ItemDocument, row: agenda_rows.ItemRecord | None, committee_name: str, held_on: date
) -> ItemDocument:
    """The item with its decision and who was absent, once the minutes record them.

    A decision is dated by the meeting that took it ("Beslutning i BIU den 4. februar"),
    not by the day the secretariat happened to type it in."""
    if row is None or row.outcome is None:
        return item
    decision = Decision(row.decision, held_on, committee_name) if row.decision else None
    return replace(item, decision=decision, absent=tuple(row.absent))
