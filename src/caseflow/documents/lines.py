"""An agenda item's text as clean lines (pure): what scanning and web pages did to it undone.

Bullets, a routing grid (``DIR FOU … x``), navigation (``Udskriv``, ``Til toppen``),
page marks, a heading glued to the text before it, words split across lines and
stray bullet letters are taken away, and each word repair is reported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from caseflow.documents import ocr
from caseflow.documents.blocks import Line
from caseflow.documents.imported import Uncertainty
from caseflow.documents.layout import without_page_mark
from caseflow.documents.text import clean_line, has_bullet, is_lone_bullet, joins_next, skeleton

_GRID = re.compile(r"^(?:(?:[A-ZÆØÅ?]|Oe|Ae|Aa){2,5}|[xX])$")
_STRAY_BULLET = re.compile(r"^[oqn§¨]\s+(?=[A-ZÆØÅa-zæøå]{2})")


def label_text(text: str, evidence: ocr.Evidence) -> str:
    """A short line as repaired for recognising what it is (``M?dedato:`` is ``Mødedato:``);
    a line's text itself is repaired, and reported, where its field is read."""
    if len(text) > 160 or not evidence.repairable:
        return text
    return ocr.repair(text, ocr.Evidence(evidence.lost_letters, True))[0]


def clean_lines(
    text: str, notes: list[Uncertainty], evidence: ocr.Evidence = ocr.CLEAN
) -> list[Line]:
    """Clean lines, with words and numbers split across lines joined again (words reported)."""
    raw_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    raw_lines = _without_grid([piece for raw in raw_lines for piece in _unglued(raw)])
    result: list[Line] = []
    for raw in raw_lines:
        if is_lone_bullet(raw) or raw.strip().casefold() in _NAVIGATION or _PAGE.match(raw):
            continue
        if "Side" in raw:
            *running, raw = without_page_mark(raw)
            result.extend(Line(text) for text in running)  # a running header's committee
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
    return [
        Line(line.text, line.marked, line.bulleted, label_text(line.text, evidence))
        if line.text
        else line
        for line in result
    ]


_GLUED_HEADING = re.compile(
    r"(?<=[a-zæøå0-9)][.!?])(?=(?:Sagsfremstilling|Økonomi|Indstilling|Beslutning|Resumé|Resume|"
    r"Baggrund|Bilag|Sagsbeskrivelse|Vurdering|Høring)\b)"
)


_NAVIGATION = frozenset(  # a web page's buttons and links between an item's parts
    {"udskriv", "til toppen", "fold alle ud", "fold ud", "se alle bilag", "hent som fil:"}
)
_PAGE = re.compile(r"^\s*(?:Side|Page)\s+\d+(?:\s+(?:af|of)\s+\d+)?\s*$", re.IGNORECASE)
_GLUE = re.compile(r"[.!?][SØIBRVH]")


_HEADING_GLUED_TO_TEXT = re.compile(  # "BeslutningGodkendt.", "BilagIngen bilag."
    r"^(?P<heading>Sagsfremstilling|Indstilling|Beslutning|Resumé|Resume|Bilag|Baggrund|"
    r"Økonomi|Fraværende|Afbud)(?=[A-ZÆØÅ1][a-zæøå])"  # 1: an I as OCR reads it
)


def _unglued(raw: str) -> list[str]:
    """``… kl. 16.30.Sagsfremstilling``: a heading glued to the text before it by a page's
    text extraction, set on a line of its own again; and ``BeslutningGodkendt.``, a
    heading glued to the text after it (a web page's heading and text in one cell)."""
    after = _HEADING_GLUED_TO_TEXT.match(raw.strip())
    if after is not None:
        return [after["heading"], raw.strip()[after.end() :]]
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


def section_key(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", skeleton(heading)).strip("_") or "afsnit"


def paragraphs(lines: Sequence[str]) -> list[str]:
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
