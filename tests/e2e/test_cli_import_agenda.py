"""``caseflow import agenda-item`` on an HTML page of several items, in a subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from caseflow.testing import CommandLine as Cli

REPO = Path(__file__).resolve().parents[2]
PAGE = """<!doctype html><html><body><h1>Teknikudvalget</h1><p>Mødedato: 3. februar 2020</p>
<h2>1. Godkendelse af dagsorden</h2><h3>Indstilling</h3><p>Formanden indstiller,</p>
<ol><li>at dagsordenen godkendes</li></ol><h3>Beslutning</h3><p>Godkendt.</p>
<h2>2. Ny skolevej</h2><p>Sagsid.: 20/1234</p><h3>Sagsfremstilling</h3><p>Teksten.</p>
<h3>Indstilling</h3><p>Forvaltningen indstiller, at vejen anlægges.</p>
<h3>Beslutning</h3><p>Godkendt.</p></body></html>"""


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Cli:
    return Cli(tmp_path, database_url, REPO / "workflows")


def test_a_page_of_several_items_needs_all_and_then_prints_each(cli: Cli, tmp_path: Path) -> None:
    page = tmp_path / "dagsorden.html"
    page.write_text(PAGE, encoding="utf-8")
    refused = cli("import", "agenda-item", str(page), "--json", expect=2)
    assert "give --all" in refused.stderr + refused.stdout
    items = json.loads(cli("import", "agenda-item", str(page), "--json", "--all").stdout)
    assert [(i["number"], i["title"]) for i in items] == [
        (1, "Godkendelse af dagsorden"),
        (2, "Ny skolevej"),
    ]
    assert items[1]["journal_no"] == "20/1234"
    assert items[1]["journal_form"] == "short"
    assert items[0]["meeting"]["date"] == "2020-02-03"


MINUTES = """<!doctype html><html><body><h1>Beskæftigelses- og Integrationsudvalget</h1>
<p>Mødedato: 7. maj 2009</p>
<h2>1. Orientering om helhedsplaner</h2><p>Sagsnr.: 330-2009-12345</p>
<h3>Indstilling</h3><p>Beskæftigelses- og Integrationsforvaltningen indstiller,</p>
<p>1. at udvalget tager orienteringen til efterretning.</p>
<h3>Problemstilling</h3><p>Planerne er forsinkede.</p>
<h3>Beslutning</h3><p>Taget til efterretning.</p>
<h2>2. Ny jobindsats</h2><p>Sagsnr.: 2009-70002</p>
<h3>Indstilling</h3><p>Beskæftigelses- og Integrationsforvaltningen indstiller,</p>
<p>1. at indsatsen godkendes.</p>
<h3>Problemstilling</h3><p>Ledigheden stiger.</p>
<h3>Beslutning</h3><p>Godkendt.</p></body></html>"""


def test_minutes_imported_into_a_held_meeting_and_the_dry_run_says_the_same(
    cli: Cli, tmp_path: Path
) -> None:
    from caseflow.testing import demo_organisation_file

    cli.at("2009-05-20T09:00")
    cli("init")
    cli("org", "load", str(demo_organisation_file()))
    meeting = cli.json("meeting", "new", "--committee", "BIU", "--at", "2009-05-07 16:00",
                       "--as", "admin")["id"]  # fmt: skip
    page = tmp_path / "referat.html"
    page.write_text(MINUTES, encoding="utf-8")
    args = ("import", "agenda", str(page), "--meeting", str(meeting), "--as", "biu.sekretariat")
    dry = cli(*args, "--dry-run").stdout
    assert "was held: its items are imported as history" in dry
    assert "nothing was written" in dry
    cli("case", "show", "2009-70002", "--as", "admin", expect=3)  # not written
    real = cli(*args).stdout
    item_lines = [line for line in real.splitlines() if line.startswith("item ")]
    assert item_lines == [line for line in dry.splitlines() if line.startswith("item ")]
    assert item_lines == [
        "item 1: case 2009-00001 (the source's 330-2009-12345) in state decided, item 1 of "
        "the meeting, decided",
        "item 2: case 2009-70002 in state decided, item 2 of the meeting, decided",
    ]
    assert "2 of 2 item(s) imported" in real
    shown = cli.json("case", "show", "2009-00001", "--as", "admin")
    assert shown["fields"]["source_reference"] == "330-2009-12345"
    history = cli.json("case", "history", "2009-70002", "--as", "admin")
    assert [(h["kind"], h["actor"], h["to"]) for h in history] == [
        ("import", "biu.sekretariat", "decided")
    ]
    again = cli(*args, "--json", expect=1)
    outcome = json.loads(again.stdout)
    assert [i["code"] for i in outcome["items"]] == ["imported_already", "journal_no_taken"]


def test_a_coming_meetings_agenda_takes_the_items_by_its_rules_each_refusal_with_its_reason(
    cli: Cli, tmp_path: Path
) -> None:
    from caseflow.testing import demo_organisation_file

    cli.at("2009-05-20T09:00")
    cli("init")
    cli("org", "load", str(demo_organisation_file()))
    meeting = cli.json("meeting", "new", "--committee", "BIU", "--at", "2009-06-25 16:00",
                       "--as", "admin")["id"]  # fmt: skip
    page = tmp_path / "dagsorden.html"
    page.write_text(MINUTES.replace("<h3>Beslutning</h3><p>Godkendt.</p>", ""), encoding="utf-8")
    args = ("import", "agenda", str(page), "--meeting", str(meeting), "--as", "biu.sekretariat")
    dry = cli(*args, "--dry-run", expect=1).stdout
    real = cli(*args, expect=1).stdout
    assert "is still to come: its items go on the agenda" in real
    lines = [line for line in real.splitlines() if line.startswith("item ")]
    assert lines == [line for line in dry.splitlines() if line.startswith("item ")]
    assert lines[0].startswith("item 1: refused: item 1 records a decision")
    assert lines[1] == ("item 2: case 2009-70002 in state on_agenda, on the agenda as item 1")
    history = cli.json("case", "history", "2009-70002", "--as", "admin")
    assert [(h["kind"], h["to"]) for h in history] == [
        ("import", "ready_for_agenda"),
        ("fire", "on_agenda"),
    ]
