"""What a document shows, as plain frozen data: an item, an agenda, minutes.

The documents layer knows nothing of the database. Whoever holds the data (the
meetings code, the importer, a test) builds these and hands them to
:mod:`caseflow.documents.render`. :func:`item_from_case` builds an item from a
:class:`~caseflow.domain.Case`, reading what the workflow keeps in case fields
(``item_no``, ``decision``, ``decision_date``, ``decision_committee``, ``absent``,
``closed``, ``recommending_administration``); :func:`item_from_agenda` from an
item as an agenda holds it (a published version's snapshot, or the agenda as it
stands), which is what agendas and minutes print.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from caseflow.documents.config import DocumentsConfig
from caseflow.domain import Case
from caseflow.errors import InvalidInput


@dataclass(frozen=True)
class Section:
    """A titled block of text; ``heading`` is used only when the config does not know ``key``."""

    key: str
    text: str
    heading: str | None = None


@dataclass(frozen=True)
class AttachmentRef:
    """A bilag: its title and its own document number (e.g. ``2009-300035``)."""

    title: str
    number: str


@dataclass(frozen=True)
class Decision:
    """The committee's decision on an item, recorded at (or after) the meeting."""

    text: str
    date: date | None = None
    committee: str | None = None  # as the document names it: "Beskæftigelses- og ..."


@dataclass(frozen=True)
class ItemDocument:
    """One agenda item (dagsordenspunkt)."""

    title: str
    journal_no: str
    number: int | None = None
    closed: bool = False
    administration: str = ""  # the one that recommends: "... forvaltningen indstiller,"
    summary: str = ""
    recommendations: tuple[str, ...] = ()
    decision: Decision | None = None
    absent: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    attachments: tuple[AttachmentRef, ...] = ()


@dataclass(frozen=True)
class AgendaDocument:
    """A committee meeting's agenda (dagsorden): its items in order."""

    committee_code: str
    committee_name: str
    start: datetime  # aware; printed in Europe/Copenhagen time
    items: tuple[ItemDocument, ...]
    place: str = ""
    version: int = 1

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.start.utcoffset() is None:
            raise InvalidInput(
                f"meeting start {self.start.isoformat()} has no time zone; give an aware time"
            )


@dataclass(frozen=True)
class MinutesDocument:
    """The minutes (referat / beslutningsprotokol): the agenda with decisions and who was away."""

    agenda: AgendaDocument
    absent: tuple[str, ...] = ()  # absent from the whole meeting
    approved_by: str | None = None  # e.g. "Formanden"
    approved_on: date | None = None


def ordered_sections(
    sections: Mapping[str, str], config: DocumentsConfig, headings: Mapping[str, str] | None = None
) -> tuple[Section, ...]:
    """A case's sections in the configured order; keys the config lacks keep their order, last."""
    keys = sorted(sections, key=config.order)  # sorted() is stable for unknown keys
    return tuple(Section(k, sections[k], (headings or {}).get(k)) for k in keys)


def item_from_case(
    case: Case,
    config: DocumentsConfig,
    *,
    number: int | None = None,
    closed: bool | None = None,
    administration: str | None = None,
    decision: Decision | None = None,
) -> ItemDocument:
    """An item from a case; arguments win over what the case's fields say."""
    fields = case.fields
    return ItemDocument(
        title=case.title,
        journal_no=case.journal_no,
        number=number if number is not None else _int(fields.get("item_no")),
        closed=closed if closed is not None else bool(fields.get("closed", False)),
        administration=administration
        or str(fields.get("recommending_administration") or case.lead_administration or ""),
        summary=case.summary,
        recommendations=tuple(case.recommendations),
        decision=decision or _decision(fields),
        absent=tuple(_texts(fields.get("absent"))),
        sections=ordered_sections(case.sections, config, _headings(fields)),
        attachments=tuple(AttachmentRef(a.title, a.number) for a in case.attachments),
    )


def item_from_agenda(
    item: Mapping[str, Any], config: DocumentsConfig, *, administration: str | None = None
) -> ItemDocument:
    """An item as :func:`caseflow.meetings.agenda.agenda_data` or a published snapshot
    holds it: number, public or closed (closed unless it says public), content then.

    Its decision is not there (a snapshot is taken before the meeting): the caller adds
    it from the minutes.
    """
    return ItemDocument(
        title=str(item.get("title") or ""),
        journal_no=str(item.get("journal_no") or ""),
        number=_int(item.get("item_no")),
        closed=not item.get("is_public", False),
        administration=administration
        or str(item.get("recommending_administration") or item.get("lead_administration") or ""),
        summary=str(item.get("summary") or ""),
        recommendations=tuple(str(r) for r in item.get("recommendations") or ()),
        sections=ordered_sections(dict(item.get("sections") or {}), config, _headings(item)),
        attachments=tuple(
            AttachmentRef(str(a.get("title", "")), str(a.get("number", "")))
            for a in item.get("attachments") or ()
        ),
    )


def _int(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def _texts(value: Any) -> Sequence[str]:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list):
        return [str(v) for v in value if str(v).strip()]
    return []


def _headings(fields: Mapping[str, Any]) -> dict[str, str]:
    value = fields.get("section_headings")
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _decision(fields: Mapping[str, Any]) -> Decision | None:
    text = fields.get("decision")
    if not isinstance(text, str) or not text.strip():
        return None
    raw_date = fields.get("decision_date")
    try:
        when = date.fromisoformat(raw_date) if isinstance(raw_date, str) and raw_date else None
    except ValueError:
        when = None
    committee = fields.get("decision_committee")
    return Decision(text.strip(), when, str(committee) if committee else None)
