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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from caseflow.documents import fields as F
from caseflow.documents import ocr
from caseflow.documents.config import DocumentsConfig
from caseflow.documents.imported import ImportedItem, Uncertainty
from caseflow.documents.journal import read_journal
from caseflow.documents.layout import (
    Meeting,
    item_heading,
    label_line,
    looks_like_heading,
    read_meeting_line,
    without_page_mark,
)
from caseflow.documents.model import AttachmentRef, Decision, Section
from caseflow.documents.text import (
    at_least,
    clean_line,
    has_bullet,
    is_lone_bullet,
    joins_next,
    skeleton,
    suspect_words,
)
from caseflow.errors import InvalidInput

THRESHOLD = 0.8
"""How close a line's skeleton must be to a known heading's to be read as that heading."""

_MAX_HEADING = 60
_ONE_WORD = 0.88  # longer lines are text, whatever they resemble

RECOMMENDATION, ATTACHMENTS, DECISION, ABSENT, SECTION, LABELS = (
    "recommendation",
    "attachments",
    "decision",
    "absent",
    "section",
    "labels",
)
_FIXED: tuple[tuple[str, str], ...] = (
    (RECOMMENDATION, "Indstilling og beslutning"),
    (RECOMMENDATION, "Indstilling"),
    (RECOMMENDATION, "Administrativ indstilling"),
    (RECOMMENDATION, "Hovedindstilling"),
    (RECOMMENDATION, "Forslag til beslutning"),
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
_FIXED_SECTIONS = (("kompetence", "Sagen afgøres af"), ("kompetence", "Sagen afgøres i"))
_CORE = frozenset({SECTION, RECOMMENDATION, ATTACHMENTS, DECISION})
_JOURNAL_IN_PARENS = re.compile(r"\s*\((?P<no>[0-9OolI|\s./-]{5,})\)")
_JOURNAL_ANYWHERE = re.compile(r"\b(?:\d{1,6}-)?(?:19|20)\d\d-\d{5,9}\b")  # not "2026-2029"
_SAYS_AT = re.compile(
    r"(?:^|(?<=[.!?] ))(?P<who>[A-ZÆØÅ][^.\n]{0,80}?) indstiller,? at (?P<rest>[^.\n]+\.?)"
)
_IMPERSONAL = re.compile(r"^Det\s+indstilles\b", re.IGNORECASE)
_GRID = re.compile(r"^(?:(?:[A-ZÆØÅ?]|Oe|Ae|Aa){2,5}|[xX])$")
_STRAY_BULLET = re.compile(r"^[oqn§¨]\s+(?=[A-ZÆØÅa-zæøå]{2})")


@dataclass(frozen=True)
class Line:
    text: str
    marked: bool = False  # a Markdown heading
    bulleted: bool = False  # started with a bullet


@dataclass
class _Block:
    kind: str
    key: str = ""
    heading: str | None = None  # as written, for sections the config does not know
    inline: str = ""
    colon: bool = False
    lines: list[Line] = field(default_factory=list)
    decision: F.DecisionHeading | None = None

    def texts(self) -> list[str]:
        head = [self.inline] if self.inline else []
        return head + [line.text for line in self.lines]


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
        names = sorted({k.text for k in known if " " not in k.text} | {"Beslutning"}, key=len)
        self.flat = re.compile(
            r"(?<=\S) (" + "|".join(re.escape(n) for n in reversed(names)) + r"|Beslutning i"
            r"(?= [A-ZÆØÅ])[^.:]{3,60}?\bden\b(?: \d[\d.-]*\d)?:?)(?= [A-ZÆØÅ])"
        )

    def read(self, text: str, source: str = "the text") -> ImportedItem:
        """Parse ``text``; raise :class:`InvalidInput` if it is not an agenda item."""
        if "\x00" in text:
            raise InvalidInput(f"{source} is a binary file, not the text of an agenda item")
        notes: list[Uncertainty] = []
        lines = _lines(self._unflattened(text, notes), notes)
        evidence = ocr.Evidence.of(text)
        blocks = self._blocks(lines, notes, evidence)
        return _Assembler(notes, source, evidence).build(blocks, self.config)

    # -- splitting the text at its headings

    def _blocks(
        self, lines: list[Line], notes: list[Uncertainty], evidence: ocr.Evidence = ocr.CLEAN
    ) -> list[_Block]:
        blocks = [_Block("head")]
        fresh = False  # the line before was a heading: this one is its text
        head = _HeadState(self._opens_body, evidence)
        for index, line in enumerate(lines):
            text = line.text
            previous = lines[index - 1].text if index else ""
            following = lines[index + 1].text if index + 1 < len(lines) else ""
            block = None
            in_head = blocks[-1].kind == "head"
            if in_head and text and head.holds(text):
                blocks[-1].lines.append(line)
                continue
            if text:  # past the title: a heading may start a block, even in the head
                neighbours = [lines[i] for i in (index - 1, index + 1) if 0 <= i < len(lines)]
                in_list = any(n.bulleted for n in neighbours)
                block = self._heading(line, previous, following, notes, fresh, evidence, in_list)
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
    ) -> _Block | None:
        if len(line.text) > 160:
            return None  # a paragraph, whatever it starts with
        fixed = label_text(line.text, evidence)
        if label_line(fixed) is not None:
            return _Block(LABELS)
        if F.ABSENCE_LABEL.match(fixed):
            return None  # "Fraværende: ..." inside a block: read there, never a block of its own
        decision = F.decision_heading(fixed)
        if decision is not None:
            return _Block(DECISION, inline=decision.inline, decision=decision)
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
            ):
                return _Block(SECTION, _key(label), label)
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
            return _Block(SECTION, best.key, None, inline, bool(colon))
        if score < 1.0:
            notes.append(Uncertainty(best.kind, f"heading {line.text!r} read as {best.text!r}"))
        return _Block(best.kind, best.text, None, inline, bool(colon))

    def _unflattened(self, text: str, notes: list[Uncertainty]) -> str:
        """A PDF's text run together on one line (``… 2012 Sagsfremstilling Direktionen …``):
        the headings set on lines of their own again, where a long line holds two or more."""
        lines = text.split("\n")
        for index, line in enumerate(lines):
            if len(line) > 200 and len(set(self.flat.findall(line))) >= 2:
                lines[index] = self.flat.sub(r"\n\n\1\n", line)
                notes.append(
                    Uncertainty(
                        "text",
                        "headings found inside one long line (a PDF's "
                        "text run together); the line was split at them",
                    )
                )
        return "\n".join(lines)

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


class _HeadState:
    """Which head lines are the meeting header, labels and title: never headings."""

    def __init__(self, opens_body: Callable[[str], bool], evidence: ocr.Evidence) -> None:
        self.opens_body = opens_body
        self.evidence = evidence
        self.meeting = Meeting()
        self.title: str | None = None
        self.number: int | None = None

    def holds(self, text: str) -> bool:
        text = label_text(text, self.evidence)
        if self.title is None and read_meeting_line(text, self.meeting):
            return True
        if label_line(text) is not None:
            return True
        if self.title is None and self.opens_body(text):
            self.title = ""  # a heading where the title would be: the item has none
            return False
        heading = item_heading(text)
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


def label_text(text: str, evidence: ocr.Evidence) -> str:
    """A short line as repaired for recognising what it is (``M?dedato:`` is ``Mødedato:``);
    a line's text itself is repaired, and reported, where its field is read."""
    if len(text) > 160:
        return text
    return ocr.repair(text, ocr.Evidence(evidence.lost_letters, True))[0]


def _lines(text: str, notes: list[Uncertainty]) -> list[Line]:
    """Clean lines, with words and numbers split across lines joined again (words reported)."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    raw_lines = _without_grid([piece for raw in raw_lines for piece in _unglued(raw)])
    result: list[Line] = []
    for raw in raw_lines:
        if is_lone_bullet(raw) or raw.strip().casefold() in _NAVIGATION:
            continue
        raw = without_page_mark(raw)
        stray = _STRAY_BULLET.match(raw.strip())
        if stray is not None:
            stripped = raw.strip()
            notes.append(
                Uncertainty("text", "stray bullet letter removed", stripped[:30], stripped[2:30])
            )
            raw = stripped[2:]
        cleaned, marked = clean_line(raw)
        bulleted = bool(cleaned) and has_bullet(raw)
        if result and result[-1].text:
            joined = joins_next(result[-1].text, cleaned)
            if joined is not None:
                before = result[-1].text
                if before[-2:-1].isalpha():
                    word = before.rsplit(" ", 1)[-1] + cleaned.split(" ", 1)[0]
                    notes.append(
                        Uncertainty(
                            "text", "word split across lines joined", word, word.replace("-", "", 1)
                        )
                    )
                result[-1] = Line(joined, result[-1].marked, result[-1].bulleted)
                continue
        result.append(Line(cleaned, marked, bulleted or stray is not None))
    return result


_GLUED_HEADING = re.compile(
    r"(?<=[a-zæøå0-9)][.!?])(?=(?:Sagsfremstilling|Økonomi|Indstilling|Beslutning|Resumé|Resume|"
    r"Baggrund|Bilag|Sagsbeskrivelse|Vurdering|Høring)\b)"
)


_NAVIGATION = frozenset(  # a web page's buttons and links between an item's parts
    {"udskriv", "til toppen", "fold alle ud", "fold ud", "se alle bilag", "hent som fil:"}
)
_GLUE = re.compile(r"[.!?][SØIBRVH]")


def _unglued(raw: str) -> list[str]:
    """``… kl. 16.30.Sagsfremstilling``: a heading glued to the text before it by a page's
    text extraction, set on a line of its own again."""
    if _GLUE.search(raw) is None or _GLUED_HEADING.search(raw) is None:
        return [raw]
    return _GLUED_HEADING.sub("\n\n", raw).split("\n")


def _without_grid(lines: list[str]) -> list[str]:
    """Lines without a routing grid (``DIR FOU BFU … x x``, one cell a line): layout, not text."""
    keep = [True] * len(lines)
    run: list[int] = []
    for index, line in enumerate([*lines, "end of text"]):
        cell = line.strip()
        if not cell or _GRID.match(cell):
            run.append(index)
            continue
        if sum(1 for i in run if lines[i].strip()) >= 4:
            for i in run:
                keep[i] = False
        run = []
    return [line for line, kept in zip(lines, keep, strict=True) if kept]


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

    def __init__(self, notes: list[Uncertainty], source: str, evidence: ocr.Evidence) -> None:
        self.notes = notes
        self.source = source
        self.evidence = evidence
        self.meeting = Meeting()
        self.journal_form: str | None = None
        self.routing: list[str] = []
        self.decisions: list[tuple[int, Decision]] = []  # where it stood among the sections
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

    def build(self, blocks: list[_Block], config: DocumentsConfig) -> ImportedItem:
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
        titled = v["title"] or recognised >= 3 or (v["journal_no"] and recognised >= 2)
        if not v["title"] and titled:
            self.note("title", "no title line; the item is known by its journal number")
        enough = recognised >= 2 or (
            recognised and (v["journal_no"] or v["title"]) and v["number"] is not None
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
            absent=tuple(dict.fromkeys(F.normal_name(n) for n in v["absent"])),
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
            fixed = label_text(text, self.evidence) if text else ""
            labels = label_line(fixed) if text else None
            if labels is not None:
                self._labels(labels)
                continue
            if title is None and text and read_meeting_line(fixed, self.meeting):
                continue
            files = F.file_names(text) if text else []
            if files:
                self._files(files)
                continue
            bare = read_journal(text) if text and len(text) < 30 else None
            if bare is not None and bare.number == text and bare.form in ("kle", "kmd"):
                self._journal(text)  # a journal number on a line of its own
                continue
            heading = item_heading(text) if text else None
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
        paragraphs = _paragraphs(rest)
        if not paragraphs:
            return
        title, *summary = paragraphs
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

    def _labels_block(self, block: _Block) -> None:
        """A label line after the head (``Sagsnr.`` printed below a heading)."""
        for text in block.texts()[:1]:
            labels = label_line(text)
            if labels is not None:
                self._labels(labels)
        if self.values["sections"]:
            last = self.values["sections"][-1]
            rest = "\n\n".join(_paragraphs(block.texts()[1:]))
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
            found = F.ABSENCE_LABEL.match(label_text(line, self.evidence)) if line else None
            if found is not None:
                names, rest = F.names_and_rest(found["names"])
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

    def _section(self, block: _Block) -> None:
        texts = self._take_absence(block.texts())
        paragraphs = _paragraphs(texts)
        said = [p for p in paragraphs if _IMPERSONAL.match(label_text(p[:40], self.evidence))]
        if said and not self.values["recommendations"]:
            self._recommendation(_Block(RECOMMENDATION, lines=[Line(p) for p in said]))
            paragraphs = [p for p in paragraphs if p not in said]
        text = "\n\n".join(paragraphs)
        name = f"sections.{block.key}"
        self.values["sections"].append(Section(block.key, self._text(name, text), block.heading))

    def _recommendation(self, block: _Block) -> None:
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

    def _decision(self, block: _Block) -> None:
        heading = block.decision
        assert heading is not None
        if heading.raw_date and heading.date is None:
            self.note("decision.date", f"cannot read the date {heading.raw_date!r}")
        texts = self._take_absence(block.texts())
        text = self._text("decision.text", "\n\n".join(_paragraphs(texts)))
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
            key = "beslutning_" + _key(earlier.committee) if earlier.committee else "beslutning"
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

    def _absent_block(self, block: _Block) -> None:
        if block.inline:
            names, rest = F.names_and_rest(block.inline)
            self.values["absent"].extend(names)
            leftover = [rest] if rest else []
            lines = block.texts()[1:]
        else:
            paragraphs = _paragraphs(block.texts())
            names = [n for p in paragraphs[:1] for n in F.split_names(p)] if paragraphs else []
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
        rest_text = "\n\n".join(_paragraphs(leftover + lines))
        if rest_text and self.decisions:  # what followed "Fraværende" belongs to the decision
            position, decision = self.decisions[-1]
            text = f"{decision.text}\n\n{rest_text}".strip()
            self.decisions[-1] = (position, Decision(text, decision.date, decision.committee))

    def _attachments(self, block: _Block) -> None:
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
        for position, entry in enumerate((e for e in entries if e), start=1):
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
