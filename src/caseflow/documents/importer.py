"""Read a plain-text agenda item into an :class:`ImportedItem` (pure: no I/O).

The text may be Copenhagen's format (see ``/work/shared/examples``) or another
municipality's (``Sagsnr.``, ``Kompetence``, ``Beslutningstema``, ``Resume``,
``Sagsfremstilling``, ``Beslutning i <udvalg> den <dato>:``, ``Fraværende``),
and it may be damaged by OCR. Headings are matched tolerantly: a line is a
heading when its skeleton (:func:`caseflow.documents.text.skeleton`) is close
to a known heading's. Whatever was read with less than full confidence is
listed in :attr:`ImportedItem.uncertain`, so a person checks exactly those.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from caseflow.documents.config import DocumentsConfig
from caseflow.documents.model import AttachmentRef, Decision, ItemDocument, Section
from caseflow.documents.text import (
    at_least,
    clean_line,
    fix_number,
    is_lone_bullet,
    joins_next,
    repair,
    similarity,
    skeleton,
    suspect_words,
)
from caseflow.engine import NewCase
from caseflow.errors import InvalidInput
from caseflow.notifications.render import DA_MONTHS
from caseflow.store.journal import JOURNAL_NO

THRESHOLD = 0.8
"""How close a line's skeleton must be to a known heading's to be read as that heading."""

_MAX_HEADING = 48  # longer lines are text, whatever they resemble

# Kinds of heading besides the configured sections.
RECOMMENDATION, ATTACHMENTS, DECISION, ABSENT, JOURNAL, STATUS, SECTION = (
    "recommendation",
    "attachments",
    "decision",
    "absent",
    "journal",
    "status",
    "section",
)
_FIXED: tuple[tuple[str, str], ...] = (
    (RECOMMENDATION, "Indstilling og beslutning"),
    (RECOMMENDATION, "Indstilling"),
    (RECOMMENDATION, "Forslag til beslutning"),
    (ATTACHMENTS, "Bilag"),
    (ATTACHMENTS, "Bilagsliste"),
    (ABSENT, "Fraværende"),
    (JOURNAL, "Sagsnr"),
    (JOURNAL, "Sagsnummer"),
    (JOURNAL, "Journalnr"),
    (JOURNAL, "J.nr"),
    (STATUS, "Åbent punkt"),
    (STATUS, "Lukket punkt"),
    (STATUS, "Åben"),
    (STATUS, "Lukket"),
)
_CORE = frozenset({SECTION, RECOMMENDATION, ATTACHMENTS, DECISION})
_NUMBERED = re.compile(r"^([0-9lI]{1,2})\s*[.)]\s+(.*)$")
_TITLE = re.compile(r"^(?:punkt\s+)?(?P<num>[0-9lIO]{1,3})\s*[.):]\s*(?P<title>.+)$", re.IGNORECASE)
_JOURNAL_IN_PARENS = re.compile(r"\s*\((?P<no>[0-9OolI|\s.-]{6,})\)\s*$")
_JOURNAL_ANYWHERE = re.compile(r"\b(?:\d{1,6}-)?(?:19|20)\d\d-\d{3,9}\b")
_DECISION = re.compile(
    r"^(?P<word>\S+)(?:\s+(?:i|1)\s+(?P<committee>.+?))?(?:\s+den\s+(?P<date>.+?))?\s*$"
)
_RECOMMENDS = re.compile(r"^(?P<who>.*?)\s*\bindst[i1]ller\b[^,]*,?\s*(?P<rest>.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Uncertainty:
    """A field read with less than full confidence, and why."""

    field: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "reason": self.reason}


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
            "closed": self.closed,
            "administration": self.administration,
            "summary": self.summary,
            "recommendations": list(self.recommendations),
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
            journal_no=self.journal_no or None,
            lead_administration=lead_administration,
            participating_administrations=participating_administrations,
            committee=committee,
            summary=self.summary,
            recommendations=self.recommendations,
            sections={s.key: s.text for s in self.sections},
            attachments=[{"number": a.number, "title": a.title} for a in self.attachments],
            fields=self.case_fields(),
        )


# ----------------------------------------------------------------------- reading


@dataclass
class _Block:
    kind: str  # "head", a heading kind, or SECTION
    key: str = ""
    heading: str | None = None  # as the text wrote it, for sections the config does not know
    inline: str = ""  # text after the heading on its own line ("Kompetence: Udvalget")
    lines: list[str] = field(default_factory=list)
    match: re.Match[str] | None = None


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
        for spec in config.sections:
            for text in (spec.heading.da, *spec.aliases):
                known.append(_Known(SECTION, spec.key, text, skeleton(text)))
        self.known = tuple(known)
        self.exact = frozenset(k.text.rstrip(".").casefold() for k in known)
        self.by_skeleton: dict[str, _Known] = {}
        for k in reversed(known):  # the first heading with a skeleton wins
            self.by_skeleton[k.skeleton] = k
        self.config = config

    def read(self, text: str, source: str = "the text") -> ImportedItem:
        """Parse ``text``; raise :class:`InvalidInput` if it is not an agenda item."""
        if "\x00" in text:
            raise InvalidInput(f"{source} is a binary file, not the text of an agenda item")
        notes: list[Uncertainty] = []
        blocks = self._blocks(_lines(text), notes)
        return _Assembler(notes, source).build(blocks, self.config)

    # -- splitting the text at its headings

    def _blocks(self, lines: list[tuple[str, bool]], notes: list[Uncertainty]) -> list[_Block]:
        blocks = [_Block("head")]
        for line, marked in lines:
            block = self._heading(line, marked, notes) if line else None
            if block is None:
                blocks[-1].lines.append(line)
            elif block.kind in (JOURNAL, STATUS) and blocks[-1].kind == "head":
                blocks[-1].lines.append(line)  # a field line of the head, e.g. "Sagsnr. ..."
            else:
                blocks.append(block)
        return blocks

    def _heading(self, line: str, marked: bool, notes: list[Uncertainty]) -> _Block | None:
        fixed, _ = repair(line)
        label, colon, inline = fixed.partition(":")
        label, inline = label.strip(), inline.strip()
        best, score = self._closest(label) if len(label) <= _MAX_HEADING else (None, 0.0)
        decision = _DECISION.match(label) if label[:1] in "Bb8" else None
        if decision is not None:
            likeness = at_least(skeleton(decision["word"]), "beslutning", THRESHOLD)
            if likeness >= THRESHOLD and likeness > score:
                return _Block(DECISION, inline=inline, match=decision)
        if colon and len(label) > 30 and inline:
            return None
        if best is None:
            if (
                marked and _TITLE.match(label) is None
            ):  # a Markdown heading the config does not know: keep it as written
                return _Block(SECTION, _key(label), label, inline)
            return None
        if best.kind == SECTION:
            if score < 1.0:
                notes.append(
                    Uncertainty(f"sections.{best.key}", f"heading {line!r} read as {best.text!r}")
                )
            return _Block(SECTION, best.key, None, inline)
        if score < 1.0 and best.kind not in (JOURNAL, STATUS):
            notes.append(Uncertainty(best.kind, f"heading {line!r} read as {best.text!r}"))
        return _Block(best.kind, best.text, None, inline)

    def _closest(self, label: str) -> tuple[_Known | None, float]:
        wanted = skeleton(label)
        if not wanted:
            return None, 0.0
        best = self.by_skeleton.get(wanted)
        best_score = 1.0 if best is not None else 0.0
        for known in self.known if best is None else ():
            if abs(len(known.skeleton) - len(wanted)) > max(3, len(known.skeleton) // 3):
                continue
            score = at_least(known.skeleton, wanted, max(THRESHOLD, best_score))
            if score > best_score:
                best, best_score = known, score
        if best is None:
            return None, 0.0
        exact = label.rstrip(".").casefold() in self.exact
        return best, 1.0 if exact else min(best_score, 0.99)


def _lines(text: str) -> list[tuple[str, bool]]:
    """Clean lines, with words and numbers split across lines joined again."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cleaned = [clean_line(raw) for raw in raw_lines if not is_lone_bullet(raw)]
    result: list[tuple[str, bool]] = []
    for line, marked in cleaned:
        if result and result[-1][0]:
            joined = joins_next(result[-1][0], line)
            if joined is not None:
                result[-1] = (joined, result[-1][1])
                continue
        result.append((line, marked))
    return result


def _key(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", skeleton(heading)).strip("_") or "afsnit"


def _paragraphs(lines: Sequence[str]) -> list[str]:
    """Lines joined into paragraphs; blank lines separate them."""
    result: list[str] = []
    current: list[str] = []
    for line in [*lines, ""]:
        if line:
            current.append(line)
        elif current:
            result.append(" ".join(current))
            current = []
    return result


# -------------------------------------------------------------------- assembling


class _Assembler:
    """Turns the blocks into an item, noting what it is unsure of."""

    def __init__(self, notes: list[Uncertainty], source: str) -> None:
        self.notes = notes
        self.source = source
        self.values: dict[str, Any] = {
            "number": None,
            "title": "",
            "journal_no": "",
            "closed": False,
            "administration": "",
            "summary": "",
            "recommendations": [],
            "decision": None,
            "absent": [],
            "sections": [],
            "attachments": [],
        }

    def note(self, name: str, reason: str) -> None:
        self.notes.append(Uncertainty(name, reason))

    def build(self, blocks: list[_Block], config: DocumentsConfig) -> ImportedItem:
        self._head(blocks[0].lines)
        handlers = {
            SECTION: self._section,
            RECOMMENDATION: self._recommendation,
            DECISION: self._decision,
            ABSENT: self._absent,
            ATTACHMENTS: self._attachments,
            JOURNAL: self._journal_block,
            STATUS: self._status,
        }
        recognised = 0
        for block in blocks[1:]:
            recognised += block.heading is None and block.kind in _CORE
            handlers[block.kind](block)
        v = self.values
        if not v["title"] or recognised < 2:
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
            decision=v["decision"],
            absent=tuple(v["absent"]),
            sections=tuple(v["sections"]),
            attachments=tuple(v["attachments"]),
            uncertain=tuple(_unique(self.notes)),
        )

    # -- the head: number, title, journal number, summary

    def _head(self, lines: list[str]) -> None:
        rest: list[str] = []
        for line in lines:
            label, _, value = line.partition(":")
            first = skeleton(label.split(".")[0] if "." in label[:9] else label)
            if first in ("sagsnr", "sagsnummer", "journalnr", "jnr") or (
                similarity(first, "sagsnr") >= THRESHOLD
            ):
                number = value or line[len(label.split(".")[0]) + 1 :]
                self._journal(number.strip(" .:"))
            elif skeleton(line) in ("aben", "abent", "abent punkt", "aben punkt"):
                self.values["closed"] = False
            elif skeleton(line) in ("lukket", "lukket punkt"):
                self.values["closed"] = True
            else:
                rest.append(line)
        paragraphs = _paragraphs(rest)
        if not paragraphs:
            return
        title, *summary = paragraphs
        match = _TITLE.match(title)
        if match is not None:
            self.values["number"] = int(fix_number(match["num"]))
            title = match["title"]
        else:
            self.note("number", "no item number before the title")
        in_parens = _JOURNAL_IN_PARENS.search(title)
        if in_parens is not None:
            self._journal(in_parens["no"])
            title = title[: in_parens.start()]
        self.values["title"] = self._text("title", title.strip())
        self.values["summary"] = self._text("summary", "\n\n".join(summary))

    def _journal(self, raw: str) -> None:
        number = fix_number(raw.strip().strip("."))
        if number != raw.strip().strip(".").replace(" ", ""):
            self.note("journal_no", f"read {raw!r} as {number}")
        if JOURNAL_NO.match(number) is None:
            self.note("journal_no", f"{raw!r} is not a journal number of the form YYYY-NNNNN")
        if not self.values["journal_no"]:
            self.values["journal_no"] = number

    # -- blocks after the head

    def _section(self, block: _Block) -> None:
        text = "\n\n".join(_paragraphs([block.inline, *block.lines]))
        self.values["sections"].append(
            Section(block.key, self._text(f"sections.{block.key}", text), block.heading)
        )

    def _recommendation(self, block: _Block) -> None:
        lines = [block.inline, *block.lines] if block.inline else block.lines
        recommendations: list[str] = []
        loose: list[str] = []
        for paragraph in _paragraphs(lines):
            parts = _split_numbered(self._text("recommendations", paragraph))
            said = _RECOMMENDS.match(parts[0]) if parts else None
            if said is not None and not self.values["administration"]:
                self.values["administration"] = self._text("administration", said["who"])
                parts[0] = said["rest"]
            for part in parts:
                if part:
                    (recommendations if _NUMBERED_START.match(part) else loose).append(part)
        numbered = [_NUMBERED.sub(r"\2", r) for r in recommendations]
        if not numbered and loose:
            numbered = [p for p in loose if p.lower().startswith("at ")]
            if numbered:
                self.note("recommendations", "recommendations were not numbered")
        self.values["recommendations"].extend(self._text("recommendations", r) for r in numbered)

    def _decision(self, block: _Block) -> None:
        match = block.match
        assert match is not None
        committee = self._text("decision.committee", (match["committee"] or "").strip()) or None
        when = _danish_date(match["date"]) if match["date"] else None
        if match["date"] and when is None:
            self.note("decision.date", f"cannot read the date {match['date']!r}")
        lines = [block.inline, *block.lines] if block.inline else block.lines
        kept: list[str] = []
        for line in lines:
            label, colon, names = line.partition(":")
            if colon and similarity(skeleton(label), "fravaerende") >= THRESHOLD:
                self._absent(_Block(ABSENT, inline=names.strip()))
            else:
                kept.append(line)
        text = self._text("decision.text", "\n\n".join(_paragraphs(kept)))
        self.values["decision"] = Decision(text, when, committee)

    def _absent(self, block: _Block) -> None:
        names = " ".join([block.inline, *block.lines])
        self.values["absent"].extend(
            n.strip(" .") for n in re.split(r",|\bog\b", names) if n.strip(" .")
        )

    def _attachments(self, block: _Block) -> None:
        entries: list[str] = []
        for line in [block.inline, *block.lines]:
            if not line:
                if entries and entries[-1]:
                    entries.append("")
                continue
            numbered = _NUMBERED.match(line) or re.match(
                r"^bilag\s*(\d+)\s*[:.)-]\s*(.*)$", line, re.I
            )
            if numbered or not entries or not entries[-1]:
                entries.append(numbered[2] if numbered else line)
            else:
                entries[-1] += " " + line
        for position, entry in enumerate((e for e in entries if e), start=1):
            number = _JOURNAL_IN_PARENS.search(entry)
            title = entry[: number.start()] if number else entry
            if number is None:
                self.note(f"attachments.{position}", f"no number after {entry!r}")
            value = fix_number(number["no"]) if number else str(position)
            self.values["attachments"].append(
                AttachmentRef(self._text(f"attachments.{position}", title.strip()), value)
            )

    def _journal_block(self, block: _Block) -> None:  # a "Sagsnr." line after the head
        self._journal(block.inline or " ".join(block.lines))

    def _status(self, block: _Block) -> None:
        self.values["closed"] = skeleton(block.key).startswith("lukket")

    # -- text checks

    def _text(self, name: str, text: str) -> str:
        fixed, count = repair(text)
        if count:
            self.note(name, f"{count} OCR confusion(s) of '1' and 'i' repaired")
        damaged = suspect_words(fixed)
        if damaged:
            shown = ", ".join(repr(w) for w in damaged[:5])
            self.note(name, f"letters may be lost (æ, ø, å?) in {shown}")
        return fixed

    def _check(self, config: DocumentsConfig) -> None:
        v = self.values
        if not v["journal_no"]:
            found = _JOURNAL_ANYWHERE.search(v["title"] + " " + v["summary"])
            self.note("journal_no", "no journal number found")
            if found:
                v["journal_no"] = found[0]
        if not v["recommendations"]:
            self.note("recommendations", "no numbered recommendations found")
        if v["recommendations"] and not v["administration"]:
            self.note("administration", "no '<forvaltning> indstiller,' line found")
        keys = [s.key for s in v["sections"]]
        for spec in config.sections:
            if keys.count(spec.key) > 1:
                self.note(f"sections.{spec.key}", "the heading occurs more than once; merged")
        merged: dict[str, Section] = {}
        for section in v["sections"]:
            before = merged.get(section.key)
            text = f"{before.text}\n\n{section.text}" if before else section.text
            merged[section.key] = Section(section.key, text.strip(), section.heading)
        v["sections"] = list(merged.values())


_NUMBERED_START = re.compile(r"^[0-9lI]{1,2}\s*[.)]\s+")
_INNER_NUMBER = re.compile(r"\s(?=\d{1,2}\.\s+at\s)")


def _split_numbered(paragraph: str) -> list[str]:
    """A paragraph split before each ``N. at ...`` it holds (lines were joined)."""
    return [p.strip() for p in _INNER_NUMBER.split(paragraph)]


def _danish_date(text: str) -> date | None:
    text = text.strip(" .:")
    numeric = re.match(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$", text)
    if numeric:
        day, month, year = (int(x) for x in numeric.groups())
        return _date(year, month, day)
    iso = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", text)
    if iso:
        return _date(int(iso[1]), int(iso[2]), int(iso[3]))
    written = re.match(r"^(\d{1,2})\.?\s*([^\W\d]+)\.?\s+(\d{4})$", _fix_month(text))
    if written:
        word = skeleton(written[2])
        scores = [
            (1.0 if word[:3] == month[:3] else similarity(word, skeleton(month)), index)
            for index, month in enumerate(DA_MONTHS, start=1)
        ]
        score, month_no = max(scores)
        if score >= 0.6:
            return _date(int(written[3]), month_no, int(written[1]))
    return None


def _fix_month(text: str) -> str:
    return re.sub(r"(?<=[a-z])1(?=[a-z]|\b)", "i", text)


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _unique(notes: Sequence[Uncertainty]) -> Iterator[Uncertainty]:
    seen: set[Uncertainty] = set()
    for note in notes:
        if note not in seen:
            seen.add(note)
            yield note


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
