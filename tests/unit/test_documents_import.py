"""The importer reads the real example field by field, damaged copies of it, and
other municipalities' variants; a file that is not an agenda item is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from caseflow.documents import damage
from caseflow.documents.config import load_config
from caseflow.documents.importer import ImportedItem, administration_code, read_agenda_item
from caseflow.documents.text import similarity, skeleton
from caseflow.errors import InvalidInput

DATA = Path(__file__).resolve().parents[1] / "data"
EXAMPLE = (DATA / "agenda-item-2009-68440-biu-item18.txt").read_text(encoding="utf-8")
CONFIG = load_config()


def read(text: str) -> ImportedItem:
    return read_agenda_item(text, CONFIG)


@pytest.fixture(scope="module")
def example() -> ImportedItem:
    return read(EXAMPLE)


def test_the_example_reads_field_by_field(example: ImportedItem) -> None:
    assert example.number == 18
    assert example.title == (
        "Styring af de politiske processer i forbindelse med boligsociale helhedsplaner"
    )
    assert example.journal_no == "2009-68440"  # split across two lines in the file
    assert example.administration == "Beskæftigelses- og Integrationsforvaltningen"
    assert example.summary.startswith("Beskæftigelses- og Integrationsudvalget skal drøfte")
    assert example.summary.endswith("Landsbyggefondens boligsociale helhedsplaner.")
    assert example.recommendations == ("at Beskæftigelses- og Integrationsudvalget drøfter sagen.",)
    assert example.decision is None
    assert not example.closed
    assert [s.key for s in example.sections] == [
        "problemstilling",
        "losning",
        "okonomi",
        "videre_proces",
    ]
    text = {s.key: s.text for s in example.sections}
    assert text["problemstilling"].startswith("Et medlem af Beskæftigelses- og")
    assert text["problemstilling"].endswith("Teknik- og Miljøudvalget den 13. maj 2009.")
    assert text["problemstilling"].count("\n\n") == 2  # three paragraphs
    assert "styrkes igennem:" in text["losning"]
    assert "(jf. bilag 1, s:2)" in text["losning"]
    assert text["losning"].endswith("14,5 mio. kroner i medfinansiering i perioden 2007-2013.")
    assert "større synergi og sammenhæng" in text["losning"]  # the stray bullet is gone
    assert text["okonomi"] == (
        "Udmøntningen af ovenstående anbefalingerne forventes ikke at have økonomiske "
        "konsekvenser i 2009."
    )
    assert text["videre_proces"].startswith("Teknik- og Miljøforvaltningen gennemførte i 2008")
    assert [(a.number, a.title) for a in example.attachments] == [
        ("2009-300035", "Nye procesmuligheder i forbindelse med de områdebaserede indsatser")
    ]
    assert example.uncertain == ()


def test_the_example_becomes_a_new_committee_case(example: ImportedItem) -> None:
    new = example.to_new_case(lead_administration="BIF", committee="BIU")
    assert new.workflow_id == "committee-case"
    assert new.journal_no == "2009-68440"
    assert set(new.sections) == {"problemstilling", "losning", "okonomi", "videre_proces"}
    assert list(new.recommendations) == list(example.recommendations)
    assert list(new.attachments) == [
        {
            "number": "2009-300035",
            "title": "Nye procesmuligheder i forbindelse med de områdebaserede indsatser",
        }
    ]
    assert new.fields["item_no"] == 18
    assert new.fields["recommending_administration"].startswith("Beskæftigelses-")


DAMAGE: dict[str, Callable[[str], str]] = {
    "æøå as ae, oe, aa": lambda t: damage.strip_danish_letters(t, "digraphs"),
    "æøå as a, o, a": lambda t: damage.strip_danish_letters(t, "plain"),
    "æøå lost as ?": lambda t: damage.strip_danish_letters(t, "lost"),
    "1 for i": damage.swap_i_and_1,
    "words split across lines": damage.split_words,
    "stray bullets": damage.stray_bullets,
    **{
        f"everything at once ({seed})": lambda t, s=seed: damage.all_damage(t, s)
        for seed in range(6)
    },  # type: ignore[misc]
}


@pytest.mark.parametrize("kind", DAMAGE)
def test_damaged_copies_still_import(kind: str, example: ImportedItem) -> None:
    damaged_text = DAMAGE[kind](EXAMPLE)
    assert damaged_text != EXAMPLE
    item = read(damaged_text)
    assert item.number == 18
    assert item.journal_no == "2009-68440"
    assert skeleton(item.title) == skeleton(example.title)
    assert [s.key for s in item.sections] == [s.key for s in example.sections]
    for got, want in zip(item.sections, example.sections, strict=True):
        assert similarity(skeleton(got.text), skeleton(want.text)) > 0.97, got.key
    assert len(item.recommendations) == 1
    assert skeleton(item.recommendations[0]).startswith("at besk")
    assert administration_code(item.administration, {"BIF": example.administration}) == "BIF"
    assert [a.number for a in item.attachments] == ["2009-300035"]


def test_lost_letters_and_fuzzy_headings_are_reported() -> None:
    item = read(damage.strip_danish_letters(EXAMPLE, "lost"))
    fields = {u.field for u in item.uncertain}
    assert {"sections.losning", "sections.okonomi", "summary"} <= fields
    reasons = " ".join(u.reason for u in item.uncertain)
    assert "'L?sning' read as 'Løsning'" in reasons


def test_1_for_i_is_repaired_and_reported() -> None:
    item = read(EXAMPLE.replace("Problemstilling", "Problemst1lling").replace(" i regi", " 1 regi"))
    text = {s.key: s.text for s in item.sections}
    assert "1 regi" not in text["problemstilling"]
    assert "i regi af Landsbygge fonden" in text["problemstilling"]
    assert any(u.field == "sections.problemstilling" for u in item.uncertain)


def test_a_word_split_across_lines_is_joined_but_a_compound_hyphen_stays() -> None:
    text = EXAMPLE.replace("udvalgsmødet", "udvalgs-\nmødet")
    problem = read(text).sections[0].text
    assert "udvalgsmødet" in problem
    assert "Beskæftigelses- og Integrationsudvalget" in problem


def test_a_variant_with_sagsnr_kompetence_beslutning_and_fravaerende() -> None:
    item = read((DATA / "agenda-item-variant-sagsnr.txt").read_text(encoding="utf-8"))
    assert (item.number, item.journal_no) == (3, "330-2016-89665")
    assert item.title == "Forslag til lokalplan for Søndre Havn"
    assert item.administration == "By- og Kulturforvaltningen"
    assert item.recommendations == (
        "at forslaget til lokalplan godkendes,",
        "at forslaget sendes i offentlig høring i 8 uger.",
    )
    assert item.decision is not None
    assert item.decision.text == "Godkendt."
    assert item.decision.committee == "Økonomiudvalget"
    assert item.decision.date == date(2016, 5, 5)
    assert item.absent == ("Jens Jensen", "Hanne Hansen")
    sections = {s.key: s.text for s in item.sections}
    assert list(sections) == [
        "kompetence",
        "beslutningstema",
        "resume",
        "sagsfremstilling",
        "okonomi",
    ]
    assert sections["kompetence"] == "Økonomiudvalget"
    assert sections["okonomi"].startswith("Forslaget har ingen")  # "Økonomiske konsekvenser"
    assert [(a.number, a.title) for a in item.attachments] == [
        ("330-2016-90001", "Forslag til lokalplan"),
        ("330-2016-90002", "Høringsnotat"),
    ]
    assert not item.closed
    assert item.uncertain == ()


def test_a_closed_variant_with_unnumbered_recommendation() -> None:
    item = read((DATA / "agenda-item-variant-closed.txt").read_text(encoding="utf-8"))
    assert (item.number, item.journal_no, item.closed) == (7, "2015-004512", True)
    assert item.administration == "Direktionen"
    assert item.recommendations == ("at Økonomiudvalget godkender salget.",)
    assert item.decision is not None
    assert item.decision.date is None
    assert item.absent == ("Peter Petersen",)
    assert [s.key for s in item.sections] == ["resume", "sagsfremstilling", "okonomi"]
    assert {u.field for u in item.uncertain} == {"recommendations"}


def test_a_decision_date_and_committee_in_copenhagen_form() -> None:
    text = EXAMPLE.replace(
        "1. at Beskæftigelses- og Integrationsudvalget drøfter sagen.  \n",
        "1. at Beskæftigelses- og Integrationsudvalget drøfter sagen.\n\n"
        "Beslutning i Beskæftigelses- og Integrationsudvalget den 11. juni 2009:\n"
        "Udvalget drøftede sagen.\n\nFraværende: Medlem A og Medlem B\n",
    )
    item = read(text)
    assert item.decision is not None
    assert item.decision.date == date(2009, 6, 11)
    assert item.decision.text == "Udvalget drøftede sagen."
    assert item.absent == ("Medlem A", "Medlem B")
    assert len(item.recommendations) == 1


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Kære Jens\n\nTak for dit brev af 3. maj. Vi vender tilbage.\n\nVenlig hilsen\nBIF\n",
        (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8"),
        "18. En titel (2009-68440)\n\nKun et resume, ingen overskrifter.\n",
        "Problemstilling\nnoget\n\nLøsning\nnoget andet\n",  # headings but no title
        "\x00\x01PK binary",
    ],
    ids=["empty", "a letter", "the README", "title only", "no title", "binary"],
)
def test_a_file_that_is_not_an_agenda_item_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"(does not look like an agenda item|binary)"):
        read(text)


def test_json_has_every_field_and_the_uncertainties(example: ImportedItem) -> None:
    data = read(damage.strip_danish_letters(EXAMPLE, "lost")).to_json()
    assert set(data) == {
        *("number", "title", "journal_no", "closed", "administration", "summary"),
        *("recommendations", "decision", "absent", "sections", "attachments", "uncertain"),
        *("journal_form", "routing", "meeting"),
    }
    assert data["uncertain"]
    assert all(
        set(u) in ({"field", "reason"}, {"field", "reason", "original", "repaired"})
        for u in data["uncertain"]
    )
    assert example.to_json()["sections"][0]["key"] == "problemstilling"
