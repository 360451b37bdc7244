"""The parts an agenda item's text is cut into (plain data): its lines, and blocks of them.

:mod:`caseflow.documents.lines` makes the lines, :mod:`caseflow.documents.reader`
cuts them into blocks at the headings, :mod:`caseflow.documents.assembler` reads
each block's fields.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from caseflow.documents.fields import DecisionHeading

RECOMMENDATION, ATTACHMENTS, DECISION, ABSENT, SECTION, LABELS = (
    "recommendation",
    "attachments",
    "decision",
    "absent",
    "section",
    "labels",
)
"""The kinds of block besides ``"head"``: a section (configured or not), the
recommendation, the decision, an absence list, attachments, a label line."""


@dataclass(frozen=True)
class Line:
    text: str
    marked: bool = False  # a Markdown heading
    bulleted: bool = False  # started with a bullet
    label: str = ""  # the line as repaired for recognising what it is (see lines.label_text)

    @property
    def known_as(self) -> str:
        return self.label or self.text


@dataclass
class Block:
    kind: str
    key: str = ""
    heading: str | None = None  # as written, for sections the config does not know
    inline: str = ""
    colon: bool = False
    lines: list[Line] = field(default_factory=list)
    decision: DecisionHeading | None = None

    def texts(self) -> list[str]:
        head = [self.inline] if self.inline else []
        return head + [line.text for line in self.lines]
