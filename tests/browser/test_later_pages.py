"""The pages the later issues added, in the browser with axe on each: a case officer imports
a published agenda item (preview, then the import); a head of office records an absence by
the keyboard alone and sees the approvals waiting; an administrator compares a workflow
with its chained next version and verifies the records. A screenshot of each page."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from pathlib import Path

import pytest
from browsing import OUTPUT, accessible, snapshot
from playwright.sync_api import Page, expect
from sqlalchemy import func, select
from test_secretariat_flow import focused, keyboard_sign_in, tab_to

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.engine import Engine
from caseflow.services import absence, records
from caseflow.settings import Settings
from caseflow.store import tables
from caseflow.testing import open_test_case

REPO = Path(__file__).resolve().parents[2]
ITEM = REPO / "tests" / "data" / "agenda-item-2009-68440-biu-item18.txt"


@pytest.fixture
def ctx(engine: Engine, database_url: str, tmp_path: Path) -> Context:
    """The test's context with the records' signing key and export in the test's folder."""
    settings = dataclasses.replace(
        Settings(database_url, REPO / "workflows"),
        records_key_file=tmp_path / "records.key",
        records_export=tmp_path / "checkpoints.jsonl",
    )
    return Context(settings, engine)


def _cases(ctx: Context) -> int:
    with ctx.engine.db.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(tables.cases)).scalar_one())


def test_a_case_officer_previews_and_imports_a_published_item(
    ctx: Context, live_server: str, new_page: Page
) -> None:
    page, base = new_page, live_server
    shots = OUTPUT / "later-pages"
    keyboard_sign_in(page, base, "bif.sagsbehandler")
    page.goto(f"{base}/imports")
    accessible(page)
    snapshot(page, shots, "imports")

    page.locator("#import-file").set_input_files(str(ITEM))
    page.get_by_label("Ansvarlig forvaltning (valgfri)").fill("BIF")
    page.get_by_role("button", name="Vis hvad der læses").click()
    page.wait_for_url(re.compile(r".*/imports/preview.*"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(ITEM.name)
    # Each section under the documents file's heading, not the key it is stored by.
    expect(page.get_by_role("heading", name="Videre proces", exact=True)).to_be_visible()
    accessible(page)
    snapshot(page, shots, "import-preview")
    before = _cases(ctx)

    page.get_by_role("button", name=re.compile("^Importér")).click()
    page.wait_for_load_state()
    accessible(page)
    snapshot(page, shots, "import-done")
    assert _cases(ctx) == before + 1


def test_a_head_of_office_records_an_absence_by_the_keyboard(
    ctx: Context, live_server: str, new_page: Page, clock: FakeClock
) -> None:
    page, base = new_page, live_server
    shots = OUTPUT / "later-pages"
    keyboard_sign_in(page, base, "bif.chef")
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Godkendelser"
    ).click()
    page.wait_for_url(re.compile(r".*/approvals.*"))
    accessible(page)
    snapshot(page, shots, "approvals")

    page.goto(f"{base}/absence")
    accessible(page)
    today = clock.now().date()
    tab_to(page, "absence-substitute")
    page.keyboard.type("bif.sagsbehandler")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "absence-from"
    page.locator("#absence-from").fill(today.isoformat())
    page.locator("#absence-to").fill((today + timedelta(days=14)).isoformat())
    page.locator("#absence-to").focus()
    tab_to(page, "Registrér", key="text", limit=8)  # past the date's day, month and year
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/absence\?flash=absence_recorded.*"))
    expect(page.get_by_role("status")).to_contain_text("Fraværet er registreret")
    expect(page.locator("table.list").first).to_contain_text("bif.sagsbehandler")
    accessible(page)
    snapshot(page, shots, "absence")
    recorded = absence.list_absences(ctx, ctx.engine.actor("bif.chef"))
    assert [(r.absence.username, r.absence.substitute) for r in recorded] == [
        ("bif.chef", "bif.sagsbehandler")
    ]

    # A substitute who does not exist is refused at the field, and nothing is recorded.
    tab_to(page, "absence-substitute")
    page.keyboard.type("ingen.saadan")
    page.locator("#absence-from").fill(today.isoformat())
    page.locator("#absence-to").fill(today.isoformat())
    page.get_by_role("button", name="Registrér", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("#absence-substitute")).to_have_attribute("aria-invalid", "true")
    accessible(page)
    assert len(absence.list_absences(ctx, ctx.engine.actor("bif.chef"))) == 1


def test_an_administrator_compares_a_workflow_and_verifies_the_records(
    ctx: Context, live_server: str, new_page: Page
) -> None:
    page, base = new_page, live_server
    shots = OUTPUT / "later-pages"
    keyboard_sign_in(page, base, "admin")
    page.goto(f"{base}/admin/incidents")
    admin_nav = page.get_by_role("navigation", name="Administration")
    admin_nav.get_by_role("link", name="Ændring af arbejdsgange").click()
    page.wait_for_url(re.compile(r".*/admin/workflow-changes.*"))
    accessible(page)
    snapshot(page, shots, "workflow-changes")

    # The single approver committee-case had before its chain: approval steps removed.
    single = REPO / "tests" / "data" / "workflow_changes" / "committee-case-single.yaml"
    page.locator("#diff-text").fill(single.read_text(encoding="utf-8"))
    page.get_by_role("button", name="Sammenlign").click()
    page.wait_for_url(re.compile(r".*/admin/workflow-changes/diff.*"))
    expect(page.locator("main")).to_contain_text("committee-case")
    expect(page.locator("main")).to_contain_text("approve: office_head")
    accessible(page)
    snapshot(page, shots, "workflow-diff")

    page.goto(f"{base}/admin/incidents")
    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Dokumentation og kontrol"
    ).click()
    page.wait_for_url(re.compile(r".*/admin/records.*"))
    accessible(page)
    # Without the public key there is nothing to verify against: said beside the button.
    page.get_by_role("button", name="Kontrollér alt nu").click()
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("Der er ingen offentlig nøgle")
    accessible(page)
    records.keygen(ctx)
    records.checkpoint(ctx)
    page.get_by_role("button", name="Kontrollér alt nu").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Alt stemmer")
    accessible(page)
    snapshot(page, shots, "records")


@pytest.mark.parametrize("username", ["admin", "biu.sekretariat", "tmf.styregruppe"])
def test_every_page_in_the_menus_passes_axe(
    ctx: Context, live_server: str, new_page: Page, username: str
) -> None:
    """Each page the main menu and the administration's tabs lead to, and the pages a
    secretariat reaches from the meetings (the report, the digest), as each user sees them."""
    page, base = new_page, live_server
    journal_no = open_test_case(ctx.engine)
    keyboard_sign_in(page, base, username)
    menus = page.get_by_role("navigation", name="Hovedmenu").get_by_role("link")
    paths = [link.get_attribute("href") or "" for link in menus.all()]
    page.goto(f"{base}/admin/incidents")
    if page.get_by_role("navigation", name="Administration").count():
        tabs = page.get_by_role("navigation", name="Administration").get_by_role("link")
        paths += [link.get_attribute("href") or "" for link in tabs.all()]
    paths += ["/meetings/report", f"/cases/{journal_no}/approvals"]
    visited = []
    for path in dict.fromkeys(paths):
        response = page.goto(base + path)
        assert response is not None
        if response.status == 403:  # not this user's page: refused, never shown
            continue
        assert response.status == 200, f"{path}: {response.status}"
        accessible(page)
        visited.append(path)
    assert "/inbox" in visited
    assert "/account" in visited
    if username == "admin":
        assert {"/admin/users", "/admin/records", "/admin/workflow-changes"} <= set(visited)
