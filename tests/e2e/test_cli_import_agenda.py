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
