"""Blocks assembled into an :class:`ImportedItem`, noting what is uncertain (pure).

The head gives the meeting data, number, title, labels and summary; each block
after it a field (see :mod:`caseflow.documents.fields`). Every text goes through
OCR repair once, here, so every field is repaired alike and every repair reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from caseflow.documents import fields as F
from caseflow.documents import ocr
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
from caseflow.documents.journal import read_journal
from caseflow.documents.layout import Meeting, item_heading, label_line, read_meeting_line
from caseflow.documents.lines import label_text, paragraphs, section_key
from caseflow.documents.model import AttachmentRef, Decision, Section
from caseflow.documents.text import skeleton, suspect_words
from caseflow.errors import InvalidInput

_CORE = frozenset({SECTION, RECOMMENDATION, ATTACHMENTS, DECISION})
_JOURNAL_IN_PARENS = re.compile(r"\s*\((?P<no>[0-9OolI|\s./-]{5,})\)")
_JOURNAL_ANYWHERE = re.compile(r"\b(?:\d{1,6}-)?(?:19|20)\d\d-\d{5,9}\b")  # not "2026-2029"
_SAYS_AT = re.compile(
    r"(?:^|(?<=[.!?] ))(?P<who>[A-ZÆØÅ][^.\n]{0,80}?) indstiller,? at (?P<rest>[^.\n]+\.?)"
)
_IMPERSONAL = re.compile(r"^Det\s+indstilles\b", re.IGNORECASE)


_NO_ATTACHMENTS = re.compile(r"^(?:ingen(?:\s+bilag)?|-)\.?$", re.IGNORECASE)  # "Ingen bilag."
# "Omdeles på mødet", "Fortegnelse sendes via mail": where the attachments are, not one
_ATTACHMENTS_ELSEWHERE = re.compile(
    r"\b(?:(?:efter)?sendes|udleveres|uddeles|omdeles|fremlægges|ligger (?:i|på) sagen)\b",
    re.IGNORECASE,
)


class Assembler:
    """Turns the blocks into an item, noting what it is unsure of."""

    def __init__(self, notes: list[Uncertainty], source: str, evidence: ocr.Evidence) -> None:
        self.notes = notes
        self.source = source
        self.evidence = evidence
        self.meeting = Meeting()
        self.journal_form: str | None = None
        self.routing: list[str] = []
        self.decisions: list[tuple[int, Decision]] = []  # where it stood among the sections
        self.head_labels = 0  # labels in the head (Sagsnr., J.nr., Initialer, Åben sag …)
        self.values: dict[str, Any] = {
            "number": None,
            "title": "",
            "journal_no": "",
            "closed": False,
            "administration": "",
            "summary": "",
            "recommendations": [],
            "absent": [],
            "sections": [],
            "attachments": [],
        }

    def note(self, name: str, reason: str) -> None:
        self.notes.append(Uncertainty(name, reason))

    def build(self, blocks: list[Block], config: DocumentsConfig) -> ImportedItem:
        self._head(blocks[0].lines)
        handlers = {
            SECTION: self._section,
            RECOMMENDATION: self._recommendation,
            DECISION: self._decision,
            ABSENT: self._absent_block,
            ATTACHMENTS: self._attachments,
            LABELS: self._labels_block,
        }
        recognised = 0
        for block in blocks[1:]:
            recognised += block.heading is None and block.kind in _CORE
            handlers[block.kind](block)
        v = self.values
        decision = self._final_decision()
        titled = (
            v["title"]
            or recognised >= 3
            # known by its number, or by the meeting header above it (a page of one item)
            or ((v["journal_no"] or not self.meeting.is_empty()) and recognised >= 2)
        )
        if not v["title"] and titled:
            self.note("title", "no title line; the item is known by its journal number")
        enough = (
            recognised >= 2
            or (recognised and (v["journal_no"] or v["title"]) and v["number"] is not None)
            # a numbered title over an item's label block, with no heading below (a short
            # item, "Til efterretning", printed as one paragraph)
            or (v["title"] and v["number"] is not None and self.head_labels >= 2)
        )
        if not titled or not enough:
            found = f"{recognised} such heading{'' if recognised == 1 else 's'}"
            raise InvalidInput(
                f"{self.source} does not look like an agenda item: it needs a title line "
                "(e.g. '18. Title (2009-68440)') and at least 2 headings such as 'Indstilling "
                f"og beslutning', 'Problemstilling', 'Løsning', 'Bilag'; found {found}"
                f"{'' if v['title'] else ' and no title'}. Nothing was imported."
            )
        self._check(config)
        return ImportedItem(
            title=v["title"],
            journal_no=v["journal_no"],
            number=v["number"],
            closed=v["closed"],
            administration=v["administration"],
            summary=v["summary"],
            recommendations=tuple(v["recommendations"]),
            decision=decision,
            # absent from the meeting (its header says so) is absent for its items too
            absent=tuple(
                dict.fromkeys(F.normal_name(n) for n in v["absent"] or self.meeting.absent)
            ),
            sections=tuple(v["sections"]),
            attachments=tuple(v["attachments"]),
            uncertain=tuple(_unique(self.notes)),
            journal_form=self.journal_form,
            routing=tuple(self.routing),
            meeting=None if self.meeting.is_empty() else self.meeting,
        )

    # -- the head: meeting header, number and title, labels, summary

    def _head(self, lines: list[Line]) -> None:
        rest: list[str] = []
        title: str | None = None  # the skeleton of the title's first line
        for line in lines:
            text = line.text
            fixed = line.known_as
            labels = label_line(fixed) if text else None
            if labels is not None:
                self._labels(labels)
                self.head_labels += len(labels)
                continue
            if title is None and text and read_meeting_line(fixed, self.meeting, line.bulleted):
                continue
            files = F.file_names(text) if text else []
            if files:
                self._files(files)
                continue
            bare = read_journal(text) if text and len(text) < 30 else None
            if (
                bare is not None
                and bare.number == text
                and bare.form in ("kle", "kmd", "serial_year")
            ):
                self._journal(text)  # a journal number on a line of its own
                continue
            heading = item_heading(text, line.bulleted) if text else None
            if heading is not None and (self.values["number"] is None or title is None):
                self.values["number"] = heading.number
                if not heading.title:
                    continue  # "Pkt. 44" alone, or "Sag nr. 130" under the title
                text = heading.title
            elif (
                heading is not None
                and heading.number == self.values["number"]
                and (not heading.title or skeleton(heading.title) == title)
            ):
                continue  # the heading printed twice
            if title is None and text:
                title = skeleton(text)
            elif text and skeleton(text) == title:
                continue  # the title printed twice ("1. Titel" above "Titel")
            rest.append(text)
        parts = paragraphs(rest)
        if not parts:
            return
        title, *summary = parts
        if self.values["number"] is None:
            self.note("number", "no item number before the title")
        in_parens = _JOURNAL_IN_PARENS.search(title)
        if in_parens is not None and read_journal(in_parens["no"].replace(" ", "")) is not None:
            self._journal(in_parens["no"].replace(" ", ""))
            after = title[in_parens.end() :].strip()
            title = title[: in_parens.start()]
            if after:
                summary.insert(0, after)  # the title ran on into the summary
        self.values["title"] = self._text("title", title.strip())
        self.values["summary"] = self._text("summary", "\n\n".join(summary))

    def _labels(self, labels: list[Any]) -> None:
        for label in labels:
            if label.name == "status":
                self.values["closed"] = label.value.startswith("lukket")
            elif (
                label.name in ("sagsnr", "sagsid", "jnr", "value")
                and label.value
                and not self.values["journal_no"]
            ):
                self._journal(label.value, quiet=label.name == "value")

    def _labels_block(self, block: Block) -> None:
        """A label line after the head (``Sagsnr.`` printed below a heading)."""
        for text in block.texts()[:1]:
            labels = label_line(text)
            if labels is not None:
                self._labels(labels)
        if self.values["sections"]:
            last = self.values["sections"][-1]
            rest = "\n\n".join(paragraphs(block.texts()[1:]))
            if rest:
                self.values["sections"][-1] = Section(
                    last.key, f"{last.text}\n\n{rest}".strip(), last.heading
                )

    def _journal(self, raw: str, quiet: bool = False) -> None:
        found = read_journal(raw)
        if found is None:
            if not quiet:
                self.note("journal_no", f"{raw!r} is not a journal number of a known form")
            return
        if found.repaired_from is not None:
            self.notes.append(
                Uncertainty("journal_no", "OCR digits restored", found.repaired_from, found.number)
            )
        if not self.values["journal_no"]:
            self.values["journal_no"] = found.number
            self.journal_form = found.form

    def _files(self, files: list[str]) -> None:
        for name in files:
            self.values["attachments"].append(AttachmentRef(name, ""))

    # -- blocks after the head

    def _take_absence(self, lines: list[str]) -> list[str]:
        """``lines`` without their ``Fraværende:``/``Afbud:`` lines, whose names are read."""
        kept: list[str] = []
        names_follow = False
        for line in lines:
            maybe = ":" in line[:40] or "- " in line[:20]  # "Fraværende:", "Afbud- A"
            found = F.ABSENCE_LABEL.match(label_text(line, self.evidence)) if maybe else None
            if found is not None:
                # the names as written, repaired here so that each repair is reported
                written = re.split(r":|-(?=\s)", line, maxsplit=1)[-1] if found["names"] else ""
                names, rest = F.names_and_rest(self._text("absent", written.strip()))
                self.values["absent"].extend(names)
                names_follow = not found["names"].strip()
                if rest:
                    kept.append(rest)
                continue
            numbered_name = re.match(r"^\d+\.\s+([A-ZÆØÅ][\w .-]+(?:,\s*[A-ZÆØÅ]{1,2})?)$", line)
            if names_follow and numbered_name is not None:
                self.values["absent"].append(numbered_name[1].strip())
                continue
            names_follow = names_follow and not line
            kept.append(line)
        return kept

    def _section(self, block: Block) -> None:
        texts = self._take_absence(block.texts())
        parts = paragraphs(texts)
        said = [p for p in parts if _IMPERSONAL.match(label_text(p[:40], self.evidence))]
        if said and not self.values["recommendations"]:
            self._recommendation(Block(RECOMMENDATION, lines=[Line(p) for p in said]))
            parts = [p for p in parts if p not in said]
        text = "\n\n".join(parts)
        name = f"sections.{block.key}"
        self.values["sections"].append(Section(block.key, self._text(name, text), block.heading))

    def _recommendation(self, block: Block) -> None:
        texts = self._take_absence(block.texts())
        bullets = {line.text for line in block.lines if line.bulleted}
        pairs = [(self._text("recommendations", t), t in bullets) for t in texts]
        read = F.read_recommendations(pairs)
        if read.administration and not self.values["administration"]:
            self.values["administration"] = read.administration
        if read.sentence:
            self.note("recommendations", "a recommendation not in the 'at …' form")
        elif read.unnumbered:
            self.note("recommendations", "recommendations were not numbered")
        self.values["recommendations"].extend(read.entries)
        self.routing.extend(read.routing)

    def _decision(self, block: Block) -> None:
        heading = block.decision
        assert heading is not None
        if heading.raw_date and heading.date is None:
            self.note("decision.date", f"cannot read the date {heading.raw_date!r}")
        texts = self._take_absence(block.texts())
        text = self._text("decision.text", "\n\n".join(paragraphs(texts)))
        for line in texts:  # line by line: a name never runs on from the line before
            self.values["absent"].extend(F.absence_in_text(line))
        committee = self._text("decision.committee", heading.committee or "") or None
        self.decisions.append(
            (len(self.values["sections"]), Decision(text, heading.date, committee))
        )

    def _final_decision(self) -> Decision | None:
        """The last decision block is the item's decision; earlier ones (a committee's
        recommendation on the way) are kept as sections of their own."""
        if not self.decisions:
            return None
        for position, earlier in reversed(self.decisions[:-1]):
            when = earlier.date.isoformat() if earlier.date else ""
            title = " ".join(p for p in ("Beslutning", earlier.committee, when) if p)
            key = (
                "beslutning_" + section_key(earlier.committee)
                if earlier.committee
                else "beslutning"
            )
            self.values["sections"].insert(position, Section(key, earlier.text, title))
        final = self.decisions[-1][1]
        meeting = self.meeting
        if final.date is None and meeting.date is not None:
            self.note("decision.date", "no date at the decision; the meeting's date taken")
        if final.committee is None and meeting.committee is not None:
            self.note("decision.committee", "no committee at the decision; the meeting's taken")
        return Decision(
            final.text, final.date or meeting.date, final.committee or meeting.committee
        )

    def _absent_block(self, block: Block) -> None:
        if block.inline:
            names, rest = F.names_and_rest(block.inline)
            self.values["absent"].extend(names)
            leftover = [rest] if rest else []
            lines = block.texts()[1:]
        else:
            found = paragraphs(block.texts())
            names = [n for p in found[:1] for n in F.split_names(p)] if found else []
            # one name a line ("Britt Jensen (A), sag 129-138"): every line of the first paragraph
            first_lines: list[str] = []
            for line in block.texts():
                if not line:
                    if first_lines:
                        break
                    continue
                first_lines.append(line)
            if len(first_lines) > 1:
                names = [line.split(", sag")[0].strip(" .") for line in first_lines]
            self.values["absent"].extend(n for n in names if n)
            leftover, lines = [], block.texts()[len(first_lines) + 1 :]
        rest_text = "\n\n".join(paragraphs(leftover + lines))
        if rest_text and self.decisions:  # what followed "Fraværende" belongs to the decision
            position, decision = self.decisions[-1]
            text = f"{decision.text}\n\n{rest_text}".strip()
            self.decisions[-1] = (position, Decision(text, decision.date, decision.committee))

    def _attachments(self, block: Block) -> None:
        entries: list[str] = []
        for raw in block.texts():
            files = F.file_names(raw)
            if files:
                self._files(files)
                continue
            for line in re.split(r"(?<=\S)\s*(?=Bilag\s*\d+\s*:)", raw) if raw else [""]:
                if not line:
                    if entries and entries[-1]:
                        entries.append("")
                    continue
                numbered = re.match(r"^(?:bilag\s*)?(\d{1,2})\s*[:.)-]\s*(.*)$", line, re.I)
                if numbered or not entries or not entries[-1]:
                    entries.append(numbered[2] if numbered else line)
                else:
                    entries[-1] += " " + line
        entries = [e for e in entries if e and not _NO_ATTACHMENTS.match(e)]
        remarks = [e for e in entries if _ATTACHMENTS_ELSEWHERE.search(e) and len(e.split()) <= 6]
        for remark in remarks:
            self.note("attachments", f"{remark!r} says where the attachments are: none read")
        entries = [e for e in entries if e not in remarks]
        for position, entry in enumerate(entries, start=1):
            number = _JOURNAL_IN_PARENS.search(entry)
            title = entry[: number.start()] if number else entry
            if number is None:
                self.note(f"attachments.{position}", f"no number after {entry!r}")
            value = read_journal(number["no"]) if number else None
            self.values["attachments"].append(
                AttachmentRef(
                    self._text(f"attachments.{position}", title.strip()),
                    value.number if value else (number["no"].strip() if number else str(position)),
                )
            )

    # -- text checks

    def _text(self, name: str, text: str) -> str:
        fixed, repairs = ocr.repair(text, self.evidence)
        for original, repaired in repairs:
            self.notes.append(Uncertainty(name, "OCR repair", original, repaired))
        damaged = suspect_words(fixed)
        if damaged:
            shown = ", ".join(repr(w) for w in damaged[:5])
            self.note(name, f"letters may be lost (æ, ø, å?) in {shown}")
        return fixed

    def _recommendation_in_text(self) -> None:
        """``… Direktionen indstiller, at …`` inside a section, where no block holds one."""
        for section in self.values["sections"]:
            found = _SAYS_AT.search(section.text)
            if found is not None:
                self.values["administration"] = self.values["administration"] or found["who"]
                self.values["recommendations"].append("at " + found["rest"].strip())
                self.note("recommendations", f"read from the text of section {section.key!r}")
                return

    def _check(self, config: DocumentsConfig) -> None:
        v = self.values
        if not v["journal_no"]:
            found = _JOURNAL_ANYWHERE.search(v["title"] + " " + v["summary"])
            if found:
                self._journal(found[0])
                self.note("journal_no", f"no journal number label; {found[0]} taken from the text")
            else:
                self.note("journal_no", "no journal number found")
        if not v["recommendations"]:
            self._recommendation_in_text()
        if not v["recommendations"]:
            self.note("recommendations", "no recommendations found")
        if v["recommendations"] and not v["administration"]:
            self.note("administration", "no '<forvaltning> indstiller,' line found")
        keys = [s.key for s in v["sections"]]
        for key in dict.fromkeys(keys):
            if keys.count(key) > 1:
                self.note(f"sections.{key}", "the heading occurs more than once; merged")
        merged: dict[str, Section] = {}
        for section in v["sections"]:
            before = merged.get(section.key)
            text = f"{before.text}\n\n{section.text}" if before else section.text
            merged[section.key] = Section(section.key, text.strip(), section.heading)
        v["sections"] = list(merged.values())


def _unique(notes: Sequence[Uncertainty]) -> Iterator[Uncertainty]:
    seen: set[Uncertainty] = set()
    for note in notes:
        if note not in seen:
            seen.add(note)
            yield note
