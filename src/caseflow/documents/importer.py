"""The tolerant importer of agenda items: read text into an :class:`ImportedItem` (pure).

The text may be Copenhagen's format (see ``tests/data``) or another
municipality's (``Sagsnr.``, ``J.nr.``, ``Kompetence``, ``Beslutningstema``,
``Sagsfremstilling``, ``Beslutning i <udvalg> den <dato>:``, ``Fraværende``),
and it may be damaged by OCR. The parts are: :mod:`.layout` (what a line is),
:mod:`.journal` (journal-number forms), :mod:`.fields` (recommendations,
decisions, absence, attachments), :mod:`.ocr` (repairs that say what they
changed) and :mod:`.reader` (blocks assembled into an item).
"""

from __future__ import annotations

from collections.abc import Mapping

from caseflow.documents.config import DocumentsConfig
from caseflow.documents.imported import ImportedItem, Uncertainty
from caseflow.documents.reader import THRESHOLD, AgendaItemReader
from caseflow.documents.text import similarity, skeleton

__all__ = [
    "THRESHOLD",
    "AgendaItemReader",
    "ImportedItem",
    "Uncertainty",
    "administration_code",
    "read_agenda_item",
]


def read_agenda_item(text: str, config: DocumentsConfig, source: str = "the text") -> ImportedItem:
    """Parse one agenda item's text (see :class:`AgendaItemReader`)."""
    return AgendaItemReader(config).read(text, source)


def administration_code(name: str, administrations: Mapping[str, str]) -> str | None:
    """The code of the administration ``name`` (OCR-damaged or not), from {code: name}."""
    wanted = skeleton(name)
    best, score = None, 0.0
    for code, full in administrations.items():
        ratio = similarity(wanted, skeleton(full))
        if ratio > score:
            best, score = code, ratio
    return best if score >= THRESHOLD else None
