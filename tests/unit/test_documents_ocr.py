"""OCR repair: damage applied to our clean items is repaired back in every field, each
repair is reported with both spellings, and clean text is never changed."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseflow.documents import damage, ocr
from caseflow.documents.config import load_config
from caseflow.documents.importer import AgendaItemReader, ImportedItem
from caseflow.documents.text import similarity, skeleton

DATA = Path(__file__).resolve().parents[1] / "data"
# A PDF's text run together on one line (pdf-flad) is a layout of its own, not scan damage.
FILES = [
    DATA / "agenda-item-2009-68440-biu-item18.txt",
    *sorted(p for p in (DATA / "layouts").glob("*.txt") if not p.stem.startswith("pdf-flad")),
]
READER = AgendaItemReader(load_config())


def fields(item: ImportedItem) -> dict[str, str]:
    """Every text field of an item, by the name the importer reports it under."""
    values = {
        "title": item.title,
        "administration": item.administration,
        "summary": item.summary,
        "decision.text": item.decision.text if item.decision else "",
    }
    values.update({f"recommendations.{i}": r for i, r in enumerate(item.recommendations)})
    values.update({f"sections.{s.key}": s.text for s in item.sections})
    return values


LETTERS: dict[str, Callable[[str], str]] = {
    "æøå lost as ?": lambda t: damage.strip_danish_letters(t, "lost"),
    "æøå as ae, oe, aa": lambda t: damage.strip_danish_letters(t, "digraphs"),
}


@pytest.mark.parametrize("kind", LETTERS)
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_lost_letters_are_repaired_back_in_every_field(kind: str, path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    clean, repaired = READER.read(text), READER.read(LETTERS[kind](text))
    want, got = fields(clean), fields(repaired)
    assert list(got) == list(want)
    for name, value in want.items():
        # a word whose first letter was lost may come back lower case (a name: "Åvej")
        assert got[name].casefold() == value.casefold(), name
    reported = [u for u in repaired.uncertain if u.original is not None]
    assert reported
    assert all(u.original != u.repaired for u in reported)


def test_the_title_administration_and_recommendation_are_repaired_and_reported() -> None:
    text = damage.strip_danish_letters(FILES[0].read_text(encoding="utf-8"), "lost")
    item = READER.read(text)
    assert item.title.startswith("Styring af de politiske processer")
    assert item.administration == "Beskæftigelses- og Integrationsforvaltningen"
    assert item.recommendations == ("at Beskæftigelses- og Integrationsudvalget drøfter sagen.",)
    repaired = {(u.field, u.original, u.repaired) for u in item.uncertain}
    assert ("recommendations", "Besk?ftigelses", "Beskæftigelses") in repaired
    assert ("recommendations", "dr?fter", "drøfter") in repaired


def test_plain_letters_for_æøå_are_repaired_where_the_word_list_is_sure() -> None:
    text = FILES[0].read_text(encoding="utf-8")
    clean = READER.read(text)
    item = READER.read(damage.strip_danish_letters(text, "plain"))
    for name, value in fields(clean).items():
        assert similarity(fields(item)[name], value) > 0.97, name
    assert "Løsning" not in [u.original for u in item.uncertain]


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_1_for_i_is_repaired_in_every_field_alike(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    clean, item = READER.read(text), READER.read(damage.swap_i_and_1(text, rate=0.4))
    for name, value in fields(clean).items():
        got = fields(item)[name]
        assert re.search(r"[a-zæøå]1[a-zæøå]", got) is None, name  # none left inside a word
        assert skeleton(got) == skeleton(value) or similarity(got, value) > 0.97, name


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_words_split_across_lines_are_joined_and_reported(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    damaged = damage.split_words(text)
    clean, item = READER.read(text), READER.read(damaged)
    assert [s.key for s in item.sections] == [s.key for s in clean.sections]
    for name, value in fields(clean).items():
        assert " ".join(fields(item)[name].split()) == " ".join(value.split()), name
    lines = damaged.split("\n")
    splits = sum(
        1
        for a, b in pairwise(lines)
        if re.search(r"[a-zæøå]-$", a) and re.match(r"[a-zæøå]", b) and b.split()[0] != "og"
    )
    joined = [u for u in item.uncertain if u.reason == "word split across lines joined"]
    assert len(joined) <= splits
    assert splits == 0 or joined  # the joins are reported
    assert all(u.repaired == (u.original or "").replace("-", "", 1) for u in joined)


def test_stray_bullet_letters_are_removed_and_reported() -> None:
    text = (
        FILES[0]
        .read_text(encoding="utf-8")
        .replace("Spørgsmålet er også drøftet", "o Spørgsmålet er også drøftet")
    )
    item = READER.read(text)
    problem = {s.key: s.text for s in item.sections}["problemstilling"]
    assert "o Spørgsmålet" not in problem
    assert "Spørgsmålet er også drøftet" in problem
    assert any(u.reason == "stray bullet letter removed" for u in item.uncertain)


def test_every_change_a_repair_makes_is_in_its_report() -> None:
    text = "L?sning: Besk?ftigelses- og Integrat1onsforvaltningen dr?fter sagen 1 udvalget."
    fixed, repairs = ocr.repair(text, ocr.Evidence.of(text))
    assert (
        fixed == "Løsning: Beskæftigelses- og Integrationsforvaltningen drøfter sagen i udvalget."
    )
    replayed = text
    for original, repaired in repairs:
        if repaired != "1 -> i":
            replayed = replayed.replace(original, repaired, 1)
    assert re.sub(r"(?<= )1(?= )", "i", replayed) == fixed


# -- clean text is never "repaired"

WORDS = sorted(ocr.words())
DANISH = [w for w in WORDS if re.search("[æøå]", w)]
TOKEN = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(WORDS).map(str.capitalize),
    st.from_regex(r"[0-9]{1,4}([.,-][0-9]{1,5})?", fullmatch=True),
    st.sampled_from(["kl. 10.00", "2009-68440", "§ 17, stk. 4", "B12", "CO2", "(A)", "1.", "?"]),
)
PUNCT = st.sampled_from([" ", " ", " ", ", ", ". ", ": ", "\n", "\n\n", " - "])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(TOKEN, PUNCT), min_size=1, max_size=60), st.sampled_from(DANISH))
def test_clean_text_is_never_changed_by_repair(parts: list[tuple[str, str]], word: str) -> None:
    text = word + " " + "".join(token + sep for token, sep in parts)
    evidence = ocr.Evidence.of(text)
    assert not evidence.lost_letters  # clean Danish text has its æ, ø and å
    assert ocr.repair(text, evidence) == (text, [])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_our_clean_items_import_without_a_single_repair(path: Path) -> None:
    item = READER.read(path.read_text(encoding="utf-8"))
    assert [u for u in item.uncertain if u.original is not None] == []


@pytest.mark.parametrize("style", ["lost", "digraphs", "plain"])
def test_a_scan_whose_title_runs_on_into_the_number_and_summary_reads_apart(style: str) -> None:
    text = FILES[0].read_text(encoding="utf-8").replace("68440)\n\nBesk", "68440)\nBesk", 1)
    item = READER.read(damage.all_damage(damage.strip_danish_letters(text, style), 4))
    assert (
        item.title
        == "Styring af de politiske processer i forbindelse med boligsociale helhedsplaner"
    )
    assert item.journal_no == "2009-68440"
    assert item.summary.startswith("Beskæftigelses- og Integrationsudvalget skal drøfte")
    assert item.administration == "Beskæftigelses- og Integrationsforvaltningen"


def test_look_alike_letters_are_repaired_and_reported() -> None:
    text = FILES[0].read_text(encoding="utf-8")
    damaged = text.replace("Løsning\n", "L¢sning\n").replace("drøfter sagen", "dröfter sagen")
    item = READER.read(damaged)
    assert "losning" in [s.key for s in item.sections]
    assert item.recommendations == ("at Beskæftigelses- og Integrationsudvalget drøfter sagen.",)
    assert ("dröfter", "drøfter") in {(u.original, u.repaired) for u in item.uncertain}
