"""Documents and the engine: import an item as a case, render a case as an item.

The one module of ``documents/`` that talks to the engine and the database (for
the organisation's names); the rest of the package is pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from caseflow.calendar import local_date
from caseflow.documents.config import DocumentsConfig
from caseflow.documents.importer import ImportedItem, administration_code
from caseflow.documents.model import (
    AgendaDocument,
    Decision,
    ItemDocument,
    MinutesDocument,
    item_from_case,
)
from caseflow.documents.text import skeleton
from caseflow.domain import Actor, Case
from caseflow.engine import Engine, NewCase
from caseflow.errors import Conflict, InvalidInput, NotFound
from caseflow.meetings.access import require_insider
from caseflow.store import agenda as agenda_rows
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
    def load(cls, engine: Engine) -> Names:
        with read_transaction(engine.db) as conn:
            admins = {r["code"]: r["name"] for r in org_rows.list_administrations(conn)}
            committees = {r["code"]: r["name"] for r in org_rows.list_committees(conn)}
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


def check_import(engine: Engine, plan: ImportPlan, names: Names) -> None:
    """What ``--dry-run`` checks without writing: the number is well formed and free,
    the administrations and committee exist. (The engine checks the rest when opening.)"""
    new = plan.new
    if new.journal_no:
        journal.check_format(new.journal_no)
        try:
            engine.get_case(new.journal_no)
        except NotFound:
            pass
        else:
            raise Conflict(f"case {new.journal_no} exists already; nothing was imported")
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
            "no one; give --lead CODE"
        )


def import_case(engine: Engine, plan: ImportPlan, names: Names, actor: Actor) -> Case:
    """Open the case in one transaction (the engine's), after the dry-run checks."""
    check_import(engine, plan, names)
    return engine.open_case(plan.new, actor)


def item_for_case(
    case: Case, names: Names, config: DocumentsConfig, *, number: int | None = None
) -> ItemDocument:
    """A case as an agenda item, naming its administration and committee in full."""
    administration = str(case.fields.get("recommending_administration") or "") or (
        names.administrations.get(case.lead_administration or "", "")
    )
    item = item_from_case(case, config, number=number, administration=administration or None)
    decision = item.decision
    if decision is not None and decision.committee is None and case.committee:
        committee = names.committees.get(case.committee, case.committee)
        item = replace(item, decision=replace(decision, committee=committee))
    return item


def case_document(engine: Engine, journal_no: str, config: DocumentsConfig) -> ItemDocument:
    """The case ``journal_no`` as an agenda item (for ``caseflow case render``)."""
    return item_for_case(engine.get_case(journal_no), Names.load(engine), config)


def meeting_documents(
    engine: Engine,
    meeting_id: int,
    config: DocumentsConfig,
    *,
    public: bool,
    viewer: Actor | None = None,
) -> MinutesDocument:
    """A meeting's agenda, and its minutes so far (decisions and who was absent per item).

    The full version (closed items with their content) only for the committee's
    insiders (see :func:`caseflow.meetings.access.require_insider`); the public
    version is for anyone, and the renderer leaves closed items' content out.
    """
    names = Names.load(engine)
    with read_transaction(engine.db) as conn:
        meeting = meeting_rows.get(conn, meeting_id)
        if not public:
            require_insider(viewer, meeting.committee)
        items = agenda_rows.items_for_meeting(conn, meeting_id)
        cases = {i.case_id: case_rows.get_by_id(conn, i.case_id) for i in items}
        latest = agenda_rows.latest_version(conn, meeting_id)
        approval = agenda_rows.minutes_approval(conn, meeting_id)
    committee_name = names.committees.get(meeting.committee, meeting.committee)
    documents = []
    for item in items:
        document = item_for_case(cases[item.case_id], names, config, number=item.item_no)
        decision = (
            Decision(item.decision, local_date(item.decided_at), committee_name)
            if item.decision and item.decided_at is not None
            else None
        )
        documents.append(
            replace(
                document,
                closed=not item.is_public,
                decision=decision,
                absent=tuple(item.absent),
            )
        )
    agenda = AgendaDocument(
        committee_code=meeting.committee,
        committee_name=committee_name,
        start=meeting.starts_at,
        items=tuple(documents),
        place=meeting.place or "",
        version=latest.version if latest else 0,
    )
    return MinutesDocument(
        agenda,
        approved_by=approval.approved_by if approval else None,
        approved_on=local_date(approval.approved_at) if approval else None,
    )
