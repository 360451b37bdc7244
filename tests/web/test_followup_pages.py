"""The steering groups' follow-up overview: actions, owners, fuzzy and exact deadlines,
overdue first; marking one done on the page and through the API; who may not."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from fastapi.testclient import TestClient
from webtools import csrf_of

from caseflow.clock import FakeClock
from caseflow.context import Context
from caseflow.services import followup
from caseflow.testing import copenhagen_time, open_test_case

Clients = Callable[[str], TestClient]
Tokens = Callable[[str], dict[str, str]]


def action(ctx: Context, journal_no: str, owner: str, due: str, text: str) -> int:
    officer = ctx.engine.actor("bif.sagsbehandler")
    return followup.add(ctx, officer, followup.AddFollowup(journal_no, owner, due, text)).record.id


def status_of(ctx: Context, followup_id: int) -> str:
    found = followup.list_followups(
        ctx, ctx.engine.actor("admin"), followup.ListFollowups(include_finished=True)
    )
    (record,) = [v.record for v in found.items if v.record.id == followup_id]
    return record.status


def test_a_steering_group_sees_overdue_first_and_marks_an_action_done(
    with_passwords: Context, client_for: Clients, clock: FakeClock
) -> None:
    ctx = with_passwords
    clock.set(copenhagen_time("2009-10-29 17:00"))
    case = open_test_case(ctx.engine)
    later = action(ctx, case, "steering_group:OMR", "in 2010", "Koordinering <forelægges>")
    finished = action(ctx, case, "steering_group:OMR", "within 5 working days", "Tidligt svar")
    late = action(ctx, case, "administration:BIF", "within 10 working days", "Notat til BIU")
    followup.finish(ctx, ctx.engine.actor("admin"), followup.FinishFollowup(finished))
    clock.advance(timedelta(days=30))  # the 10 working days have passed

    group = client_for("tmf.styregruppe")
    page = group.get("/followups?finished=1&lang=da")
    assert page.status_code == 200
    assert "Koordinering &lt;forelægges&gt;" in page.text  # user text escaped
    assert "in 2010" in page.text
    assert "31. december 2010" in page.text
    assert "Styregruppe OMR" in page.text
    assert "Forvaltning BIF" in page.text
    rows = [page.text.index(f'id="followup-{i}"') for i in (late, later, finished)]
    assert rows == sorted(rows)  # open ones first (the overdue leads), finished ones last
    assert page.text.count("overskredet") == 1
    assert f'action="/followups/{finished}/done"' not in page.text  # finished: no button

    done = group.post(
        f"/followups/{late}/done",
        data={"csrf_token": csrf_of(page.text), "note": "Sendt"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert status_of(ctx, late) == "done"
    after = group.get(done.headers["location"])
    assert "Handlingen er markeret som udført." in after.text
    assert f'id="followup-{late}"' not in after.text  # open ones only, by default


def test_a_case_officer_cannot_finish_another_administrations_action(
    with_passwords: Context, client_for: Clients, token_for: Tokens, clock: FakeClock
) -> None:
    ctx = with_passwords
    clock.set(copenhagen_time("2009-10-29 17:00"))
    case = open_test_case(ctx.engine, lead_administration="BIF", participating_administrations=[])
    theirs = action(ctx, case, "administration:BIF", "in 2010", "BIF's opgave")

    outsider = client_for("tmf.sagsbehandler")
    page = outsider.get("/followups")
    assert page.status_code == 200
    assert "BIF&#39;s opgave" not in page.text
    refused = outsider.post(f"/followups/{theirs}/done", data={"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 404
    assert 'class="error-summary"' in refused.text
    api = outsider.post(f"/api/v1/followups/{theirs}/done", headers=token_for("tmf.sagsbehandler"))
    assert api.status_code == 404
    assert api.headers["content-type"].startswith("application/problem+json")
    assert status_of(ctx, theirs) == "open"

    owner = client_for("bif.sagsbehandler")
    assert "BIF&#39;s opgave" in owner.get("/followups").text


def test_the_followups_api_lists_and_finishes(
    with_passwords: Context, app_client: TestClient, token_for: Tokens, clock: FakeClock
) -> None:
    ctx = with_passwords
    clock.set(copenhagen_time("2009-10-29 17:00"))
    case = open_test_case(ctx.engine)
    first = action(ctx, case, "steering_group:OMR", "in 2010", "Første")
    second = action(ctx, case, "steering_group:OMR", "within 10 working days", "Anden")
    clock.advance(timedelta(days=30))
    headers = token_for("tmf.styregruppe")

    listed = app_client.get("/api/v1/followups?limit=1", headers=headers)
    assert listed.status_code == 200
    body = listed.json()
    assert [(i["id"], i["overdue"], i["due"]) for i in body["items"]] == [
        (second, True, "within 10 working days")
    ]
    rest = app_client.get(
        f"/api/v1/followups?limit=1&cursor={body['next_cursor']}", headers=headers
    )
    assert [i["id"] for i in rest.json()["items"]] == [first]

    done = app_client.post(
        f"/api/v1/followups/{second}/done", json={"note": "Klaret"}, headers=headers
    )
    assert done.status_code == 200
    assert (done.json()["status"], done.json()["done_by"]) == ("done", "tmf.styregruppe")
    again = app_client.post(f"/api/v1/followups/{second}/done", headers=headers)
    assert again.status_code == 403  # already done
    assert app_client.get("/api/v1/followups").status_code == 401


def test_marking_done_without_the_csrf_token_is_refused(
    with_passwords: Context, client_for: Clients, clock: FakeClock
) -> None:
    ctx = with_passwords
    clock.set(copenhagen_time("2009-10-29 17:00"))
    case = open_test_case(ctx.engine)
    open_one = action(ctx, case, "steering_group:OMR", "in 2010", "Første")
    group = client_for("tmf.styregruppe")
    refused = group.post(f"/followups/{open_one}/done", data={"note": "x"})
    assert refused.status_code == 403
    assert status_of(ctx, open_one) == "open"
