"""What the importer read from an agenda item, and what of it is uncertain (plain data).

:meth:`ImportedItem.to_json` is the stable ``--json`` output; its JSON Schema is
generated from :mod:`caseflow.documents.schema` and kept in
``docs/schema/imported-item.schema.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from caseflow.documents.journal import CASE_FORMS
from caseflow.documents.layout import Meeting
from caseflow.documents.model import AttachmentRef, Decision, ItemDocument, Section
from caseflow.engine import NewCase


@dataclass(frozen=True)
class Uncertainty:
    """A field read with less than full confidence, and why; a repair names both spellings."""

    field: str
    reason: str
    original: str | None = None
    repaired: str | None = None

    def to_json(self) -> dict[str, str]:
        data = {"field": self.field, "reason": self.reason}
        if self.original is not None and self.repaired is not None:
            data.update(original=self.original, repaired=self.repaired)
        return data


@dataclass(frozen=True)
class ImportedItem:
    """What an agenda item's text said, and what of it is uncertain."""

    title: str
    journal_no: str
    number: int | None = None
    closed: bool = False
    administration: str = ""
    summary: str = ""
    recommendations: tuple[str, ...] = ()
    decision: Decision | None = None
    absent: tuple[str, ...] = ()
    sections: tuple[Section, ...] = ()
    attachments: tuple[AttachmentRef, ...] = ()
    uncertain: tuple[Uncertainty, ...] = ()
    journal_form: str | None = None  # a name of documents.journal.FORMS, or "other"
    routing: tuple[str, ...] = ()  # committees the recommendation goes through: "ØU, KB"
    meeting: Meeting | None = None

    @property
    def case_journal_no(self) -> str | None:
        """The number the case keeps: the source's, if it is of a form caseflow holds."""
        if self.journal_no and (self.journal_form in CASE_FORMS or self.journal_form is None):
            return self.journal_no
        return None

    def to_document(self) -> ItemDocument:
        return ItemDocument(
            title=self.title,
            journal_no=self.journal_no,
            number=self.number,
            closed=self.closed,
            administration=self.administration,
            summary=self.summary,
            recommendations=self.recommendations,
            decision=self.decision,
            absent=self.absent,
            sections=self.sections,
            attachments=self.attachments,
        )

    def to_json(self) -> dict[str, Any]:
        d = self.decision
        return {
            "number": self.number,
            "title": self.title,
            "journal_no": self.journal_no,
            "journal_form": self.journal_form,
            "closed": self.closed,
            "administration": self.administration,
            "summary": self.summary,
            "recommendations": list(self.recommendations),
            "routing": list(self.routing),
            "decision": None
            if d is None
            else {
                "text": d.text,
                "date": d.date.isoformat() if d.date else None,
                "committee": d.committee,
            },
            "absent": list(self.absent),
            "sections": [
                {"key": s.key, "heading": s.heading, "text": s.text} for s in self.sections
            ],
            "attachments": [{"number": a.number, "title": a.title} for a in self.attachments],
            "meeting": None if self.meeting is None else self.meeting.to_json(),
            "uncertain": [u.to_json() for u in self.uncertain],
        }

    def case_fields(self) -> dict[str, Any]:
        """What a case keeps in its fields (the names :func:`item_from_case` reads)."""
        values: dict[str, Any] = {
            "item_no": self.number,
            "closed": self.closed or None,
            "recommending_administration": self.administration or None,
            "absent": list(self.absent) or None,
            "section_headings": {s.key: s.heading for s in self.sections if s.heading} or None,
            "source_reference": None if self.case_journal_no else (self.journal_no or None),
            "source_reference_form": None if self.case_journal_no else self.journal_form,
            "recommendation_routing": list(self.routing) or None,
        }
        if self.decision is not None:
            values["decision"] = self.decision.text
            values["decision_date"] = self.decision.date.isoformat() if self.decision.date else None
            values["decision_committee"] = self.decision.committee
        if self.uncertain:
            values["import_uncertain"] = [u.to_json() for u in self.uncertain]
        return {k: v for k, v in values.items() if v is not None}

    def to_new_case(
        self,
        workflow_id: str = "committee-case",
        *,
        lead_administration: str | None = None,
        participating_administrations: Sequence[str] = (),
        committee: str | None = None,
    ) -> NewCase:
        return NewCase(
            workflow_id=workflow_id,
            title=self.title,
            journal_no=self.case_journal_no,
            lead_administration=lead_administration,
            participating_administrations=participating_administrations,
            committee=committee,
            summary=self.summary,
            recommendations=self.recommendations,
            sections={s.key: s.text for s in self.sections},
            attachments=[{"number": a.number, "title": a.title} for a in self.attachments],
            fields=self.case_fields(),
        )
