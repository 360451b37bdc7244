"""The secretariats' pages: the meeting plan, the agenda builder, meeting mode and the
minutes, the report, a committee's deadline calendar and the digest; and what a case
officer outside the committee may (not) see and do there."""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from webtools import PASSWORD, csrf_of

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.domain import RoleGrant
from caseflow.services import accounts, agenda
from caseflow.store import organisation
from caseflow.store.db import write_transaction
from caseflow.testing import add_test_meeting, copenhagen_time, open_test_case, ready_test_case
from caseflow.web import texts_meetings

Clients = Callable[[str], TestClient]

SECRET = "Fortrolig grundsalg Jensen"
SECRET_DECISION = "Udvalget sælger grunden til Jensen"
WEB = Path(__file__).resolve().parents[2] / "src" / "caseflow" / "web"


def ready(ctx: Context, title: str, meeting_day: str = "2009-06-11") -> str:
    """A ready BIU case meant for the meeting on ``meeting_day``, with a political deadline."""
    return ready_test_case(
        ctx.engine,
        title,
        fields={"meeting_date": meeting_day, "obligation_due": "2009-12-31"},
    )


def order(ctx: Context, meeting_id: int) -> list[tuple[int, str, bool]]:
    shown = agenda.show(ctx, ctx.engine.actor("admin"), agenda.ShowAgenda(meeting_id)).to_json()
    return [
        (i["item_no"], i["journal_no"], i["is_public"])
        for i in shown["items"]
        if i["status"] != "removed"
    ]


def closed_meeting(ctx: Context) -> tuple[int, str, str]:
    """A meeting with a public item and a closed one (its decision recorded), published."""
    secretariat = ctx.engine.actor("biu.sekretariat")
    meeting = add_test_meeting(ctx.engine, "BIU", "2009-06-11 15:00")
    public, secret = ready(ctx, "Åben sag om parker"), ready(ctx, SECRET)
    agenda.add_item(ctx, secretariat, agenda.AddItem(meeting, public))
    agenda.add_item(ctx, secretariat, agenda.AddItem(meeting, secret, closed=True))
    agenda.publish(ctx, secretariat, agenda.Publish(meeting))
    return meeting, public, secret


def test_a_secretariat_builds_reorders_and_publishes_an_agenda(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    meeting = add_test_meeting(ctx.engine, "BIU", "2009-06-11 15:00")
    first, second = ready(ctx, "Første <sag>"), ready(ctx, "Anden sag")
    secretariat = client_for("biu.sekretariat")
    page = secretariat.get(f"/meetings/{meeting}")
    assert page.status_code == 200
    assert "Første &lt;sag&gt;" in page.text  # the queue, user text escaped
    assert f"Sæt {first} på dagsordenen" in page.text
    assert "late_reason" not in page.text  # the agenda deadline (28 May) has not passed
    token = csrf_of(page.text)

    for journal_no, access in ((first, "public"), (second, "closed")):
        added = secretariat.post(
            f"/meetings/{meeting}/items",
            data={
                "journal_no": journal_no,
                "from_queue": "1",
                "access": access,
                "csrf_token": token,
            },
            follow_redirects=False,
        )
        assert added.status_code == 303, added.text
    assert order(ctx, meeting) == [(1, first, True), (2, second, False)]

    moved = secretariat.post(
        f"/meetings/{meeting}/items/2/move",
        data={"direction": "up", "csrf_token": token},
        follow_redirects=False,
    )
    assert moved.status_code == 303, moved.text
    assert order(ctx, meeting) == [(1, second, False), (2, first, True)]

    published = secretariat.post(
        f"/meetings/{meeting}/publish", data={"csrf_token": token}, follow_redirects=True
    )
    assert published.status_code == 200
    assert "Dagsordenen er offentliggjort." in published.text
    assert "version 1" in published.text
    assert "Offentliggør en ny version" in published.text

    # Published: a change must say what changed, next to the note field of its own form.
    refused = secretariat.post(
        f"/meetings/{meeting}/items/1/move", data={"direction": "down", "csrf_token": token}
    )
    assert refused.status_code == 422
    assert (
        'id="move-1-note" name="note" aria-invalid="true" aria-describedby="move-1-note-error"'
        in refused.text
    )
    assert '<p class="field-error" id="move-1-note-error">Skriv en note om' in refused.text
    assert order(ctx, meeting) == [(1, second, False), (2, first, True)]
    secretariat.post(
        f"/meetings/{meeting}/items/1/move",
        data={"direction": "down", "note": "Punkterne byttet", "csrf_token": token},
    )
    versions = secretariat.get(f"/meetings/{meeting}").text
    assert "Punkterne byttet" in versions
    assert order(ctx, meeting) == [(1, first, True), (2, second, False)]


def test_withdrawing_and_opening_need_a_reason_and_opening_is_audited(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    meeting, public, secret = closed_meeting(ctx)
    secretariat = client_for("biu.sekretariat")
    token = csrf_of(secretariat.get(f"/meetings/{meeting}").text)
    refused = secretariat.post(
        f"/meetings/{meeting}/open", data={"journal_no": secret, "csrf_token": token}
    )
    assert refused.status_code == 422
    assert f'aria-describedby="open-{secret}-reason-error open-{secret}-hint"' in refused.text
    assert re.search(r"<details open>\s*<summary>Gør punkt 2 offentligt", refused.text)
    secretariat.post(
        f"/meetings/{meeting}/open",
        data={"journal_no": secret, "reason": "Sagen er afklaret", "csrf_token": token},
    )
    assert order(ctx, meeting)[1] == (2, secret, True)
    history = ctx.engine.history(secret)
    assert history[-1].kind == "made_public"
    assert history[-1].actor == "biu.sekretariat"
    assert "Sagen er afklaret" in (history[-1].comment or "")

    withdrawn = secretariat.post(
        f"/meetings/{meeting}/withdraw",
        data={"journal_no": public, "reason": "Mangler bilag", "csrf_token": token},
        follow_redirects=True,
    )
    assert "Punktet er taget af dagsordenen." in withdrawn.text
    assert "Mangler bilag" in withdrawn.text  # the version's change note, and the reason
    assert ctx.engine.get_case(public).state == "ready_for_agenda"
    assert order(ctx, meeting) == [(1, secret, True)]


def test_a_late_item_without_a_reason_gets_the_error_next_to_its_field(
    with_passwords: Context, client_for: Clients, clock: FakeClock
) -> None:
    ctx = with_passwords
    meeting = add_test_meeting(ctx.engine, "BIU", "2009-05-20 15:00")
    late = ready(ctx, "Sen sag", meeting_day="2009-05-20")
    secretariat = client_for("biu.sekretariat")
    page = secretariat.get(f"/meetings/{meeting}")
    assert "(overskredet)" in page.text
    assert f'id="add-{late}-late_reason" name="late_reason"' in page.text  # the service says late
    refused = secretariat.post(
        f"/meetings/{meeting}/items",
        data={"journal_no": late, "from_queue": "1", "csrf_token": csrf_of(page.text)},
    )
    assert refused.status_code == 403
    field = (
        f'id="add-{late}-late_reason" name="late_reason" aria-invalid="true" '
        f'aria-describedby="add-{late}-late_reason-error late-hint"'
    )
    assert field in refused.text
    error = f'<p class="field-error" id="add-{late}-late_reason-error">Fristen for dagsordenen'
    assert error in refused.text
    assert refused.text.index(field) < refused.text.index(error)  # beside the field
    assert order(ctx, meeting) == []
    accepted = secretariat.post(
        f"/meetings/{meeting}/items",
        data={
            "journal_no": late,
            "from_queue": "1",
            "late_reason": "Borgmesteren ønsker den behandlet",
            "csrf_token": csrf_of(page.text),
        },
        follow_redirects=True,
    )
    assert "For sent anmeldt: Borgmesteren ønsker den behandlet" in accepted.text


def test_meeting_mode_records_decisions_and_approves_the_minutes(
    with_passwords: Context, client_for: Clients, clock: FakeClock
) -> None:
    ctx = with_passwords
    meeting, public, secret = closed_meeting(ctx)
    add_test_meeting(ctx.engine, "BIU", "2009-08-20 15:00")  # where a postponed item goes
    clock.set(copenhagen_time("2009-06-11 16:00"))
    secretariat = client_for("biu.sekretariat")
    mode = secretariat.get(f"/meetings/{meeting}/mode")
    assert mode.status_code == 200
    assert 'name="absent_0" value="Medlem A"' in mode.text
    token = csrf_of(mode.text)

    untreated = secretariat.post(f"/meetings/{meeting}/minutes/approve", data={"csrf_token": token})
    assert untreated.status_code == 403
    assert '<p class="field-error" id="minutes-error">Møde' in untreated.text
    no_text = secretariat.post(
        f"/meetings/{meeting}/items/1/decide",
        data={"outcome": "decided", "absent_0": "Medlem A", "csrf_token": token},
    )
    assert no_text.status_code == 422
    assert 'id="decide-1-text" name="text" aria-invalid="true"' in no_text.text
    assert 'value="Medlem A" checked' in no_text.text  # the form keeps what was ticked

    decided = secretariat.post(
        f"/meetings/{meeting}/items/1/decide",
        data={
            "outcome": "decided",
            "text": "Udvalget godkender planen",
            "absent_0": "Medlem A",
            "absent_2": "Medlem C",
            "csrf_token": token,
        },
        follow_redirects=True,
    )
    assert decided.status_code == 200, decided.text
    assert "Udvalget godkender planen" in decided.text
    assert "Medlem A, Medlem C" in decided.text
    secretariat.post(
        f"/meetings/{meeting}/items/2/decide",
        data={"outcome": "postponed", "csrf_token": token},
    )
    assert ctx.engine.get_case(public).state == "decided"
    assert ctx.engine.get_case(secret).state == "ready_for_agenda"

    approved = secretariat.post(
        f"/meetings/{meeting}/minutes/approve",
        data={"note": "Godkendt på mødet", "csrf_token": token},
        follow_redirects=True,
    )
    assert "Beslutningsprotokollen er godkendt" in approved.text
    assert "Godkendt af biu.sekretariat" in approved.text
    board = agenda.board(ctx, ctx.engine.actor("admin"), agenda.Board(meeting))
    assert board.meeting.status == "closed"
    assert board.minutes is not None
    assert board.minutes.note == "Godkendt på mødet"


def test_a_case_officer_outside_the_committee_never_sees_the_closed_item(
    with_passwords: Context, client_for: Clients, clock: FakeClock
) -> None:
    ctx = with_passwords
    meeting, _public, _secret = closed_meeting(ctx)
    later = add_test_meeting(ctx.engine, "BIU", "2009-08-20 15:00")
    clock.set(copenhagen_time("2009-06-11 16:00"))
    secretariat = ctx.engine.actor("biu.sekretariat")
    agenda.decide(ctx, secretariat, agenda.Decide(meeting, 2, "postponed", text=SECRET_DECISION))
    pages = (
        f"/meetings/{meeting}",
        f"/meetings/{meeting}/mode",
        f"/meetings/{later}",
        "/meetings?committee=BIU&year=2009",
        "/meetings/report",
        "/meetings/report?committee=BIU",
        "/committees/BIU/deadlines",
    )
    insider = client_for("biu.sekretariat")
    seen = " ".join(insider.get(p).text for p in pages)
    assert SECRET in seen  # the insider sees it, so the pages could show it
    assert SECRET_DECISION in seen
    assert SECRET in insider.get("/committees/BIU/deadlines").text  # its political deadline
    assert SECRET in insider.get(f"/meetings/{later}").text  # postponed: in the next queue
    # The case's own officer may read the case, yet not a closed item's content here.
    for outsider in ("bif.sagsbehandler", "tmf.sagsbehandler"):
        reader = client_for(outsider)
        for path in pages:
            response = reader.get(path)
            assert response.status_code == 200, (outsider, path)
            for leak in ("Jensen", "Resumé af Fortrolig", SECRET_DECISION):
                assert leak not in response.text, (outsider, path, leak)
        shown = reader.get(f"/meetings/{meeting}").text
        assert "Lukket punkt" in shown  # what the public agenda shows in its place
        assert "Åben sag om parker" in shown
        assert "/withdraw" not in shown
        assert "Lukket punkt" in reader.get("/committees/BIU/deadlines").text
        assert "/publish" not in shown
        assert reader.get("/digest").status_code == 403


def test_a_case_closed_in_one_committee_stays_closed_in_the_next_ones_pages(
    with_passwords: Context, client_for: Clients, clock: FakeClock
) -> None:
    """Referred on to TMU, a case closed at BIU shows TMU's secretariat no more than the
    public agenda did: in the digest, the report and the deadline calendar."""
    ctx = with_passwords
    with write_transaction(ctx.engine.db) as conn:
        organisation.upsert_actor(
            conn, "tmu.sekretariat", "T", None, [RoleGrant("secretariat", committee="TMU")]
        )
    accounts.set_password(ctx, ctx.engine.actor("admin"), "tmu.sekretariat", PASSWORD)
    biu = ctx.engine.actor("biu.sekretariat")
    meeting = add_test_meeting(ctx.engine, "BIU", "2009-06-11 15:00")
    secret = ready_test_case(
        ctx.engine, SECRET, fields={"meeting_date": "2009-06-11", "obligation_due": "2009-06-19"}
    )
    agenda.add_item(ctx, biu, agenda.AddItem(meeting, secret, closed=True))
    clock.set(copenhagen_time("2009-06-11 16:00"))
    agenda.decide(ctx, biu, agenda.Decide(meeting, 1, "referred", text=SECRET_DECISION, to="TMU"))
    assert ctx.engine.get_case(secret).committee == "TMU"

    tmu = client_for("tmu.sekretariat")
    pages = ("/digest", "/meetings/report?committee=TMU", "/committees/TMU/deadlines")
    for path in pages:
        response = tmu.get(path)
        assert response.status_code == 200, path
        assert f'href="/cases/{secret}"' in response.text, path  # the case is listed
        assert "Lukket punkt" in response.text, path  # by the title the public knows
        for leak in ("Jensen", SECRET_DECISION):
            assert leak not in response.text, (path, leak)

    # ... and so does the digest mailed to TMU's secretariat (it once carried the title).
    from caseflow.notifications.digest import enqueue_digests
    from caseflow.store import outbox

    assert enqueue_digests(ctx.engine, ctx.calendars, days=15, committees=["TMU"])
    with ctx.engine.transaction() as conn:
        (row,) = [r for r in outbox.search(conn) if r.key.startswith("digest:TMU")]
    titles = [item["title"] for item in row.context["items"] if item["journal_no"] == secret]
    assert titles
    assert set(titles) == {"Lukket punkt"}
    assert "Jensen" not in str(row.context)


def test_a_case_officer_is_refused_every_secretariat_action(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    meeting, public, secret = closed_meeting(ctx)
    waiting = ready(ctx, "Venter")
    officer = client_for("bif.sagsbehandler")
    page = officer.get(f"/meetings/{meeting}")
    token = csrf_of(page.text)
    before = order(ctx, meeting)
    posts = {
        f"/meetings/{meeting}/items": {"journal_no": waiting, "note": "n"},
        f"/meetings/{meeting}/items/1/move": {"direction": "down", "note": "n"},
        f"/meetings/{meeting}/withdraw": {"journal_no": public, "reason": "r"},
        f"/meetings/{meeting}/open": {"journal_no": secret, "reason": "r"},
        f"/meetings/{meeting}/publish": {"note": "n"},
        f"/meetings/{meeting}/items/1/decide": {"outcome": "decided", "text": "t"},
        f"/meetings/{meeting}/minutes/approve": {},
        "/meetings": {"committee": "BIU", "day": "2009-09-17", "starts": "15:00"},
    }
    for path, data in posts.items():
        refused = officer.post(path, data={**data, "csrf_token": token})
        assert refused.status_code == 403, (path, refused.text)
        summary = refused.text.split('id="page-error"')[1].split("</div>")[0]
        assert "Det kræver en af rollerne" in summary or "Det har du ikke lov til." in summary
        assert SECRET not in refused.text
    assert order(ctx, meeting) == before
    assert ctx.engine.get_case(waiting).state == "ready_for_agenda"


def test_secretariat_posts_without_the_csrf_token_are_refused(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    meeting = add_test_meeting(ctx.engine, "BIU", "2009-06-11 15:00")
    case = ready(ctx, "Sag")
    secretariat = client_for("biu.sekretariat")
    for token in (None, "forged"):
        data = {"journal_no": case, "from_queue": "1"}
        if token:
            data["csrf_token"] = token
        refused = secretariat.post(f"/meetings/{meeting}/items", data=data)
        assert refused.status_code == 403
        assert "Formularen var for gammel" in refused.text
        publish = secretariat.post(f"/meetings/{meeting}/publish", data=data)
        assert publish.status_code == 403
    assert order(ctx, meeting) == []
    page = secretariat.get(f"/meetings/{meeting}")
    via_htmx = secretariat.post(
        f"/meetings/{meeting}/items",
        data={"journal_no": case, "from_queue": "1"},
        headers={"X-CSRF-Token": csrf_of(page.text), "HX-Request": "true"},
    )
    assert via_htmx.status_code == 200
    assert order(ctx, meeting) == [(1, case, True)]


def test_the_meeting_plan_pages_and_a_new_meeting(
    with_passwords: Context, client_for: Clients
) -> None:
    ctx = with_passwords
    for day in ("2009-06-11", "2009-08-20"):
        add_test_meeting(ctx.engine, "BIU", f"{day} 15:00")
    add_test_meeting(ctx.engine, "TMU", "2009-06-10 15:00")
    add_test_meeting(ctx.engine, "BIU", "2010-01-14 15:00")
    officer = client_for("bif.sagsbehandler")
    plan = officer.get("/meetings?committee=BIU&year=2009")
    assert plan.status_code == 200
    assert plan.text.count('href="/meetings/') == 2 + 1  # two meetings, and the report link
    assert "11. juni 2009 kl. 15.00" in plan.text
    assert "10. juni 2009" not in plan.text  # TMU's
    assert "14. januar 2010" not in plan.text
    assert "h-new-meeting" not in plan.text  # a case officer plans no meetings
    bad_year = officer.get("/meetings?year=20x9")
    assert bad_year.status_code == 422
    assert 'aria-invalid="true" aria-describedby="f-year-error"' in bad_year.text

    secretariat = client_for("biu.sekretariat")
    form = secretariat.get("/meetings")
    assert "Nyt møde" in form.text
    options = re.findall(r'<option value="(\w+)"', form.text.split('id="h-new-meeting"')[1])
    assert options == ["BIU"]  # the committees this secretariat plans
    token = csrf_of(form.text)
    bad = secretariat.post(
        "/meetings",
        data={"committee": "BIU", "day": "11/9", "starts": "15:00", "csrf_token": token},
    )
    assert bad.status_code == 422
    assert 'id="new-meeting-day" name="day" aria-invalid="true"' in bad.text
    assert 'value="11/9"' in bad.text
    made = secretariat.post(
        "/meetings",
        data={
            "committee": "BIU",
            "day": "2009-09-17",
            "starts": "15:30",
            "ends": "17:00",
            "place": "Rådhuset, værelse 1",
            "csrf_token": token,
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    page = secretariat.get(made.headers["location"])
    assert "Mødet er oprettet." in page.text
    assert "17. september 2009 kl. 15.30" in page.text
    assert "Rådhuset, værelse 1" in page.text

    many = [add_test_meeting(ctx.engine, "ØU", f"2011-0{m}-01 10:00") for m in range(1, 10)]
    first = secretariat.get("/meetings?committee=%C3%98U").text
    assert len(many) == 9
    assert 'rel="next"' not in first  # 9 < a page of 25
    for m in range(10, 30):
        add_test_meeting(ctx.engine, "ØU", f"2012-01-{m:02d} 10:00")
    paged = secretariat.get("/meetings?committee=%C3%98U")
    link = re.search(r'href="/meetings\?([^"]+)" rel="next"', paged.text)
    assert link is not None
    rest = secretariat.get("/meetings?" + link.group(1).replace("&amp;", "&"))
    assert rest.text.count("januar 2012") == 29 - 25


def test_the_report_the_deadline_calendar_its_ics_and_the_digest(
    with_passwords: Context, client_for: Clients, app_client: TestClient, clock: FakeClock
) -> None:
    ctx = with_passwords
    meeting = add_test_meeting(ctx.engine, "BIU", "2009-06-11 15:00")
    officer = ctx.engine.actor("bif.sagsbehandler")
    drafting = ready(ctx, "Klar sag")
    behind = open_test_case(ctx.engine, title="Bagud sag", fields={"meeting_date": "2009-06-11"})
    ctx.engine.fire(behind, "start_drafting", officer)
    secretariat = client_for("biu.sekretariat")

    report = secretariat.get("/meetings/report?committee=BIU")
    assert report.status_code == 200
    not_ready = report.text.split('id="h-not-ready"')[1].split('id="h-without"')[0]
    assert f'href="/cases/{behind}"' in not_ready
    assert f'href="/cases/{drafting}"' not in not_ready  # it is ready

    calendar = secretariat.get("/committees/BIU/deadlines")
    assert calendar.status_code == 200
    assert 'href="/committees/BIU/meetings.ics"' in calendar.text
    assert f'href="/meetings/{meeting}"' in calendar.text
    assert "28. maj 2009" in calendar.text  # the meeting's agenda deadline
    assert "Frist for udarbejdelse" in calendar.text  # the drafting case's deadline
    english = secretariat.get("/committees/BIU/deadlines?lang=en")
    assert "Time for drafting" in english.text
    assert "28 May 2009" in english.text

    ics = app_client.get("/committees/BIU/meetings.ics")  # no session: a calendar subscribes
    assert ics.status_code == 200
    assert ics.headers["content-type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in ics.text
    assert "DTSTART;TZID=Europe/Copenhagen:20090611T150000" in ics.text
    assert app_client.get("/committees/XX/meetings.ics").status_code == 404

    clock.set(copenhagen_time("2009-05-25 09:00"))
    digest = secretariat.get("/digest?lang=da")
    assert digest.status_code == 200
    assert "Beskæftigelses- og Integrationsudvalget" in digest.text
    assert "Bagud sag" in digest.text
    assert "Teknik- og Miljøudvalget" not in digest.text  # BIU's secretariat, BIU's digest
    assert 'href="/digest"' in secretariat.get("/inbox").text  # the nav links it for secretariats
    assert 'href="/digest"' not in client_for("bif.sagsbehandler").get("/inbox").text


def test_every_meeting_text_is_in_both_languages() -> None:
    for key, (danish, english) in texts_meetings.TEXTS.items():
        assert danish.strip(), key
        assert english.strip(), key
        assert set(re.findall(r"{(\w+)}", danish)) == set(re.findall(r"{(\w+)}", english)), key


@pytest.mark.parametrize(
    "module", ["pages/meetings.py", "pages/agenda.py", "pages/minutes.py", "api/meetings.py"]
)
def test_the_meeting_routes_are_thin(module: str) -> None:
    tree = ast.parse((WEB / module).read_text(encoding="utf-8"))
    imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    assert not [name for name in imported if name.startswith("caseflow.store")]
    calls = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert calls.isdisjoint({"transaction", "read_transaction", "write_transaction"})
