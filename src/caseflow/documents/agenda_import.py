"""A published agenda imported into a meeting: each item a case, on the agenda where it may.

Talks to the engine (like :mod:`caseflow.documents.service`, whose import of one
item it repeats per item); reading the agenda is :mod:`caseflow.documents.inputs`.
"""

from __future__ import annotations

from dataclasses import dataclass

from caseflow.documents.importer import ImportedItem
from caseflow.documents.service import Names, import_case, plan_import
from caseflow.domain import Actor, Case
from caseflow.engine import Engine
from caseflow.errors import CaseflowError
from caseflow.meetings import agenda
from caseflow.store import meetings as meeting_rows
from caseflow.store.db import read_transaction


@dataclass(frozen=True)
class AgendaImport:
    """One item of an imported agenda: the case it became, and whether it is on the agenda."""

    item: ImportedItem
    case: Case | None
    on_agenda: bool
    problem: str | None = None


def import_agenda(
    engine: Engine,
    items: list[ImportedItem],
    meeting_id: int,
    names: Names,
    actor: Actor,
    *,
    workflow_id: str = "committee-case",
    lead: str | None = None,
) -> list[AgendaImport]:
    """Each item of an agenda opened as a case for the meeting's committee, and put on the
    meeting's agenda where the workflow allows it (a case put on an agenda must be ready
    for it: a freshly opened case of the default workflow must be drafted and approved
    first, so it is opened and reported, never pushed past the approval).

    Each item is its own transaction: one item that cannot be imported (its number is
    taken, its administration unknown) is reported and the others go on."""
    with read_transaction(engine.db) as conn:
        committee = meeting_rows.get(conn, meeting_id).committee
    results: list[AgendaImport] = []
    for item in items:
        try:
            plan = plan_import(item, names, workflow_id=workflow_id, lead=lead, committee=committee)
            case = import_case(engine, plan, names, actor)
        except CaseflowError as exc:
            results.append(AgendaImport(item, None, False, str(exc)))
            continue
        try:
            agenda.add_item(engine, meeting_id, case.journal_no, actor, closed=item.closed)
        except CaseflowError as exc:
            results.append(AgendaImport(item, case, False, str(exc)))
        else:
            results.append(AgendaImport(item, case, True))
    return results
