"""Read a plain-text agenda item into an :class:`ImportedItem` (pure: no I/O).

The text is cut into blocks at its headings (the layout model of
:mod:`caseflow.documents.layout`): the *head* (meeting header, item heading,
label lines, summary), then one block per heading — a configured section, a
recommendation, a decision, an absence list, attachments, or a heading nobody
configured, which becomes a section of its own. Headings are matched
tolerantly (OCR damage), and whatever was read with less than full confidence,
every OCR repair included, is listed in :attr:`ImportedItem.uncertain`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from caseflow.documents import fields as F
from caseflow.documents import ocr
from caseflow.documents.assembler import Assembler
from caseflow.documents.blocks import (
    ABSENT,
    ATTACHMENTS,
    DECISION,
    LABELS,
    RECOMMENDATION,
    SECTION,
    Block,
    Line,
)
from caseflow.documents.config import DocumentsConfig
from caseflow.documents.imported import ImportedItem, Uncertainty
from caseflow.documents.layout import (
    Meeting,
    in_table,
    item_heading,
    label_line,
    looks_like_heading,
    read_meeting_line,
)
from caseflow.documents.lines import clean_lines, section_key
from caseflow.documents.text import at_least, skeleton
from caseflow.errors import InvalidInput

THRESHOLD = 0.8
"""How close a line's skeleton must be to a known heading's to be read as that heading."""

_MAX_HEADING = 60  # longer lines are text, whatever they resemble
_ONE_WORD = 0.88  # a one-word heading must be closer: "Beslutningssag" is no "Beslutningstema"

_FIXED: tuple[tuple[str, str], ...] = (
    (RECOMMENDATION, "Indstilling og beslutning"),
    (RECOMMENDATION, "Indstilling"),
    (RECOMMENDATION, "Administrativ indstilling"),
    (RECOMMENDATION, "Hovedindstilling"),
    (RECOMMENDATION, "Forslag til beslutning"),
    (RECOMMENDATION, "Forslag"),
    (RECOMMENDATION, "Forvaltningen foreslår"),
    (RECOMMENDATION, "Administrationen foreslår"),
    (RECOMMENDATION, "Forvaltningens indstilling"),
    (ATTACHMENTS, "Bilag"),
    (ATTACHMENTS, "Bilagsliste"),
    (ATTACHMENTS, "Bilagsfortegnelse"),
    (ABSENT, "Fraværende"),
    (ABSENT, "Afbud"),
    (ABSENT, "Ikke til stede"),
)
_FIXED_SECTIONS = (
    ("kompetence", "Sagen afgøres af"),
    ("kompetence", "Sagen afgøres i"),
    ("sagen_behandles_i", "Sagen behandles i"),  # the committees it passes (KMD's web pages)
)


@dataclass(frozen=True)
class _Known:
    kind: str
    key: str
    text: str
    skeleton: str


class AgendaItemReader:
    """Reads agenda items with the headings of ``config`` (build once, read many)."""

    def __init__(self, config: DocumentsConfig) -> None:
        known = [_Known(kind, "", text, skeleton(text)) for kind, text in _FIXED]
        known += [_Known(SECTION, key, text, skeleton(text)) for key, text in _FIXED_SECTIONS]
        for spec in config.sections:
            for text in (spec.heading.da, *spec.aliases):
                known.append(_Known(SECTION, spec.key, text, skeleton(text)))
        self.known = tuple(known)
        self.exact = frozenset(k.text.rstrip(".").casefold() for k in known)
        self.by_skeleton: dict[str, _Known] = {}
        for k in reversed(known):  # the first heading with a skeleton wins
            self.by_skeleton[k.skeleton] = k
        self.config = config
        one_word = {k.text for k in known if " " not in k.text} | {"Beslutning"}
        names = sorted(one_word | _FLAT_HEADINGS, key=len)
        self.flat = re.compile(
            r"(?:(?<=\S) |^)("
            # a decision heading first: "Beslutning i <udvalg> den …", "Beslutning <udvalg> den"
            r"Beslutning(?: i(?= [A-ZÆØÅ])|(?= [^.:]{2,40}?(?:udvalg|byråd|kommunalbestyrelse)"
            r"\w*\s+den\b))[^.:]{3,60}?\bden\b(?: \d[\d.-]*\d)?:?|"
            + "|".join(re.escape(n) for n in reversed(names))
            + r"|Sagen afgøres (?:i|af):)(?= [A-ZÆØÅ])"
        )

    def read(self, text: str, source: str = "the text") -> ImportedItem:
        """Parse ``text``; raise :class:`InvalidInput` if it is not an agenda item."""
        if "\x00" in text:
            raise InvalidInput(f"{source} is a binary file, not the text of an agenda item")
        notes: list[Uncertainty] = []
        evidence = ocr.Evidence.of(text)
        lines = clean_lines(self._unflattened(text, notes), notes, evidence)
        blocks = self._blocks(lines, notes, evidence)
        return Assembler(notes, source, evidence).build(blocks, self.config)

    # -- splitting the text at its headings

    def _blocks(
        self, lines: list[Line], notes: list[Uncertainty], evidence: ocr.Evidence = ocr.CLEAN
    ) -> list[Block]:
        blocks = [Block("head")]
        fresh = False  # the line before was a heading: this one is its text
        head = _HeadState(self._opens_body, evidence)
        for index, line in enumerate(lines):
            text = line.text
            previous = lines[index - 1].text if index else ""
            following = lines[index + 1].text if index + 1 < len(lines) else ""
            block = None
            in_head = blocks[-1].kind == "head"
            if in_head and text and head.holds(line.known_as, line.bulleted):
                blocks[-1].lines.append(line)
                continue
            if text:  # past the title: a heading may start a block, even in the head
                neighbours = [lines[i] for i in (index - 1, index + 1) if 0 <= i < len(lines)]
                in_list = any(n.bulleted for n in neighbours)
                under = fresh and _sub_heading_place(blocks[-1], lines, index)
                block = self._heading(
                    line,
                    previous,
                    following,
                    notes,
                    fresh and not under,
                    evidence,
                    in_list,
                    (lines, index),
                )
                if under and block is not None and block.kind == SECTION:
                    empty = blocks.pop()  # a heading over headings: no section of its own
                    notes.append(
                        Uncertainty(
                            f"sections.{empty.key}",
                            f"heading {empty.heading or empty.key!r} has no text of its own; "
                            "the headings under it are sections of their own",
                        )
                    )
            if block is None:
                blocks[-1].lines.append(line)
                fresh = fresh and not text
            elif block.kind == LABELS and blocks[-1].kind == "head":
                blocks[-1].lines.append(line)
            else:
                blocks.append(block)
                fresh = not block.inline
        return blocks

    def _heading(
        self,
        line: Line,
        previous: str,
        following: str,
        notes: list[Uncertainty],
        fresh: bool,
        evidence: ocr.Evidence,
        in_list: bool = False,
        where: tuple[list[Line], int] | None = None,  # the item's lines, and this one's index
    ) -> Block | None:
        if len(line.text) > 160:
            return None  # a paragraph, whatever it starts with
        fixed = line.known_as
        if label_line(fixed) is not None:
            return Block(LABELS, inline=fixed)
        if F.ABSENCE_LABEL.match(fixed):
            return None  # "Fraværende: ..." inside a block: read there, never a block of its own
        decision = F.decision_heading(fixed)
        if decision is not None:
            return Block(DECISION, inline=decision.inline, decision=decision)
        label, colon, inline = fixed.partition(":")
        label, inline = label.strip(), inline.strip()
        if (colon and inline and len(label) > 30) or line.text[:1].islower():
            return None
        plain = len(label) <= _MAX_HEADING and not re.search(r"\d", label)
        best, score = self._closest(label) if plain else (None, 0.0)
        if best is None:
            if fresh or inline:
                return None
            if line.marked or (
                (
                    not line.bulleted or not in_list
                )  # a stray bullet; a list's entries are no headings
                and looks_like_heading(fixed, previous, following)
                and (where is None or not _in_table(*where))  # nor a table's cells
            ):
                return Block(SECTION, section_key(label), label)
            return None
        if fixed != line.text:
            score = min(score, 0.99)  # repaired before it matched: say so
        if best.kind == SECTION:
            if score < 1.0:
                notes.append(
                    Uncertainty(
                        f"sections.{best.key}", f"heading {line.text!r} read as {best.text!r}"
                    )
                )
            # a heading the reader knows and the configuration does not keeps its words
            named = None if self.config.spec(best.key) else best.text
            return Block(SECTION, best.key, named, inline, bool(colon))
        if score < 1.0:
            notes.append(Uncertainty(best.kind, f"heading {line.text!r} read as {best.text!r}"))
        return Block(best.kind, best.text, None, inline, bool(colon))

    def _unflattened(self, text: str, notes: list[Uncertainty]) -> str:
        """A PDF's text run together on one line (``… 2012 Sagsfremstilling Direktionen …``):
        the headings set on lines of their own again, where a long line holds two or more;
        and a line holding a run of labels (``Dok.nr.: 1965 Sagsid.: 14/40 Initialer: …``)
        split at each label, its headings then split at even where only one is there."""
        lines = text.split("\n")
        for index, line in enumerate(lines):
            labels = len(_RUN_LABEL.findall(line)) if len(line) > 100 else 0
            if labels >= 3:
                lines[index] = "\n\n".join(  # blank lines: no piece is joined to the next
                    self._split_headings(piece, 1) for piece in _label_pieces(line)
                )
            elif len(line) > 200 and len(set(self.flat.findall(line))) >= 2:
                lines[index] = self._split_headings(line, 2)
            else:
                continue
            notes.append(
                Uncertainty(
                    "text",
                    "headings found inside one long line (a PDF's "
                    "text run together); the line was split at them",
                )
            )
        return "\n".join(lines)

    def _split_headings(self, line: str, at_least: int) -> str:
        if len(set(self.flat.findall(line))) >= at_least:
            line = self.flat.sub(r"\n\n\1\n", line)
        return _DECISION_WITHOUT_DATE.sub(r"\1\n", line)

    def _opens_body(self, text: str) -> bool:
        """A known heading (exactly) or a decision heading: the body begins here."""
        if F.decision_heading(text) is not None:
            return True
        label = text.partition(":")[0].strip()
        known = self.by_skeleton.get(skeleton(label))
        return known is not None and label.rstrip(".").casefold() in self.exact

    def _closest(self, label: str) -> tuple[_Known | None, float]:
        wanted = skeleton(label)
        if not wanted:
            return None, 0.0
        best = self.by_skeleton.get(wanted)
        best_score = 1.0 if best is not None else 0.0
        for known in self.known if best is None else ():
            if abs(len(known.skeleton) - len(wanted)) > max(3, len(known.skeleton) // 3):
                continue
            floor = THRESHOLD if " " in wanted else _ONE_WORD  # "Beslutningssag" is no heading
            score = at_least(known.skeleton, wanted, max(floor, best_score))
            if score > best_score:
                best, best_score = known, score
        if best is None:
            return None, 0.0
        exact = label.rstrip(".").casefold() in self.exact
        return best, 1.0 if exact else min(best_score, 0.99)


_FLAT_HEADINGS = frozenset(("Indledning", "Baggrund", "Lovgrundlag", "Retsgrundlag", "Vurdering"))
"""Common headings no configuration need know, by which a PDF's text run together on one
line is cut as well (where lines are kept, any heading-shaped line starts a section)."""

# The labels of a flattened PDF's item head and meeting header, each where a line is cut.
_RUN_LABEL = re.compile(
    r"(?<=\s)(?:Dok\.\s?nr\.|Sagsid\.|Sags?nr\.|J\.\s?nr\.|Initialer|Område|Sagsbeh\.?|"
    r"Mødedato|Mødetidspunkt|Mødested|Mødedeltagere|Deltagere|Afbud(?: fra)?|Fraværende|Dato|"
    r"Udsendelsesdato|(?:Start|Slut)tidspunkt for møde):|(?<=\s)(?:Åben|Lukket) sag\b"
)
_PAGE_NUMBER_BEFORE = re.compile(  # "3 1. Godkendelse", "1 Referat fra …": a page's number
    r"^\d{1,3}\s+(?=\d{1,4}\.\s+[A-ZÆØÅ]|(?:Referat|Dagsorden|Beslutningsprotokol)\b|"
    r"[A-ZÆØÅ][\w-]+\s+Kommune\b(?!\s+(?:Dato\s+)?Side\b))"  # (a page mark: see lines)
)
# "… Side 2", "… tiltrådt. 2" (not "Sagsnr. 12")
_PAGE_FOOTER = re.compile(r"\s+Side\s+\d{1,3}$|(?<=[a-zæøå]{3}[.!?])(?<!nr\.)\s+\d{1,3}$")
_DECISION_WITHOUT_DATE = re.compile(  # "Beslutning Økonomiudvalget den Godkendt.": date lost
    r"^(Beslutning(?:\s+i)?\s+[A-ZÆØÅ][^.:\n]{2,60}?\s+den)\s+(?=[A-ZÆØÅ][a-zæøå])",
    re.MULTILINE,
)


def _sub_heading_place(block: Block, lines: list[Line], index: int) -> bool:
    """Right under a section's heading, with no text yet: a line set apart by blank lines
    with a sentence after it may be a heading of its own (``Sagsfremstilling`` /
    ``Historik`` / ``Byrådet har …``), never merged into the section above."""
    if block.kind != SECTION or block.inline or index < 1 or lines[index - 1].text:
        return False
    rest = [line.text for line in lines[index + 1 : index + 4]]
    if not rest or rest[0]:
        return False
    after = next((text for text in rest if text), "")
    return len(after.split()) >= 8


def _in_table(lines: list[Line], index: int) -> bool:
    return in_table([line.text for line in lines], index)


def _label_pieces(line: str) -> list[str]:
    """A flattened line cut before each label and after a status (``Åben sag``), without
    the page's number in front and its footer (``Side 2``) behind."""
    cuts = [0]
    for found in _RUN_LABEL.finditer(line):
        cuts.append(found.start())
        if found[0].endswith("sag"):
            cuts.append(found.end())
    pieces = [line[a:b].strip() for a, b in zip(cuts, [*cuts[1:], len(line)], strict=True)]
    return [_PAGE_FOOTER.sub("", _PAGE_NUMBER_BEFORE.sub("", p)) for p in pieces if p]


class _HeadState:
    """Which head lines are the meeting header, labels and title: never headings."""

    def __init__(self, opens_body: Callable[[str], bool], evidence: ocr.Evidence) -> None:
        self.opens_body = opens_body
        self.evidence = evidence
        self.meeting = Meeting()
        self.title: str | None = None
        self.number: int | None = None

    def holds(self, text: str, bulleted: bool = False) -> bool:
        if self.title is None and read_meeting_line(text, self.meeting, bulleted):
            return True
        if label_line(text) is not None:
            return True
        if self.title is None and self.opens_body(text):
            self.title = ""  # a heading where the title would be: the item has none
            return False
        heading = item_heading(text, bulleted)
        if self.title is None:
            if heading is not None:
                self.number = heading.number
                self.title = skeleton(heading.title) if heading.title else None
            else:
                self.title = skeleton(text)
            return True
        if heading is not None and heading.number == self.number:
            return not heading.title or skeleton(heading.title) == self.title
        return skeleton(text) == self.title or bool(F.file_names(text))
