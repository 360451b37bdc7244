"""Agenda items as municipalities publish them: a text, an HTML page, a PDF; one item or a
whole agenda (pure, except :func:`items_of_file`, which reads the file it is given).

An HTML page becomes text with one line per block element; a PDF's text layer is
extracted with ``pypdf`` (a scan without one is refused with a clear message, since
there is nothing to read without OCR). A text holding several items is cut before
each item heading that is followed by an item's parts (labels, known headings) —
not before a numbered recommendation, a list in a section, or a table of contents.
"""

from __future__ import annotations

import dataclasses
import io
import re
from html.parser import HTMLParser
from pathlib import Path

from caseflow.documents.imported import ImportedItem
from caseflow.documents.layout import Meeting, item_heading, label_line, read_meeting_line
from caseflow.documents.reader import AgendaItemReader
from caseflow.errors import InvalidInput

_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article"}
    | {"header", "footer", "table", "ul", "ol", "dt", "dd", "title", "td", "th"}
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "nav", "template", "svg", "head"})
_ITEM_PARTS = re.compile(
    r"^(?:sagsnr|sagsnummer|sagsid|sags-id|sag\s+\d|j\.\s?nr|journalnr|dok\.|indstilling|"
    r"beslutning|sagsfremstilling|resum|beslutningstema|kompetence|beslutningskompetence|"
    r"sagens kerne|sagsgang|problemstilling|baggrund|administrativ indstilling|"
    r"åbent|lukket)",
    re.IGNORECASE,
)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "li":
            self.parts.append("• ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The text of an HTML page, a line per block element, blank lines between blocks."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def pdf_text(data: bytes, source: str = "the PDF") -> str:
    """The text layer of a PDF, page after page; a scan without text is refused."""
    from pypdf import PdfReader  # a dependency of its own: only PDF input needs it

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many kinds for a broken file
        raise InvalidInput(f"{source} is not a readable PDF: {exc}") from None
    text = "\n\n".join(pages)
    if len(text.split()) < 5:
        raise InvalidInput(
            f"{source} has no text layer ({len(pages)} page(s) of images, a scan): "
            "run it through OCR first (e.g. ocrmypdf) and import the result"
        )
    return text


def split_items(text: str) -> tuple[Meeting, list[str]]:
    """The meeting header above the first item, and each item's text."""
    lines = text.replace("\r\n", "\n").split("\n")
    starts: list[int] = []
    last_number = 0
    for index, line in enumerate(lines):
        heading = item_heading(line.strip().lstrip("•▪ ").strip())
        if heading is None or not heading.title or heading.title.casefold().startswith("at "):
            continue
        if heading.number is None or (
            starts and not last_number < heading.number <= last_number + 5
        ):
            continue  # the heading printed twice, or a numbered list inside an item
        if _looks_like_item(lines, index):
            starts.append(index)
            last_number = heading.number
    meeting = Meeting()
    preamble = lines[: starts[0]] if starts else []
    for line in preamble:
        if line.strip():
            read_meeting_line(" ".join(line.split()), meeting)
    if not starts:
        return meeting, [text]
    chunks = [
        "\n".join(lines[start:end])
        for start, end in zip(starts, [*starts[1:], len(lines)], strict=True)
    ]
    return meeting, chunks


def _looks_like_item(lines: list[str], index: int) -> bool:
    """An item heading has an item's parts below it before the next numbered line."""
    seen = 0
    for line in lines[index + 1 : index + 40]:
        text = " ".join(line.split()).lstrip("•▪ ")
        if not text:
            continue
        seen += 1
        if label_line(text) is not None or _ITEM_PARTS.match(text):
            return True
        heading = item_heading(text)
        if heading is not None and heading.title and seen <= 2:
            return False  # a table of contents: numbered titles one after another
    return False


def read_items(text: str, reader: AgendaItemReader, source: str = "the text") -> list[ImportedItem]:
    """Every item of a text (one item, or a whole agenda), with the meeting header's data."""
    meeting, chunks = split_items(text)
    items: list[ImportedItem] = []
    problems: list[str] = []
    for number, chunk in enumerate(chunks, start=1):
        where = source if len(chunks) == 1 else f"{source}, item {number}"
        try:
            item = reader.read(chunk, where)
        except InvalidInput as exc:
            if len(chunks) == 1:
                raise
            problems.append(str(exc))
            continue
        if item.meeting is None and not meeting.is_empty():
            item = dataclasses.replace(item, meeting=meeting)
        items.append(item)
    if not items:
        raise InvalidInput("; ".join(problems) or f"{source} holds no agenda item")
    return items


def text_of(data: bytes, name: str) -> str:
    """The text of a file's bytes, by its kind: PDF, HTML, or plain text (UTF-8 or cp1252)."""
    if data[:5] == b"%PDF-" or name.lower().endswith(".pdf"):
        return pdf_text(data, name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if name.lower().endswith((".html", ".htm")) or re.match(r"\s*<(?:!doctype|html)", text, re.I):
        return html_text(text)
    return text


def items_of_file(path: Path, reader: AgendaItemReader) -> list[ImportedItem]:
    """Every item in the file at ``path`` (text, HTML or PDF)."""
    return read_items(text_of(path.read_bytes(), str(path)), reader, str(path))
