"""The ``--json`` output of ``caseflow import agenda-item`` as a model, and its JSON Schema.

:meth:`caseflow.documents.imported.ImportedItem.to_json` writes exactly these
fields; the schema in ``docs/schema/imported-item.schema.json`` is generated
from the models here (``python -m caseflow.documents.schema > FILE``) and a test
keeps the two equal, so the output is documented and stays stable.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

JournalForm = Literal["copenhagen", "kmd", "kle", "jnr", "short", "serial_year", "bare", "other"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DecisionJSON(_Model):
    """The committee's decision: its text, date (ISO) and committee as the item names it."""

    text: str
    date: str | None = Field(description="ISO date, e.g. 2016-05-05")
    committee: str | None


class SectionJSON(_Model):
    """A section: ``key`` (configured, or made from an unknown heading), the heading as
    written when the configuration does not know it, and the text (paragraphs split
    by blank lines)."""

    key: str = Field(pattern=r"^[a-z0-9_]+$")
    heading: str | None
    text: str


class AttachmentJSON(_Model):
    """An attachment: its own number (empty for a file name such as ``Notat.pdf``)."""

    number: str
    title: str


class MeetingJSON(_Model):
    """What the meeting header above the item said."""

    committee: str | None
    date: str | None
    kind: str | None = Field(description="referat, dagsorden, beslutningsprotokol ...")
    place: str | None


class UncertainJSON(_Model):
    """A field read with less than full confidence; an OCR repair names both spellings."""

    field: str
    reason: str
    original: str | None = None
    repaired: str | None = None


class ImportedItemJSON(_Model):
    """An agenda item as the importer read it (``caseflow import agenda-item --json``)."""

    number: int | None
    title: str
    journal_no: str = Field(description="as the source wrote it; '' if none was found")
    journal_form: JournalForm | None = Field(
        description="copenhagen 2009-68440, kmd 330-2016-89665, kle 00.22.00-G01-1-16, "
        "jnr 12345.6789/16, short 20/33839, serial_year 018520-2013, bare 299835; a number "
        "not of the form copenhagen is kept as the source's reference and the case gets its own"
    )
    closed: bool
    administration: str
    summary: str
    recommendations: list[str]
    routing: list[str] = Field(description="committees a recommendation goes through: 'ØU, KB'")
    decision: DecisionJSON | None
    absent: list[str]
    sections: list[SectionJSON]
    attachments: list[AttachmentJSON]
    meeting: MeetingJSON | None
    uncertain: list[UncertainJSON]


def schema() -> dict[str, object]:
    """The JSON Schema of one imported item."""
    generated = ImportedItemJSON.model_json_schema()
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **generated}


def schema_text() -> str:
    return json.dumps(schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(schema_text(), end="")
