"""The pictures on the pages: the workflow diagram on the case page (current state and
path marked) and per version on the administrators' page, the case's course and its
timeline, cases per state, and a committee's open and overdue deadlines over time.
Each with its title, description and data table; none shows what its reader may not see."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.services import agenda
from caseflow.store.tables import cases, deadlines
from caseflow.testing import add_test_meeting, copenhagen_time, open_test_case, ready_test_case

Clients = Callable[[str], TestClient]
CLOSED_DECISION = "Udvalget sælger grunden til Jensen"


def _svg(html: str, ident: str) -> str:
    found = re.search(rf'<svg [^>]*id="{ident}".*?</svg>', html, re.S)
    assert found, f"the page has the picture {ident}"
    return found.group(0)


def test_the_case_page_draws_the_workflow_with_the_current_state_and_the_path_taken(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    officer = ctx.engine.actor("bif.sagsbehandler")
    journal_no = open_test_case(ctx.engine)
    ctx.engine.fire(journal_no, "start_drafting", officer)
    page = client_for("bif.sagsbehandler").get(f"/cases/{journal_no}")
    assert page.status_code == 200
    svg = _svg(page.text, "case-diagram")
    assert '<title id="case-diagram-title">' in svg
    assert '<desc id="case-diagram-desc">' in svg
    assert re.search(r'data-state="drafting" data-current="true"', svg)
    assert re.search(r'data-taken="true"[^>]*data-step="registered:start_drafting"', svg)
    assert not re.search(r'data-taken="true"[^>]*data-step="approval:approve"', svg)
    assert "Under udarbejdelse" in svg  # the workflow file's Danish titles
    assert "Sagen er nu i „Under udarbejdelse“" in page.text  # the description, as text too
    # The data beside it: the step taken says so in the table.
    table = re.search(r'id="case-diagram-table-2".*?</table>', page.text, re.S)
    assert table
    row = re.search(
        r"<th scope=\"row\">Registreret</th><td>Påbegynd udarbejdelse</td>.*?</tr>", table.group(0)
    )
    assert row
    assert "<td>ja</td>" in row.group(0)


def _decided_closed(ctx: Context) -> str:
    secretariat = ctx.engine.actor("biu.sekretariat")
    meeting = add_test_meeting(ctx.engine, "BIU", "2009-06-11 15:00")
    journal_no = ready_test_case(
        ctx.engine,
        "Grundsalg",
        fields={"meeting_date": "2009-06-11", "obligation_due": "2009-12-31"},
    )
    agenda.add_item(ctx, secretariat, agenda.AddItem(meeting, journal_no, closed=True))
    agenda.publish(ctx, secretariat, agenda.Publish(meeting))
    _meeting_begun(ctx)
    agenda.decide(ctx, secretariat, agenda.Decide(meeting, 1, "decided", CLOSED_DECISION))
    return journal_no


def test_the_course_and_the_timeline_show_each_treatment_and_withhold_a_closed_decision(
    with_passwords: Context, client_for: Clients
) -> None:
    journal_no = _decided_closed(with_passwords)
    inside = client_for("biu.sekretariat").get(f"/cases/{journal_no}")
    assert inside.status_code == 200
    course = re.search(r'<table class="list" id="course">.*?</table>', inside.text, re.S)
    assert course
    assert "Beskæftigelses- og Integrationsudvalget" in course.group(0)
    assert "besluttet" in course.group(0)
    assert CLOSED_DECISION in course.group(0)
    timeline = _svg(inside.text, "case-timeline")
    assert "<title" in timeline
    assert "BIU" in timeline
    assert "punkt 1: besluttet" in inside.text  # the timeline's table
    outside = client_for("tmf.sagsbehandler").get(f"/cases/{journal_no}")
    assert outside.status_code == 200
    assert CLOSED_DECISION not in outside.text
    assert "kun for udvalgets medlemmer og sekretariat" in outside.text


def test_the_workflows_page_draws_every_version_and_the_cases_per_state(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    for _ in range(3):
        open_test_case(ctx.engine)
    page = client_for("admin").get("/admin/workflows")
    assert page.status_code == 200
    versions = len(re.findall(r"<tr><td><code>[^<]+</code></td><td><code>", page.text))
    diagrams = re.findall(r'<svg [^>]*id="diagram-\d+"', page.text)
    assert versions >= 1
    assert len(diagrams) >= versions
    svg = _svg(page.text, "cases-per-state")
    assert "<desc" in svg
    rows = re.findall(r'<th scope="row">([^<]+)</th><td>([^<]+)</td><td>(\d+)</td>', page.text)
    assert ("Udvalgssag", "Registreret", "3") in rows


def _live(ctx: Context, committee: str) -> int:
    with ctx.engine.transaction() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(deadlines.join(cases, cases.c.id == deadlines.c.case_id))
                .where(cases.c.committee == committee, deadlines.c.closed_at.is_(None))
            ).scalar_one()
        )


def test_a_committees_calendar_draws_its_open_and_overdue_deadlines_over_time(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    officer = ctx.engine.actor("bif.sagsbehandler")
    journal_no = open_test_case(
        ctx.engine, lead_administration="BIF", participating_administrations=[]
    )
    ctx.engine.fire(journal_no, "start_drafting", officer)
    live = _live(ctx, "BIU")
    assert live >= 1
    clock = ctx.engine.clock
    assert isinstance(clock, FakeClock)
    clock.advance(timedelta(days=60))  # every deadline of drafting has passed by now

    def last_row(client: TestClient) -> tuple[str, str]:
        page = client.get("/committees/BIU/deadlines")
        assert page.status_code == 200
        _svg(page.text, "deadline-load")
        table = re.search(r'id="deadline-load-table-1".*?</table>', page.text, re.S)
        assert table
        rows = re.findall(
            r"<tr><th scope=\"row\">[^<]+</th><td>(\d+)</td><td>(\d+)</td></tr>", table.group(0)
        )
        assert len(rows) == 13  # today and the twelve weeks before
        return rows[-1]

    opened, overdue = last_row(client_for("biu.sekretariat"))
    assert int(opened) == _live(ctx, "BIU")
    assert int(overdue) >= 1
    assert last_row(client_for("tmf.sagsbehandler")) == ("0", "0")  # not their cases


def _meeting_begun(ctx: Context) -> None:
    """The clock at 11 June 2009 16:00: decisions are taken once the meeting has begun."""
    clock = ctx.engine.clock
    assert isinstance(clock, FakeClock)
    clock.set(copenhagen_time("2009-06-11 16:00"))
