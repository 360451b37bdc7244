"""``caseflow import agenda-item`` and ``caseflow case render`` in a subprocess."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from caseflow.documents.damage import all_damage
from caseflow.testing import CommandLine as Cli
from caseflow.testing import demo_organisation_file

DATA = Path(__file__).resolve().parents[1] / "data"
EXAMPLE = DATA / "agenda-item-2009-68440-biu-item18.txt"
CLOSED = DATA / "agenda-item-variant-closed.txt"


REPO = Path(__file__).resolve().parents[2]
OFFICER = ("--as", "bif.sagsbehandler")


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Cli:
    return Cli(tmp_path, database_url, REPO / "workflows")


@pytest.fixture
def ready(cli: Cli) -> Cli:
    cli("init")
    cli("org", "load", str(demo_organisation_file()))
    return cli


def cases(cli: Cli) -> list[dict[str, object]]:
    return list(json.loads(cli("case", "list", "--json", "--as", "admin").stdout))


def test_json_prints_what_was_read_and_writes_nothing(cli: Cli) -> None:
    out = cli("import", "agenda-item", str(EXAMPLE), "--json").stdout
    data = json.loads(out)
    assert data["number"] == 18
    assert data["journal_no"] == "2009-68440"
    assert [s["key"] for s in data["sections"]] == [
        "problemstilling",
        "losning",
        "okonomi",
        "videre_proces",
    ]
    assert data["uncertain"] == []
    assert not (cli.folder / "caseflow.db").exists()


def test_dry_run_reports_and_opens_nothing(ready: Cli) -> None:
    out = ready("import", "agenda-item", str(EXAMPLE), "--dry-run", "--as", "bif.sagsbehandler")
    assert "would open case 2009-68440" in out.stdout
    assert "lead BIF, committee BIU" in out.stdout
    assert cases(ready) == []


def test_import_opens_the_case_and_render_gives_it_back(ready: Cli, tmp_path: Path) -> None:
    out = ready("import", "agenda-item", str(EXAMPLE), "--as", "bif.sagsbehandler")
    assert "imported item 18 as case 2009-68440 in state registered" in out.stdout
    shown = json.loads(ready("case", "show", "2009-68440", "--json", *OFFICER).stdout)
    assert shown["committee"] == "BIU"
    assert shown["lead_administration"] == "BIF"
    assert set(shown["sections"]) == {"problemstilling", "losning", "okonomi", "videre_proces"}
    assert shown["attachments"][0]["number"] == "2009-300035"
    assert shown["fields"]["item_no"] == 18

    markdown = ready("case", "render", "2009-68440", "--format", "md", *OFFICER).stdout
    assert markdown.startswith("## 18. Styring af de politiske processer")
    again = ready("import", "agenda-item", "-", "--json", input_text=markdown)
    assert (
        json.loads(again.stdout)["sections"]
        == json.loads(ready("import", "agenda-item", str(EXAMPLE), "--json").stdout)["sections"]
    )

    target = tmp_path / "item.pdf"
    ready("case", "render", "2009-68440", "--format", "pdf", "-o", str(target), *OFFICER)
    pypdf = pytest.importorskip("pypdf")
    text = " ".join(
        p.extract_text() for p in pypdf.PdfReader(io.BytesIO(target.read_bytes())).pages
    )
    assert "Indstilling og beslutning" in text
    english = ready("case", "render", "2009-68440", "--language", "en", *OFFICER).stdout
    assert "Recommendation and decision" in english

    ready("import", "agenda-item", str(EXAMPLE), "--as", "bif.sagsbehandler", expect=5)


def test_a_damaged_scan_imports_and_reports_what_is_uncertain(ready: Cli, tmp_path: Path) -> None:
    damaged = tmp_path / "scan.txt"
    damaged.write_text(all_damage(EXAMPLE.read_text(encoding="utf-8"), 5), encoding="utf-8")
    out = ready("import", "agenda-item", str(damaged), "--as", "bif.sagsbehandler").stdout
    assert "as case 2009-68440" in out
    assert "uncertain" in out
    assert "sections.losning" in out


def test_a_closed_item_is_left_out_of_the_public_rendering(ready: Cli) -> None:
    ready("import", "agenda-item", str(CLOSED), "--lead", "ØKF", "--as", "admin")
    internal = ready("case", "render", "2015-004512", "--format", "md", "--as", "admin").stdout
    assert "Vestergade" in internal
    for fmt in ("md", "html"):
        public = ready(
            "case", "render", "2015-004512", "--format", fmt, "--public", "--as", "admin"
        ).stdout
        assert "Vestergade" not in public
        assert "offentligt udbud" not in public
        assert "Lukket punkt" in public
    # Not even the public version for one with no role on the case: it is not published.
    refused = ready("case", "render", "2015-004512", "--public", *OFFICER, expect=3)
    assert "case 2015-004512: not found or not allowed" in refused.stderr
    assert "Vestergade" not in refused.stdout + refused.stderr


def test_a_file_that_is_not_an_agenda_item_creates_nothing(ready: Cli) -> None:
    readme = Path(__file__).resolve().parents[2] / "README.md"
    out = ready("import", "agenda-item", str(readme), "--as", "bif.sagsbehandler", expect=2)
    assert "does not look like an agenda item" in out.stderr
    assert cases(ready) == []
    ready("case", "render", "2099-00001", "--as", "admin", expect=3)
