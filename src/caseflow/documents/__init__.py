"""Documents: agenda items, agendas and minutes rendered from plain data; the importer.

Build an :class:`ItemDocument` (by hand, with :func:`item_from_case`, or from
:meth:`ImportedItem.to_document`), put items in an :class:`AgendaDocument` or a
:class:`MinutesDocument`, and call :func:`render_item`, :func:`render_agenda` or
:func:`render_minutes` with ``fmt`` ``"html"``, ``"pdf"`` or ``"md"``,
``language`` ``"da"`` or ``"en"`` and ``public=True`` for the version without
closed items' content.

:func:`read_agenda_item` (one item's text) and :func:`read_items` (a page or an
agenda of several; :func:`text_of` turns a file's bytes, text, HTML or PDF, into
text) read published items back into :class:`ImportedItem`.
"""

from caseflow.documents.config import DocumentsConfig, SectionSpec, load_config
from caseflow.documents.importer import (
    AgendaItemReader,
    ImportedItem,
    Uncertainty,
    read_agenda_item,
)
from caseflow.documents.inputs import read_items, text_of
from caseflow.documents.model import (
    AgendaDocument,
    AttachmentRef,
    Decision,
    ItemDocument,
    MinutesDocument,
    Section,
    item_from_case,
)
from caseflow.documents.render import (
    DocumentRenderer,
    render_agenda,
    render_item,
    render_minutes,
)

__all__ = [
    "AgendaDocument",
    "AgendaItemReader",
    "AttachmentRef",
    "Decision",
    "DocumentRenderer",
    "DocumentsConfig",
    "ImportedItem",
    "ItemDocument",
    "MinutesDocument",
    "Section",
    "SectionSpec",
    "Uncertainty",
    "item_from_case",
    "load_config",
    "read_agenda_item",
    "read_items",
    "render_agenda",
    "render_item",
    "render_minutes",
    "text_of",
]
