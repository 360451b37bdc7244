"""Rendering: the example's structure, round trips, public versions, escaping, languages."""

from __future__ import annotations

import dataclasses
import html
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from caseflow.documents.config import load_config
from caseflow.documents.importer import ImportedItem, read_agenda_item
from caseflow.documents.model import (
    AgendaDocument,
    AttachmentRef,
    Decision,
    ItemDocument,
    MinutesDocument,
    Section,
    item_from_case,
)
from caseflow.documents.render import DocumentRenderer, render_agenda, render_item, render_minutes
from caseflow.documents.text import skeleton
from caseflow.domain import Attachment, Case, Origin, OriginKind
from caseflow.errors import DefinitionError, InvalidInput

DATA = Path(__file__).resolve().parents[1] / "data"
EXAMPLE = (DATA / "agenda-item-2009-68440-biu-item18.txt").read_text(encoding="utf-8")
CONFIG = load_config()
START = datetime(2009, 6, 11, 15, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))
SECRET = "HEMMELIGT-INDHOLD"


@pytest.fixture(scope="module")
def imported() -> ImportedItem:
    return read_agenda_item(EXAMPLE, CONFIG)


def as_text(markup: str) -> str:
    """What a reader sees of an HTML document: tags gone, entities decoded, spaces collapsed."""
    body = markup.split("<body>", 1)[-1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def norm(text: str) -> str:
    return " ".join(text.split())


def pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def closed_item(number: int = 19) -> ItemDocument:
    return ItemDocument(
        title=f"Salg af ejendom {SECRET}",
        journal_no="2015-99999",
        number=number,
        closed=True,
        administration=f"Forvaltning {SECRET}",
        summary=f"Resume {SECRET}",
        recommendations=(f"at {SECRET} godkendes.",),
        decision=Decision(f"Godkendt {SECRET}", date(2009, 6, 11), "Økonomiudvalget"),
        absent=(f"Medlem {SECRET}",),
        sections=(Section("problemstilling", f"Tekst {SECRET}"), Section("egen", SECRET, SECRET)),
        attachments=(AttachmentRef(f"Bilag {SECRET}", "2015-1"),),
    )


def agenda(imported: ImportedItem) -> AgendaDocument:
    return AgendaDocument(
        "BIU",
        "Beskæftigelses- og Integrationsudvalget",
        START,
        (imported.to_document(), closed_item()),
        place="Rådhuset, udvalgsværelse 1",
    )


# ------------------------------------------------------------------ structure


def test_an_item_in_html_has_the_structure_of_the_example(imported: ImportedItem) -> None:
    page = render_item(imported.to_document())
    assert isinstance(page, str)
    assert "@page" in page
    assert "counter(page)" in page
    assert "size: A4" in page
    text = as_text(page)
    order = [
        "18. Styring af de politiske processer i forbindelse med boligsociale helhedsplaner "
        "(2009-68440)",
        "Beskæftigelses- og Integrationsudvalget skal drøfte",
        "Indstilling og beslutning",
        "Beskæftigelses- og Integrationsforvaltningen indstiller,",
        "at Beskæftigelses- og Integrationsudvalget drøfter sagen.",
        "Problemstilling",
        "Løsning",
        "Økonomi",
        "Videre proces",
        "Bilag",
        "Nye procesmuligheder i forbindelse med de områdebaserede indsatser (2009-300035)",
    ]
    positions = [text.find(part) for part in order]
    assert -1 not in positions, [p for p, at in zip(order, positions, strict=True) if at == -1]
    assert positions == sorted(positions)
    assert '<ol class="recommendations">' in page


def test_the_decision_and_absent_members_follow_the_recommendations(
    imported: ImportedItem,
) -> None:
    doc = dataclasses.replace(
        imported.to_document(),
        decision=Decision("Udvalget drøftede sagen.", date(2009, 6, 11), "BIU"),
        absent=("Medlem A",),
    )
    text = as_text(str(render_item(doc)))
    a = text.index("drøfter sagen.")
    b = text.index("Beslutning i BIU den 11. juni 2009: Udvalget drøftede sagen.")
    c = text.index("Fraværende: Medlem A")
    assert a < b < c < text.index("Problemstilling")


# ----------------------------------------------------------------- round trip


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_render_of_import_keeps_every_section_and_recommendation(
    imported: ImportedItem, fmt: str
) -> None:
    out = str(render_item(imported.to_document(), fmt))  # type: ignore[arg-type]
    text = norm(as_text(out) if fmt == "html" else out)
    for section in imported.sections:
        for paragraph in section.text.split("\n\n"):
            assert norm(paragraph) in text, (section.key, paragraph[:60])
    for recommendation in imported.recommendations:
        assert recommendation in text
    assert imported.summary in text
    for attachment in imported.attachments:
        assert f"{attachment.title} ({attachment.number})" in text


def test_markdown_imports_back_to_the_same_item(imported: ImportedItem) -> None:
    doc = dataclasses.replace(
        imported.to_document(),
        decision=Decision("Udvalget drøftede sagen.", date(2009, 6, 11), "BIU"),
        absent=("Medlem A", "Medlem B"),
    )
    again = read_agenda_item(str(render_item(doc, "md")), CONFIG)
    assert again.to_document() == doc
    assert again.uncertain == ()


def test_a_damaged_import_renders_its_sections_back(imported: ImportedItem) -> None:
    from caseflow.documents.damage import all_damage

    damaged = read_agenda_item(all_damage(EXAMPLE, 5), CONFIG)
    text = skeleton(str(render_item(damaged.to_document(), "md")))
    for section in damaged.sections:
        assert skeleton(section.text) in text


# ------------------------------------------------------------ public versions


@pytest.mark.parametrize("fmt", ["html", "md"])
@pytest.mark.parametrize("language", ["da", "en"])
def test_a_closed_item_never_appears_in_a_public_agenda(
    imported: ImportedItem, fmt: str, language: str
) -> None:
    doc = agenda(imported)
    public = str(render_agenda(doc, fmt, language, True))  # type: ignore[arg-type]
    assert SECRET not in public
    assert "2015-99999" not in public
    assert ("19. Lukket punkt" if language == "da" else "19. Closed item") in as_text(public)
    assert "Styring af de politiske processer" in public  # the open item is all there
    internal = str(render_agenda(doc, fmt, language, False))  # type: ignore[arg-type]
    assert SECRET in internal


def test_a_closed_item_never_appears_in_public_minutes_or_alone(imported: ImportedItem) -> None:
    minutes = MinutesDocument(agenda(imported), ("Medlem C",), "Formanden", date(2009, 6, 12))
    for fmt in ("html", "md"):
        assert SECRET not in str(render_minutes(minutes, fmt, "da", True))  # type: ignore[arg-type]
        assert SECRET not in str(render_item(closed_item(), fmt, "da", True))  # type: ignore[arg-type]
    assert "Lukket punkt" in str(render_item(closed_item(), "md", "da", True))


def test_a_closed_item_never_appears_in_the_text_of_a_public_pdf(imported: ImportedItem) -> None:
    minutes = MinutesDocument(agenda(imported), ("Medlem C",), "Formanden", date(2009, 6, 12))
    public = render_minutes(minutes, "pdf", "da", True)
    assert isinstance(public, bytes)
    assert public.startswith(b"%PDF")
    text = pdf_text(public)
    assert SECRET not in text.replace(" ", "")
    assert "Lukket punkt" in text
    assert "Styring af de politiske processer" in text
    assert "Side 1 af" in text  # page numbers in the margin
    assert SECRET in pdf_text(render_minutes(minutes, "pdf", "da", False)).replace(" ", "")


# ------------------------------------------------------ escaping and languages


def test_html_escapes_what_users_typed() -> None:
    doc = ItemDocument(
        title="<script>alert(1)</script>",
        journal_no="2009-1",
        summary="a & b <b>fed</b>",
        sections=(Section("okonomi", "<img src=x onerror=alert(1)>"),),
    )
    page = str(render_item(doc))
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;" in page
    assert "<img" not in page
    assert "a &amp; b &lt;b&gt;fed&lt;/b&gt;" in page
    markdown = str(render_item(doc, "md"))
    assert re.search(r"(?<!\\)<", markdown) is None  # no raw HTML: every "<" escaped
    assert "\\<script>alert(1)\\</script>" in markdown  # the text, literal once rendered


def test_markdown_cannot_be_forged_by_a_title_or_a_section() -> None:
    doc = ItemDocument(
        title="Budget\n## Forfalsket punkt",
        journal_no="2009-1",
        number=3,
        sections=(Section("okonomi", "Linje et\n# Falsk overskrift\n&amp; mere"),),
    )
    markdown = str(render_item(doc, "md"))
    headings = [line for line in markdown.splitlines() if line.startswith("#")]
    assert headings == ["## 3. Budget ## Forfalsket punkt (2009-1)", "### Økonomi"]
    assert "\\# Falsk overskrift" in markdown
    assert "\\&amp; mere" in markdown


def test_line_breaks_inside_a_section_survive_in_html() -> None:
    doc = ItemDocument(
        title="Adresse",
        journal_no="2009-1",
        sections=(Section("okonomi", "Rådhuspladsen 1\n1550 København V\n\nNyt afsnit <b>"),),
    )
    page = str(render_item(doc))
    assert "<p>Rådhuspladsen 1<br>\n1550 København V</p>" in page
    assert "<p>Nyt afsnit &lt;b&gt;</p>" in page


def test_english_labels_and_dates(imported: ImportedItem) -> None:
    minutes = MinutesDocument(agenda(imported), ("Medlem C",), "the chair", date(2009, 6, 12))
    text = as_text(str(render_minutes(minutes, "html", "en")))
    for label in (
        "Minutes: Beskæftigelses- og Integrationsudvalget",
        "Meeting: 11 June 2009 at 15:00",
        "Recommendation and decision",
        "recommends",
        "Problem",
        "Solution",
        "Finances",
        "Next steps",
        "Attachments",
        "Absent: Medlem C",
        "Approved 12 June 2009 by the chair",
    ):
        assert label in text, label
    assert "Indstilling og beslutning" not in text
    danish = as_text(str(render_agenda(agenda(imported))))
    assert "Møde: 11. juni 2009 kl. 15.00" in danish


def test_a_meeting_time_without_a_zone_is_refused() -> None:
    with pytest.raises(InvalidInput, match="no time zone"):
        AgendaDocument("BIU", "BIU", datetime(2009, 6, 11, 15), ())


def test_an_unknown_format_or_language_is_refused() -> None:
    doc = ItemDocument(title="T", journal_no="2009-1")
    with pytest.raises(InvalidInput, match="format"):
        render_item(doc, "docx")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="language"):
        render_item(doc, "html", "de")  # type: ignore[arg-type]


def test_an_empty_agenda_says_so() -> None:
    doc = AgendaDocument("BIU", "Beskæftigelses- og Integrationsudvalget", START, ())
    assert "Der er ingen punkter på dagsordenen." in str(render_agenda(doc, "md"))


# --------------------------------------------------- municipal configuration


def test_a_municipality_adds_a_section_in_configuration(tmp_path: Path) -> None:
    config_file = tmp_path / "documents.yaml"
    config_file.write_text(
        "sections:\n"
        "  - key: borgerinddragelse\n"
        "    heading: {da: Borgerinddragelse, en: Public participation}\n"
        "    placement: head\n"
        "  - key: okonomi\n"
        "    heading: {da: Økonomiske konsekvenser, en: Financial consequences}\n"
        "    aliases: [Økonomi]\n",
        encoding="utf-8",
    )
    config = load_config(config_file)
    text = (
        "4. Ny park (2020-1234)\n\nEn park.\n\nBorgerinddragelse\nBorgerne er hørt.\n\n"
        "Indstilling\nForvaltningen indstiller,\n1. at parken anlægges.\n\n"
        "Økonomi\nIngen.\n"
    )
    item = read_agenda_item(text, config)
    assert [s.key for s in item.sections] == ["borgerinddragelse", "okonomi"]
    renderer = DocumentRenderer(config=config)
    out = as_text(str(renderer.item(item.to_document())))
    assert out.index("Borgerinddragelse Borgerne er hørt.") < out.index("Indstilling og beslutning")
    assert "Økonomiske konsekvenser Ingen." in out
    assert "Public participation" in as_text(str(renderer.item(item.to_document(), "html", "en")))


def test_a_bad_documents_file_names_file_and_line(tmp_path: Path) -> None:
    config_file = tmp_path / "documents.yaml"
    config_file.write_text(
        "sections:\n"
        "  - key: okonomi\n"
        "    heading: {da: Økonomi, en: Finances}\n"
        "  - key: okonomi\n"
        "    heading: {da: Økonomi, en: Finances}\n"
        "  - key: Bad Key\n"
        "    heading: {da: X}\n",
        encoding="utf-8",
    )
    with pytest.raises(DefinitionError) as error:
        load_config(config_file)
    message = str(error.value)
    assert f"{config_file}:6" in message or f"{config_file.resolve()}:6" in message
    assert "key" in message
    assert "en" in message


# ------------------------------------------------------------ from a case


def test_an_item_from_a_case_orders_sections_and_reads_the_decision() -> None:
    now = datetime(2009, 6, 11, tzinfo=UTC)
    case = Case(
        id=1,
        journal_no="2009-68440",
        title="Styring",
        workflow_id="committee-case",
        workflow_version="x",
        state="decided",
        version=3,
        origin=Origin(OriginKind.ENQUIRY),
        lead_administration="TMF",
        participating_administrations=["BIF"],
        committee="BIU",
        summary="Kort.",
        recommendations=["at udvalget drøfter sagen."],
        sections={"videre_proces": "D", "egen": "E", "problemstilling": "A", "okonomi": "C"},
        attachments=[Attachment("2009-300035", "Notat")],
        fields={
            "item_no": 18,
            "decision": "Drøftet.",
            "decision_date": "2009-06-11",
            "absent": ["Medlem A"],
            "section_headings": {"egen": "Egen overskrift"},
        },
        case_officer=None,
        created_at=now,
        updated_at=now,
        audit_head="",
    )
    doc = item_from_case(
        case, CONFIG, administration="Beskæftigelses- og Integrationsforvaltningen"
    )
    assert [s.key for s in doc.sections] == ["problemstilling", "okonomi", "videre_proces", "egen"]
    assert doc.number == 18
    assert doc.absent == ("Medlem A",)
    assert doc.decision == Decision("Drøftet.", date(2009, 6, 11), None)
    assert doc.attachments == (AttachmentRef("Notat", "2009-300035"),)
    assert "Egen overskrift" in str(render_item(doc, "md"))
