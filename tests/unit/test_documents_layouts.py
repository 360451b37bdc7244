"""The importer reads the layouts municipalities publish: each pattern of issue 21 with a
made-up item, the answer key of our layout files, journal-number forms, the JSON schema,
and render(import(x)) keeping every section."""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path
from types import ModuleType

import jsonschema
import pytest

from caseflow.documents.config import load_config
from caseflow.documents.importer import AgendaItemReader, ImportedItem
from caseflow.documents.inputs import html_text, pdf_text, read_items, split_items
from caseflow.documents.journal import read_journal
from caseflow.documents.render import DocumentRenderer
from caseflow.documents.schema import schema, schema_text
from caseflow.errors import InvalidInput

ROOT = Path(__file__).resolve().parents[2]
LAYOUTS = ROOT / "tests" / "data" / "layouts"
CONFIG = load_config()
READER = AgendaItemReader(CONFIG)


def read(text: str) -> ImportedItem:
    return READER.read(text)


def scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_score", ROOT / "bench/import_score.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ANSWERS = json.loads((LAYOUTS / "answers.json").read_text(encoding="utf-8"))["items"]


@pytest.mark.parametrize("entry", ANSWERS, ids=[e["layout"] for e in ANSWERS])
def test_every_layout_file_reads_as_its_answer_key_says(entry: dict[str, object]) -> None:
    item = read((LAYOUTS / str(entry["file"])).read_text(encoding="utf-8"))
    scores = scorer().field_scores(item, entry)
    assert all(scores.values()), {k: v for k, v in scores.items() if not v}


# -- 1. a meeting header above the item is meeting data, not the title

BODY = (
    "\n\nSagsfremstilling\nTeksten.\n\nIndstilling\nForvaltningen indstiller,\n"
    "1. at sagen godkendes.\n"
)


@pytest.mark.parametrize(
    ("header", "committee", "when"),
    [
        ("Mødedato: 3. februar 2020\nUdvalg: Byplanudvalget\n", "Byplanudvalget", date(2020, 2, 3)),
        ("onsdag den 11. marts 2020 kl. 09:00\nUdvalg: Teknikudvalget\n", "Teknikudvalget", None),
        ("Referat til mødet i Byrådet den 5. maj 2016\n", "Byrådet", date(2016, 5, 5)),
        ("Kulturudvalget\n\n", "Kulturudvalget", None),
        ("Kulturudvalget – Referat – 4. marts 2019\n", "Kulturudvalget", date(2019, 3, 4)),
    ],
    ids=[
        "date and committee lines",
        "weekday line",
        "referat til mødet",
        "committee alone",
        "dashes",
    ],
)
def test_a_meeting_header_is_kept_as_meeting_data(
    header: str, committee: str, when: date | None
) -> None:
    item = read(header + "\n4. Ny skolevej" + BODY)
    assert (item.number, item.title) == (4, "Ny skolevej")
    assert item.meeting is not None
    assert item.meeting.committee == committee
    if when is not None:
        assert item.meeting.date == when


# -- 2. item numbers in other forms


@pytest.mark.parametrize(
    ("heading", "number", "title"),
    [
        ("Pkt. 42 Ny skolevej", 42, "Ny skolevej"),
        ("Punkt 7: Ny skolevej", 7, "Ny skolevej"),
        ("Ny skolevej\nSag nr. 130", 130, "Ny skolevej"),
        ("12Ny skolevej", 12, "Ny skolevej"),
        ("3.Ny skolevej", 3, "Ny skolevej"),
        ("1.  1. Ny skolevej", 1, "Ny skolevej"),
        ("5.\nNy skolevej", 5, "Ny skolevej"),
    ],
)
def test_item_numbers_in_every_form(heading: str, number: int, title: str) -> None:
    item = read(heading + BODY)
    assert (item.number, item.title, item.journal_no) == (number, title, "")


# -- 3. journal numbers: label lines, forms, no OCR "repair" of clean text


@pytest.mark.parametrize(
    ("line", "number", "form"),
    [
        ("Sagsnr.: 330-2018-3619   Dok.nr.: 330-2018-500301   Åbent", "330-2018-3619", "kmd"),
        ("J.nr. 82014.0207/16", "82014.0207/16", "jnr"),
        ("Åbent - 00.22.00-G01-1-16", "00.22.00-G01-1-16", "kle"),
        ("Sagsid.: 20/33839, Sagsinitialer: AGVA", "20/33839", "short"),
        ("Sagsnr. 299835 Kultur- og Idrætsudvalget Åbent punkt", "299835", "bare"),
        ("Sagsnummer: 2015-004512", "2015-004512", "copenhagen"),
    ],
)
def test_journal_numbers_of_every_form_and_which_form(line: str, number: str, form: str) -> None:
    item = read("4. Ny skolevej\n\n" + line + BODY)
    assert (item.journal_no, item.journal_form) == (number, form)
    assert not any(u.field == "journal_no" for u in item.uncertain)
    assert not item.closed


@pytest.mark.parametrize(
    ("line", "number", "form"),
    [
        ("Sagsid.: 20/33839", "20/33839", "short"),
        ("Sagsnr.: 330-2016-89665", "330-2016-89665", "kmd"),  # KMD's, SBSYS's: not ours
        ("Sagsnr.: 00.22.00-G01-1-16", "00.22.00-G01-1-16", "kle"),
        ("J.nr.: 12345.6789/16", "12345.6789/16", "jnr"),
        ("018520-2013", "018520-2013", "serial_year"),  # on a line of its own
    ],
)
def test_a_journal_number_not_of_copenhagens_form_is_kept_as_the_source_reference(
    line: str, number: str, form: str
) -> None:
    new = read("4. Ny skolevej\n\n" + line + BODY).to_new_case()
    assert new.journal_no is None  # the case gets its own YYYY-NNNNN
    assert new.fields["source_reference"] == number
    assert new.fields["source_reference_form"] == form
    own = read("4. Ny skolevej\n\nSagsnr.: 2009-68440" + BODY).to_new_case()
    assert own.journal_no == "2009-68440"
    assert "source_reference" not in own.fields


def test_ocr_digits_are_restored_only_where_clean_digits_are_not_there() -> None:
    assert read_journal("2OO9-6844O") is not None
    found = read_journal("2OO9-6844O")
    assert found is not None
    assert (found.number, found.repaired_from) == ("2009-68440", "2OO9-6844O")
    clean = read_journal("330-2018-3619 Dok.nr.: 330-2018-500301")
    assert clean is not None
    assert (clean.number, clean.repaired_from) == ("330-2018-3619", None)


# -- 4. recommendations in every form; none from numbered body text


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("Det indstilles, at grunden sælges.", ["at grunden sælges."]),
        ("Indstilling\nSagen forelægges til orientering.", ["Sagen forelægges til orientering."]),
        (
            "Administrativ indstilling\nChefen indstiller, at\n • orienteringen drøftes.\n"
            " • sagen genoptages.",
            ["at orienteringen drøftes.", "at sagen genoptages."],
        ),
        (
            "Indstilling\nDirektøren indstiller, at:\n  1. dagsordenen godkendes\n"
            "  2. punkt 3 udsættes\nVurdering\nIngen.",
            ["at dagsordenen godkendes", "at punkt 3 udsættes"],
        ),
        (
            "Indstilling\nForvaltningen indstiller,\n1. at planen godkendes (ØU, KB),\n"
            "2. at arbejdet går i gang.",
            ["at planen godkendes,", "at arbejdet går i gang."],
        ),
    ],
    ids=["det indstilles", "a sentence", "bullets after indstiller at", "infinitives", "routing"],
)
def test_recommendations_in_every_form(block: str, expected: list[str]) -> None:
    item = read("4. Ny skolevej\n\nSagsfremstilling\nTeksten.\n\n" + block + "\n\nBilag\nIngen\n")
    assert list(item.recommendations) == expected
    assert all("Vurdering" not in r for r in item.recommendations)


def test_the_routing_in_brackets_is_read_as_routing() -> None:
    item = read(
        "4. Ny skolevej\n\nIndstilling\nForvaltningen indstiller,\n1. at planen godkendes "
        "(ØU, KB).\n\nSagsfremstilling\nTeksten.\n"
    )
    assert item.recommendations == ("at planen godkendes.",)
    assert item.routing == ("ØU, KB",)


def test_numbered_body_text_is_never_a_recommendation() -> None:
    item = read(
        "4. Ny skolevej\n\nIndstilling\nForvaltningen indstiller,\n1. at planen godkendes.\n\n"
        "Sagsfremstilling\nPlanen har to etaper:\n1. Etape et langs Søvej,\n2. Etape to.\n\n"
        "Møderne holdes:\n9. marts 2021\n16. marts 2021\n\n1. etape er den dyreste.\n"
    )
    assert item.recommendations == ("at planen godkendes.",)


# -- 5. decision headings


@pytest.mark.parametrize(
    ("heading", "committee", "when"),
    [
        ("Beslutning i Økonomiudvalget den 5. maj 2016:", "Økonomiudvalget", date(2016, 5, 5)),
        (
            "Beslutning Teknik- og Miljøudvalget den 11-08-2021",
            "Teknik- og Miljøudvalget",
            date(2021, 8, 11),
        ),
        (
            "Økonomiudvalgets beslutning i mødet den femte maj 2016",
            "Økonomiudvalget",
            date(2016, 5, 5),
        ),
        (
            "Kultur- og Idrætsudvalget, 03-04-2019, pkt. 42",
            "Kultur- og Idrætsudvalget",
            date(2019, 4, 3),
        ),
    ],
)
def test_decision_headings_of_every_form(heading: str, committee: str, when: date) -> None:
    item = read(
        f"4. Ny skolevej\n\n{heading}\nGodkendt.\n\nIndstilling\nForvaltningen "
        "indstiller,\n1. at sagen godkendes.\n\nSagsfremstilling\nTeksten.\n"
    )
    assert item.decision is not None
    assert (item.decision.text, item.decision.committee, item.decision.date) == (
        "Godkendt.",
        committee,
        when,
    )
    assert item.recommendations == ("at sagen godkendes.",)  # the decision came first


def test_a_case_type_line_is_no_decision() -> None:
    item = read("4. Ny skolevej\n\nSagsgang og sagstype\nUdvalget\nBeslutningssag\n" + BODY)
    assert item.decision is None
    assert [s.key for s in item.sections] == ["sagsgang_og_sagstype", "sagsfremstilling"]


# -- 6. absence


@pytest.mark.parametrize(
    ("lines", "absent", "decision"),
    [
        (
            "Fraværende: \nGodkendt, og sagen sendes videre.",
            [],
            "Godkendt, og sagen sendes videre.",
        ),
        ("Fraværende: Anne Berg (A) Godkendt.", ["Anne Berg (A)"], "Godkendt."),
        ("Godkendt.\n\nAfbud: Claus Holm (Løsgænger)", ["Claus Holm (Løsgænger)"], "Godkendt."),
        ("Godkendt.\n\nJens Bo og Eva Lund var fraværende.", ["Jens Bo", "Eva Lund"], "Godkendt."),
        ("Godkendt.\nJens Bo var forhindret i at deltage.", ["Jens Bo"], "Godkendt."),
        ("Godkendt.\n\nIkke til stede: Mikkel Lund (C)", ["Mikkel Lund (C)"], "Godkendt."),
    ],
)
def test_absence_in_every_form(lines: str, absent: list[str], decision: str) -> None:
    item = read("4. Ny skolevej\n\nBeslutning i Byrådet den 5. maj 2016:\n" + lines + "\n" + BODY)
    assert list(item.absent) == absent
    assert item.decision is not None
    assert item.decision.text.startswith(decision)


# -- 7. headings nobody configured are sections of their own

UNKNOWN = [
    "Baggrund",
    "Retligt grundlag",
    "Handlemuligheder",
    "Vurdering",
    "Økonomiske og personalemæssige konsekvenser",
    "Konsekvenser for andre udvalg",
    "Retsregler",
    "Høring",
    "Effekt",
    "Sagens kerne",
]


def test_unknown_headings_start_sections_of_their_own_and_nothing_is_lost() -> None:
    body = "".join(f"{h}\nTekst under {h.lower()}.\n" for h in UNKNOWN)
    item = read(
        "4. Ny skolevej\n\nSagsfremstilling\nTeksten.\n" + body + "Indstilling\n"
        "Forvaltningen indstiller,\n1. at sagen godkendes.\n"
    )
    sections = {s.heading or s.key: s.text for s in item.sections}
    assert list(sections) == ["sagsfremstilling", *UNKNOWN]
    for heading in UNKNOWN:
        assert sections[heading] == f"Tekst under {heading.lower()}."
    assert item.recommendations == ("at sagen godkendes.",)


# -- 8. attachments given as file names


def test_attachments_given_as_file_names() -> None:
    item = read(
        "4. Ny skolevej\n\nNotat_1.pdf Kort over vejen.pdf\n"
        + BODY
        + "\nBilag\n • Tegning af skolevej.docx\n"
    )
    assert [(a.title, a.number) for a in item.attachments] == [
        ("Notat_1.pdf", ""),
        ("Kort over vejen.pdf", ""),
        ("Tegning af skolevej.docx", ""),
    ]


# -- the JSON schema, render(import(x)), more inputs


def test_the_shipped_schema_is_the_generated_one_and_every_item_fits_it() -> None:
    shipped = (ROOT / "docs" / "schema" / "imported-item.schema.json").read_text(encoding="utf-8")
    assert shipped == schema_text()
    for path in sorted(LAYOUTS.glob("*.txt")):
        jsonschema.validate(read(path.read_text(encoding="utf-8")).to_json(), schema())


@pytest.mark.parametrize("path", sorted(LAYOUTS.glob("*.txt")), ids=lambda p: p.stem)
def test_render_of_import_keeps_every_section(path: Path) -> None:
    item = read(path.read_text(encoding="utf-8"))
    rendered = DocumentRenderer(config=CONFIG).item(item.to_document(), "md", "da")
    assert isinstance(rendered, str)
    for section in item.sections:
        spec = CONFIG.spec(section.key)
        heading = spec.title("da") if spec else section.heading or section.key
        assert heading in rendered, section.key
        assert " ".join(section.text.split()[:4]) in " ".join(rendered.split()), section.key


def test_an_html_agenda_gives_every_item_with_the_meeting() -> None:
    html = (
        "<html><head><title>x</title><script>var a;</script></head><body>"
        "<h1>Teknikudvalget</h1><p>Mødedato: 3. februar 2020</p>"
        "<h2>1. Godkendelse af dagsorden</h2><h3>Indstilling</h3><p>Formanden indstiller,</p>"
        "<ol><li>at dagsordenen godkendes</li></ol><h3>Beslutning</h3><p>Godkendt.</p>"
        "<h2>2. Ny skolevej</h2><p>Sagsnr.: 20/1234</p><h3>Sagsfremstilling</h3><p>Teksten.</p>"
        "<h3>Indstilling</h3><p>Forvaltningen indstiller, at vejen anlægges.</p>"
        "<h3>Beslutning</h3><p>Godkendt.</p></body></html>"
    )
    items = read_items(html_text(html), READER)
    assert [(i.number, i.title) for i in items] == [
        (1, "Godkendelse af dagsorden"),
        (2, "Ny skolevej"),
    ]
    assert items[0].recommendations == ("at dagsordenen godkendes",)
    assert items[1].journal_no == "20/1234"
    assert all(i.meeting is not None and i.meeting.date == date(2020, 2, 3) for i in items)


def test_a_table_of_contents_is_not_split_into_items() -> None:
    text = "PUNKTER\n1. Godkendelse\n2. Ny skolevej\n\n1. Godkendelse\n" + BODY
    _meeting, chunks = split_items(text)
    assert len(chunks) == 1


def test_a_pdf_of_an_item_imports_back_to_the_same_item() -> None:
    item = read((ROOT / "tests/data/agenda-item-2009-68440-biu-item18.txt").read_text("utf-8"))
    pdf = DocumentRenderer(config=CONFIG).item(item.to_document(), "pdf", "da")
    assert isinstance(pdf, bytes)
    (again,) = read_items(pdf_text(pdf), READER)
    assert (again.number, again.title, again.journal_no) == (item.number, item.title, "2009-68440")
    assert again.recommendations == item.recommendations
    assert [s.key for s in again.sections] == [s.key for s in item.sections]
    assert [(a.number, a.title) for a in again.attachments] == [
        (a.number, a.title) for a in item.attachments
    ]


def test_a_pdf_without_a_text_layer_is_refused_clearly() -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    import io

    data = io.BytesIO()
    writer.write(data)
    with pytest.raises(InvalidInput, match="no text layer"):
        pdf_text(data.getvalue(), "scan.pdf")


def test_the_schema_names_every_journal_form_the_reader_can_give() -> None:
    from typing import get_args

    from caseflow.documents.journal import FORMS
    from caseflow.documents.schema import JournalForm

    assert {name for name, _ in FORMS} | {"other"} == set(get_args(JournalForm))


@pytest.mark.parametrize(
    ("line", "number", "title"),
    [
        ("1 : Godkendelse af dagsorden", 1, "Godkendelse af dagsorden"),
        ("4  Åbent         Nye åbningstider", 4, "Nye åbningstider"),
        ("3 (Åben) Lokalplan 367", 3, "Lokalplan 367"),
        ("• 1 Økonomisk ledelsesinformation", 1, "Økonomisk ledelsesinformation"),
    ],
)
def test_item_headings_with_a_colon_a_status_or_a_bullet(
    line: str, number: int, title: str
) -> None:
    from caseflow.documents.layout import ItemHeading, item_heading

    assert item_heading(line) == ItemHeading(number, title)


@pytest.mark.parametrize("line", ["1 Økonomisk ledelsesinformation", "14:30 Frokost", "2 at vejen"])
def test_a_number_before_text_without_a_mark_or_bullet_is_no_item_heading(line: str) -> None:
    from caseflow.documents.layout import item_heading

    assert item_heading(line) is None


def test_a_header_table_without_colons_is_meeting_data_with_who_was_absent() -> None:
    from caseflow.documents.layout import Meeting, read_meeting_line

    meeting = Meeting()
    lines = [
        "Referat",
        "onsdag den 1. september 2021 kl. 17:00",
        "Udvalg Byrådet",
        "Mødedeltagere Anna Holm, Bo Krag Fraværende Jakob Ekberg, N. J. Ottesen",
        "Bemærkninger",
    ]
    assert all(read_meeting_line(line, meeting) for line in lines)
    assert (meeting.committee, meeting.absent) == ("Byrådet", ["Jakob Ekberg", "N. J. Ottesen"])


def test_a_header_absence_ends_with_its_first_sentence() -> None:
    from caseflow.documents.layout import absent_names

    remark = "Lone Langballe. Åse Kubel Høeg forlod mødet kl. 16.35 efter sag 40."
    assert absent_names(remark) == ["Lone Langballe"]
    assert absent_names("Ingen") == []
    assert absent_names("N. J. Ottesen og Jakob Ekberg") == ["N. J. Ottesen", "Jakob Ekberg"]


def test_a_heading_glued_to_its_text_is_set_apart_and_no_attachments_means_none() -> None:
    item = read(
        "1. Godkendelse\n\nBilagIngen bilag.\nBeslutningGodkendt.\nFraværende- Jens Mørk ()"
    )
    assert item.decision is not None
    assert item.decision.text == "Godkendt."
    assert item.attachments == ()
    assert item.absent == ("Jens Mørk",)


def test_a_tables_row_label_above_its_amount_is_no_heading() -> None:
    body = "\n\nSagsfremstilling\n\nBevillingen:\nUdgift\n2.000.000 kr.\nIndtægt\n1.000.000 kr.\n"
    item = read("4. Ny skolevej" + body + BODY)
    assert [s.key for s in item.sections] == ["sagsfremstilling"]
    assert "Indtægt 1.000.000 kr." in item.sections[0].text


# -- the layouts the real corpus read worst: bulleted items, flattened PDFs, tables


def test_a_list_of_items_whose_bullets_the_cleaning_took_away_keeps_number_and_title() -> None:
    item = read((LAYOUTS / "punktliste-web.txt").read_text(encoding="utf-8"))
    assert (item.number, item.title) == (4, "Tilskud til sommerkoncerter i byparken")
    assert item.meeting is not None
    assert item.meeting.committee == "Kulturudvalget"


def test_an_entry_a_blank_line_breaks_goes_on_in_lower_case() -> None:
    from caseflow.documents.fields import read_recommendations

    lines = ["Kulturchefen foreslår,", "", "at udvalget bevilger 5.000 kr. fra den 3.", ""]
    read = read_recommendations([(t, False) for t in [*lines, "juli 2023.", "", "at B sker."]])
    assert read.entries == ["at udvalget bevilger 5.000 kr. fra den 3. juli 2023.", "at B sker."]


def test_a_header_fields_sentence_wrapped_onto_the_next_line_is_no_title() -> None:
    item = read(
        "Referat\n\nFraværende: Mette Skov. Jonas Holm kom kl. 17.10 under\n"
        "behandlingen af punkt 2.\n\n4. Ny skolevej" + BODY
    )
    assert (item.number, item.title, item.absent) == (4, "Ny skolevej", ("Mette Skov",))


@pytest.mark.parametrize(
    ("line", "pieces"),
    [
        ("2 Side Ø Budget 2012 Sagsfremstilling", ["Budget 2012 Sagsfremstilling"]),
        (
            "5 Solbjerg Kommune Dato Side Teknik- og Miljøudvalget Nyt tag",
            ["Teknik- og Miljøudvalget", "", "Nyt tag"],
        ),
        ("3 Side i Til orientering - for åbne døre 14. Status", ["14. Status"]),
        ("3 sider med bilag er vedlagt", ["3 sider med bilag er vedlagt"]),
        ("Side 2 af 4", ["Side 2 af 4"]),
    ],
    ids=["section letter", "municipality and committee", "agenda part", "a sentence", "footer"],
)
def test_a_pdf_pages_head_is_taken_from_the_line_it_stands_before(
    line: str, pieces: list[str]
) -> None:
    from caseflow.documents.layout import without_page_mark

    assert without_page_mark(line) == pieces


def test_a_numbered_title_over_a_label_block_is_an_item_even_without_headings() -> None:
    item = read(
        "12. Status på vinterberedskabet\nSagsnr.: 21/4410\nÅben sag\n\nSaltet slap ikke op."
    )
    assert (item.number, item.journal_no, item.summary) == (12, "21/4410", "Saltet slap ikke op.")
    with pytest.raises(InvalidInput, match="does not look like an agenda item"):
        read("12. Status på vinterberedskabet\n\nSaltet slap ikke op.")


def test_a_flattened_meeting_header_gives_its_committee_and_date_and_no_false_names() -> None:
    from caseflow.documents.layout import absent_names, danish_date

    item = read((LAYOUTS / "pdf-flad-kort.txt").read_text(encoding="utf-8"))
    assert item.meeting is not None
    assert (item.meeting.committee, item.meeting.date) == ("Økonomiudvalget", date(2004, 3, 9))
    assert item.absent == ()
    assert absent_names("Tirsdag den 9-marts-2004 Rådhusets mødesal") == []
    assert absent_names("Anna Holm (til kl. 18), sag 12-14") == ["Anna Holm (til kl. 18)"]
    assert danish_date("15-maj-2002") == date(2002, 5, 15)


def test_a_label_line_below_a_heading_is_read_and_the_text_after_it_kept() -> None:
    item = read(
        "4. Ny skolevej\n\nSagsfremstilling\nTeksten.\nSagsnr.: 2020-12345\nMere tekst.\n"
        "\nIndstilling\nForvaltningen indstiller,\n1. at sagen godkendes.\n"
    )
    assert item.journal_no == "2020-12345"
    assert item.sections[0].text == "Teksten.\n\nMere tekst."


def test_a_run_of_three_short_lines_is_a_tables_cells_and_none_of_them_a_heading() -> None:
    from caseflow.documents.layout import in_table

    def cells(lines: list[str]) -> set[int]:
        return {index for index in range(len(lines)) if in_table(lines, index)}

    lines = ["Tilskuddet:", "", "Anlæg", "Drift", "Beløbet fordeles på årene", "2026", ""]
    assert cells([*lines, "Høring", "Ingen", "", "Vurdering", "Teksten."]) == {2, 3, 4, 5}
    assert cells(["Sagsgang og sagstype", "Udvalget", "Beslutningssag", ""]) == set()
    assert cells(["Kommunen brugte", "i alt", "Vurdering", "4.000 kr."]) == set()
    assert cells(["Udgift", "Indtægt", "Rådighedsbeløb fordeles således", "", "2014"]) == {0, 1, 2}
    item = read(
        "4. Ny skolevej\n\nSagsfremstilling\n"
        + "\n".join(lines)
        + "\nHøring\nIngen\n\nVurdering\nTeksten.\n"
        + BODY
    )
    assert [s.key for s in item.sections] == ["sagsfremstilling", "horing", "vurdering"]


@pytest.mark.parametrize("remark", ["Omdeles på mødet", "Fortegnelse sendes via mail"])
def test_a_remark_on_where_the_attachments_are_is_no_attachment(remark: str) -> None:
    item = read("4. Ny skolevej" + BODY + f"\nBilag:\n\n{remark}\n\nBeslutning\nGodkendt.\n")
    assert item.attachments == ()
    assert any(remark in u.reason for u in item.uncertain if u.field == "attachments")
    kept = read("4. Ny skolevej" + BODY + "\nBilag\nNotat om omdelingen af aviser\n")
    assert [a.title for a in kept.attachments] == ["Notat om omdelingen af aviser"]


def test_a_heading_right_under_an_empty_heading_is_a_section_of_its_own() -> None:
    item = read((LAYOUTS / "underoverskrifter-web.txt").read_text(encoding="utf-8"))
    history = next(s for s in item.sections if s.key == "historik")
    assert (history.heading, history.text[:13]) == ("Historik", "Byrådet afsat")
    assert any(u.field == "sections.sagsfremstilling" for u in item.uncertain)
    # a short text under a heading is its text, not a heading
    plain = read("4. Ny skolevej\n\nØkonomi\n\nIngen udgifter\n\nBaggrund\n\nKort." + BODY)
    assert [(s.key, s.text) for s in plain.sections][:2] == [
        ("okonomi", "Ingen udgifter"),
        ("baggrund", "Kort."),
    ]


def test_a_flattened_pdfs_page_number_after_the_last_sentence_is_no_text() -> None:
    from caseflow.documents.reader import _PAGE_FOOTER

    item = read((LAYOUTS / "pdf-flad-sidehoved.txt").read_text(encoding="utf-8"))
    assert item.decision is not None
    assert item.decision.text == "Indstillingen tiltrådt."
    assert _PAGE_FOOTER.sub("", "Dok.nr.: 5 Sagsnr. 12") == "Dok.nr.: 5 Sagsnr. 12"
