"""The import service: published agenda items read from a file, and imported as cases or
into a meeting's agenda.

Every interface calls these: ``caseflow import agenda-item`` and ``caseflow import
agenda`` and the secretariat's import page. Reading is pure (:func:`read_file`: the
file's bytes, HTML, PDF or text, into items, for a preview); importing is the use
cases of :mod:`caseflow.documents.agenda_import`, which decide from the meeting
what the items become and own the transaction. A dry run returns what the real run
returns, from the same transaction rolled back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from caseflow.calendar import local_date
from caseflow.context import Context
from caseflow.documents import agenda_import
from caseflow.documents.agenda_import import ImportMode, ImportOutcome, ItemResult
from caseflow.documents.config import DocumentsConfig
from caseflow.documents.importer import AgendaItemReader, ImportedItem
from caseflow.documents.inputs import read_items, text_of
from caseflow.documents.service import Names
from caseflow.domain import Actor

__all__ = [
    "AgendaImported",
    "ImportAgenda",
    "ImportItems",
    "ImportMode",
    "ImportOutcome",
    "ItemImported",
    "ItemsImported",
    "file_text",
    "import_agenda",
    "import_items",
    "read_file",
    "read_text",
]


def file_text(data: bytes, source: str) -> str:
    """A file's bytes as the text the reader reads: plain text (UTF-8 or Windows-1252), an
    HTML page's blocks, a PDF's text layer (a scan without one is refused). Line ends are
    ``\n``, so the text reads the same after a round trip through a form."""
    return text_of(data, source).replace("\r\n", "\n")


def read_text(text: str, source: str, config: DocumentsConfig) -> list[ImportedItem]:
    """Every agenda item in a text (an item, or an agenda of several). Writes nothing."""
    return read_items(text, AgendaItemReader(config), source=source)


def read_file(data: bytes, source: str, config: DocumentsConfig) -> list[ImportedItem]:
    """Every agenda item in a file's bytes (an item, or a page or agenda of several):
    what a preview shows and an import takes. Writes nothing."""
    return read_text(file_text(data, source), source, config)


@dataclass(frozen=True)
class ItemImported:
    """One item of an import, as every interface reports it."""

    number: int | None  # the item's number as published
    title: str
    outcome: ImportOutcome
    journal_no: str | None  # the case's
    source_reference: str | None  # the source's own number, when it is not of our form
    state: str | None
    item_no: int | None  # its number on the meeting's agenda
    reason: str | None  # why it was refused
    result: ItemResult

    @classmethod
    def of(cls, result: ItemResult) -> ItemImported:
        case, item = result.case, result.item
        reference = case.fields.get("source_reference") if case is not None else None
        return cls(
            number=item.number,
            title=item.title,
            outcome=result.outcome,
            journal_no=case.journal_no if case is not None else None,
            source_reference=str(reference) if reference else None,
            state=case.state if case is not None else None,
            item_no=result.item_no,
            reason=result.reason,
            result=result,
        )

    @property
    def refused(self) -> bool:
        return self.outcome is ImportOutcome.REFUSED

    def to_json(self) -> dict[str, Any]:
        error = self.result.error
        return {
            "number": self.number,
            "title": self.title,
            "outcome": self.outcome.value,
            "journal_no": self.journal_no,
            "source_reference": self.source_reference,
            "state": self.state,
            "item_no": self.item_no,
            "reason": self.reason,
            "code": error.code.value if error is not None else None,
            "uncertain": [u.to_json() for u in self.result.item.uncertain],
        }


@dataclass(frozen=True)
class ImportItems:
    """Items opened as cases in their workflow's first state (no meeting)."""

    items: Sequence[ImportedItem]
    source: str  # the file's name, for the audit trail
    workflow_id: str = "committee-case"
    lead: str | None = None
    committee: str | None = None
    dry_run: bool = False


@dataclass(frozen=True)
class ItemsImported:
    dry_run: bool
    items: list[ItemImported]

    def to_json(self) -> dict[str, Any]:
        return {"dry_run": self.dry_run, "items": [i.to_json() for i in self.items]}


def import_items(ctx: Context, actor: Actor, request: ImportItems) -> ItemsImported:
    """Open each item as a case (the engine checks who may open it); a refused item writes
    nothing and is reported with its reason."""
    results = agenda_import.import_cases(
        ctx.engine,
        request.items,
        Names.load(ctx.engine),
        actor,
        source=request.source,
        workflow_id=request.workflow_id,
        lead=request.lead,
        committee=request.committee,
        dry_run=request.dry_run,
    )
    return ItemsImported(request.dry_run, [ItemImported.of(r) for r in results])


@dataclass(frozen=True)
class ImportAgenda:
    """A published agenda (or minutes) imported into a meeting."""

    meeting_id: int
    items: Sequence[ImportedItem]
    source: str
    workflow_id: str = "committee-case"
    lead: str | None = None
    late_reason: str | None = None  # the agenda's rule for a late item
    note: str | None = None  # the agenda's rule for a change to a published agenda
    dry_run: bool = False


@dataclass(frozen=True)
class AgendaImported:
    meeting_id: int
    committee: str
    meeting_date: str
    mode: ImportMode
    dry_run: bool
    items: list[ItemImported]

    @property
    def imported(self) -> int:
        return sum(not i.refused for i in self.items)

    def to_json(self) -> dict[str, Any]:
        return {
            "meeting_id": self.meeting_id,
            "committee": self.committee,
            "meeting_date": self.meeting_date,
            "mode": self.mode.value,
            "dry_run": self.dry_run,
            "imported": self.imported,
            "items": [i.to_json() for i in self.items],
        }


def import_agenda(ctx: Context, actor: Actor, request: ImportAgenda) -> AgendaImported:
    """Each item of a published agenda as an item of the meeting: history for a meeting
    held, on the agenda by its rules for one to come (see
    :mod:`caseflow.documents.agenda_import`); the committee's secretariat imports."""
    done = agenda_import.import_into_meeting(
        ctx.engine,
        request.items,
        request.meeting_id,
        Names.load(ctx.engine),
        actor,
        source=request.source,
        workflow_id=request.workflow_id,
        lead=request.lead,
        late_reason=request.late_reason,
        note=request.note,
        dry_run=request.dry_run,
    )
    return AgendaImported(
        meeting_id=done.meeting.id,
        committee=done.meeting.committee,
        meeting_date=local_date(done.meeting.starts_at).isoformat(),
        mode=done.mode,
        dry_run=request.dry_run,
        items=[ItemImported.of(r) for r in done.results],
    )
