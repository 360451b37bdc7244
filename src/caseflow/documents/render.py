"""Render items, agendas and minutes as HTML (with print CSS), PDF or Markdown.

Templates live in ``{templates_dir}/documents/{language}/{kind}.{html|md}.j2``;
each is a thin file that takes the shared layout (``documents/_{kind}.*.j2``)
and the words of its language (``_labels.j2``), so a municipality can change
either. The Jinja2 environment is the one :class:`caseflow.notifications.render.Renderer`
builds (strict undefined, autoescaped HTML, the da/en date filters).

Public versions: :func:`_visible` is the one place closed items lose their
content. It runs before any template sees the data, so no template, shipped or
a municipality's own, can print what a closed item says: the templates get
only its number and a ``redacted`` flag, and print "Lukket punkt".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
from markupsafe import Markup, escape

from caseflow.documents.config import DocumentsConfig, load_config
from caseflow.documents.model import AgendaDocument, ItemDocument, MinutesDocument, Section
from caseflow.errors import ErrorCode, InvalidInput
from caseflow.notifications.render import LANGUAGES, Language, Renderer
from caseflow.settings import default_templates_dir

Format = Literal["html", "pdf", "md"]
FORMATS: tuple[Format, ...] = get_args(Format)
Kind = Literal["item", "agenda", "minutes"]

_BLANK_LINES = re.compile(r"\n\s*\n")


def paragraphs(text: object) -> list[str]:
    """A text's paragraphs (split at blank lines), without empty ones."""
    return [p.strip() for p in _BLANK_LINES.split(str(text or "")) if p.strip()]


def linebreaks(text: object) -> Markup:
    """One paragraph for HTML, escaped, its single line breaks kept as ``<br>`` (an
    address, a list typed line by line, must not run together)."""
    lines = str(text or "").splitlines()
    return Markup("<br>\n").join(escape(line) for line in lines)


# In Markdown, a "<" or an entity would be raw HTML, and a line starting with "#"
# a heading: a backslash makes each literal again (CommonMark's escapes).
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MD_HEADING = re.compile(r"^(\s*)#", re.MULTILINE)


def md_text(text: object) -> str:
    """A block of user text for Markdown: no raw HTML, no forged heading."""
    escaped = _MD_ENTITY.sub(r"\\&", str(text or "").replace("<", "\\<"))
    return _MD_HEADING.sub(r"\1\\#", escaped)


def md_line(text: object) -> str:
    """User text on one Markdown line (a title, a name): a line break in it becomes a
    space, so it can never start a heading or a section of its own."""
    return md_text(" ".join(str(text or "").split()))


class DocumentRenderer:
    """Renders documents from ``templates_dir`` with the sections of ``config``."""

    def __init__(self, templates_dir: Path | None = None, config: DocumentsConfig | None = None):
        self.templates_dir = templates_dir or default_templates_dir()
        self.config = config or load_config()
        self.environment = Renderer(self.templates_dir).environment
        self.environment.filters["paragraphs"] = paragraphs
        self.environment.filters["linebreaks"] = linebreaks
        self.environment.filters["md_text"] = md_text
        self.environment.filters["md_line"] = md_line

    def item(
        self,
        doc: ItemDocument,
        fmt: Format = "html",
        language: Language = "da",
        *,
        public: bool = False,
    ) -> str | bytes:
        return self._render("item", fmt, language, {"item": self._view(doc, public, language)})

    def agenda(
        self,
        doc: AgendaDocument,
        fmt: Format = "html",
        language: Language = "da",
        *,
        public: bool = False,
    ) -> str | bytes:
        return self._render("agenda", fmt, language, self._meeting(doc, public, language))

    def minutes(
        self,
        doc: MinutesDocument,
        fmt: Format = "html",
        language: Language = "da",
        *,
        public: bool = False,
    ) -> str | bytes:
        values = self._meeting(doc.agenda, public, language)
        values |= {
            "absent": list(doc.absent),
            "approved_by": doc.approved_by,
            "approved_on": doc.approved_on,
        }
        return self._render("minutes", fmt, language, values)

    # -- the data the templates see

    def _meeting(self, doc: AgendaDocument, public: bool, language: str) -> dict[str, Any]:
        return {
            "meeting": {
                "committee_code": doc.committee_code,
                "committee_name": doc.committee_name,
                "start": doc.start,
                "place": doc.place,
                "version": doc.version,
            },
            "items": [self._view(item, public, language) for item in doc.items],
        }

    def _view(self, doc: ItemDocument, public: bool, language: str) -> dict[str, Any]:
        item = _visible(doc, public)
        head: list[dict[str, str]] = []
        body: list[dict[str, str]] = []
        for section in item.sections:
            spec = self.config.spec(section.key)
            entry = {
                "key": section.key,
                "heading": self._heading(section, language),
                "text": section.text,
            }
            (head if spec is not None and spec.placement == "head" else body).append(entry)
        decision = item.decision
        return {
            "redacted": public and doc.closed,
            "number": item.number,
            "title": item.title,
            "journal_no": item.journal_no,
            "closed": item.closed,
            "administration": item.administration,
            "summary": item.summary,
            "recommendations": list(item.recommendations),
            "decision": None
            if decision is None
            else {"text": decision.text, "date": decision.date, "committee": decision.committee},
            "absent": list(item.absent),
            "head": head,
            "body": body,
            "attachments": [{"title": a.title, "number": a.number} for a in item.attachments],
        }

    def _heading(self, section: Section, language: str) -> str:
        spec = self.config.spec(section.key)
        if spec is not None:
            return spec.title(language)
        return section.heading or section.key.replace("_", " ").capitalize()

    # -- templating

    def _render(
        self, kind: Kind, fmt: str, language: str, values: Mapping[str, Any]
    ) -> str | bytes:
        if fmt not in FORMATS:
            raise InvalidInput(f"no document format {fmt!r}; use one of {', '.join(FORMATS)}")
        if language not in LANGUAGES:
            raise InvalidInput(
                f"no document language {language!r}; use one of {', '.join(LANGUAGES)}"
            )
        suffix = "md" if fmt == "md" else "html"
        name = f"documents/{language}/{kind}.{suffix}.j2"
        try:
            text = self.environment.get_template(name).render(values)
        except TemplateNotFound as exc:
            raise InvalidInput(
                f"template {self.templates_dir / (exc.name or name)} does not exist; "
                "copy it from the templates shipped with caseflow"
            ) from exc
        except TemplateSyntaxError as exc:
            where = exc.filename or str(self.templates_dir / name)
            raise InvalidInput(f"{where}:{exc.lineno}: {exc.message}; fix the template") from exc
        except UndefinedError as exc:
            raise InvalidInput(f"{self.templates_dir / name}: {exc.message}") from exc
        if fmt == "md":
            return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
        if fmt == "pdf":
            return html_to_pdf(text, self.templates_dir)
        return text


def _visible(item: ItemDocument, public: bool) -> ItemDocument:
    """The item as a reader may see it: in a public version a closed item keeps its number only."""
    if not (public and item.closed):
        return item
    return ItemDocument(title="", journal_no="", number=item.number, closed=True)


def html_to_pdf(html: str, base: Path) -> bytes:
    """A4 PDF of an HTML document (WeasyPrint; needs Pango from the system)."""
    try:
        from weasyprint import HTML  # imported late: loading Pango takes a moment
    except (ImportError, OSError) as exc:  # OSError: the Pango library is missing
        raise InvalidInput(
            f"PDF output needs WeasyPrint and Pango ({exc}); install them "
            "(pip install weasyprint; apt-get install libpango-1.0-0 libpangoft2-1.0-0) "
            "or choose HTML or Markdown",
            code=ErrorCode.FORMAT_UNAVAILABLE,
            format="pdf",
        ) from exc
    pdf = HTML(string=html, base_url=str(base)).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf


@cache
def _default() -> DocumentRenderer:
    return DocumentRenderer()


def _renderer(renderer: DocumentRenderer | None) -> DocumentRenderer:
    return renderer or _default()


def render_item(
    doc: ItemDocument,
    fmt: Format = "html",
    language: Language = "da",
    public: bool = False,
    *,
    renderer: DocumentRenderer | None = None,
) -> str | bytes:
    """One item: ``str`` for html and md, ``bytes`` for pdf."""
    return _renderer(renderer).item(doc, fmt, language, public=public)


def render_agenda(
    doc: AgendaDocument,
    fmt: Format = "html",
    language: Language = "da",
    public: bool = False,
    *,
    renderer: DocumentRenderer | None = None,
) -> str | bytes:
    """A meeting's agenda: ``str`` for html and md, ``bytes`` for pdf."""
    return _renderer(renderer).agenda(doc, fmt, language, public=public)


def render_minutes(
    doc: MinutesDocument,
    fmt: Format = "html",
    language: Language = "da",
    public: bool = False,
    *,
    renderer: DocumentRenderer | None = None,
) -> str | bytes:
    """A meeting's minutes: ``str`` for html and md, ``bytes`` for pdf."""
    return _renderer(renderer).minutes(doc, fmt, language, public=public)
