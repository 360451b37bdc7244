"""A steering group member marks a follow-up action done, by the keyboard alone; an
administrator goes through the admin pages (users, organisation, workflows with their
diagrams, incidents) and checks a workflow; a case page shows its pictures. Axe on every
page visited, a screenshot of each."""

from __future__ import annotations

import re

from browsing import OUTPUT, accessible, snapshot
from playwright.sync_api import Page, expect
from test_secretariat_flow import focused, keyboard_sign_in, tab_to

from caseflow.context import Context
from caseflow.services import followup
from caseflow.testing import open_test_case


def test_a_steering_group_member_marks_a_follow_up_done_by_the_keyboard(
    ctx: Context, live_server: str, new_page: Page
) -> None:
    page, base = new_page, live_server
    shots = OUTPUT / "steering-group"
    journal_no = open_test_case(ctx.engine)
    officer = ctx.engine.actor("bif.sagsbehandler")
    added = followup.add(
        ctx,
        officer,
        followup.AddFollowup(
            journal_no, "steering_group:OMR", "during 2010", "Forslag til styrket koordinering"
        ),
    ).record

    keyboard_sign_in(page, base, "tmf.styregruppe")
    tab_to(page, "Opfølgning", key="text")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/followups.*"))
    accessible(page)
    expect(page.get_by_text("Forslag til styrket koordinering")).to_be_visible()
    snapshot(page, shots, "followups")
    tab_to(page, f"done-{added.id}-note")
    page.keyboard.type("Forelagt udvalgene")
    page.keyboard.press("Tab")
    assert focused(page)["text"].strip() == "Markér som udført"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Handlingen er markeret som udført.")
    accessible(page)
    snapshot(page, shots, "followup-done")
    expect(
        page.get_by_role("button", name=f"Markér som udført (handling {added.id})")
    ).to_have_count(0)


def test_an_administrator_visits_the_admin_pages(
    ctx: Context, live_server: str, new_page: Page
) -> None:
    page, base = new_page, live_server
    shots = OUTPUT / "administrator"
    journal_no = open_test_case(ctx.engine)
    ctx.engine.fire(journal_no, "start_drafting", ctx.engine.actor("bif.sagsbehandler"))

    keyboard_sign_in(page, base, "admin")
    accessible(page)
    tab_to(page, "Administration", key="text")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/admin/incidents.*"))
    accessible(page)
    snapshot(page, shots, "incidents")

    for link, path, name in (
        ("Brugere", "/admin/users", "users"),
        ("Organisation", "/admin/organisation", "organisation"),
        ("Arbejdsgange", "/admin/workflows", "workflows"),
    ):
        page.get_by_role("navigation", name="Administration").get_by_role(
            "link", name=re.compile(f"^{link}")
        ).click()
        page.wait_for_url(re.compile(f".*{path}.*"))
        accessible(page)
        snapshot(page, shots, name)

    # The workflows page: each version's diagram and the cases per state, with their data.
    expect(page.locator("svg#diagram-1")).to_be_visible()
    expect(page.locator("svg#cases-per-state")).to_be_visible()
    expect(page.locator("#cases-per-state-table-1")).to_contain_text("Under udarbejdelse")
    # A workflow checked by the keyboard: the text field, then its button.
    tab_to(page, "check-text")
    page.keyboard.type("id: broken")
    page.keyboard.press("Tab")
    assert focused(page)["text"].strip() == "Tjek"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/admin/workflows/check.*"))
    expect(page.get_by_role("alert")).to_contain_text("fejl")
    accessible(page)
    snapshot(page, shots, "workflow-check")

    page.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Brugere"
    ).click()
    page.get_by_role("link", name="bif.chef", exact=True).first.click()
    page.wait_for_url(re.compile(r".*/admin/users/bif\.chef.*"))
    accessible(page)
    snapshot(page, shots, "user")

    page.goto(f"{base}/cases/{journal_no}")
    expect(page.locator("svg#case-diagram")).to_be_visible()
    expect(page.locator("svg#case-timeline")).to_be_visible()
    accessible(page)
    snapshot(page, shots, "case-with-pictures")
    page.goto(f"{base}/committees/BIU/deadlines")
    expect(page.locator("svg#deadline-load")).to_be_visible()
    accessible(page)
    snapshot(page, shots, "committee-deadlines")
