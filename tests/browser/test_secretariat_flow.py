"""BIU's secretariat does a meeting in the browser, as a person would: builds and publishes
the agenda (one item closed), records the decisions in meeting mode and approves the
minutes; then a case officer outside the committee looks at the same pages and never
sees the closed item's content. Part of it by the keyboard alone. Axe on every page."""

from __future__ import annotations

import re

from browsing import OUTPUT, PASSWORD, accessible, sign_out, snapshot
from playwright.sync_api import Locator, Page, expect

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.testing import add_test_meeting, copenhagen_time, ready_test_case

PUBLIC = "Åben sag om parker"
SECRET = "Fortrolig grundsalg Jensen"
SECRET_DECISION = "Udvalget udsætter salget af grunden til Jensen"
# What of the closed item a reader outside the committee must never get: its title, its
# summary (``ready_test_case`` writes "Resumé af <title>.") and its decision.
LEAKS = ("Jensen", "Fortrolig", f"Resumé af {SECRET}", SECRET_DECISION)


def ready(ctx: Context, title: str, **overrides: object) -> str:
    """A case ready for BIU's agenda, meant for the meeting of 11 June 2009."""
    return ready_test_case(
        ctx.engine,
        title,
        fields={"meeting_date": "2009-06-11", "obligation_due": "2009-12-31"},
        **overrides,
    )


def focused(page: Page) -> dict[str, str]:
    """The focused element: its id, name, text and computed outline style."""
    found: dict[str, str] = page.evaluate(
        """() => {
            const e = document.activeElement;
            return {id: e.id, name: e.getAttribute("name") || "", text: e.innerText || "",
                    outline: getComputedStyle(e).outlineStyle};
        }"""
    )
    return found


def tab_to(page: Page, wanted: str, key: str = "id", limit: int = 60) -> dict[str, str]:
    """Press Tab until the focused element's ``key`` is ``wanted``; it must show its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now[key].strip() == wanted:
            assert now["outline"] != "none", f"{wanted} has no visible focus outline"
            return now
    raise AssertionError(f"Tab never reached {key}={wanted!r} on {page.url}")


def keyboard_sign_in(page: Page, base: str, username: str) -> None:
    """Sign in without the mouse: Tab to the fields, type, Enter submits."""
    page.goto(f"{base}/signin")
    accessible(page)
    tab_to(page, "username")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/inbox.*"))


def item_form(page: Page, button: str) -> Locator:
    """The form holding the button named ``button``."""
    return page.locator("form").filter(has=page.get_by_role("button", name=button, exact=True))


def test_a_secretariat_builds_publishes_and_minutes_a_meeting_with_a_closed_item(
    ctx: Context, live_server: str, new_page: Page, clock: FakeClock
) -> None:
    page, base = new_page, live_server
    shots = OUTPUT / "secretariat-flow"
    meeting = add_test_meeting(ctx.engine, "BIU", "2009-06-11 15:00")
    add_test_meeting(ctx.engine, "BIU", "2009-08-20 15:00")  # where a postponed item goes
    public, secret = ready(ctx, PUBLIC), ready(ctx, SECRET)  # TMF leads, BIF drafts

    # The secretariat signs in by the keyboard alone, and finds the meeting in the plan.
    keyboard_sign_in(page, base, "biu.sekretariat")
    accessible(page)
    page.get_by_role("navigation", name="Hovedmenu").get_by_role("link", name="Møder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mødeplan")
    accessible(page)
    page.get_by_role("link", name="11. juni 2009 kl. 15.00").click()
    page.wait_for_url(f"{base}/meetings/{meeting}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("møde 11. juni 2009")
    accessible(page)

    # The first case goes on by the keyboard: Tab to its button, Enter (public by default).
    add_public = f"Sæt {public} på dagsordenen"
    tab_to(page, add_public, key="text")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Punktet er sat på dagsordenen.")
    accessible(page)
    # The second as a closed item, by its labels.
    add_secret = f"Sæt {secret} på dagsordenen"
    item_form(page, add_secret).get_by_label("lukket").check()
    page.get_by_role("button", name=add_secret).click()
    expect(page.get_by_role("status")).to_have_text("Punktet er sat på dagsordenen.")
    agenda = page.get_by_role("table", name="Dagsordenens punkter (2)")
    expect(agenda.get_by_role("row").nth(2)).to_contain_text(SECRET)
    expect(agenda.get_by_role("row").nth(2)).to_contain_text("lukket")

    # The closed item first.
    page.get_by_role("button", name="Flyt punkt 2 op").click()
    expect(page.get_by_role("status")).to_have_text("Punktet er flyttet.")
    expect(agenda.get_by_role("row").nth(1)).to_contain_text(SECRET)
    expect(agenda.get_by_role("row").nth(2)).to_contain_text(PUBLIC)
    accessible(page)
    snapshot(page, shots, "meeting-built")

    # Published by the keyboard too: Tab to the note, type it, Tab to the button, Enter.
    publishing = page.get_by_role("region", name="Offentliggør dagsordenen")
    tab_to(page, "publish-note")
    expect(publishing.get_by_label("Note (valgfri)")).to_be_focused()
    page.keyboard.type("Første udgave")
    page.keyboard.press("Tab")
    expect(publishing.get_by_role("button", name="Offentliggør", exact=True)).to_be_focused()
    assert focused(page)["outline"] != "none"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text("Dagsordenen er offentliggjort.")
    expect(page.get_by_role("button", name="Offentliggør en ny version")).to_be_visible()
    expect(page.get_by_role("table", name="Versioner, nyeste først")).to_contain_text(
        "Første udgave"
    )
    accessible(page)
    snapshot(page, shots, "agenda-published")

    # The meeting day: meeting mode, one decision each, then the minutes.
    clock.set(copenhagen_time("2009-06-11 16:00"))
    page.reload()
    page.get_by_role("link", name="Mødetilstand").click()
    page.wait_for_url(f"{base}/meetings/{meeting}/mode")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mødetilstand")
    accessible(page)
    snapshot(page, shots, "meeting-mode")

    closed_item = page.get_by_role("region", name=re.compile(r"^Punkt 1: "))
    closed_item.get_by_role("radio", name="udsat").check()
    closed_item.get_by_label("Beslutning (skal udfyldes, når punktet besluttes)").fill(
        SECRET_DECISION
    )
    closed_item.get_by_label("Medlem A").check()
    closed_item.get_by_role("button", name="Registrér punkt 1").click()
    expect(page.get_by_role("status")).to_have_text("Punktet er registreret.")
    public_item = page.get_by_role("region", name=re.compile(r"^Punkt 2: "))
    public_item.get_by_role("radio", name="besluttet").check()
    public_item.get_by_label("Medlem A").check()
    # Decided without a decision: refused, the error beside its field, the ticks kept.
    public_item.get_by_role("button", name="Registrér punkt 2").click()
    text = public_item.get_by_label("Beslutning (skal udfyldes, når punktet besluttes)")
    expect(text).to_have_attribute("aria-invalid", "true")
    expect(text).to_have_accessible_description("Skriv en tekst.")
    expect(public_item.get_by_label("Medlem A")).to_be_checked()
    accessible(page)
    text.fill("Udvalget godkender planen for parkerne")
    public_item.get_by_label("Medlem C").check()
    public_item.get_by_role("button", name="Registrér punkt 2").click()
    expect(page.get_by_role("status")).to_have_text("Punktet er registreret.")
    public_item = page.get_by_role("region", name=re.compile(r"^Punkt 2: "))
    expect(public_item).to_contain_text("Medlem A, Medlem C")
    expect(public_item).to_contain_text("Udvalget godkender planen for parkerne")
    accessible(page)

    page.get_by_label("Note til godkendelsen (valgfri)").fill("Godkendt på mødet")
    page.get_by_role("button", name="Godkend beslutningsprotokollen").click()
    expect(page.get_by_role("status")).to_contain_text("Beslutningsprotokollen er godkendt")
    expect(page.get_by_text("Godkendt af biu.sekretariat")).to_be_visible()
    accessible(page)
    assert ctx.engine.get_case(public).state == "decided"
    assert ctx.engine.get_case(secret).state == "ready_for_agenda"  # postponed: waits again
    sign_out(page)

    # A case officer in another administration, outside the committee.
    keyboard_sign_in(page, base, "tmf.sagsbehandler")
    seen: list[str] = []

    def look() -> None:
        accessible(page)
        html = page.content()
        for leak in LEAKS:
            assert leak not in html, (page.url, leak)
        seen.append(page.url)

    page.goto(f"{base}/meetings/{meeting}")
    look()
    agenda = page.get_by_role("table", name="Dagsordenens punkter (2)")
    expect(agenda.get_by_role("row").nth(1)).to_contain_text("Lukket punkt")
    expect(agenda.get_by_role("row").nth(2)).to_contain_text(PUBLIC)
    expect(page.get_by_role("button", name=re.compile("Offentliggør|Flyt|Sæt"))).to_have_count(0)
    snapshot(page, shots, "public-agenda")
    cases = [
        link.get_attribute("href") or ""
        for link in page.get_by_role("link", name=re.compile(r"^\d{4}-\d+$")).all()
    ]
    assert cases == [f"/cases/{public}"]  # the closed item links to nothing
    for href in cases:
        page.goto(base + href)
        look()
    page.goto(f"{base}/meetings/{meeting}")
    page.get_by_role("link", name="Mødetilstand").click()
    look()
    expect(page.get_by_role("heading", name="Punkt 1: Lukket punkt")).to_be_visible()
    page.get_by_role("link", name="Udvalgets frister").click()
    page.wait_for_url(f"{base}/committees/BIU/deadlines")
    look()
    closed_deadlines = page.get_by_role("listitem").filter(has_text="Lukket punkt")
    expect(closed_deadlines).to_have_count(2)  # its agenda deadline and its political one
    expect(closed_deadlines.get_by_role("link", name=secret).first).to_be_visible()
    calendar_cases = {
        link.get_attribute("href") or ""
        for link in page.get_by_role("link", name=re.compile(r"^\d{4}-\d+$")).all()
    }
    assert calendar_cases == {f"/cases/{secret}"}  # the public case is decided: no deadline
    assert seen == [
        f"{base}/meetings/{meeting}",
        f"{base}/cases/{public}",
        f"{base}/meetings/{meeting}/mode",
        f"{base}/committees/BIU/deadlines",
    ]
    # The closed case is TMF's own: its officer may read the case itself (its title and
    # summary are theirs), only never through the committee's pages.
    page.goto(f"{base}/cases/{secret}")
    accessible(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text(SECRET)
