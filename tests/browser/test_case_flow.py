"""A case officer and management do a case's day in the browser: from an enquiry
through drafting, a return and the approval chain (office head, then director), with
axe on every page they see."""

from __future__ import annotations

import re
from datetime import timedelta

from browsing import OUTPUT, PASSWORD, accessible, sign_in, sign_out, snapshot
from playwright.sync_api import Page, expect

from approval_setup import add_actor
from caseflow.context import Context
from caseflow.services import accounts


def _act_on_approval(page: Page, base: str, journal_no: str, action: str, text: str = "") -> None:
    """On the approvals page: the action (its label) on the case's open step."""
    page.get_by_role("navigation", name="Hovedmenu").get_by_role(
        "link", name="Godkendelser"
    ).click()
    page.wait_for_url(re.compile(r".*/approvals.*"))
    accessible(page)
    row = page.locator(f"#approval-{journal_no}")
    row.get_by_label(action, exact=True).check()
    if text:
        row.get_by_label("Betingelse eller begrundelse").fill(text)
    row.get_by_role("button", name=f"Udfør på sag {journal_no}").click()


def test_enquiry_drafting_send_back_and_approval(
    ctx: Context, live_server: str, new_page: Page
) -> None:
    page, base = new_page, live_server
    shots = OUTPUT / "case-flow"
    # BIF leads this case: its management approves it.
    admin = ctx.engine.actor("admin")
    for username, grant in (
        ("bif.kontorchef", "office_head@BIF"),
        ("bif.direktor", "director@BIF"),
    ):
        add_actor(ctx.engine, username, grant)
        accounts.set_password(ctx, admin, username, PASSWORD)

    sign_in(page, base, "bif.sagsbehandler", PASSWORD)
    accessible(page)
    page.get_by_role("link", name="Ny sag").click()
    accessible(page)
    page.get_by_label("Arbejdsgang").select_option("committee-case")
    page.get_by_label("Oprindelse", exact=True).select_option("enquiry")
    page.get_by_label("Medlem (ved forespørgsel)").fill("Ikram Sarwar (C)")
    page.get_by_label("Dato").fill("2009-05-14")
    page.get_by_label("Titel").fill("Styring af de politiske processer [BIU]")
    page.get_by_label("Resumé").fill("Forespørgsel om styringen.")
    page.get_by_label("Ansvarlig forvaltning").select_option("BIF")
    page.get_by_label("Udvalg").select_option("BIU")
    snapshot(page, shots, "new-case")
    page.get_by_role("button", name="Opret").click()
    page.wait_for_url(re.compile(r".*/cases/\d{4}-\d+.*"))
    journal_no = page.url.split("/cases/")[1].split("?")[0]
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Styring af de politiske processer [BIU]"  # shown as typed, not as markup
    )
    accessible(page)

    page.get_by_role("button", name="Påbegynd udarbejdelse").click()
    expect(page.get_by_text("Under udarbejdelse").first).to_be_visible()
    page.get_by_text("Ret sagen").click()
    page.get_by_label("Problemstilling").fill("Processerne er uklare.")
    page.get_by_label("Løsning").fill("En fælles styringsmodel.")
    page.get_by_label("Økonomi").fill("Ingen udgifter.")
    page.get_by_label("Indstilling (ét punkt pr. linje)").fill("at udvalget drøfter sagen.")
    page.get_by_role("button", name="Gem").click()
    expect(page.get_by_role("status")).to_have_text("Gemt.")
    page.get_by_role("button", name="Send til godkendelse").click()
    expect(page.get_by_text("Til godkendelse").first).to_be_visible()
    # The approver's buttons are not the case officer's.
    expect(page.get_by_role("button", name="Godkend")).to_have_count(0)
    snapshot(page, shots, "case-awaiting-approval")

    # ... and the API says 403 to the officer's own token.
    page.get_by_role("link", name="Min konto").click()
    accessible(page)
    page.get_by_label("Navn på nøglen").fill("browser-test")
    page.get_by_role("button", name="Opret nøgle").click()
    token = page.locator("#issued-token").inner_text()
    refused = page.request.post(
        f"{base}/api/v1/cases/{journal_no}/advance",
        data={"trigger": "approve"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert refused.status == 403
    assert refused.headers["content-type"] == "application/problem+json"
    sign_out(page)

    sign_in(page, base, "bif.kontorchef", PASSWORD)
    page.get_by_role("link", name=re.compile("Venter på mig")).click()
    accessible(page)
    page.get_by_role("link", name=journal_no).click()
    # Management's chain decides the step: the case's page has no button to approve.
    expect(page.get_by_role("button", name="Godkend")).to_have_count(0)
    _act_on_approval(page, base, journal_no, "Send tilbage til udarbejdelse")
    # A return needs its comment: the draft stays where it is.
    expect(page.locator('[aria-invalid="true"]').first).to_be_visible()
    assert ctx.engine.get_case(journal_no).state == "approval"
    _act_on_approval(
        page, base, journal_no, "Send tilbage til udarbejdelse", "Økonomiafsnittet skal uddybes."
    )
    page.wait_for_url(re.compile(r".*/approvals.*"))
    assert ctx.engine.get_case(journal_no).state == "drafting"
    sign_out(page)

    sign_in(page, base, "bif.sagsbehandler", PASSWORD)
    page.goto(f"{base}/cases/{journal_no}")
    expect(page.get_by_text("Økonomiafsnittet skal uddybes.").first).to_be_visible()
    page.get_by_role("button", name="Send til godkendelse").click()
    expect(page.get_by_text("Til godkendelse").first).to_be_visible()
    sign_out(page)

    for username in ("bif.kontorchef", "bif.direktor"):
        sign_in(page, base, username, PASSWORD)
        _act_on_approval(page, base, journal_no, "Godkend")
        page.wait_for_url(re.compile(r".*/approvals.*"))
        sign_out(page)
    sign_in(page, base, "bif.direktor", PASSWORD)
    page.goto(f"{base}/cases/{journal_no}")
    expect(page.get_by_text("Klar til dagsorden").first).to_be_visible()
    accessible(page)
    snapshot(page, shots, "case-approved")
    assert ctx.engine.get_case(journal_no).state == "ready_for_agenda"


def test_an_overdue_case_shows_in_the_inbox_once_the_clock_has_moved(
    ctx: Context, live_server: str, new_page: Page
) -> None:
    from caseflow.testing import open_test_case

    engine = ctx.engine
    journal_no = open_test_case(engine)
    engine.fire(journal_no, "start_drafting", engine.actor("bif.sagsbehandler"))
    page = new_page
    sign_in(page, live_server, "bif.sagsbehandler", PASSWORD)
    page.get_by_role("link", name=re.compile("Overskredet")).click()
    expect(page.get_by_role("link", name=journal_no)).to_have_count(0)
    engine.clock.advance(timedelta(days=60))  # type: ignore[attr-defined]
    page.reload()
    expect(page.get_by_role("link", name=journal_no)).to_be_visible()
    expect(page.get_by_text("(overskredet)")).to_be_visible()
    accessible(page)
    snapshot(page, OUTPUT / "inbox", "inbox-overdue")
